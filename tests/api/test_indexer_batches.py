"""Batch registration through the indexer: a claimed leaf is an accepted contribution like any
other, and revoking it later is indexed (the distributor replica stays exact)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.distributor import earned_scaled
from api.indexer import index_until_head, rebuild_all
from api.indexer.projections import contribution_key, dump
from api.models import Batch, Contribution, Pool, Position, Pot
from lumbung.merkle import BatchLeaf, batch_tree
from lumbung.protocol import contribution_id
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD, send

AGGREGATOR = 9


def raw_cid(seed: bytes) -> bytes:
    return bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(seed).digest()


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def test_claimed_leaves_are_indexed_as_accepted_and_revocable(
    context: Context, coop: Coop
) -> None:
    registry = coop.c["ContributionRegistry"]
    coop.as_timelock(
        registry.functions.grantRole(registry.functions.AGGREGATOR_ROLE().call(),
                                     ADDRESSES[AGGREGATOR])
    )
    leaves = [
        BatchLeaf(ADDRESSES[PRODUCER], raw_cid(b"batched photo"), 7),
        BatchLeaf(ADDRESSES[STEWARD], raw_cid(b"batched diary"), 3),
    ]
    tree = batch_tree(leaves)
    root = bytes.fromhex(tree.root.removeprefix("0x"))
    total_weight = sum(leaf.weight for leaf in leaves)
    manifest = raw_cid(b"manifest")
    submit = registry.functions.submitBatch(1, root, len(leaves), total_weight, manifest)
    send(coop.w3, submit, ADDRESSES[AGGREGATOR])
    batch_id = 1
    send(coop.w3, registry.functions.acceptBatch(batch_id), ADDRESSES[CURATOR])
    for leaf in leaves:
        proof = [bytes.fromhex(p.removeprefix("0x")) for p in tree.get_proof(leaf.value())]
        send(
            coop.w3,
            registry.functions.claimBatchLeaf(batch_id, leaf.contributor, leaf.cid, leaf.weight,
                                              proof),
            ADDRESSES[AGGREGATOR],  # anyone may claim on the contributor's behalf
        )
    coop.buy(8, 1)
    index_until_head(context)

    producer_leaf = contribution_id(ADDRESSES[PRODUCER], hashlib.sha256(b"batched photo").digest())
    with context.sessions() as session:
        rows = {c.id: c for c in session.scalars(select(Contribution))}
        row = rows[contribution_key(producer_leaf)]
        assert (row.status, row.weight, row.pool_id, row.contributor, row.curator) == (
            "accepted", 7, 1, ADDRESSES[PRODUCER], ADDRESSES[CURATOR]
        )
        assert {c.batch_id for c in rows.values() if c.batch_id is not None} == {batch_id}
        assert len([c for c in rows.values() if c.batch_id == batch_id]) == 2
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (2, 10)
        batch = session.get(Batch, batch_id)
        assert batch is not None
        assert (batch.status, batch.curator, batch.aggregator, batch.pool_id) == (
            "accepted", ADDRESSES[CURATOR], ADDRESSES[AGGREGATOR], 1
        )
        assert (batch.count, batch.total_weight, batch.root) == (2, 10, tree.root)
        assert (batch.claimed_count, batch.claimed_weight) == (2, 10)

    coop.revoke(PRODUCER, producer_leaf)
    coop.buy(8, 1)
    index_until_head(context)
    distributor = coop.c["RevenueDistributor"]
    with context.sessions() as session:
        row = session.get(Contribution, contribution_key(producer_leaf))
        assert row is not None and row.status == "revoked"
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (1, 3)
        pots = {pot.id: pot for pot in session.scalars(select(Pot))}
        for position in session.scalars(select(Position)):
            assert earned_scaled(pots[position.pot_id], position) == (
                distributor.functions.earnedScaled(position.pot_id, position.account).call()
            )
        incremental = dump(session)
    rebuild_all(context)
    with context.sessions() as session:
        assert dump(session) == incremental


def test_a_batch_is_a_row_from_submission_to_its_decision(context: Context, coop: Coop) -> None:
    registry = coop.c["ContributionRegistry"]
    coop.as_timelock(
        registry.functions.grantRole(registry.functions.AGGREGATOR_ROLE().call(),
                                     ADDRESSES[AGGREGATOR])
    )
    leaf = BatchLeaf(ADDRESSES[PRODUCER], raw_cid(b"one leaf"), 4)
    root = bytes.fromhex(batch_tree([leaf]).root.removeprefix("0x"))
    for seed in (b"rejected", b"overturned", b"pending"):
        submit = registry.functions.submitBatch(1, root, 1, 4, raw_cid(seed))
        send(coop.w3, submit, ADDRESSES[AGGREGATOR])
    send(coop.w3, registry.functions.rejectBatch(1, "blurred"), ADDRESSES[CURATOR])
    send(coop.w3, registry.functions.acceptBatch(2), ADDRESSES[CURATOR])
    coop.as_timelock(registry.functions.overturnBatch(2, "consent withdrawn"))
    index_until_head(context)

    with context.sessions() as session:
        batches = {b.id: b for b in session.scalars(select(Batch))}
        assert {i: (b.status, b.curator, b.reason) for i, b in batches.items()} == {
            1: ("rejected", ADDRESSES[CURATOR], "blurred"),
            2: ("overturned", ADDRESSES[CURATOR], "consent withdrawn"),
            3: ("pending", None, None),
        }
        assert batches[1].reason_raw == b"blurred"
        assert batches[3].decided_block is None and batches[1].decided_block is not None
        assert batches[3].manifest_cid.startswith("bafkrei")
        assert session.scalars(select(Contribution)).all() == []
        incremental = dump(session)
    rebuild_all(context)
    with context.sessions() as session:
        assert dump(session) == incremental
