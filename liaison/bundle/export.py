"""``liaison export``: an office's shared record as one self-contained file.

The bundle (format in docs/bundle.md) holds the stored bytes of every event of the
office's charter log and both sides' logs, in commit order, and every checkpoint the
sides signed. Key history and cosignatures are events in those logs. Nothing private
is in it: drafts and private notes never enter the shared logs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from liaison.bundle.reading import FORMAT, VERSION
from liaison.ledger.models import Event, Log
from liaison.lib.timezones import format_utc
from liaison.signing.models import Checkpoint


def build(office: str, *, now: dt.datetime) -> dict[str, Any]:
    logs = []
    for log in Log.objects.filter(office=office).order_by("side"):
        events = (
            Event.objects.filter(log=log).order_by("seq").values_list("pk", "data").iterator(2000)
        )
        logs.append(
            {
                "side": log.side or None,
                "events": [
                    {"n": pk, "data": base64.b64encode(bytes(data)).decode()} for pk, data in events
                ],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "office": office,
        "exported_at": format_utc(now),
        "logs": logs,
        "checkpoints": checkpoints_data(office),
    }


def checkpoints_data(office: str, side: str | None = None) -> list[dict[str, str]]:
    """Signed checkpoints as the bundle and ``verify --against`` read them."""
    rows = Checkpoint.objects.filter(office=office).order_by("side", "size", "pk")
    if side is not None:
        rows = rows.filter(side=side)
    return [
        {"statement": base64.b64encode(bytes(c.statement)).decode(), "signature": c.signature}
        for c in rows
    ]


class DestinationError(ValueError):
    """The file cannot be written where asked."""


def check_destination(path: Path) -> None:
    if not path.parent.resolve().is_dir():
        raise DestinationError(f"cannot write {path}: its folder does not exist")


def save(data: dict[str, Any], path: Path) -> None:
    """``write``, or ``DestinationError`` saying in one line why it could not."""
    check_destination(path)
    try:
        write(data, path)
    except OSError as exc:
        raise DestinationError(f"cannot write {path}: {exc.strerror}") from None


def write(data: dict[str, Any], path: Path) -> None:
    """Write atomically: a reader never sees half a bundle."""
    path = path.resolve()
    fd, temp = tempfile.mkstemp(prefix=".liaison-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
