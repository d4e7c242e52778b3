"""The web pages. Each view parses input with a form, checks access through
``offices.access``, calls one action or read model, and renders or redirects.

Refusals: ``NotAllowed`` is a 403 page with its message; any other ``Refused`` is shown
as an error on the form that was sent. Unknown offices, offices the user is not a member
of and unknown sessions are the same 404 page, so nobody learns what exists elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from liaison.channel import actions as channel_actions
from liaison.channel import overview as channel_overview
from liaison.lib import clock
from liaison.lib.errors import NotAllowed, Refused
from liaison.meetings import actions, overview
from liaison.meetings import changes as schedule_changes
from liaison.meetings import proposals as proposal_views
from liaison.meetings.models import Status
from liaison.meetings.schedule import SessionInfo, find_session
from liaison.meetings.standing import SessionOutcome, outcomes_between
from liaison.offices import access
from liaison.offices import accounts as account_settings
from liaison.offices.models import Member, Office
from liaison.offices.overview import operator_acts_for
from liaison.web import forms, schedule
from liaison.web.context_processors import needs_of, remember
from liaison.web.record_states import record_states
from liaison.web.templatetags.liaison_web import when


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the user's membership of the office or 404; times in their zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: str) -> HttpResponse:
        try:
            office, member = access.get_office_for_user(request.user, slug)
        except Http404:
            return not_found(request)
        # The zone the person chose on their Account page, else their membership's.
        timezone.activate(account_settings.chosen_zone(request) or member.zone_name())
        remember(request, member)
        try:
            return view(request, office, member, **kwargs)
        except Http404:
            return not_found(request)
        except NotAllowed as exc:
            return render(
                request,
                "403.html",
                {"message": exc.message, "office": office, "member": member},
                status=403,
            )

    return login_required(wrapper)


def _today(office: Office, now: dt.datetime) -> dt.date:
    return now.astimezone(office.zone).date()


@require_safe
@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    memberships = access.offices_for(request.user)
    return render(request, "web/office_list.html", {"memberships": memberships})


@dataclass(frozen=True)
class OpenSession:
    """A session open for check-in now, with the viewer's check-in form if they may use it."""

    outcome: SessionOutcome
    form: forms.CheckInForm | None


def _open_sessions(
    member: Member, outcomes: list[SessionOutcome], now: dt.datetime
) -> list[OpenSession]:
    result = []
    for outcome in outcomes:
        form = None
        mine = outcome.by_side.get(member.side_key or "")
        if member.can_act_for_side and mine is not None and not mine.attended:
            attendees = overview.eligible_attendees(
                member, outcome.session, _today(member.office, now)
            )
            form = forms.CheckInForm(
                attendees=attendees,
                initial={"attendee": member.username},
                auto_id=f"open-{outcome.session.key}-%s",
            )
        result.append(OpenSession(outcome=outcome, form=form))
    return result


def _awaiting(member: Member, now: dt.datetime) -> list[channel_overview.Awaiting]:
    """The viewer's side's messages the other side has neither acknowledged nor answered
    (on no side: none). Shown messages are passed to ``mark_shown``, as on every page;
    for one's own side's messages it records nothing."""
    if member.side_id is None:
        return []
    waiting = channel_overview.awaiting(member.office, member.side_id, now)
    channel_actions.mark_shown(member, [w.message for w in waiting], opened=False, now=now)
    return waiting


