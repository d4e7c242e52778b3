"""RFC 9162 Merkle trees: the published transparency-dev vectors, the RFC 6962 test tree,
property tests against a literal transcription of the RFC, and standard-library-only
imports (the offline verifier loads the module without Django)."""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.ledger import merkle
from liaison.ledger.merkle import ProofError

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "merkle" / "testdata"
# What the published folder holds: 98 inclusion and 98 consistency cases, 6 of each
# happy. A partial copy would silently test less.
EXPECTED_FILES = {"inclusion": 98, "consistency": 98}
EXPECTED_HAPPY = {"inclusion": 6, "consistency": 6}


def _vector_files(kind: str) -> list[str]:
    folder = VECTORS / kind
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(VECTORS)) for p in folder.rglob("*.json"))


INCLUSION_FILES = _vector_files("inclusion")
CONSISTENCY_FILES = _vector_files("consistency")

needs_vectors = pytest.mark.skipif(
    not VECTORS.is_dir(),
    reason=f"Merkle vectors not found at {VECTORS} (checkout of ../shared/vectors missing)",
)


def _load(name: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return case


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in case["proof"] or []]


def _check_inclusion(case: dict[str, Any]) -> None:
    merkle.verify_inclusion(
        index=case["leafIdx"],
        size=case["treeSize"],
        leaf=_b64(case["leafHash"]),
        proof=_proof(case),
        root=_b64(case["root"]),
    )


def _check_consistency(case: dict[str, Any]) -> None:
    merkle.verify_consistency(
        old_size=case["size1"],
        new_size=case["size2"],
        old_root=_b64(case["root1"]),
        new_root=_b64(case["root2"]),
        proof=_proof(case),
    )


# The RFC 6962 test tree (transparency-dev/merkle testonly/constants.go: LeafInputs,
# NodeHashes level 0 and RootHashes, indexed by tree size from 0).
RFC6962_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
RFC6962_LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
RFC6962_TREE = [merkle.leaf_hash(data) for data in RFC6962_LEAVES]


# The published vectors ------------------------------------------------------------------


@needs_vectors
def test_the_vectors_are_all_there():
    assert len(INCLUSION_FILES) == EXPECTED_FILES["inclusion"]
    assert len(CONSISTENCY_FILES) == EXPECTED_FILES["consistency"]
    for kind, files in (("inclusion", INCLUSION_FILES), ("consistency", CONSISTENCY_FILES)):
        happy = [name for name in files if not _load(name)["wantErr"]]
        assert len(happy) == EXPECTED_HAPPY[kind], kind


@needs_vectors
@pytest.mark.parametrize("name", INCLUSION_FILES)
def test_inclusion_vector(name):
    case = _load(name)
    if case["wantErr"]:
        with pytest.raises(ProofError):
            _check_inclusion(case)
    else:
        _check_inclusion(case)


@needs_vectors
@pytest.mark.parametrize("name", CONSISTENCY_FILES)
def test_consistency_vector(name):
    case = _load(name)
    if case["wantErr"]:
        with pytest.raises(ProofError):
            _check_consistency(case)
    else:
        _check_consistency(case)


def _rfc6962_size(root: bytes) -> int | None:
    hexed = root.hex()
    return RFC6962_ROOTS.index(hexed) if hexed in RFC6962_ROOTS else None


@needs_vectors
def test_we_generate_the_published_proofs_for_the_rfc6962_tree():
    # The happy paths in the numbered folders are proofs over the RFC 6962 test tree:
    # our proofs for the same leaves are those bytes, not merely proofs that verify.
    compared = 0
    for name in INCLUSION_FILES:
        case = _load(name)
        size = _rfc6962_size(_b64(case["root"]))
        if case["wantErr"] or size != case["treeSize"]:
            continue
        leaves = RFC6962_TREE[:size]
        assert merkle.inclusion_proof(leaves, case["leafIdx"]) == _proof(case), name
        compared += 1
    for name in CONSISTENCY_FILES:
        case = _load(name)
        size = _rfc6962_size(_b64(case["root2"]))
        if case["wantErr"] or size != case["size2"]:
            continue
        proof = merkle.consistency_proof(RFC6962_TREE[:size], case["size1"])
        assert proof == _proof(case), name
        compared += 1
    assert compared == 10  # 5 inclusion and 5 consistency happy paths use that tree


# The RFC 6962 test tree -----------------------------------------------------------------


def test_leaf_hashes_of_the_rfc6962_test_tree():
    assert [h.hex() for h in RFC6962_TREE] == RFC6962_LEAF_HASHES


@pytest.mark.parametrize("size", range(9))
def test_roots_of_the_rfc6962_test_tree(size):
    assert merkle.root(RFC6962_TREE[:size]).hex() == RFC6962_ROOTS[size]
    tree = merkle.Tree()
    for leaf in RFC6962_TREE[:size]:
        tree.append(leaf)
    assert (tree.size, tree.root().hex()) == (size, RFC6962_ROOTS[size])


def test_the_empty_tree_root_is_the_hash_of_nothing():
    assert merkle.root([]) == merkle.Tree().root() == hashlib.sha256(b"").digest()


