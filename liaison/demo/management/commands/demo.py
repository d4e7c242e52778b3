from __future__ import annotations

import contextlib
import os
import secrets
import signal
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
        if options["host"] not in LOOPBACK:
            self.stdout.write(
                "Serving beyond this machine: set ALLOWED_HOSTS to the names or addresses "
                "people will use to reach it."
            )
        env = served_env(options["clock"])
        # The notification worker and the checkpoint round run beside the server, each in
        # a process of its own; the worker prints the emails it sends (the console mailer).
        # Ctrl-C reaches them too: they ignore it and are stopped below, quietly, once the
        # server has shut down.
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "liaison.cli", "notify", "--interval", "5"],
                env=env,
                preexec_fn=_ignore_interrupt,
            ),
            # Each side signs a checkpoint of its log when it has news, every 10 minutes.
            subprocess.Popen(
                [sys.executable, "-m", "liaison.cli", "checkpoint", "--every", "10"],
                env=env,
                preexec_fn=_ignore_interrupt,
            ),
        ]
        self.stdout.write("Email notifications: printed here by the notification worker.")
        self.stdout.write("Checkpoints: signed every 10 minutes when a log has news.")
        self.stdout.flush()
        server = subprocess.Popen(serve_argv(options["host"], options["port"]), env=env)  # noqa: S603
        processes.append(server)
        try:
            # Ctrl-C reaches the whole process group: the server is stopping too.
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=10)


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _ignore_interrupt() -> None:
    # Python installs no KeyboardInterrupt handler in a process started with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def served_env(clock: str) -> dict[str, str]:
    """The environment of the demo's server and workers: its clock, and DEBUG off.

    The demo is what a new user puts on a network, so it is served as production serves:
    an unknown address is the plain 404 page, not Django's list of every URL pattern, and
    an error is the 500 page, its traceback in the server's log only. Static files are
    still served (WhiteNoise, from the apps' directories outside production mode)."""
    return {**os.environ, "LIAISON_CLOCK": clock, "DEBUG": "false"}


def serve_argv(host: str, port: int) -> list[str]:
    """``liaison serve`` in a process of its own, which reads ``served_env`` from the start
    (settings are read once, when a process starts)."""
    return [sys.executable, "-m", "liaison.cli", "serve", "--host", host, "--port", str(port)]
