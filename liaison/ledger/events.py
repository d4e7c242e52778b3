"""Event types: a schema for each body and the function that applies it to projections.

Each app declares its event types in its ``events.py``::

    @event_type("session.checked_in")
    class CheckedIn(Body):
        session: str
        ...

        def apply(self, event: Applied) -> None:
            CheckIn.objects.create(...)

``apply`` must only change projections and must not reject: the rules are checked by
the action before it appends, so replaying the log always reproduces the projections.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from liaison.lib.errors import Refused
from liaison.lib.timezones import parse_utc


class EventRejected(Refused):
    """An event that cannot be appended: unknown type or a body that fails its schema.

    A ``Refused``, so a value that slipped past an action's own checks still reaches the
    person as a message (and a field), never as a server error."""


@dataclass(frozen=True)
class Applied:
    """What an apply function knows about the event being applied."""

    pk: int
    office: str
    side: str
    seq: int
    hash: str
    at: dt.datetime
    actor: str
    type: str

    @property
    def ref(self) -> str:
        return f"{self.office}/{self.side or 'charter'}/{self.seq}"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    type_name: ClassVar[str]

    def apply(self, event: Applied) -> None:  # pragma: no cover - every type overrides it
        raise NotImplementedError

    def references(self) -> list[Ref]:
        """Earlier events, in either side's log, that this event names by hash."""
        return []


class Ref(BaseModel):
    """A reference to an event by ``(side, seq, hash)``: it binds the two logs, since
    rewriting the event named breaks the reference held by the other log."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    side: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    seq: int = Field(ge=1, le=2**53 - 1)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


_registry: dict[str, type[Body]] = {}


def event_type(name: str) -> Callable[[type[Body]], type[Body]]:
    def register(cls: type[Body]) -> type[Body]:
        if name in _registry and _registry[name] is not cls:
            raise RuntimeError(f"event type {name!r} registered twice")
        cls.type_name = name
        _registry[name] = cls
        return cls

    return register


def schema_for(name: str) -> type[Body]:
    try:
        return _registry[name]
    except KeyError:
        raise EventRejected(f"unknown event type {name!r}") from None


def registered_types() -> dict[str, type[Body]]:
    return dict(_registry)


def validate_body(name: str, body: dict[str, Any]) -> Body:
    """The typed body, or ``EventRejected`` naming the first field at fault."""
    schema = schema_for(name)
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        field = str(first["loc"][0]) if first["loc"] else None
        message = first["msg"]
        one_line = _ONE_LINE.get(str((first.get("ctx") or {}).get("pattern")))
        if one_line is not None:  # the text rule: say it for a person, not as a regex
            message = text_problem(first["input"], one_line=one_line) or message
        raise EventRejected(f"{name}: {where}: {message}", field=field) from None


# Field types for bodies. Instants and days travel as strings so the stored bytes have
# one spelling of each. The patterns are ASCII ([0-9]: ``\d`` matches any script's
# digits, and strptime reads those too) and are matched whole (``fullmatch``: ``$``
# alone lets a trailing newline through); the JSON schema of a body shows them.

INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^[0-9]{2}:[0-9]{2}$"
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
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


def _check_key(value: str) -> str:
    if not _KEY.fullmatch(value):
        raise ValueError("must be lowercase letters, digits and hyphens, at most 64")
    return value


def _pattern(pattern: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern})


Instant = Annotated[str, AfterValidator(_check_instant), _pattern(INSTANT_PATTERN)]
Day = Annotated[str, AfterValidator(_check_day), _pattern(DAY_PATTERN)]
WallTime = Annotated[str, AfterValidator(_check_time), _pattern(TIME_PATTERN)]
Key = Annotated[str, AfterValidator(_check_key), _pattern(KEY_PATTERN)]


# Text. One rule for every string a person writes into the record, on every path (web,
# API, commands, the importer), stated at the field types so a body the schema accepts
# is text both databases can store and every page can show as it was meant: no NUL
# (PostgreSQL cannot store it), no other control characters, and no bidirectional
# embedding, override or isolate characters (U+202A-U+202E, U+2066-U+2069), which make a
# page show text in another order than the one stored and signed. The marks U+200E and
# U+200F stay: right-to-left scripts need them and they reorder nothing.
#
# ``Line`` is one line (a name, a title, a place): no line breaks or tabs at all, U+2028
# and U+2029 included. ``Text`` may run over lines: newlines, carriage returns (browsers
# send CRLF) and tabs are allowed. Lengths stay with each field (``Field(min_length=...,
# max_length=...)``). The patterns are enforced by pydantic as written (both its regex
# engine and Python's read ``\xNN`` and ``\uNNNN`` alike) and appear in the JSON schema.

_BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
LINE_PATTERN = rf"^[^\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CONTROLS}]*$"
TEXT_PATTERN = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]*$"
_LINE = re.compile(LINE_PATTERN)
_TEXT = re.compile(TEXT_PATTERN)
_LINE_RULE = "must be one line, without control or bidirectional override characters"
_TEXT_RULE = "must be text without NUL, control or bidirectional override characters"
_ONE_LINE = {LINE_PATTERN: True, TEXT_PATTERN: False}

Line = Annotated[str, Field(pattern=LINE_PATTERN)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]


def text_problem(value: object, *, one_line: bool) -> str | None:
    """What is wrong with ``value`` as a ``Line`` (``one_line``) or a ``Text``, naming
    the first character at fault; None when it is fine. For text that is not an event's
    (a private note) and for the message of an event's refusal."""
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
