from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.lib import clock
from liaison.offices.models import Office
from liaison.signing import checkpoints
from liaison.signing.models import Checkpoint, Cosignature


class Command(BaseCommand):
    help = (
        "Sign checkpoints: each side of the office (or of every office) whose log has "
        "news signs its size and Merkle root, and the other side witnesses it. With "
        "--every, keep doing so on that schedule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office", nargs="?", help="one office (default: all)")
        parser.add_argument(
            "--every",
            type=float,
            nargs="?",
            const=-1,
            help="repeat every this many minutes (default LIAISON_CHECKPOINT_MINUTES)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        office = options["office"]
        if office is not None and not Office.objects.filter(id=office).exists():
            raise CommandError(f"unknown office {office!r}")
        every = options["every"]
        if every is None:
            self._round(office, options["json"])
            return
        minutes = settings.LIAISON_CHECKPOINT_MINUTES if every == -1 else every
        if minutes <= 0:
            raise CommandError("--every must be a positive number of minutes")
        while True:  # pragma: no cover - a worker loop; one round is tested
            self._round(office, options["json"])
            time.sleep(minutes * 60)

    def _round(self, office: str | None, as_json: bool) -> None:
        signed = checkpoints.sign_scheduled(clock.now(), office)
        if as_json:
            self.stdout.write(json.dumps([_data(c) for c in signed], indent=2))
            return
        for checkpoint in signed:
            self.stdout.write(
                f"{checkpoint.office}/{checkpoint.side}: size {checkpoint.size}, "
                f"root {checkpoint.root[:16]}…, {_verdict(checkpoint)}"
            )
        if not signed:
            self.stdout.write("nothing new to sign")


def _verdict(checkpoint: Checkpoint) -> str:
    witnessed = Cosignature.objects.filter(
        office_id=checkpoint.office,
        side=checkpoint.side,
        size=checkpoint.size,
        root=checkpoint.root,
    ).exists()
    return "cosigned" if witnessed else "REFUSED by the other side"


def _data(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "office": checkpoint.office,
        "side": checkpoint.side,
        "size": checkpoint.size,
        "root": checkpoint.root,
        "key": checkpoint.key,
        "cosigned": _verdict(checkpoint) == "cosigned",
    }
