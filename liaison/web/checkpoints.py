"""The office's Checkpoints page: each side's keys, the checkpoints it signed over its
log, the other side's cosignatures and refusals; a download of the signed checkpoints
to keep outside Liaison; and, for a side's head or deputy, signing a checkpoint now
(after the password was given again within ``LIAISON_REAUTH_MINUTES``) and rotating the
side's key, from a page that says what rotation does and takes the reason and the
confirmation (the password, when it is due) in one form. All of it is joint: both sides
and observers see the same, reasons for rotations included."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.bundle.export import checkpoints_data
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.signing import checkpoints, keys
from liaison.signing.commands import RotateKey, SignCheckpoint
from liaison.signing.models import Checkpoint, Cosignature, Refusal, SideKey
from liaison.web.confirm_forms import KeyRotationForm
from liaison.web.pages import office_page, run_form
from liaison.web.reauth import recent_auth_required


@dataclass(frozen=True)
class Row:
    checkpoint: Checkpoint
    side: str  # the side's name
    cosigned: Cosignature | None
    refused: Refusal | None


def _rows(office: Office, names: dict[str, str]) -> list[Row]:
    cosigned = {(c.side, c.size, c.root): c for c in Cosignature.objects.for_office(office)}
    refused = {(r.side, r.size, r.root): r for r in Refusal.objects.for_office(office)}
    rows = Checkpoint.objects.filter(office=office.id).order_by("-at", "-pk")[:200]
    return [
        Row(
            c,
            names.get(c.side, c.side),
            cosigned.get((c.side, c.size, c.root)),
            refused.get((c.side, c.size, c.root)),
        )
        for c in rows
    ]


@require_safe
@office_page
def office_checkpoints(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    names = {side.key: side.name for side in office.sides.all()}
    return render(
        request,
        "web/checkpoints.html",
        {
            "office": office,
            "member": member,
            "nav": "checkpoints",
            "names": names,
            "keys": SideKey.objects.for_office(office).select_related("side"),
            "rows": _rows(office, names),
            "refusals": Refusal.objects.for_office(office).select_related("witness"),
            "can_act": member.can_act_for_side,
        },
    )


@require_safe
@office_page
def office_checkpoints_download(
    request: HttpRequest, office: Office, member: Member
) -> HttpResponse:
    data = {"office": office.id, "checkpoints": checkpoints_data(office.id)}
    response = HttpResponse(json.dumps(data, indent=1), content_type="application/json")
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="{office.id}-checkpoints-{stamp}.json"'
    return response


@require_POST
@office_page
@recent_auth_required
def office_checkpoint_sign(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    try:
        checkpoint = checkpoints.sign_on_demand(
            member=member, command=SignCheckpoint(), now=clock.now()
        )
    except Refused as exc:
        flash.error(request, exc.message)
    else:
        verdict = (
            "the other side cosigned it"
            if Cosignature.objects.filter(
                office=office, side=checkpoint.side, size=checkpoint.size, root=checkpoint.root
            ).exists()
            else "the other side REFUSED it: see the refusals below"
        )
        flash.success(request, f"Your side signed its log at {checkpoint.size} events; {verdict}.")
    return redirect("office-checkpoints", office.slug)


def _rotation_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    form: KeyRotationForm | None = None,
) -> HttpResponse:
    side = member.side
    current = (
        SideKey.objects.filter(office=office, side=side, valid_until_size=None).first()
        if side is not None
        else None
    )
    form = form or KeyRotationForm(
        request=request,
        confirm_label=f"I understand: {side}'s key in force is retired for good, and the "
        "other side reads this reason.",
    )
    return render(
        request,
        "web/key_rotate.html",
        {
            "office": office,
            "member": member,
            "nav": "checkpoints",
            "current": current,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@require_safe
@office_page
def office_key_rotate_confirm(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    return _rotation_page(request, office, member)


@require_POST
@office_page
def office_key_rotate(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    """Rotate the side's key: a reason and the confirmation (the password when it is
    due) in one form; anything missing rotates nothing and shows the form again."""
    access.require_side_speaker(member)
    form = KeyRotationForm(request.POST, request=request)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = RotateKey(reason=data["reason"])
        form.stamp()
        key = keys.rotate(member=member, command=command, now=clock.now())
        return (
            f"Your side's new key is {key.fingerprint[:16]}…; the old key signed the change.",
            reverse("office-checkpoints", args=[office.slug]),
        )

    return run_form(request, form, perform) or _rotation_page(request, office, member, form)
