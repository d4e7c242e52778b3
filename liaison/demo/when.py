"""Times in the demo office: a wall-clock time at Kaesong, as UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from liaison.lib.timezones import localize

ZONE = "Asia/Pyongyang"  # Kaesong is in the North; UTC+9 since May 2018, as Seoul


def at(day: str, time: str) -> dt.datetime:
    """A wall-clock time at the office (Kaesong) as UTC."""
    return localize(dt.datetime.fromisoformat(f"{day}T{time}"), ZoneInfo(ZONE))
