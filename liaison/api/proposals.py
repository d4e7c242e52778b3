"""Proposals: cadences, their ends, ad hoc sessions and new times that one side offered,
and the other side's answers. Nothing proposed binds until the other side accepts it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from liaison.api.access import member_for
from liaison.api.schemas import ErrorOut, ProposalOut, ReasonIn, WithdrawIn
from liaison.lib import clock
from liaison.meetings import answering
from liaison.meetings.commands import AcceptProposal, DeclineProposal, WithdrawProposal
from liaison.meetings.lookups import proposal_for
from liaison.meetings.models import Proposal
from liaison.meetings.proposals import ProposalView, open_proposals, recent_proposals, view_of

router = Router(tags=["proposals"])

WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def proposal_data(proposal: Proposal, now: dt.datetime) -> dict[str, Any]:
    return {
        "key": proposal.key,
        "kind": proposal.kind,
        "subject": proposal.subject,
        "title": proposal.title,
        "side": proposal.side_key,
        "seq": proposal.seq,
        "hash": proposal.hash,
        "details": proposal.details,
        "proposed_by": proposal.proposed_by,
        "proposed_at": proposal.proposed_at,
        "answer_by": proposal.answer_by,
        "state": proposal.state_at(now),
        "answered_by": proposal.answered_by or None,
        "answered_at": proposal.answered_at,
        "answer_reason": proposal.answer_reason or None,
    }


def _data(views: list[ProposalView], now: dt.datetime) -> list[dict[str, Any]]:
    return [proposal_data(v.proposal, now) for v in views]


@router.get("/offices/{slug}/proposals", response={200: list[ProposalOut], 404: ErrorOut})
def list_proposals(
    request: HttpRequest, slug: str, state: Query[Literal["open", "closed"]] = "open"
) -> list[dict[str, Any]]:
    """``open``: every proposal awaiting an answer, oldest first; ``closed``: the latest
    answered or lapsed ones, newest first."""
    office, _member = member_for(request, slug)
    now = clock.now()
    views = open_proposals(office, now) if state == "open" else recent_proposals(office, now)
    return _data(views, now)


@router.get("/offices/{slug}/proposals/{key}", response={200: ProposalOut, 404: ErrorOut})
def get_proposal(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    office, member = member_for(request, slug)
    now = clock.now()
    return proposal_data(view_of(office, proposal_for(member, key), now).proposal, now)


@router.post("/offices/{slug}/proposals/{key}/accept", response={200: ProposalOut, **WRITE_ERRORS})
def accept_proposal(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """Accept the other side's proposal (its head or deputy): from now on it binds both
    sides. Your acceptance is an event in your side's log naming the proposal's hash."""
    _office, member = member_for(request, slug)
    now = clock.now()
    proposal_for(member, key)
    proposal = answering.accept_proposal(member=member, command=AcceptProposal(key=key), now=now)
    return proposal_data(proposal, now)


@router.post("/offices/{slug}/proposals/{key}/decline", response={200: ProposalOut, **WRITE_ERRORS})
def decline_proposal(
    request: HttpRequest, slug: str, key: str, payload: ReasonIn
) -> dict[str, Any]:
    """Decline the other side's proposal, saying why: it binds nobody."""
    _office, member = member_for(request, slug)
    now = clock.now()
    proposal_for(member, key)
    command = DeclineProposal(key=key, reason=payload.reason)
    proposal = answering.decline_proposal(member=member, command=command, now=now)
    return proposal_data(proposal, now)


@router.post(
    "/offices/{slug}/proposals/{key}/withdraw", response={200: ProposalOut, **WRITE_ERRORS}
)
def withdraw_proposal(
    request: HttpRequest, slug: str, key: str, payload: WithdrawIn | None = None
) -> dict[str, Any]:
    """Take back your side's proposal before the other side answers it."""
    _office, member = member_for(request, slug)
    now = clock.now()
    proposal_for(member, key)
    command = WithdrawProposal(key=key, reason=payload.reason if payload else "")
    proposal = answering.withdraw_proposal(member=member, command=command, now=now)
    return proposal_data(proposal, now)
