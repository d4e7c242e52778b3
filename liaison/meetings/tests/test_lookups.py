"""Finding a session or a proposal for a member: the object, or one ``NotFound`` that
the web shows as its 404 page and the API as its 404 JSON, logged once."""

from __future__ import annotations

import logging

import pytest

from liaison.lib.errors import NotFound
from liaison.meetings import lookups, proposing
from liaison.meetings.commands import ProposeSession
from liaison.testing import FIRST_SESSION, FIRST_START, T0, weekly


@pytest.fixture
def cadence(world):
    weekly(world)
    return world


def test_a_session_of_the_cadence_is_found_by_every_member(cadence):
    for member in (cadence.north_staff, cadence.observer):
        assert lookups.session_for(member, FIRST_SESSION).start == FIRST_START


@pytest.mark.parametrize("key", ["weekly-20240106T1000", "nothing", "weekly-2024%"])
def test_an_unknown_session_is_not_found_and_logged_once(cadence, caplog, key):
    with (
        caplog.at_level(logging.WARNING, logger="liaison.access"),
        pytest.raises(NotFound, match=r"No such session\."),
    ):
        lookups.session_for(cadence.south_head, key)
    assert [r.getMessage() for r in caplog.records] == [
        f"refused session {cadence.office.id}/{key} to {cadence.south_head.username}: "
        "no such session"
    ]


def test_a_sessions_detail_is_found_or_not_found(cadence):
    detail = lookups.session_detail_for(cadence.observer, FIRST_SESSION, T0)
    assert detail.session.key == FIRST_SESSION
    with pytest.raises(NotFound):
        lookups.session_detail_for(cadence.observer, "weekly-20240106T1000", T0)


def test_a_proposal_is_found_by_either_side(world):
    command = ProposeSession(
        title="Consultation", start=FIRST_START, duration_minutes=60, grace_minutes=15,
        required_level="head",
    )  # fmt: skip
    proposal = proposing.propose_session(member=world.south_head, command=command, now=T0)
    assert lookups.proposal_for(world.north_head, proposal.key) == proposal
    assert lookups.proposal_for(world.observer, proposal.key) == proposal


@pytest.mark.parametrize("key", ["south-999", "south-", "-1", "south-٣", "south-1x"])
def test_an_unknown_proposal_is_not_found_and_logged_once(world, caplog, key):
    with (
        caplog.at_level(logging.WARNING, logger="liaison.access"),
        pytest.raises(NotFound, match=r"No such proposal\."),
    ):
        lookups.proposal_for(world.north_head, key)
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().endswith("no such proposal")
