"""The input contract of each of the operator's writes to an office's charter log and of
each person's own account settings (see ``lib/commands``). Rules that need the office's
state (a key taken, a side's head) stay with the action, inside the office's lock."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from liaison.lib.commands import Command, say
from liaison.lib.fields import TITLE_MAX, Key, TimeZone, Title, Username, ZoneOrEmpty, line
from liaison.offices.models import Language

# A new office's rules for proposals unless its charter says otherwise.
DEFAULT_MIN_NOTICE_MINUTES = 24 * 60
DEFAULT_MIN_GRACE_MINUTES = 5
MAX_NOTICE_MINUTES = 30 * 24 * 60
MAX_GRACE_MINUTES = 24 * 60
LANGUAGE_MAX = 35  # a BCP 47 tag

RoleName = Literal["head", "deputy", "staff", "observer"]
_ORDINALS = ("first", "second")


class CharterSide(BaseModel):
    """One side of a charter, validated as part of ``CharterOffice`` (a ``Command``'s own
    ``__init__`` would raise its ``Invalid`` from inside the charter's validation)."""

    model_config = Command.model_config

    key: Key
    name: Title
    language: line(LANGUAGE_MAX, min_length=2)  # type: ignore[valid-type]
    time_zone: TimeZone


class CharterOffice(Command):
    """An office between exactly two sides, with its rules for proposals."""

    labels = {
        "slug": "the office's short name",
        "min_notice_minutes": "the minimum notice (minutes)",
        "min_grace_minutes": "the minimum grace (minutes)",
    }

    slug: Key
    name: Title
    place: Title
    time_zone: TimeZone
    launched_on: dt.date
    sides: tuple[CharterSide, CharterSide]
    min_notice_minutes: int = Field(default=DEFAULT_MIN_NOTICE_MINUTES, ge=0, le=MAX_NOTICE_MINUTES)
    min_grace_minutes: int = Field(default=DEFAULT_MIN_GRACE_MINUTES, ge=0, le=MAX_GRACE_MINUTES)

    @classmethod
    def problems(cls, exc: ValidationError) -> dict[str, list[str]]:
        # A side's field is named for the side ("the second side's key"), on ``sides``.
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            loc = error["loc"]
            field = str(loc[0]) if loc else ""
            if field == "sides" and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < 2:
                label = f"the {_ORDINALS[loc[1]]} side"
                if len(loc) >= 3:
                    label += f"'s {str(loc[2]).replace('_', ' ')}"
            else:
                label = cls.label(field) if field else ""
            errors.setdefault(field, []).append(say(error, label))
        return errors


class AddMember(Command):
    """An account tied to the office as a member of a side (or of neither: an observer).
    An empty ``time_zone`` is the side's; no ``active_from``: today, office time."""

    username: Username
    full_name: Title
    role: RoleName
    side: Key | None = None
    title: line(TITLE_MAX) = ""  # type: ignore[valid-type]
    time_zone: ZoneOrEmpty = ""
    active_from: dt.date | None = None


class ChangeMember(Command):
    full_name: Title
    role: RoleName
    title: line(TITLE_MAX) = ""  # type: ignore[valid-type]
    time_zone: ZoneOrEmpty = ""


class EndMembership(Command):
    labels = {"active_until": "the last day"}

    active_until: dt.date


class SavePreferences(Command):
    """One's language and time zone (empty: as each office shows it)."""

    language: Language
    time_zone: ZoneOrEmpty = ""


CODE_LENGTH = 6


class SecondFactorCode(Command):
    """The code the person's authenticator app shows now (to confirm or turn off their
    second factor)."""

    labels = {"code": "the code"}

    code: line(CODE_LENGTH, min_length=CODE_LENGTH)  # type: ignore[valid-type]
