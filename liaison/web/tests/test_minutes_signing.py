"""Signing minutes asks first, in one step: the confirmation page shows the version, its
content hash and what changed since the last agreed version, and takes the password in
the same form when re-authentication is due (a tick box otherwise). A POST without the
confirmation, or naming a version or text other than the one proposed, signs nothing
and says why."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.ledger.models import Event
from liaison.offices import reauth
from liaison.records import minutes
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.records.models import MinutesSignature
from liaison.testing import PASSWORD, World, hold

from .record_helpers import KEY, LATER, get, post, url

pytestmark = pytest.mark.django_db

TEXT = "1. Both sides reaffirmed the declaration.\n2. The rail study starts in December."
CORRECTED = (
    "1. Both sides reaffirmed the declaration.\n"
    "2. The rail study starts in January.\n"
    "3. <b>Roads</b> & rails are studied together."
)


@pytest.fixture
def proposed(office: World) -> World:
    """Version 1 saved by the South's staff and proposed by the North's deputy."""
    hold(office)
    minutes.save_minutes(
        member=office.south_staff,
        command=SaveMinutes(session=KEY, base_version=0, text=TEXT),
        now=LATER,
    )
    minutes.propose_minutes(
        member=office.north_deputy, command=ProposeMinutes(session=KEY, version=1), now=LATER
    )
    return office


def _correction_proposed(world: World) -> None:
    """Version 1 agreed by both heads, then version 2 (a correction) proposed."""
    for head in (world.south_head, world.north_head):
        minutes.sign_minutes(member=head, command=SignMinutes(session=KEY, version=1), now=LATER)
    minutes.save_minutes(
        member=world.north_staff,
        command=SaveMinutes(
            session=KEY, base_version=1, text=CORRECTED, correction_reason="the study moved"
        ),
        now=LATER,
    )
    minutes.propose_minutes(
        member=world.south_deputy, command=ProposeMinutes(session=KEY, version=2), now=LATER
    )


def signatures() -> int:
    return Event.objects.filter(type="minutes.signed").count()


def confirm(version: int = 1, text: str = TEXT, **extra: str) -> dict[str, object]:
    return {
        "version": version,
        "content_hash": minutes.content_hash(text),
        "confirm": "on",
        **extra,
    }


def test_the_confirmation_page_shows_the_version_its_hash_and_that_nothing_is_agreed_yet(
    proposed, as_user
):
    page = get(as_user(proposed.south_head), url(proposed, "session-minutes-sign-confirm"))
    assert page.status_code == 200
    shown = page.text
    assert "Sign the minutes for The South" in shown
    assert "<dt>Version</dt><dd>1</dd>" in shown
    assert f'<code class="hash" id="sign-hash">{minutes.content_hash(TEXT)}</code>' in shown
    assert "First version: nothing agreed yet." in shown
    assert "The rail study starts in December." in shown
    # The form carries what is shown, and the tick box says what it confirms.
    assert f'name="content_hash" value="{minutes.content_hash(TEXT)}"' in shown
    assert 'name="version" value="1"' in shown
    assert f"I have read version 1 (content hash {minutes.content_hash(TEXT)[:12]}…)" in shown
    assert 'type="password"' not in shown  # the password was given just now


def test_a_correction_shows_its_changes_from_the_agreed_version_marked_and_escaped(
    proposed, as_user
):
    _correction_proposed(proposed)
    shown = get(as_user(proposed.north_head), url(proposed, "session-minutes-sign-confirm")).text
    assert "Changes from version 1, the last agreed" in shown
    assert "First version" not in shown
    assert (
        '<li class="diff-removed"><del><span class="diff-mark" aria-hidden="true">'
        "\N{MINUS SIGN}</span>"
        '<span class="visually-hidden">Removed: </span>2. The rail study starts in December.'
        "</del></li>"
    ) in shown
    assert (
        '<span class="visually-hidden">Added: </span>2. The rail study starts in January.'
    ) in shown
    # What the minutes say is text, never markup.
    assert "3. &lt;b&gt;Roads&lt;/b&gt; &amp; rails are studied together." in shown
    assert "<b>Roads</b>" not in shown
    assert (
        '<li class="diff-same"><span class="diff-mark" aria-hidden="true"> </span>1. Both' in shown
    )


def test_a_post_without_the_tick_signs_nothing_and_says_why(proposed, as_user):
    before = Event.objects.count()
    response = post(
        as_user(proposed.south_head),
        url(proposed, "session-minutes-sign"),
        {"version": 1, "content_hash": minutes.content_hash(TEXT)},
    )
    assert response.status_code == 400
    assert "Tick the box to confirm: nothing was done without it." in response.text
    assert Event.objects.count() == before
    # The page is shown again, with what is to be signed.
    assert minutes.content_hash(TEXT) in response.text


def test_a_stale_page_signs_nothing_and_shows_the_version_proposed_now(proposed, as_user):
    head = as_user(proposed.south_head)
    get(head, url(proposed, "session-minutes-sign-confirm"))  # the head reads version 1
    minutes.save_minutes(
        member=proposed.north_staff,
        command=SaveMinutes(session=KEY, base_version=1, text=CORRECTED),
        now=LATER,
    )
    minutes.propose_minutes(
        member=proposed.north_head, command=ProposeMinutes(session=KEY, version=2), now=LATER
    )
    before = Event.objects.count()
    response = post(head, url(proposed, "session-minutes-sign"), confirm(1))
    assert response.status_code == 400
    assert "Version 1 is superseded by version 2; nothing was signed." in response.text
    assert Event.objects.count() == before
    # Version 2 is what the page shows now, and what its form would sign.
    assert f'name="content_hash" value="{minutes.content_hash(CORRECTED)}"' in response.text
    assert 'name="version" value="2"' in response.text
    assert "First version: nothing agreed yet." in response.text


def test_a_hash_other_than_the_proposed_versions_signs_nothing(proposed, as_user):
    before = Event.objects.count()
    response = post(
        as_user(proposed.south_head),
        url(proposed, "session-minutes-sign"),
        confirm(1, text="1. Something else entirely."),
    )
    assert response.status_code == 400
    assert "that is not the text proposed for signature; nothing was signed" in response.text
    assert Event.objects.count() == before


def test_a_form_that_names_no_text_signs_nothing(proposed, as_user):
    response = post(
        as_user(proposed.south_head), url(proposed, "session-minutes-sign"), {"confirm": "on"}
    )
    assert response.status_code == 400
    assert "The form does not say which text you read" in response.text
    assert signatures() == 0


def test_the_tick_box_signs_and_the_minutes_page_says_so(proposed, as_user):
    head = as_user(proposed.south_head)
    response = post(head, url(proposed, "session-minutes-sign"), confirm(1))
    assert response.redirect_chain[-1][0] == url(proposed, "session-minutes")
    assert "The South signed version 1" in response.text
    signature = MinutesSignature.objects.get()
    assert (signature.side.key, signature.content_hash) == ("south", minutes.content_hash(TEXT))
    # Nothing is left to sign: the page goes back to the minutes and says so.
    again = get(head, url(proposed, "session-minutes-sign-confirm"))
    assert again.status_code == 302 and again["Location"] == url(proposed, "session-minutes")


# Re-authentication in the same form ---------------------------------------------------

SIGNED_IN = LATER - dt.timedelta(minutes=10)  # past LIAISON_REAUTH_MINUTES (5) at LATER


def signed_in(member) -> Client:
    client = Client()
    with time_machine.travel(SIGNED_IN, tick=False):
        response = client.post("/login/", {"username": member.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_when_reauthentication_is_due_the_form_asks_for_the_password_and_signs_with_it(
    proposed,
):
    client = signed_in(proposed.south_head)
    page = get(client, url(proposed, "session-minutes-sign-confirm"))
    assert page.status_code == 200  # no detour through another page
    assert 'type="password"' in page.text
    assert 'name="confirm"' not in page.text
    sign = url(proposed, "session-minutes-sign")
    ticked = post(client, sign, confirm(1))  # a tick is not a password
    assert ticked.status_code == 400
    assert "Enter your password: it was last given more than 5 minutes ago." in ticked.text
    wrong = post(client, sign, confirm(1, password="not it"))
    assert wrong.status_code == 400
    assert "That is not your password." in wrong.text
    assert signatures() == 0
    done = post(client, sign, {**confirm(1, password=PASSWORD), "confirm": ""})
    assert done.redirect_chain[-1][0] == url(proposed, "session-minutes")
    assert signatures() == 1
    # The password given there counts as re-authentication for the next grave act.
    with time_machine.travel(LATER, tick=False):  # a session read later has expired
        assert reauth.instant(client.session, reauth.AUTH_AT) == LATER


def test_a_stale_window_between_page_and_post_asks_for_the_password_and_signs_nothing(
    proposed,
):
    client = signed_in(proposed.south_head)
    with time_machine.travel(SIGNED_IN + dt.timedelta(minutes=1), tick=False):
        page = client.get(url(proposed, "session-minutes-sign-confirm"))
    assert 'name="confirm"' in page.text  # recent then
    response = post(client, url(proposed, "session-minutes-sign"), confirm(1))  # 10 min on
    assert response.status_code == 400
    assert "Enter your password" in response.text
    assert 'type="password"' in response.text
    assert signatures() == 0


def test_with_a_device_the_code_is_asked_too(proposed):
    client = signed_in(proposed.south_head)  # the device is set up after this sign-in
    device = TOTPDevice.objects.create(user=proposed.south_head.user, name="app", confirmed=True)
    sign = url(proposed, "session-minutes-sign")
    with time_machine.travel(LATER, tick=False):
        page = client.get(url(proposed, "session-minutes-sign-confirm"))
        assert "Code from your authenticator app" in page.text
        no_code = client.post(sign, confirm(1, password=PASSWORD))
        assert no_code.status_code == 400
        assert signatures() == 0
        code = f"{totp(device.bin_key):06d}"
        done = client.post(sign, confirm(1, password=PASSWORD, code=code))
    assert done.status_code == 302
    assert signatures() == 1


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert get(client, address).status_code == 200
    return len(queries)


def test_the_confirmation_page_reads_as_many_queries_with_one_version_as_with_many(
    proposed, as_user
):
    _correction_proposed(proposed)
    head = as_user(proposed.north_head)
    address = url(proposed, "session-minutes-sign-confirm")
    get(head, address)  # the first request stamps the session
    few = _queries(head, address)
    for version in range(2, 12):
        minutes.save_minutes(
            member=proposed.south_staff,
            command=SaveMinutes(
                session=KEY, base_version=version, text=f"{CORRECTED}\n{version}. More."
            ),
            now=LATER,
        )
    minutes.propose_minutes(
        member=proposed.south_head, command=ProposeMinutes(session=KEY, version=12), now=LATER
    )
    assert _queries(head, address) == few
    # The session and the user, the office and the membership, the session's attendance,
    # the sides, the minutes with their versions and signatures, the members: the page's
    # own reads stay within this, whatever the site around it adds.
    assert few <= 24
