"""API tokens: how a script or another tool signs in to the JSON API.

A plain model, not a projection: tokens are credentials, not part of the office's
record, and are never exported. Only the SHA-256 of a key is stored; the key itself is
shown once, when it is issued. The first characters (``prefix``) name a token in
listings and when revoking it.

A token acts as one member of one office (``member``): it reaches that office only, and
only while the membership is active. Tokens issued before this scope existed have no
member and are refused (401) with a message saying to issue a new one: which office
such a token was meant for cannot be known, so none is guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.dispatch import receiver

from liaison.api.commands import NAME_MAX, PREFIX_LENGTH, IssueToken
from liaison.lib.errors import NotFound, Refused
from liaison.offices.access import refuse
from liaison.offices.accounts import operator_set_password
from liaison.offices.actions import record_operator_act
from liaison.offices.models import Member


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def with_prefix(self, prefix: str) -> ApiTokenQuerySet:
        return self.filter(prefix=prefix)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    # The membership the token acts as. No database constraint, like Member.user: members
    # are projections, rebuilt from the log without the accounts' tables.
    member = models.ForeignKey(
        Member,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(max_length=NAME_MAX, blank=True)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, hex")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


def issue_token(member: Member, *, command: IssueToken, now: dt.datetime) -> tuple[ApiToken, str]:
    """A new token acting as ``member`` (one office) and its key, which is stored nowhere.

    Refused when the membership is not active today (office time) or the account is
    inactive."""
    user: AbstractBaseUser = member.user
    if not user.is_active:
        raise Refused(f"the account {member.username!r} is inactive", field="user")
    if not member.is_active_on(now.astimezone(member.office.zone).date()):
        raise Refused(
            f"{member.username!r} is not an active member of {member.office_id!r}",
            field="member",
        )
    while True:
        # Hex: a key (and its prefix) never starts with "-" or needs quoting in a shell.
        key = secrets.token_hex(32)
        # A prefix names one token: draw again in the unlikely case it is taken.
        if not ApiToken.objects.with_prefix(key[:PREFIX_LENGTH]).exists():
            break
    token = ApiToken.objects.create(
        user_id=user.pk,
        member=member,
        name=command.name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_at=now,
    )
    return token, key


def issue_operator_token(
    member: Member, *, command: IssueToken, actor: str, now: dt.datetime
) -> tuple[ApiToken, str]:
    """The operator's token acting as ``member``: the office's charter log says he made
    one (its member and heads see it), or no token is made."""
    with transaction.atomic():
        token, key = issue_token(member, command=command, now=now)
        record_operator_act(
            user=member.user,
            kind="account.token_issued",
            actor=actor,
            now=now,
            offices=[member.office_id],
            body={"token": token.prefix},
        )
    return token, key


NO_TOKEN = "No such token."  # noqa: S105 - a message, not a secret


def own_token_for(user: AbstractBaseUser, prefix: str) -> ApiToken:
    """The user's own token ``prefix``; another user's reads as none (``NotFound``,
    logged here)."""
    token = ApiToken.objects.filter(user_id=user.pk or 0, prefix=prefix).first()
    if token is None:
        refuse(user, f"API token {prefix}", "not the user's own")
        raise NotFound(NO_TOKEN)
    return token


def revoke_token(token: ApiToken, *, now: dt.datetime) -> bool:
    """Revoke ``token`` (refused from the next request on); False if it already was."""
    return ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now) == 1


def revoke_tokens_of(user: AbstractBaseUser, *, now: dt.datetime) -> int:
    """Revoke every token of ``user`` still in force; how many were."""
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(revoked_at=now)


@receiver(operator_set_password, dispatch_uid="liaison-revoke-tokens-on-operator-password")
def _operator_set_password(
    sender: object, user: AbstractBaseUser, now: dt.datetime, **kw: object
) -> None:
    # Whoever knows the password the operator set may have issued or copied nothing, but
    # a token from before it could be in anyone's hands by then: none outlives it.
    revoke_tokens_of(user, now=now)
