"""Accounts: argon2, the sign-in lockout, the TOTP second factor, the session's life
(key rotated at sign-in, idle and absolute limits, ended by a password change or a
deactivation), the Account page's tokens, and the Content Security Policy.

Every time rule runs on a frozen clock: ``time_machine`` moves Django's clock (which
django-axes, sessions and django-otp's throttle read) and ``liaison.lib.clock`` alike.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import config.settings as project_settings
from liaison.api.commands import IssueToken
from liaison.api.models import ApiToken, issue_token
from liaison.testing import PASSWORD, T0

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
HOME = "/"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def form_errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.values())


# Argon2


def test_a_new_password_is_stored_with_argon2(world, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # not the tests' MD5
    user = world.south_head.user
    user.set_password("a new passphrase for argon")
    user.save()
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a new passphrase for argon")


# The session key


def test_signing_in_rotates_the_session_key(world, client):
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    response = sign_in(client, world.south_head.username)
    assert response.status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert signed_in(client)


# The lockout


def test_five_failures_lock_the_username_at_that_address_out_with_a_clear_message(world):
    client = Client()
    username = world.south_head.username
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            response = sign_in(client, username, "wrong")
            assert "correct username and password" in form_errors(response)
        fifth = sign_in(client, username, "wrong")
        assert fifth.status_code == 200  # the login page with the error, not a bare 403
        assert "Too many failed sign-ins" in form_errors(fifth)
        assert "Try again after 00:15 UTC (in 15 minutes)" in fifth.content.decode()
        # Even the right password is refused now, and says when to come back.
        right = sign_in(client, username)
        assert right.status_code == 200
        assert "Try again after 00:15 UTC" in form_errors(right)
        assert not signed_in(client)
        # Another address is not locked out of this account.
        other = sign_in(Client(REMOTE_ADDR="10.0.0.2"), username)
        assert other.status_code == 302
    with time_machine.travel(T0 + dt.timedelta(minutes=14, seconds=59), tick=False):
        assert "Too many failed sign-ins" in form_errors(sign_in(client, username))
    with time_machine.travel(T0 + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(client, username).status_code == 302
        assert signed_in(client)


def test_the_limit_and_lockout_come_from_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=3)
    client = Client()
    with time_machine.travel(T0, tick=False):
        sign_in(client, world.north_head.username, "wrong")
        second = sign_in(client, world.north_head.username, "wrong")
    assert "Try again after 00:03 UTC (in 3 minutes)" in form_errors(second)


def test_a_successful_sign_in_resets_the_count(world):
    client = Client()
    username = world.south_head.username
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            sign_in(client, username, "wrong")
        assert sign_in(client, username).status_code == 302
        client.post("/logout/")
        for _ in range(4):
            sign_in(client, username, "wrong")
        assert sign_in(client, username).status_code == 302


def test_the_admin_login_is_locked_out_too_with_a_429_page(world):
    client = Client()
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            sign_in(client, "operator", "wrong")
        response = client.post(
            "/admin/login/", {"username": "operator", "password": PASSWORD, "next": "/admin/"}
        )
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content


# The second factor


def begin_and_confirm(client: Client) -> TOTPDevice:
    assert client.post(reverse("account-2fa-begin")).status_code == 302
    device = TOTPDevice.objects.get()
    assert not device.confirmed
    page = client.get(reverse("account-2fa")).content.decode()
    assert (
        "otpauth://totp/Liaison%3A" in page
        and f"secret={device.config_url.split('secret=')[1][:16]}" in page
    )
    assert "<svg" in page and 'class="segno"' in page
    response = client.post(reverse("account-2fa-confirm"), {"code": code_now(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_head_sets_up_a_device_that_counts_only_once_a_code_is_confirmed(world, client):
    client.force_login(world.south_head.user)
    with time_machine.travel(T0, tick=False):
        client.post(reverse("account-2fa-begin"))
        device = TOTPDevice.objects.get()
        # Unconfirmed, it asks nothing at sign-in.
        assert sign_in(Client(), world.south_head.username)["Location"] == HOME
        wrong = client.post(reverse("account-2fa-confirm"), {"code": "000000"})
        assert wrong.status_code == 400
        assert "That code is not right" in wrong.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        ok = client.post(reverse("account-2fa-confirm"), {"code": code_now(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_sign_in_with_a_device_asks_for_the_code_and_signs_in_nobody_until_then(world, client):
    client.force_login(world.north_deputy.user)
    with time_machine.travel(T0, tick=False):
        device = begin_and_confirm(client)
    browser = Client()
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        first = sign_in(browser, world.north_deputy.username)
        assert first["Location"] == reverse("account-login-code")
        # Password given, code not yet: no office page, no API.
        assert browser.get(HOME)["Location"].startswith(LOGIN)
        assert browser.get("/api/offices").status_code == 401
        wrong = browser.post(reverse("account-login-code"), {"code": "123456"})
        assert wrong.status_code == 400
        assert "That code is not right" in wrong.content.decode()
        assert browser.get("/api/offices").status_code == 401
        # django-otp makes the next try wait a second after a wrong code.
        throttled = browser.post(reverse("account-login-code"), {"code": code_now(device)})
        assert "Too many wrong codes: wait 1 second" in throttled.content.decode()
    with time_machine.travel(T0 + dt.timedelta(minutes=1, seconds=2), tick=False):
        pending_key = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
        done = browser.post(reverse("account-login-code"), {"code": code_now(device)})
        assert done.status_code == 302 and done["Location"] == HOME
        assert browser.cookies[django_settings.SESSION_COOKIE_NAME].value != pending_key
        assert signed_in(browser)
        assert browser.get("/api/offices").status_code == 200


@pytest.mark.parametrize("next_url", ["south-999999", "x-1", "١٢", "/offices/testoffice/"])
def test_after_the_code_a_next_that_is_no_page_of_the_site_goes_home(world, client, next_url):
    # A bare word was taken by redirect() for a view's name: NoReverseMatch, a 500.
    client.force_login(world.north_deputy.user)
    with time_machine.travel(T0, tick=False):
        device = begin_and_confirm(client)
    browser = Client()
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        form = {"username": world.north_deputy.username, "password": PASSWORD, "next": next_url}
        browser.post(LOGIN, form)
        done = browser.post(reverse("account-login-code"), {"code": code_now(device)})
    assert done.status_code == 302
    assert done["Location"] == (next_url if next_url.startswith("/") else HOME)


def test_the_code_must_follow_the_password_within_five_minutes(world, client):
    client.force_login(world.south_head.user)
    with time_machine.travel(T0, tick=False):
        device = begin_and_confirm(client)
    browser = Client()
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        sign_in(browser, world.south_head.username)
    with time_machine.travel(T0 + dt.timedelta(minutes=6, seconds=30), tick=False):
        late = browser.post(reverse("account-login-code"), {"code": code_now(device)})
        assert late["Location"] == reverse("login")
        assert not signed_in(browser)


def test_staff_are_not_offered_a_second_factor(world, client):
    client.force_login(world.south_staff.user)
    page = client.get(reverse("account-2fa"))
    assert "offered to the heads and deputies" in page.content.decode()
    assert client.post(reverse("account-2fa-begin")).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_turning_the_second_factor_off_needs_a_current_code(world, client):
    client.force_login(world.south_head.user)
    with time_machine.travel(T0, tick=False):
        device = begin_and_confirm(client)
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        refused = client.post(reverse("account-2fa-disable"), {"code": "999999"})
        assert refused.status_code == 400
        assert "That code is not right" in refused.content.decode()
        assert TOTPDevice.objects.filter(confirmed=True).exists()
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        done = client.post(reverse("account-2fa-disable"), {"code": code_now(device)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.exists()
    assert sign_in(Client(), world.south_head.username)["Location"] == HOME


# The session's life


def test_a_session_ends_after_the_idle_limit(world):
    client = Client()
    with time_machine.travel(T0, tick=False):
        sign_in(client, world.south_head.username)
    for minutes in (29, 58, 87):  # each request within 30 minutes of the last
        with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
            assert signed_in(client), minutes
    with time_machine.travel(T0 + dt.timedelta(minutes=87 + 31), tick=False):
        response = client.get("/offices/testoffice/", follow=True)
        assert response.redirect_chain[0][0].startswith(LOGIN + "?next=%2Foffices%2Ftestoffice%2F")
        assert "signed out after 30 minutes without activity" in response.content.decode()
        assert not signed_in(client)


def test_a_session_ends_after_the_absolute_limit_however_active(world, settings):
    settings.LIAISON_SESSION_IDLE_MINUTES = 24 * 60  # only the absolute limit is tested
    client = Client()
    with time_machine.travel(T0, tick=False):
        sign_in(client, world.south_head.username)
    with time_machine.travel(T0 + dt.timedelta(hours=11, minutes=59), tick=False):
        assert signed_in(client)
    with time_machine.travel(T0 + dt.timedelta(hours=12, minutes=1), tick=False):
        response = client.get(HOME, follow=True)
        assert "a session lasts at most 12 hours" in response.content.decode()
        assert client.get("/api/offices").status_code == 401


def test_an_idle_api_session_is_a_401(world):
    client = Client()
    with time_machine.travel(T0, tick=False):
        sign_in(client, world.south_head.username)
        assert client.get("/api/offices").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        assert client.get("/api/offices").status_code == 401


def test_a_password_change_ends_the_other_sessions(world):
    client = Client()
    sign_in(client, world.south_head.username)
    assert signed_in(client)
    user = world.south_head.user
    user.set_password("a different passphrase")
    user.save()
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert client.get("/api/offices").status_code == 401


def test_deactivating_an_account_ends_its_sessions_and_tokens(world):
    client = Client()
    sign_in(client, world.north_head.username)
    _, key = issue_token(world.north_head, command=IssueToken(name="script"), now=T0)
    user = world.north_head.user
    user.is_active = False
    user.save()
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert client.get("/api/offices").status_code == 401
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    assert bearer.get("/api/offices").status_code == 401


# The Account page


def test_the_office_list_links_to_the_account_page_which_revokes_tokens(world, client):
    token, key = issue_token(world.south_head, command=IssueToken(name="nightly"), now=T0)
    theirs, _ = issue_token(world.north_head, command=IssueToken(name="theirs"), now=T0)
    client.force_login(world.south_head.user)
    assert f'href="{reverse("account")}"' in client.get(HOME).content.decode()
    page = client.get(reverse("account")).content.decode()
    assert token.prefix in page and "nightly" in page and world.office.name in page
    assert theirs.prefix not in page
    # Another member's token reads as none.
    assert client.post(reverse("account-token-revoke"), {"token": theirs.prefix}).status_code == 404
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    assert bearer.get("/api/offices").status_code == 200
    done = client.post(reverse("account-token-revoke"), {"token": token.prefix}, follow=True)
    assert f"Token {token.prefix} is revoked" in done.content.decode()
    assert bearer.get("/api/offices").status_code == 401
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


# The Content Security Policy


def test_pages_carry_the_content_security_policy_with_a_fresh_nonce(world, client):
    client.force_login(world.south_head.user)
    office_page = f"/offices/{world.office.slug}/"  # its script tag carries the nonce
    response = client.get(office_page)
    first = response["Content-Security-Policy"]
    second = client.get(office_page)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in first.split(";"))
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w+/=-]+'", directives["script-src"])
    assert re.fullmatch(r"'self' 'nonce-[\w+/=-]+'", directives["style-src"])
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert first != second  # one nonce per response
    nonce = re.search(r"'nonce-([^']+)'", first)[1]
    assert f'nonce="{nonce}"' in response.content.decode()


TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("*/templates/**/*.html"))


def test_no_template_has_an_inline_handler_or_a_script_or_style_without_the_nonce():
    assert TEMPLATES
    for template in TEMPLATES:
        text = template.read_text()
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"\sstyle\s*=", text), template
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            assert "src=" in tag or 'nonce="{{ csp_nonce }}"' in tag, (template, tag)
