"""One walk of a log's hash chain, the same for the database and for an exported bundle.

``liaison verify`` walks the stored rows (``ledger.verify``), the offline verifier the
events of a bundle (``bundle.check``); both feed each event, in order, to a
``ChainWalk``, which checks it with one set of rules: ``seq`` runs 1, 2, 3 …, the bytes
hash to the event's id, they are the canonical encoding (``ledger.canonical``, the
encoder every append uses) of an event of this office and log, and ``prev`` names the
hash of the event before it (``GENESIS`` for the first). The first break is the
``Problem`` returned; nothing after it is read.

Like ``merkle.py`` it imports nothing from Django, so the offline verifier shares it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from liaison.ledger.canonical import GENESIS, CanonicalError, digest, encode


@dataclass(frozen=True)
class Problem:
    """What ``liaison verify`` reports, online or offline: one line,
    ``KIND at PLACE: detail``."""

    kind: str  # BROKEN_CHAIN, BAD_HASH, NOT_CANONICAL, SEQ_GAP, WRONG_LOG, ...
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.where}: {self.detail}"


class ChainWalk:
    """The events of one log, fed in order. ``label`` names the log in problems
    (``office/side``, ``office/charter``); ``side`` is ``""`` for the charter log.

    After each event that holds, ``size`` counts the events walked and ``head`` is the
    last one's hash, for a store that keeps them (the database's log row) to compare."""

    def __init__(self, label: str, *, office: str, side: str) -> None:
        self.label = label
        self.office = office
        self.side = side
        self.size = 0
        self.head = GENESIS

    @property
    def where(self) -> str:
        """The place of the event to be fed next."""
        return f"{self.label}#{self.size + 1}"

    def feed(
        self, data: bytes, *, seq: int | None = None, stored_hash: str | None = None
    ) -> Problem | dict[str, Any]:
        """Check the next event, its stored bytes ``data``: the event it holds, or the
        problem with it. ``seq`` and ``stored_hash``: what the store keeps beside the
        bytes, when it keeps them (the database's columns); a bundle keeps only the
        bytes, so their own ``seq`` is checked instead."""
        expected, where = self.size + 1, self.where
        if seq is not None and seq != expected:
            return _out_of_order(where, expected, seq)
        hash_ = digest(data)
        if stored_hash is not None and hash_ != stored_hash:
            return Problem("BAD_HASH", where, "the stored bytes do not hash to the event's id")
        try:
            value = json.loads(data)
            canonical = encode(value)
        except (ValueError, CanonicalError) as exc:
            return Problem("NOT_CANONICAL", where, f"the stored bytes are not an event: {exc}")
        if canonical != data:
            return Problem("NOT_CANONICAL", where, "the stored bytes are not in canonical form")
        if not isinstance(value, dict):
            return Problem("NOT_CANONICAL", where, "the stored bytes are not a JSON object")
        if seq is None and value.get("seq") != expected:
            return _out_of_order(where, expected, value.get("seq"))
        if value.get("office") != self.office or value.get("side") != (self.side or None):
            return Problem("WRONG_LOG", where, "the event names another office or log")
        if value.get("prev") != self.head:
            return Problem(
                "BROKEN_CHAIN", where, "prev does not name the hash of the event before it"
            )
        self.size, self.head = expected, hash_
        return value


def _out_of_order(where: str, expected: int, found: Any) -> Problem:
    # A missing, repeated or swapped event: its place holds another seq. A seq that is
    # no integer at all is not an event's.
    kind = "SEQ_GAP" if isinstance(found, int) and not isinstance(found, bool) else "NOT_CANONICAL"
    return Problem(kind, where, f"expected event {expected}, found {found!r}")
