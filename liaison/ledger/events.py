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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from liaison.lib.errors import Refused
from liaison.lib.fields import KEY_PATTERN, TEXT_PATTERNS, text_problem


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
    side: str = Field(pattern=KEY_PATTERN)
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
        one_line = TEXT_PATTERNS.get(str((first.get("ctx") or {}).get("pattern")))
        if one_line is not None:  # the text rule: say it for a person, not as a regex
            message = text_problem(first["input"], one_line=one_line) or message
        raise EventRejected(f"{name}: {where}: {message}", field=field) from None
