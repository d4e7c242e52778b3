"""What the live stream reports: shared events of the live kinds only, after a point."""

from __future__ import annotations

import datetime as dt

from liaison.channel import live, messages, receipts
from liaison.channel.commands import Acknowledge, SendMessage
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.testing import FIRST_SESSION, FIRST_START, T0, make_world, weekly

NOW = T0 + dt.timedelta(days=1)


def test_updates_after_a_point_are_the_live_kinds_in_order(world):
    weekly(world)  # cadence.set: not a live kind
    start = live.last_id(world.office.id)
    message = messages.send_message(
        member=world.south_head, command=SendMessage(kind="notice", subject="S", body="B"), now=NOW
    )
    receipts.acknowledge(member=world.north_head, command=Acknowledge(message=message.key), now=NOW)
    attending.check_in(
        member=world.north_head, command=CheckInTo(key=FIRST_SESSION), now=FIRST_START
    )
    updates = live.updates_after(world.office.id, start)
    assert [(u.kind, u.side) for u in updates] == [
        ("message", "south"),
        ("receipt", "north"),  # delivered, recorded with the acknowledgement
        ("receipt", "north"),
        ("check_in", "north"),
    ]
    assert updates[0].text == "testoffice-south-head (south) sent a message"
    point = live.format_cursor({**start, "south": message.event_seq})
    assert updates[0].as_sse().startswith(f"id: {point}\nevent: update\ndata: {{")
    assert live.updates_after(world.office.id, updates[-1].point) == []


def _message(member, subject: str) -> None:
    messages.send_message(
        member=member, command=SendMessage(kind="notice", subject=subject, body="B"), now=NOW
    )


def test_another_offices_activity_changes_nothing_a_member_receives(world):
    # The ids were the global event key: a member of this office saw them jump by what
    # another office did in between.
    other = make_world("other")
    start = live.last_id(world.office.id)
    assert start == {"north": 0, "south": 0}
    _message(world.south_head, "One")
    quiet = live.updates_after(world.office.id, start)
    for n in range(3):
        _message(other.north_head, f"Elsewhere {n}")
    _message(other.south_head, "Elsewhere again")
    assert live.last_id(world.office.id) == {"north": 0, "south": 1}
    assert live.updates_after(world.office.id, start) == quiet
    _message(world.north_head, "Two")
    updates = live.updates_after(world.office.id, start)
    assert [u.as_sse() for u in updates[:1]] == [u.as_sse() for u in quiet]
    assert [u.id for u in updates] == ["north:0,south:1", "north:1,south:1"]
    # Resuming from the first update's id gives the second, and nothing of the other office.
    resumed = live.updates_after(world.office.id, live.parse_cursor(updates[0].id) or {})
    assert [(u.id, u.text) for u in resumed] == [
        ("north:1,south:1", "testoffice-north-head (north) sent a message")
    ]


def test_a_point_is_read_back_only_in_its_own_spelling():
    assert live.parse_cursor("north:3,south:12") == {"north": 3, "south": 12}
    assert live.format_cursor({"south": 12, "north": 3}) == "north:3,south:12"
    for bad in ["", "1234", "north:3,south:12,east:1", "North:3", "north:-1", "north:3\n"]:
        assert live.parse_cursor(bad) is None, bad
