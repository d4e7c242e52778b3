"""When a session's user last proved who they are, and whether that is recent enough for
a grave act: the policy both the pages (``web.reauth``, which asks again) and the API
(``api.auth.require_recent_sign_in``, which refuses) apply.

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
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

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
