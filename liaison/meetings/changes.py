"""What a side should learn of the schedule on its dashboard: the other side's answers
to its proposals (accepted, declined) and its proposals that lapsed unanswered, the
other side's proposals withdrawn, and sessions still to come that the other side
postponed or cancelled; each of the last ``RECENT_DAYS`` days, newest first.

The other side's open proposals are not here: "Needs you" lists them to whoever answers
them. Everything is read from the shared logs (their projections, and the other side's
log for when it called a session off), never from a side's private content; four
queries whatever the history, none for a member of no side.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from liaison.ledger.models import Event
from liaison.lib.timezones import parse_utc
from liaison.meetings.models import Proposal, ProposalState, Session, Status
from liaison.meetings.notices import short
from liaison.offices.models import Member, Side

RECENT_DAYS = 7
LIMIT = 20
CALLED_OFF = {"session.postponed": Status.POSTPONED, "session.cancelled": Status.CANCELLED}


@dataclass(frozen=True)
class Change:
    kind: str  # accepted, declined, lapsed, withdrawn, postponed, cancelled
    headline: str
    at: dt.datetime  # when it happened (a lapse: the deadline)
    link: str
    # The time it concerns: the proposed start of a session, a session's start.
    start: dt.datetime | None = None
    reason: str = ""


def recent_changes(member: Member, now: dt.datetime) -> list[Change]:
    """The schedule changes ``member``'s side should learn of, newest first."""
    if member.side_id is None:
        return []
    office = member.office
    other = Side.objects.filter(office_id=office.id).exclude(pk=member.side_id).first()
    if other is None:  # pragma: no cover - an office has two sides
        return []
    since = now - dt.timedelta(days=RECENT_DAYS)
    changes = _answers(member, other, since, now) + _called_off(member, other, since, now)
    return sorted(changes, key=lambda c: c.at, reverse=True)[:LIMIT]


def _answers(member: Member, other: Side, since: dt.datetime, now: dt.datetime) -> list[Change]:
    answered = Q(answered_at__gte=since, answered_at__lte=now)
    rows = Proposal.objects.for_office(member.office).filter(
        Q(
            answered,
            side_id=member.side_id,
            state__in=[ProposalState.ACCEPTED, ProposalState.DECLINED],
        )
        | Q(
            side_id=member.side_id,
            state=ProposalState.OPEN,
            answer_by__gt=since,
            answer_by__lte=now,
        )
        | Q(answered, side_id=other.pk, state=ProposalState.WITHDRAWN)
    )
    result = []
    for proposal in rows.order_by("-pk")[:LIMIT]:
        state = proposal.state_at(now)
        what = short(proposal)
        if state == "lapsed":
            headline = f"{what[:1].upper()}{what[1:]} lapsed: {other} did not answer"
            at = proposal.answer_by
        else:
            verb = {"accepted": "accepted", "declined": "declined", "withdrawn": "withdrew"}[state]
            headline, at = f"{other} {verb} {what}", proposal.answered_at or now
        start = proposal.details.get("start")
        result.append(
            Change(
                kind=state,
                headline=headline,
                at=at,
                link=reverse("proposal-detail", args=[proposal.office_id, proposal.key]),
                start=parse_utc(str(start)) if start else None,
                reason=proposal.answer_reason,
            )
        )
    return result


def _called_off(member: Member, other: Side, since: dt.datetime, now: dt.datetime) -> list[Change]:
    events = list(
        Event.objects.filter(
            log__office=member.office_id,
            log__side=other.key,
            type__in=list(CALLED_OFF),
            at__gte=since,
            at__lte=now,
        )
        .order_by("-pk")
        .values_list("type", "at", "data")[:LIMIT]
    )
    if not events:
        return []
    bodies = [(type, at, json.loads(bytes(data))["body"]) for type, at, data in events]
    sessions = {
        row.key: row
        for row in Session.objects.filter(
            office_id=member.office_id, key__in=[body["session"] for _, _, body in bodies]
        )
    }
    result = []
    for type, at, body in bodies:
        session = sessions.get(body["session"])
        if session is None or session.start <= now:
            continue  # only sessions still to come
        verb = CALLED_OFF[type]
        result.append(
            Change(
                kind=verb,
                headline=f"{other} {verb} “{session.title}”",
                at=at,
                link=reverse("session-detail", args=[member.office_id, session.key]),
                start=session.start,
                reason=str(body.get("reason", "")),
            )
        )
    return result
