"""Shared steps of the batch-path tests: upload, sign the consent, review, as the dApp does;
and a batch submitted straight to the registry, for the indexer's tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from lumbung import consent as eip712
from lumbung.devchain import Coop, Role
from lumbung.merkle import BatchDomain, BatchLeaf, StandardMerkleTree, batch_tree, with_ordinals
from tests.api.harness import ADDRESSES, CURATOR, KEYS, send
from tests.api.identity_helpers import upload


def sign_hex(typed: dict[str, Any], key_index: int) -> str:
    return "0x" + eip712.sign(typed, KEYS[key_index]).hex()


def uploaded(client: TestClient, headers: dict[str, str], pool_id: int, data: bytes) -> str:
    """Uploads ``data`` to ``pool_id``; its contribution id."""
    response = upload(client, headers, pool_id, data)
    assert response.status_code == 201, response.text
    return str(response.json()["contribution_id"])


def consent_typed(client: TestClient, headers: dict[str, str], contribution_id: str) -> Any:
    response = client.get(f"/v1/contributions/{contribution_id}/consent", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def give_consent(
    client: TestClient, headers: dict[str, str], contribution_id: str, key_index: int
) -> Any:
    """Signs the typed data the API hands out with ``key_index`` and posts it."""
    to_sign = consent_typed(client, headers, contribution_id)
    return client.post(
        f"/v1/contributions/{contribution_id}/consent",
        headers=headers,
        json={
            "deadline": to_sign["deadline"],
            "signature": sign_hex(to_sign["typed_data"], key_index),
        },
    )


def post_review(
    client: TestClient,
    headers: dict[str, str],
    queue: dict[str, Any],
    contribution_id: str,
    digest: str,
    weight: int,
    reason: str,
    signer: int,
) -> Any:
    """Posts ``signer``'s Review of the consent ``digest``, typed from the queue's domain and
    types as a curator's wallet builds it."""
    typed = {
        "types": queue["types"],
        "primaryType": "Review",
        "domain": queue["domain"],
        "message": {"consent": digest, "weight": weight, "reason": reason},
    }
    return client.post(
        "/v1/curation/reviews",
        headers=headers,
        json={
            "contribution_id": contribution_id,
            "weight": weight,
            "reason": reason,
            "signature": sign_hex(typed, signer),
        },
    )


def give_review(
    client: TestClient,
    headers: dict[str, str],
    contribution_id: str,
    key_index: int,
    weight: int,
    reason: str = "",
) -> Any:
    """Reviews ``contribution_id`` from the queue as signed-in curator ``key_index``."""
    queue = client.get("/v1/curation/queue", headers=headers).json()
    (item,) = [i for i in queue["items"] if i["contribution_id"] == contribution_id]
    return post_review(
        client, headers, queue, contribution_id, item["consent_digest"], weight, reason, key_index
    )


def raw_cid(seed: bytes) -> bytes:
    """A CIDv1 (raw) over sha256(seed)."""
    return bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(seed).digest()


@dataclass(frozen=True)
class SubmittedBatch:
    batch_id: int
    tree: StandardMerkleTree
    domain: BatchDomain
    leaves: list[BatchLeaf]

    def proof(self, leaf: BatchLeaf) -> list[bytes]:
        return [bytes.fromhex(p[2:]) for p in self.tree.get_proof(leaf.value(self.domain))]


def submit_batch(
    coop: Coop,
    entries: list[tuple[str, bytes, int]],
    manifest_seed: bytes,
    rejected: int = 0,
    pool_id: int = 1,
) -> SubmittedBatch:
    """``entries`` (contributor, cid, weight) submitted as one batch of the development curator's
    reviews, straight to the registry from the development aggregator (granted its role)."""
    registry = coop.c["ContributionRegistry"]
    role = registry.functions.AGGREGATOR_ROLE().call()
    coop.as_timelock(registry.functions.grantRole(role, ADDRESSES[Role.AGGREGATOR]))
    domain = BatchDomain(coop.w3.eth.chain_id, coop.c["RevenueDistributor"].address, pool_id)
    leaves = with_ordinals(entries)
    tree = batch_tree(domain, leaves)
    submit = registry.functions.submitBatch(
        pool_id,
        ADDRESSES[CURATOR],
        bytes.fromhex(tree.root[2:]),
        len(leaves),
        sum(leaf.weight for leaf in leaves),
        rejected,
        raw_cid(manifest_seed),
    )
    send(coop.w3, submit, ADDRESSES[Role.AGGREGATOR])
    return SubmittedBatch(int(registry.functions.batchCount().call()), tree, domain, leaves)


def coop_with_aggregator(context: Any) -> Coop:
    """The cooperative, with the development aggregator granted AGGREGATOR_ROLE."""
    coop = Coop(context.chain.w3, context.chain.contracts)
    registry = coop.c["ContributionRegistry"]
    role = registry.functions.AGGREGATOR_ROLE().call()
    coop.as_timelock(registry.functions.grantRole(role, ADDRESSES[Role.AGGREGATOR]))
    return coop
