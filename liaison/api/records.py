"""What was said and signed about a session: its meeting record, both sides' readouts
(and the caller's own side's private draft), and the minutes with the heads' signatures.

Every write builds the action's command (``records/commands.py``) from the path and the
payload and calls one action (``records.meeting_records``, ``records.readouts``,
``records.minutes``) with the caller's membership and ``clock.now()``; reads go through
``records.overview``, as the pages do. A side's draft is reached only through
``lookups.own_readout_draft_for`` with the caller's own membership: no path names a
side's draft, so the other side cannot ask for it.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from liaison.api.access import member_for
from liaison.api.auth import require_recent_sign_in
from liaison.api.record_schemas import (
    ConflictOut,
    DraftIn,
    DraftOut,
    MinutesIn,
    MinutesOut,
    PublishIn,
    ReadoutOut,
    ReadoutsOut,
    RecordIn,
    RecordOut,
    SignIn,
)
from liaison.api.schemas import ErrorOut, aware
from liaison.lib import clock
from liaison.meetings.lookups import session_for
from liaison.offices.models import Office
from liaison.records import meeting_records
from liaison.records import minutes as minutes_actions
from liaison.records import readouts as readouts_actions
from liaison.records.commands import (
    ProposeMinutes,
    PublishReadout,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
    SignMinutes,
)
from liaison.records.lookups import own_readout_draft_for
from liaison.records.models import MeetingRecord, Readout, ReadoutDraft
from liaison.records.overview import (
    MinutesView,
    comparison,
    minutes_of,
    readouts_of,
    record_of,
)

router = Router(tags=["records"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


def record_data(record: MeetingRecord) -> dict[str, Any]:
    participants = list(record.participants.all())
    return {
        "session": record.session_key,
        "revision": record.revision,
        "place": record.place,
        "started_at": record.started_at,
        "duration_minutes": record.duration_minutes,
        "participants": [
            {
                "member": p.member.username if p.member else None,
                "name": p.name,
                "affiliation": p.affiliation,
                "side": p.side.key if p.side else None,
            }
            for p in participants
        ],
        "topics": record.topics,
        "outcomes": [
            {
                "key": o.key,
                "kind": o.kind,
                "text": o.text,
                "reference": f"{record.session_key}/{o.key}",
            }
            for o in record.outcomes.all()
        ],
        "written_by": record.written_by,
        "side": record.side.key,
        "updated_at": record.updated_at,
        "revisions": [
            {"revision": r.revision, "written_by": r.written_by, "side": r.side.key, "at": r.at}
            for r in record.revisions.all()
        ],
    }


def readout_data(readout: Readout) -> dict[str, Any]:
    return {
        "side": readout.side.key,
        "version": readout.version,
        "title": readout.title,
        "source": readout.source,
        "body": readout.body,
        "published_by": readout.published_by,
        "published_at": readout.published_at,
    }


def draft_data(draft: ReadoutDraft) -> dict[str, Any]:
    return {
        "session": draft.session_key,
        "side": draft.side.key,
        "revision": draft.revision,
        "title": draft.title,
        "source": draft.source,
        "body": draft.body,
        "updated_by": draft.updated_by,
        "updated_at": draft.updated_at,
        "published_revision": draft.published_revision,
    }


def minutes_data(view: MinutesView) -> dict[str, Any]:
    minutes = view.minutes
    return {
        "session": minutes.session_key,
        "status": minutes.status.value,
        "latest_version": minutes.latest_version,
        "proposed_version": minutes.proposed_version,
        "agreed_version": minutes.agreed_version,
        "versions": [
            {
                "version": v.version,
                "text": v.text,
                "content_hash": v.content_hash,
                "saved_by": v.saved_by,
                "side": v.side.key,
                "saved_at": v.saved_at,
                "based_on": v.based_on,
                "correction_reason": v.correction_reason,
                "proposed_by": v.proposed_by or None,
                "proposed_at": v.proposed_at,
                "agreed_at": v.agreed_at,
                "signatures": [
                    {
                        "side": s.side.key,
                        "signed_by": s.signed_by,
                        "signed_at": s.signed_at,
                        "content_hash": s.content_hash,
                    }
                    for s in v.signatures.all()
                ],
            }
            for v in view.versions
        ],
    }


def _record(office: Office, key: str) -> dict[str, Any]:
    record = record_of(office, key)
    if record is None:
        raise Http404("This session has no meeting record yet.")
    return record_data(record)


def _minutes(office: Office, key: str) -> dict[str, Any]:
    view = minutes_of(office, key)
    if view is None:
        raise Http404("This session has no minutes yet.")
    return minutes_data(view)


# Meeting record


@router.get("/offices/{slug}/sessions/{key}/record", response={200: RecordOut, **READ_ERRORS})
def get_record(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """The meeting record of a held session, with who saved each revision (404 if none)."""
    office, member = member_for(request, slug)
    session_for(member, key)
    return _record(office, key)


@router.put("/offices/{slug}/sessions/{key}/record", response={200: RecordOut, **WRITE_ERRORS})
def save_record(request: HttpRequest, slug: str, key: str, payload: RecordIn) -> dict[str, Any]:
    """Write the record of a held session, or its next revision (any member of a side).

    ``base_revision`` is the revision you started from (0 for a new record). An
    outcome keeps its ``key`` across revisions; leave it empty for a new outcome."""
    office, member = member_for(request, slug)
    session_for(member, key)
    started_at = aware(payload.started_at, "started_at")
    # ``build``: the participants and outcomes go in as plain values, checked there.
    command = SaveRecord.build(
        session=key,
        base_revision=payload.base_revision,
        place=payload.place,
        started_at=started_at,
        duration_minutes=payload.duration_minutes,
        # The payload's "not given" (null) is the command's empty value.
        participants=[
            {"member": p.member or "", "name": p.name or "", "affiliation": p.affiliation or ""}
            for p in payload.participants
        ],
        topics=payload.topics,
        outcomes=[{"kind": o.kind, "text": o.text, "key": o.key or ""} for o in payload.outcomes],
    )
    meeting_records.save_record(member=member, command=command, now=clock.now())
    return _record(office, key)


# Readouts


@router.get("/offices/{slug}/sessions/{key}/readouts", response={200: ReadoutsOut, **READ_ERRORS})
def list_readouts(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """Every published version of both sides' readouts, and the two latest compared
    statement by statement. Drafts are never here."""
    office, member = member_for(request, slug)
    session_for(member, key)
    readouts = readouts_of(office, key)
    compared = comparison(list(office.sides.all()), readouts)
    only = {"left": compared.left.key, "right": compared.right.key}
    return {
        "session": key,
        "readouts": [readout_data(r) for r in readouts],
        "comparison": {
            "left": compared.left.key,
            "right": compared.right.key,
            "rows": [
                {
                    "left": row.left,
                    "right": row.right,
                    "shared": row.shared,
                    "only": only[row.only] if row.only else None,
                    "score": row.score,
                }
                for row in compared.rows
            ],
        },
    }


@router.get(
    "/offices/{slug}/sessions/{key}/readouts/draft", response={200: DraftOut, **READ_ERRORS}
)
def get_readout_draft(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """Your own side's private draft readout of the session (404 if your side has none)."""
    _office, member = member_for(request, slug)
    session_for(member, key)
    return draft_data(own_readout_draft_for(member, key))


