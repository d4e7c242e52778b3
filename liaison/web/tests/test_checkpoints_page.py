"""The Checkpoints page: keys, checkpoints and their witness, the download a side keeps,
signing on demand and rotating a key (from a page that says what it does, with a reason
both sides read and a confirmation); a refused checkpoint shown as evidence."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection

from liaison.bundle import check, export
from liaison.ledger.models import Event
from liaison.ledger.tests.tampering import tampering
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.signing import checkpoints
from liaison.signing.models import Checkpoint, SideKey
from liaison.testing import FIRST_START, PASSWORD, World, hold

from .conftest import NEEDS_QUERIES

URL = "/offices/testoffice/checkpoints/"
NOW = FIRST_START + dt.timedelta(days=1)


@pytest.fixture
def signed(office: World) -> World:
    hold(office)
    checkpoints.sign_scheduled(FIRST_START + dt.timedelta(hours=3))
    return office


def test_every_member_sees_both_sides_keys_and_checkpoints_cosigned(signed, as_user):
    with time_machine.travel(NOW, tick=False):
        page = as_user(signed.observer).get(URL).content.decode()
    for key in SideKey.objects.all():
        assert key.fingerprint in page
    assert page.count(">cosigned<") == Checkpoint.objects.count() == 2
    assert "Refused checkpoints" not in page
    assert "Sign a checkpoint of our log now" not in page  # observers read only


def test_the_download_is_what_verify_against_reads(signed, as_user, tmp_path):
    with time_machine.travel(NOW, tick=False):
        response = as_user(signed.north_staff).get(URL + "download/")
    assert response["Content-Type"] == "application/json"
    assert "attachment;" in response["Content-Disposition"]
    kept = json.loads(response.content)["checkpoints"]
    assert len(kept) == 2
    report = check.check(export.build("testoffice", now=NOW), kept)
    assert report.problems == [] and report.kept == 2


def test_a_head_signs_a_checkpoint_now_and_sees_the_other_side_cosigned(signed, as_user):
    client = as_user(signed.south_head)
    with time_machine.travel(NOW, tick=False):
        response = client.post(URL + "sign/", follow=True)
    size = Event.objects.filter(log__side="south").count()
    assert f"Your side signed its log at {size} events; the other side cosigned it." in (
        response.content.decode()
    )


ROTATE = "/offices/testoffice/keys/rotate/"
REASON = "The laptop that held our backup was stolen."


def test_the_rotation_page_says_what_rotating_does_before_anything_is_done(signed, as_user):
    old = SideKey.objects.get(side__key="north", valid_until_size=None)
    before = Event.objects.count()
    with time_machine.travel(NOW, tick=False):
        checkpoints_page = as_user(signed.north_deputy).get(URL).content.decode()
        page = as_user(signed.north_deputy).get(ROTATE + "confirm/")
    assert f'href="{ROTATE}confirm/"' in checkpoints_page
    shown = page.content.decode()
    assert page.status_code == 200
    assert "This cannot be undone." in shown
    assert f'<code class="hash">{old.fingerprint}</code>' in shown
    assert "is retired for good" in shown
    assert "Why your side rotates its key" in shown
    assert "I understand: The North&#x27;s key in force is retired for good" in shown
    assert Event.objects.count() == before


def test_a_deputy_rotates_the_sides_key_with_a_reason_both_sides_read(signed, as_user):
    old = SideKey.objects.get(side__key="north", valid_until_size=None)
    with time_machine.travel(NOW, tick=False):
        client = as_user(signed.north_deputy)
        response = client.post(ROTATE, {"reason": f"  {REASON}  ", "confirm": "on"}, follow=True)
    new = SideKey.objects.get(side__key="north", valid_until_size=None)
    assert new.fingerprint != old.fingerprint
    page = response.content.decode()
    assert f"Your side&#x27;s new key is {new.fingerprint[:16]}" in page
    assert "(retired)" in page
    event = Event.objects.get(type="key.rotated")
    assert json.loads(bytes(event.data))["body"]["reason"] == REASON
    # The other side reads why, on the Checkpoints page.
    with time_machine.travel(NOW, tick=False):
        theirs = as_user(signed.south_staff).get(URL).content.decode()
    assert f"Rotated: {REASON}" in theirs
    assert theirs.count("named in the charter") == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"confirm": "on"}, "say why your side rotates its key"),
        ({"reason": "   ", "confirm": "on"}, "say why your side rotates its key"),
        ({"reason": "x" * 501, "confirm": "on"}, "at most 500 characters"),
        ({"reason": "Stolen\u202e.", "confirm": "on"}, "bidirectional"),
        ({"reason": REASON}, "Tick the box to confirm: nothing was done without it."),
    ],
)
def test_a_rotation_without_a_reason_or_the_tick_rotates_nothing(signed, as_user, data, error):
    before = (Event.objects.count(), SideKey.objects.count())
    with time_machine.travel(NOW, tick=False):
        response = as_user(signed.south_head).post(ROTATE, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert "What rotating does" in response.content.decode()
    assert (Event.objects.count(), SideKey.objects.count()) == before


def test_staff_and_observers_cannot_rotate_or_see_the_rotation_form(signed, as_user):
    before = Event.objects.count()
    with time_machine.travel(NOW, tick=False):
        for who in (signed.south_staff, signed.observer):
            client = as_user(who)
            assert client.get(ROTATE + "confirm/").status_code == 403
            assert client.post(ROTATE, {"reason": REASON, "confirm": "on"}).status_code == 403
    assert Event.objects.count() == before


def test_a_refused_checkpoint_is_shown_as_evidence(signed, as_user):
    attending.check_in(
        member=signed.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FIRST_START.replace(day=12),
    )
    event = Event.objects.get(log__side="south", seq=1)
    data = bytes(event.data).replace(b'"weekly"', b'"weakly"')
    # With the database owner's rights: events are append-only to everyone else.
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET data = %s WHERE id = %s", [data, event.pk])
    with time_machine.travel(NOW, tick=False):
        response = as_user(signed.south_head).post(URL + "sign/", follow=True)
    page = response.content.decode()
    assert "the other side REFUSED it" in page
    assert "Refused checkpoints" in page and "the log was rewritten" in page


@pytest.mark.parametrize("extra", [0, 20])
def test_the_page_reads_a_fixed_number_of_queries(
    signed, as_user, django_assert_num_queries, extra
):
    for hour in range(extra):
        checkpoints.sign_checkpoint(
            signed.office, "south", now=NOW + dt.timedelta(hours=hour), reason="demand", force=True
        )
    client = as_user(signed.south_head)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        client.get(URL)
        # Session and user (2), office and membership (2), sides, keys, cosignatures,
        # refusals, checkpoints and the refusals listed (6); what waits on the viewer.
        with django_assert_num_queries(10 + NEEDS_QUERIES["head"]):
            client.get(URL)


def test_signing_a_checkpoint_asks_for_the_password_again_after_a_while(signed, as_user):
    client = as_user(signed.south_head)  # signed in now; ten minutes pass (idle: 30)
    before = Event.objects.count()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=10), tick=False):
        response = client.post(URL + "sign/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/reauth/")
    assert Event.objects.count() == before


def test_after_a_while_the_rotation_form_itself_asks_for_the_password(signed, as_user):
    client = as_user(signed.south_head)  # signed in now; ten minutes pass (idle: 30)
    before = Event.objects.count()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=10), tick=False):
        page = client.get(ROTATE + "confirm/").content.decode()
        assert 'type="password"' in page and 'name="confirm"' not in page
        ticked = client.post(ROTATE, {"reason": REASON, "confirm": "on"})
        assert ticked.status_code == 400
        assert "Enter your password" in ticked.content.decode()
        wrong = client.post(ROTATE, {"reason": REASON, "password": "not it"})
        assert wrong.status_code == 400
        assert "That is not your password." in wrong.content.decode()
        assert Event.objects.count() == before
        done = client.post(ROTATE, {"reason": REASON, "password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == URL
    assert SideKey.objects.filter(side__key="south", reason=REASON).exists()
