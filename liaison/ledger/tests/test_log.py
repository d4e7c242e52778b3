"""Appending to a log: chained, numbered per log, stored canonically, validated first,
and the only way a projection changes."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from liaison.ledger import log
from liaison.ledger.canonical import GENESIS, digest, encode
from liaison.ledger.events import EventRejected
from liaison.ledger.models import Event, Log
from liaison.ledger.projection import ProjectionWriteError, projection_models
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.offices.models import Member, Office
from liaison.testing import T0, make_world, weekly

FRIDAY = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul, the world's zone


def _change(world, title: str, *, at: dt.datetime = T0) -> Event:
    return log.append(
        office=world.office.id,
        side="",
        actor="operator",
        type="member.changed",
        at=at,
        body={
            "username": world.south_staff.username,
            "full_name": "South Staff",
            "title": title,
            "role": "staff",
            "time_zone": "",
        },
    )


def _snapshot() -> tuple:
    """Everything an append could touch: events, log heads and every projection row."""
    events = list(Event.objects.order_by("pk").values_list("pk", "hash"))
    logs = list(Log.objects.order_by("pk").values_list("office", "side", "size", "head"))
    rows = {m._meta.label: list(m.objects.order_by("pk").values()) for m in projection_models()}
    return events, logs, rows


def _chain(office: str, side: str) -> list[Event]:
    return list(Event.objects.filter(log__office=office, log__side=side).order_by("seq"))


def test_append_chains_each_event_to_the_one_before_from_genesis(world):
    for n in range(3):
        _change(world, f"Liaison officer {n}")
    events = _chain(world.office.id, "")
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert len(events) == 1 + 7 + 3  # chartered, seven members, three changes
    assert events[0].prev == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev == before.hash
    charter = Log.objects.get(office=world.office.id, side="")
    assert charter.size == len(events)
    assert charter.head == events[-1].hash


def test_each_side_has_its_own_log_numbered_from_one(world):
    weekly(world)
    attending.check_in(
        member=world.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    attending.check_in(
        member=world.north_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    south = _chain(world.office.id, "south")
    north = _chain(world.office.id, "north")
    assert [(e.seq, e.type) for e in south] == [
        (1, "cadence.proposed"),
        (2, "session.checked_in"),
    ]
    assert [(e.seq, e.type) for e in north] == [
        (1, "proposal.accepted"),
        (2, "session.checked_in"),
    ]
    assert south[0].prev == GENESIS and north[0].prev == GENESIS
    assert south[1].prev == south[0].hash


def test_two_offices_have_separate_logs(world):
    other = make_world("other")
    assert _chain(other.office.id, "")[0].seq == 1
    assert _chain(other.office.id, "")[0].prev == GENESIS
    assert Log.objects.get(office="other", side="").size == 8
    assert Log.objects.get(office=world.office.id, side="").size == 8


def test_stored_bytes_are_the_canonical_encoding_of_what_they_hold(world):
    weekly(world)
    attending.check_in(
        member=world.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    for event in Event.objects.select_related("log"):
        data = bytes(event.data)
        parsed = json.loads(data)
        assert encode(parsed) == data
        assert digest(data) == event.hash
        assert parsed["seq"] == event.seq
        assert parsed["prev"] == event.prev
        assert parsed["type"] == event.type
        assert parsed["office"] == event.log.office
        assert parsed["side"] == (event.log.side or None)


def test_append_records_the_instant_in_utc_with_microseconds(world):
    seoul = dt.timezone(dt.timedelta(hours=9))
    event = _change(world, "Liaison officer", at=dt.datetime(2024, 1, 2, 9, 30, 0, 7, tzinfo=seoul))
    assert json.loads(bytes(event.data))["at"] == "2024-01-02T00:30:00.000007Z"
    event.refresh_from_db()
    assert event.at == dt.datetime(2024, 1, 2, 0, 30, 0, 7, tzinfo=dt.UTC)


def test_an_accepted_event_changes_its_projection(world):
    _change(world, "Chief liaison officer")
    assert Member.objects.get(pk=world.south_staff.pk).title == "Chief liaison officer"


@pytest.mark.parametrize(
    ("type_", "body", "message"),
    [
        pytest.param(
            "member.changed",
            {
                "username": "x",
                "full_name": "X",
                "title": "",
                "role": "staff",
                "time_zone": "",
                "shoe_size": 44,
            },
            r"member\.changed: shoe_size: Extra inputs are not permitted",
            id="unknown-field",
        ),
        pytest.param(
            "member.changed",
            {"username": "x", "full_name": "X", "title": 3, "role": "staff", "time_zone": ""},
            r"member\.changed: title: ",
            id="wrong-type",
        ),
        pytest.param(
            "member.changed",
            {"username": "x", "full_name": "X", "title": "", "role": "king", "time_zone": ""},
            r"member\.changed: role: ",
            id="role-not-in-the-list",
        ),
        pytest.param(
            "member.changed",
            {"username": "x", "full_name": "X", "title": "", "role": "staff"},
            r"member\.changed: time_zone: Field required",
            id="missing-field",
        ),
        pytest.param(
            "session.move_proposed",
            {
                "session": "weekly-20240105T1000",
                "start": "2024-01-05T10:00:00+09:00",
                "reason": "",
                "answer_by": "2024-01-05T00:00:00.000000Z",
            },
            r"session\.move_proposed: start: .*must be a UTC instant",
            id="instant-with-offset",
        ),
        pytest.param(
            "session.move_proposed",
            {
                "session": "weekly-20240105T1000",
                "start": "2024-02-30T01:00:00.000000Z",
                "reason": "",
                "answer_by": "2024-01-05T00:00:00.000000Z",
            },
            r"session\.move_proposed: start: ",
            id="instant-that-is-no-day",
        ),
        pytest.param(
            "session.checked_in",
            {"session": "weekly-20240105T1000", "attendee": None},
            r"session\.checked_in: attendee: ",
            id="null-for-a-string",
        ),
        pytest.param(
            "cadence.proposed",
            {
                "key": "weekly",
                "title": "Weekly",
                "rule": "FREQ=WEEKLY",
                "starts_on": "2024-01-05",
                "start_time": "10:00",
                "duration_minutes": 60.0,
                "grace_minutes": 15,
                "required_level": "head",
                "effective": "2024-01-01T00:00:00.000000Z",
                "reason": "",
                "answer_by": "2024-01-02T00:00:00.000000Z",
            },
            r"cadence\.proposed: duration_minutes: ",
            id="float-for-an-integer",
        ),
        pytest.param(
            "member.added",
            {
                "username": "x",
                "user_id": 2**60,
                "full_name": "X",
                "title": "",
                "role": "staff",
                "side": "north",
                "time_zone": "",
                "active_from": "2024-01-01",
            },
            r"member\.added: \$\.body\.user_id: integer .* is outside",
            id="integer-beyond-2-53",
        ),
        pytest.param(
            "session.teleported", {}, r"unknown event type 'session\.teleported'", id="type"
        ),
    ],
)
def test_a_bad_event_is_rejected_and_changes_nothing(world, type_, body, message):
    before = _snapshot()
    with pytest.raises(EventRejected, match=message):
        log.append(office=world.office.id, side="north", actor="x", type=type_, body=body, at=T0)
    assert _snapshot() == before
    # Not even the north's log was started.
    assert not Log.objects.filter(office=world.office.id, side="north").exists()


def test_a_rejected_event_leaves_the_next_seq_free(world):
    with pytest.raises(EventRejected):
        log.append(
            office=world.office.id, side="", actor="x", type="member.changed", body={}, at=T0
        )
    event = _change(world, "Liaison officer")
    assert event.seq == 9
    assert event.prev == _chain(world.office.id, "")[-2].hash


def test_projections_refuse_save_outside_an_event(world):
    office = Office.objects.get(pk=world.office.pk)
    office.name = "Renamed behind the log's back"
    with pytest.raises(ProjectionWriteError, match="projection of the event log"):
        office.save()
    assert Office.objects.get(pk=world.office.pk).name == world.office.name


def test_projections_refuse_create_outside_an_event(world):
    with pytest.raises(ProjectionWriteError):
        Office.objects.create(
            id="forged",
            name="Forged",
            place="Nowhere",
            time_zone="UTC",
            launched_on=dt.date(2024, 1, 1),
            chartered_at=T0,
        )
    assert not Office.objects.filter(id="forged").exists()


def test_projections_refuse_queryset_update_outside_an_event(world):
    with pytest.raises(ProjectionWriteError):
        Member.objects.filter(pk=world.south_staff.pk).update(role="head")
    assert Member.objects.get(pk=world.south_staff.pk).role == "staff"


def test_projections_refuse_delete_outside_an_event(world):
    member = Member.objects.get(pk=world.observer.pk)
    with pytest.raises(ProjectionWriteError):
        member.delete()
    with pytest.raises(ProjectionWriteError):
        Member.objects.filter(office=world.office).delete()
    assert Member.objects.filter(office=world.office).count() == 7


def test_projections_refuse_bulk_writes_outside_an_event(world):
    member = Member.objects.get(pk=world.observer.pk)
    member.title = "Forged"
    with pytest.raises(ProjectionWriteError):
        Member.objects.bulk_update([member], ["title"])
    with pytest.raises(ProjectionWriteError):
        Member.objects.bulk_create([Member(id="x", office_id=world.office.id)])
    assert Member.objects.get(pk=world.observer.pk).title == "Observer"
