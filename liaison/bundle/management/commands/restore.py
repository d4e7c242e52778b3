from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.bundle import backup
from liaison.lib.errors import Refused


class Command(BaseCommand):
    help = (
        "Restore an office from `liaison backup` into this database (where it must not "
        "exist), then check it: verify passes and each log's root equals its last "
        "cosigned checkpoint's. Nothing is kept of a restore that does not verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CommandError(f"{path} is not a Liaison backup (not JSON)") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path} is not a Liaison backup")
        try:
            result = backup.restore(data)
        except Refused as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"restored {result.office}: {result.events} events, {result.rows} private rows, "
            f"{result.files} files; verify passes"
        )
        for side, (size, root) in sorted(result.roots.items()):
            self.stdout.write(
                f"{side}: root of the first {size} events {root[:16]}… equals the last "
                "cosigned checkpoint's"
            )
