"""Answers to proposals: the other side's head or deputy accepts (the proposal binds
both sides from then on) or declines it, in its own log, naming the proposal by
(side, seq, hash); the proposing side may withdraw it while it is open."""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.lib.timezones import parse_utc
from liaison.meetings import notices
from liaison.meetings.commands import AcceptProposal, DeclineProposal, WithdrawProposal
from liaison.meetings.lookups import find_proposal, session_for
from liaison.meetings.models import Cadence, Proposal, ProposalKind, ProposalState
from liaison.meetings.shared import append, changeable, local, speaker
from liaison.offices.models import Member, Office


def _proposal(office: Office, key: str) -> Proposal:
    """The proposal, looked up again inside the lock (the pages and the API found it
    first with ``lookups.proposal_for``)."""
    proposal = find_proposal(office, key)
    if proposal is None:
        raise Refused(f"office {office.id} has no proposal {key!r}", field="proposal")
    return proposal


def _describe_answer(proposal: Proposal, office: Office) -> str:
    when = local(proposal.answered_at, office) if proposal.answered_at else ""
    return f"this proposal was already {proposal.state} by {proposal.answered_by} on {when}"


def _still_open(proposal: Proposal, office: Office, now: dt.datetime) -> None:
    if proposal.state != ProposalState.OPEN:
        raise Refused(_describe_answer(proposal, office))
    if now >= proposal.answer_by:
        raise Refused(
            f"this proposal lapsed unanswered at {local(proposal.answer_by, office)}; "
            "it can be proposed again"
        )


def _ref(proposal: Proposal) -> dict[str, Any]:
    return {"side": proposal.side_key, "seq": proposal.seq, "hash": proposal.hash}


def _answerable(member: Member, proposal: Proposal, office: Office, now: dt.datetime) -> None:
    """The member's side may answer: it is the other side's, open, not lapsed."""
    if proposal.side_id == member.side_id:
        raise Refused("your side made this proposal; the other side answers it")
    _still_open(proposal, office, now)


def accept_proposal(*, member: Member, command: AcceptProposal, now: dt.datetime) -> Proposal:
    """The other side agrees: the proposal binds both sides from now on."""
    office = member.office
    speaker(member, now)
    with log.writing(office.id):
        proposal = _proposal(office, command.key)
        _answerable(member, proposal, office, now)
        if proposal.kind == ProposalKind.MOVE:
            session = session_for(member, proposal.subject)
            changeable(session, office, now)
        elif proposal.kind == ProposalKind.SESSION:
            session = session_for(member, proposal.subject)
            if session.start <= now:  # pragma: no cover - the deadline is the start at most
                raise Refused("this session has started; it can no longer be agreed")
        elif proposal.kind == ProposalKind.CADENCE_END:
            effective = max(parse_utc(proposal.details["effective"]), now)
            versions = Cadence.objects.filter(office=office, key=proposal.subject)
            if not versions.running_after(effective).exists():
                raise Refused(f"cadence {proposal.subject!r} has already ended")
        event = append(member, "proposal.accepted", {"ref": _ref(proposal)}, now)
        notices.tell(member, event, now)
    return _proposal(office, command.key)


def decline_proposal(*, member: Member, command: DeclineProposal, now: dt.datetime) -> Proposal:
    """The other side says no, and why: nothing of the proposal binds anyone."""
    office = member.office
    speaker(member, now)
    with log.writing(office.id):
        proposal = _proposal(office, command.key)
        _answerable(member, proposal, office, now)
        event = append(
            member, "proposal.declined", {"ref": _ref(proposal), "reason": command.reason}, now
        )
        notices.tell(member, event, now)
    return _proposal(office, command.key)


def withdraw_proposal(*, member: Member, command: WithdrawProposal, now: dt.datetime) -> Proposal:
    """The proposing side takes back a proposal not yet answered."""
    office = member.office
    speaker(member, now)
    with log.writing(office.id):
        proposal = _proposal(office, command.key)
        if proposal.side_id != member.side_id:
            raise Refused("only the side that made a proposal can withdraw it; decline it instead")
        _still_open(proposal, office, now)
        event = append(
            member, "proposal.withdrawn", {"ref": _ref(proposal), "reason": command.reason}, now
        )
        notices.tell(member, event, now)
    return _proposal(office, command.key)
