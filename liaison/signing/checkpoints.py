"""Checkpoints: a side signs its log's size and Merkle root; the other side witnesses.

``sign_checkpoint`` computes the RFC 9162 root over the side's stored event bytes, signs
the statement with the side's current key and hands it to the other side's witness.
The witness checks the signature and, against the last checkpoint of that log it
cosigned, a consistency proof; then it cosigns (``checkpoint.cosigned`` in its own log)
or refuses (``checkpoint.refused``, the statement kept as evidence). On one server both
steps run here, with both keys; in federated mode the witness runs on the other side's
server and receives the statement and the proof.

Checkpoints are signed on a schedule (``liaison checkpoint --every``), whenever a head
signs minutes, when a key is rotated, and on demand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from liaison.ledger import log, merkle
from liaison.ledger.models import Event, Log
from liaison.lib.errors import NotAllowed, Refused
from liaison.lib.timezones import format_utc
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member, Office, Side
from liaison.signing import formats, keyring
from liaison.signing.commands import SignCheckpoint
from liaison.signing.models import Checkpoint, Cosignature, SideKey

WITNESS_TYPES = ("checkpoint.cosigned", "checkpoint.refused")
REASONS = ("schedule", "minutes", "demand", "rotation")


def leaf_hashes(office: str, side: str) -> list[bytes]:
    """The Merkle leaf hash of each event of the log, in seq order."""
    data = (
        Event.objects.filter(log__office=office, log__side=side)
        .order_by("seq")
        .values_list("data", flat=True)
        .iterator(chunk_size=2000)
    )
    return [merkle.leaf_hash(bytes(item)) for item in data]


def latest(office: str, side: str) -> Checkpoint | None:
    return Checkpoint.objects.filter(office=office, side=side).order_by("-size", "-pk").first()


def _other_side(office: Office, side: str) -> Side:
    return Side.objects.for_office(office).exclude(key=side).get()


def _has_news(office: str, side: str, since: int) -> bool:
    """Whether the log has grown since size ``since`` by more than witness events: a
    cosignature answers a checkpoint, and checkpointing it in turn would ping-pong."""
    return (
        Event.objects.filter(log__office=office, log__side=side, seq__gt=since)
        .exclude(type__in=WITNESS_TYPES)
        .exists()
    )


def sign_checkpoint(
    office: Office, side: str, *, now: dt.datetime, reason: str, force: bool = False
) -> Checkpoint | None:
    """Sign a checkpoint of ``side``'s log and have the other side witness it. None when
    there is nothing new to sign (an empty log, or no change but witness events since
    the last checkpoint) unless ``force``."""
    if reason not in REASONS:
        raise ValueError(f"unknown checkpoint reason {reason!r}")
    with log.writing(office.id):
        keyring.ensure_keys(office, now)
        previous = latest(office.id, side)
        size = Log.objects.filter(office=office.id, side=side).values_list("size", flat=True)
        current = size.first() or 0
        if current == 0:
            return None
        if (
            previous is not None
            and not force
            and (previous.size == current or not _has_news(office.id, side, previous.size))
        ):
            return None
        leaves = leaf_hashes(office.id, side)
        root = merkle.root(leaves).hex()
        key = keyring.current_key(office, side)
        at = format_utc(now)
        statement = formats.checkpoint_statement(
            office=office.id, side=side, size=len(leaves), root=root, at=at, key=key.fingerprint
        )
        checkpoint = Checkpoint.objects.create(
            office=office.id,
            side=side,
            size=len(leaves),
            root=root,
            at=now,
            key=key.fingerprint,
            statement=statement,
            signature=keyring.sign(key, statement),
            reason=reason,
        )
        witness(office, checkpoint, leaves, now=now)
    return checkpoint


def sign_on_demand(*, member: Member, command: SignCheckpoint, now: dt.datetime) -> Checkpoint:
    """A head or deputy has their side sign a checkpoint now (even if nothing changed
    since the last: the point is a fresh signature to take away). The rules that need
    the log (not empty) are checked under the office's lock by ``sign_checkpoint``."""
    require_side_speaker(member)
    require_active(member, now)
    side = member.side_key
    if side is None:  # pragma: no cover - require_side_speaker refused it already
        raise NotAllowed("only a side's head or deputy signs for it")
    checkpoint = sign_checkpoint(member.office, side, now=now, reason="demand", force=True)
    if checkpoint is None:
        raise Refused("your side's log is empty: there is nothing to sign yet")
    return checkpoint


def last_cosigned(office: str, witness: Side, side: str) -> Cosignature | None:
    return (
        Cosignature.objects.filter(office_id=office, witness=witness, side=side)
        .order_by("-size", "-at")
        .first()
    )


def witness(
    office: Office, checkpoint: Checkpoint, leaves: Sequence[bytes], *, now: dt.datetime
) -> bool:
    """The other side checks ``checkpoint`` and records its verdict in its own log:
    cosigned (True) or refused as evidence (False)."""
    by = _other_side(office, checkpoint.side)
    problem = _check(office, checkpoint, by, leaves)
    last = last_cosigned(office.id, by, checkpoint.side)
    body = {
        "side": checkpoint.side,
        "size": checkpoint.size,
        "root": checkpoint.root,
        "checkpoint_at": format_utc(checkpoint.at),
        "key": checkpoint.key,
        "signature": checkpoint.signature,
    }
    if problem is None:
        keyring.ensure_keys(office, now)
        witness_key = keyring.current_key(office, by.key)
        body |= {
            "witness_key": witness_key.fingerprint,
            "cosignature": keyring.sign(witness_key, bytes(checkpoint.statement)),
        }
        log.append(
            office=office.id,
            side=by.key,
            actor="witness",
            type="checkpoint.cosigned",
            at=now,
            body=body,
        )
        return True
    body |= {
        "reason": problem,
        "last_size": last.size if last else 0,
        "last_root": last.root if last else merkle.root([]).hex(),
    }
    log.append(
        office=office.id, side=by.key, actor="witness", type="checkpoint.refused", at=now, body=body
    )
    return False


