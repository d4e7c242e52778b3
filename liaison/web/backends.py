"""The sign-in lockout: its authentication backend and its django-axes handler."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins that come with a request.

    Every password form served over HTTP (the login page, re-authentication, the admin)
    passes its request to ``authenticate``; a call without one comes from code on the
    server (a shell, a test client's ``login``), where there is no address to lock out,
    so it is let through to the password check instead of failing."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins within the cool-off: of this username from this address, and of
    any username from this address, each with the time of its latest failure."""

    pair: int
    pair_last: dt.datetime | None
    address: int
    address_last: dt.datetime | None


def failures(request: HttpRequest, username: str | None) -> Failures:
    """The counts for a request axes has seen (``axes_ip_address`` and the attempt's
    time are set on it)."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        attempt_time__gte=get_cool_off_threshold(request),
    )
    mine = Q(username=username)
    found = attempts.aggregate(
        pair=Sum("failures_since_start", filter=mine, default=0),
        pair_last=Max("attempt_time", filter=mine),
        address=Sum("failures_since_start", default=0),
        address_last=Max("attempt_time"),
    )
    return Failures(**found)


def address_locked(found: Failures) -> bool:
    return found.address >= settings.LIAISON_LOGIN_ADDRESS_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit per address.

    Axes combines lockout parameters (``AXES_LOCKOUT_PARAMETERS``) under one failure
    limit; an address spraying one password over many usernames needs a limit of its own
    (``LIAISON_LOGIN_ADDRESS_FAILURE_LIMIT``) beside the username-and-address one. Axes
    compares ``get_failures`` with its limit both when a failure is recorded and before a
    password is checked, so an address over its own limit reads as at the pair's limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        found = failures(request, get_client_username(request, credentials))
        if address_locked(found):
            return max(found.pair, get_failure_limit(request, credentials))
        return found.pair
