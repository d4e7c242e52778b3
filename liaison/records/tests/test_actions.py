"""The record actions: each refusal says why and writes nothing; each accepted change
is visible where users look (the record, the readouts, the minutes, the register)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest

from liaison.ledger.models import Event
from liaison.lib.errors import Conflict, NotAllowed, NotFound, Refused
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.offices.commands import EndMembership
from liaison.records import commitments, frameworks, meeting_records, readouts
from liaison.records import minutes as minutes_actions
from liaison.records.commands import (
    ChangeCommitmentStatus,
    ClauseIn,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    ProposeMinutes,
    PublishReadout,
    RecordFramework,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
    SignMinutes,
)
from liaison.records.models import (
    Commitment,
    MeetingRecord,
    Minutes,
    MinutesStatus,
    Readout,
    ReadoutDraft,
)
from liaison.records.overview import commitments_of, draft_for, minutes_of
from liaison.testing import FIRST_SESSION, FIRST_START, World

S = FIRST_SESSION
LATER = FIRST_START + dt.timedelta(hours=2)
SECOND = "weekly-20240112T1000"
SECOND_START = FIRST_START + dt.timedelta(days=7)


@contextlib.contextmanager
def refused(match: str | None, kind: type[Exception] = Refused) -> Iterator[pytest.ExceptionInfo]:
    """The block is refused with ``match`` in its message and appends no event."""
    before = Event.objects.count()
    with pytest.raises(kind, match=match) as info:
        yield info
    assert Event.objects.count() == before


def record(world: World, member: str = "south_staff", **changes: object) -> MeetingRecord:
    values: dict[str, object] = {
        "session": S,
        "base_revision": 0,
        "place": "Office building, Kaesong",
        "started_at": FIRST_START + dt.timedelta(minutes=5),
        "duration_minutes": 60,
        "participants": [
            ParticipantIn(member=world.south_head.username),
            ParticipantIn(member=world.north_head.username),
        ],
        "topics": ["Rail study", "  ", "Next meetings"],
        "outcomes": [
            OutcomeIn(kind="reaffirmation", text="Both implement the declaration."),
            OutcomeIn(kind="next_step", text="Prepare more meetings."),
        ],
    }
    values.update(changes)
    now = values.pop("now", LATER)
    return meeting_records.save_record(
        member=world.members[member],
        command=SaveRecord(**values),  # type: ignore[arg-type]
        now=now,  # type: ignore[arg-type]
    )


# Meeting records.


def test_a_record_keeps_participants_topics_and_keyed_outcomes(held):
    saved = record(held)
    assert saved.revision == 1
    assert saved.topics == ["Rail study", "Next meetings"]
    names = [(p.name, p.side.key) for p in saved.participants.select_related("side")]
    assert names == [("South Head", "south"), ("North Head", "north")]
    assert [(o.key, o.kind) for o in saved.outcomes.all()] == [
        ("o1", "reaffirmation"),
        ("o2", "next_step"),
    ]


def test_a_revision_keeps_outcome_keys_and_history(held):
    record(held)
    revised = record(
        held,
        "north_deputy",
        base_revision=1,
        outcomes=[
            OutcomeIn(kind="next_step", text="Prepare more meetings at the office.", key="o2"),
            OutcomeIn(kind="agreement", text="Consult closely.", key=""),
            OutcomeIn(kind="reaffirmation", text="Both implement the declaration.", key="o1"),
        ],
    )
    assert revised.revision == 2
    assert revised.side.key == "north"
    assert [o.key for o in revised.outcomes.all()] == ["o2", "o3", "o1"]
    history = list(revised.revisions.values_list("revision", "written_by"))
    assert history == [(1, held.south_staff.username), (2, held.north_deputy.username)]


def test_a_new_outcome_never_takes_the_key_of_a_dropped_one(held):
    record(held)
    record(
        held, base_revision=1, outcomes=[OutcomeIn(kind="reaffirmation", text="Both.", key="o1")]
    )
    revised = record(
        held,
        base_revision=2,
        outcomes=[
            OutcomeIn(kind="reaffirmation", text="Both.", key="o1"),
            OutcomeIn(kind="agreement", text="New."),
        ],
    )
    assert [o.key for o in revised.outcomes.all()] == ["o1", "o3"]


def test_two_saves_from_the_same_revision_conflict_and_show_what_changed(held):
    record(held)
    record(held, "south_head", base_revision=1, place="Panmunjom")
    with refused("changed while you were editing", Conflict) as info:
        record(held, "north_staff", base_revision=1, place="Seoul")
    assert info.value.current == 2
    assert "-place: Panmunjom" in info.value.changes
    assert "+place: Seoul" in info.value.changes
    assert MeetingRecord.objects.get().place == "Panmunjom"


def test_a_record_for_a_session_not_held_is_refused(held):
    attending.check_in(member=held.south_head, command=CheckInTo(key=SECOND), now=SECOND_START)
    later = SECOND_START + dt.timedelta(hours=2)
    with refused("was not held .The North: no show"):
        record(held, session=SECOND, started_at=SECOND_START, now=later)


def test_a_record_for_an_unknown_session_is_refused(held):
    # One lookup for the pages, the API and the action: the 404 of a missing session.
    with refused("No such session", NotFound):
        record(held, session="weekly-20240105T1100")


def test_a_participant_from_neither_side_needs_a_name(held):
    with refused("participant 2 is from neither side and needs a name"):
        record(
            held,
            participants=[
                ParticipantIn(member=held.south_head.username),
                ParticipantIn(affiliation="UN Command"),
            ],
        )


def test_a_participant_from_neither_side_is_kept_by_name(held):
    saved = record(
        held,
        participants=[
            ParticipantIn(member=held.south_head.username),
            ParticipantIn(member="", name="Kim", affiliation="UN"),
        ],
    )
    guest = saved.participants.get(position=2)
    assert (guest.member_id, guest.name, guest.affiliation, guest.side_id) == (
        None,
        "Kim",
        "UN",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participants": []}, "at least one participant"),
        ({"participants": [ParticipantIn(member="nobody")]}, "'nobody' is not a member"),
        ({"place": "  "}, "say where"),
        ({"duration_minutes": 0}, "between 1 minute and 24 hours"),
        ({"started_at": FIRST_START + dt.timedelta(hours=13)}, "more than 12 hours"),
        ({"outcomes": [OutcomeIn(kind="promise", text="x")]}, "kind must be one of"),
        ({"outcomes": [OutcomeIn(kind="agreement", text=" ")]}, "outcome 1 has no text"),
        (
            {"outcomes": [OutcomeIn(kind="agreement", text="x", key="o9")]},
            "outcome key 'o9' is not",
        ),
        ({"base_revision": 3}, "no record yet"),
    ],
)
def test_bad_record_input_is_refused(held, changes, message):
    with refused(message):
        record(held, **changes)


def test_an_outcome_cited_by_a_commitment_cannot_be_dropped(held):
    record(held)
    commitments.make_commitment(
        member=held.north_head,
        command=MakeCommitment(key="meet", text="Meet", owners=["north"], source_outcome=f"{S}/o2"),
        now=LATER,
    )
    with refused("outcome o2 is the source of commitment 'meet'"):
        record(
            held, base_revision=1, outcomes=[OutcomeIn(kind="reaffirmation", text="x", key="o1")]
        )


def test_observers_do_not_write_records(held):
    with refused("observers read", NotAllowed):
        record(held, "observer")


# Readouts.


def draft(
    world: World, member: str = "south_staff", base: int = 0, body: str = "We met."
) -> ReadoutDraft:
    return readouts.save_readout_draft(
        member=world.members[member],
        command=SaveReadoutDraft(
            session=S,
            base_revision=base,
            title="Readout",
            source="Ministry of Unification",
            body=body,
        ),
        now=LATER,
    )


def test_a_draft_is_private_to_its_side_and_writes_no_event(held):
    before = Event.objects.count()
    draft(held)
    assert Event.objects.count() == before
    assert draft_for(held.south_deputy, S) is not None
    assert draft_for(held.north_head, S) is None
    assert draft_for(held.observer, S) is None


def test_two_members_saving_one_draft_conflict_with_the_difference(held):
    draft(held)
    draft(held, "south_head", base=1, body="We met at ten.")
    with pytest.raises(Conflict, match="south-head saved revision 2") as info:
        draft(held, "south_deputy", base=1, body="We met briefly.")
    assert "-We met at ten." in info.value.changes
    assert "+We met briefly." in info.value.changes
    assert ReadoutDraft.objects.get().body == "We met at ten."


def test_publishing_puts_the_text_in_the_log_and_a_revision_is_the_next_version(held):
    draft(held)
    first = readouts.publish_readout(
        member=held.south_deputy, command=PublishReadout(session=S), now=LATER
    )
    assert (first.version, first.body, first.side.key) == (1, "We met.", "south")
    assert Event.objects.filter(type="readout.published").count() == 1
    with refused("already published"):
        readouts.publish_readout(
            member=held.south_head, command=PublishReadout(session=S), now=LATER
        )
    draft(held, base=1, body="We met for an hour.")
    second = readouts.publish_readout(
        member=held.south_head, command=PublishReadout(session=S), now=LATER
    )
    assert second.version == 2
    assert list(Readout.objects.values_list("version", "body")) == [
        (1, "We met."),
        (2, "We met for an hour."),
    ]


def test_publishing_the_other_sides_readout_is_not_allowed(held):
    draft(held, "north_staff")
    with refused("only for your own side", NotAllowed):
        readouts.publish_readout(
            member=held.south_head, command=PublishReadout(session=S, side="north"), now=LATER
        )


def test_staff_draft_but_do_not_publish(held):
    draft(held)
    with refused("only your side's head or deputy", NotAllowed):
        readouts.publish_readout(
            member=held.south_staff, command=PublishReadout(session=S), now=LATER
        )


def test_publishing_a_draft_that_changed_since_it_was_read_is_a_conflict(held):
    draft(held)
    draft(held, "south_staff", base=1, body="Changed.")
    with refused("you started from revision 1.*Nothing was published", Conflict) as info:
        readouts.publish_readout(
            member=held.south_head, command=PublishReadout(session=S, draft_revision=1), now=LATER
        )
    assert info.value.field == "draft_revision"
    assert "at 05 Jan 2024 12:00 KST" in info.value.message


def test_nothing_to_publish_and_not_before_the_session(held):
    with refused("no draft readout"):
        readouts.publish_readout(
            member=held.south_head, command=PublishReadout(session=S), now=LATER
        )
    readouts.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(
            session=SECOND, base_revision=0, title="T", source="M", body="Planned."
        ),
        now=LATER,
    )
    with refused("after the session has begun"):
        readouts.publish_readout(
            member=held.south_head, command=PublishReadout(session=SECOND), now=LATER
        )


# Minutes.


def minutes(
    world: World, member: str = "north_staff", base: int = 0, text: str = "Minutes v1", **kw: object
):
    return minutes_actions.save_minutes(
        member=world.members[member],
        command=SaveMinutes(session=S, base_version=base, text=text, **kw),  # type: ignore[arg-type]
        now=LATER,
    )


def sign(world: World, member: str, version: int = 1):
    return minutes_actions.sign_minutes(
        member=world.members[member], command=SignMinutes(session=S, version=version), now=LATER
    )


def test_minutes_bind_when_both_heads_signed_the_proposed_version(held):
    saved = minutes(held)
    assert saved.content_hash == minutes_actions.content_hash("Minutes v1")
    minutes_actions.propose_minutes(
        member=held.south_deputy, command=ProposeMinutes(session=S, version=1), now=LATER
    )
    assert Minutes.objects.get().status == MinutesStatus.PROPOSED
    assert not sign(held, "south_head").agreed
    agreed = sign(held, "north_head")
    assert agreed.agreed
    view = minutes_of(held.office, S)
    assert view is not None and view.minutes.status == MinutesStatus.AGREED
    assert [s.side.key for s in view.latest.signatures.all()] == ["south", "north"]
    signed = Event.objects.get(type="minutes.signed", log__side="north")
    saving = Event.objects.get(type="minutes.saved")
    # The signature names the saving event in the other log by hash.
    assert saving.hash in bytes(signed.data).decode()


def test_signing_before_proposal_twice_superseded_or_as_non_head_is_refused(held):
    minutes(held)
    with refused("has not been proposed"):
        sign(held, "south_head")
    minutes_actions.propose_minutes(
        member=held.north_head, command=ProposeMinutes(session=S, version=1), now=LATER
    )
    with refused("only the heads", NotAllowed):
        sign(held, "south_deputy")
    with refused("only the heads", NotAllowed):
        sign(held, "observer")
    sign(held, "south_head")
    with refused("already signed version 1"):
        sign(held, "south_head")
    minutes(held, base=1, text="Minutes v2")
    with refused("version 1 is superseded by version 2"):
        sign(held, "north_head", 1)
    with refused("have no version 7"):
        sign(held, "north_head", 7)


def test_a_new_version_withdraws_the_proposal(held):
    minutes(held)
    minutes_actions.propose_minutes(
        member=held.north_head, command=ProposeMinutes(session=S, version=1), now=LATER
    )
    minutes(held, base=1, text="Minutes v2")
    assert Minutes.objects.get().status == MinutesStatus.DRAFT
    with refused("has not been proposed"):
        sign(held, "south_head", 2)


def test_agreed_minutes_cannot_be_edited_only_corrected_and_signed_again(held):
    minutes(held)
    minutes_actions.propose_minutes(
        member=held.north_head, command=ProposeMinutes(session=S, version=1), now=LATER
    )
    sign(held, "south_head")
    sign(held, "north_head")
    with refused("version 1 is agreed: both heads signed it and it cannot be edited"):
        minutes(held, base=1, text="Changed")
    correction = minutes(held, base=1, text="Corrected", correction_reason="Wrong date")
    assert (correction.version, correction.based_on) == (2, 1)
    row = Minutes.objects.get()
    # Version 1 stays binding until both heads sign the correction.
    assert (row.status, row.agreed_version) == (MinutesStatus.DRAFT, 1)
    minutes_actions.propose_minutes(
        member=held.south_head, command=ProposeMinutes(session=S, version=2), now=LATER
    )
    sign(held, "north_head", 2)
    sign(held, "south_head", 2)
    assert Minutes.objects.get().agreed_version == 2


def test_a_correction_reason_on_unagreed_minutes_is_refused(held):
    minutes(held)
    with refused("only a change to agreed minutes is a correction"):
        minutes(held, base=1, text="v2", correction_reason="why")


def test_two_saves_of_the_minutes_from_one_version_conflict(held):
    minutes(held)
    minutes(held, "south_staff", base=1, text="Minutes v2 by the South")
    with refused("north-staff|south-staff saved version 2", Conflict) as info:
        minutes(held, "north_deputy", base=1, text="Minutes v2 by the North")
    assert "+Minutes v2 by the North" in info.value.changes


def test_unchanged_minutes_and_empty_minutes_are_refused(held):
    with refused("the minutes are empty"):
        minutes(held, text="   ")
    minutes(held)
    with refused("nothing changed since version 1"):
        minutes(held, base=1, text="Minutes v1")


def test_proposing_twice_or_an_old_version_is_refused(held):
    minutes(held)
    minutes_actions.propose_minutes(
        member=held.north_head, command=ProposeMinutes(session=S, version=1), now=LATER
    )
    with refused("already proposed"):
        minutes_actions.propose_minutes(
            member=held.south_head, command=ProposeMinutes(session=S, version=1), now=LATER
        )
    with (
        refused("proposed", NotAllowed)
        if False
        else refused("only your side's head or deputy", NotAllowed)
    ):
        minutes_actions.propose_minutes(
            member=held.south_staff, command=ProposeMinutes(session=S, version=1), now=LATER
        )


def test_a_head_whose_membership_ended_cannot_sign(held):
    from liaison.offices import actions as offices
    from liaison.testing import OPERATOR

    minutes(held)
    minutes_actions.propose_minutes(
        member=held.north_head, command=ProposeMinutes(session=S, version=1), now=LATER
    )
    ended = offices.end_membership(
        member=held.south_head,
        command=EndMembership(active_until=dt.date(2024, 1, 4)),
        actor=OPERATOR,
        now=LATER,
    )
    with refused("not active", NotAllowed):
        minutes_actions.sign_minutes(
            member=ended, command=SignMinutes(session=S, version=1), now=LATER
        )


# Frameworks and commitments.


def framework(
    world: World, base: int = 0, clauses: list[ClauseIn] | None = None, member: str = "south_head"
):
    return frameworks.record_framework(
        member=world.members[member],
        command=RecordFramework(
            key="pyongyang-2018",
            base_revision=base,
            title="Pyongyang Declaration",
            adopted_on=dt.date(2018, 9, 19),
            summary="",
            clauses=clauses
            or [
                ClauseIn(number="1", text="End military hostility."),
                ClauseIn(number="2", text="Exchanges."),
            ],
        ),
        now=LATER,
    )


def test_a_framework_keeps_its_clauses_in_order_and_revisions(held):
    framework(held)
    revised = framework(
        held,
        1,
        [
            ClauseIn(number="1", text="End hostility."),
            ClauseIn(number="1.1", text="A"),
            ClauseIn(number="2", text="B"),
        ],
        "north_deputy",
    )
    assert revised.revision == 2
    assert list(revised.clauses.values_list("number", "text")) == [
        ("1", "End hostility."),
        ("1.1", "A"),
        ("2", "B"),
    ]


@pytest.mark.parametrize(
    ("clauses", "message"),
    [
        (
            [ClauseIn(number="1", text="a"), ClauseIn(number="1", text="b")],
            "two clauses are numbered 1",
        ),
        ([ClauseIn(number="", text="a")], "clause 1 needs a number"),
        ([ClauseIn(number="2", text=" ")], "clause 2 has no text"),
    ],
)
def test_bad_clauses_are_refused(held, clauses, message):
    with refused(message):
        framework(held, clauses=clauses)


def test_a_framework_cannot_take_the_key_of_the_page_that_records_one(held):
    with refused("“record” names a page of its own"):
        frameworks.record_framework(
            member=held.south_head,
            command=RecordFramework(
                key="record",
                base_revision=0,
                title="T",
                adopted_on=dt.date(2018, 9, 19),
                summary="",
                clauses=[ClauseIn(number="1", text="x")],
            ),
            now=LATER,
        )


def test_a_framework_key_is_taken_once_and_revisions_need_the_current_base(held):
    framework(held)
    with refused("exists already"):
        framework(held)
    framework(held, 1)
    with refused("you started from revision 1", Conflict):
        framework(held, 1)


def commit(world: World, **kw: object) -> Commitment:
    values: dict[str, object] = {
        "key": "rail-study",
        "text": "Start the joint rail study.",
        "owners": ["south", "north"],
        "source_clause": "pyongyang-2018/2",
        "due_on": dt.date(2024, 2, 1),
    }
    values.update(kw)
    return commitments.make_commitment(
        member=world.north_deputy,
        command=MakeCommitment(**values),  # type: ignore[arg-type]
        now=LATER,
    )


def test_a_commitment_cites_its_clause_and_opens(held):
    framework(held)
    made = commit(held)
    assert made.status == "open"
    assert made.source_clause is not None and made.source_clause.number == "2"
    assert made.owners == ["south", "north"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"owners": []}, "name the side"),
        ({"owners": ["east"]}, "'east' is not a side"),
        ({"source_clause": "pyongyang-2018/9"}, "there is no clause"),
        ({"source_outcome": f"{S}/o1"}, "one outcome or one clause, not both"),
        ({"source_clause": "", "source_outcome": f"{S}/o7"}, "there is no outcome"),
        ({"key": "Rail Study"}, "lowercase"),
        ({"text": " "}, "say what was promised"),
    ],
)
def test_bad_commitments_are_refused(held, changes, message):
    framework(held)
    with refused(message):
        commit(held, **changes)


def test_either_side_disputes_with_a_reason_and_both_views_are_kept(held):
    framework(held)
    commit(held)
    commitments.change_commitment_status(
        member=held.north_head,
        command=ChangeCommitmentStatus(key="rail-study", status="done"),
        now=LATER,
    )
    with refused("say why your side disputes it"):
        commitments.change_commitment_status(
            member=held.south_head,
            command=ChangeCommitmentStatus(key="rail-study", status="disputed"),
            now=LATER,
        )
    commitments.change_commitment_status(
        member=held.south_head,
        command=ChangeCommitmentStatus(
            key="rail-study", status="disputed", reason="No survey yet."
        ),
        now=LATER,
    )
    (view,) = commitments_of(held.office, dt.date(2024, 1, 5))
    assert view.disputed
    assert {k: (c.status, c.reason) for k, c in view.views.items()} == {
        "north": ("done", ""),
        "south": ("disputed", "No survey yet."),
    }
    assert [c.status for c in view.changes] == ["open", "done", "disputed"]


def test_leaving_a_settled_status_needs_a_reason(held):
    framework(held)
    commit(held)
    commitments.change_commitment_status(
        member=held.north_head,
        command=ChangeCommitmentStatus(key="rail-study", status="done"),
        now=LATER,
    )
    with refused("the commitment is done; say why it changes"):
        commitments.change_commitment_status(
            member=held.south_head,
            command=ChangeCommitmentStatus(key="rail-study", status="open"),
            now=LATER,
        )
    with refused("already done"):
        commitments.change_commitment_status(
            member=held.south_head,
            command=ChangeCommitmentStatus(key="rail-study", status="done", reason="x"),
            now=LATER,
        )
    with refused("status must be one of"):
        commitments.change_commitment_status(
            member=held.south_head,
            command=ChangeCommitmentStatus(key="rail-study", status="finished"),
            now=LATER,
        )
    with refused("only your side's head or deputy", NotAllowed):
        commitments.change_commitment_status(
            member=held.south_staff,
            command=ChangeCommitmentStatus(key="rail-study", status="lapsed"),
            now=LATER,
        )


def test_an_open_commitment_past_its_due_date_is_overdue(held):
    framework(held)
    commit(held)
    assert not commitments_of(held.office, dt.date(2024, 2, 1))[0].overdue
    assert commitments_of(held.office, dt.date(2024, 2, 2))[0].overdue
    commitments.change_commitment_status(
        member=held.north_head,
        command=ChangeCommitmentStatus(key="rail-study", status="done"),
        now=LATER,
    )
    assert not commitments_of(held.office, dt.date(2024, 2, 2))[0].overdue
