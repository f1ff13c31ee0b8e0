"""A member's leaves in submitted batches, with what the dApp needs to act on them in one
(relayed) transaction: each leaf's proof (claimLeaf, revokeLeaf), a multiproof of the leaves not
yet claimed or revoked (claimLeaves), one of the leaves not yet activated or revoked
(activateLeaves), and what a claim would pay now.

Proofs come from the tree the aggregator kept (the manifest's own); which leaves are claimed,
and the amount, are read from the distributor at the head (``batchHolding``,
``claimableFromBatch``), so the answer is fresh even while the indexer lags.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.models import AggregatedBatch, AggregateState, Batch, BatchEntry, Consent, Review
from api.services.batching.manifest import Deployment, batch_domain
from api.services.batching.stages import Stage, progress
from api.services.contributions import vault_item
from ipfs.cid import parse_cid
from lumbung.merkle import BatchLeaf, MultiProof, StandardMerkleTree, leaf_of

# The on-chain statuses under which a batch's leaves have earned something.
EARNED = ("accepted", "overturned")

# Leaves activated in one request, within the forwarder's default 1,000,000 gas: a member's
# first activation of 16 leaves measured 1,081,272 gas (tests/api/test_batch_aggregator.py),
# about 237,000 for the first leaf and 56,000 for each further one; 12 need about 860,000.
ACTIVATION_CHUNK = 12


@dataclass(frozen=True)
class HeldLeaf:
    contribution_id: str
    cid: str
    leaf: BatchLeaf
    stage: Stage
    proof: list[str]


@dataclass(frozen=True)
class Holding:
    batch: AggregatedBatch
    status: str
    leaves: list[HeldLeaf]
    unclaimed: MultiProof | None  # leaves not yet claimed or revoked (the distributor's bitmap)
    inactive: MultiProof | None  # up to ACTIVATION_CHUNK leaves not yet activated or revoked
    claimable: int


def _entries(session: Session, account: str) -> dict[int, list[tuple[BatchEntry, Consent]]]:
    rows = session.execute(
        select(AggregatedBatch.id, BatchEntry, Consent)
        .join(BatchEntry, BatchEntry.batch_key == AggregatedBatch.id)
        .join(Review, Review.id == BatchEntry.review_id)
        .join(Consent, Consent.contribution_id == Review.contribution_id)
        .where(BatchEntry.contributor == account, BatchEntry.ordinal.is_not(None))
        .where(AggregatedBatch.state == AggregateState.SUBMITTED)
        .order_by(AggregatedBatch.id, BatchEntry.ordinal)
    )
    found: dict[int, list[tuple[BatchEntry, Consent]]] = {}
    for key, entry, consent in rows:
        found.setdefault(key, []).append((entry, consent))
    return found


def holdings(session: Session, chain: Chain, account: str) -> list[Holding]:
    """Every submitted batch that holds a leaf of ``account``, oldest first."""
    deployment = Deployment(chain.chain_id, chain.registry.address, chain.distributor.address)
    now = chain.head_timestamp()
    found = []
    for key, entries in _entries(session, account).items():
        batch = session.get(AggregatedBatch, key)
        assert batch is not None and batch.batch_id is not None and batch.tree is not None
        on_chain = session.get(Batch, batch.batch_id)
        status = on_chain.status if on_chain is not None else "pending"
        tree = StandardMerkleTree.load(batch.tree)
        domain = batch_domain(deployment, batch.pool_id)
        claimed_bits = chain.distributor.batch_holding(batch.batch_id, account).ordinals
        leaves: list[HeldLeaf] = []
        unclaimed_values, inactive_values = [], []
        for entry, consent in entries:
            assert entry.ordinal is not None
            leaf = BatchLeaf(account, entry.ordinal, bytes(parse_cid(consent.cid)), entry.weight)
            value = leaf.value(domain)
            item = vault_item(session, consent.contribution_id)
            assert item is not None
            stage = progress(session, item, now).stage
            leaves.append(
                HeldLeaf(consent.contribution_id, consent.cid, leaf, stage, tree.get_proof(value))
            )
            if not claimed_bits >> entry.ordinal & 1:
                unclaimed_values.append(value)
            if stage not in (Stage.ACTIVE, Stage.REVOKED):
                inactive_values.append(value)
        unclaimed = tree.get_multi_proof(unclaimed_values) if unclaimed_values else None
        # One activation writes a contribution slot and mints per leaf (about 56,000 gas
        # each): a batch's 48 leaves at once would pass the forwarder's gas limit per request,
        # so the member activates ACTIVATION_CHUNK at a time.
        inactive_values = inactive_values[:ACTIVATION_CHUNK]
        inactive = tree.get_multi_proof(inactive_values) if inactive_values else None
        new_weight = sum(leaf_of(v).weight for v in unclaimed_values)
        claimable = (
            chain.distributor.claimable_from_batch(batch.batch_id, account, new_weight)
            if status in EARNED
            else 0
        )
        found.append(Holding(batch, status, leaves, unclaimed, inactive, claimable))
    return found
