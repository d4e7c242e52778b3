"""Schemathesis against the OpenAPI schema: every operation, fed generated requests.

Each operation is one test (``@schema.parametrize()``) with its own database: the
``world`` with the state the other API tests build (records and minutes proposed for
signature, projects, third parties, messages, notes), read and written as the South's
head through a bearer token, on a pinned clock. Path parameters are the world's real
keys most of the time (otherwise nearly every request would be a 404) and generated
ones the rest. Every answer must be no 5xx, declared in the schema with its declared
shape and content type, and the same call without the token or with a bad one must be
refused (``ignored_auth``). Bounded and derandomized so CI sees the same cases.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from liaison.api.commands import IssueToken
from liaison.api.models import ApiToken, issue_token
from liaison.api.tests.conftest import (
    CHANNEL_AT,
    COMMITMENT,
    FIRST,
    FRAMEWORK,
    PARTY,
    PDF_SHA256,
    PROJECT,
    corresponded,
    planned,
    proposed,
)
from liaison.api.urls import api
from liaison.channel import notes
from liaison.channel.commands import AddNote
from liaison.channel.models import Message
from liaison.ledger.models import Event
from liaison.testing import World

# Friday 2 February 2024, 09:45 in Seoul: the day after the channel's messages, a
# quarter of an hour before that week's session, so check-ins and moves are open.
FUZZ_AT = dt.datetime(2024, 2, 2, 0, 45, tzinfo=dt.UTC)
NEXT = "weekly-20240202T1000"
MAX_EXAMPLES = 15

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = application

# The world's keys, by path parameter; messages and notes are filled in per test.
REAL: dict[str, list[Any]] = {
    "slug": ["testoffice"],
    "session": [FIRST, NEXT],
    "message": [],
    "version": [1, 2],
    "side": ["south", "north"],
    "fkey": [FRAMEWORK],
    "ckey": [COMMITMENT],
    "pkey": [PROJECT, "groundbreaking", "visit", "concert"],
    "bkey": ["sanctions"],
    "dkey": [PROJECT],
    "tkey": [PARTY],
    "sha256": [PDF_SHA256],
    "note_id": [],
}


def real_values(path: str, name: str) -> list[Any]:
    if name == "key":
        return REAL["message" if "/messages/" in path else "session"]
    return REAL.get(name, [])


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    # Mostly the world's keys (a request must find its session, project or message to
    # reach the rules behind it); one time in five the generated ones, which must 404.
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path if context.operation else ""
    real = st.fixed_dictionaries(
        {
            name: st.sampled_from(real_values(path, name) or [value])
            for name, value in path_parameters.items()
        }
    )
    return st.integers(0, 4).flatmap(lambda n: real if n else st.just(path_parameters))


@pytest.fixture
def wsgi_keeps_test_transaction() -> Iterator[None]:
    # A WSGI request starts and ends by closing "old" connections; inside the test's
    # transaction that would close it. Django's own test client disconnects the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(world: World, wsgi_keeps_test_transaction: None) -> Iterator[str]:
    """The world's state, the clock pinned at ``FUZZ_AT``; yields the South head's key."""
    proposed(world)
    planned(world)
    corresponded(world)
    # Message keys name the sender's log position, after everything above.
    REAL["message"] = list(
        Message.objects.filter(office=world.office)
        .order_by("sent_at")
        .values_list("key", flat=True)
    )
    note = notes.add_note(
        member=world.south_head,
        command=AddNote(
            target_kind="message", target_key=REAL["message"][0], body="The South head's own note."
        ),
        now=CHANNEL_AT,
    )
    REAL["note_id"] = [note.pk]
    _, key = issue_token(world.south_head, command=IssueToken(name="fuzz"), now=CHANNEL_AT)
    with time_machine.travel(FUZZ_AT, tick=False):
        yield key


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_declared(
    case: schemathesis.Case, fuzz_world: str
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_world}"}, checks=CHECKS)


def first_real(path: str, match: re.Match[str]) -> str:
    return str((real_values(path, match[1]) or [1])[0])


def test_no_operation_answers_without_a_valid_token(world: World) -> None:
    """``ignored_auth`` above probes only operations that answered 2xx; this asks every
    operation, at the world's real paths, with no token, an unknown one and a revoked
    one: each is a 401 (the JSON error and the challenge) and writes nothing."""
    proposed(world)
    token, key = issue_token(world.south_head, command=IssueToken(name="revoked"), now=CHANNEL_AT)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=CHANNEL_AT)
    credentials = {
        "none": {},
        "unknown": {"Authorization": "Bearer " + "0" * 64},
        "revoked": {"Authorization": f"Bearer {key}"},
    }
    events = Event.objects.count()
    answered = []
    for path, operations in schema.raw_schema["paths"].items():
        url = re.sub(r"\{(\w+)\}", partial(first_real, path), path)
        for method in operations:
            for name, headers in credentials.items():
                response = Client().generic(
                    method.upper(), url, "{}", "application/json", headers=headers
                )
                if (
                    response.status_code != 401
                    or set(response.json()) != {"detail", "field"}
                    or not response["WWW-Authenticate"].startswith("Bearer")
                ):
                    answered.append((method, url, name, response.status_code))
    assert answered == []
    assert Event.objects.count() == events
