"""A batch's leaves, Merkle tree and manifest, built from one curator's reviews in one pool.

The leaf is ``(chainId, distributor, poolId, contributor, ordinal, cid, weight)``
(:data:`lumbung.merkle.BATCH_LEAF_ENCODING`, contracts/types/BatchLeaf.sol): it binds the
deployment, the pool, the member, the content and its weight. Ordinals run 0..47 per
contributor within a batch, so a batch carries at most
:data:`~lumbung.merkle.MAX_LEAVES_PER_CONTRIBUTOR` accepted leaves of one member; the rest wait
for the next batch. Rejections get no leaf; the manifest lists them with their reasons.

The manifest (``lumbung-batch-v1``) publishes every consent and review signature beside the
tree, so anyone can check them against the registry's EIP-712 domain and the leaves against the
root. Pure functions: no database, no chain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address

from lumbung.merkle import (
    MAX_LEAVES_PER_CONTRIBUTOR,
    BatchDomain,
    BatchLeaf,
    StandardMerkleTree,
    batch_tree,
)

MANIFEST_FORMAT = "lumbung-batch-v1"
ZERO_ROOT = "0x" + "00" * 32


@dataclass(frozen=True)
class Reviewed:
    """One reviewed consent, as the aggregator found it: everything its manifest entry holds."""

    review_id: int
    contributor: str
    cid: str  # text (base32 CIDv1)
    cid_bytes: bytes
    weight: int
    reason: str
    review_signature: bytes
    consent_deadline: int
    consent_signature: bytes
    consent_digest: str


@dataclass(frozen=True)
class Deployment:
    """What binds a leaf to one deployment."""

    chain_id: int
    registry: str
    distributor: str


@dataclass(frozen=True)
class Selection:
    """The reviews one batch carries: accepted ones with their ordinals, and rejections."""

    leaves: list[tuple[Reviewed, int]]
    rejections: list[Reviewed]

    @property
    def count(self) -> int:
        return len(self.leaves)

    @property
    def total_weight(self) -> int:
        return sum(reviewed.weight for reviewed, _ordinal in self.leaves)

    def __len__(self) -> int:
        return len(self.leaves) + len(self.rejections)

    def batch_leaves(self) -> list[BatchLeaf]:
        return [
            BatchLeaf(to_checksum_address(r.contributor), ordinal, r.cid_bytes, r.weight)
            for r, ordinal in self.leaves
        ]


def select(reviews: Sequence[Reviewed], limit: int) -> Selection:
    """At most ``limit`` of ``reviews`` (oldest first), giving each accepted one the next
    ordinal of its contributor and leaving a contributor's 49th and later for another batch."""
    leaves: list[tuple[Reviewed, int]] = []
    rejections: list[Reviewed] = []
    ordinals: dict[str, int] = {}
    for reviewed in reviews:
        if len(leaves) + len(rejections) >= limit:
            break
        if reviewed.weight == 0:
            rejections.append(reviewed)
            continue
        ordinal = ordinals.get(reviewed.contributor, 0)
        if ordinal >= MAX_LEAVES_PER_CONTRIBUTOR:
            continue
        ordinals[reviewed.contributor] = ordinal + 1
        leaves.append((reviewed, ordinal))
    return Selection(leaves, rejections)


def batch_domain(deployment: Deployment, pool_id: int) -> BatchDomain:
    return BatchDomain(deployment.chain_id, deployment.distributor, pool_id)


def tree_of(
    deployment: Deployment, pool_id: int, selection: Selection
) -> StandardMerkleTree | None:
    """The batch's tree; None when it has no accepted leaf (a batch of rejections only)."""
    if not selection.leaves:
        return None
    return batch_tree(batch_domain(deployment, pool_id), selection.batch_leaves())


def _consent(reviewed: Reviewed) -> dict[str, Any]:
    return {
        "deadline": reviewed.consent_deadline,
        "signature": "0x" + reviewed.consent_signature.hex(),
        "digest": reviewed.consent_digest,
    }


def _review(reviewed: Reviewed) -> dict[str, Any]:
    return {
        "weight": reviewed.weight,
        "reason": reviewed.reason,
        "signature": "0x" + reviewed.review_signature.hex(),
    }


def manifest(
    deployment: Deployment,
    pool_id: int,
    curator: str,
    selection: Selection,
    tree: StandardMerkleTree | None,
    supersedes: Sequence[int] = (),
) -> dict[str, Any]:
    """The ``lumbung-batch-v1`` manifest of a batch; ``supersedes`` lists the batches its
    curator rejected on-chain that carried some of its reviews before (so every attempt has its
    own manifest and CID)."""
    entries: list[dict[str, Any]] = [
        {
            "ordinal": ordinal,
            "contributor": to_checksum_address(r.contributor),
            "cid": r.cid,
            "cidHex": "0x" + r.cid_bytes.hex(),
            "weight": r.weight,
            "consent": _consent(r),
            "review": _review(r),
        }
        for r, ordinal in selection.leaves
    ]
    entries += [
        {
            "contributor": to_checksum_address(r.contributor),
            "cid": r.cid,
            "cidHex": "0x" + r.cid_bytes.hex(),
            "consent": _consent(r),
            "review": _review(r),
        }
        for r in selection.rejections
    ]
    return {
        "format": MANIFEST_FORMAT,
        "chainId": deployment.chain_id,
        "registry": to_checksum_address(deployment.registry),
        "distributor": to_checksum_address(deployment.distributor),
        "poolId": pool_id,
        "curator": to_checksum_address(curator),
        "count": selection.count,
        "totalWeight": selection.total_weight,
        "rejected": len(selection.rejections),
        "root": tree.root if tree is not None else ZERO_ROOT,
        "tree": tree.dump() if tree is not None else None,
        "supersedes": sorted(supersedes),
        "entries": entries,
    }


def manifest_bytes(document: dict[str, Any]) -> bytes:
    """The manifest as pinned: canonical JSON (sorted keys, no spaces), so its CID is stable."""
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
