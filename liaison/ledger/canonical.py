"""Canonical bytes of an event (RFC 8785 JSON Canonicalization Scheme) and its hash.

Events are stored as these bytes and hashed over them. Floats and integers outside
±(2**53 - 1) are refused: JCS serialises numbers as IEEE 754 doubles, so only
exactly representable integers survive every parser unchanged.

The one encoder of what is hashed or signed: appends, ``liaison verify``, the offline
verifier (``ledger.chain``) and the signed formats (``signing.formats``) all use it,
so it imports nothing from Django.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

# Tags the hashing scheme; bump it with any change to what is hashed or how.
HASH_ALGORITHM = "sha256"
EVENT_FORMAT_VERSION = 1
# The ``prev`` of a log's first event.
GENESIS = "0" * 64
MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalError(ValueError):
    """A value that has no canonical encoding in an event."""


def check_domain(value: Any, path: str = "$") -> None:
    """Refuse what an event may not hold, naming where it is."""
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalError(f"{path}: integer {value} is outside ±(2**53 - 1)")
        return
    if isinstance(value, float):
        raise CanonicalError(f"{path}: numbers with fractions are not allowed in events")
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_domain(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path}: object keys must be strings")
            check_domain(item, f"{path}.{key}")
        return
    raise CanonicalError(f"{path}: {type(value).__name__} cannot be stored in an event")


def encode(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value`` after the event domain check."""
    check_domain(value)
    return rfc8785.dumps(value)


def digest(data: bytes) -> str:
    """The event id: hex SHA-256 of its stored bytes."""
    return hashlib.sha256(data).hexdigest()
