from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.bundle import backup, export
from liaison.lib import clock
from liaison.offices.models import Office


class Command(BaseCommand):
    help = (
        "Write a backup of one office: its logs and checkpoints, each side's drafts, "
        "private notes and sealed keys, the members' accounts and the attachment files. "
        "Keep it as safe as the database: it holds both sides' private content."
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
            data = backup.build(options["office"], now=clock.now())
            export.save(data, out)
        except export.DestinationError as exc:
            raise CommandError(str(exc)) from None
        events = sum(len(item["events"]) for item in data["bundle"]["logs"])
        rows = sum(len(rows) for rows in data["private"].values())
        self.stdout.write(
            f"wrote {out}: {events} events, {rows} private rows, "
            f"{len(data['attachments'])} files, {len(data['users'])} accounts"
        )
