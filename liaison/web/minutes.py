"""The minutes pages of a session: every version with its signatures, the editor and
Propose, and the page on which a head signs exactly what is shown.

Each view looks up the session (``records/lookups.py``) and checks what the access
matrix needs before reading the form, builds the action's command from the form
(``record_forms``) and calls one action from ``records.minutes``; reads go through
``records/overview.py``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.meetings.lookups import session_detail_for, session_for
from liaison.offices import access
from liaison.offices.models import Member, Office, Role
from liaison.records import minutes as minutes_actions
from liaison.records import overview
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.records.models import Minutes, MinutesVersion
from liaison.web import record_forms as rf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form
from liaison.web.records import Forms, page, people_of, writes_for_side


def _minutes_forms(
    member: Member, held: bool, view: overview.MinutesView | None, sent: Forms
) -> Forms:
    result: Forms = {}
    latest = view.latest if view else None
    if held and writes_for_side(member):
        result["minutes"] = rf.MinutesForm(
            initial={"base_version": latest.version, "text": latest.text}
            if latest
            else {"base_version": 0},
            correcting=latest is not None and latest.agreed,
        )
    if view is not None and latest is not None and not latest.agreed:
        proposed = view.minutes.proposed_version == latest.version
        if member.can_act_for_side and not proposed:
            result["propose"] = rf.ProposeForm(initial={"version": latest.version})
    result.update(sent)
    return result


def _to_sign(member: Member, view: overview.MinutesView | None) -> MinutesVersion | None:
    """The version this head may sign now: the one proposed, not yet signed for their
    side; None for anyone else or when there is none."""
    if member.role != Role.HEAD or view is None:
        return None
    latest = view.latest
    if latest.agreed or view.minutes.proposed_version != latest.version:
        return None
    if any(s.side_id == member.side_id for s in latest.signatures.all()):
        return None
    return latest


def _minutes_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: Forms | None = None,
) -> HttpResponse:
    detail = session_detail_for(member, key, clock.now())
    view = overview.minutes_of(office, key)
    return page(
        request,
        "web/minutes.html",
        office,
        member,
        {
            "detail": detail,
            "session": detail.session,
            "view": view,
            "latest": view.latest if view else None,
            "agreed": view.agreed if view else None,
            "earlier": view.versions[1:] if view else [],
            "people": people_of(office),
            "forms": _minutes_forms(member, detail.held, view, sent or {}),
            "to_sign": _to_sign(member, view),
        },
        sent,
    )


@require_safe
@office_page
def session_minutes(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    return _minutes_page(request, office, member, key)


def _minutes_url(office: Office, key: str) -> str:
    return reverse("session-minutes", args=[office.slug, key])


def _minutes_act(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    name: str,
    form: ActionForm,
    perform: Any,
) -> HttpResponse:
    done = run_form(request, form, perform)
    return done or _minutes_page(request, office, member, key, sent={name: form})


@require_POST
@office_page
def session_minutes_save(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_member(member)
    session_for(member, key)
    minutes = Minutes.objects.filter(office=office, session_key=key).first()
    # Agreed minutes change only by a correction, which needs its reason field.
    correcting = minutes is not None and minutes.agreed_version == minutes.latest_version
    form = rf.MinutesForm(request.POST, correcting=correcting)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = SaveMinutes(
            session=key,
            base_version=data["base_version"],
            text=data["text"],
            correction_reason=data.get("correction_reason", ""),
        )
        version = minutes_actions.save_minutes(member=member, command=command, now=clock.now())
        what = "Correction" if version.correction_reason else "Minutes"
        return f"{what} saved as version {version.version}.", _minutes_url(office, key)

    return _minutes_act(request, office, member, key, "minutes", form, perform)


@require_POST
@office_page
def session_minutes_propose(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    session_for(member, key)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ProposeMinutes(session=key, version=data["version"])
        minutes_actions.propose_minutes(member=member, command=command, now=clock.now())
        message = f"Version {data['version']} proposed: the heads of both sides can sign it."
        return message, _minutes_url(office, key)

    form = rf.ProposeForm(request.POST)
    return _minutes_act(request, office, member, key, "propose", form, perform)


# Signing: a page of its own shows exactly what is signed (the version, its content
# hash, what changed since the last agreed version) and takes the confirmation, the
# password when re-authentication is due, in the same form.


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", or "gap" (unchanged lines left out)
    text: str


def text_diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """Line by line, what ``new`` changes in ``old``: changed lines with ``context``
    unchanged ones around them, and a gap for each stretch left out."""
    if old == new:
        return []
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    shown = 0  # lines of ``a`` accounted for
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if group[0][1] > shown:
            rows.append(_gap(group[0][1] - shown))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffLine("same", line) for line in a[i1:i2]]
                continue
            rows += [DiffLine("removed", line) for line in a[i1:i2]]
            rows += [DiffLine("added", line) for line in b[j1:j2]]
        shown = group[-1][2]
    if shown < len(a):
        rows.append(_gap(len(a) - shown))
    return rows


def _gap(lines: int) -> DiffLine:
    return DiffLine("gap", f"{lines} unchanged line{'s' if lines != 1 else ''}")


def _confirm_label(member: Member, version: MinutesVersion) -> str:
    return (
        f"I have read version {version.version} (content hash "
        f"{version.content_hash[:12]}…) and sign it for {member.side}. "
        "A signature cannot be withdrawn."
    )


def _sign_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: rf.SignForm | None = None,
) -> HttpResponse:
    detail = session_detail_for(member, key, clock.now())
    view = overview.minutes_of(office, key)
    target = _to_sign(member, view)
    if target is None and sent is None:
        flash.info(request, f"No version of these minutes awaits {member.side}'s signature.")
        return redirect(_minutes_url(office, key))
    form = sent
    if target is not None:
        if form is None:
            form = rf.SignForm(
                initial={"version": target.version, "content_hash": target.content_hash},
                request=request,
            )
        else:
            # A refused form now names what is proposed now, which the page shows:
            # signing again signs that text, never the one the page showed before.
            data = QueryDict(mutable=True)
            data.update(form.data)
            data["version"], data["content_hash"] = str(target.version), target.content_hash
            form.data = data
        if "confirm" in form.fields:
            form.fields["confirm"].label = _confirm_label(member, target)
    agreed = view.agreed if view else None
    return render(
        request,
        "web/minutes_sign.html",
        {
            "office": office,
            "member": member,
            "detail": detail,
            "session": detail.session,
            "target": target,
            "agreed": agreed,
            "diff": text_diff(agreed.text, target.text) if agreed and target else [],
            "people": people_of(office),
            "form": form,
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def session_minutes_sign_confirm(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_head(member)
    return _sign_page(request, office, member, key)


@require_POST
@office_page
def session_minutes_sign(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_head(member)
    session_for(member, key)
    form = rf.SignForm(request.POST, request=request)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        form.stamp()
        command = SignMinutes(
            session=key, version=data["version"], content_hash=data["content_hash"]
        )
        version = minutes_actions.sign_minutes(member=member, command=command, now=clock.now())
        done = (
            "both heads have signed: the minutes are agreed"
            if version.agreed
            else ("it needs the other head's signature to be agreed")
        )
        message = f"{member.side} signed version {version.version}; {done}."
        return message, _minutes_url(office, key)

    return run_form(request, form, perform) or _sign_page(request, office, member, key, form)
