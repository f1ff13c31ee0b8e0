"""Batch registration through the indexer: a claimed leaf is an accepted contribution like any
other, and revoking it later is indexed (the distributor replica stays exact)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import index_until_head, rebuild_all
from api.indexer.distributor import earned_scaled
from api.indexer.projections import contribution_key, dump
from api.models import Contribution, Pool, Position, Pot
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
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (2, 10)

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
