"""Settlement confirmed against the canonical chain: reorgs, lost blocks and confirmations.

An order is settled only when its ``Purchased`` block is ``LUMBUNG_CONFIRMATIONS`` below the
head and still canonical; an order the chain has lost (a reorg before the confirmations, or a
node that lost blocks it had confirmed) is settled again, so the buyer who paid is never left
with a pool that was not paid. Each test counts the purchases on chain and the wei moved.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import migrate
from api.main import create_app
from api.services.settlement import settle_pending
from api.settings import Settings
from tests.api.cooperative import Coop
from tests.api.harness import (
    PRODUCER,
    AnvilChain,
    api_settings,
    launch_anvil,
    start_anvil,
    terminate,
)
from tests.api.orderflow import (
    RELAYER,
    assert_settled_once,
    balances,
    make_buyer,
    paid_order,
    purchases_of,
    run_worker,
    stored,
    worker_env,
)

pytestmark = pytest.mark.usefixtures("stocked")


def rpc(w3: Web3, method: str, *params: Any) -> Any:
    answer = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in answer, answer
    return answer.get("result")


@pytest.fixture
def deep(settings: Settings) -> Iterator[Context]:
    """The API's context with settlements confirmed two blocks deep."""
    context = Context(settings.model_copy(update={"confirmations": 2}))
    yield context
    context.close()


def test_settlement_waits_for_its_confirmations(
    client: TestClient, deep: Context, settings: Settings, w3: Web3, contracts: dict[str, Contract]
) -> None:
    order = paid_order(client, settings, make_buyer(deep))
    before = balances(contracts)
    assert settle_pending(deep) == 0
    waiting, entry = stored(deep, order["id"])
    assert entry.state == "mined" and waiting.status == "settling"
    assert waiting.purchase_id is None and waiting.settled_at is None
    assert "waiting for 2 confirmations (0 so far)" in (waiting.reason or "")
    assert len(purchases_of(contracts, order["chain_order_id"])) == 1
    rpc(w3, "anvil_mine", 1)
    assert settle_pending(deep) == 0
    assert "(1 so far)" in (stored(deep, order["id"])[0].reason or "")
    rpc(w3, "anvil_mine", 1)
    assert settle_pending(deep) == 1
    event = assert_settled_once(deep, contracts, order, before)
    assert event["blockNumber"] == entry.block_number
    assert settle_pending(deep) == 0  # done: nothing more is sent


def test_reorg_before_the_confirmations_settles_again(
    client: TestClient, deep: Context, settings: Settings, w3: Web3, contracts: dict[str, Contract]
) -> None:
    order = paid_order(client, settings, make_buyer(deep))
    before = balances(contracts)
    fork = rpc(w3, "evm_snapshot")
    assert settle_pending(deep) == 0
    mined = stored(deep, order["id"])[1]
    assert mined.state == "mined"
    rpc(w3, "evm_revert", fork)  # the block that held the settlement is gone
    rpc(w3, "anvil_mine", 3)  # and the chain grows past its height on another branch
    assert purchases_of(contracts, order["chain_order_id"]) == [] and balances(contracts) == before
    assert settle_pending(deep) == 0
    again, entry = stored(deep, order["id"])
    assert again.status == "settling" and entry.state == "pending" and entry.tx_hash is None
    assert "is no longer on the chain" in (again.reason or "")

    assert settle_pending(deep) == 0  # sent anew, and waiting for its confirmations
    resent = stored(deep, order["id"])[1]
    assert resent.state == "mined" and resent.block_hash != mined.block_hash
    rpc(w3, "anvil_mine", 2)
    assert settle_pending(deep) == 1
    assert_settled_once(deep, contracts, order, before)


def test_settlement_mined_again_elsewhere_is_followed_not_resent(
    client: TestClient, deep: Context, settings: Settings, w3: Web3, contracts: dict[str, Contract]
) -> None:
    order = paid_order(client, settings, make_buyer(deep))
    # The relayer's approval first, so that the settlement is one transaction of its own.
    approve = contracts["PaymentToken"].functions.approve(
        contracts["DataMarket"].address, 2**256 - 1
    )
    w3.eth.wait_for_transaction_receipt(approve.transact({"from": RELAYER}))
    before = balances(contracts)
    fork = rpc(w3, "evm_snapshot")
    assert settle_pending(deep) == 0
    mined = stored(deep, order["id"])[1]
    assert mined.raw_tx is not None and mined.state == "mined"
    rpc(w3, "evm_revert", fork)
    rpc(w3, "anvil_mine", 1)
    # A reorg puts the transaction back in the pool and another branch mines it later.
    w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(mined.raw_tx))
    rpc(w3, "anvil_mine", 2)
    assert settle_pending(deep) == 1
    settled = stored(deep, order["id"])[0]
    assert settled.tx_hash == mined.tx_hash  # the same transaction, in another block
    event = assert_settled_once(deep, contracts, order, before)
    assert "0x" + bytes(event["blockHash"]).hex() != mined.block_hash
    assert w3.eth.get_transaction_count(RELAYER) == (mined.nonce or 0) + 1  # nothing else sent


