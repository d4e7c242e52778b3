from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.bundle import backup
from liaison.bundle.management.files import OfficeFileCommand


class Command(OfficeFileCommand):
    help = (
        "Write a backup of one office: its logs and checkpoints, each side's drafts, "
        "private notes and sealed keys, the members' accounts and the attachment files. "
        "Keep it as safe as the database: it holds both sides' private content."
    )

    def build(self, office: str, now: dt.datetime) -> dict[str, Any]:
        return backup.build(office, now=now)

    def summary(self, data: dict[str, Any]) -> str:
        events = sum(len(item["events"]) for item in data["bundle"]["logs"])
        rows = sum(len(rows) for rows in data["private"].values())
        return (
            f"{events} events, {rows} private rows, {len(data['attachments'])} files, "
            f"{len(data['users'])} accounts"
        )
