"""Read models of proposals for pages, the API and the dashboard: what one side offered,
whether the other side answered, and what waits on whom. Plain data, a fixed number of
queries whatever the number of proposals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison.lib.timezones import parse_utc
from liaison.meetings.models import Proposal, ProposalKind, ProposalState
from liaison.offices.models import Member, Office, Side

RECENT = 20  # answered proposals a page lists beside the open ones


@dataclass(frozen=True)
class ProposalView:
    proposal: Proposal
    state: str  # open, lapsed, accepted, declined, withdrawn
    proposer: Side
    answerer: Side  # the side that is to answer it
    # What it proposes: the (new) start of a session, a cadence's effective instant.
    start: dt.datetime | None
    effective: dt.datetime | None

    @property
    def key(self) -> str:
        return self.proposal.key

    @property
    def kind(self) -> str:
        return self.proposal.kind

    @property
    def is_open(self) -> bool:
        return self.state == ProposalState.OPEN

    @property
    def details(self) -> dict[str, object]:
        return self.proposal.details

    def answerable_by(self, member: Member) -> bool:
        """The member can accept or decline it now: a head or deputy of the other side."""
        return self.is_open and member.can_act_for_side and member.side_id == self.answerer.pk

    def withdrawable_by(self, member: Member) -> bool:
        return self.is_open and member.can_act_for_side and member.side_id == self.proposer.pk


def _view(proposal: Proposal, sides: dict[str, Side], now: dt.datetime) -> ProposalView:
    details = proposal.details
    start = parse_utc(str(details["start"])) if "start" in details else None
    effective = parse_utc(str(details["effective"])) if "effective" in details else None
    answerer = next(s for key, s in sides.items() if key != proposal.side_id)
    return ProposalView(
        proposal=proposal,
        state=proposal.state_at(now),
        proposer=sides[proposal.side_id],
        answerer=answerer,
        start=start,
        effective=effective,
    )


def _views(office: Office, rows: list[Proposal], now: dt.datetime) -> list[ProposalView]:
    if not rows:
        return []
    sides = {s.pk: s for s in office.sides.all()}
    return [_view(p, sides, now) for p in rows]


def view_of(office: Office, proposal: Proposal, now: dt.datetime) -> ProposalView:
    return _views(office, [proposal], now)[0]


def open_proposals(office: Office, now: dt.datetime) -> list[ProposalView]:
    """Every proposal of the office awaiting an answer, oldest first. Two queries (one
    when there is none)."""
    rows = list(Proposal.objects.for_office(office).open_at(now).order_by("proposed_at", "pk"))
    return _views(office, rows, now)


def recent_proposals(office: Office, now: dt.datetime) -> list[ProposalView]:
    """The latest proposals that are no longer open (answered or lapsed), newest first."""
    rows = list(
        Proposal.objects.for_office(office)
        .exclude(state=ProposalState.OPEN, answer_by__gt=now)
        .order_by("-proposed_at", "-pk")[:RECENT]
    )
    return _views(office, rows, now)


def awaiting(member: Member, now: dt.datetime) -> list[ProposalView]:
    """The other side's open proposals that ``member`` can answer (a head or deputy of a
    side; nobody else answers for it). Oldest first; two queries, none for others."""
    if not member.can_act_for_side or member.side is None:
        return []
    rows = list(Proposal.objects.awaiting(member.side, now).order_by("proposed_at", "pk"))
    return _views(member.office, rows, now)


def for_session(office: Office, key: str, now: dt.datetime) -> list[ProposalView]:
    """Proposals about one session (the ad hoc session itself, new times for it)."""
    rows = list(
        Proposal.objects.for_office(office)
        .filter(subject=key, kind__in=[ProposalKind.SESSION, ProposalKind.MOVE])
        .order_by("proposed_at", "pk")
    )
    return _views(office, rows, now)
