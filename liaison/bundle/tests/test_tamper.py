"""Tampering with an exported record of more than 1,000 events: every case is caught by
the offline verifier and located (issue 6, test 2).

The bundle is built once; each case edits a copy the way an operator with full control
of the database and the file could, and names the problem kind and the place the
verifier must report. Events after a log's last checkpoint are protected only by the
chain (an edit there that is re-chained is undetectable until the next checkpoint),
so rewrites target events under a checkpoint — which is what checkpoints are for.
"""

from __future__ import annotations

import base64
import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction

from liaison.bundle import check, export
from liaison.ledger import merkle
from liaison.signing import formats, keys
from liaison.testing import make_world

from .conftest import LATER, busy_office

Bundle = dict[str, Any]

# The bundle is built once, in a transaction rolled back at once; the mark makes
# pytest-django set up the test database for a run of this module alone.
pytestmark = pytest.mark.django_db


@dataclass
class Built:
    bundle: Bundle
    private: dict[str, bytes]  # each side's raw private key, to forge with


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Built:
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        busy_office(world, messages=250, changes=500)
        private = {
            side: keys.private_key(keys.current_key(world.office, side)).private_bytes_raw()
            for side in ("south", "north")
        }
        bundle = export.build(world.office.id, now=LATER)
        transaction.set_rollback(True)
    return Built(bundle, private)


# Editing a bundle ---------------------------------------------------------------------


def _log(bundle: Bundle, name: str) -> list[dict[str, Any]]:
    for item in bundle["logs"]:
        if (item["side"] or "charter") == name:
            return item["events"]
    raise KeyError(name)


def _value(event: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(event["data"]))


def _put(event: dict[str, Any], value: dict[str, Any]) -> None:
    event["data"] = base64.b64encode(rfc8785.dumps(value)).decode()


def _rechain(events: list[dict[str, Any]], start: int = 0) -> None:
    """What a careful forger does after an edit: fix every later event's seq and prev so
    the chain is whole again."""
    import hashlib

    prev = "0" * 64 if start == 0 else hashlib.sha256(_raw(events[start - 1])).hexdigest()
    for index in range(start, len(events)):
        value = _value(events[index])
        value["seq"], value["prev"] = index + 1, prev
        _put(events[index], value)
        prev = hashlib.sha256(_raw(events[index])).hexdigest()


def _raw(event: dict[str, Any]) -> bytes:
    return base64.b64decode(event["data"])


def _covered(bundle: Bundle, name: str) -> int:
    """The largest size of ``name``'s log a signed checkpoint covers."""
    return max(
        json.loads(base64.b64decode(c["statement"]))["size"]
        for c in bundle["checkpoints"]
        if json.loads(base64.b64decode(c["statement"]))["side"] == name
    )


def _forge_checkpoint(built: Built, bundle: Bundle, side: str, size: int, root: str) -> None:
    key = Ed25519PrivateKey.from_private_bytes(built.private[side])
    public = key.public_key().public_bytes_raw()
    statement = formats.checkpoint_statement(
        office=bundle["office"],
        side=side,
        size=size,
        root=root,
        at="2024-01-05T09:00:00.000000Z",
        key=formats.fingerprint(public),
    )
    bundle["checkpoints"].append(
        {"statement": base64.b64encode(statement).decode(), "signature": key.sign(statement).hex()}
    )


# The cases ----------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    edit: Callable[[Built, Bundle], list[dict[str, Any]] | None]  # returns kept checkpoints
    kind: str
    where: str


def _byte_edit(seed: int) -> Callable[[Built, Bundle], None]:
    def edit(built: Built, bundle: Bundle) -> None:
        rng = random.Random(seed)
        name = rng.choice(["charter", "south", "north"])
        events = _log(bundle, name)
        index = rng.randrange(
            0, min(len(events), _covered(bundle, name) if name != "charter" else len(events) - 1)
        )
        raw = bytearray(_raw(events[index]))
        spot = rng.randrange(len(raw))
        raw[spot] = (raw[spot] + rng.randrange(1, 255)) % 256
        events[index]["data"] = base64.b64encode(bytes(raw)).decode()
        _BYTE_EDITS[seed] = (name, index + 1)

    return edit


