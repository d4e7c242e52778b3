"""The third parties' pages: adding a party, an actor, a position and an event through
the forms, a second account of an event replacing the first, and refusals writing
nothing."""

from __future__ import annotations

import html

import pytest

from liaison.ledger.models import Event
from liaison.projects.models import ExternalEvent, Position, ThirdParty
from liaison.testing import World

from .project_helpers import get, post, third_party, url

pytestmark = pytest.mark.django_db


def event_data(**changes: str) -> dict[str, str]:
    data = {
        "key": "summit",
        "title": "Second US-DPRK summit",
        "on": "2024-02-27",
        "status": "expected",
        "source": "White House",
        "actor": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def party(office: World) -> World:
    third_party(office)
    return office


def test_a_deputy_adds_a_third_party_an_actor_and_a_position(office, as_user):
    client = as_user(office.south_deputy)
    response = post(
        client,
        url(office, "office-third-party-record"),
        {"key": "china", "name": "China", "description": "A neighbour."},
    )
    assert "China recorded." in response.text
    assert response.redirect_chain[-1][0] == url(office, "office-third-party", "china")
    post(
        client,
        url(office, "office-third-party-actor", "china"),
        {"key": "wang", "name": "Wang Yi", "title": "Foreign Minister"},
    )
    response = post(
        client,
        url(office, "office-third-party-position", "china"),
        {
            "key": "support",
            "stated_on": "2024-01-15",
            "summary": "Supports the rail link.",
            "source": "Xinhua",
            "actor": "wang",
        },
    )
    assert "Position support recorded." in response.text
    position = Position.objects.get()
    assert (position.actor.name, position.source) == ("Wang Yi", "Xinhua")
    listing = get(as_user(office.observer), url(office, "office-third-parties")).text
    assert "China" in listing and "Supports the rail link." in listing
    assert "Add a third party" not in listing


def test_recording_an_event_again_gives_a_newer_account(party, as_user):
    client = as_user(party.north_head)
    post(client, url(party, "office-third-party-event", "us"), event_data())
    page = get(client, f"{url(party, 'office-third-party', 'us')}?event=summit").text
    assert 'value="summit"' in page  # the form is filled to record it again
    response = post(
        client,
        url(party, "office-third-party-event", "us"),
        event_data(status="called_off", actor="envoy"),
    )
    assert "A newer account of Second US-DPRK summit." in response.text
    event = ExternalEvent.objects.get()
    assert (event.status, event.actor.key) == ("called_off", "envoy")
    assert "Called off" in response.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "office-third-party-event",
            event_data(status="happened", on="2024-03-01"),
            "an event that happened cannot be dated after today",
        ),
        (
            "office-third-party-position",
            {"key": "later", "stated_on": "2024-02-10", "summary": "x", "source": "y"},
            "a position cannot be stated after today",
        ),
        (
            "office-third-party-actor",
            {"key": "envoy", "name": "Someone else"},
            "The United States has an actor 'envoy' already",
        ),
    ],
)
def test_a_refusal_is_a_form_error_and_writes_nothing(party, as_user, name, data, message):
    before = Event.objects.count()
    response = post(as_user(party.south_head), url(party, name, "us"), data)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert Event.objects.count() == before


def test_a_party_cannot_take_the_forms_address_as_key(office, as_user):
    response = post(
        as_user(office.south_head),
        url(office, "office-third-party-record"),
        {"key": "new", "name": "New"},
    )
    assert response.status_code == 400
    assert "“new” names a page of its own" in response.text
    assert not ThirdParty.objects.exists()


def test_an_unknown_third_party_is_a_404(office, as_user):
    assert (
        get(as_user(office.south_head), url(office, "office-third-party", "nobody")).status_code
        == 404
    )
