"""Emails owed to the sides about the schedule: every proposal, every answer to one, and
every session one side postponed or cancelled, told to the side it concerns.

``tell(member, event, now)`` runs in the action's ``log.writing`` block right after the
append, so an event and the emails it owes (``ScheduleNotice`` rows) commit together or
not at all; the ``liaison notify`` worker sends them with the notifications of messages,
at once or in the daily digest as each member chose. Who is told:

- a proposal: the other side, which is to answer it;
- an acceptance: both sides, whose calendars change;
- a decline: the proposing side;
- a withdrawal: the other side, which has nothing left to answer;
- a postponement or a cancellation: the other side.

Never the acting member, nor observers, nor members without an email address or who
turned notifications off. Each email is worded when the event happens, with its times in
the office's zone and the member's own, so a later change does not reword what it told.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from liaison.channel.models import Delivery, NotificationPreference
from liaison.ledger.models import Event
from liaison.lib.timezones import get_zone, is_valid_zone, parse_utc
from liaison.meetings.models import (
    PROPOSAL_TYPES,
    Proposal,
    ProposalKind,
    ProposalState,
    ScheduleNotice,
)
from liaison.meetings.schedule import find_session
from liaison.offices.models import Member, Office, Role, Side

What = ScheduleNotice.What

FORMAT = "%a %d %b %Y %H:%M %Z"
ANSWERS = {
    "proposal.accepted": What.ACCEPTED,
    "proposal.declined": What.DECLINED,
    "proposal.withdrawn": What.WITHDRAWN,
}
CALLED_OFF = {"session.postponed": What.POSTPONED, "session.cancelled": What.CANCELLED}
LEVELS = {
    "head": "each side sends its head",
    "deputy": "each side sends its head or deputy",
    "staff": "each side sends any of its members",
}


@dataclass(frozen=True)
class Recipient:
    username: str
    role: str
    side_id: str
    zone: zoneinfo.ZoneInfo

    @property
    def answers(self) -> bool:
        """Heads and deputies answer proposals for their side."""
        return self.role in (Role.HEAD, Role.DEPUTY)


@dataclass(frozen=True)
class Story:
    """What one event tells: to which sides, in which words for each recipient."""

    what: str
    sides: frozenset[str]
    link: str
    words: Callable[[Recipient, When], tuple[str, str]]  # a subject and a text


class When:
    """Instants in the office's zone, and in the recipient's when that reads otherwise."""

    def __init__(self, office: Office, own: zoneinfo.ZoneInfo) -> None:
        self.office_zone = office.zone
        self.own = own

    def __call__(self, instant: dt.datetime) -> str:
        there = instant.astimezone(self.office_zone).strftime(FORMAT)
        here = instant.astimezone(self.own).strftime(FORMAT)
        return there if here == there else f"{there} ({here} your time)"


def tell(member: Member, event: Event, now: dt.datetime) -> int:
    """Owe an email about ``event`` (just appended by ``member``) to each member of the
    side(s) it concerns. Returns how many are owed."""
    office = member.office
    body = json.loads(bytes(event.data))["body"]
    sides = {side.pk: side for side in office.sides.all()}
    story = _story(member, event, body, sides)
    recipients = _recipients(office, story.sides, member, now)
    owed = []
    for recipient in recipients:
        subject, text = story.words(recipient, When(office, recipient.zone))
        owed.append(
            ScheduleNotice(
                office_id=office.id,
                username=recipient.username,
                what=story.what,
                event_side=event.log.side,
                event_seq=event.seq,
                subject=subject[:300],
                body=text,
                link=story.link,
                created_at=now,
                next_attempt_at=now,
            )
        )
    ScheduleNotice.objects.bulk_create(owed)
    return len(owed)


def _recipients(
    office: Office, sides: frozenset[str], actor: Member, now: dt.datetime
) -> list[Recipient]:
    """Active members of ``sides`` with an address who want email, but the actor (one
    query)."""
    today = now.astimezone(office.zone).date()
    off = NotificationPreference.objects.filter(office_id=office.id, delivery=Delivery.NONE).values(
        "username"
    )
    rows = (
        Member.objects.active_on(today)
        .filter(office_id=office.id, side_id__in=sides, user__email__gt="")
        .exclude(role=Role.OBSERVER)
        .exclude(username=actor.username)
        .exclude(username__in=off)
        .order_by("username")
        .values_list(
            "username",
            "role",
            "side_id",
            "user__liaison_settings__time_zone",
            "time_zone",
            "side__time_zone",
        )
    )
    result = []
    for username, role, side_id, *zones in rows:
        # The zone chosen on the Account page, else the membership's, else its side's.
        name = next((z for z in zones if z and is_valid_zone(z)), office.time_zone)
        result.append(Recipient(username, role, side_id, get_zone(name)))
    return result


def _absolute(path: str) -> str:
    return settings.LIAISON_BASE_URL.rstrip("/") + path


def _who(member: Member, sides: dict[str, Side]) -> str:
    side = sides[member.side_id] if member.side_id else None
    return f"{member.full_name} ({member.get_role_display().lower()}, {side})"


def _other(sides: dict[str, Side], side_id: str) -> Side:
    return next(side for pk, side in sides.items() if pk != side_id)


def _story(member: Member, event: Event, body: dict[str, Any], sides: dict[str, Side]) -> Story:
    office = member.office
    if event.type in PROPOSAL_TYPES:
        proposal = Proposal.objects.get(pk=Proposal.make_id(office.id, event.log.side, event.seq))
        return _proposed(member, proposal, sides)
    if event.type in ANSWERS:
        ref = body["ref"]
        proposal = Proposal.objects.get(pk=Proposal.make_id(office.id, ref["side"], ref["seq"]))
        return _answered(member, proposal, ANSWERS[event.type], sides)
    if event.type in CALLED_OFF:
        return _called_off(member, body, CALLED_OFF[event.type], sides, event.at)
    raise ValueError(f"{event.type} tells nobody")  # pragma: no cover - a programming error


# Proposals and their answers ------------------------------------------------------------


def short(proposal: Proposal) -> str:
    """The proposal in a few words: “a new time for “Weekly meeting””."""
    title = proposal.details.get("title") or proposal.title
    return {
        ProposalKind.CADENCE: f"the cadence “{title}”",
        ProposalKind.CADENCE_END: f"the end of the cadence “{title}”",
        ProposalKind.SESSION: f"an ad hoc session “{title}”",
        ProposalKind.MOVE: f"a new time for “{title}”",
    }[ProposalKind(proposal.kind)]


def _offer(proposal: Proposal, when: When, now_at: str = "") -> str:
    """What the proposal offers, in words, and the proposer's reason if any; ``now_at``
    says where a session to move stands now."""
    d = proposal.details
    kind = proposal.kind
    if kind == ProposalKind.CADENCE:
        text = (
            f"the cadence “{d['title']}” ({proposal.subject}): {d['rule']} from "
            f"{d['starts_on']} at {d['start_time']} office time, {d['duration_minutes']} "
            f"minutes with {d['grace_minutes']} minutes' grace, "
            f"{LEVELS[d['required_level']]}; in force from {when(parse_utc(d['effective']))} "
            "or from its acceptance if later"
        )
    elif kind == ProposalKind.CADENCE_END:
        text = (
            f"the end of the cadence “{proposal.title}” ({proposal.subject}) from "
            f"{when(parse_utc(d['effective']))} or from its acceptance if later"
        )
    elif kind == ProposalKind.SESSION:
        text = (
            f"an ad hoc session “{d['title']}” on {when(parse_utc(d['start']))}, "
            f"{d['duration_minutes']} minutes with {d['grace_minutes']} minutes' grace, "
            f"{LEVELS[d['required_level']]}"
        )
    else:
        text = (
            f"a new time for the session “{proposal.title}” ({proposal.subject}"
            f"{now_at}): {when(parse_utc(d['start']))}"
        )
    reason = str(d.get("reason", "")).strip()
    return f"{text}.\nReason given: {reason}" if reason else f"{text}."


def _proposal_link(proposal: Proposal) -> str:
    return _absolute(reverse("proposal-detail", args=[proposal.office_id, proposal.key]))


def _proposed(member: Member, proposal: Proposal, sides: dict[str, Side]) -> Story:
    proposer, answerer = sides[proposal.side_id], _other(sides, proposal.side_id)
    moved = (
        find_session(member.office, proposal.subject)
        if proposal.kind == ProposalKind.MOVE
        else None
    )

    def words(recipient: Recipient, when: When) -> tuple[str, str]:
        deadline = when(proposal.answer_by)
        now_at = ""
        if moved is not None:
            now_at = (
                f", now at {when(moved.start)}"
                if moved.is_scheduled
                else f", {moved.status} from {when(moved.start)}"
            )
        if recipient.answers:
            todo = (
                f"You can accept or decline it until {deadline}; unanswered, it lapses then. "
                "Until it is accepted it binds nobody."
            )
        else:
            todo = (
                f"{answerer}'s head or deputy can accept or decline it until {deadline}. "
                "Until it is accepted it binds nobody."
            )
        return (
            f"{proposer} proposes {short(proposal)}",
            f"{_who(member, sides)} proposed, on {when(proposal.proposed_at)}, "
            f"{_offer(proposal, when, now_at)}\n\n{todo}",
        )

    return Story(What.PROPOSED, frozenset({answerer.pk}), _proposal_link(proposal), words)


def _agreed(proposal: Proposal, answerer: Side, office: Office, when: When) -> str:
    """What an acceptance changes, in words."""
    d, answered = proposal.details, proposal.answered_at or proposal.proposed_at
    if proposal.kind in (ProposalKind.SESSION, ProposalKind.MOVE):
        start = parse_utc(d["start"])
        held = (
            "both sides are held to it"
            if start - answered >= office.min_notice
            else f"accepted with less than the charter's notice, only {answerer} is held to it"
        )
        if proposal.kind == ProposalKind.SESSION:
            return f"The session is agreed: it takes place on {when(start)}; {held}."
        return f"The session now starts at {when(start)}; {held}."
    effective = max(parse_utc(d["effective"]), answered)
    if proposal.kind == ProposalKind.CADENCE:
        return f"The cadence binds both sides from {when(effective)}."
    return f"The cadence ends on {when(effective)}; the sessions before keep their record."


def _answered(member: Member, proposal: Proposal, what: str, sides: dict[str, Side]) -> Story:
    office = member.office
    proposer, answerer = sides[proposal.side_id], _other(sides, proposal.side_id)
    if what == What.ACCEPTED:
        told = frozenset(sides)
    elif what == What.DECLINED:
        told = frozenset({proposer.pk})
    else:
        told = frozenset({answerer.pk})

    def words(recipient: Recipient, when: When) -> tuple[str, str]:
        answered = proposal.answered_at or proposal.proposed_at
        verb = {
            ProposalState.ACCEPTED: "accepted",
            ProposalState.DECLINED: "declined",
            ProposalState.WITHDRAWN: "withdrew",
        }[ProposalState(what)]
        opening = (
            f"{_who(member, sides)} {verb}, on {when(answered)}, {proposer}'s proposal "
            f"(made on {when(proposal.proposed_at)}) of {_offer(proposal, when)}"
        )
        if what == What.ACCEPTED:
            subject = f"{answerer} accepted {proposer}'s proposal of {short(proposal)}"
            rest = _agreed(proposal, answerer, office, when)
        elif what == What.DECLINED:
            subject = f"{answerer} declined {proposer}'s proposal of {short(proposal)}"
            rest = (
                f"Their reason: {proposal.answer_reason}\n\nNothing of it binds either side; "
                f"{proposer}'s head or deputy can propose again."
            )
        else:
            subject = f"{proposer} withdrew its proposal of {short(proposal)}"
            reason = f"Their reason: {proposal.answer_reason}\n\n" if proposal.answer_reason else ""
            rest = f"{reason}There is nothing left to answer; nothing of it binds either side."
        return subject, f"{opening}\n\n{rest}"

    return Story(what, told, _proposal_link(proposal), words)


# Sessions called off ----------------------------------------------------------------------


def _called_off(
    member: Member, body: dict[str, Any], what: str, sides: dict[str, Side], at: dt.datetime
) -> Story:
    office = member.office
    session = find_session(office, body["session"])
    if session is None:  # pragma: no cover - the action has just changed it
        raise LookupError(body["session"])
    actor_side = sides[member.side_id] if member.side_id else None
    link = _absolute(reverse("session-detail", args=[office.id, session.key]))
    reason = str(body.get("reason", "")).strip()

    def words(recipient: Recipient, when: When) -> tuple[str, str]:
        day = session.start.astimezone(office.zone).strftime("%a %d %b %Y")
        if what == What.POSTPONED:
            verb, rest = (
                "postponed",
                "It will not take place at that time. Either side's head or deputy can "
                "propose a new time for it.",
            )
        else:
            verb, rest = "cancelled", "It will not take place."
        because = f"\nReason given: {reason}" if reason else ""
        return (
            f"{actor_side} {verb} “{session.title}” of {day}",
            f"{_who(member, sides)} {verb}, on {when(at)}, the "
            f"session “{session.title}” ({session.key}) of {when(session.start)}.{because}"
            f"\n\n{rest}",
        )

    return Story(what, frozenset(sides) - {member.side_id}, link, words)
