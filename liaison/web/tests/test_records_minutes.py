"""The minutes page: drafting, proposing and signing through the forms, the history of
versions with their signatures, corrections after agreement, and every refusal shown
with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.ledger.models import Event
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.records import minutes
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.records.models import Minutes, MinutesStatus
from liaison.testing import World, hold

from .record_helpers import KEY, LATER, SECOND, SECOND_START, get, post, url

pytestmark = pytest.mark.django_db

TEXT = "1. Both sides reaffirmed the declaration.\n2. The rail study starts in December."


@pytest.fixture
def held(office: World) -> World:
    hold(office)
    return office


def page(client, world):
    return get(client, url(world, "session-minutes")).text


def signing(version: int, text: str = TEXT, **extra: object) -> dict[str, object]:
    """The confirmation page's form, ticked, for ``version`` saved with ``text``."""
    return {
        "version": version,
        "content_hash": minutes.content_hash(text),
        "confirm": "on",
        **extra,
    }


def test_draft_propose_and_both_heads_sign_through_the_pages(held, as_user):
    before = Event.objects.count()
    # A staff member drafts.
    response = post(
        as_user(held.south_staff),
        url(held, "session-minutes-save"),
        {"base_version": 0, "text": TEXT},
    )
    assert "Minutes saved as version 1." in response.text
    assert '<span class="status status-draft">Draft</span>' in response.text
    assert "Sign version" not in response.text
    # A head sees no Sign button before the proposal; the North's deputy proposes.
    assert "Sign version" not in page(as_user(held.south_head), held)
    response = post(
        as_user(held.north_deputy), url(held, "session-minutes-propose"), {"version": 1}
    )
    assert "Version 1 proposed" in response.text
    assert "Proposed for signature" in response.text
    # Neither a staff member nor a deputy can sign.
    for who in (held.south_staff, held.south_deputy):
        assert "Sign version" not in page(as_user(who), held)
        refused = post(as_user(who), url(held, "session-minutes-sign"), signing(1))
        assert refused.status_code == 403
        assert "only the heads of the two sides sign minutes" in refused.text.lower()
        shown = get(as_user(who), url(held, "session-minutes-sign-confirm"))
        assert shown.status_code == 403
    # The South's head signs from the confirmation page; signing again is refused.
    south = as_user(held.south_head)
    assert "Sign version 1 for The South…" in page(south, held)
    response = post(south, url(held, "session-minutes-sign"), signing(1))
    assert "The South signed version 1; it needs the other head&#x27;s signature" in response.text
    assert "Sign version" not in response.text
    assert "Signed for The South by South Head" in response.text
    again = post(south, url(held, "session-minutes-sign"), signing(1))
    assert again.status_code == 400
    assert "Your side has already signed version 1; nothing was signed." in again.text
    # The North's head signs: agreed.
    response = post(as_user(held.north_head), url(held, "session-minutes-sign"), signing(1))
    assert "both heads have signed: the minutes are agreed" in response.text
    assert "Agreed — binding" in response.text
    assert "Signed for The North by North Head" in response.text
    # Saved, proposed, two signatures; each side's first key named in the charter, and
    # each signature's checkpoint cosigned by the other side.
    assert Event.objects.count() == before + 4 + 2 + 2
    assert Minutes.objects.get().status == MinutesStatus.AGREED
    # The session page says so too.
    assert "signed by both heads" in get(as_user(held.observer), url(held, "session-detail")).text


def _agreed(world: World) -> None:
    minutes.save_minutes(
        member=world.south_staff,
        command=SaveMinutes(session=KEY, base_version=0, text=TEXT),
        now=LATER,
    )
    minutes.propose_minutes(
        member=world.south_head, command=ProposeMinutes(session=KEY, version=1), now=LATER
    )
    for head in (world.south_head, world.north_head):
        minutes.sign_minutes(member=head, command=SignMinutes(session=KEY, version=1), now=LATER)


