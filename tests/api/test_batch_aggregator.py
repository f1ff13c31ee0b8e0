"""The batch path end to end on a real chain: consent, review, the aggregator's batch submitted
on-chain, the curator's relayed acceptance, the indexer's stages, a purchase, and the member's
claim with the proofs the API serves; the aggregator's crash safety and its curation room."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.context import Context
from api.indexer import index_until_head, rebuild_all
from api.indexer.projections import dump
from api.models import AggregatedBatch, AggregateState, BatchEntry
from api.services.batching import aggregator as aggregator_module
from api.services.batching import manifest as mf
from api.services.batching.aggregator import Aggregator, CrashPoint
from api.services.batching.holdings import ACTIVATION_CHUNK
from lumbung.devchain import Role
from lumbung.merkle import BatchDomain, BatchLeaf, StandardMerkleTree, batch_tree
from tests.api.batch_helpers import coop_with_aggregator, give_consent, give_review, uploaded
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, ONE_DATABASE, PRODUCER, STEWARD, send
from tests.api.identity_helpers import login
from tests.api.relay_helpers import forward_body

BUYER = 8
USD = 10**6


class SimulatedCrash(BaseException):
    """Raised at a crash point: everything committed stays, nothing after it runs."""


def crash_at(wanted: CrashPoint) -> Any:
    def hook(point: CrashPoint) -> None:
        if point is wanted:
            raise SimulatedCrash(point)

    return hook


@pytest.fixture
def coop(context: Context) -> Coop:
    return coop_with_aggregator(context)


def reviewed_uploads(client: TestClient, reviews: list[tuple[int, bytes, int, str]]) -> list[str]:
    """Uploads, consents and reviews (as the curator) each (member, data, weight, reason)."""
    curator = login(client, CURATOR)
    ids = []
    for member, data, weight, reason in reviews:
        headers = login(client, member)
        contribution_id = uploaded(client, headers, 1, data)
        assert give_consent(client, headers, contribution_id, member).status_code == 200
        assert (
            give_review(client, curator, contribution_id, CURATOR, weight, reason).status_code
            == 201
        )
        ids.append(contribution_id)
    return ids


def relayed(
    client: TestClient, coop: Coop, account: int, function: Any, gas: int = 600_000
) -> None:
    """``account`` signs ``function`` as a ForwardRequest and the API's gas relay sends it."""
    body = forward_body(coop.w3, coop.c, account, function, gas=gas)
    response = client.post("/v1/relay", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "success"


def stage(client: TestClient, member: int, contribution_id: str) -> str:
    headers = login(client, member)
    body = client.get(f"/v1/contributions/{contribution_id}/stage", headers=headers).json()
    return str(body["stage"])


def leaf_args(leaves: list[dict[str, Any]]) -> list[tuple[int, int, bytes]]:
    return [(x["ordinal"], x["weight"], bytes.fromhex(x["cid"][2:])) for x in leaves]


def proof_args(proof: list[str]) -> list[bytes]:
    return [bytes.fromhex(p[2:]) for p in proof]


def test_a_reviewed_contribution_is_batched_accepted_earns_and_is_claimed(
    client: TestClient, context: Context, coop: Coop
) -> None:
    photo, blurred, diary = reviewed_uploads(
        client,
        [
            (PRODUCER, b"plot 7 yields", 7, ""),
            (PRODUCER, b"a blurry photo", 0, "out of focus"),
            (STEWARD, b"mobility diary", 3, ""),
        ],
    )
    registry, distributor = coop.c["ContributionRegistry"], coop.c["RevenueDistributor"]
    assert Aggregator(context).run_once() == 1
    assert Aggregator(context).run_once() == 0  # nothing left to batch
    with context.sessions() as session:
        (batch,) = session.scalars(select(AggregatedBatch)).all()
        assert (batch.state, batch.batch_id, batch.count, batch.total_weight, batch.rejected) == (
            AggregateState.SUBMITTED,
            1,
            2,
            10,
            1,
        )
        manifest = b"".join(context.ipfs.cat(batch.manifest_cid))
    on_chain = registry.functions.batch(1).call()
    assert on_chain[2] == bytes.fromhex(batch.root[2:]) and on_chain[3:5] == [2, 1]
    assert on_chain[6] == ADDRESSES[CURATOR]
    document = json.loads(manifest)
    assert document["format"] == "lumbung-batch-v1" and document["root"] == batch.root
    assert StandardMerkleTree.load(document["tree"]).root == batch.root
    rejection = [e for e in document["entries"] if "ordinal" not in e]
    assert [e["review"]["reason"] for e in rejection] == ["out of focus"]
    for entry in document["entries"]:  # anyone can check every consent against the registry
        digest = registry.functions.consentDigest(
            1,
            bytes.fromhex(entry["cidHex"][2:]),
            entry["contributor"],
            entry["consent"]["deadline"],
        ).call()
        assert "0x" + digest.hex() == entry["consent"]["digest"]
        signature = bytes.fromhex(entry["consent"]["signature"][2:])
        assert Account._recover_hash(digest, signature=signature) == entry["contributor"]
    index_until_head(context)
    assert stage(client, PRODUCER, photo) == "batched"
    assert stage(client, PRODUCER, blurred) == "reviewed"

    # The curator accepts through the API's gas relay: no ether of their own is spent.
    relayed(client, coop, CURATOR, registry.functions.acceptBatch(1))
    index_until_head(context)
    assert stage(client, PRODUCER, photo) == "earning"
    assert stage(client, STEWARD, diary) == "earning"
    coop.buy(BUYER, 1)
    to_contributors = 25 * USD * 7_000 // 10_000

    producer = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/batches").json()["batches"]
    (mine,) = producer
    assert mine["status"] == "accepted" and mine["claimable"] == str(to_contributors * 7 // 10)
    assert [leaf["stage"] for leaf in mine["leaves"]] == ["earning"]
    unclaimed = mine["unclaimed"]
    token = coop.c["PaymentToken"]
    before = token.functions.balanceOf(ADDRESSES[PRODUCER]).call()
    claim = distributor.functions.claimLeaves(
        1, leaf_args(unclaimed["leaves"]), proof_args(unclaimed["proof"]), unclaimed["proof_flags"]
    )
    relayed(client, coop, PRODUCER, claim)
    assert (
        token.functions.balanceOf(ADDRESSES[PRODUCER]).call() - before == to_contributors * 7 // 10
    )

    # The steward claims one leaf with its single proof, directly.
    (theirs,) = client.get(f"/v1/members/{ADDRESSES[STEWARD]}/batches").json()["batches"]
    leaf = theirs["leaves"][0]
    before = token.functions.balanceOf(ADDRESSES[STEWARD]).call()
    send(
        coop.w3,
        distributor.functions.claimLeaf(1, leaf_args([leaf["leaf"]])[0], proof_args(leaf["proof"])),
        ADDRESSES[STEWARD],
    )
    assert (
        token.functions.balanceOf(ADDRESSES[STEWARD]).call() - before == to_contributors * 3 // 10
    )
    index_until_head(context)
    assert stage(client, PRODUCER, photo) == "claimed"
    (mine,) = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/batches").json()["batches"]
    assert mine["unclaimed"] is None and mine["claimable"] == "0"

    # Activating the leaf's tokens, relayed, with the multiproof of the inactive leaves.
    inactive = mine["inactive"]
    activate = registry.functions.activateLeaves(
        1, leaf_args(inactive["leaves"]), proof_args(inactive["proof"]), inactive["proof_flags"]
    )
    relayed(client, coop, PRODUCER, activate)
    index_until_head(context)
    assert stage(client, PRODUCER, photo) == "active"
    assert coop.c["ContributionToken"].functions.balanceOf(ADDRESSES[PRODUCER]).call() == 7
    # The steward revokes their leaf, directly, with its single proof.
    (theirs,) = client.get(f"/v1/members/{ADDRESSES[STEWARD]}/batches").json()["batches"]
    leaf = theirs["leaves"][0]
    revoke = registry.functions.revokeLeaf(
        1, leaf_args([leaf["leaf"]])[0], proof_args(leaf["proof"])
    )
    send(coop.w3, revoke, ADDRESSES[STEWARD])
    index_until_head(context)
    assert stage(client, STEWARD, diary) == "revoked"
    with context.sessions() as session:
        incremental = dump(session)
    rebuild_all(context)
    with context.sessions() as session:
        assert dump(session) == incremental


@ONE_DATABASE
@pytest.mark.parametrize("point", list(CrashPoint))
def test_a_crash_between_submit_and_record_submits_the_batch_once(
    client: TestClient, context: Context, coop: Coop, point: CrashPoint
) -> None:
    reviewed_uploads(client, [(PRODUCER, b"plot 7 yields", 7, "")])
    with pytest.raises(SimulatedCrash):
        Aggregator(context, crash=crash_at(point)).run_once()
    assert Aggregator(context).run_once() == 1
    assert Aggregator(context).run_once() == 0
    registry = coop.c["ContributionRegistry"]
    assert registry.functions.batchCount().call() == 1
    with context.sessions() as session:
        batches = session.scalars(select(AggregatedBatch)).all()
        assert [(b.state, b.batch_id) for b in batches] == [(AggregateState.SUBMITTED, 1)]
        assert len(session.scalars(select(BatchEntry)).all()) == 1


@ONE_DATABASE
def test_a_members_leaves_are_activated_a_chunk_at_a_time(
    client: TestClient, context: Context, coop: Coop
) -> None:
    """A multiproof of a whole batch's leaves would pass the forwarder's gas limit: the API
    offers at most ACTIVATION_CHUNK inactive leaves per request, each within the forwarder's
    gas limit with a tenth to spare, and the rest next time."""
    count = ACTIVATION_CHUNK + 2
    reviewed_uploads(
        client, [(PRODUCER, f"plot {i}".encode(), 1 + i % 3, "") for i in range(count)]
    )
    assert Aggregator(context).run_once() == 1
    registry = coop.c["ContributionRegistry"]
    coop.relay(CURATOR, registry.functions.acceptBatch(1))
    index_until_head(context)
    activated = 0
    for expected in (ACTIVATION_CHUNK, count - ACTIVATION_CHUNK):
        (mine,) = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/batches").json()["batches"]
        inactive = mine["inactive"]
        assert len(inactive["leaves"]) == expected
        activate = registry.functions.activateLeaves(
            1, leaf_args(inactive["leaves"]), proof_args(inactive["proof"]), inactive["proof_flags"]
        )
        # Within the forwarder's gas limit per request, as the dApp asks for.
        max_gas = coop.c["Forwarder"].functions.relayLimits().call()[2]
        assert activate.estimate_gas({"from": ADDRESSES[PRODUCER]}) < max_gas * 9 // 10
        relayed(client, coop, PRODUCER, activate, gas=max_gas)
        index_until_head(context)
        activated += sum(leaf["weight"] for leaf in inactive["leaves"])
    (mine,) = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/batches").json()["batches"]
    assert mine["inactive"] is None
    token = coop.c["ContributionToken"]
    assert token.functions.balanceOf(ADDRESSES[PRODUCER]).call() == activated
    assert activated == sum(1 + i % 3 for i in range(count))


@ONE_DATABASE
def test_a_batch_sent_before_a_crash_is_found_in_narrow_log_ranges(
    client: TestClient, context: Context, coop: Coop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aggregator looks for the batch it sent in ranges a public node accepts: here one
    block each, over blocks mined after the submission."""
    reviewed_uploads(client, [(PRODUCER, b"plot 7 yields", 7, "")])
    with pytest.raises(SimulatedCrash):
        Aggregator(context, crash=crash_at(CrashPoint.SENT)).run_once()
    for _ in range(3):
        coop.rpc("evm_mine")
    ranges: list[tuple[int, int]] = []
    eth = context.chain.w3.eth
    real_get_logs = eth.get_logs

    def get_logs(params: Any) -> Any:
        ranges.append((int(params["fromBlock"]), int(params["toBlock"])))
        return real_get_logs(params)

    monkeypatch.setattr(aggregator_module, "FIND_LOG_RANGE", 1)
    monkeypatch.setattr(eth, "get_logs", get_logs)
    assert Aggregator(context).run_once() == 1
    assert coop.c["ContributionRegistry"].functions.batchCount().call() == 1
    assert ranges and all(start == end for start, end in ranges)
    with context.sessions() as session:
        (batch,) = session.scalars(select(AggregatedBatch)).all()
        assert (batch.state, batch.batch_id) == (AggregateState.SUBMITTED, 1)


@ONE_DATABASE
def test_a_batch_stays_within_the_curators_curation_room(
    client: TestClient, context: Context, coop: Coop
) -> None:
    registry = coop.c["ContributionRegistry"]
    coop.as_timelock(registry.functions.setCurationCap(2))
    reviewed_uploads(
        client,
        [(PRODUCER, b"one", 1, ""), (PRODUCER, b"two", 2, ""), (STEWARD, b"three", 3, "")],
    )
    assert Aggregator(context).run_once() == 1
    assert Aggregator(context).run_once() == 0  # its pending batch holds the room left
    with context.sessions() as session:
        (batch,) = session.scalars(select(AggregatedBatch)).all()
        assert batch.count + batch.rejected == 2
    coop.relay(CURATOR, registry.functions.acceptBatch(1))  # credited 2 of 2 this epoch
    index_until_head(context)
    assert Aggregator(context).run_once() == 0
    coop.advance(24 * 3600)  # the next curation epoch
    assert Aggregator(context).run_once() == 1


@ONE_DATABASE
def test_a_batch_the_chain_lost_is_submitted_again(
    client: TestClient, context: Context, coop: Coop
) -> None:
    reviewed_uploads(client, [(PRODUCER, b"plot 7 yields", 7, "")])
    before = coop.rpc("evm_snapshot")
    assert Aggregator(context).run_once() == 1
    coop.rpc("evm_revert", before)  # the blocks holding the submission are gone
    registry = coop.c["ContributionRegistry"]
    assert registry.functions.batchCount().call() == 0
    assert Aggregator(context).run_once() == 1
    assert registry.functions.batchCount().call() == 1
    with context.sessions() as session:
        (batch,) = session.scalars(select(AggregatedBatch)).all()
        assert (batch.state, batch.batch_id) == (AggregateState.SUBMITTED, 1)
        assert "0x" + registry.functions.batch(1).call()[2].hex() == batch.root


@ONE_DATABASE
def test_a_rejected_batch_is_assembled_again_and_an_overturned_one_reads_overturned(
    client: TestClient, context: Context, coop: Coop
) -> None:
    (photo,) = reviewed_uploads(client, [(PRODUCER, b"plot 7 yields", 7, "")])
    registry = coop.c["ContributionRegistry"]
    assert Aggregator(context).run_once() == 1
    relayed(client, coop, CURATOR, registry.functions.rejectBatch(1, "assembled wrongly"))
    index_until_head(context)
    assert Aggregator(context).run_once() == 1  # its reviews are free again: batch 2
    with context.sessions() as session:
        states = [(b.state, b.batch_id) for b in session.scalars(select(AggregatedBatch))]
        assert states == [(AggregateState.RELEASED, 1), (AggregateState.SUBMITTED, 2)]
        again = session.scalars(select(AggregatedBatch).where(AggregatedBatch.batch_id == 2)).one()
        assert json.loads(b"".join(context.ipfs.cat(again.manifest_cid)))["supersedes"] == [1]
    relayed(client, coop, CURATOR, registry.functions.acceptBatch(2))
    index_until_head(context)
    assert stage(client, PRODUCER, photo) == "earning"
    coop.as_timelock(registry.functions.overturnBatch(2, "consent withdrawn"))
    index_until_head(context)
    assert stage(client, PRODUCER, photo) == "overturned"


@ONE_DATABASE
def test_the_curator_sees_whether_a_batch_holds_to_its_manifest(
    client: TestClient, context: Context, coop: Coop
) -> None:
    reviewed_uploads(client, [(PRODUCER, b"plot 7 yields", 7, ""), (STEWARD, b"diary", 0, "dup")])
    assert Aggregator(context).run_once() == 1
    # A forged batch: the genuine manifest with the accepted leaf's weight raised to 9, the
    # curator's review signature kept.
    with context.sessions() as session:
        (genuine,) = session.scalars(select(AggregatedBatch)).all()
    document = json.loads(b"".join(context.ipfs.cat(genuine.manifest_cid)))
    leaf_entry = next(e for e in document["entries"] if "ordinal" in e)
    leaf_entry["weight"] = leaf_entry["review"]["weight"] = 9
    forged_leaf = BatchLeaf(
        leaf_entry["contributor"], 0, bytes.fromhex(leaf_entry["cidHex"][2:]), 9
    )
    domain = BatchDomain(context.chain.chain_id, context.chain.distributor.address, 1)
    tree = batch_tree(domain, [forged_leaf])
    document |= {"root": tree.root, "tree": tree.dump(), "totalWeight": 9}
    cid = context.ipfs.add_bytes(mf.manifest_bytes(document), cid_version=1)
    registry = coop.c["ContributionRegistry"]
    forge = registry.functions.submitBatch(
        1, ADDRESSES[CURATOR], bytes.fromhex(tree.root[2:]), 1, 9, 1, bytes(cid)
    )
    send(coop.w3, forge, ADDRESSES[Role.AGGREGATOR])
    index_until_head(context)

    curator = login(client, CURATOR)
    pending = client.get("/v1/curation/batches", headers=curator).json()["batches"]
    assert [(b["batch_id"], b["manifest_check"]["verified"]) for b in pending] == [
        (1, True),
        (2, False),
    ]
    assert any("not the curator's signature" in p for p in pending[1]["manifest_check"]["problems"])
    public = client.get("/v1/batches/1").json()
    assert public["manifest_check"] == {"verified": True, "problems": []}
    assert client.get("/v1/batches/3").status_code == 404
    assert client.get("/v1/curation/batches", headers=login(client, PRODUCER)).status_code == 403
