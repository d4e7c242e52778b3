"""The checkpoint's Merkle work on a log of ``LEAVES`` events, without the database.

Signing a checkpoint hashes every event and computes the root; witnessing it builds and
checks a consistency proof from the last cosigned size. The leaves are event-sized
byte strings, so the figures do not depend on ``BENCH_EVENTS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.stats import summary_ms
from liaison.ledger import merkle

LEAVES = 100_000
EVENT_BYTES = 300  # about the size of a stored check-in event
OLD_SIZE = LEAVES * 2 // 3  # the last cosigned checkpoint, not a power of two


def _timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def bench_merkle(runs: int) -> dict[str, Any]:
    events = [n.to_bytes(8, "big") * (EVENT_BYTES // 8) for n in range(LEAVES)]
    leaves = [merkle.leaf_hash(data) for data in events]
    old_root, new_root = merkle.root(leaves[:OLD_SIZE]), merkle.root(leaves)
    proof = merkle.consistency_proof(leaves, OLD_SIZE)

    def grow() -> bytes:
        tree = merkle.Tree()
        for leaf in leaves:
            tree.append(leaf)
        return tree.root()

    def verify() -> None:
        merkle.verify_consistency(
            old_size=OLD_SIZE, new_size=LEAVES, old_root=old_root, new_root=new_root, proof=proof
        )

    return {
        "leaves": LEAVES,
        "old_size": OLD_SIZE,
        "proof_hashes": len(proof),
        "leaf_hashes": summary_ms(_timed(lambda: [merkle.leaf_hash(d) for d in events], runs)),
        "root": summary_ms(_timed(lambda: merkle.root(leaves), runs)),
        "tree_appends": summary_ms(_timed(grow, runs)),
        "inclusion_proof": summary_ms(
            _timed(lambda: merkle.inclusion_proof(leaves, OLD_SIZE), runs)
        ),
        "consistency_proof": summary_ms(
            _timed(lambda: merkle.consistency_proof(leaves, OLD_SIZE), runs)
        ),
        "verify_consistency": summary_ms(_timed(verify, runs)),
    }
