"""Shared steps of the identity tests: signing in with a wallet, contributing, buying."""

from __future__ import annotations

import hashlib
import io
import tarfile
from datetime import UTC, datetime
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import index_until_head
from api.services import auth
from tests.api.harness import ADDRESSES, CURATOR, KEYS, send

USD = 10**6
RESEARCH = 0


def sign(text: str, key_index: int) -> str:
    signed = Account.sign_message(encode_defunct(text=text), private_key=KEYS[key_index])
    return "0x" + signed.signature.hex().removeprefix("0x")


def message_for(client: TestClient, key_index: int, **overrides: Any) -> str:
    """A fresh EIP-4361 message for account ``key_index`` with the nonce the API hands out."""
    issued = client.get("/v1/auth/nonce").json()
    fields: dict[str, Any] = {
        "domain": issued["domain"],
        "address": ADDRESSES[key_index],
        "uri": issued["uri"],
        "chain_id": issued["chain_id"],
        "nonce": issued["nonce"],
        "issued_at": datetime.now(UTC),
    }
    fields.update(overrides)
    return auth.build_message(**fields)


def login(client: TestClient, key_index: int) -> dict[str, str]:
    """Signs in as account ``key_index``; returns the Authorization header."""
    text = message_for(client, key_index)
    response = client.post(
        "/v1/auth/siwe", json={"message": text, "signature": sign(text, key_index)}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def upload(
    client: TestClient, headers: dict[str, str], pool_id: int, data: bytes, name: str = "data.bin"
) -> Any:
    return client.post(
        "/v1/contributions",
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
        data={"pool_id": str(pool_id)},
    )


def submit(w3: Web3, uploaded: dict[str, Any], member: int) -> None:
    """The member's wallet sends the calldata the API returned."""
    tx_hash = w3.eth.send_transaction(
        {"from": ADDRESSES[member], "to": uploaded["registry"], "data": uploaded["calldata"]}
    )
    assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1


def contribute(
    client: TestClient, w3: Web3, contracts: dict[str, Contract], headers: dict[str, str],
    member: int, pool_id: int, data: bytes, name: str, weight: int = 10,
) -> dict[str, Any]:
    """Upload, register from the member's wallet, and accept as the curator."""
    response = upload(client, headers, pool_id, data, name)
    assert response.status_code == 201, response.text
    uploaded: dict[str, Any] = response.json()
    submit(w3, uploaded, member)
    registry = contracts["ContributionRegistry"]
    send(w3, registry.functions.accept(int(uploaded["contribution_id"], 16), weight),
         ADDRESSES[CURATOR])
    return uploaded


def buy(w3: Web3, contracts: dict[str, Contract], buyer: int, pool_id: int) -> int:
    """A wallet purchase with DataMarket.purchase; returns the purchase id."""
    market, token = contracts["DataMarket"], contracts["PaymentToken"]
    price = market.functions.listing(pool_id).call()[0][0]
    send(w3, token.functions.mint(ADDRESSES[buyer], price), ADDRESSES[buyer])
    send(w3, token.functions.approve(market.address, price), ADDRESSES[buyer])
    receipt = send(w3, market.functions.purchase(pool_id, RESEARCH, price), ADDRESSES[buyer])
    (event,) = market.events.Purchased().process_receipt(receipt)
    return int(event["args"]["purchaseId"])


def index(context: Context) -> None:
    index_until_head(context)


def read_tar(body: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:") as archive:
        out = {}
        for member in archive.getmembers():
            extracted = archive.extractfile(member)
            assert extracted is not None
            out[member.name] = extracted.read()
        return out


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
