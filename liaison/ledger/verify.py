"""The ledger's part of ``liaison verify`` (the whole of it is ``bundle.audit``): what
the logs and the projections alone can tell.

1. ``verify_chain``: each log, event by event on the stored bytes, by the one chain
   walk (``ledger.chain``: seq, hash, canonical form, the office and log, prev), then the
   columns copied from the bytes, the body's schema, and the log's cached size and head.
2. ``verify_references``: an event that names another (a signature naming the minutes
   version it signs) names an earlier event of the office by its true hash.
3. ``rebuild`` and ``compare``: replay every event of the office, in commit order, into
   an empty scratch database (in-memory SQLite, ``scratch_database``) and compare table
   by table with the live rows.

Each returns the first place its check breaks; nothing is repaired.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connections

from liaison.ledger.canonical import EVENT_FORMAT_VERSION
from liaison.ledger.chain import ChainWalk, Problem
from liaison.ledger.events import Body, EventRejected, registered_types, validate_body
from liaison.ledger.log import apply_event
from liaison.ledger.models import Event, Log
from liaison.ledger.projection import Projection, projection_models, rebuilding_into
from liaison.lib.timezones import format_utc


def verify_chain(log: Log) -> Problem | None:
    """The first break in one log, or None: the chain walk (``ledger.chain``) over the
    stored rows, then what only the database keeps: the columns copied from the bytes,
    the body's schema and the log's cached size and head."""
    walk = ChainWalk(log.label, office=log.office, side=log.side)
    for event in Event.objects.filter(log=log).order_by("seq").iterator(chunk_size=2000):
        where = walk.where
        found = walk.feed(bytes(event.data), seq=event.seq, stored_hash=event.hash)
        if isinstance(found, Problem):
            return found
        mismatch = _column_mismatch(event, found)
        if mismatch:
            return Problem("COLUMN_MISMATCH", where, mismatch)
        try:
            validate_body(found["type"], found["body"])
        except EventRejected as exc:
            return Problem("BAD_BODY", where, str(exc))
    if log.size != walk.size or log.head != walk.head:
        return Problem(
            "TRUNCATED" if log.size > walk.size else "HEAD_MISMATCH",
            f"{log.label}#{walk.size}" if walk.size else log.label,
            f"the log records {log.size} events ending in {log.head[:12]}…, "
            f"its events run to {walk.size} ending in {walk.head[:12]}…",
        )
    return None


def _types_with_references() -> list[str]:
    return [
        name for name, cls in registered_types().items() if cls.references is not Body.references
    ]


def verify_references(office: str) -> Problem | None:
    """Every reference names an earlier event of the office by its true hash."""
    index = {
        (side, seq): (pk, hash_)
        for pk, side, seq, hash_ in Event.objects.filter(log__office=office).values_list(
            "pk", "log__side", "seq", "hash"
        )
    }
    referring = (
        Event.objects.filter(log__office=office, type__in=_types_with_references())
        .select_related("log")
        .order_by("pk")
    )
    for event in referring:
        parsed = json.loads(bytes(event.data))
        typed = validate_body(parsed["type"], parsed["body"])
        for ref in typed.references():
            where = f"{event.log.label}#{event.seq}"
            target = index.get((ref.side, ref.seq))
            if target is None:
                return Problem(
                    "BAD_REFERENCE",
                    where,
                    f"it names {office}/{ref.side}#{ref.seq}, which is missing",
                )
            if target[1] != ref.hash:
                return Problem(
                    "BAD_REFERENCE",
                    where,
                    f"it names {office}/{ref.side}#{ref.seq} by a hash that event does not have",
                )
            if target[0] >= event.pk:
                return Problem(
                    "BAD_REFERENCE", where, f"it names {office}/{ref.side}#{ref.seq}, a later event"
                )
    return None


def _column_mismatch(event: Event, parsed: dict[str, Any]) -> str:
    """Where a column copied from the bytes says otherwise (the office and side are the
    chain walk's: the log the event is in)."""
    expected = {
        "v": EVENT_FORMAT_VERSION,
        "seq": event.seq,
        "prev": event.prev,
        "at": format_utc(event.at),
        "actor": event.actor,
        "type": event.type,
    }
    for key, value in expected.items():
        if parsed.get(key) != value:
            return f"field {key!r} reads {parsed.get(key)!r} in the bytes, {value!r} in the row"
    return ""


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """An empty in-memory SQLite database holding the projection tables."""
    alias = f"liaison_scratch_{uuid.uuid4().hex[:8]}"
    config = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
            alias: {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
        }
    )[alias]
    connections.settings[alias] = config
    connection = connections[alias]
    try:
        with connection.schema_editor() as editor:
            for model in projection_models():
                editor.create_model(model)
        yield alias
    finally:
        connection.close()
        del connections[alias]
        del connections.settings[alias]


def rebuild(office: str, alias: str) -> Problem | None:
    """Apply every event of ``office`` in commit order to the projections in ``alias``.

    An event that cannot be applied (it names a row no earlier event made, say, because
    an event was cut from another log) is reported, not raised."""
    events = list(Event.objects.filter(log__office=office).select_related("log").order_by("pk"))
    with rebuilding_into(alias):
        for event in events:
            try:
                parsed = json.loads(bytes(event.data))
                typed = validate_body(parsed["type"], parsed["body"])
                apply_event(event, typed, office=office, side=event.log.side)
            except Exception as exc:
                return Problem(
                    "REBUILD_FAILED",
                    f"{event.log.label}#{event.seq}",
                    f"the event cannot be applied to what came before it: {exc}",
                )
    return None


def _rows(model: type[Projection], alias: str, office: str) -> dict[str, dict[str, Any]]:
    rows = model.objects.using(alias).filter(**{model.office_field: office}).order_by("pk")
    result = {}
    for row in rows.values():
        result[row["id"]] = {
            k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()
        }
    return result


def compare(office: str, alias: str) -> Problem | None:
    """The first difference between live projections and the rebuilt ones."""
    for model in projection_models():
        name = model._meta.label
        live = _rows(model, "default", office)
        rebuilt = _rows(model, alias, office)
        for pk in sorted(set(live) | set(rebuilt)):
            if pk not in rebuilt:
                return Problem(
                    "PROJECTION_MISMATCH",
                    f"{name} {pk}",
                    "a live row that no event in the log produced",
                )
            if pk not in live:
                return Problem(
                    "PROJECTION_MISMATCH",
                    f"{name} {pk}",
                    "a row the log produces is missing from the live database",
                )
            for field, value in rebuilt[pk].items():
                if live[pk].get(field) != value:
                    return Problem(
                        "PROJECTION_MISMATCH",
                        f"{name} {pk}",
                        f"{field} is {live[pk].get(field)!r} live but {value!r} from the log",
                    )
    return None
