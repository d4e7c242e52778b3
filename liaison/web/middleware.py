from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from asgiref.sync import sync_to_async
from axes.helpers import get_lockout_response
from axes.middleware import AxesMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from liaison.lib import clock
from liaison.lib.addresses import client_address
from liaison.offices import reauth

logger = logging.getLogger("liaison.access")
request_logger = logging.getLogger("liaison.requests")


class RequestLogMiddleware:
    """One line per request: the client's address (``client_address``, so behind proxies
    the same address the lockout counts), the method, the path and the status.

    ``liaison serve`` turns uvicorn's own access log off: it names the connection's peer,
    which behind a proxy is the proxy. The query string is left out; it can carry what a
    member searched for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        request_logger.info(
            '%s "%s %s" %s',
            client_address(request),
            request.method,
            request.path,
            response.status_code,
        )
        return response


class PrivateResponseMiddleware:
    """``Cache-Control: no-store`` (and Django's other never-cache headers) on every
    answer to a signed-in member or an API token.

    Such answers carry a side's own drafts, notes and messages; no browser cache, shared
    proxy or back button should keep them. Static files are served before this runs
    (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: a sign-in has set the user by now, a token call too (the API's
        # auth sets ``request.user``); a sign-out answers with the page that follows it.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response


class LockoutMiddleware(AxesMiddleware):
    """django-axes' middleware, with its asynchronous path fixed.

    Under ASGI (``liaison serve``) axes 8.3 passes the credentials where the view's
    response belongs, so the lockout callable got a dict instead of the login page and
    the sign-in that locked an account out answered 500. This path hands it the page."""

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = await self.get_response(request)
        if getattr(settings, "AXES_ENABLED", True) and getattr(request, "axes_locked_out", None):
            credentials = getattr(request, "axes_credentials", None)
            response = await sync_to_async(get_lockout_response, thread_sensitive=True)(
                request, response, credentials
            )
        return response


class MemberTimezoneMiddleware:
    """Starts every request in UTC and leaves no zone behind for the next one.

    A person's zone depends on the office (their membership there, else their side's,
    else the office's), so office pages activate it once they know the membership
    (``liaison.web.pages.office_page``); pages outside an office show times in UTC.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# A request records its instant in the session only when the last one is at least this
# old: idle detection needs no finer grain, and most requests then write nothing.
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def session_ended(session: SessionBase, now: dt.datetime) -> str | None:
    """Why a signed-in session is over (a sentence for the user), or None."""
    login_at = reauth.instant(session, reauth.LOGIN_AT)
    seen_at = reauth.instant(session, reauth.SEEN_AT)
    if login_at is None or seen_at is None:
        return "Your session has ended: please sign in again."
    max_hours = settings.LIAISON_SESSION_MAX_HOURS
    if now - login_at > dt.timedelta(hours=max_hours):
        return f"You were signed out: a session lasts at most {max_hours} hours."
    idle = settings.LIAISON_SESSION_IDLE_MINUTES
    if now - seen_at > dt.timedelta(minutes=idle):
        return f"You were signed out after {idle} minutes without activity."
    return None


class SessionTimeoutMiddleware:
    """Ends a signed-in session that has been idle too long or has lasted too long.

    The web UI is sent to the login page with the reason (and back here afterwards, for a
    GET); the API goes on as anonymous, so the caller gets its 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = clock.now()
            reason = session_ended(request.session, now)
            if reason is not None:
                logger.info("signed out %s: %s", request.user.get_username(), reason)
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, reason)
                    query = f"?{urlencode({'next': request.get_full_path()})}"
                    return redirect(
                        reverse(settings.LOGIN_URL) + (query if request.method == "GET" else "")
                    )
            else:
                seen_at = reauth.instant(request.session, reauth.SEEN_AT)
                if seen_at is not None and now - seen_at >= SEEN_RESOLUTION:
                    request.session[reauth.SEEN_AT] = now.timestamp()
        return self.get_response(request)
