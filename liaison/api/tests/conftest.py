"""API test helpers: a client signed in as any member of the shared world.

def test_x(world, api_as): client = api_as("south_head"); client.get(...)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from liaison.testing import World, weekly

# The weekly cadence's first session: Friday 5 January 2024, 10:00 Seoul (01:00 UTC).
FIRST = "weekly-20240105T1000"
FIRST_START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)
BEFORE_FIRST = FIRST_START - dt.timedelta(minutes=30)  # check-in open, changes allowed

ROLES = [
    "south_head",
    "south_deputy",
    "south_staff",
    "north_head",
    "north_deputy",
    "north_staff",
    "observer",
]
SPEAKERS = ["south_head", "south_deputy", "north_head", "north_deputy"]
READERS_ONLY = ["south_staff", "north_staff", "observer"]


@pytest.fixture
def cadenced(world: World) -> World:
    weekly(world)
    return world


@pytest.fixture
def api_as(world: World) -> Callable[[str], Client]:
    """A client signed in (Django session) as the world's member or "outsider"."""

    def make(name: str) -> Client:
        client = Client()
        if name == "outsider":
            client.force_login(world.outsider)
        elif name != "anonymous":
            client.force_login(world.members[name].user)
        return client

    return make


@pytest.fixture
def frozen() -> Callable[[dt.datetime], time_machine.travel]:
    def make(moment: dt.datetime) -> time_machine.travel:
        return time_machine.travel(moment, tick=False)

    return make


def office_url(world: World, rest: str = "") -> str:
    return f"/api/offices/{world.office.id}{rest}"


def own_head(world: World, actor: str) -> str | None:
    """The username of the actor's own side's head (whom a deputy checks in)."""
    side = actor.split("_")[0]
    return world.members[f"{side}_head"].username if side in ("south", "north") else None


# Every write endpoint, as (name, path after the office, body for an actor, event type).
# Each succeeds for a speaker of either side at BEFORE_FIRST on a fresh cadenced world.
WRITES = {
    "schedule": (
        "/sessions",
        lambda world, actor: {
            "title": "Extra session",
            "start": "2024-01-10T10:00:00+09:00",
            "duration_minutes": 60,
            "grace_minutes": 15,
            "required_level": "head",
        },
        "session.scheduled",
    ),
    "check-in": (
        f"/sessions/{FIRST}/check-in",
        lambda world, actor: {"attendee": own_head(world, actor)},
        "session.checked_in",
    ),
    "absence": (
        f"/sessions/{FIRST}/absence",
        lambda world, actor: {"reason": "delegation recalled for consultations"},
        "session.absence_noticed",
    ),
    "move": (
        f"/sessions/{FIRST}/move",
        lambda world, actor: {"start": "2024-01-06T10:00:00+09:00", "reason": "snow"},
        "session.moved",
    ),
    "postpone": (
        f"/sessions/{FIRST}/postpone",
        lambda world, actor: {"reason": "awaiting instructions"},
        "session.postponed",
    ),
    "cancel": (
        f"/sessions/{FIRST}/cancel",
        lambda world, actor: {"reason": "overtaken by events"},
        "session.cancelled",
    ),
    "cadence": (
        "/cadences",
        lambda world, actor: {
            "key": "monthly",
            "title": "Monthly review",
            "rule": "FREQ=MONTHLY;BYMONTHDAY=1",
            "starts_on": "2024-02-01",
            "start_time": "10:00",
            "duration_minutes": 90,
            "grace_minutes": 15,
            "required_level": "deputy",
            "reason": "agreed at the first session",
        },
        "cadence.set",
    ),
    "end-cadence": (
        "/cadences/weekly/end",
        lambda world, actor: {"reason": "talks suspended", "effective": "2024-02-01T00:00:00Z"},
        "cadence.ended",
    ),
}

READS = [
    "",
    "/standing",
    "/sessions",
    f"/sessions/{FIRST}",
    "/cadences",
]
