"""The canonical bytes of events: RFC 8785 on the published vectors, the event domain
(no floats, no integers beyond 2**53 - 1) and one pinned hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import rfc8785

from liaison.ledger.canonical import GENESIS, CanonicalError, digest, encode
from liaison.ledger.log import envelope

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "jcs" / "testdata"
VECTOR_NAMES = (
    sorted(p.name for p in (VECTORS / "input").glob("*.json")) if VECTORS.is_dir() else []
)

needs_vectors = pytest.mark.skipif(
    not VECTORS.is_dir(),
    reason=f"RFC 8785 vectors not found at {VECTORS} (checkout of ../shared/vectors missing)",
)


def _vector(name: str) -> tuple[object, bytes]:
    return json.loads((VECTORS / "input" / name).read_bytes()), (
        VECTORS / "output" / name
    ).read_bytes()


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return False


@needs_vectors
def test_the_vectors_are_all_there():
    # The six cases cyberphone/json-canonicalization publishes; a partial copy would
    # silently test less.
    assert set(VECTOR_NAMES) >= {
        "arrays.json",
        "french.json",
        "structures.json",
        "unicode.json",
        "values.json",
        "weird.json",
    }


@needs_vectors
@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_rfc8785_produces_the_published_bytes(name):
    value, expected = _vector(name)
    assert rfc8785.dumps(value) == expected


@needs_vectors
@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_encode_matches_rfc8785_or_refuses_floats(name):
    value, expected = _vector(name)
    if _has_float(value):
        with pytest.raises(CanonicalError, match="fractions are not allowed"):
            encode(value)
    else:
        assert encode(value) == expected


@needs_vectors
def test_most_vectors_are_float_free_so_encode_is_really_compared():
    float_free = [n for n in VECTOR_NAMES if not _has_float(_vector(n)[0])]
    assert {"arrays.json", "french.json", "unicode.json", "weird.json"} <= set(float_free)


def test_encode_refuses_a_float_naming_where_it_is():
    with pytest.raises(CanonicalError, match=r"^\$\.body\.items\[2\]: numbers with fractions"):
        encode({"body": {"items": [1, 2, 2.5]}})


def test_encode_refuses_a_whole_float_too():
    # 56.0 serialises as 56 in JCS, but Python would read it back as a float: refused.
    with pytest.raises(CanonicalError, match=r"^\$\.n: "):
        encode({"n": 56.0})


@pytest.mark.parametrize("number", [2**53, -(2**53), 2**64, -(2**63)])
def test_encode_refuses_integers_beyond_2_53_naming_where_they_are(number):
    with pytest.raises(CanonicalError, match=rf"^\$\.body\.user_id: integer {number} is outside"):
        encode({"body": {"user_id": number}})


@pytest.mark.parametrize("number", [2**53 - 1, -(2**53 - 1), 0, -1])
def test_encode_accepts_the_safe_integers(number):
    assert encode({"n": number}) == f'{{"n":{number}}}'.encode()


def test_encode_keeps_booleans_as_booleans_not_integers():
    assert encode([True, False, None]) == b"[true,false,null]"


def test_encode_refuses_non_string_keys_and_other_types():
    with pytest.raises(CanonicalError, match=r"^\$: object keys must be strings"):
        encode({1: "one"})
    with pytest.raises(CanonicalError, match=r"^\$\.when: datetime cannot be stored"):
        encode({"when": dt.datetime(2018, 11, 2, tzinfo=dt.UTC)})


def test_encode_sorts_keys_by_utf16_and_writes_utf8_without_escapes():
    assert encode({"b": 1, "a": "전", "€": 2, "\r": 3}) == '{"\\r":3,"a":"전","b":1,"€":2}'.encode()


# A fixed envelope, as log.append builds it. Its SHA-256 is pinned: any change to the
# envelope's fields, the canonical form or the hash breaks every stored log and must
# come with a new EVENT_FORMAT_VERSION.
KNOWN_ENVELOPE = {
    "office": "kaesong",
    "side": "",
    "seq": 2,
    "prev": "ab" * 32,
    "at": dt.datetime(2018, 9, 14, 0, 0, 0, 123456, tzinfo=dt.UTC),
    "actor": "operator",
    "type": "member.changed",
    "body": {
        "username": "jon",
        "full_name": "전종수",
        "title": "Vice chairman",
        "role": "head",
        "time_zone": "Asia/Pyongyang",
    },
}
KNOWN_BYTES = (
    '{"actor":"operator","at":"2018-09-14T00:00:00.123456Z","body":{"full_name":"전종수",'
    '"role":"head","time_zone":"Asia/Pyongyang","title":"Vice chairman","username":"jon"},'
    '"office":"kaesong","prev":"' + "ab" * 32 + '","seq":2,"side":null,'
    '"type":"member.changed","v":1}'
).encode()
KNOWN_HASH = "94d9bfadfdf3c0ef64fdf1b74f384f97a670da823c2904b246381d064fec9d32"


def test_a_fixed_event_has_known_bytes_and_hash():
    data = encode(envelope(**KNOWN_ENVELOPE))
    assert data == KNOWN_BYTES
    assert digest(data) == KNOWN_HASH
    assert hashlib.sha256(KNOWN_BYTES).hexdigest() == KNOWN_HASH


def test_the_genesis_prev_is_64_zeros():
    assert GENESIS == "0" * 64
