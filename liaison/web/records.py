"""The record pages of a session: its meeting record, both sides' readouts (with the
viewer's own side's private draft) and the joint minutes with their signatures.

Each view parses input with a form from ``record_forms``, checks access through
``offices.access``, calls one action from ``records.meeting_records``,
``records.readouts`` or ``records.minutes``, and renders or redirects; reads go through
``records/overview.py``. A side's draft readout is read only through
``overview.draft_for(member, …)``, so no page can show it to anyone else.
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
from liaison.meetings.overview import SessionDetail
from liaison.meetings.shared import local_start
from liaison.offices import access
from liaison.offices.models import Member, Office, Role
from liaison.records import meeting_records, overview
from liaison.records import minutes as minutes_actions
from liaison.records import readouts as readouts_actions
from liaison.records.models import MeetingRecord, Minutes, MinutesVersion
from liaison.web import record_forms as rf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form

Forms = dict[str, ActionForm]


def writes_for_side(member: Member) -> bool:
    """Heads, deputies and staff draft their side's texts; observers read."""
    return member.side_id is not None and member.role != Role.OBSERVER


def people_of(office: Office) -> dict[str, Member]:
    """Every member of the office by username, to name who wrote, published or signed."""
    return {m.username: m for m in Member.objects.filter(office=office).select_related("side")}


def _page(
    request: HttpRequest,
    template: str,
    office: Office,
    member: Member,
    context: dict[str, Any],
    sent: Forms | None,
) -> HttpResponse:
    return render(
        request,
        template,
        {"office": office, "member": member, **context},
        status=400 if sent else 200,
    )


# The meeting record -------------------------------------------------------------------


def _record_initial(
    office: Office,
    detail: SessionDetail,
    record: MeetingRecord | None,
) -> dict[str, Any]:
    """The form's starting values: the saved record, or for a first record the
    session's own place, start, length and the people who checked in."""
    zone = office.zone
    if record is None:
        start = detail.session.start.astimezone(zone)
        return {
            "base_revision": 0,
            "place": office.place,
            "started_date": start.date(),
            "started_time": start.time(),
            "duration_minutes": int(detail.session.duration.total_seconds() // 60),
            "members": [s.check_in.attendee.username for s in detail.sides if s.check_in],
        }
    participants = list(record.participants.all())
    start = record.started_at.astimezone(zone)
    return {
        "base_revision": record.revision,
        "place": record.place,
        "started_date": start.date(),
        "started_time": start.time(),
        "duration_minutes": record.duration_minutes,
        "members": [p.member.username for p in participants if p.member is not None],
        "others": rf.others_text(participants),
        "topics": "\n".join(record.topics),
    }


def _record_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: rf.RecordForm | None = None,
) -> HttpResponse:
    detail = session_detail_for(member, key, clock.now())
    record = overview.record_of(office, key)
    people = people_of(office)
    form = sent
    if form is None and detail.held and writes_for_side(member):
        outcomes = (
            [{"key": o.key, "kind": o.kind, "text": o.text} for o in record.outcomes.all()]
            if record
            else None
        )
        form = rf.RecordForm(
            people=list(people.values()),
            zone_name=office.time_zone,
            outcomes=outcomes,
            initial=_record_initial(office, detail, record),
        )
    return _page(
        request,
        "web/record.html",
        office,
        member,
        {
            "detail": detail,
            "session": detail.session,
            "record": record,
            "people": people,
            "form": form,
        },
        {"record": sent} if sent else None,
    )


