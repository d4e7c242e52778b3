"""The shape ``liaison export`` and ``liaison backup`` share: OFFICE --out FILE, one line
for an unknown office or a file that cannot be written, a summary of what was written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.bundle import export
from liaison.lib import clock
from liaison.offices.models import Office


class OfficeFileCommand(BaseCommand):
    def build(self, office: str, now: dt.datetime) -> dict[str, Any]:
        raise NotImplementedError

    def summary(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Office.objects.filter(id=options["office"]).exists():
            raise CommandError(f"unknown office {options['office']!r}")
        out = Path(options["out"])
        try:
            export.check_destination(out)
            data = self.build(options["office"], clock.now())
            export.save(data, out)
        except export.DestinationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"wrote {out}: {self.summary(data)}")
