"""Event types for meeting records, readouts, minutes, frameworks and commitments."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from liaison.ledger.events import Applied, Body, Ref, event_type
from liaison.lib.fields import Day, Instant, Key, Line, Text
from liaison.lib.timezones import parse_utc
from liaison.offices.models import Member, Side
from liaison.records.models import (
    Clause,
    Commitment,
    CommitmentChange,
    CommitmentStatus,
    Framework,
    MeetingRecord,
    Minutes,
    MinutesSignature,
    MinutesVersion,
    Outcome,
    Participant,
    Readout,
    RecordRevision,
)

SessionKey = Annotated[Line, Field(min_length=1, max_length=100)]
OutcomeKindName = Literal["reaffirmation", "agreement", "next_step", "disagreement"]
StatusName = Literal["open", "in_progress", "done", "lapsed", "disputed"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ParticipantBody(_Part):
    """A member of the office (``member`` is the username) or another person by name."""

    member: Line | None = Field(default=None, max_length=150)
    name: Line = Field(min_length=1, max_length=200)
    affiliation: Line = Field(default="", max_length=200)


class OutcomeBody(_Part):
    key: Key
    kind: OutcomeKindName
    text: Text = Field(min_length=1, max_length=4000)


@event_type("record.saved")
class RecordSaved(Body):
    """A revision of a held session's meeting record (the whole record, not a diff)."""

    session: SessionKey
    revision: int = Field(ge=1, le=2**31)
    place: Line = Field(min_length=1, max_length=200)
    started_at: Instant
    duration_minutes: int = Field(ge=1, le=24 * 60)
    participants: list[ParticipantBody] = Field(min_length=1, max_length=200)
    topics: list[Line] = Field(max_length=100)
    outcomes: list[OutcomeBody] = Field(max_length=100)

    def apply(self, event: Applied) -> None:
        record_id = MeetingRecord.make_id(event.office, self.session)
        side_id = Side.make_id(event.office, event.side)
        values = {
            "office_id": event.office,
            "session_key": self.session,
            "revision": self.revision,
            "place": self.place,
            "started_at": parse_utc(self.started_at),
            "duration_minutes": self.duration_minutes,
            "topics": list(self.topics),
            "written_by": event.actor,
            "side_id": side_id,
            "updated_at": event.at,
        }
        if self.revision == 1:
            record = MeetingRecord.objects.create(id=record_id, **values)
        else:
            MeetingRecord.objects.filter(pk=record_id).update(**values)
            record = MeetingRecord.objects.get(pk=record_id)
            Participant.objects.filter(record=record).delete()
        RecordRevision.objects.create(
            id=f"{record_id}:{self.revision}",
            office_id=event.office,
            record=record,
            revision=self.revision,
            side_id=side_id,
            written_by=event.actor,
            at=event.at,
            event=event.ref,
            content=self.model_dump(mode="json"),
        )
        members = {
            m.username: m
            for m in Member.objects.filter(
                office_id=event.office,
                username__in=[p.member for p in self.participants if p.member],
            )
        }
        Participant.objects.bulk_create(
            Participant(
                id=f"{record_id}:{position}",
                office_id=event.office,
                record=record,
                position=position,
                member=members.get(p.member) if p.member else None,
                name=p.name,
                affiliation=p.affiliation,
                side_id=members[p.member].side_id if p.member in members else None,
            )
            for position, p in enumerate(self.participants, start=1)
        )
        # Outcomes keep their keys across revisions (commitments cite them).
        kept = {o.key for o in self.outcomes}
        Outcome.objects.filter(record=record).exclude(key__in=kept).delete()
        existing = set(Outcome.objects.filter(record=record).values_list("key", flat=True))
        for position, outcome in enumerate(self.outcomes, start=1):
            fields = {"position": position, "kind": outcome.kind, "text": outcome.text}
            if outcome.key in existing:
                Outcome.objects.filter(record=record, key=outcome.key).update(**fields)
            else:
                Outcome.objects.create(
                    id=Outcome.make_id(event.office, self.session, outcome.key),
                    office_id=event.office,
                    record=record,
                    key=outcome.key,
                    **fields,
                )


