"""The office list and an office's dashboard: what is open now, what waits on the
viewer, the standing of both sides and the schedule's recent changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from liaison.channel import overview as channel_overview
from liaison.channel import receipts
from liaison.lib import clock
from liaison.meetings import changes as schedule_changes
from liaison.meetings import overview
from liaison.meetings import proposals as proposal_views
from liaison.meetings.standing import SessionOutcome
from liaison.offices import access
from liaison.offices import accounts as account_settings
from liaison.offices.models import Member, Office
from liaison.offices.overview import operator_acts_for
from liaison.web import forms
from liaison.web.context_processors import needs_of
from liaison.web.pages import office_page, office_today


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
                member, outcome.session, office_today(member.office, now)
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
    receipts.mark_shown(member, [w.message for w in waiting], opened=False, now=now)
    return waiting


@require_safe
@office_page
def dashboard(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    now = clock.now()
    board = overview.dashboard(office, now)
    needs = needs_of(request, member, now)
    # Listing the other side's messages shows them to this side: they are delivered.
    receipts.mark_shown(member, needs.messages, opened=False, now=now)
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
