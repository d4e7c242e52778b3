"""The OpenAPI schema says what the API really answers: statuses, shapes, content types.

Each test here pins something the schemathesis run (``test_fuzz``) found declared wrong,
through the plain test client, so it stays fixed whether or not the fuzzer happens to
send that request again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client
from ninja import Schema

from liaison.api.tests.conftest import (
    CHANNEL_AT,
    PDF_SHA256,
    corresponded,
    office_url,
)
from liaison.channel.models import Message
from liaison.testing import World, weekly

pytestmark = pytest.mark.django_db


def openapi() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


def conforms(doc: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """``body`` matches what the schema declares for that answer (refs resolved in it)."""
    declared = doc["paths"][path][method]["responses"][str(status)]
    media = declared["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**media, "components": doc["components"]})
    errors = [error.message for error in validator.iter_errors(body)]
    assert not errors, (path, method, status, errors)


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_every_operation_declares_the_401_it_answers_without_sign_in(db: None) -> None:
    doc = openapi()
    missing = [(p, m) for p, m, op in operations(doc) if "401" not in op["responses"]]
    assert missing == []
    response = Client().get("/api/offices/testoffice/sessions")
    assert response.status_code == 401
    conforms(doc, "/api/offices/{slug}/sessions", "get", 401, response.json())


def test_every_operation_that_takes_input_declares_the_422_of_input_off_the_schema(
    world: World, api_as: Any
) -> None:
    doc = openapi()
    takes_input = [
        (p, m) for p, m, op in operations(doc) if op.get("parameters") or op.get("requestBody")
    ]
    assert ("/api/offices/{slug}/sessions", "post") in takes_input
    assert [(p, m) for p, m in takes_input if "422" not in doc["paths"][p][m]["responses"]] == []
    # Nothing to get wrong in the list of one's offices: no 422 is promised there.
    assert "422" not in doc["paths"]["/api/offices"]["get"]["responses"]

    response = api_as("south_head").post(
        office_url(world, "/sessions"),
        {"title": "Extra", "start": "soon", "duration_minutes": "an hour"},
        content_type="application/json",
    )
    assert response.status_code == 422
    conforms(doc, "/api/offices/{slug}/sessions", "post", 422, response.json())
    assert {tuple(issue["loc"])[-1] for issue in response.json()["detail"]} >= {
        "start",
        "duration_minutes",
    }


def test_the_standing_window_is_declared_with_the_fields_it_has(world: World, api_as: Any) -> None:
    # Two schema classes named WindowOut made the standing's window read as a project's
    # plan window (start, end) in the OpenAPI components.
    weekly(world)
    response = api_as("north_staff").get(office_url(world, "/standing"))
    assert response.status_code == 200
    assert set(response.json()["window"]) == {"from", "days"}
    conforms(openapi(), "/api/offices/{slug}/standing", "get", 200, response.json())


def test_no_two_api_schemas_share_a_name_in_the_openapi_components() -> None:
    # Components are keyed by class name: a second class of the same name silently
    # replaces the first one's declaration for every operation that uses it.
    seen: dict[str, str] = {}
    clashes = []
    pending: list[type[Schema]] = [Schema]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__module__.startswith("liaison."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in seen and seen[cls.__name__] != where:
            clashes.append((seen[cls.__name__], where))
        seen.setdefault(cls.__name__, where)
    assert clashes == []


def test_an_attachment_is_declared_as_any_content_type_it_may_be_served_as(
    world: World, api_as: Any, frozen: Any
) -> None:
    corresponded(world)
    notice = Message.objects.filter(office=world.office, side__key="south").earliest("sent_at")
    with frozen(CHANNEL_AT + dt.timedelta(hours=1)):
        response = api_as("north_head").get(
            office_url(world, f"/messages/{notice.key}/attachments/{PDF_SHA256}")
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = "/api/offices/{slug}/messages/{key}/attachments/{sha256}"
    declared = openapi()["paths"][path]["get"]["responses"]["200"]["content"]
    assert list(declared) == ["*/*"]
