"""Commands: the one input contract of each write.

An action takes one typed command (``DiscardDraft(key=..., draft_revision=...)``) built
from the field types in ``lib/fields``. The web form, the API payload and the management
command all build the same command, so a limit or a pattern is checked once, and the
message a person reads for a broken rule is written once, here (``say``), in words the
Korean/English catalogue can carry. Rules that need the office's state (a key taken, a
revision moved on) stay with the action, inside the office's write lock.

Building a command (``DiscardDraft(key=..., ...)`` or ``DiscardDraft.build(**values)``)
answers it or raises ``Invalid``: a ``Refused`` whose ``field`` and ``message`` are the
first problem's and whose ``errors`` hold every field's, for a form to show them all.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from liaison.lib.errors import Refused
from liaison.lib.fields import STATED, TEXT_PATTERNS, text_problem


class Invalid(Refused):
    """A command that breaks its field types: ``errors`` maps each field at fault to its
    messages (``""``: the command as a whole)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field or None)
        self.errors = errors


class Command(BaseModel):
    """Base of every command. Strings are stripped (a form's and a person's stray
    spaces are not part of what they meant); unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # How a field is named in a message when "the <field name>" does not read well.
    labels: ClassVar[dict[str, str]] = {}
    # What to say when a field is missing or empty, when "<label> is empty" does not do.
    empty: ClassVar[dict[str, str]] = {}
    # A rule's own words where the field type's would read oddly ("a session lasts at
    # least a minute", not "the duration must be at least 1"): (field, error type) ->
    # the message.
    wording: ClassVar[dict[tuple[str, str], str]] = {}

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise Invalid(type(self).problems(exc)) from None

    @classmethod
    def build(cls, **values: Any) -> Self:
        return cls(**values)

    @classmethod
    def label(cls, field: str) -> str:
        return cls.labels.get(field) or "the " + field.replace("_", " ")

    @classmethod
    def problems(cls, exc: ValidationError) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            loc = error["loc"]
            field = str(loc[0]) if loc else ""
            if field in cls.empty and _is_empty(error):
                errors.setdefault(field, []).append(cls.empty[field])
                continue
            message = cls.wording.get((field, error["type"])) or say(
                error, cls.label(field) if field else ""
            )
            errors.setdefault(field, []).append(message)
        return errors


def _is_empty(error: ErrorDetails) -> bool:
    ctx = error.get("ctx") or {}
    return error["type"] == "missing" or (
        error["type"] == "string_too_short" and ctx.get("min_length") == 1
    )


def say(error: ErrorDetails, label: str) -> str:
    """One field's problem, for a person."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "missing":
        return f"{label} is required"
    if kind == "extra_forbidden":
        return f"{label} is not part of this request"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return f"{label} is empty"
        return f"{label} is shorter than {ctx['min_length']:,} characters"
    if kind == "string_too_long":
        return f"{label} is longer than {ctx['max_length']:,} characters"
    if kind == "too_long":
        return f"{label} holds more than {ctx['max_length']:,} items"
    if kind == "too_short":
        return f"{label} needs at least {ctx['min_length']:,}"
    if kind == "string_pattern_mismatch":
        one_line = TEXT_PATTERNS.get(str(ctx.get("pattern")))
        if one_line is not None:
            return f"{label} {text_problem(error['input'], one_line=one_line)}"
        return f"{label} is not in the expected form"
    if kind == STATED:
        return error["msg"]
    if kind == "value_error":
        return f"{label} {ctx['error']}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        words = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }[kind]
        return f"{label} must be {words[0]} {ctx[words[1]]}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{label} must be a whole number"
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return f"{label} must be a date like 2018-11-02"
    if kind in {"time_parsing", "time_type"}:
        return f"{label} must be a time like 10:00"
    if kind in {"datetime_parsing", "datetime_type", "datetime_from_date_parsing"}:
        return f"{label} must be a date and time like 2018-11-02T10:00+09:00"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{label} must be true or false"
    if kind in {"literal_error", "enum"}:
        return f"{label} must be one of {ctx.get('expected', '')}"
    if kind in {"string_type", "list_type"}:
        return f"{label} has the wrong type"
    return f"{label}: {error['msg']}"
