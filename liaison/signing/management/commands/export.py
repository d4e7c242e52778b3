from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.bundle import export
from liaison.lib import clock
from liaison.offices.models import Office


class Command(BaseCommand):
    help = (
        "Write a self-contained bundle of the office's logs (stored bytes) and signed "
        "checkpoints, for `liaison verify FILE` on any machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Office.objects.filter(id=options["office"]).exists():
            raise CommandError(f"unknown office {options['office']!r}")
        out = Path(options["out"])
        try:
            export.check_destination(out)
            data = export.build(options["office"], now=clock.now())
            export.save(data, out)
        except export.DestinationError as exc:
            raise CommandError(str(exc)) from None
        events = sum(len(log["events"]) for log in data["logs"])
        self.stdout.write(
            f"wrote {out}: {events} events in {len(data['logs'])} logs, "
            f"{len(data['checkpoints'])} checkpoints"
        )
