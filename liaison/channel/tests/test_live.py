"""What the live stream reports: shared events of the live kinds only, after a point."""

from __future__ import annotations

import datetime as dt

from liaison.channel import actions, live
from liaison.meetings import actions as meetings
from liaison.testing import FIRST_SESSION, FIRST_START, T0, weekly

NOW = T0 + dt.timedelta(days=1)


def test_updates_after_a_point_are_the_live_kinds_in_order(world):
    weekly(world)  # cadence.set: not a live kind
    start = live.last_id(world.office.id)
    message = actions.send_message(
        member=world.south_head, kind="notice", subject="S", body="B", now=NOW
    )
    actions.acknowledge(member=world.north_head, key=message.key, now=NOW)
    meetings.check_in(member=world.north_head, key=FIRST_SESSION, now=FIRST_START)
    updates = live.updates_after(world.office.id, start)
    assert [(u.kind, u.side) for u in updates] == [
        ("message", "south"),
        ("receipt", "north"),  # delivered, recorded with the acknowledgement
        ("receipt", "north"),
        ("check_in", "north"),
    ]
    assert updates[0].text == "testoffice-south-head (south) sent a message"
    assert updates[0].as_sse().startswith(f"id: {updates[0].id}\nevent: update\ndata: {{")
    assert live.updates_after(world.office.id, updates[-1].id) == []
