"""``liaison api_token create USER [--office SLUG] [--name N] | list [USER] | revoke PREFIX``.

The key is printed once, by ``create``; only its SHA-256 is kept, so a lost key is
revoked and replaced, never recovered. A token acts as the user's membership of one
office: ``--office`` names it, and may be left out when the user is an active member of
exactly one office. Revoking takes effect at the next request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.api.commands import PREFIX_LENGTH, IssueToken, RevokeToken
from liaison.api.models import ApiToken, issue_operator_token, revoke_token
from liaison.lib import clock
from liaison.lib.commands import Invalid
from liaison.lib.errors import Refused
from liaison.offices.access import offices_for
from liaison.offices.actions import OPERATOR
from liaison.offices.models import Member


def _user(username: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no account named {username!r}")
    return user


def _line(exc: Refused) -> str:
    """A refusal as one line of stderr (a command's ``Invalid``: each field's messages)."""
    if isinstance(exc, Invalid):
        return "; ".join(m for messages in exc.errors.values() for m in messages)
    return exc.message


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


class Command(BaseCommand):
    help = "Create, list and revoke tokens for the JSON API (Authorization: Bearer <token>)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="issue a token; its key is printed once")
        create.add_argument("user", help="the account the token acts as")
        create.add_argument(
            "--office", default=None, help="the office it acts in (needed for several)"
        )
        create.add_argument("--name", default="", help="what the token is for, e.g. a script")
        listing = actions.add_parser("list", help="tokens (all, or one account's)")
        listing.add_argument("user", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix", help=f"the first {PREFIX_LENGTH} characters of the key")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create_token(options["user"], options["office"], options["name"])
        elif action == "list":
            self.list_tokens(options["user"])
        else:
            self.revoke_token(options["prefix"])

    def create_token(self, username: str, office: str | None, name: str) -> None:
        try:
            command = IssueToken(name=name)
            user = _user(username)
            member = self._member(user, username, office)
            token, key = issue_operator_token(
                member, command=command, actor=OPERATOR, now=clock.now()
            )
        except Refused as exc:
            raise CommandError(_line(exc)) from None
        self.stdout.write(key)
        self.stderr.write(
            f"Token {token.prefix} for {username} in {member.office_id}: shown once; send it "
            "as 'Authorization: Bearer <token>'."
        )

    def _member(self, user: AbstractBaseUser, username: str, office: str | None) -> Member:
        if office is not None:
            member = (
                Member.objects.select_related("office", "user")
                .filter(office_id=office, user_id=user.pk)
                .first()
            )
            if member is None:
                raise CommandError(f"{username!r} is not a member of an office {office!r}")
            return member
        active = [member for _office, member in offices_for(user)]
        if len(active) == 1:
            return active[0]
        if not active:
            raise CommandError(f"{username!r} is not an active member of any office")
        slugs = ", ".join(sorted(m.office_id for m in active))
        raise CommandError(
            f"{username!r} is a member of several offices ({slugs}): name one with --office"
        )

    def list_tokens(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user", "member").order_by(
            "user__username", "created_at"
        )
        if username is not None:
            tokens = tokens.filter(user_id=_user(username).pk)
        rows = list(tokens)
        if not rows:
            self.stdout.write("No tokens.")
            return
        for token in rows:
            state = f"revoked {_when(token.revoked_at)}" if token.is_revoked else "active"
            office = token.member.office_id if token.member else "(no office: refused)"
            self.stdout.write(
                f"{token.prefix}  {token.user.get_username():<20} {office:<20} "
                f"{token.name or '-':<20} "
                f"created {_when(token.created_at)}  last used {_when(token.last_used_at)}  "
                f"{state}"
            )

    def revoke_token(self, prefix: str) -> None:
        try:
            command = RevokeToken(token=prefix)
        except Refused as exc:
            raise CommandError(_line(exc)) from None
        token = ApiToken.objects.with_prefix(command.token).first()
        if token is None:
            raise CommandError(f"no token starts with {prefix!r}")
        if not revoke_token(token, now=clock.now()):
            raise CommandError(f"token {prefix} was already revoked at {_when(token.revoked_at)}")
        self.stdout.write(f"Revoked token {prefix} ({token.user.get_username()}).")
