"""Finding a framework, a commitment or a side's draft readout for a member: the object,
or ``NotFound`` (logged here, once). The other side's draft is out of reach and reads
exactly as a missing one. Web pages, API operations and the actions all look them up
here; a session is found by ``meetings.lookups``."""

from __future__ import annotations

from liaison.lib.errors import NotFound
from liaison.offices.access import refuse
from liaison.offices.models import Member
from liaison.records.models import Commitment, Framework, ReadoutDraft

NO_FRAMEWORK = "No such framework."
NO_COMMITMENT = "No such commitment."
NO_DRAFT = "Your side has no draft readout of this session."


def framework_for(member: Member, key: str) -> Framework:
    """The office's framework ``key``, with its recording side and its clauses."""
    framework = (
        Framework.objects.filter(office_id=member.office_id, key=key)
        .select_related("side")
        .prefetch_related("clauses")
        .first()
    )
    if framework is None:
        refuse(member.user, f"framework {member.office_id}/{key}", "no such framework")
        raise NotFound(NO_FRAMEWORK)
    return framework


def commitment_for(member: Member, key: str) -> Commitment:
    """The office's commitment ``key``."""
    commitment = Commitment.objects.filter(office_id=member.office_id, key=key).first()
    if commitment is None:
        refuse(member.user, f"commitment {member.office_id}/{key}", "no such commitment")
        raise NotFound(NO_COMMITMENT)
    return commitment


def own_readout_draft_for(member: Member, session: str) -> ReadoutDraft:
    """The member's own side's draft readout of ``session`` (an observer, on no side,
    has none)."""
    draft = (
        ReadoutDraft.objects.filter(
            office_id=member.office_id, session_key=session, side_id=member.side_id
        )
        .select_related("side")
        .first()
        if member.side_id is not None
        else None
    )
    if draft is None:
        refuse(member.user, f"readout draft {member.office_id}/{session}", "not own side's")
        raise NotFound(NO_DRAFT)
    return draft
