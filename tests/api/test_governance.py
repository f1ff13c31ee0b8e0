"""Proposals served from the indexer agree with CoopGovernor: state, tallies, quorums, deadline."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import index_until_head
from lumbung.protocol import (
    CLASS_NAMES,
    ProposalState,
    StakeholderClass,
    VoteType,
    signed_description,
)
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD, send


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def served(client: TestClient, context: Context, proposal_id: int) -> dict:
    index_until_head(context)
    response = client.get(f"/v1/governance/proposals/{proposal_id}")
    assert response.status_code == 200, response.text
    return response.json()


def assert_matches_chain(coop: Coop, body: dict, proposal_id: int) -> None:
    governor = coop.c["CoopGovernor"].functions
    assert body["state"] == ProposalState(governor.state(proposal_id).call()).label
    assert body["vote_start"] == governor.proposalSnapshot(proposal_id).call()
    assert body["vote_end"] == governor.proposalDeadline(proposal_id).call()
    weights, quorums = governor.proposalClassRules(proposal_id).call()
    assert body["class_weights"] == list(weights)
    assert body["class_quorums"] == list(quorums)
    for c, tally in enumerate(body["tallies"]):
        assert tally["stakeholder_class"] == CLASS_NAMES[c]
        for_votes, against, abstain, voters, members, reached = governor.proposalClassTally(
            proposal_id, c
        ).call()
        assert (
            tally["for"],
            tally["against"],
            tally["abstain"],
            tally["voters"],
            tally["members"],
            tally["quorum_reached"],
        ) == (for_votes, against, abstain, voters, members, reached), CLASS_NAMES[c]
        # The quorum in voters: the least count that the governor's rule counts as reached.
        needed, asked = tally["voters_needed"], members * quorums[c]
        assert needed * 10_000 >= asked and (needed == 0 or (needed - 1) * 10_000 < asked)


def test_a_proposal_from_creation_to_execution(
    client: TestClient, context: Context, coop: Coop
) -> None:
    market = coop.c["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    description = "Strike: no sales until the buyers sign the new license"
    proposal_id = coop.propose(STEWARD, [call], description)

    body = served(client, context, proposal_id)
    assert body["id"] == str(proposal_id)
    assert body["proposer"] == ADDRESSES[STEWARD]
    assert body["text"] == description
    assert body["description"] == signed_description(description, ADDRESSES[STEWARD])
    assert body["actions"] == [{"target": market.address, "value": "0", "calldata": call[1]}]
    assert body["state"] == "pending"
    assert_matches_chain(coop, body, proposal_id)

    coop.advance(61)
    # After the snapshot: neither counted nor allowed to vote.
    coop.admit(6, StakeholderClass.FUNDER)
    body = served(client, context, proposal_id)
    assert body["state"] == "active"
    assert_matches_chain(coop, body, proposal_id)

    coop.vote(STEWARD, proposal_id, VoteType.FOR, n=3)
    coop.vote(CURATOR, proposal_id, VoteType.AGAINST, n=2)
    coop.vote(PRODUCER, proposal_id, VoteType.FOR, n=1)
    body = served(client, context, proposal_id)
    assert [t["for"] for t in body["tallies"]] == [1, 0, 0, 3]
    assert [t["against"] for t in body["tallies"]] == [0, 0, 2, 0]
    assert [t["members"] for t in body["tallies"]] == [1, 0, 1, 1]
    assert_matches_chain(coop, body, proposal_id)

    coop.advance(601)
    body = served(client, context, proposal_id)
    assert body["state"] == "succeeded"  # (1 + 0 + 1) of 3 equally weighted classes
    assert_matches_chain(coop, body, proposal_id)

    governor = coop.c["CoopGovernor"]
    assert body["description_hash"] == "0x" + Web3.keccak(text=body["description"]).hex()
    args = ([call[0]], [0], [call[1]], bytes.fromhex(body["description_hash"][2:]))
    send(coop.w3, governor.functions.queue(*args), ADDRESSES[STEWARD])
    body = served(client, context, proposal_id)
    assert body["state"] == "queued"
    assert_matches_chain(coop, body, proposal_id)

    coop.advance(121)
    send(coop.w3, governor.functions.execute(*args), ADDRESSES[STEWARD])
    body = served(client, context, proposal_id)
    assert body["state"] == "executed"
    assert_matches_chain(coop, body, proposal_id)
    assert all(pool["strike_active"] for pool in client.get("/v1/pools").json())
    assert [p["id"] for p in client.get("/v1/governance/proposals").json()] == [str(proposal_id)]


def test_quorum_per_class_and_the_late_quorum_extension(
    client: TestClient, context: Context, coop: Coop
) -> None:
    coop.admit(6, StakeholderClass.FUNDER)
    coop.advance(2)
    market = coop.c["DataMarket"]
    call = (market.address, market.functions.setPrice(1, 1_000_000)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Cheaper rice-field photos")
    coop.advance(61)
    coop.vote(STEWARD, proposal_id, VoteType.FOR, n=5)
    coop.vote(CURATOR, proposal_id, VoteType.FOR, n=1)
    coop.vote(PRODUCER, proposal_id, VoteType.ABSTAIN, n=1)
    body = served(client, context, proposal_id)
    assert [t["quorum_reached"] for t in body["tallies"]] == [True, False, True, True]
    assert_matches_chain(coop, body, proposal_id)

    # The funder reaches the last quorum 30 s before the deadline: voting is extended.
    deadline = body["vote_end"]
    coop.advance(deadline - coop.now() - 30)
    coop.vote(6, proposal_id, VoteType.AGAINST, n=2)
    body = served(client, context, proposal_id)
    assert body["vote_end"] > deadline
    assert_matches_chain(coop, body, proposal_id)
    coop.advance(60)  # past the original deadline, within the extension
    body = served(client, context, proposal_id)
    assert body["state"] == "active"
    assert_matches_chain(coop, body, proposal_id)

    coop.advance(200)
    body = served(client, context, proposal_id)
    # producer abstained (0), funder against (0), worker and steward for: 2 of 4 is not > 1/2.
    assert body["state"] == "defeated"
    assert_matches_chain(coop, body, proposal_id)


def test_unknown_and_malformed_proposal_ids(client: TestClient, context: Context) -> None:
    index_until_head(context)
    missing = client.get("/v1/governance/proposals/12345")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    malformed = client.get("/v1/governance/proposals/0xabc")
    assert malformed.status_code == 422
    assert malformed.json()["type"] == "https://lumbung.coop/problems/invalid-input"


def test_an_expel_only_proposal_leaves_the_named_members_out_of_the_quorum(
    client: TestClient, context: Context, coop: Coop
) -> None:
    """The API's tally mirrors CoopGovernor's liveness rule: a lost key in the funders' class
    (its only member) would stop every proposal; the proposal that expels it passes without it."""
    coop.admit(6, StakeholderClass.FUNDER)  # a funder whose key is lost: it never votes
    coop.admit(7, StakeholderClass.FUNDER)
    membership = coop.c["Membership"]
    expel = membership.functions.expel(ADDRESSES[6])._encode_transaction_data()
    proposal_id = coop.propose(STEWARD, [(membership.address, expel)], "Expel a lost key")
    coop.advance(61)
    for voter in (STEWARD, CURATOR, PRODUCER, 7):
        coop.vote(voter, proposal_id, VoteType.FOR)
    body = served(client, context, proposal_id)
    assert body["tallies"][StakeholderClass.FUNDER]["members"] == 1  # 2 funders, 1 left out
    assert_matches_chain(coop, body, proposal_id)
    coop.advance(601)
    body = served(client, context, proposal_id)
    assert body["state"] == "succeeded"
    assert_matches_chain(coop, body, proposal_id)
