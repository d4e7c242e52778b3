"""Who is calling: a bearer token, or the browser's Django session.

``Authorization: Bearer <key>`` is looked up by the key's SHA-256; an unknown or revoked
key is a 401 at once, even when a session cookie came along too, so a script never
acts as whoever happens to be signed in to the browser.

The session is the web UI's own sign-in. CSRF is enforced for unsafe methods, as on the
UI's forms: a page on another site cannot make a member's browser post to the API. The
CSRF check runs only once the session is known to be signed in, so an anonymous call
gets a 401, not a confusing CSRF 403.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from liaison.api.models import ApiToken, hash_key
from liaison.lib import clock

logger = logging.getLogger("liaison.access")

# ``last_used_at`` is a hint for the operator, not an audit trail: writing it at most once
# a minute keeps a busy script from turning every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = (
            ApiToken.objects.select_related("user").filter(key_hash=hash_key(token.strip())).first()
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
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = user
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
