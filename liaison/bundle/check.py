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
import base64
import binascii
import datetime as dt
import hashlib
import json
import sys
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from liaison.ledger import merkle
from liaison.ledger.canonical import GENESIS as GENESIS  # the first prev, part of the format
from liaison.ledger.canonical import digest
from liaison.ledger.chain import ChainWalk, Problem
from liaison.meetings.consent_check import ConsentChecker
from liaison.signing import formats
from liaison.signing.formats import ROTATION_REASON_MAX

FORMAT = "liaison-bundle"
VERSION = 1
CHARTER = "charter"


class BundleError(ValueError):
    """The file is not a bundle this verifier reads."""


@dataclass
class Key:
    fingerprint: str
    public_key: str
    valid_from: int  # the smallest log size it signs for
    valid_until: int | None = None

    def valid_at(self, size: int) -> bool:
        return self.valid_from <= size and (self.valid_until is None or size < self.valid_until)


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


# Reading ------------------------------------------------------------------------------


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


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(f"{what} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(f"{what} is not valid base64") from None


def _entries(bundle: dict[str, Any]) -> dict[str, list[Entry]]:
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
        entries = []
        for position, raw in enumerate(item["events"], start=1):
            if not isinstance(raw, dict) or not isinstance(raw.get("n"), int):
                raise BundleError(f"event {position} of log {name} is malformed")
            data = _b64(raw.get("data"), f"event {position} of log {name}")
            try:
                value = json.loads(data)
            except (UnicodeDecodeError, json.JSONDecodeError):
                value = {}
            if not isinstance(value, dict):
                value = {}
            found = value.get("seq")
            seq = found if isinstance(found, int) else position
            entries.append(Entry(name, seq, raw["n"], data, digest(data), value))
        result[name] = entries
    return result


# The checks ---------------------------------------------------------------------------


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


class _Checker:
    def __init__(self, office: str, logs: dict[str, list[Entry]]) -> None:
        self.office = office
        self.logs = logs
        self.leaves = {
            name: [merkle.leaf_hash(e.data) for e in entries] for name, entries in logs.items()
        }
        self.roots: dict[tuple[str, int], str] = {}
        self.keys: dict[str, list[Key]] = {}
        self.roles: dict[str, tuple[str | None, str]] = {}  # username -> (side, role)
        self.ended: dict[str, str] = {}  # username -> the last day of the membership
        self.zone = "UTC"  # the office's, from the charter
        self.signed_roots: dict[tuple[str, int], tuple[str, str]] = {}  # -> (root, where)
        self.minutes: dict[tuple[str, int, str], set[str]] = {}  # -> sides signed
        self.saved: dict[str, tuple[str, Any, str]] = {}  # event hash -> (session, v, hash)
        self.problems: list[Problem] = []
        self.cosignatures = 0
        self.rotations: list[str] = []  # "office/side#seq: reason"
        self.consent = ConsentChecker()

    def problem(self, kind: str, where: str, detail: str) -> None:
        self.problems.append(Problem(kind, where, detail))

    def key(self, side: str, fingerprint: str, size: int) -> Key | None:
        for key in self.keys.get(side, []):
            if key.fingerprint == fingerprint and key.valid_at(size):
                return key
        return None

    def current_key(self, side: str) -> Key | None:
        for key in self.keys.get(side, []):
            if key.valid_until is None:
                return key
        return None

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

    # Replay in commit order, so keys and roles are those in force at each event.
    def replay(self) -> None:
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
                    self.problem(
                        "BAD_REFERENCE",
                        entry.where,
                        f"it names {self.office}/{ref['side']}#{ref['seq']}, which is "
                        + ("missing" if target is None else "not the event with that hash"),
                    )
                elif target.n >= entry.n:
                    self.problem("BAD_REFERENCE", entry.where, "it names a later event")
            handler = getattr(self, "on_" + str(kind).replace(".", "_"), None)
            if handler is not None:
                handler(entry, body)
            self.consent.feed(entry.log, entry.seq, str(kind), body, str(entry.value.get("at")))
        for found in self.consent.problems:
            self.problem(found.kind, f"{self.office}/{found.side}#{found.seq}", found.detail)

    def on_member_added(self, entry: Entry, body: dict[str, Any]) -> None:
        self.roles[str(body.get("username"))] = (body.get("side"), str(body.get("role")))

    def on_office_chartered(self, entry: Entry, body: dict[str, Any]) -> None:
        self.zone = str(body.get("time_zone") or "UTC")

    def on_member_ended(self, entry: Entry, body: dict[str, Any]) -> None:
        self.ended[str(body.get("username"))] = str(body.get("active_until"))

    def member_then(self, actor: str, entry: Entry) -> bool:
        """Whether ``actor``'s membership still ran on the event's day (office time): a
        membership ends after its ``active_until`` day."""
        until = self.ended.get(actor)
        if until is None:
            return True
        try:
            at = dt.datetime.fromisoformat(str(entry.value.get("at")))
            day = at.astimezone(zoneinfo.ZoneInfo(self.zone)).date()
            return day <= dt.date.fromisoformat(until)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            return False

    def on_member_changed(self, entry: Entry, body: dict[str, Any]) -> None:
        side = self.roles.get(str(body.get("username")), (None, ""))[0]
        self.roles[str(body.get("username"))] = (side, str(body.get("role")))

    def on_key_registered(self, entry: Entry, body: dict[str, Any]) -> None:
        side, public = str(body.get("side")), str(body.get("public_key"))
        if formats.fingerprint(bytes.fromhex(public)) != body.get("fingerprint"):
            self.problem("BAD_KEY", entry.where, "the fingerprint is not that of the key")
            return
        if self.keys.get(side):
            self.problem("BAD_KEY", entry.where, f"the {side} side already has a key")
            return
        self.keys[side] = [Key(str(body["fingerprint"]), public, 0)]

    def on_key_rotated(self, entry: Entry, body: dict[str, Any]) -> None:
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
        signer = self.key(side, key, size)
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

    def on_checkpoint_cosigned(self, entry: Entry, body: dict[str, Any]) -> None:
        side, size = str(body.get("side")), int(body.get("size", 0))
        witness = self.key(entry.log, str(body.get("witness_key")), entry.seq - 1)
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

    def on_checkpoint_refused(self, entry: Entry, body: dict[str, Any]) -> None:
        self.problem(
            "REFUSED_CHECKPOINT",
            entry.where,
            f"the {entry.log} side refused the {body.get('side')} side's checkpoint at size "
            f"{body.get('size')}: {body.get('reason')}",
        )

    def on_minutes_saved(self, entry: Entry, body: dict[str, Any]) -> None:
        text = str(body.get("text"))
        self.saved[entry.hash] = (
            str(body.get("session")),
            body.get("version"),
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )

    def on_minutes_signed(self, entry: Entry, body: dict[str, Any]) -> None:
        side, actor = entry.log, str(entry.value.get("actor"))
        session, version = str(body.get("session")), body.get("version")
        content_hash = str(body.get("content_hash"))
        key = self.key(side, str(body.get("key")), entry.seq - 1)
        message = formats.minutes_message(
            office=self.office,
            side=side,
            session=session,
            version=version if isinstance(version, int) else -1,
            content_hash=content_hash,
            signer=actor,
        )
        if key is None or not formats.signature_valid(
            key.public_key, str(body.get("signature")), message
        ):
            self.problem(
                "BAD_MINUTES_SIGNATURE",
                entry.where,
                f"the signature of {session} v{version} is not by the {side} side's key then",
            )
            return
        if self.roles.get(actor) != (side, "head") or not self.member_then(actor, entry):
            self.problem(
                "BAD_MINUTES_SIGNATURE",
                entry.where,
                f"{actor} signed {session} v{version} but was not the {side} side's head then",
            )
            return
        # A signature binds the version it names only if it is over that version's text:
        # the event it references saved that session and version with this content hash.
        ref = body.get("ref")
        saved = self.saved.get(str(ref.get("hash"))) if isinstance(ref, dict) else None
        if saved != (session, version, content_hash):
            self.problem(
                "BAD_MINUTES_SIGNATURE",
                entry.where,
                f"it signs content hash {content_hash[:16]}…, not that of the text of "
                f"{session} v{version} saved in the event it names",
            )
            return
        self.minutes.setdefault((session, int(version or 0), content_hash), set()).add(side)


def check(bundle: dict[str, Any], against: Sequence[dict[str, Any]] = ()) -> Report:
    """Everything wrong with ``bundle`` (and with it against checkpoints kept apart)."""
    logs = _entries(bundle)
    office = bundle.get("office")
    if not isinstance(office, str) or not office:
        raise BundleError("the bundle does not name its office")
    report = Report(office, {name: len(entries) for name, entries in logs.items()})
    broken = False
    for name in sorted(logs):
        problem = _check_log(office, name, logs[name])
        if problem is not None:
            report.problems.append(problem)
            broken = True
    if broken:  # later checks would only repeat what a broken chain already says
        return report
    checker = _Checker(office, logs)
    checker.prepare_roots(_sizes_named(logs, bundle, against))
    checker.replay()
    for index, item in enumerate(_statements(bundle.get("checkpoints", []), "the bundle")):
        report.checkpoints += 1
        checker.checkpoint(f"bundle checkpoint {index + 1}", *item)
    for index, item in enumerate(_statements(list(against), "your checkpoints")):
        report.kept += 1
        checker.checkpoint(f"your checkpoint {index + 1}", *item)
    report.cosignatures = checker.cosignatures
    report.rotations = checker.rotations
    report.problems.extend(checker.problems)
    sides = {name for name in logs if name != CHARTER}
    report.agreed_minutes = sorted(
        f"{session} v{version}"
        for (session, version, _), signed in checker.minutes.items()
        if len(sides) == 2 and signed == sides
    )
    return report


def _sizes_named(
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


def _statements(items: Any, what: str) -> Iterator[tuple[str, int, str, str, str, str]]:
    """(side, size, root, key, signature, at) of each signed checkpoint in ``items``."""
    if not isinstance(items, list):
        raise BundleError(f"{what}: the checkpoints must be a list")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise BundleError(f"{what}: checkpoint {index} is malformed")
        try:
            fields = formats.parse_checkpoint_statement(
                _b64(item.get("statement"), f"checkpoint {index}")
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


def _kept(path: str) -> list[dict[str, Any]]:
    value = load(path)
    items = value.get("checkpoints")
    if not isinstance(items, list):
        raise BundleError(f"{path} holds no checkpoints")
    return items


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="liaison verify", description="Check an export bundle offline."
    )
    parser.add_argument("file", help="the bundle written by `liaison export`")
    parser.add_argument("--against", help="checkpoints you kept (downloaded from Liaison)")
    args = parser.parse_args(argv)
    try:
        bundle = load(args.file)
        report = check(bundle, _kept(args.against) if args.against else ())
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
