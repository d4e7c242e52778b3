"""The error pages a visitor sees with DEBUG off (as served, the demo included): plain
pages that say what happened, never Django's technical pages (its URL list, a traceback).
400 and 500 are rendered with no request context, so they need none."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db

TECHNICAL = ("URLconf", "Traceback", "Django tried these URL patterns", "settings.py")


def plain(text: str) -> bool:
    return not any(mark in text for mark in TECHNICAL)


def test_an_unknown_address_is_the_plain_not_found_page(settings, world):
    settings.DEBUG = False
    member = Client()
    member.force_login(world.south_head.user)
    for client in (Client(), member):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert "<h1>Not found</h1>" in response.text and plain(response.text)


def test_a_server_error_is_the_plain_500_page_with_no_context():
    response = defaults.server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in text and plain(text)
    assert '<link rel="stylesheet" href="/static/liaison/site.css">' in text


def test_a_bad_request_is_the_plain_400_page(settings):
    settings.DEBUG = False
    response = Client(HTTP_HOST="liaison.example.org").get("/login/")  # not an allowed host
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text and plain(response.text)


def test_a_refusal_is_the_plain_403_page(settings, world):
    settings.DEBUG = False
    client = Client()
    client.force_login(world.observer.user)
    response = client.post("/offices/testoffice/notes/add/", {"target_kind": "session"})
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in response.text and plain(response.text)
