"""The field types every layer shares: event bodies, commands, API payloads, forms and
model columns take their rules from here, so a limit or a pattern is written once.

Instants and days travel in event bodies as strings so the stored bytes have one
spelling of each. The patterns are ASCII (``[0-9]``: ``\\d`` matches any script's digits,
and strptime reads those too) and are matched whole (``fullmatch``: ``$`` alone lets a
trailing newline through); the JSON schema of a body shows them.

Text. One rule for every string a person writes into the record, on every path (web,
API, commands, the importer), stated at the field types so a body the schema accepts is
text both databases can store and every page can show as it was meant: no NUL
(PostgreSQL cannot store it), no other control characters, and no bidirectional
embedding, override or isolate characters (U+202A-U+202E, U+2066-U+2069), which make a
page show text in another order than the one stored and signed. The marks U+200E and
U+200F stay: right-to-left scripts need them and they reorder nothing.

``Line`` is one line (a name, a title, a place): no line breaks or tabs at all, U+2028
and U+2029 included. ``Text`` may run over lines: newlines, carriage returns (browsers
send CRLF) and tabs are allowed. ``Title``, ``Reason``, ``line(n)`` and ``text(n)`` add
the lengths; the patterns are enforced by pydantic as written (both its regex engine and
Python's read ``\\xNN`` and ``\\uNNNN`` alike) and appear in the JSON schema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from annotated_types import MaxLen
from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from liaison.lib.timezones import UnknownTimeZone, get_zone, parse_utc

# Limits shared by event bodies, commands and the columns they fill.
KEY_MAX = 64
TITLE_MAX = 200
REASON_MAX = 2000
MINUTES_MAX = 24 * 60  # a session's length or grace period
USERNAME_MAX = 150
ZONE_MAX = 64  # the longest IANA name is 32; room to spare, as the columns have

INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^[0-9]{2}:[0-9]{2}$"
# A key inside a larger pattern (a live cursor's "north:12"); KEY_PATTERN is it whole.
KEY_FRAGMENT = rf"[a-z0-9][a-z0-9-]{{0,{KEY_MAX - 1}}}"
KEY_PATTERN = rf"^{KEY_FRAGMENT}$"
KEY_RULE = "must be lowercase letters, digits and hyphens, at most 64"
_INSTANT = re.compile(INSTANT_PATTERN)
_DAY = re.compile(DAY_PATTERN)
_TIME = re.compile(TIME_PATTERN)
_KEY = re.compile(KEY_PATTERN)


def _check_instant(value: str) -> str:
    if not _INSTANT.fullmatch(value):
        raise ValueError("must be a UTC instant like 2018-11-02T01:00:00.000000Z")
    parse_utc(value)
    return value


def _check_day(value: str) -> str:
    if not _DAY.fullmatch(value):
        raise ValueError("must be a date like 2018-11-02")
    dt.date.fromisoformat(value)
    return value


def _check_time(value: str) -> str:
    if not _TIME.fullmatch(value):
        raise ValueError("must be a wall-clock time like 10:00")
    dt.time.fromisoformat(value)
    return value


def is_key(value: str) -> bool:
    return _KEY.fullmatch(value) is not None


def _check_key(value: str) -> str:
    if not is_key(value):
        raise ValueError(KEY_RULE)
    return value


def _check_aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("has no UTC offset; write e.g. 2018-11-02T19:00+09:00")
    return value.astimezone(dt.UTC)


def _pattern(pattern: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern})


Instant = Annotated[str, AfterValidator(_check_instant), _pattern(INSTANT_PATTERN)]
Day = Annotated[str, AfterValidator(_check_day), _pattern(DAY_PATTERN)]
WallTime = Annotated[str, AfterValidator(_check_time), _pattern(TIME_PATTERN)]
# An instant a command takes as a datetime: it must carry its offset (a naive one is
# refused, never guessed at) and is held in UTC.
Moment = Annotated[dt.datetime, AfterValidator(_check_aware)]
# MaxLen is the key's limit as metadata (the pattern enforces it), read by ``limit_of``.
Key = Annotated[str, AfterValidator(_check_key), _pattern(KEY_PATTERN), MaxLen(KEY_MAX)]

_BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
LINE_PATTERN = rf"^[^\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CONTROLS}]*$"
TEXT_PATTERN = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]*$"
_LINE = re.compile(LINE_PATTERN)
_TEXT = re.compile(TEXT_PATTERN)
_LINE_RULE = "must be one line, without control or bidirectional override characters"
_TEXT_RULE = "must be text without NUL, control or bidirectional override characters"
# A pattern in a validation error -> whether it is the one-line rule (for ``text_problem``).
TEXT_PATTERNS = {LINE_PATTERN: True, TEXT_PATTERN: False}

Line = Annotated[str, Field(pattern=LINE_PATTERN)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]
Title = Annotated[Line, Field(min_length=1, max_length=TITLE_MAX)]
Reason = Annotated[Text, Field(max_length=REASON_MAX)]
Username = Annotated[Line, Field(min_length=1, max_length=USERNAME_MAX)]

# The kind of error whose message is whole as written (it names the value at fault), for
# ``lib.commands.say``: "unknown time zone 'Mars/Olympus'; use an IANA name ...".
STATED = "stated"


def _check_zone(value: str) -> str:
    if value:
        try:
            get_zone(value)
        except UnknownTimeZone as exc:
            raise PydanticCustomError(STATED, "{message}", {"message": str(exc)}) from None
    return value


# An IANA time zone name; ``ZoneOrEmpty``: or "" for none chosen (the side's, the office's).
TimeZone = Annotated[Line, Field(min_length=1, max_length=ZONE_MAX), AfterValidator(_check_zone)]
ZoneOrEmpty = Annotated[Line, Field(max_length=ZONE_MAX), AfterValidator(_check_zone)]


def line(max_length: int, *, min_length: int = 0) -> Any:
    """A ``Line`` of at most ``max_length`` characters (and at least ``min_length``)."""
    return Annotated[Line, Field(min_length=min_length, max_length=max_length)]


def text(max_length: int, *, min_length: int = 0) -> Any:
    """A ``Text`` of at most ``max_length`` characters (and at least ``min_length``)."""
    return Annotated[Text, Field(min_length=min_length, max_length=max_length)]


def limit_of(field: Any) -> int | None:
    """The longest value a field type (or a model's field) admits, or None: what a form
    field's ``maxlength`` and a model column's ``max_length`` must agree with."""
    pending = list(getattr(field, "__metadata__", ())) + list(getattr(field, "metadata", ()))
    limits = []
    while pending:
        item = pending.pop()
        if isinstance(item, MaxLen):
            limits.append(item.max_length)
        pending.extend(getattr(item, "metadata", ()))  # a FieldInfo inside Annotated
    return min(limits) if limits else None


def text_problem(value: object, *, one_line: bool) -> str | None:
    """What is wrong with ``value`` as a ``Line`` (``one_line``) or a ``Text``, naming
    the first character at fault; None when it is fine. For text that is not an event's
    (a private note) and for the message of a refusal."""
    if not isinstance(value, str):
        return None
    pattern, rule = (_LINE, _LINE_RULE) if one_line else (_TEXT, _TEXT_RULE)
    if pattern.fullmatch(value):
        return None
    bad = next(c for c in value if not pattern.fullmatch(c))
    return f"{rule} (it holds U+{ord(bad):04X})"


def clean_line(value: str) -> str:
    """``value`` without the characters a ``Line`` may not hold: for what is friendlier
    cleaned than refused, such as the name a browser gives an uploaded file."""
    return "".join(c for c in value if _LINE.fullmatch(c))
