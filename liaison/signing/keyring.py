"""Each side's Ed25519 keys: made, sealed at rest, looked up, used to sign.

Private keys are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from
``settings.LIAISON_KEY_SECRET``; the office, side and fingerprint are bound in as
associated data, so a sealed key copied onto another side's row does not open. The
public half goes into the logs: the charter's ``key.registered`` names a side's first
key, the side's own ``key.rotated`` each later one (``signing.keys.rotate``, which
checkpoints the log under the new key, so it sits above ``checkpoints`` and this below).
"""

from __future__ import annotations

import datetime as dt
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.models import Office, Side
from liaison.signing import formats
from liaison.signing.models import KeySecret, SideKey

CHARTER = ""
_NONCE = 12


def _wrapping_key() -> bytes:
    secret = getattr(settings, "LIAISON_KEY_SECRET", "")
    if not secret:
        raise ImproperlyConfigured("LIAISON_KEY_SECRET must be set to seal signing keys")
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"liaison signing keys v1"
    ).derive(secret.encode())


def _aad(office: str, side: str, fingerprint: str) -> bytes:
    return f"{office}\x00{side}\x00{fingerprint}".encode()


def seal(private: Ed25519PrivateKey, *, office: str, side: str, fingerprint: str) -> bytes:
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(_wrapping_key()).encrypt(nonce, raw, _aad(office, side, fingerprint))


def unseal(secret: KeySecret) -> Ed25519PrivateKey:
    data = bytes(secret.sealed)
    try:
        raw = AESGCM(_wrapping_key()).decrypt(
            data[:_NONCE], data[_NONCE:], _aad(secret.office, secret.side, secret.fingerprint)
        )
    except InvalidTag:
        raise ImproperlyConfigured(
            f"the signing key {secret.fingerprint[:16]} of {secret.office}/{secret.side} does "
            "not open: LIAISON_KEY_SECRET differs from the one it was sealed under"
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_hex(private: Ed25519PrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )


def new_key(office: str, side: str, now: dt.datetime) -> tuple[Ed25519PrivateKey, str, str]:
    """A fresh key pair for the side, its private half sealed and stored: (private key,
    public key hex, fingerprint). The log names it (``key.registered``, ``key.rotated``)."""
    private = Ed25519PrivateKey.generate()
    public = public_hex(private)
    fingerprint = formats.fingerprint(bytes.fromhex(public))
    KeySecret.objects.create(
        office=office,
        side=side,
        fingerprint=fingerprint,
        sealed=seal(private, office=office, side=side, fingerprint=fingerprint),
        created_at=now,
    )
    return private, public, fingerprint


def ensure_keys(office: Office, now: dt.datetime) -> None:
    """Give each side of ``office`` that has none its first key, named in the charter
    log. Call inside ``log.writing(office.id)``."""
    have = set(SideKey.objects.for_office(office).values_list("side__key", flat=True))
    for side in Side.objects.for_office(office).order_by("position"):
        if side.key in have:
            continue
        _, public, fingerprint = new_key(office.id, side.key, now)
        log.append(
            office=office.id,
            side=CHARTER,
            actor="operator",
            type="key.registered",
            at=now,
            body={"side": side.key, "public_key": public, "fingerprint": fingerprint},
        )


def current_key(office: Office | str, side: str) -> SideKey:
    office_id = office if isinstance(office, str) else office.id
    key = SideKey.objects.filter(
        office_id=office_id, side_id=Side.make_id(office_id, side), valid_until_size=None
    ).first()
    if key is None:
        raise Refused(f"the {side} side has no signing key yet")
    return key


def private_key(key: SideKey) -> Ed25519PrivateKey:
    secret = KeySecret.objects.filter(fingerprint=key.fingerprint).first()
    if secret is None:
        raise Refused(
            f"this server does not hold the private key {key.fingerprint[:16]} of the "
            f"{key.side.key} side"
        )
    return unseal(secret)


def sign(key: SideKey, message: bytes) -> str:
    return private_key(key).sign(message).hex()
