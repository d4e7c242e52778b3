"""Checkpoints, export and the offline verifier on the ten-year office.

A checkpoint re-hashes its side's whole log (the root is over every stored event) and
the witness builds a consistency proof; ``export`` reads every event; the offline
verifier re-hashes, re-chains and replays the bundle, checks every signature and
recomputes the root of every checkpoint. All grow with the office's events.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from bench.stats import summary_ms
from liaison.bundle import check, export
from liaison.ledger.models import Event
from liaison.offices.models import Office
from liaison.signing import checkpoints

NOW = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)


def _timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def bench_signing(office_id: str, runs: int) -> dict[str, Any]:
    office = Office.objects.get(id=office_id)
    side = office.sides.order_by("position")[0]
    checkpoints.sign_scheduled(NOW, office_id)

    def sign() -> None:
        checkpoints.sign_checkpoint(office, side.key, now=NOW, reason="demand", force=True)

    signing = summary_ms(_timed(sign, runs))
    bundle = export.build(office_id, now=NOW)
    events = Event.objects.filter(log__office=office_id).count()
    report = check.check(bundle)
    return {
        "events": events,
        "side_log_events": Event.objects.filter(log__office=office_id, log__side=side.key).count(),
        "checkpoints": report.checkpoints,
        "sign_and_witness": signing,
        "export": summary_ms(_timed(lambda: export.build(office_id, now=NOW), runs)),
        "bundle_bytes": len(json.dumps(bundle)),
        "offline_verify": summary_ms(_timed(lambda: check.check(bundle), runs)),
        "audit": summary_ms(_timed(lambda: checkpoints.audit(office_id), runs)),
        "problems": [str(p) for p in report.problems],
    }
