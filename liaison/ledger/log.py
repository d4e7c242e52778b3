"""Appending to a log: the only way anything in an office changes.

``append`` validates the body against its type's schema, serialises the event to its
canonical bytes, chains it to the log's head and applies it to the projections, all
in the caller's transaction. Appends to one office are serialised (a PostgreSQL
advisory lock, or SQLite's IMMEDIATE transactions), so a log never forks and commit
order equals primary-key order, the order a rebuild replays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

from liaison.ledger.canonical import EVENT_FORMAT_VERSION, CanonicalError, digest, encode
from liaison.ledger.events import Applied, Body, EventRejected, validate_body
from liaison.ledger.models import Event, Log
from liaison.ledger.projection import applying
from liaison.lib.timezones import format_utc


def _lock_key(office: str) -> int:
    raw = hashlib.sha256(f"liaison:office:{office}".encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


def lock_office(office: str) -> None:
    """Take the office's write lock until the transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_office needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(office)])
    # SQLite: the transaction began IMMEDIATE and holds the database's write lock.


@contextlib.contextmanager
def writing(office: str) -> Iterator[None]:
    """A transaction holding the office's write lock: check the rules, then append."""
    with transaction.atomic():
        lock_office(office)
        yield


def envelope(
    *,
    office: str,
    side: str,
    seq: int,
    prev: str,
    at: dt.datetime,
    actor: str,
    type: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    return {
        "v": EVENT_FORMAT_VERSION,
        "office": office,
        "side": side or None,
        "seq": seq,
        "prev": prev,
        "at": format_utc(at),
        "actor": actor,
        "type": type,
        "body": body,
    }


def append(
    *, office: str, side: str, actor: str, type: str, body: dict[str, Any], at: dt.datetime
) -> Event:
    """Append one event to the log ``(office, side)`` and apply it."""
    typed = validate_body(type, body)
    clean = typed.model_dump(mode="json")
    at = at.astimezone(dt.UTC)
    with writing(office):
        log, _ = Log.objects.get_or_create(office=office, side=side)
        seq = log.size + 1
        try:
            data = encode(
                envelope(
                    office=office,
                    side=side,
                    seq=seq,
                    prev=log.head,
                    at=at,
                    actor=actor,
                    type=type,
                    body=clean,
                )
            )
        except CanonicalError as exc:
            raise EventRejected(f"{type}: {exc}") from None
        event = Event.objects.create(
            log=log,
            seq=seq,
            hash=digest(data),
            prev=log.head,
            at=at,
            actor=actor,
            type=type,
            data=data,
        )
        updated = Log.objects.filter(pk=log.pk, size=log.size).update(size=seq, head=event.hash)
        if updated != 1:  # pragma: no cover - the office lock makes this unreachable
            raise RuntimeError(f"log {log.label} moved during an append")
        apply_event(event, typed, office=office, side=side)
    return event


def apply_event(event: Event, typed: Body, *, office: str, side: str) -> None:
    with applying():
        typed.apply(
            Applied(
                pk=event.pk,
                office=office,
                side=side,
                seq=event.seq,
                hash=event.hash,
                at=event.at,
                actor=event.actor,
                type=event.type,
            )
        )
