"""Re-authentication before signing: a head whose password is older than
LIAISON_REAUTH_MINUTES is asked for it again (and for the code, with a device) before
anything is signed: on the web in the signing form itself, through the API with a
session by a 403; a bearer token passes.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.api.commands import IssueToken
from liaison.api.models import issue_token
from liaison.api.tests.conftest import AFTER_FIRST, FIRST, office_url, proposed
from liaison.ledger.models import Event
from liaison.records.minutes import content_hash
from liaison.records.models import MinutesVersion
from liaison.testing import PASSWORD

pytestmark = pytest.mark.django_db

SIGNED_IN = AFTER_FIRST - dt.timedelta(minutes=10)


def signed_in_head(world) -> Client:
    client = Client()
    with time_machine.travel(SIGNED_IN, tick=False):
        response = client.post(
            "/login/", {"username": world.south_head.username, "password": PASSWORD}
        )
    assert response.status_code == 302
    return client


def signed(world) -> int:
    return Event.objects.filter(type="minutes.signed").count()


def _confirmed(world, **extra):
    """The signing form for version 1, naming the text it was saved with."""
    text = MinutesVersion.objects.get(minutes__office=world.office, version=1).text
    return {"version": 1, "content_hash": content_hash(text), **extra}


def test_a_stale_head_is_asked_for_the_password_in_the_signing_form_and_nothing_is_signed(
    world,
):
    proposed(world)
    client = signed_in_head(world)
    minutes = reverse("session-minutes", args=[world.office.slug, FIRST])
    sign = reverse("session-minutes-sign", args=[world.office.slug, FIRST])
    with time_machine.travel(AFTER_FIRST, tick=False):
        response = client.post(sign, _confirmed(world, confirm="on"))
        assert response.status_code == 400
        assert "Enter your password" in response.content.decode()
        assert signed(world) == 0
        wrong = client.post(sign, _confirmed(world, password="nope"))
        assert wrong.status_code == 400
        assert "That is not your password." in wrong.content.decode()
        assert signed(world) == 0
        done = client.post(sign, _confirmed(world, password=PASSWORD))
        assert done.status_code == 302 and done["Location"] == minutes
        assert signed(world) == 1


def test_after_the_reauthentication_page_the_tick_is_enough(world):
    proposed(world)
    client = signed_in_head(world)
    minutes = reverse("session-minutes", args=[world.office.slug, FIRST])
    sign = reverse("session-minutes-sign", args=[world.office.slug, FIRST])
    with time_machine.travel(AFTER_FIRST, tick=False):
        page = client.get(f"{reverse('account-reauth')}?next={quote(minutes)}")
        assert "Enter it again" in page.content.decode()
        back = client.post(reverse("account-reauth"), {"password": PASSWORD, "next": minutes})
        assert back["Location"] == minutes
        done = client.post(sign, _confirmed(world, confirm="on"))
        assert done.status_code == 302 and done["Location"] == minutes
    assert signed(world) == 1


@pytest.mark.parametrize(
    ("next_url", "back_to"),
    [
        ("south-999999", "/"),  # a bare word: redirect() took it for a view (a 500)
        ("x-1", "/"),
        ("١٢", "/"),
        ("https://elsewhere.example/", "/"),
        ("http://testserver/offices/testoffice/", "http://testserver/offices/testoffice/"),
        ("/offices/testoffice/", "/offices/testoffice/"),
    ],
)
def test_after_reauthentication_only_a_page_of_the_site_is_returned_to(world, next_url, back_to):
    client = Client()
    client.force_login(world.south_head.user)
    with time_machine.travel(AFTER_FIRST, tick=False):
        back = client.post(reverse("account-reauth"), {"password": PASSWORD, "next": next_url})
    assert back.status_code == 302
    assert back["Location"] == back_to


def test_a_fresh_sign_in_signs_with_the_tick(world):
    proposed(world)
    client = Client()
    with time_machine.travel(AFTER_FIRST, tick=False):
        client.post("/login/", {"username": world.south_head.username, "password": PASSWORD})
        sign = reverse("session-minutes-sign", args=[world.office.slug, FIRST])
        assert client.post(sign, _confirmed(world, confirm="on")).status_code == 302
    assert signed(world) == 1


def test_with_a_device_reauthentication_also_needs_the_code(world):
    device = TOTPDevice.objects.create(user=world.south_head.user, name="app", confirmed=True)
    client = Client()
    client.force_login(world.south_head.user)
    with time_machine.travel(AFTER_FIRST, tick=False):
        no_code = client.post(reverse("account-reauth"), {"password": PASSWORD, "next": "/"})
        assert no_code.status_code == 400
        assert "Code from your authenticator app" in no_code.content.decode()
        code = f"{totp(device.bin_key):06d}"
        ok = client.post(
            reverse("account-reauth"), {"password": PASSWORD, "code": code, "next": "/"}
        )
        assert ok.status_code == 302 and ok["Location"] == "/"


def test_the_api_refuses_a_stale_session_with_a_403_and_signs_after_reauthentication(world):
    proposed(world)
    client = signed_in_head(world)
    url = office_url(world, f"/sessions/{FIRST}/minutes/1/sign")
    with time_machine.travel(AFTER_FIRST, tick=False):
        stale = client.post(url, content_type="application/json")
        assert stale.status_code == 403
        assert "password given within the last 5 minutes" in stale.json()["detail"]
        assert signed(world) == 0
        client.post(reverse("account-reauth"), {"password": PASSWORD, "next": "/"})
        assert client.post(url, content_type="application/json").status_code == 200
    assert signed(world) == 1


def test_a_bearer_token_signs_without_reauthentication(world):
    proposed(world)
    _, key = issue_token(world.south_head, command=IssueToken(name="signer"), now=AFTER_FIRST)
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    with time_machine.travel(AFTER_FIRST, tick=False):
        response = bearer.post(
            office_url(world, f"/sessions/{FIRST}/minutes/1/sign"),
            content_type="application/json",
        )
    assert response.status_code == 200
    assert signed(world) == 1
