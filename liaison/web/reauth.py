"""Asking a page's user to prove who they are again before a grave act: the
``recent_auth_required`` decorator and the way to the ``account-reauth`` page.

When the password was last given, and how recent is recent enough, is
``liaison.offices.reauth``, the policy the API applies too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from liaison.lib import clock
from liaison.offices.reauth import is_recent


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
