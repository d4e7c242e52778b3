"""The Account page: one's own password (this session stays, the others end), language
and time zone (office pages then show times in the zone chosen), bad input refused with
a form error and nothing written; sign-ins with a password the operator set are marked
until the member chooses their own; every office page links to the Account page; the
operator's own home page links to the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.ledger.models import Event
from liaison.offices.models import AccountSettings
from liaison.testing import OPERATOR, PASSWORD, T0

pytestmark = pytest.mark.django_db

NEW = "a passphrase of my very own"
OPERATORS = "the operator typed this one"
LATER = T0 + dt.timedelta(days=2)
BANNER = 'class="errors operator-password"'


def sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def change(client: Client, old: str, new1: str, new2: str | None = None):
    return client.post(
        reverse("account-password"),
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def errors(response) -> str:
    return " ".join(str(e) for e in response.context["password_form"].errors.values())


def test_a_member_changes_their_password_and_stays_signed_in_here_only(world):
    user = world.south_staff.user
    here, elsewhere = sign_in(user.username), sign_in(user.username)
    before = Event.objects.count()
    response = change(here, PASSWORD, NEW)
    assert response.status_code == 302
    assert here.get(reverse("account")).status_code == 200
    assert elsewhere.get(reverse("account")).status_code == 302  # that session ended
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert Event.objects.count() == before  # one's own act: no operator act is told


@pytest.mark.parametrize(
    ("old", "new1", "new2", "says"),
    [
        ("not my password", NEW, NEW, "not your current password"),
        (PASSWORD, NEW, NEW + "!", "two password fields"),
        (PASSWORD, "short", "short", "too short"),
        (PASSWORD, "password123", "password123", "too common"),
    ],
)
def test_a_bad_password_change_is_a_form_error_and_changes_nothing(world, old, new1, new2, says):
    user = world.south_staff.user
    client = sign_in(user.username)
    hashed = get_user_model().objects.get(pk=user.pk).password
    response = change(client, old, new1, new2)
    assert response.status_code == 400
    assert says in errors(response)
    assert get_user_model().objects.get(pk=user.pk).password == hashed
    assert client.get(reverse("account")).status_code == 200  # still signed in


def test_a_member_chooses_language_and_time_zone_and_pages_show_that_zone(office):
    client = sign_in(office.north_staff.username)
    response = client.post(
        reverse("account-preferences"), {"language": "ko", "time_zone": "Europe/London"}
    )
    assert response.status_code == 302
    found = AccountSettings.objects.get(user=office.north_staff.user)
    assert (found.language, found.time_zone) == ("ko", "Europe/London")
    with time_machine.travel(T0, tick=False):
        board = client.get(reverse("office-dashboard", args=[office.office.slug]))
    # The Friday session at 10:00 Seoul time is 01:00 in London (GMT in January).
    assert "Times are in Europe/London, your time zone" in board.text
    assert "01:00 GMT" in board.text
    # Emptied: the membership's zone again.
    client.post(reverse("account-preferences"), {"language": "en", "time_zone": ""})
    with time_machine.travel(T0, tick=False):
        board = client.get(reverse("office-dashboard", args=[office.office.slug]))
    assert "Times are in Asia/Pyongyang, your time zone" in board.text


def test_the_chosen_zone_is_remembered_at_the_next_sign_in(world):
    client = sign_in(world.south_staff.username)
    client.post(reverse("account-preferences"), {"language": "en", "time_zone": "UTC"})
    again = sign_in(world.south_staff.username)
    board = again.get(reverse("office-dashboard", args=[world.office.slug]))
    assert "Times are in UTC, your time zone" in board.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"language": "en", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "fr", "time_zone": ""}, "language"),
    ],
)
def test_unknown_choices_are_form_errors_and_write_nothing(world, data, field):
    client = sign_in(world.south_staff.username)
    response = client.post(reverse("account-preferences"), data)
    assert response.status_code == 400
    assert field in response.context["preferences_form"].errors
    assert not AccountSettings.objects.filter(user=world.south_staff.user).exists()


def _operator_sets_password(user, password: str = OPERATORS, at: dt.datetime = T0) -> None:
    with time_machine.travel(at, tick=False):
        user.set_password(password)
        user.save()


def test_a_sign_in_with_the_operators_password_is_marked_until_the_member_changes_it(office):
    member = office.south_staff
    _operator_sets_password(member.user)
    with time_machine.travel(LATER, tick=False):
        client = sign_in(member.username, OPERATORS)
        board = client.get(reverse("office-dashboard", args=[office.office.slug]))
        account = client.get(reverse("account"))
    assert BANNER in board.text
    assert "You signed in with a password the operator set." in account.text
    [marked] = Event.objects.filter(type="account.signed_in_with_operator_password")
    assert (marked.log.office, marked.actor, marked.at) == (
        office.office.id,
        member.username,
        LATER,
    )
    # The side's head is told; the other side is not.
    head = Client()
    head.force_login(office.south_head.user)
    north = Client()
    north.force_login(office.north_head.user)
    with time_machine.travel(LATER, tick=False):
        told = head.get(reverse("office-dashboard", args=[office.office.slug])).text
        untold = north.get(reverse("office-dashboard", args=[office.office.slug])).text
    assert "South Staff signed in with a password the operator set on Wed 3 Jan 2024" in told
    assert "signed in with a password the operator set" not in untold

    with time_machine.travel(LATER, tick=False):
        assert change(client, OPERATORS, NEW).status_code == 302
        board = client.get(reverse("office-dashboard", args=[office.office.slug]))
        again = sign_in(member.username, NEW)
    assert BANNER not in board.text
    assert "The operator set your password" not in again.get("/account/").text
    assert Event.objects.filter(type="account.signed_in_with_operator_password").count() == 1


def test_a_marked_sign_in_with_a_second_factor_is_marked_at_the_code(world):
    user = world.north_head.user
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    _operator_sets_password(user)
    client = Client()
    client.post("/login/", {"username": user.username, "password": OPERATORS})
    assert not Event.objects.filter(type="account.signed_in_with_operator_password").exists()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(reverse("account-login-code"), {"code": code}).status_code == 302
    assert Event.objects.filter(type="account.signed_in_with_operator_password").count() == 1


def test_every_office_page_links_to_the_account_page(office):
    client = Client()
    client.force_login(office.north_staff.user)
    slug = office.office.slug
    for name in ("office-dashboard", "office-schedule", "office-timeline", "office-messages"):
        page = client.get(reverse(name, args=[slug]))
        assert f'href="{reverse("account")}"' in page.text, name
    account = client.get(reverse("account"))
    assert f'href="{reverse("account")}" aria-current="page"' in account.text


def test_the_operators_home_page_links_to_the_admin(world):
    operator = Client()
    operator.force_login(get_user_model().objects.get(username=OPERATOR))
    home = operator.get(reverse("office-list"))
    assert f'href="{reverse("admin:index")}"' in home.text
    assert "The operator adds members" not in home.text
    outsider = Client()
    outsider.force_login(world.outsider)
    home = outsider.get(reverse("office-list"))
    assert reverse("admin:index") not in home.text
    assert "The operator adds members to an office." in home.text
