from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.bundle import check
from liaison.bundle.audit import verify
from liaison.ledger.models import Log
from liaison.offices.models import Office


class Command(BaseCommand):
    help = (
        "Check every log's hash chain on its stored bytes and rebuild the projections from "
        "the logs in a scratch database to compare with the live ones. Exit 0 when intact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="an export bundle: checked offline, without the database"
        )
        parser.add_argument("--against", help="with FILE: checkpoints you kept, to compare")
        parser.add_argument("--office", help="only this office (default: all)")
        parser.add_argument(
            "--chains-only", action="store_true", help="skip rebuilding the projections"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            argv = [options["file"]] + (
                ["--against", options["against"]] if options["against"] else []
            )
            code = check.main(argv)
            if code:
                raise CommandError("the bundle is not intact" if code == 1 else "unreadable input")
            return
        if options["against"]:
            raise CommandError("--against compares a bundle FILE with your checkpoints")
        office = options["office"]
        if (
            office is not None
            and not Office.objects.filter(id=office).exists()
            and not Log.objects.filter(office=office).exists()
        ):
            raise CommandError(f"unknown office {office!r}")
        problems = verify(office, projections=not options["chains_only"])
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s) found; the first is {problems[0]}")
        scope = office or "all offices"
        self.stdout.write(f"intact: {scope}")
