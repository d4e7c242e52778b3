"""The sign-in lockout's authentication backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
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