def _check(office: Office, checkpoint: Checkpoint, by: Side, leaves: Sequence[bytes]) -> str | None:
    """What is wrong with ``checkpoint`` in the witness's eyes, or None."""
    key = SideKey.objects.filter(
        office=office, side__key=checkpoint.side, fingerprint=checkpoint.key
    ).first()
    if key is None or not key.valid_at(checkpoint.size):
        return f"signed with key {checkpoint.key[:16]}, not the {checkpoint.side} side's key then"
    if not formats.signature_valid(
        key.public_key, checkpoint.signature, bytes(checkpoint.statement)
    ):
        return "the signature does not verify"
    last = last_cosigned(office.id, by, checkpoint.side)
    if last is None:
        return None
    if checkpoint.size < last.size:
        return (
            f"the log has {checkpoint.size} events, fewer than the {last.size} "
            "cosigned before: it was truncated"
        )
    try:
        proof = merkle.consistency_proof(leaves, last.size)
        merkle.verify_consistency(
            old_size=last.size,
            new_size=checkpoint.size,
            old_root=bytes.fromhex(last.root),
            new_root=bytes.fromhex(checkpoint.root),
            proof=proof,
        )
    except merkle.ProofError as exc:
        return (
            f"not consistent with the checkpoint of size {last.size} cosigned before "
            f"(root {last.root[:16]}): the log was rewritten ({exc})"
        )
    return None


def sign_scheduled(now: dt.datetime, office: str | None = None) -> list[Checkpoint]:
    """The scheduled round: each side of each office (or of ``office``) with news signs."""
    offices = Office.objects.all() if office is None else Office.objects.filter(id=office)
    signed = []
    for each in offices.order_by("id"):
        for side in Side.objects.filter(office=each).order_by("position"):
            checkpoint = sign_checkpoint(each, side.key, now=now, reason="schedule")
            if checkpoint is not None:
                signed.append(checkpoint)
    return signed


def audit(office: str) -> list[tuple[str, str, str]]:
    """(kind, where, detail) of what is wrong with ``office``'s signed checkpoints:
    ``liaison verify``'s checkpoint step. Each stored checkpoint must be signed by the
    side's key in force, its columns must say what its signed statement says, and each
    checkpoint the other side cosigned (in its log) must still be stored. Then every
    root signed or cosigned must be the root of its log's first events; each log is
    read and hashed once, its claims checked in size order against one growing tree."""
    found: list[tuple[str, str, str]] = []
    keys = {(k.side_id, k.fingerprint): k for k in SideKey.objects.filter(office_id=office)}
    claims: list[tuple[str, int, str, str]] = []  # (side, size, root, where)
    stored = set()
    for checkpoint in Checkpoint.objects.filter(office=office).order_by("side", "size", "pk"):
        where = f"{office}/{checkpoint.side} checkpoint of size {checkpoint.size}"
        key = keys.get((f"{office}:{checkpoint.side}", checkpoint.key))
        statement = bytes(checkpoint.statement)
        if (
            key is None
            or not key.valid_at(checkpoint.size)
            or not formats.signature_valid(key.public_key, checkpoint.signature, statement)
        ):
            found.append(("BAD_SIGNATURE", where, "not signed by the side's key in force"))
            continue
        signed = formats.parse_checkpoint_statement(statement)
        columns = {"side": checkpoint.side, "size": checkpoint.size, "root": checkpoint.root}
        changed = [name for name, value in columns.items() if signed[name] != value]
        if changed:
            found.append(
                ("COLUMN_MISMATCH", where, f"{', '.join(changed)} differ from the signed statement")
            )
        stored.add((signed["side"], signed["size"], signed["root"]))
        claims.append((signed["side"], signed["size"], signed["root"], where))
    for cosigned in Cosignature.objects.filter(office_id=office).order_by("side", "size"):
        where = f"{cosigned.event} (cosigned {cosigned.side} at size {cosigned.size})"
        if (cosigned.side, cosigned.size, cosigned.root) not in stored:
            found.append(("CHECKPOINT_MISSING", where, "the checkpoint it cosigned is not stored"))
        claims.append((cosigned.side, cosigned.size, cosigned.root, where))
    trees: dict[str, tuple[list[bytes], merkle.Tree]] = {}
    for side, size, root, where in sorted(claims, key=lambda c: (c[0], c[1])):
        if side not in trees:
            trees[side] = (leaf_hashes(office, side), merkle.Tree())
        leaves, tree = trees[side]
        if len(leaves) < size:
            found.append(
                ("TRUNCATED", where, f"it signed {size} events; the log has {len(leaves)}")
            )
            continue
        while tree.size < size:
            tree.append(leaves[tree.size])
        if tree.root().hex() != root:
            found.append(
                ("ROOT_MISMATCH", where, "the log's first events no longer have the signed root")
            )
    return found
