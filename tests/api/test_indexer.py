"""The indexer against a real Anvil chain: batches, restarts, confirmations, reorgs, outages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.errors import ChainUnavailableError
from api.indexer import Follower, index_until_head, rebuild_all, run_forever, run_once
from api.indexer.decode import INDEXED_CONTRACTS
from api.indexer.projections import HANDLERS, PROJECTIONS, contribution_key, dump
from api.main import create_app
from api.models import (
    ChainEvent,
    Contribution,
    GovernorRules,
    IndexedBlock,
    IndexerCursor,
    Ledger,
    Member,
    Pool,
)
from api.settings import Settings
from tests.api.cooperative import Coop
from tests.api.harness import (
    ADDRESSES,
    CURATOR,
    PRODUCER,
    STEWARD,
    free_port,
    run_cli,
    settings_env,
)


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


@contextmanager
def _context(settings: Settings, **changes: object) -> Iterator[Context]:
    context = Context(settings.model_copy(update=changes))
    yield context
    context.close()


def event_count(context: Context) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ChainEvent)) or 0)


def projections(context: Context) -> dict[str, list[tuple[object, ...]]]:
    with context.sessions() as session:
        return dump(session)


def chain_log_count(context: Context, first: int, last: int) -> int:
    follower = Follower(context)
    return sum(1 for log in follower.logs(first, last) if follower.decoder.decode(log) is not None)


def activity(coop: Coop, seed: bytes) -> list[str]:
    """A little of everything: a contribution accepted, a sale, a claim. Returns tx hashes."""
    contribution_id, _ = coop.submit(PRODUCER, 1, seed)
    coop.accept(contribution_id, 3)
    receipt = coop.buy(7, 1)
    coop.claim(PRODUCER, 1)
    return [receipt["transactionHash"].hex()]


def test_indexes_the_deployment_from_its_start_block(context: Context, w3: Web3) -> None:
    indexed = index_until_head(context)
    assert indexed == w3.eth.block_number
    start = context.chain.deployment.start_block
    assert event_count(context) == chain_log_count(context, start, indexed)
    with context.sessions() as session:
        pools = session.scalars(select(Pool).order_by(Pool.id)).all()
        assert [(p.id, p.name, p.price, p.purposes, p.listed, p.open) for p in pools] == [
            (1, "Rice-field photos", 25_000_000, 0b0011, True, True),
            (2, "Mobility diaries", 40_000_000, 0b0111, True, True),
            (3, "Market prices", 10_000_000, 0b1111, True, True),
        ]
        members = {m.address: m.stakeholder_class for m in session.scalars(select(Member))}
        assert members == {ADDRESSES[STEWARD]: 3, ADDRESSES[CURATOR]: 2, ADDRESSES[PRODUCER]: 0}
        ledger = session.get(Ledger, 1)
        assert ledger is not None
        split = context.chain["RevenueDistributor"].functions.split().call()
        assert [ledger.contributors_bps, ledger.workers_bps, ledger.reserve_bps] == list(split)
        governor = context.chain["CoopGovernor"].functions
        rules = session.get(GovernorRules, 1)
        assert rules is not None
        assert rules.class_weights == list(governor.classWeights().call())
        assert rules.class_quorums == list(governor.classQuorums().call())
        cursor = session.get(IndexerCursor, "main")
        assert cursor is not None and cursor.block_number == indexed
        stored = session.get(IndexedBlock, indexed)
        assert stored is not None and stored.hash == "0x" + w3.eth.get_block(indexed)["hash"].hex()
    assert run_once(context) == 0


def test_the_books_open_with_the_deployment_not_with_a_default(
    client: TestClient, context: Context
) -> None:
    response = client.get("/v1/ledger")  # nothing indexed: the split is not known yet
    assert response.status_code == 404, response.text
    index_until_head(context)
    split = context.chain["RevenueDistributor"].functions.split().call()
    body = client.get("/v1/ledger").json()
    assert list(body["split"].values()) == list(split)


def test_incremental_indexing_equals_a_full_rebuild(settings: Settings, coop: Coop) -> None:
    with _context(settings, indexer_batch_blocks=3) as context:
        index_until_head(context)
        for round_ in range(3):
            activity(coop, b"incremental %d" % round_)
            coop.buy(8, 1)  # a pool sells only with accepted content
            run_once(context, max_batches=2)  # stop part-way: the next pass resumes
            index_until_head(context)
        incremental = projections(context)
        assert incremental["purchases"] and incremental["revenue_claims"]
        rebuild_all(context)
        assert projections(context) == incremental


def test_restart_resumes_from_the_cursor_without_duplicates(
    settings: Settings, coop: Coop, w3: Web3
) -> None:
    with _context(settings, indexer_batch_blocks=5) as first:
        assert run_once(first, max_batches=2) == 10
        assert first.chain.deployment.start_block - 1 + 10 == Follower(first).indexed_block()
    activity(coop, b"restart")
    with _context(settings, indexer_batch_blocks=5) as second:  # a new process
        processed = run_once(second)
        head = w3.eth.block_number
        start = second.chain.deployment.start_block
        assert processed == head - (start - 1) - 10
        assert event_count(second) == chain_log_count(second, start, head)
        assert run_once(second) == 0
        with second.sessions() as session:
            keys = session.execute(select(ChainEvent.block_number, ChainEvent.log_index)).all()
        assert len(keys) == len(set(keys))


def test_confirmations_hold_back_the_newest_blocks(
    settings: Settings, coop: Coop, w3: Web3
) -> None:
    with _context(settings, confirmations=3) as context:
        index_until_head(context)
        assert Follower(context).indexed_block() == w3.eth.block_number - 3
        coop.submit(PRODUCER, 2, b"unconfirmed")  # one block with an event
        coop.mine(2)
        assert run_once(context) == 3
        with context.sessions() as session:
            pending = session.scalars(
                select(ChainEvent).where(ChainEvent.event == "ContributionSubmitted")
            ).all()
        assert pending == []  # its block is within 3 of the head
        coop.mine(1)
        run_once(context)
        with context.sessions() as session:
            assert session.scalars(
                select(ChainEvent).where(ChainEvent.event == "ContributionSubmitted")
            ).all()


def test_a_reorg_rolls_back_and_matches_a_fresh_index(
    context: Context, coop: Coop, w3: Web3
) -> None:
    index_until_head(context)
    snapshot = coop.rpc("evm_snapshot")
    abandoned = activity(coop, b"the abandoned branch")
    coop.buy(8, 1)
    index_until_head(context)
    with context.sessions() as session:
        abandoned_events = session.scalars(
            select(ChainEvent).where(
                ChainEvent.tx_hash.in_(["0x" + h.removeprefix("0x") for h in abandoned])
            )
        ).all()
    assert abandoned_events
    head_before = w3.eth.block_number

    coop.rpc("evm_revert", snapshot)
    coop.advance(7)  # a different timestamp, so even an empty block has a new hash
    kept = activity(coop, b"the canonical branch")
    coop.submit(PRODUCER, 3, b"only on the canonical branch")
    assert w3.eth.block_number <= head_before + 1  # the numbers are reused
    index_until_head(context)

    with context.sessions() as session:
        stored = {(e.tx_hash, e.block_hash) for e in session.scalars(select(ChainEvent))}
        # The same transaction may be mined again on the new branch (same sender, nonce and
        # fee), so an abandoned event is known by its transaction *and* the block it was in.
        assert not stored & {(e.tx_hash, e.block_hash) for e in abandoned_events}
        assert "0x" + kept[0].removeprefix("0x") in {tx for tx, _ in stored}
        for event in session.scalars(select(ChainEvent)):
            assert event.block_hash == "0x" + w3.eth.get_block(event.block_number)["hash"].hex()
    after_reorg = projections(context)
    start = context.chain.deployment.start_block
    assert event_count(context) == chain_log_count(context, start, w3.eth.block_number)

    # A fresh index of the new chain, into the same database emptied.
    with transaction(context.sessions) as session:
        for table in (*PROJECTIONS, ChainEvent, IndexedBlock, IndexerCursor):
            session.execute(delete(table))
    index_until_head(context)
    assert projections(context) == after_reorg


def test_a_deep_rollback_below_every_stored_hash_reindexes_everything(
    settings: Settings, coop: Coop
) -> None:
    with _context(settings, indexer_batch_blocks=1) as context:
        snapshot = coop.rpc("evm_snapshot")
        activity(coop, b"gone")
        index_until_head(context)
        coop.rpc("evm_revert", snapshot)
        coop.advance(3)
        with transaction(context.sessions) as session:  # as if the window had been pruned
            session.execute(delete(IndexedBlock).where(IndexedBlock.number < 30))
        index_until_head(context)
        after = projections(context)
        rebuild_all(context)
        assert projections(context) == after
        assert after["purchases"] == []


def test_chain_down_loses_nothing_and_reads_still_serve(settings: Settings, coop: Coop) -> None:
    with _context(settings) as context:
        index_until_head(context)
        before = projections(context)
        count = event_count(context)
    down_url = f"http://127.0.0.1:{free_port()}"
    with _context(settings, rpc_url=down_url, rpc_timeout_s=1.0) as down:
        with pytest.raises(ChainUnavailableError):
            run_once(down)
        assert event_count(down) == count
        assert projections(down) == before
        with TestClient(create_app(context=down)) as client:
            pools = client.get("/v1/pools")
            assert pools.status_code == 200, pools.text
            assert [p["id"] for p in pools.json()] == [1, 2, 3]
            assert client.get("/v1/ledger").status_code == 200
            assert client.get(f"/v1/members/{ADDRESSES[STEWARD]}").json()["member"] == {
                "stakeholder_class": "steward",
                "active": True,
                "joined_block": _joined(down, STEWARD),
            }
            assert client.get("/v1/governance/proposals").json() == []


def _joined(context: Context, account: int) -> int:
    with context.sessions() as session:
        member = session.get(Member, ADDRESSES[account])
        assert member is not None
        return member.joined_block


def test_run_forever_follows_the_chain_and_survives_an_outage(
    settings: Settings, coop: Coop, w3: Web3
) -> None:
    down_url = f"http://127.0.0.1:{free_port()}"
    with _context(settings, rpc_url=down_url, rpc_timeout_s=0.5) as down:
        stop = threading.Event()
        thread = threading.Thread(target=run_forever, args=(down, stop))
        thread.start()
        time.sleep(1.0)
        assert thread.is_alive()  # logged and retried, not crashed
        stop.set()
        thread.join(10)
        assert not thread.is_alive()
    with _context(settings) as context:
        stop = threading.Event()
        thread = threading.Thread(target=run_forever, args=(context, stop))
        thread.start()
        try:
            coop.submit(PRODUCER, 1, b"followed")
            head = w3.eth.block_number
            deadline = time.monotonic() + 20
            while Follower(context).indexed_block() < head and time.monotonic() < deadline:
                time.sleep(0.05)
            assert Follower(context).indexed_block() >= head
        finally:
            stop.set()
            thread.join(10)


def test_cli_indexes_once_and_rebuilds(settings: Settings, context: Context, w3: Web3) -> None:
    env = settings_env(settings)
    once = run_cli(env, "indexer", "run", "--once", check=True)
    start = context.chain.deployment.start_block
    assert f"indexed {w3.eth.block_number - start + 1} blocks" in once.stdout
    before = projections(context)
    rebuilt = run_cli(env, "indexer", "rebuild", check=True)
    assert f"from {event_count(context)} events" in rebuilt.stdout
    assert projections(context) == before
    dead_rpc = f"http://127.0.0.1:{free_port()}"
    down = run_cli({**env, "LUMBUNG_RPC_URL": dead_rpc}, "indexer", "run", "--once")
    assert down.returncode == 1 and "does not answer" in down.stderr


def test_expulsions_and_overturned_reviews_are_projected(context: Context, coop: Coop) -> None:
    """Governance's new powers (issue 13) reach the index: an expelled member is inactive, an
    overturned contribution has its new weight (or is rejected), and the pool's totals follow."""
    coop.admit(6, 0)
    first, _ = coop.submit(PRODUCER, 1, b"over-weighted")
    coop.accept(first, 80)
    second, _ = coop.submit(PRODUCER, 1, b"not data at all")
    coop.accept(second, 20)
    registry, membership = coop.c["ContributionRegistry"], coop.c["Membership"]
    coop.as_timelock(registry.functions.overturn(first, 30))
    coop.as_timelock(registry.functions.overturn(second, 0))
    coop.as_timelock(membership.functions.expel(ADDRESSES[6]))
    index_until_head(context)
    with context.sessions() as session:
        member = session.get(Member, ADDRESSES[6])
        assert member is not None and not member.active
        pool = session.get(Pool, 1)
        assert pool is not None and (pool.accepted_count, pool.accepted_weight) == (1, 30)
        rows = {c.id: c for c in session.scalars(select(Contribution))}
        assert (rows[contribution_key(first)].status, rows[contribution_key(first)].weight) == (
            "accepted",
            30,
        )
        assert rows[contribution_key(second)].status == "rejected"
    incremental = projections(context)
    rebuild_all(context)
    assert projections(context) == incremental


def test_every_handled_event_is_an_event_of_an_indexed_contract(context: Context) -> None:
    emitted = {
        entry["name"]
        for name in INDEXED_CONTRACTS
        for entry in context.chain[name].abi
        if entry.get("type") == "event"
    }
    assert set(HANDLERS) <= emitted
