"""Frameworks (the documents both sides committed to, by clause) and commitments (what
was promised, by whom, from which outcome or clause, with each side's statements of
its status). Writes are a side's head's or deputy's, through ``records.frameworks`` and
``records.commitments``: each operation builds the action's command
(``records/commands.py``) from the path and the payload; what the path names is found
by ``records/lookups.py`` (``NotFound``: the 404 JSON) before the action runs."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from liaison.api.access import member_for
from liaison.api.record_schemas import (
    CommitmentIn,
    CommitmentOut,
    ConflictOut,
    FrameworkIn,
    FrameworkOut,
    FrameworkRevisionIn,
    StatusIn,
)
from liaison.api.schemas import ErrorOut
from liaison.lib import clock
from liaison.offices.models import Office
from liaison.records import commitments, frameworks
from liaison.records.commands import ChangeCommitmentStatus, MakeCommitment, RecordFramework
from liaison.records.lookups import commitment_for, framework_for
from liaison.records.models import CommitmentChange, Framework
from liaison.records.overview import CommitmentView, commitments_of, frameworks_of

router = Router(tags=["commitments"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


def framework_data(framework: Framework, sides: dict[str, str]) -> dict[str, Any]:
    return {
        "key": framework.key,
        "revision": framework.revision,
        "title": framework.title,
        "adopted_on": framework.adopted_on,
        "summary": framework.summary,
        "clauses": [
            {"number": c.number, "text": c.text, "reference": f"{framework.key}/{c.number}"}
            for c in framework.clauses.all()
        ],
        "recorded_by": framework.recorded_by,
        "side": sides[framework.side_id],
        "updated_at": framework.updated_at,
    }


def change_data(change: CommitmentChange) -> dict[str, Any]:
    return {
        "number": change.number,
        "status": change.status,
        "reason": change.reason,
        "side": change.side.key,
        "changed_by": change.changed_by,
        "at": change.at,
    }


def commitment_data(view: CommitmentView) -> dict[str, Any]:
    commitment = view.commitment
    outcome, clause = commitment.source_outcome, commitment.source_clause
    return {
        "key": commitment.key,
        "text": commitment.text,
        "owners": commitment.owners,
        "source": {
            "outcome": outcome.reference if outcome else None,
            "clause": clause.reference if clause else None,
        },
        "due_on": commitment.due_on,
        "status": commitment.status,
        "overdue": view.overdue,
        "made_by": commitment.made_by,
        "side": commitment.side.key,
        "made_at": commitment.made_at,
        "history": [change_data(c) for c in view.changes],
        "views": {side: change_data(c) for side, c in view.views.items()},
    }


def _sides(office: Office) -> dict[str, str]:
    """Side keys by id: ``frameworks_of`` does not join the recording side."""
    return {side.id: side.key for side in office.sides.all()}


def _framework(office: Office, key: str) -> dict[str, Any]:
    # ``frameworks_of`` is two queries whatever the number; an office has few frameworks.
    for framework in frameworks_of(office):
        if framework.key == key:
            return framework_data(framework, _sides(office))
    raise Http404("No such framework.")


def _commitments(office: Office, key: str | None = None) -> list[CommitmentView]:
    today = clock.now().astimezone(office.zone).date()  # "overdue" is by the office's day
    return commitments_of(office, today, key)


def _commitment(office: Office, key: str) -> dict[str, Any]:
    views = _commitments(office, key)
    if not views:
        raise Http404("No such commitment.")
    return commitment_data(views[0])


# Frameworks


@router.get("/offices/{slug}/frameworks", response={200: list[FrameworkOut], **READ_ERRORS})
def list_frameworks(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The office's frameworks with their clauses, by adoption date."""
    office, _member = member_for(request, slug)
    sides = _sides(office)
    return [framework_data(f, sides) for f in frameworks_of(office)]


@router.post("/offices/{slug}/frameworks", response={201: FrameworkOut, **WRITE_ERRORS})
def record_framework(request: HttpRequest, slug: str, payload: FrameworkIn) -> Status[Any]:
    """Record a framework both sides committed to, clause by clause."""
    office, member = member_for(request, slug)
    command = RecordFramework(base_revision=0, **payload.model_dump())
    frameworks.record_framework(member=member, command=command, now=clock.now())
    return Status(201, _framework(office, payload.key))


@router.get("/offices/{slug}/frameworks/{fkey}", response={200: FrameworkOut, **READ_ERRORS})
def get_framework(request: HttpRequest, slug: str, fkey: str) -> dict[str, Any]:
    """One framework with its clauses."""
    office, _member = member_for(request, slug)
    return _framework(office, fkey)


@router.put("/offices/{slug}/frameworks/{fkey}", response={200: FrameworkOut, **WRITE_ERRORS})
def revise_framework(
    request: HttpRequest, slug: str, fkey: str, payload: FrameworkRevisionIn
) -> dict[str, Any]:
    """Revise a framework: the whole document, from the revision you started from.
    A clause a commitment cites must stay."""
    office, member = member_for(request, slug)
    # Acting on what does not exist is a 404, like reading it (and PUT never creates).
    framework_for(member, fkey)
    command = RecordFramework(key=fkey, **payload.model_dump())
    frameworks.record_framework(member=member, command=command, now=clock.now())
    return _framework(office, fkey)


# Commitments


@router.get("/offices/{slug}/commitments", response={200: list[CommitmentOut], **READ_ERRORS})
def list_commitments(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Every commitment, oldest first, with its status history and each side's view."""
    office, _member = member_for(request, slug)
    return [commitment_data(v) for v in _commitments(office)]


@router.post("/offices/{slug}/commitments", response={201: CommitmentOut, **WRITE_ERRORS})
def make_commitment(request: HttpRequest, slug: str, payload: CommitmentIn) -> Status[Any]:
    """Register something promised, by one side or both, from an outcome or a clause."""
    office, member = member_for(request, slug)
    source = payload.source
    command = MakeCommitment(
        key=payload.key,
        text=payload.text,
        owners=payload.owners,
        source_outcome=(source.outcome or "") if source else "",
        source_clause=(source.clause or "") if source else "",
        due_on=payload.due_on,
    )
    commitments.make_commitment(member=member, command=command, now=clock.now())
    return Status(201, _commitment(office, payload.key))


@router.get("/offices/{slug}/commitments/{ckey}", response={200: CommitmentOut, **READ_ERRORS})
def get_commitment(request: HttpRequest, slug: str, ckey: str) -> dict[str, Any]:
    """One commitment with its status history and each side's latest statement."""
    office, _member = member_for(request, slug)
    return _commitment(office, ckey)


@router.post(
    "/offices/{slug}/commitments/{ckey}/status", response={200: CommitmentOut, **WRITE_ERRORS}
)
def change_commitment_status(
    request: HttpRequest, slug: str, ckey: str, payload: StatusIn
) -> dict[str, Any]:
    """Your side states the commitment's status. Disputing it, or moving it out of done,
    lapsed or disputed, needs a reason; each side's latest statement stays visible."""
    office, member = member_for(request, slug)
    commitment_for(member, ckey)
    command = ChangeCommitmentStatus(key=ckey, **payload.model_dump())
    commitments.change_commitment_status(member=member, command=command, now=clock.now())
    return _commitment(office, ckey)
