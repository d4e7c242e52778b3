"""Helpers for the web tests: the shared world with its weekly cadence, and a client
signed in as any of its people.

The weekly session on Friday 5 Jan 2024 starts at 10:00 in Seoul (01:00 UTC); check-in
opens an hour before and the grace period ends at 10:15.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from liaison.offices.models import Member
from liaison.testing import T0, World, weekly
from liaison.world_rows import WorldRows

KEY = "weekly-20240105T1000"
START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)
BEFORE = T0  # days before the session: notices, moves, postponements, cancellations
OPEN = START - dt.timedelta(minutes=5)  # check-in open, before the start
AFTER_GRACE = START + dt.timedelta(minutes=16)
# What the navigation's count of what waits on the viewer reads on every office page
# (``liaison.attention.needs``), by the viewer's role: the other side's proposals (one
# more, their sides, when some are open), minutes to sign (heads), the other side and its
# messages awaiting an answer, commitments due, refused checkpoints.
NEEDS_QUERIES = {"head": 6, "deputy": 5, "staff": 0, "observer": 0}


@pytest.fixture
def office(world: World, django_db_setup: WorldRows) -> World:
    """The shared world with the weekly cadence agreed (its rows taken once per test
    process, as the world's are)."""
    return django_db_setup.with_layer(weekly, world)


@pytest.fixture
def as_user(client: Client) -> Callable[[Member | object | None], Client]:
    """``as_user(member)`` (or a User, or None for anonymous): the client, signed in."""

    def sign_in(who: Member | object | None) -> Client:
        client.logout()
        if isinstance(who, Member):
            client.force_login(who.user)
        elif who is not None:
            client.force_login(who)  # type: ignore[arg-type]
        return client

    return sign_in
