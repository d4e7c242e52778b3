"""GET /api/offices/{slug}/timeline: the CLI's items, filtered, with clear errors."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.testing import FIRST_START, World, hold, weekly
from liaison.timeline.items import KINDS

URL = "/api/offices/testoffice/timeline"
NOW = FIRST_START + dt.timedelta(days=15)


@pytest.fixture
def history(world: World) -> World:
    weekly(world)
    hold(world)
    attending.check_in(
        member=world.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FIRST_START + dt.timedelta(days=7),
    )
    return world


def get(client, query: str = ""):
    with time_machine.travel(NOW, tick=False):
        return client.get(URL + query)


def test_the_schema_names_every_kind_of_the_timeline(api_as):
    schema = api_as("anonymous").get("/api/openapi.json").json()
    assert schema["components"]["schemas"]["Kind"]["enum"] == KINDS


def test_items_with_date_kind_title_side(history, api_as):
    response = get(api_as("observer"))
    assert response.status_code == 200
    data = response.json()
    assert (data["office"], data["from"], data["to"]) == ("testoffice", "2024-01-01", "2024-01-20")
    assert [(i["date"], i["kind"], i["side"]) for i in data["items"]] == [
        ("2024-01-01", "proposal", "south"),  # the weekly cadence
        ("2024-01-01", "proposal_accepted", "north"),
        ("2024-01-05", "session_held", None),
        ("2024-01-12", "no_show", "north"),
        # Nobody came on the 19th.
        ("2024-01-19", "no_show", "north"),
        ("2024-01-19", "no_show", "south"),
    ]
    assert data["items"][3]["link"] == "/offices/testoffice/sessions/weekly-20240112T1000/"


def test_filters(history, api_as):
    data = get(api_as("north_staff"), "?kind=no_show&start=2024-01-06&end=2024-01-12").json()
    assert [(i["kind"], i["date"]) for i in data["items"]] == [("no_show", "2024-01-12")]


def test_bad_filters_are_4xx_with_a_message(history, api_as):
    response = get(api_as("north_head"), "?start=2024-01-10&end=2024-01-01")
    assert response.status_code == 400
    assert response.json() == {"detail": "end is before start", "field": "end"}
    assert get(api_as("north_head"), "?kind=gossip").status_code == 422
