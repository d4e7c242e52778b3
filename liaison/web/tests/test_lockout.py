"""The sign-in lockout at the server's edge: which address a failure counts against
(``LIAISON_PROXY_COUNT``), one password sprayed over many usernames from one address,
and the sign-in that triggers a lockout under ASGI (as ``liaison serve`` runs it).

The clock is frozen (``time_machine``) so the lockout's end can be read off exactly.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from asgiref.sync import async_to_sync, sync_to_async
from axes.models import AccessAttempt
from django.test import AsyncClient, Client

from liaison.lib.addresses import client_address, forwarded_client
from liaison.testing import PASSWORD, T0, make_user

LOGIN = "/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.values())


# Which address counts


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("203.0.113.9", 0, "127.0.0.1"),  # no proxy: the header is anybody's to write
        ("203.0.113.9", 1, "203.0.113.9"),
        ("198.51.100.1, 203.0.113.9", 1, "203.0.113.9"),  # the client forged the left one
        ("198.51.100.1, 203.0.113.9, 10.0.0.5", 2, "203.0.113.9"),
        ("203.0.113.9", 3, "203.0.113.9"),  # fewer hops than proxies: all written by them
        ("", 1, "127.0.0.1"),
        ("not-an-address", 1, "127.0.0.1"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_peer_unless_trusted_proxies_wrote_the_header(
    header: str, proxies: int, expected: str
) -> None:
    assert forwarded_client("127.0.0.1", header, proxies) == expected


@pytest.mark.django_db
def test_with_no_proxy_twelve_forged_addresses_still_lock_the_account_out(world, settings):
    settings.LIAISON_PROXY_COUNT = 0
    client = Client()
    username = world.south_head.username
    with time_machine.travel(T0, tick=False):
        for i in range(12):
            response = sign_in(client, username, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        assert "Too many failed sign-ins" in errors(response)
        right = sign_in(client, username, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert "Too many failed sign-ins" in errors(right)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.mark.django_db
def test_behind_one_proxy_the_address_comes_from_the_header(world, settings, rf):
    settings.LIAISON_PROXY_COUNT = 1
    forged_then_real = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    assert client_address(rf.get("/", **forged_then_real)) == "203.0.113.9"
    client = Client(REMOTE_ADDR="10.0.0.1")  # the proxy
    username = world.north_head.username
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            locked = sign_in(client, username, "wrong", **forged_then_real)
        assert "Too many failed sign-ins" in errors(locked)
        # Another client behind the same proxy is not locked out of this account.
        other = sign_in(client, username, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert other.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


# One password over many usernames


@pytest.mark.django_db
def test_one_address_failing_over_many_usernames_is_locked_out_of_every_account(world):
    for i in range(25):
        make_user(f"sprayed-{i}")
    client = Client()
    with time_machine.travel(T0, tick=False):
        for i in range(19):
            response = sign_in(client, f"sprayed-{i}", "Winter2024!")
            assert "correct username and password" in errors(response)
        twentieth = sign_in(client, "sprayed-19", "Winter2024!")
        assert twentieth.status_code == 200
        assert (
            "Too many failed sign-ins from your address. Try again after 00:15 UTC "
            "(in 15 minutes)." in errors(twentieth)
        )
        # Every account is closed to this address now, even with the right password ...
        right = sign_in(client, world.south_head.username)
        assert "Too many failed sign-ins from your address" in errors(right)
        # ... and signing in to an account of one's own does not reopen it.
        assert "Too many failed sign-ins" in errors(sign_in(client, "sprayed-24"))
        # Another address is not affected.
        assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), world.south_head.username).status_code == 302
    with time_machine.travel(T0 + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(client, world.south_head.username).status_code == 302


@pytest.mark.django_db
def test_an_address_that_signs_in_between_failures_keeps_its_count(world):
    """A sprayer holding one real account cannot reset the address's count with it."""
    for i in range(25):
        make_user(f"sprayed-{i}")
    make_user("insider")
    client = Client()
    with time_machine.travel(T0, tick=False):
        for i in range(19):
            sign_in(client, f"sprayed-{i}", "wrong")
            if i % 4 == 3:
                assert sign_in(client, "insider").status_code == 302
                client.post("/logout/")
        last = sign_in(client, "sprayed-19", "wrong")
    assert "Too many failed sign-ins from your address" in errors(last)


@pytest.mark.django_db
def test_the_address_limit_comes_from_settings(world, settings):
    settings.LIAISON_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    client = Client()
    with time_machine.travel(T0, tick=False):
        sign_in(client, "nobody-1", "wrong")
        sign_in(client, "nobody-2", "wrong")
        third = sign_in(client, "nobody-3", "wrong")
    assert "Too many failed sign-ins from your address" in errors(third)


@pytest.mark.django_db
def test_the_account_message_still_names_the_account(world):
    client = Client()
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            fifth = sign_in(client, world.south_staff.username, "wrong")
    assert "Too many failed sign-ins for this account from your address" in errors(fifth)


# Under ASGI


@pytest.mark.django_db(transaction=True)
def test_the_sign_in_that_locks_the_account_out_answers_the_login_page_under_asgi(world):
    async_to_sync(_locking_sign_in_under_asgi)(world.south_head.username)


async def _locking_sign_in_under_asgi(username: str) -> None:
    client = AsyncClient()
    data = {"username": username, "password": "wrong"}
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            assert (await client.post(LOGIN, data)).status_code == 200
        fifth = await client.post(LOGIN, data)
        assert fifth.status_code == 200
        assert "Too many failed sign-ins" in fifth.content.decode()
        assert "Content-Security-Policy" in fifth.headers
        admin = await client.post("/admin/login/", {**data, "next": "/admin/"})
    assert admin.status_code == 429
    assert await sync_to_async(AccessAttempt.objects.count)() == 1


def test_a_username_too_long_for_any_account_is_a_form_error_and_counts_nothing(db):
    # It reached authenticate() and the lockout's varchar(255): a 500 on PostgreSQL.
    response = Client().post("/login/", {"username": "x" * 151, "password": "guess"})
    assert response.status_code == 200
    assert "A username has at most 150 characters." in response.text
    assert not AccessAttempt.objects.exists()
