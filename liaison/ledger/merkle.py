"""RFC 9162 Merkle trees over a log's events: roots, inclusion and consistency proofs.

A leaf is the stored bytes of one event (``Event.data``), in seq order. Hashing follows
RFC 9162 section 2.1 (the same as RFC 6962): leaf hash = SHA-256(0x00 || data), node
hash = SHA-256(0x01 || left || right), and the empty tree's root is SHA-256(b"").

This module imports only the standard library: the offline verifier (``bundle/check.py``)
uses it without Django. Every function takes leaf *hashes*, not event bytes: hash each
event once with :func:`leaf_hash` and pass the list around.

Proof verification refuses, with a :class:`ProofError` saying what is wrong:

- an index at or past the tree's size, an old size larger than the new one;
- a consistency proof from the empty tree (old size 0): it proves nothing, so the
  published test vectors reject it whatever the proof; the first checkpoint of a log
  is accepted on its signature alone;
- equal sizes with a non-empty proof or different roots (two roots for one size are
  what a rewritten log looks like);
- a proof of the wrong length, a hash that is not 32 bytes, or a proof that does not
  lead to the roots given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not hold, or a request for one that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _check_leaves(leaf_hashes: Sequence[bytes]) -> None:
    # Passing event bytes instead of their leaf hashes is the likely mistake: say so.
    for index, value in enumerate(leaf_hashes):
        if len(value) != HASH_SIZE:
            raise ValueError(
                f"leaf hash {index} is {len(value)} bytes long, not {HASH_SIZE}: "
                "pass leaf_hash(data), not the data"
            )


def _root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH without checks. Pairs neighbours level by level and carries an odd last node
    up unchanged, which gives RFC 9162's split at the largest power of two below n
    while hashing each node once."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    sha256 = hashlib.sha256
    while len(level) > 1:
        paired = [
            sha256(NODE_PREFIX + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (MTH) of a list of leaf hashes."""
    _check_leaves(leaf_hashes)
    return _root(leaf_hashes)


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1): where RFC 9162 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path (RFC 9162 2.1.3.1, PATH) of leaf ``index``, from the leaf upwards.

    Each element is the root of a subtree disjoint from the others, so the whole proof
    hashes every leaf once at most.
    """
    _check_leaves(leaf_hashes)
    size = len(leaf_hashes)
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of {size} leaves")
    # PATH(m, D[lo:hi]) descends towards the leaf; siblings come out top-down.
    siblings: list[bytes] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            siblings.append(_root(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            siblings.append(_root(leaf_hashes[lo : lo + k]))
            lo, m = lo + k, m - k
    siblings.reverse()
    return siblings


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof (RFC 9162 2.1.4.1, SUBPROOF) that the tree of the first ``old_size``
    leaves is a prefix of the tree of all ``leaf_hashes``. Empty when the sizes are
    equal; refused for ``old_size`` 0, which :func:`verify_consistency` refuses too."""
    _check_leaves(leaf_hashes)
    new_size = len(leaf_hashes)
    if old_size < 0 or old_size > new_size:
        raise ProofError(
            f"no consistency proof from {old_size} leaves in a tree of {new_size}: "
            "the old size must be between 1 and the new size"
        )
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    # SUBPROOF(m, D[lo:hi], b), unrolled; elements come out top-down.
    nodes: list[bytes] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            nodes.append(_root(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            nodes.append(_root(leaf_hashes[lo : lo + k]))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        # The old tree's last complete subtree is not a left edge of the new tree: the
        # verifier cannot rebuild it from the old root, so it is in the proof.
        nodes.append(_root(leaf_hashes[lo:hi]))
    nodes.reverse()
    return nodes


def _check_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:
            raise ProofError(f"proof hash {position} is {len(value)} bytes long, not {HASH_SIZE}")


def _inclusion_length(index: int, size: int) -> int:
    # Below the level where the paths to ``index`` and to the last leaf part, every
    # level has a sibling; above it, only the levels where ``index`` is a right child
    # (the last leaf's path has no right siblings there).
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def verify_inclusion(
    *, index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` (a leaf hash) is leaf ``index`` of the tree of ``size`` leaves
    whose root is ``root`` (RFC 9162 2.1.3.2). Raises :class:`ProofError` if not."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of {size} leaves")
    if len(leaf) != HASH_SIZE:
        raise ProofError(f"the leaf hash is {len(leaf)} bytes long, not {HASH_SIZE}")
    expected = _inclusion_length(index, size)
    if len(proof) != expected:
        raise ProofError(
            f"the proof has {len(proof)} hashes; leaf {index} of a tree of {size} "
            f"leaves needs {expected}"
        )
    _check_hashes(proof)
    # The steps of RFC 9162 2.1.3.2: fn walks up the leaf's path, sn the last leaf's.
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:  # steps 4a and 5 cannot fail once the length matched; kept as the RFC's
            raise ProofError("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path to the root")
    if r != root:
        raise ProofError(
            f"the proof does not lead to the given root: that leaf hash is not leaf {index} "
            f"of that tree of {size} leaves"
        )


def _consistency_length(old_size: int, new_size: int) -> int:
    # The inclusion path of the old tree's last leaf in the new tree, less the levels
    # inside the old tree's last complete subtree, plus that subtree's root unless it
    # is the whole old tree (then the old root stands in for it).
    shift = ((old_size & -old_size).bit_length()) - 1
    length = _inclusion_length(old_size - 1, new_size) - shift
    return length if old_size == 1 << shift else length + 1


def verify_consistency(
    *,
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> None:
    """Check that the tree of ``new_size`` leaves with ``new_root`` extends the tree of
    ``old_size`` leaves with ``old_root`` (RFC 9162 2.1.4.2). Raises :class:`ProofError`
    if not."""
    if old_size < 0 or new_size < 0:
        raise ProofError(f"tree sizes cannot be negative ({old_size}, {new_size})")
    if old_size > new_size:
        raise ProofError(
            f"the old tree has {old_size} leaves, more than the new tree's {new_size}: "
            "a log never shrinks"
        )
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old_size == new_size:
        if proof:
            raise ProofError(
                f"the trees have the same size ({old_size}), so the proof must be empty; "
                f"it has {len(proof)} hashes"
            )
        if old_root != new_root:
            raise ProofError(
                f"two different roots for the same size ({old_size}): the log was rewritten"
            )
        return
    expected = _consistency_length(old_size, new_size)
    if len(proof) != expected:
        raise ProofError(
            f"the proof has {len(proof)} hashes; from {old_size} to {new_size} leaves "
            f"needs {expected}"
        )
    _check_hashes(proof)
    # The steps of RFC 9162 2.1.4.2. fr rebuilds the old root, sr the new one.
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # step 2: a power of two is its own subtree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the path to the new root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path to the new root")
    if fr != old_root:
        raise ProofError(
            f"the proof does not lead to the old root: the first {old_size} leaves are "
            "not the tree that root was signed for"
        )
    if sr != new_root:
        raise ProofError(
            f"the proof does not lead to the new root: the tree of {new_size} leaves "
            f"does not extend the one of {old_size}"
        )


class Tree:
    """A tree grown one leaf hash at a time, keeping only the roots of its complete
    subtrees (one per 1 bit of the size, largest first): O(log n) memory and hashes per
    append, the root in O(log n)."""

    def __init__(self) -> None:
        self._size = 0
        self._peaks: list[bytes] = []

    def append(self, leaf_hash: bytes) -> None:
        """Add the next leaf (its hash, as :func:`leaf_hash` gives it)."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(
                f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf_hash)}: "
                "append leaf_hash(data), not the data"
            )
        node = leaf_hash
        # Each trailing 1 bit of the old size is a complete subtree the new leaf's
        # subtree now pairs with, as carrying in binary addition.
        carry = self._size
        while carry & 1:
            node = node_hash(self._peaks.pop(), node)
            carry >>= 1
        self._peaks.append(node)
        self._size += 1

    @property
    def size(self) -> int:
        return self._size

    def root(self) -> bytes:
        """The tree's MTH, equal to ``root()`` over the same leaf hashes."""
        if not self._peaks:
            return EMPTY_ROOT
        # The smaller subtrees on the right hang together first (RFC 9162's split).
        result = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            result = node_hash(peak, result)
        return result
