from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.lib import clock
from liaison.lib.errors import NotAllowed, Refused
from liaison.offices.models import Member, Office
from liaison.signing import keys
from liaison.signing.commands import RotateKey
from liaison.signing.models import SideKey


class Command(BaseCommand):
    help = (
        "List each side's signing keys (fingerprints and the log sizes they sign for); "
        "with --rotate --as USER --reason TEXT, that head or deputy's side replaces its "
        "key, saying why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office")
        parser.add_argument("--rotate", action="store_true", help="rotate the side's key")
        parser.add_argument("--as", dest="user", help="the head or deputy rotating")
        parser.add_argument(
            "--reason", help="why the side rotates its key (1 to 500 characters; both sides see it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(id=options["office"]).first()
        if office is None:
            raise CommandError(f"unknown office {options['office']!r}")
        if options["rotate"]:
            if not options["user"]:
                raise CommandError("--rotate needs --as USER, the side's head or deputy")
            if not (options["reason"] or "").strip():
                raise CommandError("--rotate needs --reason TEXT: why the side replaces its key")
            member = Member.objects.filter(office=office, username=options["user"]).first()
            if member is None:
                raise CommandError(f"{options['user']!r} is not a member of {office.id}")
            try:
                command = RotateKey(reason=options["reason"])
                key = keys.rotate(member=member, command=command, now=clock.now())
            except (Refused, NotAllowed) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{key.side.key}: new key {key.fingerprint}")
            return
        rows = SideKey.objects.for_office(office).select_related("side")
        if not rows:
            self.stdout.write("no keys yet: the first checkpoint makes them")
        for key in rows:
            until = "now" if key.valid_until_size is None else f"{key.valid_until_size - 1}"
            why = f": {key.reason}" if key.reason else ""
            self.stdout.write(
                f"{key.side.key}: {key.fingerprint} (log sizes {key.valid_from_size} to {until})"
                f"{why}"
            )