def test_settled_order_lost_by_a_revert_is_settled_again(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    order = paid_order(client, settings, make_buyer(context))
    before = balances(contracts)
    fork = rpc(w3, "evm_snapshot")
    assert settle_pending(context) == 1
    first = stored(context, order["id"])[0]
    assert first.status == "settled" and first.purchase_id
    rpc(w3, "evm_revert", fork)  # deeper than any confirmation: the chain simply lost it
    assert purchases_of(contracts, order["chain_order_id"]) == [] and balances(contracts) == before
    # A worker that starts reconciles the orders it settled recently, and settles the lost one.
    restarted = run_worker(worker_env(settings))
    assert restarted.returncode == 0, restarted.stderr
    assert "lost from the chain" in restarted.stderr
    assert_settled_once(context, contracts, order, before)
    # Reconciling an order the chain still holds changes nothing.
    again = run_worker(worker_env(settings))
    assert again.returncode == 0 and "lost from the chain" not in again.stderr
    assert len(purchases_of(contracts, order["chain_order_id"])) == 1


def restart_anvil(chain: AnvilChain, state: Path, workdir: Path) -> AnvilChain:
    """The same node again, on the same port, from the state it last saved."""
    port = int(chain.rpc_url.rsplit(":", 1)[1])
    return launch_anvil(workdir, ["--load-state", str(state)], port=port)


def test_node_that_loses_its_last_blocks(tmp_path: Path, database_url: str) -> None:
    """An Anvil killed before its next state dump comes back without the settlement's blocks."""
    chain = start_anvil(tmp_path)
    try:
        settings = api_settings(chain, database_url, tmp_path)
        migrate(settings.database_url)
        context = Context(settings)
        try:
            contracts = context.chain.contracts
            coop = Coop(chain.w3, contracts)
            contribution_id, _ = coop.submit(PRODUCER, 1, b"stock of pool 1")
            coop.accept(contribution_id, 1)
            with TestClient(create_app(context=context)) as client:
                order = paid_order(client, settings, make_buyer(context))
            before = balances(contracts)
            # The node's last save: everything up to the payment, nothing of the settlement.
            state = tmp_path / "state.json"
            dumped = rpc(chain.w3, "anvil_dumpState")
            saved_height = chain.w3.eth.block_number
            assert run_worker(worker_env(settings)).returncode == 0
            assert stored(context, order["id"])[0].status == "settled"
            assert len(purchases_of(contracts, order["chain_order_id"])) == 1
            chain.process.kill()  # no state dump on a kill
            chain.process.wait(10)
            state.write_bytes(gzip.decompress(bytes.fromhex(dumped.removeprefix("0x"))))
            chain = restart_anvil(chain, state, tmp_path)
            assert chain.w3.eth.block_number == saved_height
            assert purchases_of(contracts, order["chain_order_id"]) == []
            assert balances(contracts) == before
            restarted = run_worker(worker_env(settings))
            assert restarted.returncode == 0, restarted.stderr
            assert_settled_once(context, contracts, order, before)
        finally:
            context.close()
    finally:
        terminate(chain.process)


def test_reconciliation_window_leaves_older_orders_alone(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    order = paid_order(client, settings, make_buyer(context), pool_id=3)
    fork = rpc(w3, "evm_snapshot")
    assert settle_pending(context) == 1
    rpc(w3, "evm_revert", fork)
    # Settled before the window began: not looked at (the window bounds a restart's calls).
    env = worker_env(settings, LUMBUNG_WORKER_RECONCILE_WINDOW_S="0")
    assert run_worker(env).returncode == 0
    assert stored(context, order["id"])[0].status == "settled"
    assert purchases_of(contracts, order["chain_order_id"]) == []
