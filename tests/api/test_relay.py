"""The gas relay on a real Anvil: members' actions sent and paid for by the gas relayer, each
credited to the member who signed it, and shown in ``/v1/relay/transactions`` and the ledger."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import index_until_head
from lumbung.devchain import KEYS, Role
from lumbung.protocol import DEV_GAS_RELAYER_KEY, ContributionStatus, VoteType, contribution_id
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD
from tests.api.relay_helpers import GAS_RELAYER, RelayerState, forward_body, vote_body

NEWCOMER = Role.NEWCOMER
BUYER = 6


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def cid_of(seed: bytes) -> tuple[bytes, bytes]:
    """(CIDv1 raw over sha256(seed), the digest)."""
    digest = hashlib.sha256(seed).digest()
    return bytes([0x01, 0x55, 0x12, 0x20]) + digest, digest


def relayed(client: TestClient, body: dict) -> dict:
    response = client.post("/v1/relay", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["status"] == "success"
    return result


def test_the_dev_gas_relayer_is_anvils_account_9():
    assert DEV_GAS_RELAYER_KEY.removeprefix("0x") == KEYS[Role.GAS_RELAYER].removeprefix("0x")
    assert GAS_RELAYER == "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"


def test_the_terms_name_the_domain_the_limits_and_what_is_relayed(client, contracts, w3):
    producer = ADDRESSES[PRODUCER]
    response = client.get("/v1/relay", params={"account": producer.lower()})
    assert response.status_code == 200, response.text
    body = response.json()
    forwarder = contracts["Forwarder"].address
    assert body["forwarder"] == forwarder
    assert body["domain"] == {
        "name": "Lumbung Forwarder",
        "version": "1",
        "chainId": w3.eth.chain_id,
        "verifyingContract": forwarder,
    }
    assert body["limits"] == {"quota": 100, "period_s": 7 * 24 * 3600, "max_gas": 1_000_000}
    account = body["account"]
    assert (account["address"], account["used"], account["left"], account["nonce"]) == (
        producer,
        0,
        100,
        0,
    )
    assert account["period_ends_at"] % (7 * 24 * 3600) == 0
    assert body["relayer"]["address"] == GAS_RELAYER
    assert int(body["relayer"]["balance_wei"]) == w3.eth.get_balance(GAS_RELAYER)
    assert body["relayer"]["days_left"] is None  # nothing spent yet
    actions = {(a["kind"], a["contract"], a["function"]) for a in body["actions"]}
    assert ("forward", "ContributionRegistry", "submit") in actions
    assert ("forward", "RevenueDistributor", "claim") in actions
    assert ("forward", "Membership", "leave") in actions
    assert ("vote", "CoopGovernor", "castVoteBySig") in actions
    assert ("join", "Membership", "join") in actions
    assert not any(a["contract"] in ("DataMarket", "PaymentToken") for a in body["actions"])
    assert client.get("/v1/relay").json()["account"] is None


def test_a_relayed_submit_credits_the_signer_and_is_on_the_books(
    client: TestClient, context: Context, contracts, w3
):
    registry = contracts["ContributionRegistry"]
    cid, digest = cid_of(b"relayed photo")
    before = RelayerState.of(w3)
    producer_balance = w3.eth.get_balance(ADDRESSES[PRODUCER])
    body = forward_body(w3, contracts, PRODUCER, registry.functions.submit(1, cid))
    result = relayed(client, body)

    key = contribution_id(ADDRESSES[PRODUCER], digest)
    contributor, pool_id, _, _ = registry.functions.contribution(key).call()
    assert (contributor, pool_id) == (ADDRESSES[PRODUCER], 1)  # the signer, not the relayer
    receipt = w3.eth.get_transaction_receipt(result["tx_hash"])
    assert receipt["from"] == GAS_RELAYER
    cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert result == {
        "tx_hash": result["tx_hash"],
        "status": "success",
        "gas_used": receipt["gasUsed"],
        "cost_wei": str(cost),
        "action": "ContributionRegistry.submit",
        "account": ADDRESSES[PRODUCER],
    }
    after = RelayerState.of(w3)
    assert (after.nonce, after.balance) == (before.nonce + 1, before.balance - cost)
    assert w3.eth.get_balance(ADDRESSES[PRODUCER]) == producer_balance  # the member paid nothing

    (row,) = client.get("/v1/relay/transactions", params={"account": ADDRESSES[PRODUCER]}).json()
    assert row["account"] == ADDRESSES[PRODUCER]
    assert (row["kind"], row["action"], row["target"]) == (
        "forward",
        "ContributionRegistry.submit",
        registry.address,
    )
    assert row["selector"] == body["request"]["data"][:10]
    assert (row["tx_hash"], row["block"], row["gas_used"]) == (
        result["tx_hash"],
        receipt["blockNumber"],
        receipt["gasUsed"],
    )
    assert row["effective_gas_price_wei"] == str(receipt["effectiveGasPrice"])
    assert (row["cost_wei"], row["status"]) == (str(cost), "success")
    assert client.get("/v1/relay/transactions", params={"account": ADDRESSES[CURATOR]}).json() == []

    terms = client.get("/v1/relay", params={"account": ADDRESSES[PRODUCER]}).json()
    assert (terms["account"]["used"], terms["account"]["left"]) == (1, 99)
    assert terms["account"]["nonce"] == 1
    assert terms["relayer"]["spent_wei_7d"] == str(cost)
    assert terms["relayer"]["burn_wei_per_day"] == str(cost // 7)

    index_until_head(context)
    ledger = client.get("/v1/ledger")
    assert ledger.status_code == 200, ledger.text
    assert ledger.json()["relay"] == {
        "count": 1,
        "gas_used": receipt["gasUsed"],
        "cost_wei": str(cost),
        "float_balance_wei": str(after.balance),
        "burn_wei_per_day": str(cost // 7),
    }


def test_the_relayer_gives_a_forwarded_call_the_whole_gas_it_was_signed_for(
    client, contracts, w3
):
    """Estimated on the last block, a call can need more in the next (a fresh checkpoint for a
    later timestamp: a relayed leave once reverted so); the transaction carries the signed
    budget on top of the estimate, so the forwarder can always pass it on whole."""
    call = contracts["RevenueDistributor"].functions.claim(1)
    body = forward_body(w3, contracts, PRODUCER, call)
    result = relayed(client, body)
    tx = w3.eth.get_transaction(result["tx_hash"])
    assert tx["gas"] >= body["request"]["gas"] + result["gas_used"]


def test_a_relayed_multicall_credits_the_signer_for_every_call(client, contracts, w3):
    registry = contracts["ContributionRegistry"]
    (cid1, digest1), (cid2, digest2) = cid_of(b"first of two"), cid_of(b"second of two")
    calls = [registry.encode_abi("submit", args=[1, cid]) for cid in (cid1, cid2)]
    relayed(client, forward_body(w3, contracts, PRODUCER, registry.functions.multicall(calls)))
    for digest in (digest1, digest2):
        key = contribution_id(ADDRESSES[PRODUCER], digest)
        assert registry.functions.contribution(key).call()[0] == ADDRESSES[PRODUCER]


def test_a_relayed_claim_pays_the_signer(client, contracts, coop: Coop, w3):
    key, _ = coop.submit(PRODUCER, 1, b"sold photo")
    coop.accept(key, 1)
    coop.buy(BUYER, 1)
    distributor, token = contracts["RevenueDistributor"], contracts["PaymentToken"]
    owed = distributor.functions.claimable(1, ADDRESSES[PRODUCER]).call()
    assert owed > 0
    held = token.functions.balanceOf(ADDRESSES[PRODUCER]).call()
    result = relayed(client, forward_body(w3, contracts, PRODUCER, distributor.functions.claim(1)))
    assert result["action"] == "RevenueDistributor.claim"
    assert token.functions.balanceOf(ADDRESSES[PRODUCER]).call() == held + owed
    assert token.functions.balanceOf(GAS_RELAYER).call() == 0


def test_a_relayed_curation_and_leave_act_as_their_signers(client, contracts, coop: Coop, w3):
    registry, membership = contracts["ContributionRegistry"], contracts["Membership"]
    key, _ = coop.submit(PRODUCER, 2, b"to curate")
    relayed(client, forward_body(w3, contracts, CURATOR, registry.functions.accept(key, 2)))
    status, weight = registry.functions.contribution(key).call()[2:]
    assert (status, weight) == (ContributionStatus.ACCEPTED, 2)
    relayed(client, forward_body(w3, contracts, PRODUCER, membership.functions.leave()))
    assert not membership.functions.isMember(ADDRESSES[PRODUCER]).call()


def test_a_relayed_vote_counts_for_the_voter(client, contracts, coop: Coop, w3):
    governor, market = contracts["CoopGovernor"], contracts["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Strike until the buyers sign")
    coop.advance(61)
    result = relayed(client, vote_body(w3, contracts, PRODUCER, proposal_id, VoteType.FOR))
    assert (result["action"], result["account"]) == (
        "CoopGovernor.castVoteBySig",
        ADDRESSES[PRODUCER],
    )
    assert governor.functions.hasVoted(proposal_id, ADDRESSES[PRODUCER]).call()
    assert not governor.functions.hasVoted(proposal_id, GAS_RELAYER).call()
    with_reason = vote_body(w3, contracts, CURATOR, proposal_id, VoteType.AGAINST, "too soon")
    result = relayed(client, with_reason)
    assert result["action"] == "CoopGovernor.castVoteWithReasonAndParamsBySig"
    assert governor.functions.hasVoted(proposal_id, ADDRESSES[CURATOR]).call()
    # Votes are counted from the relay's own records, in the same quota.
    terms = client.get("/v1/relay", params={"account": ADDRESSES[PRODUCER]}).json()
    assert terms["account"]["used"] == 1


def test_a_relayed_join_admits_the_newcomer_once(client, contracts, w3):
    membership = contracts["Membership"]
    voucher = client.post(
        "/v1/dev/vouchers", json={"address": ADDRESSES[NEWCOMER], "stakeholder_class": "funder"}
    ).json()
    body = {"kind": "join", "voucher": voucher, "signature": voucher["signature"]}
    result = relayed(client, body)
    assert (result["action"], result["account"]) == ("Membership.join", ADDRESSES[NEWCOMER])
    assert membership.functions.isMember(ADDRESSES[NEWCOMER]).call()
    before = RelayerState.of(w3)
    again = client.post("/v1/relay", json=body)
    assert again.status_code == 409, again.text
    assert again.json()["type"].endswith("/relay-replayed")
    assert RelayerState.of(w3) == before
