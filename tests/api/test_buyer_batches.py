"""Deliveries of batched contributions, checked by ``lumbung buyer verify`` against the chain.

Batches are the default path: their leaves earn from acceptance, so they are sold content from
then on, claimed or not. A delivery carries them with each batch's manifest, and ``verify``
rebuilds each batch's Merkle tree from the manifest (whose CID, root, count and total weight the
chain holds) to know which contributions the purchase bought, without asking the API.
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.services.batching.aggregator import Aggregator
from buyer.market import Market
from buyer.verify import verify_delivery
from tests.api.batch_helpers import coop_with_aggregator
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, KEYS, ONE_DATABASE, PRODUCER, STEWARD, send
from tests.api.identity_helpers import contribute, index, login
from tests.api.test_batch_aggregator import leaf_args, proof_args, reviewed_uploads
from tests.api.test_buyer import BUYER, POOL, buyer_api, cooperative_of, failures, fund, rewrite


@pytest.fixture
def coop(context: Context) -> Coop:
    return coop_with_aggregator(context)


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        extracted = tar.extractfile("manifest.json")
        assert extracted is not None
        return dict(json.loads(extracted.read()))


@ONE_DATABASE
def test_a_delivery_of_batched_contributions_verifies_against_the_chain(
    client: TestClient,
    context: Context,
    coop: Coop,
    anvil: Any,
    w3: Web3,
    contracts: dict[str, Contract],
    tmp_path: Path,
) -> None:
    producer = login(client, PRODUCER)
    single = contribute(client, w3, contracts, producer, PRODUCER, POOL, b"single", "single.csv")
    batched = reviewed_uploads(
        client,
        [
            (PRODUCER, b"plot 1 yields", 4, ""),
            (PRODUCER, b"plot 2 yields", 2, ""),
            (STEWARD, b"market prices", 3, ""),
            (STEWARD, b"blurred photo", 0, "unreadable"),  # a rejection: no leaf
        ],
    )
    assert Aggregator(context).run_once() == 1
    registry = coop.c["ContributionRegistry"]
    coop.relay(CURATOR, registry.functions.acceptBatch(1))
    index(context)

    cooperative = cooperative_of(anvil)
    price = cooperative.quote(POOL).price
    fund(w3, contracts, price)
    record = Market(cooperative, KEYS[BUYER]).purchase(POOL, 0, max_price=price)
    # After the sale the producer revokes one leaf: it is left out, and says so.
    (mine,) = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/batches").json()["batches"]
    leaf = next(x for x in mine["leaves"] if x["leaf"]["ordinal"] == 1)
    revoke = registry.functions.revokeLeaf(
        1, leaf_args([leaf["leaf"]])[0], proof_args(leaf["proof"])
    )
    send(w3, revoke, ADDRESSES[PRODUCER])
    index(context)

    api = buyer_api(client)
    api.sign_in(KEYS[BUYER])
    api.wait_for_purchase(record.purchase_id, timeout=10)
    archive = api.download(record.purchase_id, tmp_path / "delivery.tar")
    manifest = manifest_of(archive)
    assert [b["batch_id"] for b in manifest["batches"]] == [1]
    report = verify_delivery(archive, cooperative, record.purchase_id)
    assert report.ok, report.failures
    delivered = {v["contribution_id"]: v["registered"] for v in report.verified}
    revoked = batched[1]
    assert delivered == {
        single["contribution_id"]: "single",
        batched[0]: "batch 1",
        batched[2]: "batch 1",
    }
    (left,) = report.left_out
    assert left["contribution_id"] == revoked and left["how"] == "revoked"

    # A manifest that is not the one the chain recorded: the batch's leaves can't be trusted.
    def altered(name: str, data: bytes) -> bytes:
        return data.replace(b'"weight":4', b'"weight":5') if name == "batches/1.json" else data

    forged = verify_delivery(rewrite(archive, tmp_path / "forged.tar", altered), cooperative)
    assert ("batch-manifest-mismatch", None) in failures(forged)
    assert ("not-in-purchase", batched[0]) in failures(forged)

    # No manifest at all: the batch was bought, and its leaves can't be checked.
    def no_batches(m: dict[str, Any]) -> None:
        m["batches"] = []

    stripped = rewrite(
        archive,
        tmp_path / "stripped.tar",
        lambda name, data: None if name.startswith("batches/") else data,
        no_batches,
    )
    missing = verify_delivery(stripped, cooperative)
    assert ("batch-manifest-missing", None) in failures(missing)

    # A leaf withheld from a delivery that carries its manifest is named.
    def withhold(m: dict[str, Any]) -> None:
        m["contributions"] = [c for c in m["contributions"] if c["contribution_id"] != batched[2]]

    held_back = rewrite(
        archive,
        tmp_path / "withheld.tar",
        lambda name, data: None if name.startswith(batched[2]) else data,
        withhold,
    )
    assert ("withheld", batched[2]) in failures(verify_delivery(held_back, cooperative))

    # Governance overturns the batch: every leaf of it leaves every later download, listed.
    coop.as_timelock(registry.functions.overturnBatch(1, "weights unjustified"))
    index(context)
    again = api.download(record.purchase_id, tmp_path / "again.tar")
    report = verify_delivery(again, cooperative, record.purchase_id)
    assert report.ok, report.failures
    assert {v["contribution_id"] for v in report.verified} == {single["contribution_id"]}
    assert {(x["contribution_id"], x["how"]) for x in report.left_out} == {
        (revoked, "revoked"),
        (batched[0], "overturned"),
        (batched[2], "overturned"),
    }


@ONE_DATABASE
def test_a_batch_whose_leaves_were_all_activated_still_carries_its_manifest(
    client: TestClient, context: Context, coop: Coop, anvil: Any, w3: Web3,
    contracts: dict[str, Contract], tmp_path: Path,
) -> None:
    """An activated leaf is listed once (as the single path lists it), and its batch's manifest
    still travels with it: ``verify`` knows the leaf was bought only through the batch."""
    (photo,) = reviewed_uploads(client, [(PRODUCER, b"plot 9 yields", 5, "")])
    assert Aggregator(context).run_once() == 1
    registry = coop.c["ContributionRegistry"]
    coop.relay(CURATOR, registry.functions.acceptBatch(1))
    index(context)
    (mine,) = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/batches").json()["batches"]
    inactive = mine["inactive"]
    activate = registry.functions.activateLeaves(
        1, leaf_args(inactive["leaves"]), proof_args(inactive["proof"]), inactive["proof_flags"]
    )
    send(w3, activate, ADDRESSES[PRODUCER])
    index(context)

    cooperative = cooperative_of(anvil)
    price = cooperative.quote(POOL).price
    fund(w3, contracts, price)
    record = Market(cooperative, KEYS[BUYER]).purchase(POOL, 0, max_price=price)
    index(context)
    api = buyer_api(client)
    api.sign_in(KEYS[BUYER])
    api.wait_for_purchase(record.purchase_id, timeout=10)
    archive = api.download(record.purchase_id, tmp_path / "delivery.tar")
    manifest = manifest_of(archive)
    assert [c["contribution_id"] for c in manifest["contributions"]] == [photo]
    assert [b["batch_id"] for b in manifest["batches"]] == [1]
    report = verify_delivery(archive, cooperative, record.purchase_id)
    assert report.ok, report.failures
    assert [(v["contribution_id"], v["registered"]) for v in report.verified] == [
        (photo, "batch 1")
    ]