@require_safe
@office_page
def dashboard(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    now = clock.now()
    board = overview.dashboard(office, now)
    needs = needs_of(request, member, now)
    # Listing the other side's messages shows them to this side: they are delivered.
    channel_actions.mark_shown(member, needs.messages, opened=False, now=now)
    return render(
        request,
        "web/dashboard.html",
        {
            "office": office,
            "member": member,
            "board": board,
            "standing": board.standing,
            "open_sessions": _open_sessions(member, board.open_now, now),
            "awaiting": _awaiting(member, now),
            "operator_acts": operator_acts_for(member, now),
            "operator_password_sign_in": account_settings.signed_in_with_operator_password(request),
            "open_proposals": proposal_views.open_proposals(office, now),
            "needs": needs,
            "schedule_changes": schedule_changes.recent_changes(member, now),
            "schedule_changes_days": schedule_changes.RECENT_DAYS,
            # The attendance window, unless it reaches back before the office's launch.
            "window_since": max(
                board.standing.window_start.astimezone(timezone.get_current_timezone()).date(),
                office.launched_on,
            ),
            "now": now,
            "nav": "dashboard",
        },
    )


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
        attendees = overview.eligible_attendees(member, session, _today(office, now))
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


def _session_or_404(request: HttpRequest, office: Office, key: str) -> SessionInfo:
    session = find_session(office, key)
    if session is None:
        access.refuse(request.user, f"session {office.id}/{key}", "no such session")
        raise Http404("No such session.")
    return session


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
    done = _run(request, form, lambda data: (perform(data), url))
    return done or _session_page(request, office, member, key, sent={name: form})


def _run(
    request: HttpRequest,
    form: forms.ActionForm,
    perform: Callable[[dict[str, Any]], tuple[str, str]],
) -> HttpResponse | None:
    """Run ``perform`` (it returns the success message and where to go next) on the
    form's data and redirect there; None when the form is invalid or the action refused,
    the refusal then on the field it names. NotAllowed is not a form error: it propagates."""
    if not form.is_valid():
        return None
    try:
        message, url = perform(form.cleaned_data)
    except NotAllowed:
        raise
    except Refused as exc:
        form.add_refusal(exc)
        return None
    messages.success(request, message)
    return redirect(url)


@require_POST
@office_page
def session_check_in(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    now = clock.now()
    session = _session_or_404(request, office, key)
    attendees = overview.eligible_attendees(member, session, _today(office, now))
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
    _session_or_404(request, office, key)

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
    _session_or_404(request, office, key)

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
    _session_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> str:
        actions.postpone_session(member=member, key=key, reason=data["reason"], now=clock.now())
        return "Session postponed. Move it to give it a new time."

    return _act(request, office, member, key, "postpone", forms.PostponeForm(request.POST), perform)


@require_POST
@office_page
def session_cancel(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    access.require_side_speaker(member)
    _session_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> str:
        actions.cancel_session(member=member, key=key, reason=data["reason"], now=clock.now())
        return "Session cancelled."

    return _act(request, office, member, key, "cancel", forms.CancelForm(request.POST), perform)


# The schedule page: cadences with their history, the sessions of a month, and (for a
# side's head or deputy) agreeing a cadence and scheduling an ad hoc session.


@dataclass(frozen=True)
class ScheduleRow:
    outcome: SessionOutcome
    status: str


def _schedule_url(office: Office, month: str = "") -> str:
    url = reverse("office-schedule", args=[office.slug])
    return f"{url}?{urlencode({'month': month})}" if month else url


def _cadence_initial(cards: list[schedule.CadenceCard], key: str) -> dict[str, Any]:
    """The form's starting values to change cadence ``key``: its version shown now."""
    card = next((c for c in cards if c.key == key), None)
    if card is None:
        return {}
    cadence = card.shown.cadence
    return {
        "key": cadence.key,
        "title": cadence.title,
        "rule": cadence.rule,
        "starts_on": cadence.starts_on,
        "start_time": cadence.start_time,
        "duration_minutes": cadence.duration_minutes,
        "grace_minutes": cadence.grace_minutes,
        "required_level": cadence.required_level,
    }


def _endable(cards: list[schedule.CadenceCard]) -> list[tuple[str, str]]:
    """The cadences that can still be ended: (key, label) for a choice field."""
    return [(c.key, f"{c.shown.cadence.title} ({c.key})") for c in cards if not c.ended]


def _schedule_forms(
    request: HttpRequest,
    office: Office,
    member: Member,
    cards: list[schedule.CadenceCard],
    sent: dict[str, forms.ActionForm],
) -> dict[str, forms.ActionForm]:
    """The forms the member may use on the schedule page; a form just sent replaces its blank."""
    if not member.can_act_for_side:
        return {}
    result: dict[str, forms.ActionForm] = {
        "cadence": forms.CadenceForm(
            zone_name=office.time_zone,
            initial=_cadence_initial(cards, request.GET.get("change", "")),
        ),
        "adhoc": forms.AdHocSessionForm(zone_name=office.time_zone),
    }
    keys = _endable(cards)
    if keys:
        result["end"] = forms.EndCadenceForm(zone_name=office.time_zone, keys=keys)
    result.update(sent)
    return result


def _schedule_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    sent: dict[str, forms.ActionForm] | None = None,
) -> HttpResponse:
    now = clock.now()
    zone = timezone.get_current_timezone()  # the viewer's, set by ``office_page``
    this_month = schedule.Month.of(now.astimezone(zone).date())
    lowest = min(schedule.Month.of(office.launched_on), this_month)
    highest = this_month.shift(schedule.MONTHS_AHEAD)
    month, month_error = schedule.parse_month(
        request.GET.get("month", ""), this_month, lowest, highest
    )
    start, end = month.bounds(zone)
    sides = list(office.sides.all())
    rows = [
        ScheduleRow(outcome=o, status=schedule.session_status(o, now))
        for o in outcomes_between(office, sides, start, end, now)
    ]
    cards = schedule.cadence_cards(office, now)
    query = urlencode({"month": month.param}) if month != this_month else ""
    return render(
        request,
        "web/schedule.html",
        {
            "office": office,
            "member": member,
            "now": now,
            "sides": sides,
            "cadences": cards,
            "month": month,
            "this_month": this_month,
            "month_error": month_error,
            "previous_month": month.shift(-1) if month > lowest else None,
            "next_month": month.shift(1) if month < highest else None,
            "rows": rows,
            "query": f"?{query}" if query else "",
            "forms": _schedule_forms(request, office, member, cards, sent or {}),
            "open_proposals": proposal_views.open_proposals(office, now),
            "recent_proposals": proposal_views.recent_proposals(office, now),
            "nav": "schedule",
        },
        status=400 if sent or month_error else 200,
    )


@require_safe
@office_page
def office_schedule(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    return _schedule_page(request, office, member)


def _schedule_act(
    request: HttpRequest,
    office: Office,
    member: Member,
    name: str,
    form: forms.ActionForm,
    perform: Callable[[dict[str, Any]], tuple[str, str]],
) -> HttpResponse:
    """Run ``perform`` on the form's data; a refusal is shown on the schedule page."""
    done = _run(request, form, perform)
    return done or _schedule_page(request, office, member, sent={name: form})


def _effective(office: Office, data: dict[str, Any]) -> dt.datetime | None:
    """The form's "from" date and time in the office's zone; None (now) when left empty."""
    if data["effective_date"] is None:
        return None
    return actions.local_start(office, data["effective_date"], data["effective_time"])


@require_POST
@office_page
def office_cadence_set(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        effective = _effective(office, data)
        proposal = actions.propose_cadence(
            member=member,
            key=data["key"],
            title=data["title"],
            rule=data["rule"],
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            grace_minutes=data["grace_minutes"],
            required_level=data["required_level"],
            effective=effective,
            reason=data["reason"],
            now=clock.now(),
        )
        message = (
            f"Cadence {proposal.subject} proposed (proposal {proposal.key}): it binds both "
            f"sides once the other side accepts it, by {when(proposal.answer_by)}."
        )
        return message, reverse("proposal-detail", args=[office.slug, proposal.key])

    form = forms.CadenceForm(request.POST, zone_name=office.time_zone)
    return _schedule_act(request, office, member, "cadence", form, perform)


@require_POST
@office_page
def office_session_schedule(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        proposal = actions.propose_session(
            member=member,
            title=data["title"],
            start=actions.local_start(office, data["date"], data["time"]),
            duration_minutes=data["duration_minutes"],
            grace_minutes=data["grace_minutes"],
            required_level=data["required_level"],
            now=clock.now(),
        )
        message = (
            f"Session proposed (proposal {proposal.key}): it takes place once the other "
            f"side accepts it, by {when(proposal.answer_by)}."
        )
        return message, reverse("session-detail", args=[office.slug, proposal.subject])

    form = forms.AdHocSessionForm(request.POST, zone_name=office.time_zone)
    return _schedule_act(request, office, member, "adhoc", form, perform)


@require_POST
@office_page
def office_cadence_end(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    now = clock.now()

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        effective = _effective(office, data)
        proposal = actions.propose_cadence_end(
            member=member, key=data["key"], reason=data["reason"], effective=effective, now=now
        )
        message = (
            f"End of cadence {data['key']} proposed (proposal {proposal.key}): it ends once "
            "the other side accepts it."
        )
        return message, reverse("proposal-detail", args=[office.slug, proposal.key])

    form = forms.EndCadenceForm(
        request.POST, zone_name=office.time_zone, keys=_endable(schedule.cadence_cards(office, now))
    )
    return _schedule_act(request, office, member, "end", form, perform)
