"""The plumbing every office page shares: the ``office_page`` decorator, the 404 page,
running a form's action. Objects are looked up in their app's ``lookups`` (a session:
``meetings.lookups.session_for``), whose ``NotFound`` is the 404 page.

Refusals: ``NotAllowed`` is a 403 page with its message; any other ``Refused`` is shown
as an error on the form that was sent. Unknown offices, offices the user is not a member
of and objects out of the member's reach (``Http404`` or ``NotFound``) are the same 404
page, so nobody learns what exists elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from liaison.lib.errors import NotAllowed, NotFound, Refused
from liaison.offices import access
from liaison.offices import accounts as account_settings
from liaison.offices.models import Office
from liaison.web import forms
from liaison.web.context_processors import remember


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the user's membership of the office or 404; times in their zone.

    ``NotFound`` is a 404 page like ``Http404``: the lookup that raised it has logged
    the refusal already."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: str) -> HttpResponse:
        try:
            office, member = access.get_office_for_user(request.user, slug)
        except (Http404, NotFound):
            return not_found(request)
        # The zone the person chose on their Account page, else their membership's.
        timezone.activate(account_settings.chosen_zone(request) or member.zone_name())
        remember(request, member)
        try:
            return view(request, office, member, **kwargs)
        except (Http404, NotFound):
            return not_found(request)
        except NotAllowed as exc:
            return render(
                request,
                "403.html",
                {"message": exc.message, "office": office, "member": member},
                status=403,
            )

    return login_required(wrapper)


def run_form(
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


def office_today(office: Office, now: dt.datetime) -> dt.date:
    """The date ``now`` in the office's zone."""
    return now.astimezone(office.zone).date()
