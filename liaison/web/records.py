"""The record pages of a session: its meeting record and both sides' readouts (with
the viewer's own side's private draft); the minutes have theirs in ``web/minutes.py``.

Each view looks up the session (``records/lookups.py``) and checks what the access
matrix needs before reading the form, builds the action's command from the form
(``record_forms``) and calls one action from ``records.meeting_records`` or
``records.readouts``, and renders or redirects; reads go through
``records/overview.py``. A side's draft readout is read only through
``overview.draft_for(member, …)``, so no page can show it to anyone else.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.meetings.lookups import session_detail_for, session_for
from liaison.meetings.overview import SessionDetail
from liaison.meetings.shared import local_start
from liaison.offices import access
from liaison.offices.models import Member, Office, Role
from liaison.records import meeting_records, overview
from liaison.records import readouts as readouts_actions
from liaison.records.commands import PublishReadout, SaveReadoutDraft, SaveRecord
from liaison.records.models import MeetingRecord
from liaison.web import record_forms as rf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form

Forms = dict[str, ActionForm]


def writes_for_side(member: Member) -> bool:
    """Heads, deputies and staff draft their side's texts; observers read."""
    return member.side_id is not None and member.role != Role.OBSERVER


def people_of(office: Office) -> dict[str, Member]:
    """Every member of the office by username, to name who wrote, published or signed."""
    return {m.username: m for m in Member.objects.for_office(office).select_related("side")}


def page(
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
    return page(
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
        command = SaveRecord.build(
            session=key,
            base_revision=data["base_revision"],
            place=data["place"],
            started_at=local_start(office, data["started_date"], data["started_time"]),
            duration_minutes=data["duration_minutes"],
            participants=form.participants(),
            topics=data["topics"],
            outcomes=data["outcomes"],
        )
        record = meeting_records.save_record(member=member, command=command, now=clock.now())
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
    return page(
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
        command = SaveReadoutDraft(
            session=key,
            base_revision=data["base_revision"],
            title=data["title"],
            source=data["source"],
            body=data["body"],
        )
        draft = readouts_actions.save_readout_draft(member=member, command=command, now=clock.now())
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
        command = PublishReadout(session=key, draft_revision=data["draft_revision"])
        readout = readouts_actions.publish_readout(member=member, command=command, now=clock.now())
        message = f"{member.side}'s readout published (version {readout.version})."
        return message, _readouts_url(office, key)

    done = run_form(request, form, perform)
    return done or _readouts_page(request, office, member, key, sent={"publish": form})
