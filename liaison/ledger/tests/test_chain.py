"""The one chain walk (``ledger.chain``): the database's ``verify`` and the offline
verifier read a log by the same rules, the ones every append is written by."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from liaison.bundle import check, reading
from liaison.ledger.canonical import GENESIS, digest, encode
from liaison.ledger.chain import ChainWalk, Problem

OFFICE = "testoffice"


def _event(seq: int, prev: str, body: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "office": OFFICE,
        "side": None,
        "seq": seq,
        "prev": prev,
        "at": "2024-01-05T01:00:00.000000Z",
        "actor": "operator",
        "type": "note.test",
        "body": body,
        **envelope,
    }


def _chain(*bodies: dict[str, Any], encoder: Any = encode) -> list[bytes]:
    """Events chained with care: each ``prev`` the hash of the bytes before it."""
    chained, prev = [], GENESIS
    for seq, body in enumerate(bodies, start=1):
        data = encoder(_event(seq, prev, body))
        chained.append(data)
        prev = digest(data)
    return chained


def _plain_jcs(value: Any) -> bytes:
    """RFC 8785 bytes of ASCII text, floats and integers of any size, as a forger would
    write them: sorted keys, no spaces (JCS itself for what these tests hold)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _offline(events: list[bytes]) -> list[Problem]:
    bundle = {
        "format": reading.FORMAT,
        "version": reading.VERSION,
        "office": OFFICE,
        "logs": [
            {
                "side": None,
                "events": [
                    {"n": n, "data": base64.b64encode(data).decode()}
                    for n, data in enumerate(events, start=1)
                ],
            }
        ],
        "checkpoints": [],
    }
    return check.check(bundle).problems


def _walk(events: list[bytes]) -> Problem | None:
    walk = ChainWalk(f"{OFFICE}/charter", office=OFFICE, side="")
    for data in events:
        found = walk.feed(data)
        if isinstance(found, Problem):
            return found
    return None


def test_an_intact_chain_walks_to_its_head():
    events = _chain({"n": 1}, {"n": 2}, {"n": 3})
    walk = ChainWalk(f"{OFFICE}/charter", office=OFFICE, side="")
    for data in events:
        assert isinstance(walk.feed(data), dict)
    assert (walk.size, walk.head) == (3, digest(events[-1]))
    assert _offline(events) == []


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"n": 1.5}, "numbers with fractions are not allowed"),
        ({"n": 2**53}, "outside ±(2**53 - 1)"),
    ],
)
def test_the_offline_verifier_refuses_numbers_no_append_could_write(body, rule):
    # Chained with care, in JCS's form, but outside what the server ever writes (the
    # offline checker once took a fraction as canonical): refused by the server's own
    # rule, as verify refuses it.
    events = _chain({"n": 1}, body, encoder=_plain_jcs)
    [problem] = _offline(events)
    assert (problem.kind, problem.where) == ("NOT_CANONICAL", f"{OFFICE}/charter#2")
    assert rule in problem.detail
    assert _walk(events) == problem


def test_a_repeated_event_is_out_of_order_where_it_stands():
    first, second = _chain({"n": 1}, {"n": 2})
    [problem] = _offline([first, second, second])
    assert str(problem) == f"SEQ_GAP at {OFFICE}/charter#3: expected event 3, found 2"


def test_an_event_of_another_office_is_named_so():
    data = encode(_event(1, GENESIS, {"n": 1}, office="elsewhere"))
    [problem] = _offline([data])
    assert (problem.kind, problem.where) == ("WRONG_LOG", f"{OFFICE}/charter#1")


def test_a_stored_hash_and_seq_are_checked_when_the_store_keeps_them():
    first, second = _chain({"n": 1}, {"n": 2})
    walk = ChainWalk(f"{OFFICE}/charter", office=OFFICE, side="")
    assert isinstance(walk.feed(first, seq=1, stored_hash=digest(first)), dict)
    bad_hash = walk.feed(second, seq=2, stored_hash=digest(first))
    assert isinstance(bad_hash, Problem) and bad_hash.kind == "BAD_HASH"
    gap = walk.feed(second, seq=3, stored_hash=digest(second))
    assert gap == Problem("SEQ_GAP", f"{OFFICE}/charter#2", "expected event 2, found 3")
