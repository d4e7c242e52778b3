"""The session page: a session's detail and the forms to check in, give notice of
absence, propose a move, postpone and cancel it. Each refusal is shown on the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.meetings import actions, overview
from liaison.meetings import proposals as proposal_views
from liaison.meetings.models import Status
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.web import forms
from liaison.web.pages import office_page, office_today, run_form, session_or_404
from liaison.web.record_states import record_states
from liaison.web.templatetags.liaison_web import when


def _action_forms(
    office: Office,
    member: Member,
    detail: overview.SessionDetail,
    now: dt.datetime,
    sent: dict[str, forms.ActionForm],
) -> dict[str, forms.ActionForm]:
    """The forms the member may use on this session now; a form just sent replaces its blank."""
    if not member.can_act_for_side:
        return {}
    session = detail.session
    mine = detail.for_side(member.side_key)
    result: dict[str, forms.ActionForm] = {}
    if detail.check_in_open and mine is not None and mine.check_in is None:
        attendees = overview.eligible_attendees(member, session, office_today(office, now))
        result["check_in"] = forms.CheckInForm(
            attendees=attendees, initial={"attendee": member.username}
        )
    if (
        session.is_scheduled
        and now < session.start
        and mine is not None
        and mine.check_in is None
        and mine.notice is None
    ):
        result["absence"] = forms.AbsenceForm()
    if detail.changeable:
        result["move"] = forms.MoveForm(zone_name=office.time_zone)
        if session.status != Status.POSTPONED:
            result["postpone"] = forms.PostponeForm()
        result["cancel"] = forms.CancelForm()
    result.update(sent)
    return result


def _session_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: dict[str, forms.ActionForm] | None = None,
) -> HttpResponse:
    now = clock.now()
    detail = overview.session_detail(office, key, now)
    if detail is None:
        access.refuse(request.user, f"session {office.id}/{key}", "no such session")
        raise Http404("No such session.")
    action_forms = _action_forms(office, member, detail, now, sent or {})
    return render(
        request,
        "web/session.html",
        {
            "office": office,
            "member": member,
            "detail": detail,
            "session": detail.session,
            "mine": detail.for_side(member.side_key),
            "forms": action_forms,
            "records": record_states(office, key),
            "proposals": proposal_views.for_session(office, key, now),
            "now": now,
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def session_detail(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    return _session_page(request, office, member, key)


def _act(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    name: str,
    form: forms.ActionForm,
    perform: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Run ``perform`` on the form's data: redirect with its message, or show the refusal."""
    url = reverse("session-detail", args=[office.id, key])
    done = run_form(request, form, lambda data: (perform(data), url))
    return done or _session_page(request, office, member, key, sent={name: form})


@require_POST
@office_page
def session_check_in(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    now = clock.now()
    session = session_or_404(request, office, key)
    attendees = overview.eligible_attendees(member, session, office_today(office, now))
    form = forms.CheckInForm(request.POST, attendees=attendees)

    def perform(data: dict[str, Any]) -> str:
        attendee: Member = data["attendee"]
        done = actions.check_in(member=member, key=key, now=now, attendee=attendee)
        return f"{member.side} checked in at {when(done.at)}: {attendee.full_name} attends."

    return _act(request, office, member, key, "check_in", form, perform)


@require_POST
@office_page
def session_absence(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    session_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> str:
        actions.give_notice_of_absence(
            member=member, key=key, reason=data["reason"], now=clock.now()
        )
        return f"Notice of absence given for {member.side}."

    return _act(request, office, member, key, "absence", forms.AbsenceForm(request.POST), perform)


@require_POST
@office_page
def session_move(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    session_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> str:
        start = actions.local_start(office, data["date"], data["time"])
        proposal = actions.propose_move(
            member=member, key=key, start=start, reason=data["reason"], now=clock.now()
        )
        return (
            f"New time {when(start)} proposed (proposal {proposal.key}); the session moves "
            "once the other side accepts it."
        )

    form = forms.MoveForm(request.POST, zone_name=office.time_zone)
    return _act(request, office, member, key, "move", form, perform)


@require_POST
@office_page
def session_postpone(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    session_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> str:
        actions.postpone_session(member=member, key=key, reason=data["reason"], now=clock.now())
        return "Session postponed. Move it to give it a new time."

    return _act(request, office, member, key, "postpone", forms.PostponeForm(request.POST), perform)


@require_POST
@office_page
def session_cancel(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    session_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> str:
        actions.cancel_session(member=member, key=key, reason=data["reason"], now=clock.now())
        return "Session cancelled."

    return _act(request, office, member, key, "cancel", forms.CancelForm(request.POST), perform)
