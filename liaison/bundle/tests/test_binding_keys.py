"""Hypothesis on the binding rule as the offline verifier reads it (issue 6, test 4):
minutes bind if and only if both heads signed the same content hash of a version with
their side's key valid at that point.

No database: each example is a synthetic but well-formed bundle, built here the way the
server writes one (RFC 8785 bytes, chained ``prev`` hashes, real Ed25519 keys, the body
fields of real ``office.chartered``, ``member.added``, ``key.registered``,
``key.rotated`` and ``minutes.*`` events). The charter names both sides' members and
first keys; the South saves version 1 of a session's minutes and the North version 2.
Hypothesis then draws steps:

- a side rotates its key (signed by the old key and the new, as ``keys.rotate`` does);
- a member (head, deputy or staff of either side) signs a version in its side's log,
  over that version's content hash or another, with its side's current key, a retired
  one, the other side's key or a key nobody registered, and names either the key it
  used or, lying, its side's current key.

A model of a few lines says which signatures hold and which versions bind; the test
asserts that ``check.check`` lists exactly those versions and reports every other
signature as ``BAD_MINUTES_SIGNATURE`` at its ``office/side#seq`` — and nothing else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import event, given, settings
from hypothesis import strategies as st

from liaison.bundle import check, reading
from liaison.ledger.canonical import GENESIS
from liaison.signing import formats

OFFICE = "bindoffice"
SIDES = ("south", "north")
SESSION = "weekly-20240105T1000"
ROLES = ("head", "deputy", "staff")
MEMBERS = [f"{OFFICE}-{side}-{role}" for side in SIDES for role in ROLES]
TEXTS = {1: "1. The sides met.", 2: "1. The sides met.\n2. They agreed a rail study."}
T0 = dt.datetime(2024, 1, 5, 3, tzinfo=dt.UTC)

# Keys are slow to make; a fixed pool keeps the examples fast and reproducible.
POOL = [
    Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"key {n}".encode()).digest())
    for n in range(40)
]


def public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def fingerprint(key: Ed25519PrivateKey) -> str:
    return formats.fingerprint(key.public_key().public_bytes_raw())


@dataclass
class Ref:
    side: str
    seq: int
    hash: str

    def as_body(self) -> dict[str, Any]:
        return {"side": self.side, "seq": self.seq, "hash": self.hash}


@dataclass
class Writer:
    """Appends events to a synthetic bundle's logs as the server would."""

    logs: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"charter": [], "south": [], "north": []}
    )
    heads: dict[str, str] = field(default_factory=dict)
    n: int = 0

    def append(self, log: str, actor: str, type_: str, body: dict[str, Any]) -> Ref:
        events = self.logs[log]
        self.n += 1
        value = {
            "v": 1,
            "office": OFFICE,
            "side": None if log == "charter" else log,
            "seq": len(events) + 1,
            "prev": self.heads.get(log, GENESIS),
            "at": (T0 + dt.timedelta(minutes=self.n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor,
            "type": type_,
            "body": body,
        }
        data = rfc8785.dumps(value)
        events.append({"n": self.n, "data": base64.b64encode(data).decode()})
        self.heads[log] = hashlib.sha256(data).hexdigest()
        return Ref(log, len(events), self.heads[log])

    def bundle(self) -> dict[str, Any]:
        return {
            "format": reading.FORMAT,
            "version": reading.VERSION,
            "office": OFFICE,
            "exported_at": "2024-01-06T00:00:00.000000Z",
            "logs": [
                {"side": None if name == "charter" else name, "events": events}
                for name, events in sorted(self.logs.items())
            ],
            "checkpoints": [],
        }


# The steps Hypothesis draws -----------------------------------------------------------

ROTATE = st.tuples(st.just("rotate"), st.sampled_from(SIDES))
SIGN = st.tuples(
    st.just("sign"),
    st.sampled_from(MEMBERS),
    st.sampled_from(sorted(TEXTS)),
    st.sampled_from(["its own", "the other version's"]),  # the content hash signed
    st.sampled_from(["current", "retired", "other side's", "unregistered"]),
    st.sampled_from(["the one used", "the current one"]),  # the key the body names
)
# A head signing as it should, drawn as often, so that runs reach agreements.
HONEST = st.tuples(
    st.just("sign"),
    st.sampled_from([m for m in MEMBERS if m.endswith("-head")]),
    st.sampled_from(sorted(TEXTS)),
    st.just("its own"),
    st.just("current"),
    st.just("the one used"),
)
STEPS = st.lists(st.one_of(ROTATE, SIGN, HONEST), max_size=14)


@dataclass
class Signature:
    side: str
    version: int
    where: str
    valid: bool


def run(
    steps: list[tuple[Any, ...]], reason: object = "Routine renewal."
) -> tuple[dict[str, Any], list[Signature]]:
    """The bundle the steps write, and each minutes signature with the model's verdict.
    Each rotation gives ``reason`` (none at all when it is None)."""
    pool = iter(POOL)
    writer = Writer()
    writer.append(
        "charter",
        "operator",
        "office.chartered",
        {
            "name": f"Office {OFFICE}",
            "place": "Panmunjom",
            "time_zone": "Asia/Seoul",
            "launched_on": "2024-01-01",
            "sides": [
                {"key": "south", "name": "The South", "language": "ko", "time_zone": "Asia/Seoul"},
                {
                    "key": "north",
                    "name": "The North",
                    "language": "ko",
                    "time_zone": "Asia/Pyongyang",
                },
            ],
        },
    )
    for user_id, username in enumerate(MEMBERS, start=2):
        _, side, role = username.split("-")
        writer.append(
            "charter",
            "operator",
            "member.added",
            {
                "username": username,
                "user_id": user_id,
                "full_name": f"{side.title()} {role.title()}",
                "title": role.title(),
                "role": role,
                "side": side,
                "time_zone": "",
                "active_from": "2024-01-01",
            },
        )
    keys: dict[str, list[Ed25519PrivateKey]] = {}  # each side's keys, the current last
    for side in SIDES:
        keys[side] = [next(pool)]
        writer.append(
            "charter",
            "operator",
            "key.registered",
            {
                "side": side,
                "public_key": public(keys[side][0]),
                "fingerprint": fingerprint(keys[side][0]),
            },
        )
    saved: dict[int, Ref] = {}
    for version, side in ((1, "south"), (2, "north")):
        text = TEXTS[version]
        saved[version] = writer.append(
            side,
            f"{OFFICE}-{side}-staff",
            "minutes.saved",
            {
                "session": SESSION,
                "version": version,
                "based_on": version - 1 or None,
                "correction_reason": "",
                "text": text,
                "content_hash": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
        writer.append(
            side,
            f"{OFFICE}-{side}-head",
            "minutes.proposed",
            {"session": SESSION, "version": version, "ref": saved[version].as_body()},
        )

    signatures: list[Signature] = []
    for step in steps:
        if step[0] == "rotate":
            side = step[1]
            old, new = keys[side][-1], next(pool)
            message = formats.rotation_message(
                office=OFFICE,
                side=side,
                old=fingerprint(old),
                new=fingerprint(new),
                public_key=public(new),
            )
            body = {
                "old": fingerprint(old),
                "new": fingerprint(new),
                "public_key": public(new),
                "old_signature": old.sign(message).hex(),
                "new_signature": new.sign(message).hex(),
            }
            if reason is not None:
                body["reason"] = reason
            writer.append(side, f"{OFFICE}-{side}-head", "key.rotated", body)
            keys[side].append(new)
            continue
        _, actor, version, which_hash, which_key, named = step
        _, side, role = actor.split("-")
        other = SIDES[1 - SIDES.index(side)]
        signed_version = version if which_hash == "its own" else 3 - version
        content_hash = hashlib.sha256(TEXTS[signed_version].encode()).hexdigest()
        if which_key == "retired" and len(keys[side]) > 1:
            key = keys[side][-2]
        elif which_key == "other side's":
            key = keys[other][-1]
        elif which_key == "current":
            key = keys[side][-1]
        else:  # a key nobody registered (also "retired" before any rotation)
            key = next(pool)
        message = formats.minutes_message(
            office=OFFICE,
            side=side,
            session=SESSION,
            version=version,
            content_hash=content_hash,
            signer=actor,
        )
        ref = writer.append(
            side,
            actor,
            "minutes.signed",
            {
                "session": SESSION,
                "version": version,
                "ref": saved[version].as_body(),
                "content_hash": content_hash,
                "key": fingerprint(key if named == "the one used" else keys[side][-1]),
                "signature": key.sign(message).hex(),
            },
        )
        # The model: a head, the version's own content, the side's key in force now.
        valid = role == "head" and signed_version == version and key is keys[side][-1]
        signatures.append(Signature(side, version, f"{OFFICE}/{side}#{ref.seq}", valid))
    return writer.bundle(), signatures


def binding(signatures: list[Signature]) -> list[str]:
    return [
        f"{SESSION} v{version}"
        for version in sorted(TEXTS)
        if all(
            any(s.valid and (s.side, s.version) == (side, version) for s in signatures)
            for side in SIDES
        )
    ]


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(STEPS)
def test_minutes_bind_iff_both_heads_signed_one_content_hash_with_keys_valid_then(
    steps: list[tuple[Any, ...]],
) -> None:
    bundle, signatures = run(steps)
    report = check.check(bundle)
    # Seen with --hypothesis-show-statistics: how often runs reach each outcome.
    event(f"versions binding: {len(binding(signatures))}")
    event("a key was rotated" if any(s[0] == "rotate" for s in steps) else "no rotation")
    event("a signature refused" if any(not s.valid for s in signatures) else "none refused")
    assert report.agreed_minutes == binding(signatures)
    assert [(p.kind, p.where) for p in report.problems] == [
        ("BAD_MINUTES_SIGNATURE", s.where) for s in signatures if not s.valid
    ]


def test_a_signature_by_a_retired_key_after_the_rotation_does_not_bind() -> None:
    steps = [
        ("sign", f"{OFFICE}-north-head", 1, "its own", "current", "the one used"),
        ("rotate", "south"),
        ("sign", f"{OFFICE}-south-head", 1, "its own", "retired", "the one used"),
    ]
    bundle, _ = run(steps)
    report = check.check(bundle)
    assert report.agreed_minutes == []
    assert [(p.kind, p.where) for p in report.problems] == [
        ("BAD_MINUTES_SIGNATURE", f"{OFFICE}/south#4")
    ]
    # The same signature with the new key binds.
    bundle, _ = run([*steps[:2], (*steps[2][:4], "current", "the one used")])
    assert check.check(bundle).agreed_minutes == [f"{SESSION} v1"]


def test_both_heads_signing_another_versions_content_does_not_bind_this_version() -> None:
    # Both heads sign version 1 but over version 2's text: neither signature is of the
    # version it names, so version 1 does not bind (and version 2 was not signed).
    bundle, _ = run(
        [
            ("sign", f"{OFFICE}-south-head", 1, "the other version's", "current", "the one used"),
            ("sign", f"{OFFICE}-north-head", 1, "the other version's", "current", "the one used"),
        ]
    )
    report = check.check(bundle)
    assert report.agreed_minutes == []
    assert [(p.kind, p.where) for p in report.problems] == [
        ("BAD_MINUTES_SIGNATURE", f"{OFFICE}/south#3"),
        ("BAD_MINUTES_SIGNATURE", f"{OFFICE}/north#3"),
    ]


def test_the_verifier_lists_each_rotation_with_the_reason_the_side_gave() -> None:
    bundle, _ = run([("rotate", "south"), ("rotate", "north")])
    report = check.check(bundle)
    assert report.problems == []
    assert report.rotations == [
        f"{OFFICE}/south#3: Routine renewal.",
        f"{OFFICE}/north#3: Routine renewal.",
    ]


def test_a_rotation_that_gives_no_reason_is_a_bad_key_but_the_history_goes_on() -> None:
    for reason in (None, "", "  ", "r" * 501, 7):
        bundle, _ = run(
            [
                ("rotate", "south"),
                ("sign", f"{OFFICE}-south-head", 1, "its own", "current", "the one used"),
                ("sign", f"{OFFICE}-north-head", 1, "its own", "current", "the one used"),
            ],
            reason=reason,
        )
        report = check.check(bundle)
        assert [(p.kind, p.where, p.detail) for p in report.problems] == [
            ("BAD_KEY", f"{OFFICE}/south#3", "the rotation gives no reason of 1 to 500 characters")
        ]
        # The keys themselves hold: the new key's signature still binds.
        assert report.agreed_minutes == [f"{SESSION} v1"]
