"""The office's chronology: every kind of item, in date order, stable on one instant,
filtered by kind and window, and the same for every reader."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from liaison.meetings import attending, calling_off
from liaison.meetings.commands import CheckInTo, NoticeOfAbsence, PostponeSession
from liaison.projects.commands import (
    AddActor,
    OpenBlocker,
    ProposeDraft,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
    Replan,
    SaveDraft,
    StateStatus,
)
from liaison.records import commitments, meeting_records, minutes, readouts
from liaison.records.commands import (
    ChangeCommitmentStatus,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    ProposeMinutes,
    PublishReadout,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
    SignMinutes,
)
from liaison.testing import FIRST_SESSION, FIRST_START, World, hold, weekly
from liaison.timeline.build import timeline

WEEK = dt.timedelta(days=7)
HOUR = dt.timedelta(hours=1)
NOW = FIRST_START + 5 * WEEK  # Friday 9 Feb 2024, 10:00 Seoul


@pytest.fixture
def history(world: World) -> World:
    """5 Jan held and written up; 12 Jan the North did not come; 19 Jan the South gave
    notice; 26 Jan postponed; 2 Feb held."""
    weekly(world)
    hold(world)
    after = FIRST_START + 2 * HOUR
    meeting_records.save_record(
        member=world.south_staff,
        command=SaveRecord(
            session=FIRST_SESSION,
            base_revision=0,
            place="Kaesong",
            started_at=FIRST_START,
            duration_minutes=60,
            participants=[ParticipantIn(member=world.south_head.username)],
            topics=[],
            outcomes=[OutcomeIn(kind="agreement", text="Meet weekly.")],
        ),
        now=after,
    )
    readouts.save_readout_draft(
        member=world.south_staff,
        command=SaveReadoutDraft(
            session=FIRST_SESSION,
            base_revision=0,
            title="Talks held",
            source="Ministry",
            body="We met.",
        ),
        now=after,
    )
    readouts.publish_readout(
        member=world.south_head, command=PublishReadout(session=FIRST_SESSION), now=after + HOUR
    )
    minutes.save_minutes(
        member=world.north_staff,
        command=SaveMinutes(session=FIRST_SESSION, base_version=0, text="Minutes."),
        now=after,
    )
    minutes.propose_minutes(
        member=world.north_head, command=ProposeMinutes(session=FIRST_SESSION, version=1), now=after
    )
    # Both heads sign at the same instant: the order on one instant is fixed.
    minutes.sign_minutes(
        member=world.north_head,
        command=SignMinutes(session=FIRST_SESSION, version=1),
        now=after + 2 * HOUR,
    )
    minutes.sign_minutes(
        member=world.south_head,
        command=SignMinutes(session=FIRST_SESSION, version=1),
        now=after + 2 * HOUR,
    )
    commitments.make_commitment(
        member=world.north_head,
        command=MakeCommitment(
            key="weekly",
            text="Meet every week",
            owners=["north", "south"],
            source_outcome=f"{FIRST_SESSION}/o1",
        ),
        now=after + 3 * HOUR,
    )
    attending.check_in(
        member=world.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FIRST_START + WEEK,
    )
    commitments.change_commitment_status(
        member=world.south_head,
        command=ChangeCommitmentStatus(
            key="weekly", status="disputed", reason="The North stayed away."
        ),
        now=FIRST_START + WEEK + 2 * HOUR,
    )
    attending.give_notice_of_absence(
        member=world.south_head,
        command=NoticeOfAbsence(key="weekly-20240119T1000", reason="Travel"),
        now=FIRST_START + WEEK,
    )
    calling_off.postpone_session(
        member=world.north_head,
        command=PostponeSession(key="weekly-20240126T1000", reason="Holiday"),
        now=FIRST_START + WEEK,
    )
    hold(world, "weekly-20240202T1000", FIRST_START + 4 * WEEK)
    return world


def kinds(world: World, **kw) -> list[tuple[str, str, str | None]]:
    start = FIRST_START - WEEK
    return [
        (i.date.isoformat(), i.kind, i.side)
        for i in timeline(world.office, kw.pop("start", start), kw.pop("end", NOW), NOW, **kw)
    ]


def test_every_kind_in_date_order_with_a_stable_order_on_one_instant(history):
    assert kinds(history) == [
        # The weekly cadence: proposed by the South, accepted by the North.
        ("2024-01-01", "proposal", "south"),
        ("2024-01-01", "proposal_accepted", "north"),
        ("2024-01-05", "session_held", None),
        ("2024-01-05", "record", "south"),
        ("2024-01-05", "readout", "south"),
        # Same instant: signatures by side order, then the agreement they complete.
        ("2024-01-05", "minutes_signed", "north"),
        ("2024-01-05", "minutes_signed", "south"),
        ("2024-01-05", "minutes_agreed", None),
        ("2024-01-05", "commitment_made", "north"),
        ("2024-01-12", "no_show", "north"),
        ("2024-01-12", "commitment_status", "south"),
        # The South gave notice; the North did not come either.
        ("2024-01-19", "no_show", "north"),
        ("2024-01-19", "excused", "south"),
        ("2024-01-26", "session_postponed", "north"),  # the North's act
        ("2024-02-02", "session_held", None),
    ]


def test_it_filters_by_kind_and_window(history):
    assert kinds(history, kinds=["no_show", "excused"]) == [
        ("2024-01-12", "no_show", "north"),
        ("2024-01-19", "no_show", "north"),
        ("2024-01-19", "excused", "south"),
    ]
    late = kinds(history, start=FIRST_START + 3 * WEEK)
    assert late == [
        ("2024-01-26", "session_postponed", "north"),
        ("2024-02-02", "session_held", None),
    ]


def test_items_say_what_happened_and_link_to_it(history):
    items = timeline(history.office, FIRST_START, NOW, NOW, kinds=["commitment_status", "readout"])
    assert [i.title for i in items] == [
        "The South published its readout of the meeting of 5 Jan 2024: Talks held",
        "The South marks “Meet every week” disputed: The North stayed away.",
    ]
    assert items[0].link == f"/offices/testoffice/sessions/{FIRST_SESSION}/readouts/"


def test_drafts_never_appear(history):
    readouts.save_readout_draft(
        member=history.north_staff,
        command=SaveReadoutDraft(
            session=FIRST_SESSION, base_revision=0, title="Secret", source="KCNA", body="Private."
        ),
        now=NOW,
    )
    assert "Secret" not in json.dumps(
        [i.as_json() for i in timeline(history.office, FIRST_START, NOW, NOW)]
    )


def test_a_session_still_to_come_has_no_outcome(history):
    assert kinds(history, end=NOW + 2 * WEEK)[-1] == ("2024-02-02", "session_held", None)


def run(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("timeline", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_json_items_with_date_kind_title_and_side(history):
    data = json.loads(run("testoffice", "--from", "2024-01-12", "--to", "2024-01-19", "--json"))
    assert (data["from"], data["to"]) == ("2024-01-12", "2024-01-19")
    assert [(i["date"], i["kind"], i["side"]) for i in data["items"]] == [
        ("2024-01-12", "no_show", "north"),
        ("2024-01-12", "commitment_status", "south"),
        ("2024-01-19", "no_show", "north"),
        ("2024-01-19", "excused", "south"),
    ]
    assert data["items"][0]["title"] == "The North did not attend Weekly meeting"


def test_the_command_prints_one_line_per_item(history):
    text = run("testoffice", "--kind", "session_held")
    assert text.splitlines()[1:] == [
        "2024-01-05  session_held       Weekly meeting held",
        "2024-02-02  session_held       Weekly meeting held",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "unknown office 'nowhere'"),
        (["testoffice", "--from", "2024-13-01"], "--from '2024-13-01' is not a date"),
        (["testoffice", "--from", "2024-02-01", "--to", "2024-01-01"], "is before --from"),
        (["testoffice", "--from", "0001-01-01"], "--from 0001-01-01 is out of range: use a day"),
        (["testoffice", "--to", "9999-12-31"], "--to 9999-12-31 is out of range: use a day"),
    ],
)
def test_bad_arguments_are_one_clear_line(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_timeline_reads_in_a_fixed_number_of_queries(history, django_assert_num_queries):
    for n in range(20):
        commitments.make_commitment(
            member=history.south_head,
            command=MakeCommitment(key=f"c{n}", text=f"Promise {n}", owners=["south"]),
            now=NOW - HOUR,
        )
        commitments.change_commitment_status(
            member=history.north_head,
            command=ChangeCommitmentStatus(key=f"c{n}", status="in_progress"),
            now=NOW - HOUR,
        )
    # sides, cadences, session rows, check-ins, notices, records, readouts, signatures,
    # commitment changes, project statuses, plans, blockers, positions, third-party
    # events, messages, acknowledgements, proposals: however many items.
    with django_assert_num_queries(17):
        items = timeline(history.office, FIRST_START - WEEK, NOW, NOW)
    assert len(items) == 15 + 40


def test_projects_blockers_and_third_parties_join_the_timeline(history, django_assert_num_queries):
    from liaison.projects import blockers, drafts, plans, third_parties

    day = FIRST_START + 2 * WEEK  # Friday 19 Jan
    third_parties.record_third_party(
        member=history.south_head, command=RecordThirdParty(key="us", name="United States"), now=day
    )
    third_parties.add_actor(
        member=history.south_head,
        command=AddActor(party="us", key="envoy", name="The Envoy", title=""),
        now=day,
    )
    third_parties.record_position(
        member=history.south_head,
        command=RecordPosition(
            party="us",
            key="pace",
            actor="envoy",
            stated_on=dt.date(2024, 1, 18),
            summary="Go slower",
            source="Press",
        ),
        now=day,
    )
    third_parties.record_external_event(
        member=history.north_head,
        command=RecordExternalEvent(
            party="us",
            key="summit",
            title="Summit",
            on=dt.date(2024, 3, 1),
            status="expected",
            source="Press",
        ),
        now=day,
    )
    drafts.save_project_draft(
        member=history.south_head,
        command=SaveDraft(
            key="rail",
            base_revision=0,
            kind="study",
            title="Rail study",
            leads=["south", "north"],
            start=dt.date(2024, 2, 1),
            end=dt.date(2024, 2, 29),
        ),
        now=day,
    )
    drafts.propose_project(member=history.south_head, command=ProposeDraft(key="rail"), now=day)
    blockers.open_blocker(
        member=history.north_head,
        command=OpenBlocker(
            project="rail",
            key="pace",
            kind="third_party",
            description="Washington's pace",
            opened_on=dt.date(2024, 1, 19),
            position="us/pace",
        ),
        now=day,
    )
    plans.state_status(
        member=history.north_head,
        command=StateStatus(key="rail", status="pending", blockers=["pace"]),
        now=day,
    )
    plans.replan_project(
        member=history.south_head,
        command=Replan(
            key="rail", start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30), reason="Waiting"
        ),
        now=day,
    )
    kinds = [
        "third_party_position",
        "project_status",
        "project_replanned",
        "blocker_opened",
        "third_party_event",
    ]
    # sides; statuses, plans, blockers; positions and events. Sessions are not read.
    with django_assert_num_queries(6):
        items = timeline(history.office, FIRST_START, NOW + 8 * WEEK, NOW, kinds)
    assert [(i.date.isoformat(), i.kind, i.side) for i in items] == [
        ("2024-01-18", "third_party_position", None),
        ("2024-01-19", "blocker_opened", "north"),
        ("2024-01-19", "project_status", "south"),
        ("2024-01-19", "project_status", "north"),
        ("2024-01-19", "project_replanned", "south"),
        # Expected, after today: shown because the window asked reaches it.
        ("2024-03-01", "third_party_event", None),
    ]
    titles = [i.title for i in items]
    assert titles[0] == "The Envoy (United States): Go slower"
    assert titles[3] == "The North states “Rail study” pending (blocked by pace)"
    assert titles[-1] == "United States: Summit (expected)"
    assert items[2].link == "/offices/testoffice/projects/rail/"
