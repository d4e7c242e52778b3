"""Proposals: a cadence, a change or an end of one, an ad hoc session, a new time for a
session. Each binds nobody until the other side's head or deputy accepts it
(``answering``); the proposing side's event names what it offers and until when it can
be answered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.lib.timezones import format_utc, localize
from liaison.meetings import notices
from liaison.meetings.cadence import CadenceError, parse_rule
from liaison.meetings.commands import (
    ProposeCadence,
    ProposeCadenceEnd,
    ProposeMove,
    ProposeSession,
)
from liaison.meetings.lookups import session_for
from liaison.meetings.models import Cadence, Proposal, Session
from liaison.meetings.schedule import ADHOC
from liaison.meetings.shared import (
    answer_by,
    append,
    changeable,
    check_grace,
    check_notice,
    default_deadline,
    latest_proposal,
    local,
    speaker,
)
from liaison.offices.models import Member, Office


def propose_cadence(*, member: Member, command: ProposeCadence, now: dt.datetime) -> Proposal:
    """Propose a cadence, or a change of one from ``effective`` (default: now) on.

    Nothing changes until the other side accepts; the change then takes effect at
    ``effective`` or at the acceptance, whichever is later, so it never reaches back.
    """
    office = member.office
    speaker(member, now)
    with log.writing(office.id):
        if command.key == ADHOC:
            # Its sessions' keys would read as ad hoc sessions' keys (adhoc-YYYYMMDDTHHMM).
            raise Refused(f"“{ADHOC}” is kept for ad hoc sessions; choose another key", field="key")
        effective = command.effective or now
        if effective < now:
            raise Refused("a cadence change cannot start in the past", field="effective")
        check_grace(office, command.grace_minutes, command.duration_minutes)
        try:
            parsed = parse_rule(
                command.rule,
                dt.datetime.combine(
                    command.starts_on, command.start_time.replace(second=0, microsecond=0)
                ),
                office.zone,
            )
        except CadenceError as exc:
            raise Refused(str(exc), field="rule") from None
        first = _first_occurrence(parsed, office, effective)
        if first is None:
            raise Refused(
                f"this rule has no session after {local(effective, office)}", field="rule"
            )
        check_notice(office, first, now, "starts_on")
        deadline = answer_by(command.answer_by, now, latest=None, default=default_deadline(now))
        event = append(
            member,
            "cadence.proposed",
            {
                "key": command.key,
                "title": command.title,
                "rule": command.rule.removeprefix("RRULE:"),
                "starts_on": command.starts_on.isoformat(),
                "start_time": command.start_time.strftime("%H:%M"),
                "duration_minutes": command.duration_minutes,
                "grace_minutes": command.grace_minutes,
                "required_level": command.required_level,
                "effective": format_utc(effective),
                "reason": command.reason,
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return latest_proposal(member)


def _first_occurrence(parsed: Any, office: Office, after: dt.datetime) -> dt.datetime | None:
    """The rule's first session at or after ``after`` (UTC), or None if it has none."""
    local_after = after.astimezone(office.zone).replace(tzinfo=None) - dt.timedelta(days=1)
    for candidate in parsed.xafter(local_after, count=4, inc=True):
        instant = localize(candidate, office.zone)
        if instant >= after:
            return instant
    return None


def propose_cadence_end(
    *, member: Member, command: ProposeCadenceEnd, now: dt.datetime
) -> Proposal:
    """Propose to end cadence ``key`` from ``effective`` (default: now), or from the
    acceptance if later. Sessions before it keep their cadence and their record."""
    office = member.office
    speaker(member, now)
    key = command.key
    with log.writing(office.id):
        effective = command.effective or now
        if effective < now:
            raise Refused("a cadence cannot end in the past", field="effective")
        deadline = answer_by(command.answer_by, now, latest=None, default=default_deadline(now))
        versions = Cadence.objects.filter(office=office, key=key)
        if not versions.exists():
            raise Refused(f"there is no cadence {key!r} in this office", field="key")
        if not versions.running_after(effective).exists():
            raise Refused(f"cadence {key!r} has already ended", field="key")
        event = append(
            member,
            "cadence.end_proposed",
            {
                "key": key,
                "effective": format_utc(effective),
                "reason": command.reason,
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return latest_proposal(member)


def propose_session(*, member: Member, command: ProposeSession, now: dt.datetime) -> Proposal:
    """An ad hoc session outside any cadence: proposed until the other side accepts."""
    office = member.office
    speaker(member, now)
    start = command.start
    with log.writing(office.id):
        if start <= now:
            raise Refused("a new session must start in the future", field="start")
        check_grace(office, command.grace_minutes, command.duration_minutes)
        check_notice(office, start, now, "start")
        deadline = answer_by(command.answer_by, now, latest=start, default=start)
        base = f"{ADHOC}-{start.astimezone(office.zone).strftime('%Y%m%dT%H%M')}"
        key, n = base, 1
        while Session.objects.filter(office=office, key=key).exists():
            n += 1
            key = f"{base}-{n}"
        event = append(
            member,
            "session.proposed",
            {
                "key": key,
                "title": command.title,
                "start": format_utc(start),
                "duration_minutes": command.duration_minutes,
                "grace_minutes": command.grace_minutes,
                "required_level": command.required_level,
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return latest_proposal(member)


def propose_move(*, member: Member, command: ProposeMove, now: dt.datetime) -> Proposal:
    """A new time for a session. Until the other side accepts, the session stays where
    it is (a postponed one stays postponed)."""
    office = member.office
    speaker(member, now)
    key, start = command.key, command.start
    with log.writing(office.id):
        if start <= now:
            raise Refused("the new start must be in the future", field="start")
        check_notice(office, start, now, "start")
        session = session_for(member, key)
        changeable(session, office, now)
        if start == session.start and session.is_scheduled:
            raise Refused("the session already starts then", field="start")
        # A session still due at its old time cannot be moved once that time has come.
        latest = min(start, session.start) if session.is_scheduled else start
        deadline = answer_by(command.answer_by, now, latest=latest, default=latest)
        event = append(
            member,
            "session.move_proposed",
            {
                "session": key,
                "start": format_utc(start),
                "reason": command.reason,
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return latest_proposal(member)
