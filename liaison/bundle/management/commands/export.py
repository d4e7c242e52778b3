from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.bundle import export
from liaison.bundle.management.files import OfficeFileCommand


class Command(OfficeFileCommand):
    help = (
        "Write a self-contained bundle of the office's logs (stored bytes) and signed "
        "checkpoints, for `liaison verify FILE` on any machine."
    )

    def build(self, office: str, now: dt.datetime) -> dict[str, Any]:
        return export.build(office, now=now)

    def summary(self, data: dict[str, Any]) -> str:
        events = sum(len(log["events"]) for log in data["logs"])
        return (
            f"{events} events in {len(data['logs'])} logs, {len(data['checkpoints'])} checkpoints"
        )
