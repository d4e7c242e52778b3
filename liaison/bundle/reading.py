"""Reading an export bundle (docs/bundle.md) for the offline verifier: its format and
version, its logs' events as stored (``Entry``), and the signed checkpoints it carries or
the user kept. Django-free, like everything ``bundle.check`` runs."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from liaison.ledger.canonical import digest
from liaison.signing import formats

FORMAT = "liaison-bundle"
VERSION = 1
CHARTER = "charter"


class BundleError(ValueError):
    """The file is not a bundle this verifier reads."""


@dataclass
class Entry:
    log: str  # a side's key, or "charter"
    seq: int
    n: int  # commit order across the office's logs
    data: bytes
    hash: str
    value: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.value.get('office', '?')}/{self.log}#{self.seq}"


def load(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            value = json.load(handle)
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{path} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BundleError(f"{path} is not a Liaison bundle")
    return value


def b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(f"{what} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(f"{what} is not valid base64") from None


def entries(bundle: dict[str, Any]) -> dict[str, list[Entry]]:
    """Each log's events (by log name), as stored, with their hashes."""
    if bundle.get("format") != FORMAT:
        raise BundleError("not a Liaison bundle (its format is not liaison-bundle)")
    if bundle.get("version") != VERSION:
        raise BundleError(f"bundle version {bundle.get('version')!r} is not one this reads")
    logs = bundle.get("logs")
    if not isinstance(logs, list):
        raise BundleError("the bundle has no logs")
    result: dict[str, list[Entry]] = {}
    for index, item in enumerate(logs):
        if not isinstance(item, dict) or not isinstance(item.get("events"), list):
            raise BundleError(f"log {index} of the bundle is malformed")
        name = item.get("side") or CHARTER
        found = []
        for position, raw in enumerate(item["events"], start=1):
            if not isinstance(raw, dict) or not isinstance(raw.get("n"), int):
                raise BundleError(f"event {position} of log {name} is malformed")
            data = b64(raw.get("data"), f"event {position} of log {name}")
            try:
                value = json.loads(data)
            except (UnicodeDecodeError, json.JSONDecodeError):
                value = {}
            if not isinstance(value, dict):
                value = {}
            seq = value.get("seq")
            found.append(
                Entry(
                    name,
                    seq if isinstance(seq, int) else position,
                    raw["n"],
                    data,
                    digest(data),
                    value,
                )
            )
        result[name] = found
    return result


def statements(items: Any, what: str) -> Iterator[tuple[str, int, str, str, str, str]]:
    """(side, size, root, key, signature, at) of each signed checkpoint in ``items``."""
    if not isinstance(items, list):
        raise BundleError(f"{what}: the checkpoints must be a list")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise BundleError(f"{what}: checkpoint {index} is malformed")
        try:
            fields = formats.parse_checkpoint_statement(
                b64(item.get("statement"), f"checkpoint {index}")
            )
        except ValueError as exc:
            raise BundleError(f"{what}: checkpoint {index}: {exc}") from None
        yield (
            fields["side"],
            fields["size"],
            fields["root"],
            fields["key"],
            str(item.get("signature")),
            fields["at"],
        )


def kept(path: str) -> list[dict[str, Any]]:
    """The checkpoints a user kept apart (``--against FILE``)."""
    value = load(path)
    items = value.get("checkpoints")
    if not isinstance(items, list):
        raise BundleError(f"{path} holds no checkpoints")
    return items