# A literal transcription of RFC 9162 2.1 (recursive, quadratic): what ours must equal.


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _split(len(d))
    return merkle.node_hash(_mth(d[:k]), _mth(d[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _split(len(d))
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    if m == len(d):
        return [] if whole else [_mth(d)]
    k = _split(len(d))
    if m <= k:
        return [*_subproof(m, d[:k], whole), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


# Property tests -------------------------------------------------------------------------

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)


@st.composite
def trees(draw: st.DrawFn, min_size: int = 0) -> list[bytes]:
    """Up to 300 distinct random leaf hashes (distinct, so that another index or leaf
    really is another leaf)."""
    size = draw(st.integers(min_value=min_size, max_value=300))
    salt = draw(st.binary(min_size=1, max_size=8))
    return [merkle.leaf_hash(salt + i.to_bytes(2, "big")) for i in range(size)]


def _flip(value: bytes, bit: int = 0) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


def _inclusion_fails(**kwargs: Any) -> bool:
    try:
        merkle.verify_inclusion(**kwargs)
    except ProofError:
        return True
    return False


def _consistency_fails(**kwargs: Any) -> bool:
    try:
        merkle.verify_consistency(**kwargs)
    except ProofError:
        return True
    return False


@PROPERTIES
@given(leaves=trees())
def test_root_and_tree_match_the_rfc_definition_at_every_size(leaves):
    assert merkle.root(leaves) == _mth(leaves)
    tree = merkle.Tree()
    assert tree.root() == merkle.root([])
    # Every prefix root from one left-to-right pass, to compare the Tree at every size.
    for size, leaf in enumerate(leaves, start=1):
        tree.append(leaf)
        assert tree.size == size
        assert tree.root() == merkle.root(leaves[:size])
    assert len(tree._peaks) == len(leaves).bit_count()  # O(log n) state


@PROPERTIES
@given(leaves=trees(min_size=1), data=st.data())
def test_every_inclusion_proof_verifies_and_nothing_else_does(leaves, data):
    size = len(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = merkle.inclusion_proof(leaves, index)
    assert proof == _path(index, leaves)
    top = merkle.root(leaves)
    good = {"index": index, "size": size, "leaf": leaves[index], "proof": proof, "root": top}
    merkle.verify_inclusion(**good)

    if size > 1:
        other = (index + data.draw(st.integers(1, size - 1), label="step")) % size
        assert _inclusion_fails(**good | {"index": other})
        assert _inclusion_fails(**good | {"leaf": leaves[other]})
    assert _inclusion_fails(**good | {"leaf": _flip(leaves[index])})
    assert _inclusion_fails(**good | {"root": _flip(top, 7)})
    assert _inclusion_fails(**good | {"index": size})  # past the end
    for position in range(len(proof)):
        mutated = [*proof]
        mutated[position] = _flip(mutated[position], position % 8)
        assert _inclusion_fails(**good | {"proof": mutated}), position
    if proof:
        assert _inclusion_fails(**good | {"proof": proof[:-1]})
    assert _inclusion_fails(**good | {"proof": [*proof, top]})


@PROPERTIES
@given(leaves=trees(min_size=1), data=st.data())
def test_every_consistency_proof_verifies_and_nothing_else_does(leaves, data):
    new_size = len(leaves)
    old_size = data.draw(st.integers(1, new_size), label="old_size")
    proof = merkle.consistency_proof(leaves, old_size)
    assert proof == _subproof(old_size, leaves, True)
    old_root, new_root = merkle.root(leaves[:old_size]), merkle.root(leaves)
    good = {
        "old_size": old_size,
        "new_size": new_size,
        "old_root": old_root,
        "new_root": new_root,
        "proof": proof,
    }
    merkle.verify_consistency(**good)

    assert _consistency_fails(**good | {"old_root": _flip(old_root)})
    assert _consistency_fails(**good | {"new_root": _flip(new_root, 3)})
    if old_size < new_size:
        swapped = {"old_size": new_size, "new_size": old_size}
        assert _consistency_fails(**good | swapped)
        assert _consistency_fails(**good | swapped | {"old_root": new_root, "new_root": old_root})
    # Sizes off by one, each with the true roots of the sizes it claims (the tree one
    # leaf longer for new_size + 1): the proof of the real sizes does not pass for them.
    longer = [*leaves, merkle.leaf_hash(b"one more")]
    for old, new in (
        (old_size - 1, new_size),
        (old_size + 1, new_size),
        (old_size, new_size - 1),
        (old_size, new_size + 1),
    ):
        if not 1 <= old <= new:
            continue
        claimed = {"old_root": merkle.root(longer[:old]), "new_root": merkle.root(longer[:new])}
        sizes = {"old_size": old, "new_size": new}
        assert _consistency_fails(**good | sizes | claimed), (old, new)
    for position in range(len(proof)):
        mutated = [*proof]
        mutated[position] = _flip(mutated[position], position % 8)
        assert _consistency_fails(**good | {"proof": mutated}), position
    if proof:
        assert _consistency_fails(**good | {"proof": proof[:-1]})
    assert _consistency_fails(**good | {"proof": [*proof, new_root]})


# Edges and messages ---------------------------------------------------------------------


def test_a_proof_is_bound_to_sizes_only_through_the_signed_roots():
    # 4 -> 8 and 4 -> 7 need proofs of the same shape, so a proof from 4 to 8 also
    # "verifies" a claimed size 7 carrying the root of 8. Nothing in the hashes names a
    # size: that is why a checkpoint signs the size and the root together.
    leaves = RFC6962_TREE
    proof = merkle.consistency_proof(leaves, 4)
    merkle.verify_consistency(
        old_size=4,
        new_size=7,
        old_root=merkle.root(leaves[:4]),
        new_root=merkle.root(leaves),
        proof=proof,
    )
    with pytest.raises(ProofError, match="does not lead to the new root"):
        merkle.verify_consistency(
            old_size=4,
            new_size=7,
            old_root=merkle.root(leaves[:4]),
            new_root=merkle.root(leaves[:7]),
            proof=proof,
        )


def test_equal_sizes_need_an_empty_proof_and_the_same_root():
    leaves = RFC6962_TREE[:5]
    top = merkle.root(leaves)
    assert merkle.consistency_proof(leaves, 5) == []
    merkle.verify_consistency(old_size=5, new_size=5, old_root=top, new_root=top, proof=[])
    with pytest.raises(ProofError, match=r"two different roots for the same size \(5\)"):
        merkle.verify_consistency(
            old_size=5, new_size=5, old_root=top, new_root=_flip(top), proof=[]
        )
    with pytest.raises(ProofError, match="the proof must be empty; it has 1 hashes"):
        merkle.verify_consistency(old_size=5, new_size=5, old_root=top, new_root=top, proof=[top])


def test_nothing_is_proved_from_the_empty_tree():
    leaves = RFC6962_TREE[:3]
    with pytest.raises(ProofError, match="from the empty tree proves nothing"):
        merkle.consistency_proof(leaves, 0)
    with pytest.raises(ProofError, match="from the empty tree proves nothing"):
        merkle.verify_consistency(
            old_size=0,
            new_size=3,
            old_root=merkle.root([]),
            new_root=merkle.root(leaves),
            proof=[],
        )


def test_a_log_that_shrank_is_refused_in_plain_words():
    leaves = RFC6962_TREE[:3]
    with pytest.raises(ProofError, match="no consistency proof from 4 leaves in a tree of 3"):
        merkle.consistency_proof(leaves, 4)
    with pytest.raises(ProofError, match="more than the new tree's 3: a log never shrinks"):
        merkle.verify_consistency(
            old_size=4,
            new_size=3,
            old_root=merkle.root(leaves),
            new_root=merkle.root(leaves),
            proof=[],
        )


def test_an_index_past_the_end_is_refused_in_plain_words():
    leaves = RFC6962_TREE[:3]
    with pytest.raises(ProofError, match="leaf index 3 is not in a tree of 3 leaves"):
        merkle.inclusion_proof(leaves, 3)
    with pytest.raises(ProofError, match="leaf index -1 is not in a tree of 3 leaves"):
        merkle.inclusion_proof(leaves, -1)
    with pytest.raises(ProofError, match="leaf index 3 is not in a tree of 3 leaves"):
        merkle.verify_inclusion(index=3, size=3, leaf=leaves[0], proof=[], root=merkle.root(leaves))


def test_a_proof_of_the_wrong_length_says_how_long_it_should_be():
    leaves = RFC6962_TREE
    proof = merkle.inclusion_proof(leaves, 5)
    with pytest.raises(ProofError, match="the proof has 2 hashes; leaf 5 of a tree of 8 leaves"):
        merkle.verify_inclusion(
            index=5, size=8, leaf=leaves[5], proof=proof[:2], root=merkle.root(leaves)
        )
    proof = merkle.consistency_proof(leaves, 3)
    with pytest.raises(ProofError, match="the proof has 5 hashes; from 3 to 8 leaves needs 4"):
        merkle.verify_consistency(
            old_size=3,
            new_size=8,
            old_root=merkle.root(leaves[:3]),
            new_root=merkle.root(leaves),
            proof=[*proof, proof[0]],
        )


def test_event_bytes_passed_for_leaf_hashes_are_refused():
    with pytest.raises(ValueError, match="leaf hash 1 is 7 bytes long, not 32: pass leaf_hash"):
        merkle.root([RFC6962_TREE[0], b'{"v":1}'])
    with pytest.raises(ValueError, match="append leaf_hash"):
        merkle.Tree().append(b'{"v":1}')
    with pytest.raises(ProofError, match="the leaf hash is 7 bytes long, not 32"):
        merkle.verify_inclusion(index=0, size=1, leaf=b'{"v":1}', proof=[], root=RFC6962_TREE[0])


# Standard library only ------------------------------------------------------------------


def test_the_module_imports_only_the_standard_library():
    tree = ast.parse(Path(merkle.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import would pull in the package"
            imported.add((node.module or "").split(".")[0])
    assert "hashlib" in imported
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
