"""An identical message sent twice through the API: the second is a 409 that names the
message already sent, nothing is written, and ``confirm_duplicate`` sends it anyway."""

import base64
import datetime as dt

from liaison.api.tests.conftest import CHANNEL_AT, PDF, office_url
from liaison.ledger.models import Event

MESSAGE = {
    "kind": "notice",
    "subject": "Weekly meetings",
    "body": "We propose to resume the weekly meetings.",
    "attachments": [{"name": "agenda.pdf", "content_base64": base64.b64encode(PDF).decode()}],
}


def post(client, world, body):
    return client.post(office_url(world, "/messages"), body, content_type="application/json")


def test_the_same_message_twice_is_a_409_naming_the_first_and_writes_nothing(world, api_as, frozen):
    client = api_as("south_head")
    with frozen(CHANNEL_AT):
        first = post(client, world, MESSAGE)
    assert first.status_code == 201
    before = Event.objects.count()
    with frozen(CHANNEL_AT + dt.timedelta(minutes=9)):
        again = post(api_as("south_deputy"), world, MESSAGE)
    assert again.status_code == 409
    assert again.json() == {
        "detail": "your side sent an identical message (south-1) at 2024-02-01 03:00:00 UTC; "
        "nothing was sent: confirm to send it again",
        "field": "confirm_duplicate",
        "duplicate": {"key": first.json()["key"], "sent_at": "2024-02-01T03:00:00Z"},
    }
    assert Event.objects.count() == before
    with frozen(CHANNEL_AT + dt.timedelta(minutes=9)):
        confirmed = post(client, world, {**MESSAGE, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    assert confirmed.json()["key"] != first.json()["key"]


def test_after_the_window_or_from_the_other_side_the_same_text_is_sent(world, api_as, frozen):
    with frozen(CHANNEL_AT):
        assert post(api_as("south_head"), world, MESSAGE).status_code == 201
        assert post(api_as("north_head"), world, MESSAGE).status_code == 201
    with frozen(CHANNEL_AT + dt.timedelta(minutes=10, seconds=1)):
        assert post(api_as("south_head"), world, MESSAGE).status_code == 201


def test_a_reply_sent_twice_is_refused_too(world, api_as, frozen):
    with frozen(CHANNEL_AT):
        notice = post(api_as("north_head"), world, MESSAGE).json()["key"]
        reply = {"kind": "reply", "subject": "Re: Weekly meetings", "body": "Agreed."}
        assert (
            post(api_as("south_head"), world, {**reply, "in_reply_to": notice}).status_code == 201
        )
        twice = post(api_as("south_head"), world, {**reply, "in_reply_to": notice})
    assert twice.status_code == 409
    assert twice.json()["duplicate"]["key"] == "south-1"


def test_confirm_duplicate_must_be_a_boolean(world, api_as, frozen):
    with frozen(CHANNEL_AT):
        response = post(api_as("south_head"), world, {**MESSAGE, "confirm_duplicate": "yes"})
    assert response.status_code == 422
