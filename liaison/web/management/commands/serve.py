from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from config.asgi import application


class Command(BaseCommand):
    help = "Serve the web UI and the JSON API (uvicorn, ASGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.LIAISON_CLOCK:
            self.stdout.write(f"Clock set: starting from {settings.LIAISON_CLOCK}")
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ (Ctrl-C stops)")
        uvicorn.run(application, host=options["host"], port=options["port"], log_level="info")
