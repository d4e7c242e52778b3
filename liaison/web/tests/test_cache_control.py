"""Answers carrying a side's private content are never cached: ``Cache-Control:
no-store`` on every response to a signed-in member or an API token, web and API alike;
static files stay cacheable."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from liaison.api.commands import IssueToken
from liaison.api.models import issue_token
from liaison.testing import T0

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_signed_in_members_pages_are_not_stored(world, client: Client):
    client.force_login(world.south_head.user)
    for url in ("/", "/offices/testoffice/", "/offices/testoffice/messages/", "/account/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
        assert "private" in response["Cache-Control"]
    # A refusal to a member is private too: it says what exists.
    assert no_store(client.get("/offices/nowhere/"))


def test_the_session_api_and_a_token_answer_are_not_stored(world, client: Client):
    client.force_login(world.north_staff.user)
    assert no_store(client.get("/api/offices"))
    with time_machine.travel(T0, tick=False):
        _token, key = issue_token(world.south_staff, command=IssueToken(name="script"), now=T0)
    bearer = Client().get("/api/offices/testoffice/messages", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.status_code == 200
    assert no_store(bearer)


def test_anonymous_pages_and_static_files_are_left_alone(world):
    # (Django's own login page is never cached, whoever asks.)
    assert not no_store(Client().get("/"))
    member = Client()
    member.force_login(world.south_head.user)
    css = member.get("/static/liaison/site.css")
    assert css.status_code == 200
    assert not no_store(css)
