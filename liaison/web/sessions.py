"""The session page: a session's detail and the forms to check in, give notice of
absence, propose a move, postpone and cancel it. Each refusal is shown on the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.meetings import attending, calling_off, overview, proposing
from liaison.meetings import proposals as proposal_views
from liaison.meetings.commands import (
    CancelSession,
    CheckInTo,
    NoticeOfAbsence,
    PostponeSession,
    ProposeMove,
)
from liaison.meetings.lookups import session_detail_for, session_for
from liaison.meetings.models import Status
from liaison.meetings.shared import local_start
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.web import forms
from liaison.web.pages import office_page, office_today, run_form
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
    detail = session_detail_for(member, key, now)
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
    session = session_for(member, key)
    attendees = overview.eligible_attendees(member, session, office_today(office, now))
    form = forms.CheckInForm(request.POST, attendees=attendees)

    def perform(data: dict[str, Any]) -> str:
        attendee: Member = data["attendee"]
        command = CheckInTo(key=key, attendee=attendee.username)
        done = attending.check_in(member=member, command=command, now=now)
        return f"{member.side} checked in at {when(done.at)}: {attendee.full_name} attends."

    return _act(request, office, member, key, "check_in", form, perform)


@require_POST
@office_page
def session_absence(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    session_for(member, key)

    def perform(data: dict[str, Any]) -> str:
        command = NoticeOfAbsence(key=key, **forms.given(data, "reason"))
        attending.give_notice_of_absence(member=member, command=command, now=clock.now())
        return f"Notice of absence given for {member.side}."

    return _act(request, office, member, key, "absence", forms.AbsenceForm(request.POST), perform)


@require_POST
@office_page
def session_move(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    session_for(member, key)

    def perform(data: dict[str, Any]) -> str:
        start = local_start(office, data["date"], data["time"])
        command = ProposeMove(key=key, start=start, **forms.given(data, "reason"))
        proposal = proposing.propose_move(member=member, command=command, now=clock.now())
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
    session_for(member, key)

    def perform(data: dict[str, Any]) -> str:
        command = PostponeSession(key=key, **forms.given(data, "reason"))
        calling_off.postpone_session(member=member, command=command, now=clock.now())
        return "Session postponed. Move it to give it a new time."

    return _act(request, office, member, key, "postpone", forms.PostponeForm(request.POST), perform)


@require_POST
@office_page
def session_cancel(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    session_for(member, key)

    def perform(data: dict[str, Any]) -> str:
        command = CancelSession(key=key, **forms.given(data, "reason"))
        calling_off.cancel_session(member=member, command=command, now=clock.now())
        return "Session cancelled."

    return _act(request, office, member, key, "cancel", forms.CancelForm(request.POST), perform)
