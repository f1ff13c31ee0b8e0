"""OpenZeppelin's StandardMerkleTree in Python, byte for byte as npm ``@openzeppelin/merkle-tree``
1.0.8 builds it, so batches built here verify with OpenZeppelin's ``MerkleProof`` on-chain and
load in the JS library (``dump()`` writes its ``standard-v1`` format).

A leaf is ``keccak256(keccak256(abi.encode(types, value)))``; leaves are sorted by hash (the
library's canonical order); a node is the keccak256 of its two children in ascending order; the
tree is a flat array with the root at index 0 and the leaves at the end, in reverse order.
Hashes and proofs are ``0x``-prefixed lowercase hex strings, as in the JS library.

Batch registration (ContributionRegistry.submitBatch) uses :data:`BATCH_LEAF_ENCODING`
(contracts/types/BatchLeaf.sol); :func:`batch_tree` builds a batch and :func:`batch_claims` the
arguments of each contributor's claims and activations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

FORMAT = "standard-v1"

# (chain id, distributor, pool, contributor, ordinal, cid, weight): the leaf of a batch.
BATCH_LEAF_ENCODING = ("uint256", "address", "uint256", "address", "uint8", "bytes", "uint48")
# Leaves per contributor per batch (RevenueDistributor.MAX_LEAVES_PER_HOLDER): ordinals 0 to 47.
MAX_LEAVES_PER_CONTRIBUTOR = 48


def _hex(node: bytes) -> str:
    return "0x" + node.hex()


def _bytes(node: str | bytes) -> bytes:
    return node if isinstance(node, bytes) else bytes.fromhex(node.removeprefix("0x"))


def standard_leaf_hash(types: Sequence[str], value: Sequence[Any]) -> bytes:
    """keccak256(bytes.concat(keccak256(abi.encode(value...)))), the leaf hash."""
    return keccak(
        keccak(encode(list(types), [_abi_value(t, v) for t, v in zip(types, value, strict=True)]))
    )


def standard_node_hash(a: bytes, b: bytes) -> bytes:
    """The commutative node hash: keccak256 of the two children in ascending byte order."""
    return keccak(b"".join(sorted((a, b))))


def _abi_value(abi_type: str, value: Any) -> Any:
    """Accepts the forms the JS library takes: hex strings for bytes, strings for integers."""
    if abi_type.startswith("bytes") and isinstance(value, str):
        return _bytes(value)
    if abi_type.startswith(("uint", "int")) and isinstance(value, str):
        return int(value, 0)
    return value


def _json_value(value: Any) -> Any:
    """A value as the JS library's dump holds it (bytes as hex, integers as decimal strings)."""
    if isinstance(value, bytes):
        return _hex(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


@dataclass(frozen=True)
class MultiProof:
    """A multiproof as the JS library returns it: leaves in the order the proof consumes them."""

    leaves: list[Any]
    proof: list[str]
    proof_flags: list[bool]


class StandardMerkleTree:
    """A tree over ABI-encoded values; build one with :meth:`of` or :meth:`load`."""

    def __init__(
        self, tree: list[bytes], values: list[tuple[Any, int]], leaf_encoding: Sequence[str]
    ):
        self._tree = tree
        self._values = values  # (value, tree index), in the order given to `of`
        self.leaf_encoding = tuple(leaf_encoding)
        self._lookup = {tree[index]: i for i, (_value, index) in enumerate(values)}

    @classmethod
    def of(
        cls,
        values: Iterable[Sequence[Any]],
        leaf_encoding: Sequence[str],
        *,
        sort_leaves: bool = True,
    ) -> StandardMerkleTree:
        values = list(values)
        if not values:
            raise ValueError("Expected non-zero number of leaves")
        hashed = [(standard_leaf_hash(leaf_encoding, v), i) for i, v in enumerate(values)]
        if sort_leaves:
            hashed.sort(key=lambda pair: pair[0])  # stable, like Array.prototype.sort
        tree: list[bytes] = [b""] * (2 * len(hashed) - 1)
        for position, (leaf, _i) in enumerate(hashed):
            tree[len(tree) - 1 - position] = leaf
        for i in range(len(tree) - 1 - len(hashed), -1, -1):
            tree[i] = standard_node_hash(tree[2 * i + 1], tree[2 * i + 2])
        indices = [0] * len(values)
        for position, (_leaf, value_index) in enumerate(hashed):
            indices[value_index] = len(tree) - 1 - position
        return cls(tree, list(zip(values, indices, strict=True)), leaf_encoding)

    @classmethod
    def load(cls, data: dict[str, Any]) -> StandardMerkleTree:
        """Loads a ``dump()`` of this class or of the JS library, and checks it."""
        if data.get("format") != FORMAT:
            raise ValueError(f"Unknown format {data.get('format')!r}")
        tree = cls(
            [_bytes(node) for node in data["tree"]],
            [(entry["value"], entry["treeIndex"]) for entry in data["values"]],
            data["leafEncoding"],
        )
        tree.validate()
        return tree

    def dump(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "leafEncoding": list(self.leaf_encoding),
            "tree": [_hex(node) for node in self._tree],
            "values": [
                {"value": _json_value(value), "treeIndex": index} for value, index in self._values
            ],
        }

    @property
    def root(self) -> str:
        return _hex(self._tree[0])

    def __len__(self) -> int:
        return len(self._values)

    def values(self) -> list[Any]:
        return [value for value, _index in self._values]

    def leaf_hash(self, value: Sequence[Any]) -> str:
        return _hex(standard_leaf_hash(self.leaf_encoding, value))

    def index_of(self, value: Sequence[Any]) -> int:
        """The index (in the order given to :meth:`of`) of a value's leaf."""
        try:
            return self._lookup[standard_leaf_hash(self.leaf_encoding, value)]
        except KeyError:
            raise ValueError("Leaf is not in tree") from None

    def get_proof(self, leaf: int | Sequence[Any]) -> list[str]:
        """The sibling path of one value (by index or by value), leaf to root."""
        index = self._tree_index(leaf)
        proof = []
        while index > 0:
            proof.append(_hex(self._tree[index - (-1) ** (index % 2)]))
            index = (index - 1) // 2
        return proof

    def get_multi_proof(self, leaves: Iterable[int | Sequence[Any]]) -> MultiProof:
        """A multiproof of several values, with the values reordered as the proof needs them."""
        indices = sorted((self._tree_index(leaf) for leaf in leaves), reverse=True)
        if len(set(indices)) != len(indices):
            raise ValueError("Cannot prove duplicated index")
        stack = list(indices)
        proof: list[str] = []
        flags: list[bool] = []
        while stack and stack[0] > 0:
            j = stack.pop(0)
            sibling, parent = j - (-1) ** (j % 2), (j - 1) // 2
            if stack and stack[0] == sibling:
                flags.append(True)
                stack.pop(0)
            else:
                flags.append(False)
                proof.append(_hex(self._tree[sibling]))
            stack.append(parent)
        if not indices:
            proof.append(_hex(self._tree[0]))
        by_hash = {self._tree[index]: value for value, index in self._values}
        return MultiProof([by_hash[self._tree[i]] for i in indices], proof, flags)

    def verify(self, value: Sequence[Any], proof: Sequence[str]) -> bool:
        node = standard_leaf_hash(self.leaf_encoding, value)
        for sibling in proof:
            node = standard_node_hash(node, _bytes(sibling))
        return node == self._tree[0]

    def validate(self) -> None:
        for value, index in self._values:
            if self._tree[index] != standard_leaf_hash(self.leaf_encoding, value):
                raise ValueError("Merkle tree does not contain the expected value")
        for i, node in enumerate(self._tree):
            if 2 * i + 2 < len(self._tree):
                if node != standard_node_hash(self._tree[2 * i + 1], self._tree[2 * i + 2]):
                    raise ValueError("Merkle tree is invalid")
            elif 2 * i + 1 < len(self._tree):
                raise ValueError("Merkle tree is invalid")

    def _tree_index(self, leaf: int | Sequence[Any]) -> int:
        value_index = leaf if isinstance(leaf, int) else self.index_of(leaf)
        if not 0 <= value_index < len(self._values):
            raise IndexError("Index out of bounds")
        value, index = self._values[value_index]
        if self._tree[index] != standard_leaf_hash(self.leaf_encoding, value):
            raise ValueError("Merkle tree does not contain the expected value")
        return index


# -- contribution batches ---------------------------------------------------------------------


@dataclass(frozen=True)
class BatchDomain:
    """What every leaf of a batch binds: the chain, the cooperative's distributor and the pool."""

    chain_id: int
    distributor: str
    pool_id: int


@dataclass(frozen=True)
class BatchLeaf:
    """One contribution of a batch: who contributed it, its ordinal among their leaves in the
    batch (0 to 47), its binary CID and its weight."""

    contributor: str
    ordinal: int
    cid: bytes
    weight: int

    def value(self, domain: BatchDomain) -> tuple[int, str, int, str, int, bytes, int]:
        return (
            domain.chain_id,
            to_checksum_address(domain.distributor),
            domain.pool_id,
            to_checksum_address(self.contributor),
            self.ordinal,
            self.cid,
            self.weight,
        )

    def argument(self) -> tuple[int, int, bytes]:
        """The leaf as the contracts take it (a BatchLeaf struct: ordinal, weight, cid)."""
        return (self.ordinal, self.weight, self.cid)


def with_ordinals(entries: Iterable[tuple[str, bytes, int]]) -> list[BatchLeaf]:
    """Leaves for (contributor, cid, weight) entries, numbering each contributor's 0, 1, ...;
    refuses a contributor with more than MAX_LEAVES_PER_CONTRIBUTOR entries."""
    counts: dict[str, int] = {}
    leaves = []
    for contributor, cid, weight in entries:
        key = to_checksum_address(contributor)
        ordinal = counts.get(key, 0)
        if ordinal >= MAX_LEAVES_PER_CONTRIBUTOR:
            raise ValueError(f"more than {MAX_LEAVES_PER_CONTRIBUTOR} leaves of {key} in one batch")
        counts[key] = ordinal + 1
        leaves.append(BatchLeaf(key, ordinal, cid, weight))
    return leaves


def batch_tree(domain: BatchDomain, leaves: Iterable[BatchLeaf]) -> StandardMerkleTree:
    """The StandardMerkleTree of a batch, whose root ContributionRegistry.submitBatch takes."""
    return StandardMerkleTree.of([leaf.value(domain) for leaf in leaves], BATCH_LEAF_ENCODING)


def leaf_of(value: Sequence[Any]) -> BatchLeaf:
    """The BatchLeaf of a tree value."""
    _chain, _distributor, _pool, contributor, ordinal, cid, weight = value
    return BatchLeaf(to_checksum_address(contributor), int(ordinal), _bytes(cid), int(weight))


def batch_claims(
    tree: StandardMerkleTree,
) -> dict[str, tuple[list[tuple[int, int, bytes]], list[str], list[bool]]]:
    """Per contributor, the arguments of ``claimLeaves``/``activateLeaves(batchId, ...)``: its
    leaves as (ordinal, weight, cid) in multiproof order, the proof and the proof flags."""
    mine: dict[str, list[int]] = {}
    for i, value in enumerate(tree.values()):
        mine.setdefault(leaf_of(value).contributor, []).append(i)
    claims = {}
    for contributor, indices in mine.items():
        multi = tree.get_multi_proof(indices)
        claims[contributor] = (
            [leaf_of(value).argument() for value in multi.leaves],
            multi.proof,
            multi.proof_flags,
        )
    return claims


def leaf_proof(tree: StandardMerkleTree, leaf: BatchLeaf, domain: BatchDomain) -> list[str]:
    """The single proof of one leaf (``claimLeaf``/``revokeLeaf``)."""
    return tree.get_proof(list(leaf.value(domain)))