_BYTE_EDITS: dict[int, tuple[str, int]] = {}


def _delete(name: str, index: int) -> Callable[[Built, Bundle], None]:
    def edit(built: Built, bundle: Bundle) -> None:
        del _log(bundle, name)[index]

    return edit


def _swap(name: str, index: int) -> Callable[[Built, Bundle], None]:
    def edit(built: Built, bundle: Bundle) -> None:
        events = _log(bundle, name)
        events[index], events[index + 1] = events[index + 1], events[index]

    return edit


def _truncate(name: str, keep_fraction: float) -> Callable[[Built, Bundle], None]:
    def edit(built: Built, bundle: Bundle) -> None:
        events = _log(bundle, name)
        del events[int(len(events) * keep_fraction) :]

    return edit


def _rewrite_and_rechain(
    name: str, index: int, *, drop_checkpoints: bool
) -> Callable[[Built, Bundle], None]:
    def edit(built: Built, bundle: Bundle) -> None:
        events = _log(bundle, name)
        value = _value(events[index])
        value["at"] = "2023-12-31T00:00:00.000000Z"
        _put(events[index], value)
        _rechain(events, index)
        if drop_checkpoints:
            bundle["checkpoints"] = []

    return edit


def _rewrite_everything(built: Built, bundle: Bundle) -> list[dict[str, Any]]:
    """The operator rewrites a South message, re-chains both logs, drops every
    checkpoint and cosignature and re-signs fresh ones: only what the South kept
    outside Liaison catches it."""
    kept = copy.deepcopy(bundle["checkpoints"])
    south = _log(bundle, "south")
    for event in south:
        value = _value(event)
        if value["type"] == "message.sent":
            value["body"]["body"] = "We never agreed to anything."
            _put(event, value)
            break
    for name in ("south", "north"):
        events = _log(bundle, name)
        events[:] = [e for e in events if _value(e)["type"] not in checkpoints_types()]
        _rechain(events)
    bundle["checkpoints"] = []
    for name in ("south", "north"):
        leaves = [merkle.leaf_hash(_raw(e)) for e in _log(bundle, name)]
        _forge_checkpoint(built, bundle, name, len(leaves), merkle.root(leaves).hex())
    return kept


def checkpoints_types() -> set[str]:
    return {"checkpoint.cosigned", "checkpoint.refused"}


def _equivocate(built: Built, bundle: Bundle) -> None:
    size = _covered(bundle, "south")
    _forge_checkpoint(built, bundle, "south", size, "ab" * 32)


def _swap_signatures(built: Built, bundle: Bundle) -> None:
    first, second = bundle["checkpoints"][0], bundle["checkpoints"][1]
    first["signature"], second["signature"] = second["signature"], first["signature"]


def _bad_reference(built: Built, bundle: Bundle) -> None:
    for name in ("south", "north"):
        events = _log(bundle, name)
        for index, event in enumerate(events):
            value = _value(event)
            if value["type"] == "minutes.signed":
                value["body"]["ref"]["hash"] = "0" * 64
                _put(event, value)
                _rechain(events, index)
                bundle["checkpoints"] = []
                _BAD_REF[0] = (name, index + 1)
                return


_BAD_REF: dict[int, tuple[str, int]] = {}


def _foreign_key(built: Built, bundle: Bundle) -> list[dict[str, Any]]:
    """The operator swaps the South's key in the charter for one of its own and re-signs
    every checkpoint with it; the South's kept checkpoints name the real key."""
    kept = copy.deepcopy(
        [c for c in bundle["checkpoints"] if b'"side":"south"' in base64.b64decode(c["statement"])]
    )
    impostor = Ed25519PrivateKey.generate()
    public = impostor.public_key().public_bytes_raw()
    charter = _log(bundle, "charter")
    for index, event in enumerate(charter):
        value = _value(event)
        if value["type"] == "key.registered" and value["body"]["side"] == "south":
            value["body"]["public_key"] = public.hex()
            value["body"]["fingerprint"] = formats.fingerprint(public)
            _put(event, value)
            _rechain(charter, index)
            break
    bundle["checkpoints"] = []
    for name in ("south", "north"):  # the witnesses' cosignatures would not verify: drop them
        events = _log(bundle, name)
        events[:] = [e for e in events if _value(e)["type"] not in checkpoints_types()]
        _rechain(events)
    built_private = built.private
    built.private = {**built_private, "south": impostor.private_bytes_raw()}
    leaves = [merkle.leaf_hash(_raw(e)) for e in _log(bundle, "south")]
    _forge_checkpoint(built, bundle, "south", len(leaves), merkle.root(leaves).hex())
    built.private = built_private
    return kept


