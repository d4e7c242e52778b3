"""Every act of the operator on an account is one event in the charter log of each office
the account is a member of, whichever way he makes it (the admin, ``changepassword``, a
shell, ``api_token create``); the holder's own changes are not his acts. A password he
sets ends the account's sessions and API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.api.commands import IssueToken
from liaison.api.models import ApiToken, issue_token
from liaison.bundle import check, export
from liaison.bundle.audit import verify
from liaison.ledger.models import Event
from liaison.offices import actions
from liaison.offices.accounts import by_holder
from liaison.offices.commands import AddMember, ChangeMember, EndMembership
from liaison.offices.models import AccountSettings, Member, OperatorAct
from liaison.testing import OPERATOR, PASSWORD, T0, make_office, make_user

pytestmark = pytest.mark.django_db

LATER = T0 + dt.timedelta(days=3)
NEW_PASSWORD = "a fresh passphrase nobody guessed"


def acts(office: str, kind: str | None = None) -> list[Event]:
    events = Event.objects.filter(log__office=office, log__side="").exclude(
        type__in=["office.chartered", "member.added"]
    )
    if kind is not None:
        events = events.filter(type=kind)
    return list(events.order_by("pk"))


@pytest.fixture
def operator_client(world) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=OPERATOR))
    return client


@pytest.fixture
def two_offices(world):
    """The South's staff is also the North's staff of a second office, and was once a
    member of a third (ended)."""
    user = world.south_staff.user
    second = make_office("second")
    actions.add_member(
        office=second,
        command=AddMember(
            username=user.username, full_name="South Staff", role="staff", side="north"
        ),
        actor=OPERATOR,
        now=T0,
    )
    third = make_office("third")
    ended = actions.add_member(
        office=third,
        command=AddMember(
            username=user.username, full_name="South Staff", role="staff", side="south"
        ),
        actor=OPERATOR,
        now=T0,
    )
    actions.end_membership(
        member=ended, command=EndMembership(active_until=T0.date()), actor=OPERATOR, now=T0
    )
    return user


def test_a_password_set_in_a_shell_is_one_event_in_each_office_of_the_account(world, two_offices):
    user = two_offices
    with time_machine.travel(LATER, tick=False):
        user.set_password(NEW_PASSWORD)
        user.save()
    for office in (world.office.id, "second"):
        [event] = acts(office)
        assert (event.type, event.actor, event.at) == ("account.password_set", OPERATOR, LATER)
    assert acts("third", "account.password_set") == []  # that membership has ended
    assert AccountSettings.objects.get(user=user).operator_password_since == LATER


def test_changepassword_is_the_operators_act(world, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", world.north_head.username, stdout=None)
    [event] = acts(world.office.id)
    assert event.type == "account.password_set"
    assert OperatorAct.objects.get(office=world.office, seq=event.seq).member == world.north_head


def test_the_admin_names_the_operator_and_the_password_ends_sessions_and_tokens(
    world, operator_client
):
    member_client = Client()
    member_client.force_login(world.south_head.user)
    token, key = issue_token(world.south_head, command=IssueToken(name="script"), now=T0)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert member_client.get("/").status_code == 200
    assert Client().get("/api/offices", **bearer).status_code == 200

    url = reverse("admin:auth_user_password_change", args=[world.south_head.user_id])
    response = operator_client.post(
        url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    [event] = acts(world.office.id)
    assert (event.type, event.actor) == ("account.password_set", OPERATOR)
    # The member's session is over, and the token is a 401 from now on.
    assert member_client.get("/").status_code == 302
    refused = Client().get("/api/offices", **bearer)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_turning_password_sign_in_off_in_the_admin_is_told(world, operator_client):
    url = reverse("admin:auth_user_password_change", args=[world.north_staff.user_id])
    response = operator_client.post(url, {"usable_password": "false", "unset-password": "1"})
    assert response.status_code == 302
    [event] = acts(world.office.id)
    assert event.type == "account.password_disabled"


def test_a_hash_upgraded_at_sign_in_is_no_act(world, settings):
    user = world.north_staff.user
    get_user_model().objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher="md5")
    )
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = Client().post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # upgraded, not changed
    assert acts(world.office.id) == []


def test_the_holders_own_password_is_not_the_operators(world):
    user = world.north_staff.user
    user.set_password("the operator's choice of password")
    user.save()
    with by_holder(user):
        user.set_password(NEW_PASSWORD)
        user.save()
    assert [e.type for e in acts(world.office.id)] == ["account.password_set"]
    assert AccountSettings.objects.get(user=user).operator_password_since is None


def _user_form(user, **changes):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_deactivating_and_reactivating_in_the_admin_are_told(world, operator_client):
    user = world.north_deputy.user
    url = reverse("admin:auth_user_change", args=[user.pk])
    response = operator_client.post(url, _user_form(user, is_active=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active
    response = operator_client.post(url, _user_form(user, is_active="on"))
    assert response.status_code == 302
    assert [(e.type, e.actor) for e in acts(world.office.id)] == [
        ("account.deactivated", OPERATOR),
        ("account.reactivated", OPERATOR),
    ]


def test_a_members_account_is_neither_renamed_nor_deleted_in_the_admin(world, operator_client):
    user = world.north_deputy.user
    url = reverse("admin:auth_user_change", args=[user.pk])
    operator_client.post(url, _user_form(user, username="someone-else"))
    user.refresh_from_db()
    assert user.username == world.north_deputy.username
    delete = operator_client.post(
        reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert get_user_model().objects.filter(pk=user.pk).exists()


def _device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def test_the_operator_deleting_a_second_factor_is_told(world, operator_client):
    device = _device(world.south_head.user)
    half_done = _device(world.south_deputy.user, confirmed=False)
    for pk in (device.pk, half_done.pk):
        url = reverse("admin:otp_totp_totpdevice_delete", args=[pk])
        assert operator_client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.exists()
    # A set-up nobody confirmed was no second factor.
    [event] = acts(world.office.id)
    assert (event.type, event.actor) == ("account.second_factor_removed", OPERATOR)
    assert OperatorAct.objects.get(seq=event.seq, office=world.office).member == world.south_head


def test_the_operator_unconfirming_a_second_factor_is_told(world, operator_client):
    device = _device(world.north_head.user)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    assert operator_client.post(url, {}).status_code == 302  # "confirmed" unticked
    device.refresh_from_db()
    assert not device.confirmed
    assert [e.type for e in acts(world.office.id)] == ["account.second_factor_removed"]


def test_the_admin_adds_no_device_and_shows_no_key_page(world, operator_client):
    device = _device(world.north_head.user)
    assert operator_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    for path in (
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
    ):
        response = operator_client.get(path)
        assert device.key not in response.content.decode()
        assert response.status_code in (302, 404)  # no such page: the admin's catch-all


def test_the_holder_turning_their_second_factor_off_is_not_told(world):
    user = world.north_head.user
    device = _device(user)
    with by_holder(user):
        device.delete()
    assert acts(world.office.id) == []


def test_api_token_create_is_told_to_the_office_it_acts_in(world, two_offices, capsys):
    call_command("api_token", "create", two_offices.username, "--office", "second")
    token = ApiToken.objects.get(user=two_offices)
    [event] = acts("second")
    assert event.type == "account.token_issued"
    assert OperatorAct.objects.get(office_id="second", seq=event.seq).detail == token.prefix
    assert acts(world.office.id) == []  # the token cannot act there


def test_the_operator_changes_a_membership_through_the_charter_log(world, operator_client):
    url = reverse("admin:offices_member_edit", args=[world.south_staff.pk])
    data = {"full_name": "South Staff", "title": "Counsellor", "role": "deputy", "time_zone": ""}
    assert operator_client.post(url, data).status_code == 302
    [event] = acts(world.office.id)
    assert event.type == "member.changed"
    act = OperatorAct.objects.get(office=world.office, seq=event.seq)
    assert (act.role, act.detail) == ("deputy", "title, role")
    assert Member.objects.get(pk=world.south_staff.pk).role == "deputy"


def test_a_second_head_by_a_change_is_a_form_error_and_writes_nothing(world, operator_client):
    url = reverse("admin:offices_member_edit", args=[world.south_staff.pk])
    data = {"full_name": "South Staff", "title": "", "role": "head", "time_zone": ""}
    before = Event.objects.count()
    response = operator_client.post(url, data)
    assert response.status_code == 200
    assert "already has a head" in response.content.decode()
    assert Event.objects.count() == before


def test_a_refused_act_writes_nothing_in_any_office(world, two_offices):
    before = Event.objects.count()
    with pytest.raises(Exception, match="not an act on an account"):
        actions.record_operator_act(
            user=two_offices, kind="member.added", actor=OPERATOR, now=LATER
        )
    assert Event.objects.count() == before


def test_the_acts_rebuild_as_they_were(world, two_offices, scratch_allowed, operator_client):
    user = two_offices
    user.set_password(NEW_PASSWORD)
    user.save()
    user.is_active = False
    user.save()
    _device(world.north_head.user).delete()
    actions.change_member(
        member=world.south_deputy,
        command=ChangeMember(full_name="Deputy Kim", role="deputy"),
        actor=OPERATOR,
        now=LATER,
    )
    assert verify(world.office.id) == []
    assert verify("second") == []
    # The offline verifier reads a bundle holding them as intact too.
    assert check.check(export.build(world.office.id, now=LATER)).problems == []


def test_an_account_of_no_office_is_set_up_not_reset(world):
    user = make_user("newcomer")
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not AccountSettings.objects.filter(operator_password_since__isnull=False).exists()
    assert acts(world.office.id) == []
