"""Live updates: what changed in an office since a given event, for the pages' server-sent
event stream (``web/live.py``).

Only events of the two shared logs are read, and only the kinds a page shows live (new
messages, receipts, check-ins); each update says what happened in a line, never more
than both sides may see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from liaison.ledger.models import Event

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


@dataclass(frozen=True)
class Update:
    id: int
    kind: str
    side: str
    text: str

    def as_sse(self) -> str:
        data = json.dumps({"kind": self.kind, "side": self.side, "text": self.text})
        return f"id: {self.id}\nevent: update\ndata: {data}\n\n"


def last_id(office: str) -> int:
    """Where a new stream starts: after the office's latest event."""
    latest = Event.objects.filter(log__office=office).order_by("-pk").values_list("pk", flat=True)
    return latest.first() or 0


def updates_after(office: str, after: int, limit: int = 100) -> list[Update]:
    rows = (
        Event.objects.filter(log__office=office, pk__gt=after, type__in=list(LIVE_TYPES))
        .exclude(log__side="")
        .order_by("pk")
        .values_list("pk", "type", "log__side", "actor")[:limit]
    )
    return [
        Update(id=pk, kind=LIVE_TYPES[type], side=side, text=f"{actor} ({side}) {_WHAT[type]}")
        for pk, type, side, actor in rows
    ]
