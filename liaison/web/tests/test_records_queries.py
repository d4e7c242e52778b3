"""The record pages read a fixed number of queries: the same bound with one version and
with many (10 minutes versions, 10 record revisions, 30 commitments, 5 readouts each)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison.records import commitments, frameworks, meeting_records, minutes, readouts
from liaison.records.commands import (
    ChangeCommitmentStatus,
    ClauseIn,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    ProposeMinutes,
    RecordFramework,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
    SignMinutes,
)
from liaison.testing import World, hold

from .conftest import NEEDS_QUERIES
from .record_helpers import KEY, LATER, get, publish, save_record

pytestmark = pytest.mark.django_db

# Each bound: session and user (2), office and membership (2), then the page's own reads,
# the same with one version of everything and with many.
QUERIES = {
    # the session and its attendance (5), the record with its participants (and their
    # sides and members), outcomes and revisions (and their sides) (7), the members (1),
    # the viewer's side's private notes (1)
    "session-record": 18,
    # the session (2), sides, readouts, the viewer's side's draft, the members (4)
    "session-readouts": 10,
    # the session and its attendance (5), minutes, versions, signatures, members (4),
    # the viewer's side's private notes (1)
    "session-minutes": 14,
    # frameworks and their clauses (2), members (1)
    "office-frameworks": 7,
    # the framework and its clauses (2), the commitments citing them, members (2)
    "office-framework": 8,
    # commitments and their history, sides, members (4); the viewer's side's private
    # notes on them (1); for a head or deputy, the outcomes, clauses and sides the form
    # offers (3)
    "office-commitments": 12,
}
SESSION_PAGES = {"session-record", "session-readouts", "session-minutes"}
MANY = LATER + dt.timedelta(days=1)


def _framework(world: World, revisions: int) -> None:
    for revision in range(revisions):
        frameworks.record_framework(
            member=world.south_head,
            command=RecordFramework(
                key="pyongyang",
                base_revision=revision,
                title="Pyongyang Declaration",
                adopted_on=dt.date(2018, 9, 19),
                summary=f"Revision {revision + 1}",
                clauses=[ClauseIn(number=str(n), text=f"Clause {n}.") for n in range(1, 11)],
            ),
            now=LATER,
        )


def _minutes(world: World, versions: int) -> None:
    for version in range(versions):
        minutes.save_minutes(
            member=world.south_staff if version % 2 else world.north_staff,
            command=SaveMinutes(
                session=KEY, base_version=version, text=f"Minutes, version {version + 1}."
            ),
            now=LATER,
        )
        minutes.propose_minutes(
            member=world.south_head,
            command=ProposeMinutes(session=KEY, version=version + 1),
            now=LATER,
        )
        minutes.sign_minutes(
            member=world.south_head,
            command=SignMinutes(session=KEY, version=version + 1),
            now=LATER,
        )


def _record_revisions(world: World, revisions: int) -> None:
    save_record(world)
    for revision in range(1, revisions):
        meeting_records.save_record(
            member=world.north_staff,
            command=SaveRecord(
                session=KEY,
                base_revision=revision,
                place=f"Place {revision}",
                started_at=world_start(),
                duration_minutes=60,
                participants=[ParticipantIn(member=world.north_head.username)],
                topics=[f"Topic {revision}"],
                outcomes=[OutcomeIn(kind="next_step", text="Prepare a business visit.", key="o1")],
            ),
            now=LATER,
        )


def world_start() -> dt.datetime:
    return dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)


def _commitments(world: World, count: int) -> None:
    for n in range(count):
        key = f"c{n}"
        source = {"source_clause": "pyongyang/1"} if n % 2 else {"source_outcome": f"{KEY}/o1"}
        commitments.make_commitment(
            member=world.north_head,
            command=MakeCommitment(
                key=key,
                text=f"Commitment {n}",
                owners=["south", "north"],
                due_on=dt.date(2024, 1, 10),
                **source,
            ),
            now=LATER,
        )
        if n % 3 == 0:
            commitments.change_commitment_status(
                member=world.south_head,
                command=ChangeCommitmentStatus(key=key, status="done", reason="Done"),
                now=LATER,
            )
            commitments.change_commitment_status(
                member=world.north_head,
                command=ChangeCommitmentStatus(key=key, status="disputed", reason="Not done"),
                now=LATER,
            )


@pytest.fixture(params=["one", "many"])
def history(request, office: World) -> World:
    hold(office)
    many = request.param == "many"
    _record_revisions(office, 10 if many else 1)
    _framework(office, 3 if many else 1)
    _minutes(office, 10 if many else 1)
    for n in range(5 if many else 1):
        publish(office, "south", f"The South's account, take {n}.")
        publish(office, "north", f"The North's account, take {n}.")
    _commitments(office, 30 if many else 1)
    readouts.save_readout_draft(
        member=office.south_staff,
        command=SaveReadoutDraft(
            session=KEY,
            base_revision=office_draft_revision(office),
            title="Draft",
            source="Ministry",
            body="Draft text.",
        ),
        now=LATER,
    )
    return office


def office_draft_revision(world: World) -> int:
    from liaison.records.overview import draft_for

    draft = draft_for(world.south_staff, KEY)
    return draft.revision if draft else 0


def _url(world: World, name: str) -> str:
    if name in SESSION_PAGES:
        return reverse(name, args=[world.office.slug, KEY])
    if name == "office-framework":
        return reverse(name, args=[world.office.slug, "pyongyang"])
    return reverse(name, args=[world.office.slug])


@pytest.mark.parametrize("name", sorted(QUERIES))
@pytest.mark.parametrize("reader", ["south_head", "observer"])
def test_each_record_page_reads_a_fixed_number_of_queries(
    history, as_user, django_assert_max_num_queries, name, reader
):
    client = as_user(getattr(history, reader))
    with django_assert_max_num_queries(
        QUERIES[name] + NEEDS_QUERIES[getattr(history, reader).role]
    ):
        response = get(client, _url(history, name), MANY)
    assert response.status_code == 200
