"""Event types for cadences, sessions, check-ins and notices of absence.

Cadences, their ends, ad hoc sessions and new times for sessions are *proposals*
(``*.proposed``) in the proposing side's log; they bind only once the other side appends
``proposal.accepted`` to its own log, naming the proposal by (side, seq, hash). A
postponement, a cancellation, a check-in and a notice of absence are one side's own acts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator

from liaison.ledger.events import Applied, Body, Ref, event_type
from liaison.lib.fields import (
    MINUTES_MAX,
    REASON_MAX,
    TITLE_MAX,
    Day,
    Instant,
    Key,
    Line,
    Text,
    WallTime,
)
from liaison.lib.timezones import localize, parse_utc
from liaison.meetings.cadence import split_key
from liaison.meetings.commands import RULE_MAX
from liaison.meetings.models import (
    PROPOSAL_TYPES,
    AbsenceNotice,
    Cadence,
    CheckIn,
    Proposal,
    ProposalKind,
    ProposalState,
    Session,
    Status,
)
from liaison.meetings.schedule import ADHOC, cadence_for_key
from liaison.offices.models import Member, Office, Side

LevelName = Literal["head", "deputy", "staff"]


def _side(event: Applied) -> str:
    return Side.make_id(event.office, event.side)


def _record_proposal(event: Applied, *, subject: str, title: str, body: Body) -> None:
    details = body.model_dump(mode="json")
    Proposal.objects.create(
        id=Proposal.make_id(event.office, event.side, event.seq),
        office_id=event.office,
        side_id=_side(event),
        seq=event.seq,
        hash=event.hash,
        kind=PROPOSAL_TYPES[event.type],
        subject=subject,
        title=title,
        details=details,
        proposed_by=event.actor,
        proposed_at=event.at,
        answer_by=parse_utc(details["answer_by"]),
    )


@event_type("cadence.proposed")
class CadenceProposed(Body):
    """A side proposes a cadence, or a change of one from ``effective`` on (a new
    version). It binds nobody until the other side accepts it; it then takes effect at
    ``effective`` or at the acceptance, whichever is later."""

    key: Key
    title: Line = Field(min_length=1, max_length=TITLE_MAX)
    rule: Line = Field(min_length=1, max_length=RULE_MAX)
    starts_on: Day
    start_time: WallTime
    duration_minutes: int = Field(ge=1, le=MINUTES_MAX)
    grace_minutes: int = Field(ge=0, le=MINUTES_MAX)
    required_level: LevelName
    effective: Instant
    reason: Text = Field(max_length=REASON_MAX)
    answer_by: Instant

    @field_validator("key")
    @classmethod
    def _not_adhoc(cls, key: str) -> str:
        # Its sessions' keys would read as ad hoc sessions' keys (adhoc-YYYYMMDDTHHMM).
        if key == ADHOC:
            raise ValueError(f"“{ADHOC}” is kept for ad hoc sessions; choose another key")
        return key

    def apply(self, event: Applied) -> None:
        _record_proposal(event, subject=self.key, title=self.title, body=self)


@event_type("cadence.end_proposed")
class CadenceEndProposed(Body):
    key: Key
    effective: Instant
    reason: Text = Field(min_length=1, max_length=REASON_MAX)
    answer_by: Instant

    def apply(self, event: Applied) -> None:
        latest = (
            Cadence.objects.filter(office_id=event.office, key=self.key)
            .order_by("-version")
            .first()
        )
        title = latest.title if latest is not None else self.key
        _record_proposal(event, subject=self.key, title=title, body=self)


@event_type("session.proposed")
class SessionProposed(Body):
    """An ad hoc session, outside any cadence: ``proposed`` until the other side
    accepts it."""

    # [0-9], not \d: pydantic's patterns match any script's digits with \d.
    key: str = Field(pattern=r"^adhoc-[0-9]{8}T[0-9]{4}(-[0-9]+)?$")
    title: Line = Field(min_length=1, max_length=TITLE_MAX)
    start: Instant
    duration_minutes: int = Field(ge=1, le=MINUTES_MAX)
    grace_minutes: int = Field(ge=0, le=MINUTES_MAX)
    required_level: LevelName
    answer_by: Instant

    def apply(self, event: Applied) -> None:
        start = parse_utc(self.start)
        Session.objects.create(
            id=Session.make_id(event.office, self.key),
            office_id=event.office,
            key=self.key,
            title=self.title,
            original_start=start,
            start=start,
            duration_minutes=self.duration_minutes,
            grace_minutes=self.grace_minutes,
            required_level=self.required_level,
            status=Status.PROPOSED,
            changed_by_id=_side(event),
            proposed_by_id=_side(event),
            answer_by=parse_utc(self.answer_by),
        )
        _record_proposal(event, subject=self.key, title=self.title, body=self)


@event_type("session.move_proposed")
class SessionMoveProposed(Body):
    """A new time for a session (one that is scheduled or postponed)."""

    session: Line = Field(min_length=1, max_length=100)
    start: Instant
    reason: Text = Field(max_length=REASON_MAX)
    answer_by: Instant

    def apply(self, event: Applied) -> None:
        row = Session.objects.filter(id=Session.make_id(event.office, self.session)).first()
        if row is not None:
            title = row.title
        else:
            cadence = cadence_for_key(Office.objects.get(id=event.office), self.session)
            title = cadence.title if cadence is not None else self.session
        _record_proposal(event, subject=self.session, title=title, body=self)


class _Answer(Body):
    ref: Ref

    def references(self) -> list[Ref]:
        return [self.ref]

    def answer(self, event: Applied, state: ProposalState, reason: str = "") -> Proposal | None:
        """Record the answer on the proposal it names. A forged answer naming no proposal
        changes nothing here (``verify`` reports it as ``BAD_ANSWER``), so replaying any
        log still reproduces the state."""
        pk = Proposal.make_id(event.office, self.ref.side, self.ref.seq)
        proposal = Proposal.objects.filter(pk=pk).first()
        if proposal is None:
            return None
        Proposal.objects.filter(pk=proposal.pk).update(
            state=state, answered_by=event.actor, answered_at=event.at, answer_reason=reason
        )
        return proposal


@event_type("proposal.accepted")
class ProposalAccepted(_Answer):
    """The other side accepts a proposal: from now on it binds both sides."""

    def apply(self, event: Applied) -> None:
        proposal = self.answer(event, ProposalState.ACCEPTED)
        if proposal is None:
            return
        details = proposal.details
        if proposal.kind == ProposalKind.CADENCE:
            _agree_cadence(event, proposal, details)
        elif proposal.kind == ProposalKind.CADENCE_END:
            effective = max(parse_utc(details["effective"]), event.at)
            versions = Cadence.objects.filter(office_id=event.office, key=proposal.subject)
            versions.running_after(effective).update(
                valid_until=effective,
                ended_by=proposal.proposed_by,
                end_accepted_by=event.actor,
                end_reason=details["reason"],
            )
        elif proposal.kind == ProposalKind.SESSION:
            Session.objects.filter(id=Session.make_id(event.office, proposal.subject)).update(
                status=Status.SCHEDULED, agreed_at=event.at
            )
        else:
            row = _materialise(event.office, proposal.subject)
            Session.objects.filter(pk=row.pk).update(
                start=parse_utc(details["start"]),
                status=Status.SCHEDULED,
                status_reason=details["reason"],
                changed_by_id=proposal.side_id,
                proposed_by_id=proposal.side_id,
                agreed_at=event.at,
            )


def _agree_cadence(event: Applied, proposal: Proposal, details: dict[str, Any]) -> None:
    # A change proposed to start before it was accepted starts at the acceptance: nothing
    # binds a side before it agreed.
    effective = max(parse_utc(details["effective"]), event.at)
    versions = Cadence.objects.filter(office_id=event.office, key=proposal.subject)
    latest = versions.order_by("-version").first()
    version = latest.version + 1 if latest is not None else 1
    # Every version still in force at ``effective`` (a pending change too) ends there.
    # An end agreed for later is overtaken by the change: the change ends it instead.
    versions.running_after(effective).update(
        valid_until=effective, ended_by="", end_accepted_by="", end_reason=""
    )
    Cadence.objects.create(
        id=Cadence.make_id(event.office, proposal.subject, version),
        office_id=event.office,
        key=proposal.subject,
        version=version,
        title=details["title"],
        rule=details["rule"],
        starts_on=dt.date.fromisoformat(details["starts_on"]),
        start_time=dt.time.fromisoformat(details["start_time"]),
        duration_minutes=details["duration_minutes"],
        grace_minutes=details["grace_minutes"],
        required_level=details["required_level"],
        valid_from=effective,
        valid_until=None,
        set_by=proposal.proposed_by,
        proposed_by_id=proposal.side_id,
        accepted_by=event.actor,
        accepted_at=event.at,
        reason=details["reason"],
    )


@event_type("proposal.declined")
class ProposalDeclined(_Answer):
    reason: Text = Field(min_length=1, max_length=REASON_MAX)

    def apply(self, event: Applied) -> None:
        proposal = self.answer(event, ProposalState.DECLINED, self.reason)
        if proposal is not None and proposal.kind == ProposalKind.SESSION:
            Session.objects.filter(id=Session.make_id(event.office, proposal.subject)).update(
                status=Status.DECLINED, status_reason=self.reason, changed_by_id=_side(event)
            )


@event_type("proposal.withdrawn")
class ProposalWithdrawn(_Answer):
    """The proposing side takes its proposal back before it was answered."""

    reason: Text = Field(max_length=REASON_MAX)

    def apply(self, event: Applied) -> None:
        proposal = self.answer(event, ProposalState.WITHDRAWN, self.reason)
        if proposal is not None and proposal.kind == ProposalKind.SESSION:
            Session.objects.filter(id=Session.make_id(event.office, proposal.subject)).update(
                status=Status.WITHDRAWN, status_reason=self.reason, changed_by_id=_side(event)
            )


def _materialise(office: str, key: str) -> Session:
    """The row of a session, made from its cadence occurrence on its first change."""
    existing = Session.objects.filter(id=Session.make_id(office, key)).first()
    if existing is not None:
        return existing
    office_obj = Office.objects.get(id=office)
    cadence = cadence_for_key(office_obj, key)
    if cadence is None:  # pragma: no cover - actions only append for sessions that exist
        raise LookupError(f"no session {key} in {office}")
    parts = split_key(key)
    if parts is None:  # pragma: no cover - cadence_for_key parsed it
        raise LookupError(key)
    start = localize(parts[1], office_obj.zone)
    return Session.objects.create(
        id=Session.make_id(office, key),
        office_id=office,
        key=key,
        cadence=cadence,
        title=cadence.title,
        original_start=start,
        start=start,
        duration_minutes=cadence.duration_minutes,
        grace_minutes=cadence.grace_minutes,
        required_level=cadence.required_level,
        proposed_by_id=cadence.proposed_by_id,
        agreed_at=cadence.accepted_at,
    )


def _set_status(event: Applied, key: str, status: Status, reason: str) -> None:
    row = _materialise(event.office, key)
    Session.objects.filter(pk=row.pk).update(
        status=status,
        status_reason=reason,
        changed_by_id=Side.make_id(event.office, event.side),
    )


@event_type("session.postponed")
class SessionPostponed(Body):
    session: Line = Field(min_length=1, max_length=100)
    reason: Text = Field(max_length=REASON_MAX)

    def apply(self, event: Applied) -> None:
        _set_status(event, self.session, Status.POSTPONED, self.reason)


@event_type("session.cancelled")
class SessionCancelled(Body):
    session: Line = Field(min_length=1, max_length=100)
    reason: Text = Field(max_length=REASON_MAX)

    def apply(self, event: Applied) -> None:
        _set_status(event, self.session, Status.CANCELLED, self.reason)


@event_type("session.checked_in")
class CheckedIn(Body):
    session: Line = Field(min_length=1, max_length=100)
    attendee: Line = Field(min_length=1, max_length=150)

    def apply(self, event: Applied) -> None:
        CheckIn.objects.create(
            id=CheckIn.make_id(event.office, self.session, event.side),
            office_id=event.office,
            session_key=self.session,
            side_id=Side.make_id(event.office, event.side),
            attendee_id=Member.make_id(event.office, self.attendee),
            checked_in_by_id=Member.make_id(event.office, event.actor),
            at=event.at,
            event=event.ref,
        )


@event_type("session.absence_noticed")
class AbsenceNoticed(Body):
    session: Line = Field(min_length=1, max_length=100)
    reason: Text = Field(min_length=1, max_length=REASON_MAX)

    def apply(self, event: Applied) -> None:
        AbsenceNotice.objects.create(
            id=AbsenceNotice.make_id(event.office, self.session, event.side),
            office_id=event.office,
            session_key=self.session,
            side_id=Side.make_id(event.office, event.side),
            given_by_id=Member.make_id(event.office, event.actor),
            reason=self.reason,
            at=event.at,
            event=event.ref,
        )
