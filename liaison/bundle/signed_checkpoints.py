"""The offline verifier's checkpoints: the bundle's, those the user kept, and those the
witness cosigned inside the other log. Each is signed by the side's key in force at its
size (``BAD_SIGNATURE``), over a log at least that long (``TRUNCATED``) whose first
``size`` events have its Merkle root (``ROOT_MISMATCH``), and no two disagree for one
size (``EQUIVOCATION``); a witness's refusal is reported (``REFUSED_CHECKPOINT``).
Django-free."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from liaison.bundle.key_history import KeyHistory
from liaison.bundle.reading import Entry
from liaison.ledger import merkle
from liaison.ledger.chain import Problem
from liaison.signing import formats


class SignedCheckpoints:
    def __init__(
        self,
        office: str,
        logs: dict[str, list[Entry]],
        keys: KeyHistory,
        problems: list[Problem],
    ) -> None:
        self.office = office
        self.logs = logs
        self.keys = keys
        self.problems = problems
        self.leaves = {
            name: [merkle.leaf_hash(e.data) for e in entries] for name, entries in logs.items()
        }
        self.roots: dict[tuple[str, int], str] = {}
        self.signed_roots: dict[tuple[str, int], tuple[str, str]] = {}  # -> (root, where)
        self.cosignatures = 0

    def problem(self, kind: str, where: str, detail: str) -> None:
        self.problems.append(Problem(kind, where, detail))

    def root(self, side: str, size: int) -> str:
        if (side, size) not in self.roots:
            self.roots[(side, size)] = merkle.root(self.leaves[side][:size]).hex()
        return self.roots[(side, size)]

    def prepare_roots(self, wanted: dict[str, set[int]]) -> None:
        """The roots of every size a checkpoint names, each log hashed into one growing
        tree: hourly checkpoints over years must not cost a tree each."""
        for side, sizes in wanted.items():
            leaves, tree = self.leaves.get(side, []), merkle.Tree()
            for size in sorted(s for s in sizes if 0 < s <= len(leaves)):
                while tree.size < size:
                    tree.append(leaves[tree.size])
                self.roots[(side, size)] = tree.root().hex()

    def checkpoint(
        self, where: str, side: str, size: int, root: str, key: str, signature: str, at: str
    ) -> bool:
        """Check one signed checkpoint against the logs; True when it holds."""
        if side not in self.logs:
            self.problem("TRUNCATED", where, f"the bundle has no {side} log")
            return False
        statement = formats.checkpoint_statement(
            office=self.office, side=side, size=size, root=root, at=at, key=key
        )
        signer = self.keys.key(side, key, size)
        if signer is None or not formats.signature_valid(signer.public_key, signature, statement):
            self.problem(
                "BAD_SIGNATURE",
                where,
                f"the checkpoint of {side} at size {size} is not signed by the {side} "
                "side's key in force at that size",
            )
            return False
        seen = self.signed_roots.get((side, size))
        if seen is not None and seen[0] != root:
            self.problem(
                "EQUIVOCATION",
                where,
                f"two signed checkpoints of {side} at size {size} disagree: root "
                f"{root[:16]}… here, {seen[0][:16]}… at {seen[1]}",
            )
            return False
        self.signed_roots[(side, size)] = (root, where)
        have = len(self.logs[side])
        if have < size:
            self.problem(
                "TRUNCATED",
                f"{self.office}/{side}#{have + 1}",
                f"a checkpoint signed {size} events ({where}); the bundle's log has {have}",
            )
            return False
        if self.root(side, size) != root:
            self.problem(
                "ROOT_MISMATCH",
                f"{self.office}/{side}#1-{size}",
                f"the first {size} events do not have the root signed at {where}: "
                "the log was rewritten",
            )
            return False
        return True

    def cosigned(self, entry: Entry, body: dict[str, Any]) -> None:
        side, size = str(body.get("side")), int(body.get("size", 0))
        witness = self.keys.key(entry.log, str(body.get("witness_key")), entry.seq - 1)
        statement = formats.checkpoint_statement(
            office=self.office,
            side=side,
            size=size,
            root=str(body.get("root")),
            at=str(body.get("checkpoint_at")),
            key=str(body.get("key")),
        )
        if witness is None or not formats.signature_valid(
            witness.public_key, str(body.get("cosignature")), statement
        ):
            self.problem(
                "BAD_SIGNATURE", entry.where, "the cosignature is not by the witness's key"
            )
            return
        self.cosignatures += 1
        self.checkpoint(
            entry.where,
            side,
            size,
            str(body.get("root")),
            str(body.get("key")),
            str(body.get("signature")),
            str(body.get("checkpoint_at")),
        )

    def refused(self, entry: Entry, body: dict[str, Any]) -> None:
        self.problem(
            "REFUSED_CHECKPOINT",
            entry.where,
            f"the {entry.log} side refused the {body.get('side')} side's checkpoint at size "
            f"{body.get('size')}: {body.get('reason')}",
        )


def sizes_named(
    logs: dict[str, list[Entry]], bundle: dict[str, Any], against: Sequence[dict[str, Any]]
) -> dict[str, set[int]]:
    """Which (log, size) roots the checks will ask for."""
    wanted: dict[str, set[int]] = {}
    for entries in logs.values():
        for entry in entries:
            body = entry.value.get("body")
            if (
                entry.value.get("type") == "checkpoint.cosigned"
                and isinstance(body, dict)
                and isinstance(body.get("size"), int)
            ):
                wanted.setdefault(str(body.get("side")), set()).add(body["size"])
    for items in (bundle.get("checkpoints", []), against):
        for item in items if isinstance(items, list | tuple) else []:
            try:
                fields = formats.parse_checkpoint_statement(
                    base64.b64decode(item.get("statement", ""), validate=True)
                )
            except (ValueError, AttributeError, binascii.Error):
                continue  # reported by the checks themselves
            wanted.setdefault(fields["side"], set()).add(fields["size"])
    return wanted
