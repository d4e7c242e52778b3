"""``verify`` after a full signing flow: intact, and every rewrite of signed minutes is
caught: in the projection, in the event, or across the two logs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from liaison.bundle.audit import verify
from liaison.ledger.canonical import digest, encode
from liaison.ledger.models import Event, Log
from liaison.ledger.tests.tampering import tampering
from liaison.records import minutes
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.testing import FIRST_SESSION, FIRST_START

LATER = FIRST_START + dt.timedelta(hours=2)


@pytest.fixture
def signed(held, scratch_allowed):
    """North's staff drafts the minutes (north#3, after its acceptance of the cadence and
    its check-in), South's deputy proposes them (south#3) and both heads sign (south#4,
    north#4): South's events refer across to north#3."""
    minutes.save_minutes(
        member=held.north_staff,
        command=SaveMinutes(
            session=FIRST_SESSION, base_version=0, text="The two sides met for an hour."
        ),
        now=LATER,
    )
    minutes.propose_minutes(
        member=held.south_deputy,
        command=ProposeMinutes(session=FIRST_SESSION, version=1),
        now=LATER,
    )
    for head in (held.south_head, held.north_head):
        minutes.sign_minutes(
            member=head, command=SignMinutes(session=FIRST_SESSION, version=1), now=LATER
        )
    return held


def _sql(statement: str, params: list) -> None:
    # With the database owner's rights: events are append-only to everyone else.
    with tampering(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _rewrite(event: Event, change) -> None:
    """Rewrite one event's body and re-chain the rest of its log, as an operator with
    database access could: the log itself then verifies."""
    log = event.log
    prev = event.prev
    for later in Event.objects.filter(log=log, seq__gte=event.seq).order_by("seq"):
        parsed = json.loads(bytes(later.data))
        if later.pk == event.pk:
            change(parsed["body"])
        parsed["prev"] = prev
        data = encode(parsed)
        _sql(
            "UPDATE ledger_event SET data = %s, hash = %s, prev = %s WHERE id = %s",
            [data, digest(data), prev, later.pk],
        )
        prev = digest(data)
    Log.objects.filter(pk=log.pk).update(head=prev)


def test_a_signed_office_verifies(signed):
    assert verify("testoffice") == []


def test_signed_text_changed_in_the_projection_is_found(signed):
    _sql("UPDATE records_minutesversion SET text = %s", ["The sides did not meet."])
    (problem,) = verify("testoffice")
    assert problem.kind == "PROJECTION_MISMATCH"
    assert "records.MinutesVersion testoffice:weekly-20240105T1000:1" in problem.where
    assert "text" in problem.detail


def test_signed_text_rewritten_in_the_event_without_its_hash_is_found(signed):
    saved = Event.objects.get(type="minutes.saved")

    def change(body: dict) -> None:
        body["text"] = "The sides did not meet."

    _rewrite(saved, change)
    (problem,) = verify("testoffice")
    assert problem.kind == "BAD_BODY"
    assert problem.where == "testoffice/north#3"


def test_signed_text_rewritten_with_its_hash_breaks_the_other_sides_signature(signed):
    saved = Event.objects.get(type="minutes.saved")
    text = "The sides did not meet."

    def change(body: dict) -> None:
        body["text"] = text
        body["content_hash"] = minutes.content_hash(text)

    _rewrite(saved, change)
    (problem,) = verify("testoffice")
    # North's log now verifies on its own; South's proposal names the old hash.
    assert problem.kind == "BAD_REFERENCE"
    assert problem.where == "testoffice/south#3"
    assert "north#3 by a hash that event does not have" in problem.detail
