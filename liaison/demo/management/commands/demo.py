from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.demo import build as demo
from liaison.lib.clock import parse_instant
from liaison.offices.models import Office


class Command(BaseCommand):
    help = "Build the demo office (kaesong) from the source report's facts and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="build, then stop")
        parser.add_argument(
            "--clock",
            default=demo.DEMO_CLOCK,
            help=f"the instant the server's clock starts from "
            f"(default {demo.DEMO_CLOCK}, the report's evening)",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("the demo runs on a settable clock, which production mode refuses")
        try:
            parse_instant(options["clock"])
        except ValueError as exc:
            raise CommandError(f"--clock: {exc}") from None
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("LIAISON_DEMO_PASSWORD") or secrets.token_urlsafe(9)
        if Office.objects.filter(id=demo.SLUG).exists():
            demo.set_passwords(password)
            self.stdout.write(
                f"The demo office {demo.SLUG!r} is already built; its accounts have a new password."
            )
        else:
            demo.build(password)
            self.stdout.write(f"Built the demo office {demo.SLUG!r}.")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(f"Sign in at {url} as one of:")
        for account in demo.ACCOUNTS:
            side = account.side or "neither side"
            self.stdout.write(
                f"  {account.username:<12} {account.role:<9} {side:<13} {account.full_name}"
            )
        self.stdout.write(f"  {demo.OPERATOR:<12} operator  (Django admin at {url}admin/)")
        if os.environ.get("LIAISON_DEMO_PASSWORD"):
            self.stdout.write("Password: the value of $LIAISON_DEMO_PASSWORD")
        else:
            self.stdout.write(f"Password (shown once): {password}")
        self.stdout.write(f"The server's clock starts at {options['clock']}.")
        if options["no_serve"]:
            return
        settings.LIAISON_CLOCK = options["clock"]
        # The notification worker runs beside the server, in a process of its own, and
        # prints the emails it sends (the console mailer).
        env = {**os.environ, "LIAISON_CLOCK": options["clock"]}
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "liaison.cli", "notify", "--interval", "5"], env=env
            ),
            # Each side signs a checkpoint of its log when it has news, every 10 minutes.
            subprocess.Popen(
                [sys.executable, "-m", "liaison.cli", "checkpoint", "--every", "10"], env=env
            ),
        ]
        self.stdout.write("Email notifications: printed here by the notification worker.")
        self.stdout.write("Checkpoints: signed every 10 minutes when a log has news.")
        try:
            call_command("serve", host=options["host"], port=options["port"])
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=10)
