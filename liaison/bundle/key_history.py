"""The offline verifier's key history: the charter's ``key.registered`` and each side's
``key.rotated``, signed by the old and the new key and saying why (``BAD_KEY``), so the
other checks ask which key was in force at a log's size. Django-free."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liaison.bundle.reading import Entry
from liaison.ledger.chain import Problem
from liaison.signing import formats
from liaison.signing.formats import ROTATION_REASON_MAX


@dataclass
class Key:
    fingerprint: str
    public_key: str
    valid_from: int  # the smallest log size it signs for
    valid_until: int | None = None

    def valid_at(self, size: int) -> bool:
        return self.valid_from <= size and (self.valid_until is None or size < self.valid_until)


class KeyHistory:
    def __init__(self, office: str, problems: list[Problem]) -> None:
        self.office = office
        self.problems = problems
        self.keys: dict[str, list[Key]] = {}
        self.rotations: list[str] = []  # "office/side#seq: reason"

    def problem(self, kind: str, where: str, detail: str) -> None:
        self.problems.append(Problem(kind, where, detail))

    def key(self, side: str, fingerprint: str, size: int) -> Key | None:
        """The side's key ``fingerprint`` if it signs for a log of ``size`` events."""
        for key in self.keys.get(side, []):
            if key.fingerprint == fingerprint and key.valid_at(size):
                return key
        return None

    def current_key(self, side: str) -> Key | None:
        for key in self.keys.get(side, []):
            if key.valid_until is None:
                return key
        return None

    def registered(self, entry: Entry, body: dict[str, Any]) -> None:
        side, public = str(body.get("side")), str(body.get("public_key"))
        if formats.fingerprint(bytes.fromhex(public)) != body.get("fingerprint"):
            self.problem("BAD_KEY", entry.where, "the fingerprint is not that of the key")
            return
        if self.keys.get(side):
            self.problem("BAD_KEY", entry.where, f"the {side} side already has a key")
            return
        self.keys[side] = [Key(str(body["fingerprint"]), public, 0)]

    def rotated(self, entry: Entry, body: dict[str, Any]) -> None:
        side = entry.log
        old = self.current_key(side)
        public = str(body.get("public_key"))
        message = formats.rotation_message(
            office=self.office,
            side=side,
            old=str(body.get("old")),
            new=str(body.get("new")),
            public_key=public,
        )
        if old is None or old.fingerprint != body.get("old"):
            self.problem("BAD_KEY", entry.where, "it rotates away from a key not in force")
            return
        if formats.fingerprint(bytes.fromhex(public)) != body.get("new"):
            self.problem("BAD_KEY", entry.where, "the new fingerprint is not that of the key")
            return
        if not formats.signature_valid(old.public_key, str(body.get("old_signature")), message):
            self.problem("BAD_KEY", entry.where, "the old key did not sign the rotation")
            return
        if not formats.signature_valid(public, str(body.get("new_signature")), message):
            self.problem("BAD_KEY", entry.where, "the new key did not sign the rotation")
            return
        old.valid_until = entry.seq
        self.keys[side].append(Key(str(body["new"]), public, entry.seq))
        # The keys sign the keys, not the reason; the chain and the checkpoints bind it.
        # A rotation that gives none breaks the schema, not the key history.
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > ROTATION_REASON_MAX:
            self.problem(
                "BAD_KEY",
                entry.where,
                f"the rotation gives no reason of 1 to {ROTATION_REASON_MAX} characters",
            )
            return
        self.rotations.append(f"{entry.where}: {reason}")