@event_type("readout.published")
class ReadoutPublished(Body):
    """A side publishes (a new version of) its readout of a session."""

    session: SessionKey
    version: int = Field(ge=1, le=2**31)
    title: Line = Field(min_length=1, max_length=200)
    source: Line = Field(min_length=1, max_length=200)
    body: Text = Field(min_length=1, max_length=50_000)

    def apply(self, event: Applied) -> None:
        Readout.objects.create(
            id=Readout.make_id(event.office, self.session, event.side, self.version),
            office_id=event.office,
            session_key=self.session,
            side_id=Side.make_id(event.office, event.side),
            version=self.version,
            title=self.title,
            source=self.source,
            body=self.body,
            published_by=event.actor,
            published_at=event.at,
            event=event.ref,
        )


@event_type("minutes.saved")
class MinutesSaved(Body):
    """A new version of a session's minutes. ``content_hash`` is SHA-256 of the text's
    UTF-8 bytes; a correction (a new version after an agreed one) gives its reason."""

    session: SessionKey
    version: int = Field(ge=1, le=2**31)
    based_on: int | None = Field(ge=1, le=2**31)
    correction_reason: Text = Field(max_length=2000)
    text: Text = Field(min_length=1, max_length=100_000)
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _hash_matches_text(self) -> MinutesSaved:
        if hashlib.sha256(self.text.encode("utf-8")).hexdigest() != self.content_hash:
            raise ValueError("content_hash is not the SHA-256 of the text")
        return self

    def apply(self, event: Applied) -> None:
        minutes_id = Minutes.make_id(event.office, self.session)
        if self.version == 1:
            Minutes.objects.create(
                id=minutes_id, office_id=event.office, session_key=self.session, latest_version=1
            )
        else:
            Minutes.objects.filter(pk=minutes_id).update(latest_version=self.version)
        MinutesVersion.objects.create(
            id=MinutesVersion.make_id(event.office, self.session, self.version),
            office_id=event.office,
            minutes_id=minutes_id,
            version=self.version,
            based_on=self.based_on,
            correction_reason=self.correction_reason,
            text=self.text,
            content_hash=self.content_hash,
            side_id=Side.make_id(event.office, event.side),
            saved_by=event.actor,
            saved_at=event.at,
            event_side=event.side,
            event_seq=event.seq,
            event_hash=event.hash,
        )


@event_type("minutes.proposed")
class MinutesProposed(Body):
    """A version is put to the two heads for signature."""

    session: SessionKey
    version: int = Field(ge=1, le=2**31)
    ref: Ref

    def references(self) -> list[Ref]:
        return [self.ref]

    def apply(self, event: Applied) -> None:
        Minutes.objects.filter(pk=Minutes.make_id(event.office, self.session)).update(
            proposed_version=self.version
        )
        MinutesVersion.objects.filter(
            pk=MinutesVersion.make_id(event.office, self.session, self.version)
        ).update(proposed_by=event.actor, proposed_at=event.at)


@event_type("minutes.signed")
class MinutesSigned(Body):
    """A head signs one version, named by the hash of the event that saved it."""

    session: SessionKey
    version: int = Field(ge=1, le=2**31)
    ref: Ref
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    # The side's key (fingerprint) and its Ed25519 signature over
    # ``signing.formats.minutes_message``: what makes the signature checkable offline.
    key: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature: str = Field(pattern=r"^[0-9a-f]{128}$")

    def references(self) -> list[Ref]:
        return [self.ref]

    def apply(self, event: Applied) -> None:
        version_id = MinutesVersion.make_id(event.office, self.session, self.version)
        MinutesSignature.objects.create(
            id=MinutesSignature.make_id(event.office, self.session, self.version, event.side),
            office_id=event.office,
            version_id=version_id,
            side_id=Side.make_id(event.office, event.side),
            signed_by=event.actor,
            signed_at=event.at,
            content_hash=self.content_hash,
            event=event.ref,
        )
        signed_by = set(
            MinutesSignature.objects.filter(
                version_id=version_id, content_hash=self.content_hash
            ).values_list("side_id", flat=True)
        )
        sides = set(Side.objects.filter(office_id=event.office).values_list("id", flat=True))
        if signed_by == sides:
            MinutesVersion.objects.filter(pk=version_id).update(agreed_at=event.at)
            Minutes.objects.filter(pk=Minutes.make_id(event.office, self.session)).update(
                agreed_version=self.version
            )


