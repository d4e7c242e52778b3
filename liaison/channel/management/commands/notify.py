from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from liaison.channel.notify import run_once
from liaison.lib import clock


class Command(BaseCommand):
    help = (
        "Send the email notifications that are due (messages, the schedule's proposals, "
        "answers, postponements and cancellations, the operator's acts; daily digests). Runs "
        "until stopped, every --interval seconds; --once sends what is due and stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] <= 0:
            raise CommandError("--interval must be more than 0 seconds")
        while True:
            outcome = run_once(clock.now())
            if options["once"] or outcome.sent or outcome.failed or outcome.digests:
                self.stdout.write(
                    f"sent {outcome.sent}, digests {outcome.digests}, failed {outcome.failed} "
                    f"(kept for a retry), skipped {outcome.skipped}"
                )
            if options["once"]:
                return
            close_old_connections()
            time.sleep(options["interval"])
