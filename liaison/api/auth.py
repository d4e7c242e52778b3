"""Who is calling: a bearer token, or the browser's Django session.

``Authorization: Bearer <key>`` is looked up by the key's SHA-256; an unknown or revoked
key is a 401 at once, even when a session cookie came along too, so a script never
acts as whoever happens to be signed in to the browser. A token acts as one member of
one office (``ApiToken.member``): another office reads as unknown (404, ``member_for``);
a token with no member (issued before tokens were scoped) or whose membership has ended
is a 401 saying so.

Signing (``require_recent_sign_in``) asks a session caller to have given the password
within ``LIAISON_REAUTH_MINUTES``. A bearer token passes: it has no password to give
again; it is already limited to one member, revocable at once, and issued by the
operator or revoked by the member on the Account page.

The session is the web UI's own sign-in. CSRF is enforced for unsafe methods, as on the
UI's forms: a page on another site cannot make a member's browser post to the API. The
CSRF check runs only once the session is known to be signed in, so an anonymous call
gets a 401, not a confusing CSRF 403.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from liaison.api.models import ApiToken, hash_key
from liaison.lib import clock
from liaison.lib.errors import NotAllowed
from liaison.offices import reauth

logger = logging.getLogger("liaison.access")

# ``last_used_at`` is a hint for the operator, not an audit trail: writing it at most once
# a minute keeps a busy script from turning every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = (
            ApiToken.objects.select_related("user", "member__office")
            .filter(key_hash=hash_key(token.strip()))
            .first()
        )
        if found is None:
            logger.warning("refused API token %r: unknown", token[:8])
            raise AuthenticationError(message="Unknown API token.")
        if found.is_revoked:
            logger.warning("refused API token %s…: revoked", found.prefix)
            raise AuthenticationError(message="This API token was revoked.")
        user = found.user
        if not user.is_active:
            logger.warning("refused API token %s…: account %s inactive", found.prefix, user)
            raise AuthenticationError(message="This account is inactive.")
        now = clock.now()
        member = found.member
        if member is None:
            logger.warning(
                "refused API token %s…: issued before tokens named a member", found.prefix
            )
            raise AuthenticationError(
                message="This API token names no office member (it predates per-office "
                "tokens): ask for a new one (liaison api_token create USER --office OFFICE)."
            )
        if not member.is_active_on(now.astimezone(member.office.zone).date()):
            logger.warning("refused API token %s…: membership %s ended", found.prefix, member.id)
            raise AuthenticationError(
                message="The office membership this API token was issued for has ended."
            )
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        return user


class MemberSessionAuth(SessionAuth):
    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        # Checks CSRF for unsafe methods (403 when it fails), then returns the user.
        return super().__call__(request)


AUTH = [TokenAuth(), MemberSessionAuth()]


def caller(request: HttpRequest) -> AbstractBaseUser:
    """The authenticated user (ninja sets ``request.auth`` before the view runs)."""
    return cast(AbstractBaseUser, request.auth)  # type: ignore[attr-defined]


def token_of(request: HttpRequest) -> ApiToken | None:
    """The bearer token the request was authenticated with, if it was."""
    return getattr(request, "api_token", None)


def require_recent_sign_in(request: HttpRequest) -> None:
    """A 403 for a session caller whose password is older than ``LIAISON_REAUTH_MINUTES``
    (see the module's docstring for tokens); call it before a signing action."""
    if token_of(request) is not None:
        return
    if not reauth.is_recent(request.session, clock.now()):
        minutes = settings.LIAISON_REAUTH_MINUTES
        raise NotAllowed(
            f"Signing needs a password given within the last {minutes} minutes: confirm it "
            "on /account/reauth/ (or sign in again), then retry."
        )
