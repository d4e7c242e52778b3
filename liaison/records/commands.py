"""The input contract of each write to records (see ``lib/commands``): meeting records,
readouts and their drafts, minutes and their signatures, frameworks and commitments.

A command holds what a person gave, within the limits the event bodies accept
(``records/events.py``), so a form, an API payload and a script are refused alike. The
rules worded for a person (an empty place, a duration out of range, a clause without a
number) and those that need the office's state stay with the action, inside the lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from liaison.lib.commands import Command
from liaison.lib.fields import KEY_MAX, TITLE_MAX, USERNAME_MAX, Key, Line, Reason, Text

# Session keys travel in event bodies as lines of at most 100 characters.
SessionKey = Annotated[Line, Field(min_length=1, max_length=100)]
# SHA-256 in hex: the hash of the minutes' text a head read before signing.
ContentHash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

OUTCOME_MAX = 4000
TOPIC_MAX = 500
READOUT_MAX = 50_000
MINUTES_MAX = 100_000
SUMMARY_MAX = 10_000
CLAUSE_NUMBER_MAX = 32
CLAUSE_MAX = 10_000
SOURCE_MAX = 200


class Part(BaseModel):
    """One item of a command's list (a participant, an outcome, a clause): strict and
    stripped like the command. Given as plain values to the command (``build``), its
    problems are the command's, under the list's name."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# Meeting records ----------------------------------------------------------------------


class ParticipantIn(Part):
    """A member of the office by username, or another person by name."""

    member: Line = Field(default="", max_length=USERNAME_MAX)
    name: Line = Field(default="", max_length=TITLE_MAX)
    affiliation: Line = Field(default="", max_length=TITLE_MAX)


class OutcomeIn(Part):
    kind: Line = Field(max_length=KEY_MAX)  # the action checks it, naming the outcome at fault
    text: Text = Field(max_length=OUTCOME_MAX)
    # Kept from an earlier revision; empty for a new outcome, which gets the next key.
    key: Line = Field(default="", max_length=KEY_MAX)


class SaveRecord(Command):
    """A held session's meeting record, saved whole from ``base_revision`` (0: new)."""

    labels = {"duration_minutes": "the duration", "started_at": "the actual start"}

    session: SessionKey
    base_revision: int = Field(ge=0)
    place: Line = Field(max_length=TITLE_MAX)
    started_at: dt.datetime
    duration_minutes: int
    participants: list[ParticipantIn] = Field(max_length=200)
    topics: list[Annotated[Line, Field(max_length=TOPIC_MAX)]] = Field(
        default_factory=list, max_length=100
    )
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=100)


# Readouts -----------------------------------------------------------------------------


class SaveReadoutDraft(Command):
    """The side's private draft readout of a session, saved from ``base_revision``."""

    labels = {"body": "the readout"}

    session: SessionKey
    base_revision: int = Field(ge=0)
    title: Line = Field(max_length=TITLE_MAX)
    source: Line = Field(max_length=TITLE_MAX)
    body: Text = Field(max_length=READOUT_MAX)


class PublishReadout(Command):
    """Publish the side's draft. ``side`` names whose readout is meant (only one's own
    is allowed); ``draft_revision``, when given, is the draft the person read."""

    labels = {"draft_revision": "the draft's revision"}

    session: SessionKey
    side: Line | None = None  # the action says when it is not one's own side
    draft_revision: int | None = None


# Minutes ------------------------------------------------------------------------------


class SaveMinutes(Command):
    """The next version of the minutes, from ``base_version`` (0: the first)."""

    labels = {"text": "the text of the minutes"}

    session: SessionKey
    base_version: int = Field(ge=0)
    text: Text = Field(max_length=MINUTES_MAX)
    correction_reason: Reason = ""


class ProposeMinutes(Command):
    session: SessionKey
    version: int


class SignMinutes(Command):
    """Sign ``version``; ``content_hash``, when given, is the hash of the text read."""

    session: SessionKey
    version: int
    content_hash: ContentHash | None = None


# Frameworks ---------------------------------------------------------------------------


class ClauseIn(Part):
    number: Line = Field(max_length=CLAUSE_NUMBER_MAX)
    text: Text = Field(max_length=CLAUSE_MAX)


class RecordFramework(Command):
    """A framework recorded (``base_revision`` 0) or revised, the whole document."""

    key: Key
    base_revision: int = Field(ge=0)
    title: Line = Field(max_length=TITLE_MAX)
    adopted_on: dt.date
    summary: Text = Field(default="", max_length=SUMMARY_MAX)
    clauses: list[ClauseIn] = Field(max_length=500)


# Commitments --------------------------------------------------------------------------


class MakeCommitment(Command):
    """Something promised by ``owners`` (side keys), from one outcome
    (``<session>/<key>``) or one clause (``<framework>/<number>``), or neither."""

    key: Key
    text: Text = Field(max_length=OUTCOME_MAX)
    owners: list[Line] = Field(default_factory=list, max_length=2)  # the action checks them
    source_outcome: Line = Field(default="", max_length=SOURCE_MAX)
    source_clause: Line = Field(default="", max_length=SOURCE_MAX)
    due_on: dt.date | None = None


class ChangeCommitmentStatus(Command):
    key: Key
    status: Line = Field(max_length=KEY_MAX)
    reason: Reason = ""