CASES = [
    *[Case(f"random byte edit {n}", _byte_edit(n), "*", "byte") for n in range(40)],
    Case("a South event deleted", _delete("south", 100), "SEQ_GAP", "testoffice/south#101"),
    Case("a North event deleted", _delete("north", 5), "SEQ_GAP", "testoffice/north#6"),
    Case("a charter event deleted", _delete("charter", 300), "SEQ_GAP", "testoffice/charter#301"),
    Case("two South events swapped", _swap("south", 50), "SEQ_GAP", "testoffice/south#51"),
    Case("two charter events swapped", _swap("charter", 10), "SEQ_GAP", "testoffice/charter#11"),
    Case("the South log truncated", _truncate("south", 0.5), "TRUNCATED", "testoffice/south#"),
    Case("the North log truncated", _truncate("north", 0.9), "TRUNCATED", "testoffice/north#"),
    Case(
        "a South event rewritten and re-chained",
        _rewrite_and_rechain("south", 40, drop_checkpoints=False),
        "ROOT_MISMATCH",
        "testoffice/south#1-",
    ),
    Case(
        "rewritten, re-chained, checkpoints dropped (the North's cosignatures catch it)",
        _rewrite_and_rechain("south", 40, drop_checkpoints=True),
        "ROOT_MISMATCH",
        "testoffice/south#1-",
    ),
    Case(
        "both logs rewritten and re-signed (the South's kept checkpoints catch it)",
        _rewrite_everything,
        "ROOT_MISMATCH|TRUNCATED",
        "testoffice/south#",
    ),
    Case(
        "two checkpoints of one size with different roots",
        _equivocate,
        "EQUIVOCATION",
        "bundle checkpoint",
    ),
    Case(
        "two checkpoints' signatures swapped",
        _swap_signatures,
        "BAD_SIGNATURE",
        "bundle checkpoint 1",
    ),
    Case("a minutes signature's reference re-pointed", _bad_reference, "BAD_REFERENCE", "ref"),
    Case(
        "the South's key replaced in the charter", _foreign_key, "BAD_SIGNATURE", "your checkpoint"
    ),
]


def test_every_tampering_is_caught_and_located(built):
    assert sum(len(item["events"]) for item in built.bundle["logs"]) > 1000
    assert check.check(built.bundle).problems == []
    missed = []
    for case in CASES:
        bundle = copy.deepcopy(built.bundle)
        kept = case.edit(built, bundle) or []
        report = check.check(bundle, kept)
        where = case.where
        if case.where == "byte":
            seed = int(case.name.rsplit(" ", 1)[1])
            name, seq = _BYTE_EDITS[seed]
            where = f"testoffice/{name}#"
        elif case.where == "ref":
            name, seq = _BAD_REF[0]
            where = f"testoffice/{name}#{seq}"
        found = [
            p
            for p in report.problems
            if (case.kind == "*" or p.kind in case.kind.split("|")) and p.where.startswith(where)
        ]
        if case.where == "byte" and found:
            # The edited event itself, or the one after it whose prev no longer matches.
            seqs = {int(p.where.split("#")[1].split("-")[0]) for p in found}
            found = found if seqs & {seq, seq + 1, 1} else []
        if not found:
            missed.append(f"{case.name}: expected {case.kind} at {where}, got {report.problems}")
    print(f"tamper cases: {len(CASES)}, caught and located: {len(CASES) - len(missed)}")
    assert missed == []
