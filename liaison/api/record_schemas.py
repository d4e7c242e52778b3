"""What the records endpoints take and give: meeting records, readouts, minutes,
frameworks and commitments. Same conventions as ``schemas``: instants out in UTC,
instants in with an offset (``aware``), plain dates.

Every save that edits a shared text names the revision (or version) it started from;
a stale one is a 409 with ``current`` and ``changes`` (``ConflictOut``), so the caller
can show the person what the other editor saved instead of losing their text.

The payloads take their keys and limits from ``lib.fields`` and the records' commands
(``records/commands.py``), which each operation builds from them: a value the schema
lets through and the command refuses is a 400 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from liaison.api.schemas import ErrorOut, Reason, UtcInstant
from liaison.lib.fields import KEY_MAX, TITLE_MAX, Key
from liaison.records.commands import (
    CLAUSE_MAX,
    CLAUSE_NUMBER_MAX,
    MINUTES_MAX,
    OUTCOME_MAX,
    READOUT_MAX,
    SOURCE_MAX,
    SUMMARY_MAX,
    TOPIC_MAX,
)

OutcomeKindName = Literal["reaffirmation", "agreement", "next_step", "disagreement"]
MinutesStatusName = Literal["draft", "proposed", "agreed"]
CommitmentStatusName = Literal["open", "in_progress", "done", "lapsed", "disputed"]


class ConflictOut(ErrorOut):
    current: int | None = Field(
        None, description="the revision or version saved now (a stale save only)"
    )
    changes: str | None = Field(
        None,
        description="unified diff from what is saved now to what you sent (a stale save only)",
    )


# Meeting records


class ParticipantIn(Schema):
    member: str | None = Field(None, description="username of a member of the office")
    name: str | None = Field(
        None, max_length=TITLE_MAX, description="required for someone who is not a member"
    )
    affiliation: str | None = Field(None, max_length=TITLE_MAX)


class OutcomeIn(Schema):
    key: str | None = Field(
        None,
        max_length=KEY_MAX,
        description="kept from the previous revision; empty for a new one",
    )
    kind: OutcomeKindName
    text: str = Field(max_length=OUTCOME_MAX)


class RecordIn(Schema):
    base_revision: int = Field(ge=0, description="the revision you started from; 0 for new")
    place: str = Field(max_length=TITLE_MAX)
    started_at: dt.datetime = Field(description="the actual start, ISO 8601 with an offset")
    duration_minutes: int
    participants: list[ParticipantIn] = Field(max_length=200)
    topics: list[Annotated[str, Field(max_length=TOPIC_MAX)]] = Field(max_length=100)
    outcomes: list[OutcomeIn] = Field(max_length=100)


class ParticipantOut(Schema):
    member: str | None
    name: str
    affiliation: str
    side: str | None = Field(description="the member's side key; null for anyone else")


class OutcomeOut(Schema):
    key: str
    kind: OutcomeKindName
    text: str
    reference: str = Field(description="<session>/<key>, how a commitment cites it")


class RevisionOut(Schema):
    revision: int
    written_by: str
    side: str
    at: UtcInstant


class RecordOut(Schema):
    session: str
    revision: int
    place: str
    started_at: UtcInstant
    duration_minutes: int
    participants: list[ParticipantOut]
    topics: list[str]
    outcomes: list[OutcomeOut]
    written_by: str
    side: str
    updated_at: UtcInstant
    revisions: list[RevisionOut] = Field(description="who saved each revision, oldest first")


# Readouts


class ReadoutOut(Schema):
    side: str
    version: int
    title: str
    source: str = Field(description="who issued it, e.g. the ministry")
    body: str
    published_by: str
    published_at: UtcInstant


class ComparisonRowOut(Schema):
    left: str | None = Field(description="the left side's statement")
    right: str | None = Field(description="the right side's statement")
    shared: bool = Field(description="both sides make this statement")
    only: str | None = Field(description="the side key when only that side makes it")
    score: float = Field(description="how alike the two statements are, 0 to 1")


class ComparisonOut(Schema):
    left: str = Field(description="the left side's key")
    right: str = Field(description="the right side's key")
    rows: list[ComparisonRowOut]


class ReadoutsOut(Schema):
    session: str
    readouts: list[ReadoutOut] = Field(description="every published version, by side, oldest first")
    comparison: ComparisonOut = Field(
        description="each side's latest version, statement by statement"
    )


class DraftIn(Schema):
    base_revision: int = Field(ge=0, description="the draft revision you started from; 0 for new")
    title: str = Field(max_length=TITLE_MAX)
    source: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=READOUT_MAX)


class DraftOut(Schema):
    session: str
    side: str
    revision: int
    title: str
    source: str
    body: str
    updated_by: str
    updated_at: UtcInstant
    published_revision: int | None = Field(description="the draft revision last published")


class PublishIn(Schema):
    draft_revision: int | None = Field(
        None, description="the draft revision you read; refused (409) if it changed since"
    )


# Minutes


class SignIn(Schema):
    content_hash: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hex) of the text you read; refused (400, field "
        "content_hash, nothing signed) unless it is the proposed version's",
    )


class SignatureOut(Schema):
    side: str
    signed_by: str
    signed_at: UtcInstant
    content_hash: str = Field(description="SHA-256 of the text the head signed")


class MinutesVersionOut(Schema):
    version: int
    text: str
    content_hash: str
    saved_by: str
    side: str
    saved_at: UtcInstant
    based_on: int | None
    correction_reason: str
    proposed_by: str | None
    proposed_at: UtcInstant | None
    agreed_at: UtcInstant | None
    signatures: list[SignatureOut]


class MinutesOut(Schema):
    session: str
    status: MinutesStatusName = Field(description="of the latest version")
    latest_version: int
    proposed_version: int | None
    agreed_version: int | None = Field(description="the latest version both heads signed")
    versions: list[MinutesVersionOut] = Field(description="newest first")


class MinutesIn(Schema):
    base_version: int = Field(ge=0, description="the version you started from; 0 for new")
    text: str = Field(max_length=MINUTES_MAX)
    correction_reason: Reason = Field(
        "", description="required (only) when changing agreed minutes"
    )


# Frameworks


class ClauseIn(Schema):
    number: str = Field(max_length=CLAUSE_NUMBER_MAX)
    text: str = Field(max_length=CLAUSE_MAX)


class FrameworkFields(Schema):
    title: str = Field(max_length=TITLE_MAX)
    adopted_on: dt.date
    summary: str = Field("", max_length=SUMMARY_MAX)
    clauses: list[ClauseIn] = Field(max_length=500)


class FrameworkIn(FrameworkFields):
    key: Key


class FrameworkRevisionIn(FrameworkFields):
    base_revision: int = Field(ge=1, description="the revision you started from")


class ClauseOut(Schema):
    number: str
    text: str
    reference: str = Field(description="<framework>/<number>, how a commitment cites it")


class FrameworkOut(Schema):
    key: str
    revision: int
    title: str
    adopted_on: dt.date
    summary: str
    clauses: list[ClauseOut]
    recorded_by: str
    side: str
    updated_at: UtcInstant


# Commitments


class SourceIn(Schema):
    outcome: str | None = Field(None, max_length=SOURCE_MAX, description="<session>/<outcome key>")
    clause: str | None = Field(
        None, max_length=SOURCE_MAX, description="<framework>/<clause number>"
    )


class SourceOut(Schema):
    outcome: str | None
    clause: str | None


class CommitmentIn(Schema):
    key: Key
    text: str = Field(max_length=OUTCOME_MAX)
    owners: list[str] = Field(max_length=2, description="the side keys that promised it")
    source: SourceIn | None = None
    due_on: dt.date | None = None


class StatusIn(Schema):
    status: CommitmentStatusName
    reason: Reason = ""


class StatusChangeOut(Schema):
    number: int
    status: CommitmentStatusName
    reason: str
    side: str
    changed_by: str
    at: UtcInstant


class CommitmentOut(Schema):
    key: str
    text: str
    owners: list[str]
    source: SourceOut
    due_on: dt.date | None
    status: CommitmentStatusName
    overdue: bool = Field(description="past due and still open or in progress")
    made_by: str
    side: str
    made_at: UtcInstant
    history: list[StatusChangeOut] = Field(description="every status statement, oldest first")
    views: dict[str, StatusChangeOut] = Field(
        description="each side's latest statement of the status, by side key"
    )