@require_safe
@office_page
def session_record(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    return _record_page(request, office, member, key)


@require_POST
@office_page
def session_record_save(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_member(member)
    session_for(member, key)
    people = list(people_of(office).values())
    form = rf.RecordForm(request.POST, people=people, zone_name=office.time_zone)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        record = meeting_records.save_record(
            member=member,
            session=key,
            base_revision=data["base_revision"],
            place=data["place"],
            started_at=local_start(office, data["started_date"], data["started_time"]),
            duration_minutes=data["duration_minutes"],
            participants=form.participants(),
            topics=data["topics"],
            outcomes=data["outcomes"],
            now=clock.now(),
        )
        return (
            f"Meeting record saved: revision {record.revision}.",
            reverse("session-record", args=[office.slug, key]),
        )

    return run_form(request, form, perform) or _record_page(request, office, member, key, sent=form)


# Readouts -----------------------------------------------------------------------------


def _readout_forms(member: Member, draft: Any, started: bool, sent: Forms) -> Forms:
    """The viewer's own side's draft editor and, for its head or deputy, Publish."""
    if not writes_for_side(member):
        return {}
    result: Forms = {}
    if draft is None:
        result["draft"] = rf.ReadoutDraftForm(initial={"base_revision": 0})
    else:
        result["draft"] = rf.ReadoutDraftForm(
            initial={
                "base_revision": draft.revision,
                "title": draft.title,
                "source": draft.source,
                "body": draft.body,
            }
        )
        unpublished = draft.published_revision != draft.revision
        if member.can_act_for_side and started and unpublished:
            result["publish"] = rf.PublishForm(initial={"draft_revision": draft.revision})
    result.update(sent)
    return result


def _readouts_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: Forms | None = None,
) -> HttpResponse:
    session = session_for(member, key)
    sides = list(office.sides.all())
    readouts = overview.readouts_of(office, key)
    comparison = overview.comparison(sides, readouts)
    latest = {r.pk for r in comparison.readouts.values()}
    # The viewer's own side's draft, and only theirs (observers have none).
    draft = overview.draft_for(member, key) if writes_for_side(member) else None
    started = session.start <= clock.now()
    return _page(
        request,
        "web/readouts.html",
        office,
        member,
        {
            "session": session,
            "comparison": comparison,
            "left": comparison.readouts.get(comparison.left.key),
            "right": comparison.readouts.get(comparison.right.key),
            "older": [r for r in readouts if r.pk not in latest],
            "draft": draft,
            "started": started,
            "people": people_of(office),
            "forms": _readout_forms(member, draft, started, sent or {}),
        },
        sent,
    )


@require_safe
@office_page
def session_readouts(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    return _readouts_page(request, office, member, key)


def _readouts_url(office: Office, key: str) -> str:
    return reverse("session-readouts", args=[office.slug, key])


@require_POST
@office_page
def session_readout_draft(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_member(member)
    session_for(member, key)
    form = rf.ReadoutDraftForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        draft = readouts_actions.save_readout_draft(
            member=member,
            session=key,
            base_revision=data["base_revision"],
            title=data["title"],
            source=data["source"],
            body=data["body"],
            now=clock.now(),
        )
        message = (
            f"Draft saved (revision {draft.revision}); only {member.side} can see it "
            "until it is published."
        )
        return message, _readouts_url(office, key)

    done = run_form(request, form, perform)
    return done or _readouts_page(request, office, member, key, sent={"draft": form})


@require_POST
@office_page
def session_readout_publish(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    session_for(member, key)
    form = rf.PublishForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        readout = readouts_actions.publish_readout(
            member=member, session=key, draft_revision=data["draft_revision"], now=clock.now()
        )
        message = f"{member.side}'s readout published (version {readout.version})."
        return message, _readouts_url(office, key)

    done = run_form(request, form, perform)
    return done or _readouts_page(request, office, member, key, sent={"publish": form})


# Minutes ------------------------------------------------------------------------------


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
    return _page(
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
        version = minutes_actions.save_minutes(
            member=member,
            session=key,
            base_version=data["base_version"],
            text=data["text"],
            correction_reason=data.get("correction_reason", ""),
            now=clock.now(),
        )
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
        minutes_actions.propose_minutes(
            member=member, session=key, version=data["version"], now=clock.now()
        )
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
        version = minutes_actions.sign_minutes(
            member=member,
            session=key,
            version=data["version"],
            content_hash=data["content_hash"],
            now=clock.now(),
        )
        done = (
            "both heads have signed: the minutes are agreed"
            if version.agreed
            else ("it needs the other head's signature to be agreed")
        )
        message = f"{member.side} signed version {version.version}; {done}."
        return message, _minutes_url(office, key)

    return run_form(request, form, perform) or _sign_page(request, office, member, key, form)
