"""The distributor replica reconciles with the chain to the wei; /v1/ledger reports it."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.distributor import PRECISION, earned_scaled
from api.indexer import index_until_head, rebuild_all
from api.indexer.projections import dump
from api.models import Ledger, Position, Pot
from lumbung.protocol import WORK_POT, StakeholderClass
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD, send

CONTRIBUTORS = [PRODUCER, STEWARD, 6, 7]
BUYERS = [8, 9]


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def busy_cooperative(coop: Coop, context: Context, rounds: int = 14) -> None:
    """A seeded, random-ish sequence of contributions, accepts, rejections, sales, settlements,
    revocations, claims, a price change, a split change and a reserve release, indexed as it
    goes."""
    rng = random.Random(20240611)
    registry = coop.c["ContributionRegistry"]
    for pool_id in (1, 2, 3):  # weights up to 10,000: the ceiling governance may allow
        coop.as_timelock(registry.functions.setPoolMaxWeight(pool_id, 10_000))
    coop.admit(6, StakeholderClass.PRODUCER)
    coop.admit(7, StakeholderClass.PRODUCER)
    accepted: list[tuple[int, int]] = []  # (account, contribution id)
    orders = 0
    for round_ in range(rounds):
        account = rng.choice(CONTRIBUTORS)
        pool_id = rng.choice([1, 2, 3])
        contribution_id, _ = coop.submit(account, pool_id, b"round %d" % round_)
        if rng.random() < 0.8:
            coop.accept(contribution_id, rng.randint(1, 10_000))
            accepted.append((account, contribution_id))
        else:
            coop.reject(contribution_id, "blurry")
        for _ in range(rng.randint(0, 2)):
            coop.buy(rng.choice(BUYERS), rng.choice([1, 2, 3]), purpose=0)
        if rng.random() < 0.5:
            orders += 1
            coop.settle(orders.to_bytes(32, "big"), rng.choice([1, 2, 3]))
        if accepted and rng.random() < 0.25:
            who, revoked = accepted.pop(rng.randrange(len(accepted)))
            coop.revoke(who, revoked)
        if rng.random() < 0.4:
            coop.claim(rng.choice([*CONTRIBUTORS, CURATOR]), rng.choice([1, 2, 3, WORK_POT]))
        if round_ == 5:
            coop.set_price(2, 33_333_333)  # a price that leaves dust everywhere
            coop.as_timelock(coop.c["RevenueDistributor"].functions.setSplit(6667, 2222, 1111))
        if round_ == 9:
            send_release(coop)
        if rng.random() < 0.5:
            index_until_head(context)
    index_until_head(context)


def send_release(coop: Coop) -> None:
    send(coop.w3, coop.c["RevenueDistributor"].functions.releaseReserve(), ADDRESSES[9])


@pytest.mark.usefixtures("stocked")  # sales need accepted content in every pool
def test_replica_equals_the_distributor_to_the_wei(
    context: Context, coop: Coop, client: TestClient
) -> None:
    busy_cooperative(coop, context)
    distributor = coop.c["RevenueDistributor"]
    token = coop.c["PaymentToken"]
    with context.sessions() as session:
        pots = {pot.id: pot for pot in session.scalars(select(Pot))}
        positions = session.scalars(select(Position)).all()
        ledger = session.get(Ledger, 1)
        assert ledger is not None
        assert len(positions) >= 4
        total_scaled = 0
        total_claimable = 0
        for position in positions:
            pot = pots[position.pot_id]
            scaled = earned_scaled(pot, position)
            assert (
                scaled
                == distributor.functions.earnedScaled(position.pot_id, position.account).call()
            ), (position.pot_id, position.account)
            chain_claimable = distributor.functions.claimable(
                position.pot_id, position.account
            ).call()
            assert scaled // PRECISION == chain_claimable
            assert (
                position.units
                == distributor.functions.unitsOf(position.pot_id, position.account).call()
            )
            total_scaled += scaled
            total_claimable += chain_claimable
        for pot in pots.values():
            assert pot.total_units == distributor.functions.totalUnits(pot.id).call()
        deposited, claimed, reserve_accrued, reserve_released = (
            distributor.functions.totals().call()
        )
        assert (
            ledger.deposited,
            ledger.claimed,
            ledger.reserve_accrued,
            ledger.reserve_released,
        ) == (deposited, claimed, reserve_accrued, reserve_released)
        assert ledger.reserve_remainder == distributor.functions.reserveRemainder().call()
        assert claimed > 0 and reserve_released > 0
        # Not one wei created or lost.
        assert deposited * PRECISION == (
            claimed * PRECISION
            + total_scaled
            + (reserve_accrued + reserve_released) * PRECISION
            + ledger.reserve_remainder
        )
        balance = token.functions.balanceOf(distributor.address).call()
        assert balance == deposited - claimed - reserve_released
        assert balance * PRECISION == (
            total_scaled + reserve_accrued * PRECISION + ledger.reserve_remainder
        )

    body = client.get("/v1/ledger").json()
    assert body["split"] == {"contributors_bps": 6667, "workers_bps": 2222, "reserve_bps": 1111}
    assert int(body["deposited"]) == deposited
    assert int(body["claimed"]) == claimed
    assert int(body["claimable"]) == total_claimable
    assert int(body["reserve_accrued"]) == reserve_accrued
    assert int(body["reserve_released"]) == reserve_released
    assert (
        int(body["to_contributors"]) + int(body["to_workers"]) + int(body["to_reserve"])
        == deposited
    )
    assert sum(int(p["revenue"]) for p in body["pools"]) == deposited
    purchases = coop.c["DataMarket"].functions.purchaseCount().call()
    assert sum(p["purchases"] for p in body["pools"]) == purchases
    assert len(body["history"]) == purchases
    assert body["indexed_block"] == coop.w3.eth.block_number

    # Every member's history adds up to what it earned: claimed + claimable, per pot.
    for account in [*CONTRIBUTORS, CURATOR]:
        address = ADDRESSES[account]
        member = client.get(f"/v1/members/{address}").json()
        for earning in member["earnings"]:
            pot_id = int(earning["pot_id"])
            assert (
                int(earning["claimable"]) == distributor.functions.claimable(pot_id, address).call()
            )
            entries = [e for e in member["earnings_history"] if e["pot_id"] == earning["pot_id"]]
            accrued = sum(int(e["amount"]) for e in entries if e["kind"] == "accrued")
            paid = sum(int(e["amount"]) for e in entries if e["kind"] == "claimed")
            assert paid == int(earning["claimed"])
            assert accrued == int(earning["claimed"]) + int(earning["claimable"])

    # And the projections are a pure function of the log.
    with context.sessions() as session:
        incremental = dump(session)
    rebuild_all(context)
    with context.sessions() as session:
        assert dump(session) == incremental


def test_empty_ledger_before_any_sale(client: TestClient, context: Context) -> None:
    index_until_head(context)
    body = client.get("/v1/ledger").json()
    assert body["split"] == {"contributors_bps": 7000, "workers_bps": 2000, "reserve_bps": 1000}
    assert body["deposited"] == body["claimed"] == body["claimable"] == "0"
    assert [p["pool_id"] for p in body["pools"]] == [1, 2, 3]
    assert body["history"] == []
