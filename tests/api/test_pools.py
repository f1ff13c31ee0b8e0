"""The pool catalogue: listing fields, accepted contributions, vault sizes and strikes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.indexer import index_until_head
from api.models import VaultItem
from ipfs.cid import cid_string
from lumbung.rubrics import STARTER_METADATA
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, PRODUCER, STEWARD


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def vault_item(cid: bytes, contribution_id: int, pool_id: int, size: int) -> VaultItem:
    return VaultItem(
        cid=cid_string(cid),
        contribution_id=f"0x{contribution_id:064x}",
        uploader=ADDRESSES[PRODUCER],
        pool_id=pool_id,
        filename="data.bin",
        content_type="application/octet-stream",
        size=size,
        plaintext_sha256="0" * 64,
        chunk_size=65536,
        wrapped_key=b"k" * 40,
        created_at=datetime.now(UTC),
    )


def test_the_starter_pools(client: TestClient, context: Context) -> None:
    index_until_head(context)
    response = client.get("/v1/pools")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": 1, "name": "Rice-field photos", "metadata": STARTER_METADATA[0],
            "open": True, "listed": True,
            "price": "25000000", "purposes": ["research", "public_interest"],
            "purposes_mask": 3, "license_cid": None, "accepted_contributions": 0,
            "total_size_bytes": 0, "strike_active": False,
        },
        {
            "id": 2, "name": "Mobility diaries", "metadata": STARTER_METADATA[1],
            "open": True, "listed": True,
            "price": "40000000", "purposes": ["research", "public_interest", "commercial"],
            "purposes_mask": 7, "license_cid": None, "accepted_contributions": 0,
            "total_size_bytes": 0, "strike_active": False,
        },
        {
            "id": 3, "name": "Market prices", "metadata": STARTER_METADATA[2],
            "open": True, "listed": True,
            "price": "10000000",
            "purposes": ["research", "public_interest", "commercial", "ai_training"],
            "purposes_mask": 15, "license_cid": None, "accepted_contributions": 0,
            "total_size_bytes": 0, "strike_active": False,
        },
    ]


def test_contributions_sizes_listing_changes_and_strikes(
    client: TestClient, context: Context, coop: Coop
) -> None:
    accepted, cid_a = coop.submit(PRODUCER, 2, b"a diary")
    coop.accept(accepted, 5)
    other, _ = coop.submit(STEWARD, 2, b"another diary")
    coop.accept(other, 7)
    pending, cid_c = coop.submit(PRODUCER, 2, b"a pending diary")
    revoked, cid_d = coop.submit(PRODUCER, 2, b"a revoked diary")
    coop.accept(revoked, 1)
    coop.revoke(PRODUCER, revoked)
    with transaction(context.sessions) as session:
        session.add(vault_item(cid_a, accepted, 2, 1000))
        session.add(vault_item(cid_c, pending, 2, 20))  # not accepted: not counted
        session.add(vault_item(cid_d, revoked, 2, 300))  # revoked: not counted
    # cid_b was uploaded through another node: on-chain, but not in this vault.
    license_cid = bytes([0x01, 0x55, 0x12, 0x20]) + bytes(range(32))
    market = coop.c["DataMarket"]
    coop.as_timelock(market.functions.setListing(2, 55_000_000, 0b1001, False, license_cid))
    coop.as_timelock(coop.c["ContributionRegistry"].functions.closePool(2))
    index_until_head(context)

    pool = client.get("/v1/pools/2").json()
    assert pool["accepted_contributions"] == 2
    assert pool["total_size_bytes"] == 1000
    assert pool["price"] == "55000000"
    assert pool["purposes"] == ["research", "ai_training"] and pool["purposes_mask"] == 9
    assert pool["listed"] is False and pool["open"] is False
    assert pool["license_cid"] == cid_string(license_cid)
    assert pool["strike_active"] is False
    registry_pool = coop.c["ContributionRegistry"].functions.pool(2).call()
    assert pool["accepted_contributions"] == registry_pool[4]

    coop.as_timelock(market.functions.setGeneralStrike(True))
    index_until_head(context)
    assert all(p["strike_active"] for p in client.get("/v1/pools").json())
    coop.as_timelock(market.functions.setGeneralStrike(False))
    index_until_head(context)
    assert not any(p["strike_active"] for p in client.get("/v1/pools").json())


def test_unknown_and_malformed_pool_ids(client: TestClient, context: Context) -> None:
    index_until_head(context)
    missing = client.get("/v1/pools/99")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "https://lumbung.coop/problems/not-found"
    malformed = client.get("/v1/pools/one")
    assert malformed.status_code == 422
    assert malformed.headers["content-type"] == "application/problem+json"
