"""What the office's chronology is made of: its kinds (in their order on one instant),
its items, and the window each source reads, in the office's zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from liaison.lib.timezones import format_utc, localize
from liaison.offices.models import Office, Side

# The order of kinds on one instant (a session's outcome before what was written of it).
KINDS = [
    "proposal",
    "proposal_accepted",
    "proposal_declined",
    "proposal_withdrawn",
    "proposal_lapsed",
    "session_held",
    "session_postponed",
    "session_cancelled",
    "no_show",
    "excused",
    "record",
    "readout",
    "minutes_signed",
    "minutes_agreed",
    "commitment_made",
    "commitment_status",
    "project_status",
    "project_replanned",
    "blocker_opened",
    "blocker_resolved",
    "third_party_position",
    "third_party_event",
    "message",
    "message_acknowledged",
]


@dataclass(frozen=True)
class Item:
    at: dt.datetime
    date: dt.date  # in the office's zone
    kind: str
    title: str
    side: str | None
    link: str
    key: str  # stable within its kind: breaks ties and anchors the permalink

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.key}".replace(":", "-").replace("/", "-")

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "at": format_utc(self.at),
            "kind": self.kind,
            "title": self.title,
            "side": self.side,
            "link": self.link,
            "id": self.anchor,
        }


@dataclass(frozen=True)
class Window:
    office: Office
    start: dt.datetime
    end: dt.datetime  # never after now: what happened
    now: dt.datetime
    sides: list[Side]
    horizon: dt.datetime  # the end asked for: a third party's expected events may lie ahead

    def days(self, end: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
        zone = self.office.zone
        return self.start.astimezone(zone).date(), (end or self.end).astimezone(zone).date()

    def day_item(
        self, day: dt.date, kind: str, title: str, side: str | None, link: str, key: str
    ) -> Item:
        """An item known by its day only: it sorts at the day's start, office time."""
        return self.item(
            localize(dt.datetime.combine(day, dt.time()), self.office.zone),
            kind,
            title,
            side,
            link,
            key,
        )

    def item(
        self, at: dt.datetime, kind: str, title: str, side: str | None, link: str, key: str
    ) -> Item:
        return Item(
            at=at,
            date=at.astimezone(self.office.zone).date(),
            kind=kind,
            title=title,
            side=side,
            link=link,
            key=key,
        )

    def session_link(self, key: str, part: str = "") -> str:
        return reverse("session-detail", args=[self.office.id, key]) + part

    def project_link(self, key: str) -> str:
        return reverse("office-dashboard", args=[self.office.id]) + f"projects/{key}/"

    def third_party_link(self, key: str) -> str:
        return reverse("office-dashboard", args=[self.office.id]) + f"third-parties/{key}/"


Source = Callable[[Window], Iterable[Item]]

_STAMP = re.compile(r"(\d{8}T\d{4})")


def meeting(key: str) -> str:
    """“the meeting of 2 Nov 2018” from a session key (its local start)."""
    found = _STAMP.search(key)
    if found is None:
        return f"session {key}"
    day = dt.date.fromisoformat(found.group(1)[:8])
    return f"the meeting of {day.day} {day:%b %Y}"
