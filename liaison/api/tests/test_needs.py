"""``GET /api/offices/{slug}/needs``: what waits on the caller, as the dashboard shows it."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.attention.needs import KINDS
from liaison.attention.tests.helpers import commitment, minutes_proposed, notice
from liaison.channel.models import Receipt
from liaison.records import minutes as minutes_actions
from liaison.records.commands import SignMinutes
from liaison.testing import FIRST_SESSION, FIRST_START, World, weekly

from .conftest import office_url

pytestmark = pytest.mark.django_db

AFTER = FIRST_START + dt.timedelta(days=3)  # Monday 8 Jan 2024, 10:00 in Seoul


@pytest.fixture
def waiting(world: World) -> World:
    weekly(world)
    minutes_proposed(world, 0)
    notice(world, "north_head", "Rail survey", FIRST_START - dt.timedelta(days=1))
    commitment(world, "rails", AFTER.date() + dt.timedelta(days=2), ["south"], FIRST_START)
    return world


def test_a_head_gets_what_waits_on_him_oldest_first(waiting, api_as, frozen):
    with frozen(AFTER):
        response = api_as("south_head").get(office_url(waiting, "/needs"))
    assert response.status_code == 200
    body = response.json()
    assert body["office"] == "testoffice"
    assert body["total"] == 3
    assert body["counts"] == dict.fromkeys(KINDS, 0) | {"minutes": 1, "message": 1, "commitment": 1}
    message, made, minutes = body["items"]
    assert message["kind"] == "message"
    assert message["title"] == "Notice from The North: Rail survey"
    assert message["since"] == "2024-01-04T01:00:00Z"
    assert message["due"] is None and message["overdue"] is False
    assert made == {
        "kind": "commitment",
        "title": "Commitment rails: Do rails",
        "since": "2024-01-05T01:00:00Z",
        "link": "/offices/testoffice/commitments/#commitment-rails",
        "due": "2024-01-10",
        "overdue": False,
        "days_left": 2,
    }
    assert minutes["kind"] == "minutes"
    assert minutes["link"] == f"/offices/testoffice/sessions/{FIRST_SESSION}/minutes/"
    assert minutes["since"] == "2024-01-05T02:00:00Z"


def test_signing_takes_the_minutes_off_the_list(waiting, api_as, frozen):
    minutes_actions.sign_minutes(
        member=waiting.south_head, command=SignMinutes(session=FIRST_SESSION, version=1), now=AFTER
    )
    with frozen(AFTER):
        body = api_as("south_head").get(office_url(waiting, "/needs")).json()
    assert [item["kind"] for item in body["items"]] == ["message", "commitment"]
    assert body["counts"]["minutes"] == 0


def test_the_other_side_gets_its_own_and_staff_and_observers_nothing(waiting, api_as, frozen):
    with frozen(AFTER):
        north = api_as("north_head").get(office_url(waiting, "/needs")).json()
        empty = [
            api_as(who).get(office_url(waiting, "/needs")).json()
            for who in ("south_staff", "north_staff", "observer")
        ]
    # The North's head signs too; the South's notice and commitment are not his.
    assert [item["kind"] for item in north["items"]] == ["minutes"]
    assert [body["total"] for body in empty] == [0, 0, 0]
    assert all(body["items"] == [] for body in empty)


def test_listing_a_message_delivers_it(waiting, api_as, frozen):
    with frozen(AFTER):
        api_as("south_deputy").get(office_url(waiting, "/needs"))
    assert list(Receipt.objects.values_list("kind", "side__key")) == [("delivered", "south")]


def test_an_unknown_office_and_a_stranger_get_404(waiting, api_as, frozen):
    with frozen(AFTER):
        assert api_as("south_head").get("/api/offices/nowhere/needs").status_code == 404
        assert api_as("outsider").get(office_url(waiting, "/needs")).status_code == 404
        assert api_as("anonymous").get(office_url(waiting, "/needs")).status_code == 401
