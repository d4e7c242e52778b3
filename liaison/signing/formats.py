"""What Liaison signs, byte for byte: checkpoint statements and key rotations.

Pure Python (the standard library, ``rfc8785`` and ``cryptography``) and free of Django,
because the offline verifier (``liaison.bundle.check``) rebuilds and checks these very
bytes from an exported bundle with no database.

Every signed message is RFC 8785 canonical JSON naming its own purpose (``type``), so a
signature over one kind of message can never be passed off as another; it is encoded by
``ledger.canonical``, the encoder of the events, so one set of rules makes every byte
that is hashed or signed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from liaison.ledger.canonical import encode

CHECKPOINT = "liaison.checkpoint/v1"
KEY_ROTATION = "liaison.key-rotation/v1"
MINUTES_SIGNATURE = "liaison.minutes-signature/v1"

# The longest reason a ``key.rotated`` event may give (its schema, and the verifier's).
# The reason is not in the signed rotation message: the keys vouch for the keys, and the
# event's hash and the checkpoints over the log bind what the side said.
ROTATION_REASON_MAX = 500


def fingerprint(public_key: bytes) -> str:
    """A key's name: hex SHA-256 of its 32 raw public bytes."""
    return hashlib.sha256(public_key).hexdigest()


def checkpoint_statement(
    *, office: str, side: str, size: int, root: str, at: str, key: str
) -> bytes:
    """What a side signs for a checkpoint: its log's size and Merkle root (hex), when
    (a UTC instant as events spell it), and the fingerprint of the key that signs."""
    return encode(
        {
            "type": CHECKPOINT,
            "office": office,
            "side": side,
            "size": size,
            "root": root,
            "at": at,
            "key": key,
        }
    )


def parse_checkpoint_statement(data: bytes) -> dict[str, Any]:
    """The statement's fields, or ``ValueError`` if these bytes are not a canonical
    checkpoint statement."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    fields = {"type", "office", "side", "size", "root", "at", "key"}
    if not isinstance(value, dict) or set(value) != fields or value["type"] != CHECKPOINT:
        raise ValueError("not a checkpoint statement")
    if not isinstance(value["size"], int) or value["size"] < 0:
        raise ValueError("a checkpoint's size must be a whole number")
    for name in ("office", "side", "root", "at", "key"):
        if not isinstance(value[name], str):
            raise ValueError(f"a checkpoint's {name} must be a string")
    if encode(value) != data:
        raise ValueError("the statement is not in canonical form")
    return value


def rotation_message(*, office: str, side: str, old: str, new: str, public_key: str) -> bytes:
    """What both the old and the new key sign when a side rotates its key."""
    return encode(
        {
            "type": KEY_ROTATION,
            "office": office,
            "side": side,
            "old": old,
            "new": new,
            "public_key": public_key,
        }
    )


def minutes_message(
    *, office: str, side: str, session: str, version: int, content_hash: str, signer: str
) -> bytes:
    """What a side's key signs when its head signs a version of the minutes."""
    return encode(
        {
            "type": MINUTES_SIGNATURE,
            "office": office,
            "side": side,
            "session": session,
            "version": version,
            "content_hash": content_hash,
            "signer": signer,
        }
    )


def signature_valid(public_key_hex: str, signature_hex: str, message: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, InvalidSignature):
        return False
    return True
