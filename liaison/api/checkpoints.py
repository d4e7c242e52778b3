"""Keys and checkpoints: the signed checkpoints of both logs (in the shape
``liaison verify --against`` reads, to keep outside Liaison), each side's keys, and, for
a side's head or deputy, a checkpoint signed on demand. Joint: both sides and observers
read the same."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from liaison.api.access import member_for
from liaison.api.auth import require_recent_sign_in
from liaison.api.schemas import ErrorOut
from liaison.lib import clock
from liaison.signing import checkpoints
from liaison.signing.commands import SignCheckpoint
from liaison.signing.models import Checkpoint, Cosignature, Refusal, SideKey

router = Router(tags=["checkpoints"])


class CheckpointOut(Schema):
    side: str
    size: int
    root: str
    at: dt.datetime
    key: str
    reason: str
    witnessed: str  # cosigned, refused or pending
    statement: str  # base64 of the signed bytes
    signature: str


class CheckpointsOut(Schema):
    office: str
    checkpoints: list[CheckpointOut]


class KeyOut(Schema):
    side: str
    fingerprint: str
    public_key: str
    valid_from_size: int
    valid_until_size: int | None
    registered_at: dt.datetime
    retired_at: dt.datetime | None
    reason: str = Field(description="why the side rotated to this key; empty for its first")


def _witnessed(checkpoint: Checkpoint, cosigned: set[Any], refused: set[Any]) -> str:
    place = (checkpoint.side, checkpoint.size, checkpoint.root)
    return "cosigned" if place in cosigned else "refused" if place in refused else "pending"


def _data(checkpoint: Checkpoint, cosigned: set[Any], refused: set[Any]) -> dict[str, Any]:
    return {
        "side": checkpoint.side,
        "size": checkpoint.size,
        "root": checkpoint.root,
        "at": checkpoint.at,
        "key": checkpoint.key,
        "reason": checkpoint.reason,
        "witnessed": _witnessed(checkpoint, cosigned, refused),
        "statement": base64.b64encode(bytes(checkpoint.statement)).decode(),
        "signature": checkpoint.signature,
    }


def _verdicts(office_id: str) -> tuple[set[Any], set[Any]]:
    cosigned = set(
        Cosignature.objects.filter(office_id=office_id).values_list("side", "size", "root")
    )
    refused = set(Refusal.objects.filter(office_id=office_id).values_list("side", "size", "root"))
    return cosigned, refused


@router.get("/offices/{slug}/checkpoints", response={200: CheckpointsOut, 404: ErrorOut})
def list_checkpoints(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Every checkpoint both sides signed, oldest first, with the exact signed bytes
    (``statement``, base64) and the Ed25519 ``signature``: save this answer and pass it
    to ``liaison verify BUNDLE --against FILE`` later."""
    office, _member = member_for(request, slug)
    cosigned, refused = _verdicts(office.id)
    rows = Checkpoint.objects.filter(office=office.id).order_by("side", "size", "pk")
    return {"office": office.id, "checkpoints": [_data(c, cosigned, refused) for c in rows]}


@router.post(
    "/offices/{slug}/checkpoints",
    response={201: CheckpointOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def sign_checkpoint(request: HttpRequest, slug: str) -> Status[Any]:
    """Your side (a head or deputy) signs a checkpoint of its log now; the other side
    witnesses it at once. ``witnessed`` says whether it cosigned or refused. With the
    browser session, the password must have been given within ``LIAISON_REAUTH_MINUTES``
    (else 403); a bearer token signs without it."""
    _office, member = member_for(request, slug)
    require_recent_sign_in(request)
    command = SignCheckpoint()
    checkpoint = checkpoints.sign_on_demand(member=member, command=command, now=clock.now())
    cosigned, refused = _verdicts(member.office_id)
    return Status(201, _data(checkpoint, cosigned, refused))


@router.get("/offices/{slug}/keys", response={200: list[KeyOut], 404: ErrorOut})
def list_keys(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Each side's signing keys: fingerprint, public key (hex) and the log sizes each
    signs checkpoints for (``valid_until_size`` null while in force), and why the side
    rotated to it."""
    office, _member = member_for(request, slug)
    return [
        {
            "side": key.side.key,
            "fingerprint": key.fingerprint,
            "public_key": key.public_key,
            "valid_from_size": key.valid_from_size,
            "valid_until_size": key.valid_until_size,
            "registered_at": key.registered_at,
            "retired_at": key.retired_at,
            "reason": key.reason,
        }
        for key in SideKey.objects.for_office(office).select_related("side")
    ]
