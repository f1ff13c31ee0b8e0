"""Batches through the indexer: a batch is a row from its submission to its decision, its
acceptance adds its leaves to the pool at once, and the leaves members claim, activate and
revoke are followed (the distributor replica stays exact, and a rebuild gives the same rows)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.distributor import PRECISION, batch_earned_scaled, earned_scaled
from api.indexer import index_until_head, rebuild_all
from api.indexer.projections import contribution_key, dump
from api.models import (
    SINGLE_ROW_ID,
    Batch,
    BatchLeaf,
    BatchPot,
    Contribution,
    Ledger,
    Pool,
    Position,
    Pot,
)
from lumbung.devchain import Role
from lumbung.protocol import contribution_id
from tests.api.batch_helpers import raw_cid, submit_batch
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD, send

BUYER = 8


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def assert_replica_exact(context: Context, coop: Coop) -> None:
    """Every replicated position and batch pot earned what the distributor says, and the
    pool's shares agree."""
    distributor = coop.c["RevenueDistributor"]
    with context.sessions() as session:
        pots = {pot.id: pot for pot in session.scalars(select(Pot))}
        assert pots[1].total_units == distributor.functions.totalUnits(1).call()
        unpaid = 0
        for position in session.scalars(select(Position)):
            scaled = earned_scaled(pots[position.pot_id], position)
            assert scaled == (
                distributor.functions.earnedScaled(position.pot_id, position.account).call()
            )
            unpaid += scaled
        for batch in session.scalars(select(BatchPot)):
            scaled = batch_earned_scaled(pots[batch.pool_id], batch)
            assert scaled == distributor.functions.batchEarnedScaled(batch.batch_id).call()
            unpaid += scaled
        # Not one wei created or lost, batch pots included.
        ledger = session.get(Ledger, SINGLE_ROW_ID)
        assert ledger is not None
        deposited, claimed, accrued, released = distributor.functions.totals().call()
        assert (ledger.deposited, ledger.claimed) == (deposited, claimed)
        assert deposited * PRECISION == (
            claimed * PRECISION
            + unpaid
            + (accrued + released) * PRECISION
            + ledger.reserve_remainder
        )
        incremental = dump(session)
    rebuild_all(context)
    with context.sessions() as session:
        assert dump(session) == incremental


def test_batch_leaves_are_followed_from_acceptance_to_revocation(
    context: Context, coop: Coop
) -> None:
    registry, distributor = coop.c["ContributionRegistry"], coop.c["RevenueDistributor"]
    batch = submit_batch(
        coop,
        [
            (ADDRESSES[PRODUCER], raw_cid(b"batched photo"), 7),
            (ADDRESSES[STEWARD], raw_cid(b"batched diary"), 3),
        ],
        b"manifest",
        rejected=1,
    )
    photo, diary = batch.leaves
    send(coop.w3, registry.functions.acceptBatch(batch.batch_id), ADDRESSES[CURATOR])
    coop.buy(BUYER, 1)
    claim = distributor.functions.claimLeaf(batch.batch_id, photo.argument(), batch.proof(photo))
    send(coop.w3, claim, ADDRESSES[PRODUCER])
    activate = registry.functions.activateLeaves(
        batch.batch_id, [diary.argument()], batch.proof(diary), [False] * len(batch.proof(diary))
    )
    send(coop.w3, activate, ADDRESSES[STEWARD])
    index_until_head(context)

    diary_id = contribution_key(
        contribution_id(ADDRESSES[STEWARD], hashlib.sha256(b"batched diary").digest())
    )
    with context.sessions() as session:
        row = session.get(Batch, batch.batch_id)
        assert row is not None
        assert (row.status, row.curator, row.aggregator, row.rejected) == (
            "accepted",
            ADDRESSES[CURATOR],
            ADDRESSES[Role.AGGREGATOR],
            1,
        )
        assert (row.count, row.total_weight, row.root) == (2, 10, batch.tree.root)
        assert (row.claimed_count, row.claimed_weight) == (1, 7)
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (2, 10)
        leaves = {
            (leaf.contributor, leaf.ordinal): leaf for leaf in session.scalars(select(BatchLeaf))
        }
        assert leaves[(ADDRESSES[PRODUCER], 0)].claimed_block is not None
        assert leaves[(ADDRESSES[STEWARD], 0)].activated_block is not None
        contribution = session.get(Contribution, diary_id)
        assert contribution is not None
        assert (contribution.status, contribution.weight, contribution.batch_id) == (
            "accepted",
            3,
            batch.batch_id,
        )

    revoke = registry.functions.revokeLeaf(batch.batch_id, diary.argument(), batch.proof(diary))
    send(coop.w3, revoke, ADDRESSES[STEWARD])
    coop.buy(BUYER, 1)
    index_until_head(context)
    with context.sessions() as session:
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (1, 7)
        contribution = session.get(Contribution, diary_id)
        assert contribution is not None and contribution.status == "revoked"
        leaf = session.get(BatchLeaf, (batch.batch_id, ADDRESSES[STEWARD], 0))
        assert leaf is not None and leaf.revoked_block is not None
    assert_replica_exact(context, coop)


def test_a_batch_is_a_row_from_submission_to_its_decision(context: Context, coop: Coop) -> None:
    registry = coop.c["ContributionRegistry"]
    entries = [(ADDRESSES[PRODUCER], raw_cid(b"one leaf"), 4)]
    for seed in (b"rejected", b"overturned", b"pending"):
        submit_batch(coop, entries, seed)
    send(coop.w3, registry.functions.rejectBatch(1, "blurred"), ADDRESSES[CURATOR])
    send(coop.w3, registry.functions.acceptBatch(2), ADDRESSES[CURATOR])
    coop.as_timelock(registry.functions.overturnBatch(2, "consent withdrawn"))
    index_until_head(context)

    with context.sessions() as session:
        batches = {b.id: b for b in session.scalars(select(Batch))}
        assert {i: (b.status, b.curator, b.reason) for i, b in batches.items()} == {
            1: ("rejected", ADDRESSES[CURATOR], "blurred"),
            2: ("overturned", ADDRESSES[CURATOR], "consent withdrawn"),
            3: ("pending", ADDRESSES[CURATOR], None),
        }
        assert batches[1].reason_raw == b"blurred"
        assert batches[3].decided_block is None and batches[1].decided_block is not None
        assert batches[3].manifest_cid.startswith("bafkrei")
        assert session.scalars(select(Contribution)).all() == []
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (0, 0)
    assert_replica_exact(context, coop)