@router.put(
    "/offices/{slug}/sessions/{key}/readouts/draft", response={200: DraftOut, **WRITE_ERRORS}
)
def save_readout_draft(
    request: HttpRequest, slug: str, key: str, payload: DraftIn
) -> dict[str, Any]:
    """Save your side's private draft readout (any member of a side). Only your side
    sees it until a head or deputy publishes it."""
    _office, member = member_for(request, slug)
    session_for(member, key)
    command = SaveReadoutDraft(session=key, **payload.model_dump())
    draft = readouts_actions.save_readout_draft(member=member, command=command, now=clock.now())
    return draft_data(draft)


@router.post(
    "/offices/{slug}/sessions/{key}/readouts/{side}/publish",
    response={201: ReadoutOut, **WRITE_ERRORS},
)
def publish_readout(
    request: HttpRequest, slug: str, key: str, side: str, payload: PublishIn | None = None
) -> Status[Any]:
    """Publish your side's draft as the next version of its readout (a head or deputy
    of ``side``). The other side sees it from then on."""
    _office, member = member_for(request, slug)
    session_for(member, key)
    command = PublishReadout(
        session=key, side=side, draft_revision=payload.draft_revision if payload else None
    )
    readout = readouts_actions.publish_readout(member=member, command=command, now=clock.now())
    return Status(201, readout_data(readout))


# Minutes


@router.get("/offices/{slug}/sessions/{key}/minutes", response={200: MinutesOut, **READ_ERRORS})
def get_minutes(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """The minutes: every version (newest first) with its signatures, and whether the
    latest is a draft, proposed for signature, or agreed by both heads."""
    office, member = member_for(request, slug)
    session_for(member, key)
    return _minutes(office, key)


@router.post("/offices/{slug}/sessions/{key}/minutes", response={201: MinutesOut, **WRITE_ERRORS})
def save_minutes(request: HttpRequest, slug: str, key: str, payload: MinutesIn) -> Status[Any]:
    """Save the next version of the minutes (any member of a side). Changing agreed
    minutes is a correction: give ``correction_reason``; both heads sign again."""
    office, member = member_for(request, slug)
    session_for(member, key)
    command = SaveMinutes(session=key, **payload.model_dump())
    minutes_actions.save_minutes(member=member, command=command, now=clock.now())
    return Status(201, _minutes(office, key))


@router.post(
    "/offices/{slug}/sessions/{key}/minutes/{version}/propose",
    response={200: MinutesOut, **WRITE_ERRORS},
)
def propose_minutes(request: HttpRequest, slug: str, key: str, version: int) -> dict[str, Any]:
    """Put the latest version to both heads for signature (a head or deputy)."""
    office, member = member_for(request, slug)
    session_for(member, key)
    command = ProposeMinutes(session=key, version=version)
    minutes_actions.propose_minutes(member=member, command=command, now=clock.now())
    return _minutes(office, key)


@router.post(
    "/offices/{slug}/sessions/{key}/minutes/{version}/sign",
    response={200: MinutesOut, **WRITE_ERRORS},
)
def sign_minutes(
    request: HttpRequest, slug: str, key: str, version: int, payload: SignIn | None = None
) -> dict[str, Any]:
    """Your side's head signs this exact version; once both heads have, it is agreed.

    Give the ``content_hash`` of the text you read: a hash other than the proposed
    version's is refused (400), as is a version that is not the one proposed, and
    nothing is signed. Signed in with the web session, the password must have been
    given within LIAISON_REAUTH_MINUTES (else 403, nothing signed); a bearer token
    passes."""
    office, member = member_for(request, slug)
    session_for(member, key)
    require_recent_sign_in(request)
    command = SignMinutes(
        session=key, version=version, content_hash=payload.content_hash if payload else None
    )
    minutes_actions.sign_minutes(member=member, command=command, now=clock.now())
    return _minutes(office, key)
