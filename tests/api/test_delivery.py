"""Purchases and delivery: who may read a purchase, and what its tar holds, streamed."""

from __future__ import annotations

import json
import os
import tracemalloc

import pytest
from eth_utils import keccak
from fastapi.testclient import TestClient
from sqlalchemy import update
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.errors import VaultIntegrityError
from api.main import create_app
from api.models import Contribution, Purchase, VaultItem
from api.services import buyers, delivery
from api.services.contributions import vault_of
from api.settings import Settings
from ipfs.cid import parse_cid
from lumbung.protocol import contribution_id
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, SETTLER, STEWARD, free_port, send
from tests.api.identity_helpers import (
    buy,
    contribute,
    index,
    login,
    read_tar,
    sha256,
    submit,
    upload,
)

BUYER, OTHER_BUYER = 6, 7
MiB = 1024 * 1024


def settle_offchain(
    w3: Web3, contracts: dict[str, Contract], buyer_ref: str, order: str, pool_id: int
) -> int:
    market, token = contracts["DataMarket"], contracts["PaymentToken"]
    price = market.functions.listing(pool_id).call()[0][0]
    send(w3, token.functions.approve(market.address, price), ADDRESSES[SETTLER])
    order_id = keccak(text=order)
    receipt = send(
        w3,
        market.functions.settleOffchain(order_id, pool_id, 0, bytes.fromhex(buyer_ref[2:]), price),
        ADDRESSES[SETTLER],
    )
    return int(market.events.Purchased().process_receipt(receipt)[0]["args"]["purchaseId"])


