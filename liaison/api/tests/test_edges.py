"""The API at the edges of what it accepts answers 4xx JSON, never a 500: dates in year 1
or 9999 (timeline, standing, sessions), and a body over the request limit (a 413 naming
it), while an attachment at the documented limit of 10 MiB goes through."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings
from django.test import Client

from liaison.api.tests.conftest import CHANNEL_AT, office_url
from liaison.channel.models import Message
from liaison.ledger.models import Event

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "is out of range: use a day from 0001-01-02 to 9999-12-30"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/timeline", {"start": "0001-01-01"}),
        ("/timeline", {"end": "9999-12-31"}),
        ("/standing", {"as_of": "9999-12-31"}),
        ("/standing", {"as_of": "0001-01-01"}),
        ("/sessions", {"from": "0001-01-01"}),
        ("/sessions", {"to": "9999-12-31"}),
        ("/sessions", {"from": "0001-01-01", "to": "0001-02-01"}),
    ],
)
def test_a_date_at_the_calendars_ends_is_a_400_saying_which_days_work(
    world, api_as, frozen, path, query
):
    with frozen(CHANNEL_AT):
        response = api_as("observer").get(office_url(world, path), query)
    assert response.status_code == 400, response.content
    assert OUT_OF_RANGE in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"), [({"from": "9999-12-30"}, "from"), ({"to": "0001-01-02"}, "to")]
)
def test_one_end_near_the_calendars_end_is_a_400_asking_for_both(
    world, api_as, frozen, query, field
):
    # The other end, twelve weeks away, lies beyond the calendar: this was an overflow.
    with frozen(CHANNEL_AT):
        response = api_as("observer").get(office_url(world, "/sessions"), query)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": f"the calendar ends within 84 days of {field}: give both from and to",
        "field": field,
    }


def test_a_standing_more_than_ten_years_ahead_is_a_400(world, api_as, frozen):
    with frozen(CHANNEL_AT):
        response = api_as("observer").get(office_url(world, "/standing"), {"as_of": "9999-12-30"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "the standing can be asked for at most ten years ahead",
        "field": "as_of",
    }


def test_the_standing_as_of_the_calendars_first_day_is_answered(world, api_as, frozen):
    # Its window of 90 days reached back before year 1: an overflow.
    with frozen(CHANNEL_AT):
        response = api_as("observer").get(office_url(world, "/standing"), {"as_of": "0001-01-02"})
    assert response.status_code == 200, response.content
    assert response.json()["last_held_meeting"] is None


def test_both_ends_near_the_calendars_ends_are_answered(world, api_as, frozen):
    with frozen(CHANNEL_AT):
        client = api_as("observer")
        late = client.get(
            office_url(world, "/sessions"), {"from": "9999-12-30", "to": "9999-12-30"}
        )
        early = client.get(
            office_url(world, "/sessions"), {"from": "0001-01-02", "to": "0001-01-02"}
        )
    assert (late.status_code, late.json()) == (200, [])
    assert (early.status_code, early.json()) == (200, [])


MESSAGE = {"kind": "notice", "subject": "The survey's data", "body": "Attached."}


def _post(client, payload: dict):
    return client.post(
        office_url(client.world, "/messages"), json.dumps(payload), content_type="application/json"
    )


@pytest.fixture
def head(world, api_as):
    client = api_as("south_head")
    client.world = world
    return client


def test_an_attachment_at_the_documented_limit_is_sent(head, frozen):
    size = settings.LIAISON_ATTACHMENT_MAX_BYTES
    assert size == 10 * 1024 * 1024  # the README's figure
    content = base64.b64encode(b"a" * size).decode()
    with frozen(CHANNEL_AT):
        response = _post(
            head, {**MESSAGE, "attachments": [{"name": "survey.txt", "content_base64": content}]}
        )
    assert response.status_code == 201, response.content[:500]
    assert response.json()["attachments"][0]["size"] == size


def test_a_body_over_the_limit_is_a_413_naming_it_and_keeps_nothing(head, frozen):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    padding = "x" * (limit + 1)
    before = Event.objects.count()
    with frozen(CHANNEL_AT):
        response = _post(head, {**MESSAGE, "body": padding})
    assert response.status_code == 413
    body = response.json()
    assert f"larger than {limit:,} bytes" in body["detail"]
    assert body["field"] is None
    assert Event.objects.count() == before
    assert not Message.objects.exists()
    declared = Client().get("/api/openapi.json").json()["paths"]["/api/offices/{slug}/messages"]
    assert "413" in declared["post"]["responses"]


def test_the_limit_leaves_room_for_a_full_attachment_and_the_message():
    encoded = len(base64.b64encode(b"\0" * settings.LIAISON_ATTACHMENT_MAX_BYTES))
    # A message body of 50,000 characters, each escaped as \uXXXX at worst.
    assert encoded + 50_000 * 6 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
