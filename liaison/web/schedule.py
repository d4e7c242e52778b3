"""What the schedule page shows: the month it is asked for, each cadence with its
versions, and a cadence's rule in plain English where that can be said reliably.

Pure functions and one read (``cadence_cards``: two queries, however many versions).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from liaison.lib.timezones import localize
from liaison.meetings.attendance import Attendance
from liaison.meetings.cadence import CadenceError, parse_rule
from liaison.meetings.models import Cadence
from liaison.meetings.standing import SessionOutcome
from liaison.offices.models import Member, Office

# Months

MONTHS_AHEAD = 120  # how far ahead the page goes: ten years
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_ECHO_MAX = 40  # how much of a bad value the page repeats back


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def param(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return self.first.strftime("%B %Y")

    def bounds(self, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The month's first and last instants in ``zone``, as UTC (both included)."""
        start = localize(dt.datetime.combine(self.first, dt.time()), zone)
        following = localize(dt.datetime.combine(self.shift(1).first, dt.time()), zone)
        return start, following - dt.timedelta(microseconds=1)


def parse_month(
    text: str, default: Month, lowest: Month, highest: Month
) -> tuple[Month, str | None]:
    """The month ``YYYY-MM`` names, or ``default`` with a message saying why not."""
    text = text.strip()
    if not text:
        return default, None
    shown = text if len(text) <= _ECHO_MAX else text[:_ECHO_MAX] + "…"
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return default, (
            f"“{shown}” is not a month: write it as YYYY-MM, e.g. {default.param}. "
            f"Showing {default.label}."
        )
    month = Month(int(match.group(1)), int(match.group(2)))
    if not lowest <= month <= highest:
        return default, (
            f"{month.label} is outside the months this page shows "
            f"({lowest.label} to {highest.label}). Showing {default.label}."
        )
    return month, None


# Sessions


def session_status(outcome: SessionOutcome, now: dt.datetime) -> str:
    """One word or two for a session in a list: held, not held, scheduled, under way,
    or its status when cancelled or postponed."""
    session = outcome.session
    if not session.is_scheduled:
        return str(session.status)
    if outcome.held:
        return "held"
    if session.start > now:
        return "scheduled"
    if any(a == Attendance.EXPECTED for a in outcome.by_side.values()):
        return "under way"
    return "not held"


# Cadences


class State(StrEnum):
    IN_FORCE = "in force"
    UPCOMING = "upcoming"  # agreed, in force from a later time
    ENDED = "ended"
    NEVER = "never in force"  # replaced before it began


@dataclass(frozen=True)
class Version:
    cadence: Cadence
    state: State
    plain: str | None
    agreed_by: Member | None  # who proposed it
    ended_by: Member | None = None
    accepted_by: Member | None = None  # who accepted it for the other side


@dataclass(frozen=True)
class CadenceCard:
    key: str
    shown: Version  # in force now; else the next agreed; else the last that was
    later: list[Version]  # agreed changes that start later, soonest first
    versions: list[Version]  # all of them, newest first

    @property
    def ended(self) -> bool:
        return self.shown.state in (State.ENDED, State.NEVER)


def _state(cadence: Cadence, now: dt.datetime) -> State:
    if cadence.valid_until is not None and cadence.valid_until <= cadence.valid_from:
        return State.NEVER
    if cadence.valid_from > now:
        return State.UPCOMING
    if cadence.valid_until is None or cadence.valid_until > now:
        return State.IN_FORCE
    return State.ENDED


def cadence_cards(office: Office, now: dt.datetime) -> list[CadenceCard]:
    """Each cadence of the office with its versions: those in force or agreed first."""
    rows = list(Cadence.objects.for_office(office).order_by("key", "version"))
    members = {
        m.username: m
        for m in Member.objects.filter(
            office=office,
            username__in={c.set_by for c in rows}
            | {c.ended_by for c in rows}
            | {c.accepted_by for c in rows},
        ).select_related("side")
    }
    by_key: dict[str, list[Version]] = {}
    for cadence in rows:
        by_key.setdefault(cadence.key, []).append(
            Version(
                cadence=cadence,
                state=_state(cadence, now),
                plain=describe_rule(
                    cadence.rule, cadence.starts_on, cadence.start_time, office.zone
                ),
                agreed_by=members.get(cadence.set_by),
                ended_by=members.get(cadence.ended_by),
                accepted_by=members.get(cadence.accepted_by),
            )
        )
    cards = []
    for key, versions in by_key.items():
        current = [v for v in versions if v.state == State.IN_FORCE]
        later = sorted(
            (v for v in versions if v.state == State.UPCOMING), key=lambda v: v.cadence.valid_from
        )
        if current or later:
            shown = (current or later)[0]
        else:
            shown = ([v for v in versions if v.state == State.ENDED] or versions)[-1]
        cards.append(
            CadenceCard(
                key=key,
                shown=shown,
                later=[v for v in later if v is not shown],
                versions=versions[::-1],
            )
        )
    cards.sort(key=lambda c: (c.ended, c.key))
    return cards


