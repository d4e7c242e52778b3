from __future__ import annotations

import contextlib
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from liaison.lib.addresses import uvicorn_proxy_options


def server_config(host: str, port: int) -> uvicorn.Config:
    """How ``liaison serve`` runs uvicorn.

    uvicorn never takes the client's address from proxy headers (``liaison.lib
    .addresses`` applies ``LIAISON_PROXY_COUNT`` itself), and its access log is off: the
    request log (``liaison.requests``) names the address the lockout counts instead of
    the connection's peer."""
    from config.asgi import application

    return uvicorn.Config(
        application,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        **uvicorn_proxy_options(),
    )


class Command(BaseCommand):
    help = "Serve the web UI and the JSON API (uvicorn, ASGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.LIAISON_CLOCK:
            self.stdout.write(f"Clock set: starting from {settings.LIAISON_CLOCK}")
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ (Ctrl-C stops)")
        # Ctrl-C: uvicorn shuts down cleanly, then re-raises the interrupt (uvicorn.run
        # hides it the same way).
        with contextlib.suppress(KeyboardInterrupt):
            uvicorn.Server(server_config(options["host"], options["port"])).run()
