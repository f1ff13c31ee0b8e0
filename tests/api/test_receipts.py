"""Consent receipts against the harness chain: every kind of event yields its record (consent,
registration, opening for review, sale, revocation, erasure) with its DPV terms and its
on-chain reference; a member never reads another's; an erased contribution keeps its erasure
receipt and nothing that names its file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.models import AggregatedBatch, Purchase
from api.services import buyers
from api.services.batching.aggregator import Aggregator
from api.services.receipts import spoken_date
from lumbung.devchain import Role
from tests.api.batch_helpers import give_consent, give_review, uploaded
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, ONE_DATABASE, PRODUCER, STEWARD, send
from tests.api.identity_helpers import buy, contribute, index, login, sha256
from tests.api.test_delivery import settle_offchain

BUYER = 6
LD = "application/ld+json"


def receipts_of(client: TestClient, headers: dict[str, str], address: str, **params: Any) -> Any:
    response = client.get(f"/v1/members/{address}/receipts", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(LD)
    return response.json()


def by_kind(page: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for receipt in page["receipts"]:
        kinds.setdefault(receipt["kind"], []).append(receipt)
    return kinds


def test_every_event_yields_its_receipt(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    chain_id, registry = context.chain.chain_id, contracts["ContributionRegistry"]
    market = contracts["DataMarket"].address
    # A signed consent, opened by a curator for review.
    signed = uploaded(client, member, 1, b"plot 7 yields")
    assert give_consent(client, member, signed, PRODUCER).status_code == 200
    opened = client.get(f"/v1/curation/contributions/{signed}/content", headers=curator)
    assert opened.status_code == 200
    # A contribution the member registered on-chain, accepted, then sold twice.
    plots = b"plot,yield\n7,3.2\n"
    direct = contribute(client, w3, contracts, member, PRODUCER, 1, plots, "plots.csv")
    with context.sessions.begin() as session:
        ref = buyers.create_buyer(session, "Institut Riset Pangan").buyer.buyer_ref
    sold_offchain = settle_offchain(w3, contracts, ref, "order-1", 1)
    sold_to_wallet = buy(w3, contracts, BUYER, 1)
    # Withdrawn, then erased.
    send(w3, registry.functions.revoke(int(direct["contribution_id"], 16)), ADDRESSES[PRODUCER])
    index(context)
    erased = client.post(f"/v1/contributions/{direct['contribution_id']}/erase", headers=member)
    assert erased.status_code == 200, erased.text

    page = receipts_of(client, member, ADDRESSES[PRODUCER])
    assert page["@context"]["dpv"] == "https://w3id.org/dpv#"
    assert page["member"] == ADDRESSES[PRODUCER] and page["total"] == len(page["receipts"]) == 7
    stamps = [datetime.fromisoformat(r["timestamp"]) for r in page["receipts"]]
    assert stamps == sorted(stamps, reverse=True)
    kinds = by_kind(page)
    assert sorted(kinds) == [
        "consent", "erasure", "registration", "review-opening", "revocation", "sale",
    ]
    subject = f"did:pkh:eip155:{chain_id}:{ADDRESSES[PRODUCER]}"
    for receipt in page["receipts"]:
        assert receipt["data_subject"] == subject
        assert receipt["legal_basis"] == "dpv:Consent"
        assert "dpv:ConsentRecord" in receipt["@type"]
        assert receipt["pool_id"] == 1 and receipt["summary"]["en"] and receipt["summary"]["id"]

    (consent,) = kinds["consent"]
    assert consent["contribution_id"] == signed and consent["on_chain"] is None
    assert consent["consent_status"] == "dpv:ConsentGiven"
    assert consent["processing"] == ["dpv:Collect", "dpv:Store"]
    assert "dpv:ResearchAndDevelopment" in consent["purposes"]

    (opening,) = kinds["review-opening"]
    assert opening["contribution_id"] == signed
    assert opening["recipient"]["name"] == ADDRESSES[CURATOR]
    assert opening["recipient"]["role"] == "dpv:DataProcessor"
    assert "dpv:Consult" in opening["processing"]
    assert opening["summary"]["id"].startswith("Dibuka untuk ditinjau oleh kurator")

    (registration,) = kinds["registration"]
    submitted = w3.eth.get_transaction_receipt(registration["on_chain"]["tx_hash"])
    assert registration["on_chain"] == {
        "chain_id": chain_id,
        "contract": registry.address,
        "tx_hash": registration["on_chain"]["tx_hash"],
        "block": submitted["blockNumber"],
    }
    assert submitted["to"] == registry.address and submitted["from"] == ADDRESSES[PRODUCER]

    sales = {r["key"] if "key" in r else r["@id"]: r for r in kinds["sale"]}
    assert set(sales) == {
        f"urn:lumbung:receipt:sale:{p}:{direct['contribution_id']}"
        for p in (sold_offchain, sold_to_wallet)
    }
    offchain = sales[f"urn:lumbung:receipt:sale:{sold_offchain}:{direct['contribution_id']}"]
    with context.sessions() as session:
        purchase = session.get(Purchase, sold_offchain)
        assert purchase is not None
        when = datetime.fromtimestamp(purchase.timestamp, UTC)
        assert offchain["on_chain"] == {
            "chain_id": chain_id, "contract": market,
            "tx_hash": purchase.tx_hash, "block": purchase.block_number,
        }
    assert offchain["recipient"] == {
        "role": "dpv:ThirdParty", "name": "Institut Riset Pangan", "address": None,
    }
    assert offchain["purposes"] == ["dpv:ResearchAndDevelopment"]
    assert offchain["processing"] == ["dpv:Use", "dpv:Share", "dpv:Transfer"]
    assert offchain["summary"] == {
        "en": f"Bought by Institut Riset Pangan for research on {spoken_date(when, 'en')}",
        "id": f"Dibeli oleh Institut Riset Pangan untuk penelitian pada {spoken_date(when, 'id')}",
    }
    wallet_sale = sales[f"urn:lumbung:receipt:sale:{sold_to_wallet}:{direct['contribution_id']}"]
    assert wallet_sale["recipient"]["name"] == ADDRESSES[BUYER]

    (revocation,) = kinds["revocation"]
    assert revocation["consent_status"] == "dpv:ConsentWithdrawn"
    revoked = w3.eth.get_transaction_receipt(revocation["on_chain"]["tx_hash"])
    assert revoked["from"] == ADDRESSES[PRODUCER]
    assert revoked["blockNumber"] == revocation["on_chain"]["block"]

    # The erased contribution keeps its receipts, and none names its file.
    (erasure,) = kinds["erasure"]
    assert erasure["contribution_id"] == direct["contribution_id"]
    assert erasure["processing"] == ["dpv:Erase"]
    text = json.dumps(page)
    for secret in ("plots.csv", sha256(plots), direct["cid"], '"size"', '"filename"'):
        assert secret not in text
    assert erasure["cid"] is None and registration["cid"] is None

    # Paged, newest first.
    first = receipts_of(client, member, ADDRESSES[PRODUCER], limit=4)
    assert [r["@id"] for r in first["receipts"]] == [r["@id"] for r in page["receipts"][:4]]
    assert first["next_offset"] == 4 and first["total"] == 7
    rest = receipts_of(client, member, ADDRESSES[PRODUCER], offset=4, limit=4)
    assert [r["@id"] for r in rest["receipts"]] == [r["@id"] for r in page["receipts"][4:]]
    assert rest["next_offset"] is None

    # Per contribution, for its owner.
    one = client.get(f"/v1/contributions/{signed}/receipts", headers=member)
    assert one.status_code == 200 and one.headers["content-type"].startswith(LD)
    assert sorted(r["kind"] for r in one.json()["receipts"]) == ["consent", "review-opening"]


@ONE_DATABASE
def test_a_member_never_reads_another_members_receipts(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    member, steward = login(client, PRODUCER), login(client, STEWARD)
    mine = contribute(client, w3, contracts, member, PRODUCER, 1, b"mine", "m.txt")
    theirs = contribute(client, w3, contracts, steward, STEWARD, 1, b"theirs", "t.txt")
    buy(w3, contracts, BUYER, 1)
    index(context)
    page = receipts_of(client, member, ADDRESSES[PRODUCER])
    assert {r["contribution_id"] for r in page["receipts"]} == {mine["contribution_id"]}
    assert theirs["contribution_id"] not in json.dumps(page)
    assert sorted(r["kind"] for r in page["receipts"]) == ["registration", "sale"]
    # Another member's list and contribution, and no session at all, are refused.
    other = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/receipts", headers=steward)
    assert other.status_code == 403
    assert other.headers["content-type"].startswith("application/problem+json")
    url = f"/v1/contributions/{mine['contribution_id']}/receipts"
    assert client.get(url, headers=steward).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/receipts").status_code == 401
    missing = client.get(f"/v1/contributions/0x{'ab' * 32}/receipts", headers=member)
    assert missing.status_code == 404


def test_a_batched_consent_points_at_its_batch_and_its_sales(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    coop = Coop(w3, contracts)
    registry = contracts["ContributionRegistry"]
    role = registry.functions.AGGREGATOR_ROLE().call()
    coop.as_timelock(registry.functions.grantRole(role, ADDRESSES[Role.AGGREGATOR]))
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    leaf = uploaded(client, member, 1, b"plot 7 yields")
    assert give_consent(client, member, leaf, PRODUCER).status_code == 200
    assert give_review(client, curator, leaf, CURATOR, 7).status_code == 201
    assert Aggregator(context).run_once() == 1
    index(context)
    (consent,) = receipts_of(client, member, ADDRESSES[PRODUCER])["receipts"]
    with context.sessions() as session:
        (batch,) = session.scalars(select(AggregatedBatch)).all()
    submitted = w3.eth.get_transaction_receipt(batch.tx_hash)
    assert consent["kind"] == "consent" and consent["on_chain"] == {
        "chain_id": context.chain.chain_id, "contract": registry.address,
        "tx_hash": batch.tx_hash, "block": submitted["blockNumber"],
    }
    send(w3, registry.functions.acceptBatch(batch.batch_id), ADDRESSES[CURATOR])
    sold = buy(w3, contracts, BUYER, 1)
    index(context)
    kinds = by_kind(receipts_of(client, member, ADDRESSES[PRODUCER]))
    (sale,) = kinds["sale"]
    assert sale["contribution_id"] == leaf and sale["@id"].endswith(f":sale:{sold}:{leaf}")
    assert sorted(kinds) == ["consent", "sale"]
