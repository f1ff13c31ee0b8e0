"""A member's view: class, contributions with their status and erasure, earnings per pot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.indexer import index_until_head
from lumbung.protocol import WORK_POT
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, send
from tests.api.test_pools import vault_item


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def test_member_contributions_and_earnings(
    client: TestClient, context: Context, coop: Coop
) -> None:
    accepted, cid_a = coop.submit(PRODUCER, 1, b"rice field")
    coop.accept(accepted, 4)
    rejected, _ = coop.submit(PRODUCER, 1, b"a cat")
    coop.reject(rejected, "not a rice field")
    revoked, cid_r = coop.submit(PRODUCER, 3, b"old prices")
    coop.revoke(PRODUCER, revoked)
    pending, _ = coop.submit(PRODUCER, 3, b"new prices")
    coop.buy(8, 1)
    coop.claim(CURATOR, WORK_POT)
    erased = vault_item(cid_r, revoked, 3, 10)
    erased.wrapped_key = None
    erased.erased_at = datetime.now(UTC)
    with transaction(context.sessions) as session:
        session.add(vault_item(cid_a, accepted, 1, 10))
        session.add(erased)
    index_until_head(context)

    producer = ADDRESSES[PRODUCER]
    response = client.get(f"/v1/members/{producer.lower()}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["address"] == producer
    assert body["member"]["stakeholder_class"] == "producer"
    assert body["member"]["active"] is True
    by_id = {c["id"]: c for c in body["contributions"]}
    assert [c["status"] for c in body["contributions"]] == [
        "accepted", "rejected", "revoked", "pending"
    ]
    record = by_id[f"0x{accepted:064x}"]
    assert record["pool_id"] == 1 and record["weight"] == 4
    assert record["accepted_block"] is not None and record["erased"] is False
    assert by_id[f"0x{revoked:064x}"]["erased"] is True
    assert by_id[f"0x{pending:064x}"]["accepted_block"] is None

    distributor = coop.c["RevenueDistributor"].functions
    # 25 USD, 70% to the pool's only contributor.
    assert body["earnings"] == [
        {"pot_id": "1", "pool_id": 1, "claimable": "17500000", "claimed": "0"}
    ]
    assert distributor.claimable(1, producer).call() == 17_500_000
    assert [(e["kind"], e["amount"]) for e in body["earnings_history"]] == [
        ("accrued", "17500000")
    ]

    curator = client.get(f"/v1/members/{ADDRESSES[CURATOR]}").json()
    assert curator["member"]["stakeholder_class"] == "worker"
    assert curator["earnings"] == [
        {"pot_id": str(WORK_POT), "pool_id": None, "claimable": "0", "claimed": "5000000"}
    ]
    assert [(e["kind"], e["amount"]) for e in curator["earnings_history"]] == [
        ("accrued", "5000000"), ("claimed", "5000000")
    ]


def test_left_unknown_and_malformed_addresses(
    client: TestClient, context: Context, coop: Coop
) -> None:
    send(coop.w3, coop.c["Membership"].functions.leave(), ADDRESSES[PRODUCER])
    index_until_head(context)
    left = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}").json()
    assert left["member"]["active"] is False

    stranger = client.get(f"/v1/members/{ADDRESSES[9]}")
    assert stranger.status_code == 200
    assert stranger.json() == {
        "address": ADDRESSES[9], "member": None, "contributions": [], "earnings": [],
        "earnings_history": [],
    }
    for bad in ("0x1234", "not-an-address", ADDRESSES[9][:-1] + "g"):
        response = client.get(f"/v1/members/{bad}")
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://lumbung.coop/problems/invalid-input"
    wrong_checksum = ADDRESSES[9].swapcase().replace("X", "x")
    assert client.get(f"/v1/members/{wrong_checksum}").status_code == 422