def test_agreed_minutes_take_a_correction_with_a_reason(held, as_user):
    _agreed(held)
    client = as_user(held.north_staff)
    shown = page(client, held)
    assert "Save a correction" in shown
    assert "Reason for the correction" in shown
    before = Event.objects.count()
    missing = post(
        client, url(held, "session-minutes-save"), {"base_version": 1, "text": TEXT + "\n3. More."}
    )
    assert missing.status_code == 400
    assert "This field is required." in missing.text
    assert Event.objects.count() == before
    response = post(
        client,
        url(held, "session-minutes-save"),
        {"base_version": 1, "text": TEXT + "\n3. More.", "correction_reason": "Item 3 left out"},
    )
    assert "Correction saved as version 2." in response.text
    assert "Version 1, which both heads signed, stays binding" in response.text
    assert "Correction of version 1:</strong> Item 3 left out" in response.text
    # The history keeps version 1 with both signatures.
    assert 'Version 1 <span class="status status-agreed">agreed</span>' in response.text
    assert "2 signatures" in response.text


def test_every_version_is_listed_with_its_hash(held, as_user):
    minutes.save_minutes(
        member=held.south_staff,
        command=SaveMinutes(session=KEY, base_version=0, text="One."),
        now=LATER,
    )
    minutes.save_minutes(
        member=held.north_staff,
        command=SaveMinutes(session=KEY, base_version=1, text="Two."),
        now=LATER,
    )
    shown = page(as_user(held.observer), held)
    assert "Earlier versions" in shown
    assert minutes.content_hash("One.") in shown
    assert minutes.content_hash("Two.") in shown
    assert "Version 1" in shown and "Version 2" in shown
    assert 'id="minutes-form"' not in shown  # observers read


def test_two_saves_from_the_same_version_show_the_diff(held, as_user):
    minutes.save_minutes(
        member=held.south_staff,
        command=SaveMinutes(session=KEY, base_version=0, text="One."),
        now=LATER,
    )
    post(
        as_user(held.south_head),
        url(held, "session-minutes-save"),
        {"base_version": 1, "text": "Ours."},
    )
    before = Event.objects.count()
    response = post(
        as_user(held.north_head),
        url(held, "session-minutes-save"),
        {"base_version": 1, "text": "Theirs."},
    )
    assert response.status_code == 400
    assert "The minutes changed while you were editing" in response.text
    assert "-Ours." in response.text and "+Theirs." in response.text
    assert "Theirs.</textarea>" in response.text
    assert 'name="base_version" value="2"' in response.text
    assert Event.objects.count() == before


def test_minutes_of_a_session_not_held_are_refused(held, as_user):
    attending.check_in(member=held.south_head, command=CheckInTo(key=SECOND), now=SECOND_START)
    later = SECOND_START + dt.timedelta(hours=2)
    shown = get(as_user(held.south_staff), url(held, "session-minutes", SECOND), later).text
    assert "Only a held session has minutes" in shown
    before = Event.objects.count()
    response = post(
        as_user(held.south_staff),
        url(held, "session-minutes-save", SECOND),
        {"base_version": 0, "text": TEXT},
        later,
    )
    assert response.status_code == 400
    assert "was not held" in response.text
    assert Event.objects.count() == before


def test_proposing_twice_is_refused_with_a_message(held, as_user):
    minutes.save_minutes(
        member=held.south_staff,
        command=SaveMinutes(session=KEY, base_version=0, text="One."),
        now=LATER,
    )
    minutes.propose_minutes(
        member=held.south_head, command=ProposeMinutes(session=KEY, version=1), now=LATER
    )
    before = Event.objects.count()
    response = post(as_user(held.north_head), url(held, "session-minutes-propose"), {"version": 1})
    assert response.status_code == 400
    assert "already proposed for signature" in response.text
    assert Event.objects.count() == before