def test_delivery_holds_exactly_what_the_purchase_bought(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer, steward = login(client, PRODUCER), login(client, STEWARD)
    registry = contracts["ContributionRegistry"]
    files = {
        "plots.csv": b"plot,yield\n" + b"7,3.2\n" * 1000,
        "photo.jpg": os.urandom(MiB + 12_345),  # more than one vault chunk
        "empty.txt": b"",
    }
    delivered = {
        name: contribute(client, w3, contracts, producer, PRODUCER, 1, data, name)
        for name, data in files.items()
    }
    steward_file = contribute(client, w3, contracts, steward, STEWARD, 1, b"steward's", "s.txt")
    to_revoke = contribute(client, w3, contracts, producer, PRODUCER, 1, b"withdrawn", "w.txt")
    other_pool = contribute(client, w3, contracts, producer, PRODUCER, 2, b"pool two", "p2.txt")
    pending = upload(client, producer, 1, b"still pending", "pending.txt").json()
    submit(w3, pending, PRODUCER)
    # Another member registering the producer's upload as its own gets a contribution of its own
    # (another id, since ids bind their contributor), and nothing of it is delivered.
    copied = upload(client, producer, 1, b"copied by someone else", "copied.txt").json()
    submit(w3, copied, STEWARD)
    copy_id = contribution_id(ADDRESSES[STEWARD], parse_cid(copied["cid"]).raw_digest)
    assert copy_id != int(copied["contribution_id"], 16)
    send(w3, registry.functions.accept(copy_id, 5), ADDRESSES[CURATOR])

    purchase_id = buy(w3, contracts, BUYER, 1)
    late = contribute(client, w3, contracts, producer, PRODUCER, 1, b"after the sale", "late.txt")
    send(w3, registry.functions.revoke(int(to_revoke["contribution_id"], 16)), ADDRESSES[PRODUCER])
    index(context)

    buyer = login(client, BUYER)
    bought = client.get(f"/v1/purchases/{purchase_id}", headers=buyer)
    assert bought.status_code == 200, bought.text
    record = bought.json()
    assert record["buyer"] == ADDRESSES[BUYER] and record["pool_id"] == 1
    assert record["order_id"] is None and record["purpose"] == "research"
    assert record["price"] == str(contracts["DataMarket"].functions.listing(1).call()[0][0])

    def fetch() -> tuple[dict[str, bytes], dict]:
        response = client.get(f"/v1/purchases/{purchase_id}/delivery", headers=buyer)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/x-tar"
        assert int(response.headers["content-length"]) == len(response.content)
        entries = read_tar(response.content)
        return entries, json.loads(entries.pop("manifest.json"))

    entries, manifest = fetch()
    # Named by contribution id and extension, never by the member's file name.
    expected = {
        delivered[n]["contribution_id"] + "." + n.split(".")[1]: data for n, data in files.items()
    }
    expected[f"{steward_file['contribution_id']}.txt"] = b"steward's"
    assert entries == expected
    assert manifest["purchase_id"] == purchase_id and manifest["pool_id"] == 1
    assert manifest["content_block"] == record["content_block"]
    assert manifest["license_cid"] is None  # the starter listings carry no license document
    assert {c["contribution_id"] for c in manifest["contributions"]} == {
        u["contribution_id"] for u in (*delivered.values(), steward_file)
    }
    for entry in manifest["contributions"]:
        data = entries[entry["path"]]
        assert entry["sha256"] == sha256(data) and entry["size"] == len(data)
    left_out = {to_revoke["cid"], other_pool["cid"], pending["cid"], copied["cid"], late["cid"]}
    assert not left_out & {c["cid"] for c in manifest["contributions"]}
    # What the purchase's block held and is no longer delivered is listed, with its reason.
    revoked_at = w3.eth.block_number
    assert {(o["contribution_id"], o["reason"]) for o in manifest["left_out"]} == {
        (to_revoke["contribution_id"], "revoked"), (f"0x{copy_id:064x}", "not-held"),
    }
    assert manifest["left_out"][0]["revoked_block"] in (revoked_at, None)

    # Erasing the revoked one changes nothing for the buyer; its ciphertext is now dead.
    erase = client.post(f"/v1/contributions/{to_revoke['contribution_id']}/erase", headers=producer)
    assert erase.status_code == 200
    entries_after, manifest_after = fetch()
    assert entries_after == expected
    assert {o["reason"] for o in manifest_after["left_out"]} == {"erased", "not-held"}
    with context.sessions() as session:
        item = session.query(VaultItem).filter_by(cid=to_revoke["cid"]).one()
        assert item.wrapped_key is None
    # Revoking a delivered one removes it from the next download.
    photo_id = delivered["photo.jpg"]["contribution_id"]
    send(w3, registry.functions.revoke(int(photo_id, 16)), ADDRESSES[PRODUCER])
    index(context)
    assert f"{photo_id}.jpg" not in fetch()[0]


def test_authorization_matrix(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer = login(client, PRODUCER)
    contribute(client, w3, contracts, producer, PRODUCER, 1, b"data", "d.txt")
    with transaction(context.sessions) as session:
        key_a = buyers.create_buyer(session, "Buyer A")
        key_b = buyers.create_buyer(session, "Buyer B")
        ref_a = key_a.buyer.buyer_ref
    a, b = {"X-API-Key": key_a.api_key}, {"X-API-Key": key_b.api_key}
    offchain = settle_offchain(w3, contracts, ref_a, "order-of-a", 1)
    wallet_purchase = buy(w3, contracts, BUYER, 1)
    index(context)
    wallet, other_wallet = login(client, BUYER), login(client, OTHER_BUYER)
    settler = login(client, SETTLER)

    def status(purchase_id: int, headers: dict[str, str]) -> tuple[int, int]:
        meta = client.get(f"/v1/purchases/{purchase_id}", headers=headers).status_code
        tar = client.get(f"/v1/purchases/{purchase_id}/delivery", headers=headers).status_code
        return meta, tar

    assert status(offchain, a) == (200, 200)
    assert status(offchain, b) == (404, 404)  # buyer B never learns A's purchase exists
    assert status(offchain, wallet) == (404, 404)
    assert status(offchain, settler) == (404, 404)  # the settler sent it, but bought nothing
    assert status(offchain, {}) == (401, 401)
    assert status(wallet_purchase, wallet) == (200, 200)
    assert status(wallet_purchase, other_wallet) == (404, 404)
    assert status(wallet_purchase, a) == (404, 404)
    assert status(999, a) == (404, 404)
    assert client.get("/v1/purchases/0", headers=a).status_code == 422
    assert client.get("/v1/purchases/abc", headers=a).status_code == 422
    bad_key = client.get(f"/v1/purchases/{offchain}", headers={"X-API-Key": "lb_nope"})
    assert bad_key.status_code == 401

    record = client.get(f"/v1/purchases/{offchain}", headers=a).json()
    assert record["order_id"] == "0x" + keccak(text="order-of-a").hex()
    assert [p["id"] for p in client.get("/v1/purchases", headers=a).json()] == [offchain]
    assert client.get("/v1/purchases", headers=b).json() == []
    own = client.get("/v1/purchases", headers=wallet, params={"buyer": ADDRESSES[BUYER]})
    assert [p["id"] for p in own.json()] == [wallet_purchase]
    other = client.get("/v1/purchases", headers=wallet, params={"buyer": ADDRESSES[OTHER_BUYER]})
    assert other.status_code == 403


def test_a_tampered_block_aborts_the_stream(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer = login(client, PRODUCER)
    plaintext = os.urandom(3 * MiB)
    uploaded = contribute(client, w3, contracts, producer, PRODUCER, 1, plaintext, "big.bin")
    purchase_id = buy(w3, contracts, BUYER, 1)
    index(context)
    # Flip one byte of the stored ciphertext's 17th age chunk (64 KiB each, the one holding
    # plaintext byte MiB) and point the vault at that copy
    # (the IPFS layer would refuse a block altered in place: its hash would not match).
    ciphertext = bytearray(b"".join(context.ipfs.cat(parse_cid(uploaded["cid"]))))
    ciphertext[MiB + 1000] ^= 0x01
    tampered = context.ipfs.add_bytes(bytes(ciphertext), cid_version=1)
    with transaction(context.sessions) as session:
        session.execute(
            update(VaultItem).where(VaultItem.cid == uploaded["cid"]).values(cid=str(tampered))
        )
    buyer = login(client, BUYER)
    with pytest.raises(delivery.DeliveryAbortedError, match="authentication"):
        client.get(f"/v1/purchases/{purchase_id}/delivery", headers=buyer)
    # What the stream had produced before it stopped: the manifest and the chunks before it.
    with context.sessions() as session:
        purchase = session.get(Purchase, purchase_id)
        assert purchase is not None
        plan = delivery.plan(session, purchase, context.chain, vault_of(context.settings))
    produced = bytearray()
    with pytest.raises(delivery.DeliveryAbortedError) as aborted:
        for piece in delivery.stream_tar(context.ipfs, vault_of(context.settings), plan):
            produced += piece
    assert isinstance(aborted.value.__cause__, VaultIntegrityError)
    assert len(produced) < plan.content_length() - 2 * MiB
    assert plaintext[MiB : MiB + 64] not in produced


def test_delivery_memory_stays_bounded(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer = login(client, PRODUCER)
    sizes = [5 * MiB, 4 * MiB + 1, 6 * MiB - 3, 3 * MiB]
    digests = {}
    for n, size in enumerate(sizes):
        data = os.urandom(size)
        uploaded = contribute(client, w3, contracts, producer, PRODUCER, 3, data, f"f{n}.bin")
        digests[uploaded["cid"]] = sha256(data)
    purchase_id = buy(w3, contracts, BUYER, 3)
    index(context)
    with context.sessions() as session:
        purchase = session.get(Purchase, purchase_id)
        assert purchase is not None
        plan = delivery.plan(session, purchase, context.chain, vault_of(context.settings))
    assert len(plan.files) == len(sizes)
    total = 0
    tracemalloc.start()
    for piece in delivery.stream_tar(context.ipfs, vault_of(context.settings), plan):
        total += len(piece)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == plan.content_length() > sum(sizes)
    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB for {sum(sizes) / MiB:.0f} MiB of data"
    # And over HTTP, the same archive decrypts to the uploaded bytes.
    response = client.get(f"/v1/purchases/{purchase_id}/delivery", headers=login(client, BUYER))
    entries = read_tar(response.content)
    manifest = json.loads(entries.pop("manifest.json"))
    assert {c["cid"]: c["sha256"] for c in manifest["contributions"]} == digests
    paths = {c["path"]: c["cid"] for c in manifest["contributions"]}
    assert {paths[name]: sha256(data) for name, data in entries.items()} == digests


def test_a_revocation_counts_before_the_indexer_sees_it(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer = login(client, PRODUCER)
    kept = contribute(client, w3, contracts, producer, PRODUCER, 1, b"kept", "kept.txt")
    revoked = contribute(client, w3, contracts, producer, PRODUCER, 1, b"withdrawn", "w.txt")
    purchase_id = buy(w3, contracts, BUYER, 1)
    index(context)
    registry = contracts["ContributionRegistry"]
    send(w3, registry.functions.revoke(int(revoked["contribution_id"], 16)), ADDRESSES[PRODUCER])
    # No indexer run: the database still holds the contribution as accepted.
    with context.sessions() as session:
        row = session.get(Contribution, revoked["contribution_id"])
        assert row is not None and row.status == "accepted"

    buyer = login(client, BUYER)
    response = client.get(f"/v1/purchases/{purchase_id}/delivery", headers=buyer)
    assert response.status_code == 200, response.text
    assert int(response.headers["content-length"]) == len(response.content)
    entries = read_tar(response.content)
    manifest = json.loads(entries.pop("manifest.json"))
    delivered = {c["contribution_id"] for c in manifest["contributions"]}
    assert kept["contribution_id"] in delivered
    assert revoked["contribution_id"] not in delivered
    assert entries == {f"{kept['contribution_id']}.txt": b"kept"}
    (left,) = manifest["left_out"]
    assert left == {
        "contribution_id": revoked["contribution_id"], "cid": revoked["cid"],
        "reason": "revoked", "revoked_block": None,  # the indexer has not seen it yet
    }


def test_a_delivery_is_refused_while_the_chain_cannot_confirm_it(
    client: TestClient, context: Context, settings: Settings, w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    """Without the chain, a revocation could not be seen: 503, never a revoked file."""
    producer = login(client, PRODUCER)
    contribute(client, w3, contracts, producer, PRODUCER, 1, b"some data", "d.txt")
    purchase_id = buy(w3, contracts, BUYER, 1)
    index(context)
    buyer = login(client, BUYER)
    down = settings.model_copy(update={"rpc_url": f"http://127.0.0.1:{free_port()}"})
    with TestClient(create_app(down)) as offline:
        response = offline.get(f"/v1/purchases/{purchase_id}/delivery", headers=buyer)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
