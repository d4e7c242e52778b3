"""When a session's user last proved who they are, and asking them again before a grave act.

Three instants live in the session, each in seconds since the epoch on the server's
clock (``liaison.lib.clock``):

- ``LOGIN_AT``: the sign-in; the session ends ``LIAISON_SESSION_MAX_HOURS`` later
  (``SessionTimeoutMiddleware``).
- ``SEEN_AT``: the last request (written at most once a minute, so reads stay reads); the
  session ends after ``LIAISON_SESSION_IDLE_MINUTES`` without one.
- ``AUTH_AT``: the last time the password (and the second factor, when the user has one)
  was given: at sign-in, and again on the ``account-reauth`` page.

All three are set by Django's ``user_logged_in`` signal, so every way of signing in
(the login page, the admin, a test client's ``force_login``) stamps them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from liaison.lib import clock

LOGIN_AT = "liaison_login_at"
SEEN_AT = "liaison_seen_at"
AUTH_AT = "liaison_auth_at"


def _stamp(now: dt.datetime) -> float:
    return now.timestamp()


def instant(session: SessionBase, key: str) -> dt.datetime | None:
    """One of the three instants, or None when the session has none."""
    value = session.get(key)
    if not isinstance(value, int | float):
        return None
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


def stamp_sign_in(session: SessionBase, now: dt.datetime) -> None:
    for key in (LOGIN_AT, SEEN_AT, AUTH_AT):
        session[key] = _stamp(now)


def stamp_reauthenticated(session: SessionBase, now: dt.datetime) -> None:
    session[AUTH_AT] = _stamp(now)


def on_user_logged_in(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **_: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request.session, clock.now())


def is_recent(session: SessionBase, now: dt.datetime, minutes: int | None = None) -> bool:
    """Whether the password was given within the last ``minutes`` (default
    ``LIAISON_REAUTH_MINUTES``). A session with no such instant is not recent."""
    window = settings.LIAISON_REAUTH_MINUTES if minutes is None else minutes
    at = instant(session, AUTH_AT)
    return at is not None and now - at <= dt.timedelta(minutes=window)


def _return_to(request: HttpRequest) -> str:
    """Where to come back after re-authenticating: this page for a GET; for a form that
    was posted, the page it was posted from (the post itself is not replayed)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse(settings.LOGIN_REDIRECT_URL)


def reauth_url(request: HttpRequest) -> str:
    return f"{reverse('account-reauth')}?{urlencode({'next': _return_to(request)})}"


def recent_auth_required(
    view: Callable[..., HttpResponse] | None = None, *, minutes: int | None = None
) -> Any:
    """Ask for the password again (and the TOTP code, when the user has a device) before
    ``view`` runs, unless it was given within the last ``minutes`` (default
    ``settings.LIAISON_REAUTH_MINUTES``, read at each request).

    Otherwise the user is redirected to ``account-reauth`` with ``next`` set to this page
    (for a GET) or to the page the form was posted from (a POST is never replayed: the
    user presses the button again), and the view does not run: nothing is written.

    Put it *under* the decorator that checks sign-in and access, so an outsider still
    gets the 404 and an anonymous visitor the login page::

        @require_POST
        @office_page
        @recent_auth_required
        def session_minutes_sign(request, office, member, key): ...

        @recent_auth_required(minutes=2)   # a stricter window for one view
        def office_key_rotate(request, office, member): ...

    The JSON API has its own check for session callers,
    ``liaison.api.auth.require_recent_sign_in(request)``; bearer tokens pass it.
    """

    def decorate(inner: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(inner)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_recent(request.session, clock.now(), minutes):
                messages.info(
                    request,
                    "For this, confirm it is you: enter your password again, then repeat "
                    "what you were doing.",
                )
                return redirect(reauth_url(request))
            return inner(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