class ClauseBody(_Part):
    number: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z][0-9A-Za-z.()-]*$")
    text: Text = Field(min_length=1, max_length=10_000)


@event_type("framework.recorded")
class FrameworkRecorded(Body):
    """A framework document, or a revision of it (the whole document)."""

    key: Key
    revision: int = Field(ge=1, le=2**31)
    title: Line = Field(min_length=1, max_length=200)
    adopted_on: Day
    summary: Text = Field(max_length=10_000)
    clauses: list[ClauseBody] = Field(min_length=1, max_length=500)

    def apply(self, event: Applied) -> None:
        framework_id = Framework.make_id(event.office, self.key)
        values = {
            "office_id": event.office,
            "key": self.key,
            "revision": self.revision,
            "title": self.title,
            "adopted_on": dt.date.fromisoformat(self.adopted_on),
            "summary": self.summary,
            "recorded_by": event.actor,
            "side_id": Side.make_id(event.office, event.side),
            "updated_at": event.at,
        }
        if self.revision == 1:
            Framework.objects.create(id=framework_id, **values)
        else:
            Framework.objects.filter(pk=framework_id).update(**values)
        kept = {c.number for c in self.clauses}
        Clause.objects.filter(framework_id=framework_id).exclude(number__in=kept).delete()
        existing = set(
            Clause.objects.filter(framework_id=framework_id).values_list("number", flat=True)
        )
        for position, clause in enumerate(self.clauses, start=1):
            if clause.number in existing:
                Clause.objects.filter(framework_id=framework_id, number=clause.number).update(
                    position=position, text=clause.text
                )
            else:
                Clause.objects.create(
                    id=Clause.make_id(event.office, self.key, clause.number),
                    office_id=event.office,
                    framework_id=framework_id,
                    number=clause.number,
                    position=position,
                    text=clause.text,
                )


class SourceBody(_Part):
    """Where a commitment comes from: ``<session>/<outcome key>`` or ``<framework>/<clause>``."""

    outcome: Line | None = Field(default=None, max_length=200)
    clause: Line | None = Field(default=None, max_length=200)


@event_type("commitment.made")
class CommitmentMade(Body):
    key: Key
    text: Text = Field(min_length=1, max_length=4000)
    owners: list[Key] = Field(min_length=1, max_length=2)
    source: SourceBody
    due_on: Day | None

    def apply(self, event: Applied) -> None:
        outcome_id = clause_id = None
        if self.source.outcome:
            session, key = self.source.outcome.rsplit("/", 1)
            outcome_id = Outcome.make_id(event.office, session, key)
        if self.source.clause:
            framework, number = self.source.clause.split("/", 1)
            clause_id = Clause.make_id(event.office, framework, number)
        commitment = Commitment.objects.create(
            id=Commitment.make_id(event.office, self.key),
            office_id=event.office,
            key=self.key,
            text=self.text,
            owners=list(self.owners),
            source_outcome_id=outcome_id,
            source_clause_id=clause_id,
            due_on=dt.date.fromisoformat(self.due_on) if self.due_on else None,
            status=CommitmentStatus.OPEN,
            made_by=event.actor,
            side_id=Side.make_id(event.office, event.side),
            made_at=event.at,
        )
        _history(event, commitment, 1, CommitmentStatus.OPEN, "")


def _history(event: Applied, commitment: Commitment, number: int, status: str, reason: str) -> None:
    CommitmentChange.objects.create(
        id=CommitmentChange.make_id(event.office, commitment.key, number),
        office_id=event.office,
        commitment=commitment,
        number=number,
        status=status,
        reason=reason,
        side_id=Side.make_id(event.office, event.side),
        changed_by=event.actor,
        at=event.at,
        event=event.ref,
    )


@event_type("commitment.status_changed")
class CommitmentStatusChanged(Body):
    """A side states a commitment's status. ``disputed`` keeps the other side's view."""

    key: Key
    status: StatusName
    reason: Text = Field(max_length=2000)

    def apply(self, event: Applied) -> None:
        commitment = Commitment.objects.get(pk=Commitment.make_id(event.office, self.key))
        number = CommitmentChange.objects.filter(commitment=commitment).count() + 1
        Commitment.objects.filter(pk=commitment.pk).update(status=self.status)
        _history(event, commitment, number, self.status, self.reason)
