"""Signing in with the web UI's session: reads work, writes need the CSRF token."""

from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from liaison.api.tests.conftest import BEFORE_FIRST, FIRST, office_url
from liaison.ledger.models import Event
from liaison.testing import PASSWORD


def signed_in(world, *, enforce_csrf: bool) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    assert client.login(username=world.south_head.username, password=PASSWORD)
    return client


def test_a_password_sign_in_reads_the_api(cadenced, frozen):
    client = signed_in(cadenced, enforce_csrf=True)
    with frozen(BEFORE_FIRST):
        response = client.get("/api/offices")
    assert response.status_code == 200
    assert response.json()[0]["membership"]["role"] == "head"


def test_a_session_write_without_the_csrf_token_is_refused(cadenced, frozen):
    client = signed_in(cadenced, enforce_csrf=True)
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = client.post(
            office_url(cadenced, f"/sessions/{FIRST}/check-in"), content_type="application/json"
        )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Event.objects.count() == before


def test_a_session_write_with_the_csrf_token_goes_through(cadenced, frozen):
    client = signed_in(cadenced, enforce_csrf=True)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = client.post(
            office_url(cadenced, f"/sessions/{FIRST}/check-in"),
            content_type="application/json",
            headers={"X-CSRFToken": secret},
        )
    assert response.status_code == 201
    assert Event.objects.count() == before + 1


def test_a_signed_out_session_is_401(cadenced, frozen):
    client = signed_in(cadenced, enforce_csrf=True)
    client.logout()
    with frozen(BEFORE_FIRST):
        assert client.get("/api/offices").status_code == 401


def test_a_wrong_authorization_scheme_is_treated_as_no_credentials(cadenced):
    client = Client(headers={"Authorization": "Basic Zm9vOmJhcg=="})
    response = client.get("/api/offices")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication required."
