"""The input contract of each write to API tokens (see ``lib/commands``): issuing one
(the operator's ``liaison api_token create``) and revoking one (the Account page, or
the operator's ``liaison api_token revoke``)."""

from __future__ import annotations

from typing import Annotated

from annotated_types import MaxLen
from pydantic import AfterValidator, Field

from liaison.lib.commands import Command
from liaison.lib.fields import Line, line

# A token is named by the first characters of its key (its ``prefix``).
PREFIX_LENGTH = 8
NAME_MAX = 100


def _check_prefix(value: str) -> str:
    if len(value) != PREFIX_LENGTH:
        raise ValueError(f"must be a token's first {PREFIX_LENGTH} characters")
    return value


Prefix = Annotated[Line, AfterValidator(_check_prefix), MaxLen(PREFIX_LENGTH)]


class IssueToken(Command):
    """What the token is for, e.g. a script (may be empty)."""

    name: line(NAME_MAX) = ""  # type: ignore[valid-type]


class RevokeToken(Command):
    labels = {"token": "the token"}

    token: Prefix = Field(description="the first characters of its key")
