"""Cadences: RFC 5545 recurrence rules expanded in the office's time zone.

Pure functions: no database, no clock. A rule is expanded on wall-clock times in the
office's zone (so a 10:00 meeting stays at 10:00 across daylight-saving and zone
changes) and each occurrence is then turned into a UTC instant.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from liaison.lib.timezones import DayOutOfRange, localize

ALLOWED_FREQUENCIES = {DAILY: "DAILY", WEEKLY: "WEEKLY", MONTHLY: "MONTHLY", YEARLY: "YEARLY"}
LEVELS = ("head", "deputy", "staff")
KEY_TIME_FORMAT = "%Y%m%dT%H%M"


class CadenceError(ValueError):
    pass


_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"\bBY(HOUR|MINUTE|SECOND)=", re.IGNORECASE)
_FREQ = re.compile(r"(?:^|;)\s*FREQ=(\w+)", re.IGNORECASE)
_INTERVAL = re.compile(r"(?:^|;)\s*INTERVAL=([+-]?\d+)", re.IGNORECASE)


def _until_to_local(body: str, zone: zoneinfo.ZoneInfo | None) -> str:
    """RFC 5545 writes UNTIL in UTC when the start has a zone; the rule is expanded on
    wall-clock times, so turn it into the zone's wall-clock time."""
    match = _UNTIL_UTC.search(body)
    if match is None:
        return body
    if zone is None:
        zone = zoneinfo.ZoneInfo("UTC")
    instant = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
    local = instant.astimezone(zone).strftime("%Y%m%dT%H%M%S")
    return body[: match.start()] + f"UNTIL={local}" + body[match.end() :]


def parse_rule(text: str, dtstart: dt.datetime, zone: zoneinfo.ZoneInfo | None = None) -> rrule:
    """Parse an RRULE (with or without the ``RRULE:`` prefix) anchored at a local start
    in ``zone``. Parsed rules are cached: they are immutable."""
    return _parse_rule(text, dtstart, zone)


@functools.lru_cache(maxsize=512)
def _parse_rule(text: str, dtstart: dt.datetime, zone: zoneinfo.ZoneInfo | None) -> rrule:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        raise CadenceError("the recurrence rule is empty; e.g. FREQ=WEEKLY;BYDAY=FR")
    upper = body.upper()
    if "\n" in body or "DTSTART" in upper or "RDATE" in upper or "EXDATE" in upper:
        raise CadenceError("give one RRULE line only; the start is set separately")
    if "FREQ=" not in upper:
        raise CadenceError(f"{text!r} has no FREQ; e.g. FREQ=WEEKLY;BYDAY=FR")
    if _TIME_OF_DAY.search(body):
        raise CadenceError(
            "BYHOUR, BYMINUTE and BYSECOND are not allowed: the start time is set separately"
        )
    try:
        # cache=True: the parsed rule is shared (lru_cache), so occurrences once walked are
        # kept and finding a session in a long-running cadence does not re-walk its years.
        rule = rrulestr(_until_to_local(body, zone), dtstart=dtstart, forceset=False, cache=True)
    except (ValueError, TypeError) as exc:
        raise CadenceError(f"{text!r} is not a valid RRULE: {exc}") from None
    if not isinstance(rule, rrule):  # pragma: no cover - forceset=False returns an rrule
        raise CadenceError(f"{text!r} is not a single RRULE")
    # Read from the text once dateutil has accepted it: the parsed rule's fields are
    # private and untyped.
    interval = _INTERVAL.search(body)
    if interval is not None and int(interval.group(1)) < 1:
        raise CadenceError("INTERVAL must be 1 or more")
    freq = _FREQ.search(body)
    if freq is None or freq.group(1).upper() not in ALLOWED_FREQUENCIES.values():
        raise CadenceError("a cadence repeats at most daily (FREQ=DAILY, WEEKLY, MONTHLY, YEARLY)")
    if rule.after(dtstart, inc=True) is None:
        raise CadenceError(f"{text!r} has no occurrence on or after its start")
    return rule


@dataclass(frozen=True)
class CadenceSpec:
    """One version of a cadence: in force from ``valid_from`` until ``valid_until``."""

    key: str
    version: int
    title: str
    rule: str
    dtstart: dt.datetime  # naive, wall-clock time in the office's zone
    duration: dt.timedelta
    grace: dt.timedelta
    required_level: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    # The side that proposed this version and when the other side accepted it.
    proposed_by: str | None = None
    agreed_at: dt.datetime | None = None

    def covers(self, instant: dt.datetime) -> bool:
        return self.valid_from <= instant and (
            self.valid_until is None or instant < self.valid_until
        )


@dataclass(frozen=True)
class Occurrence:
    cadence: CadenceSpec
    start: dt.datetime  # UTC
    local: dt.datetime  # naive, office's zone

    @property
    def key(self) -> str:
        return occurrence_key(self.cadence.key, self.local)


def occurrence_key(cadence_key: str, local: dt.datetime) -> str:
    return f"{cadence_key}-{local.strftime(KEY_TIME_FORMAT)}"


def split_key(key: str) -> tuple[str, dt.datetime] | None:
    """``weekly-20181005T1000`` -> ("weekly", the naive local start), or None."""
    cadence_key, _, stamp = key.rpartition("-")
    if not cadence_key:
        return None
    try:
        # A wall-clock time in the office's zone, naive on purpose.
        local = dt.datetime.strptime(stamp, KEY_TIME_FORMAT)  # noqa: DTZ007
    except ValueError:
        return None
    return cadence_key, local


def expand(
    spec: CadenceSpec, zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[Occurrence]:
    """Occurrences of ``spec`` starting in [start, end] (UTC) while the version is in force."""
    lower = max(start, spec.valid_from)
    upper = end if spec.valid_until is None else min(end, spec.valid_until)
    if lower > upper:
        return []
    rule = parse_rule(spec.rule, spec.dtstart, zone)
    # Widen the local window by a day each way: offsets are at most ±14 hours.
    local_lower = lower.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    local_upper = upper.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    result = []
    for local in rule.between(local_lower, local_upper, inc=True):
        try:
            instant = localize(local, zone)
        except DayOutOfRange:
            continue  # the widened window's day past the calendar's end: no session
        if lower <= instant <= upper and spec.covers(instant):
            result.append(Occurrence(cadence=spec, start=instant, local=local))
    return result


def occurrence_at(
    spec: CadenceSpec, zone: zoneinfo.ZoneInfo, local: dt.datetime
) -> Occurrence | None:
    """The occurrence of ``spec`` at the local time ``local``, if the rule has one there."""
    rule = parse_rule(spec.rule, spec.dtstart, zone)
    if not rule.between(local, local, inc=True):
        return None
    instant = localize(local, zone)
    if not spec.covers(instant):
        return None
    return Occurrence(cadence=spec, start=instant, local=local)
