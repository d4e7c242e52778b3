"""Offline verification of an export bundle: ``liaison verify FILE [--against FILE]``.

Runs with the standard library plus ``cryptography`` and ``rfc8785`` and nothing else —
no Django, no database — so either side can check, on a machine of its own, what the
record said. The format is in docs/bundle.md. The checks, each reported with its kind
and the first place it breaks:

1. each log: the chain walk ``liaison verify`` also runs on the database
   (``ledger.chain``): seq 1, 2, 3 …, each ``prev`` the SHA-256 of the bytes before it,
   the bytes the canonical encoding of an event (``ledger.canonical``, the server's own
   rules) naming this office and log (``BROKEN_CHAIN``, ``SEQ_GAP``, ``NOT_CANONICAL``,
   ``WRONG_LOG``);
2. key history: the charter's ``key.registered``, each ``key.rotated`` signed by the old
   and the new key and saying why (``BAD_KEY``); the reasons are listed;
3. checkpoints, the bundle's and those the witness cosigned inside the other log:
   signature by the side's key valid at that size (``BAD_SIGNATURE``), the log at least
   that long (``TRUNCATED``), its first ``size`` events having that Merkle root
   (``ROOT_MISMATCH``), no two signed roots for one size (``EQUIVOCATION``), witnesses'
   cosignatures and refusals (``REFUSED_CHECKPOINT``);
4. references across the logs name an earlier event by its true hash (``BAD_REFERENCE``);
5. minutes: each signature by the signing side's key valid then, by that side's head,
   over the content hash of the text the version it names was saved with
   (``BAD_MINUTES_SIGNATURE``); a version binds when both sides' heads signed it so;
6. consent (``meetings.consent_check``): every answer to a proposal names one of the
   other side's (a withdrawal, one of its own), once and before it lapsed
   (``BAD_ANSWER``); every check-in and notice names a session both sides agreed
   (``UNAGREED_SESSION``);
7. with ``--against``: every checkpoint the user kept is signed by a key the bundle
   knows and agrees with the bundle's logs, so an older or rewritten bundle is caught.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from liaison.bundle.key_history import KeyHistory
from liaison.bundle.reading import CHARTER, BundleError, Entry, entries, kept, load, statements
from liaison.bundle.signed_checkpoints import SignedCheckpoints, sizes_named
from liaison.bundle.signed_minutes import SignedMinutes
from liaison.ledger.chain import ChainWalk, Problem
from liaison.meetings.consent_check import ConsentChecker


@dataclass
class Report:
    office: str
    sizes: dict[str, int] = field(default_factory=dict)
    checkpoints: int = 0
    cosignatures: int = 0
    kept: int = 0  # checkpoints the user kept, checked with --against
    agreed_minutes: list[str] = field(default_factory=list)
    rotations: list[str] = field(default_factory=list)  # "office/side#seq: why"
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _check_log(office: str, name: str, entries: list[Entry]) -> Problem | None:
    walk = ChainWalk(f"{office}/{name}", office=office, side="" if name == CHARTER else name)
    for entry in entries:
        found = walk.feed(entry.data)
        if isinstance(found, Problem):
            return found
    return None


def _walk_refs(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if set(value) == {"side", "seq", "hash"}:
            yield value
            return
        for item in value.values():
            yield from _walk_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_refs(item)


class _Replay:
    """Every event in commit order, so keys and roles are those in force at each: the
    references checked here, each event handed to the check of its noun."""

    def __init__(self, office: str, logs: dict[str, list[Entry]]) -> None:
        self.office = office
        self.logs = logs
        self.problems: list[Problem] = []
        self.keys = KeyHistory(office, self.problems)
        self.checkpoints = SignedCheckpoints(office, logs, self.keys, self.problems)
        self.minutes = SignedMinutes(office, self.keys, self.problems)
        self.consent = ConsentChecker()
        self.handlers: dict[str, Callable[[Entry, dict[str, Any]], None]] = {
            "office.chartered": self.minutes.office_chartered,
            "member.added": self.minutes.member_added,
            "member.changed": self.minutes.member_changed,
            "member.ended": self.minutes.member_ended,
            "key.registered": self.keys.registered,
            "key.rotated": self.keys.rotated,
            "checkpoint.cosigned": self.checkpoints.cosigned,
            "checkpoint.refused": self.checkpoints.refused,
            "minutes.saved": self.minutes.minutes_saved,
            "minutes.signed": self.minutes.minutes_signed,
        }

    def run(self) -> None:
        ordered = sorted((e for entries in self.logs.values() for e in entries), key=lambda e: e.n)
        by_place = {(e.log, e.seq): e for e in ordered}
        for entry in ordered:
            body = entry.value.get("body")
            kind = entry.value.get("type")
            if not isinstance(body, dict):
                continue
            for ref in _walk_refs(body):
                target = by_place.get((ref["side"], ref["seq"]))
                if target is None or target.hash != ref["hash"]:
                    self.problems.append(
                        Problem(
                            "BAD_REFERENCE",
                            entry.where,
                            f"it names {self.office}/{ref['side']}#{ref['seq']}, which is "
                            + ("missing" if target is None else "not the event with that hash"),
                        )
                    )
                elif target.n >= entry.n:
                    self.problems.append(
                        Problem("BAD_REFERENCE", entry.where, "it names a later event")
                    )
            handler = self.handlers.get(str(kind))
            if handler is not None:
                handler(entry, body)
            self.consent.feed(entry.log, entry.seq, str(kind), body, str(entry.value.get("at")))
        for found in self.consent.problems:
            self.problems.append(
                Problem(found.kind, f"{self.office}/{found.side}#{found.seq}", found.detail)
            )


def check(bundle: dict[str, Any], against: Sequence[dict[str, Any]] = ()) -> Report:
    """Everything wrong with ``bundle`` (and with it against checkpoints kept apart)."""
    logs = entries(bundle)
    office = bundle.get("office")
    if not isinstance(office, str) or not office:
        raise BundleError("the bundle does not name its office")
    report = Report(office, {name: len(found) for name, found in logs.items()})
    broken = False
    for name in sorted(logs):
        problem = _check_log(office, name, logs[name])
        if problem is not None:
            report.problems.append(problem)
            broken = True
    if broken:  # later checks would only repeat what a broken chain already says
        return report
    replay = _Replay(office, logs)
    replay.checkpoints.prepare_roots(sizes_named(logs, bundle, against))
    replay.run()
    for index, item in enumerate(statements(bundle.get("checkpoints", []), "the bundle")):
        report.checkpoints += 1
        replay.checkpoints.checkpoint(f"bundle checkpoint {index + 1}", *item)
    for index, item in enumerate(statements(list(against), "your checkpoints")):
        report.kept += 1
        replay.checkpoints.checkpoint(f"your checkpoint {index + 1}", *item)
    report.cosignatures = replay.checkpoints.cosignatures
    report.rotations = replay.keys.rotations
    report.problems.extend(replay.problems)
    report.agreed_minutes = replay.minutes.agreed({name for name in logs if name != CHARTER})
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="liaison verify", description="Check an export bundle offline."
    )
    parser.add_argument("file", help="the bundle written by `liaison export`")
    parser.add_argument("--against", help="checkpoints you kept (downloaded from Liaison)")
    args = parser.parse_args(argv)
    try:
        bundle = load(args.file)
        report = check(bundle, kept(args.against) if args.against else ())
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sizes = ", ".join(f"{name} {size}" for name, size in sorted(report.sizes.items()))
    if not report.intact:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(
            f"broken: {report.office}: {len(report.problems)} problem(s); "
            f"the first is {report.problems[0]}",
            file=sys.stderr,
        )
        return 1
    print(f"intact: {report.office} (events: {sizes})")
    print(
        f"checkpoints: {report.checkpoints} in the bundle, {report.cosignatures} cosigned"
        + (f", {report.kept} of yours agree" if args.against else "")
    )
    if report.agreed_minutes:
        print("minutes binding (both heads signed): " + ", ".join(report.agreed_minutes))
    for rotation in report.rotations:
        print(f"key rotated at {rotation}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
