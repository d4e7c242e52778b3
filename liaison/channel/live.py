"""Live updates: what changed in an office since a given point, for the pages' server-sent
event stream (``web/live.py``).

Only events of the two shared logs are read, and only the kinds a page shows live (new
messages, receipts, check-ins); each update says what happened in a line, never more
than both sides may see.

A point in the stream (the ``id`` of each update, which the browser sends back as
``Last-Event-ID`` to resume) is the office's own: how far each of its sides' logs has
been read, ``north:12,south:40``. An event's primary key would not do: one sequence
numbers every office's events, so its jumps told a member how much other offices had
been doing. The seqs of the office's shared logs are nothing a member does not see
already (a message's key is its seq).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db.models import Q

from liaison.ledger.models import Event, Log
from liaison.lib.fields import KEY_FRAGMENT
from liaison.offices.models import Side

LIVE_TYPES = {
    "message.sent": "message",
    "message.delivered": "receipt",
    "message.read": "receipt",
    "message.acknowledged": "receipt",
    "session.checked_in": "check_in",
}
_WHAT = {
    "message.sent": "sent a message",
    "message.delivered": "received a message",
    "message.read": "read a message",
    "message.acknowledged": "acknowledged a message",
    "session.checked_in": "checked in",
}
# An office has two sides; a cursor naming more is not one this server wrote.
_POINT = rf"{KEY_FRAGMENT}:[0-9]{{1,15}}"  # a side's key and the last seq of its log read
_CURSOR = re.compile(rf"{_POINT}(,{_POINT})?")

Cursor = dict[str, int]  # side key -> the last seq of its log read


def format_cursor(cursor: Cursor) -> str:
    return ",".join(f"{side}:{seq}" for side, seq in sorted(cursor.items()))


def parse_cursor(text: str) -> Cursor | None:
    """The point a ``Last-Event-ID`` names, or None when it is not one of ours."""
    if not _CURSOR.fullmatch(text):
        return None
    cursor = {}
    for part in text.split(","):
        side, seq = part.split(":")
        cursor[side] = int(seq)
    return cursor


@dataclass(frozen=True)
class Update:
    point: Cursor  # the stream's point after this update
    kind: str
    side: str
    text: str

    @property
    def id(self) -> str:
        return format_cursor(self.point)

    def as_sse(self) -> str:
        data = json.dumps({"kind": self.kind, "side": self.side, "text": self.text})
        return f"id: {self.id}\nevent: update\ndata: {data}\n\n"


def last_id(office: str) -> Cursor:
    """Where a new stream starts: after every event of the office's sides' logs."""
    cursor = dict.fromkeys(Side.objects.filter(office_id=office).values_list("key", flat=True), 0)
    for side, size in (
        Log.objects.filter(office=office).exclude(side="").values_list("side", "size")
    ):
        cursor[side] = size
    return cursor


def updates_after(office: str, after: Cursor, limit: int = 100) -> list[Update]:
    """The live updates after the point ``after``, in the order the server committed
    them (a side's log the point does not name is read from its start)."""
    unread = ~Q(log__side__in=list(after))
    for side, seq in after.items():
        unread |= Q(log__side=side, seq__gt=seq)
    rows = (
        Event.objects.filter(log__office=office, type__in=list(LIVE_TYPES))
        .exclude(log__side="")
        .filter(unread)
        .order_by("pk")
        .values_list("seq", "type", "log__side", "actor")[:limit]
    )
    cursor = dict(after)
    updates = []
    for seq, type, side, actor in rows:
        cursor = {**cursor, side: seq}
        updates.append(
            Update(
                point=cursor,
                kind=LIVE_TYPES[type],
                side=side,
                text=f"{actor} ({side}) {_WHAT[type]}",
            )
        )
    return updates