# Rules in plain English

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_NTH_DAY = re.compile(r"([+-]?[0-9])?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?")


def _parts(rule: str) -> dict[str, str] | None:
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for piece in body.split(";"):
        if not piece.strip():
            continue
        name, sep, value = piece.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not value or name in parts:
            return None
        parts[name] = value
    return parts


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _nth(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _every(unit: str, interval: int) -> str:
    return f"Every {unit}" if interval == 1 else f"Every {interval} {unit}s"


def _plain_days(value: str | None, default: int) -> list[int] | None:
    """Weekday numbers of a BYDAY without ordinals (``MO,TH``), in week order."""
    if value is None:
        return [default]
    days = set()
    for code in value.split(","):
        if code not in _WEEKDAYS:
            return None
        days.add(_WEEKDAYS.index(code))
    return sorted(days)


def _last_day(
    until: str, start_time: dt.time, zone: zoneinfo.ZoneInfo
) -> dt.date | None:  # the last day an occurrence may fall on
    match = _UNTIL.fullmatch(until)
    if match is None:
        return None
    try:
        day = dt.datetime.strptime(match.group(1), "%Y%m%d").date()  # noqa: DTZ007
        moment = dt.datetime.strptime(match.group(2) or "000000", "%H%M%S").time()  # noqa: DTZ007
    except ValueError:
        return None
    if match.group(3):  # UTC: the rule runs on wall-clock times in the office's zone
        local = dt.datetime.combine(day, moment, tzinfo=dt.UTC).astimezone(zone)
        day, moment = local.date(), local.time().replace(tzinfo=None)
    return day if moment >= start_time else day - dt.timedelta(days=1)


def describe_rule(
    rule: str, starts_on: dt.date, start_time: dt.time, zone: zoneinfo.ZoneInfo
) -> str | None:
    """``FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`` at 09:30 -> "Every 2 weeks on Monday and
    Thursday at 09:30"; None for a rule this cannot say reliably (show the rule itself)."""
    try:
        parse_rule(rule, dt.datetime.combine(starts_on, start_time), zone)
    except CadenceError:
        return None
    parts = _parts(rule)
    if parts is None:
        return None
    freq = parts.pop("FREQ", "")
    interval_text = parts.pop("INTERVAL", "1")
    count, until = parts.pop("COUNT", None), parts.pop("UNTIL", None)
    week_start = parts.pop("WKST", "MO")
    if freq not in _UNITS or not interval_text.isdigit() or int(interval_text) < 1:
        return None
    interval = int(interval_text)
    # The week's start only matters to a rule of several days every few weeks.
    if week_start != "MO" and freq == "WEEKLY" and interval > 1:
        return None
    by_day = parts.pop("BYDAY", None)
    by_month_day = parts.pop("BYMONTHDAY", None)
    if parts:  # BYMONTH, BYSETPOS, BYWEEKNO, BYYEARDAY: said as written
        return None
    unit = _UNITS[freq]
    if freq == "DAILY":
        if by_month_day is not None:
            return None
        if by_day is None:
            text = _every(unit, interval)
        else:
            days = _plain_days(by_day, starts_on.weekday())
            if days is None or interval != 1:
                return None
            if days == [0, 1, 2, 3, 4]:
                text = "Every weekday, Monday to Friday"
            else:
                text = f"Every week on {_and([_DAY_NAMES[d] for d in days])}"
    elif freq == "WEEKLY":
        days = _plain_days(by_day, starts_on.weekday())
        if days is None or by_month_day is not None:
            return None
        text = f"{_every(unit, interval)} on {_and([_DAY_NAMES[d] for d in days])}"
    elif freq == "MONTHLY":
        if by_day is not None and by_month_day is not None:
            return None
        if by_day is not None:
            match = _NTH_DAY.fullmatch(by_day)
            if match is None or match.group(1) is None or int(match.group(1)) not in _ORDINALS:
                return None
            which = _ORDINALS[int(match.group(1))]
            on = f"the {which} {_DAY_NAMES[_WEEKDAYS.index(match.group(2))]}"
        else:
            day_text = by_month_day if by_month_day is not None else str(starts_on.day)
            if day_text == "-1":
                on = "the last day"
            elif day_text.isdigit() and 1 <= int(day_text) <= 28:
                on = f"the {_nth(int(day_text))}"
            else:  # the 29th to 31st: months without one are skipped
                return None
        text = f"{_every(unit, interval)} on {on}"
    else:  # YEARLY
        if by_day is not None or by_month_day is not None:
            return None
        if (starts_on.month, starts_on.day) == (2, 29):
            return None
        text = f"{_every(unit, interval)} on {starts_on.day} {starts_on.strftime('%B')}"
    text += f" at {start_time.strftime('%H:%M')}"
    if count is not None and until is not None:
        return None
    if count is not None:
        if not count.isdigit() or int(count) < 1:
            return None
        text += ", once" if int(count) == 1 else f", {int(count)} times"
    if until is not None:
        last = _last_day(until, start_time, zone)
        if last is None:
            return None
        text += f", until {last.day} {last.strftime('%b %Y')}"
    return text
