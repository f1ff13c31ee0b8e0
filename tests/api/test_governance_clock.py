"""What the dApp needs to open voting by the clock on an idle chain: the members a pending
proposal's snapshot will count (as far as the indexer knows them), the time the state is as of,
and the timelock's eta once queued."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import index_until_head
from lumbung.protocol import StakeholderClass, VoteType
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


def test_a_pending_proposal_tells_the_members_its_snapshot_will_count(
    client: TestClient, context: Context, coop: Coop
) -> None:
    coop.admit(6, StakeholderClass.FUNDER)
    coop.advance(2)
    market = coop.c["DataMarket"]
    call = (market.address, market.functions.setPrice(1, 2_000_000)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Dearer rice-field photos")

    body = served(client, context, proposal_id)
    assert body["state"] == "pending"
    assert body["indexed_time"] == coop.now()
    assert body["indexed_time"] < body["vote_start"] < body["vote_end"]
    assert body["eta"] is None
    assert body["created_block"] == coop.w3.eth.block_number
    # The governor counts no members yet; the snapshot will count these (nothing else changes
    # on an idle chain), and its quorum in voters with them.
    assert [t["members"] for t in body["tallies"]] == [0, 0, 0, 0]
    assert [t["members_at_snapshot"] for t in body["tallies"]] == [1, 1, 1, 1]
    for c, tally in enumerate(body["tallies"]):
        quorum = body["class_quorums"][c]
        assert tally["voters_needed_at_snapshot"] == -(-tally["members_at_snapshot"] * quorum
                                                       // 10_000)

    coop.advance(61)
    body = served(client, context, proposal_id)
    assert body["state"] == "active"
    assert [t["members"] for t in body["tallies"]] == [
        t["members_at_snapshot"] for t in body["tallies"]]
    assert [t["voters_needed"] for t in body["tallies"]] == [
        t["voters_needed_at_snapshot"] for t in body["tallies"]]

    for voter in (STEWARD, CURATOR, PRODUCER, 6):
        coop.vote(voter, proposal_id, VoteType.FOR)
    coop.advance(601)
    body = served(client, context, proposal_id)
    assert body["state"] == "succeeded"
    governor = coop.c["CoopGovernor"]
    args = ([call[0]], [0], [call[1]], bytes.fromhex(body["description_hash"][2:]))
    send(coop.w3, governor.functions.queue(*args), ADDRESSES[STEWARD])
    body = served(client, context, proposal_id)
    assert body["state"] == "queued"
    assert body["eta"] == governor.functions.proposalEta(proposal_id).call()
    assert body["eta"] > body["indexed_time"]


def test_members_who_join_after_the_snapshot_are_not_counted(
    client: TestClient, context: Context, coop: Coop
) -> None:
    market = coop.c["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Strike")
    coop.advance(61)
    coop.admit(6, StakeholderClass.FUNDER)  # after the snapshot
    body = served(client, context, proposal_id)
    funders = body["tallies"][StakeholderClass.FUNDER]
    assert funders["members"] == funders["members_at_snapshot"] == 0


def test_a_pending_expel_only_proposal_counts_without_the_named_member(
    client: TestClient, context: Context, coop: Coop
) -> None:
    coop.admit(6, StakeholderClass.FUNDER)  # a lost key
    coop.admit(7, StakeholderClass.FUNDER)
    membership = coop.c["Membership"]
    expel = membership.functions.expel(ADDRESSES[6])._encode_transaction_data()
    proposal_id = coop.propose(STEWARD, [(membership.address, expel)], "Expel a lost key")
    body = served(client, context, proposal_id)
    assert body["state"] == "pending"
    funders = body["tallies"][StakeholderClass.FUNDER]
    assert (funders["members"], funders["members_at_snapshot"]) == (0, 1)
    coop.advance(61)
    body = served(client, context, proposal_id)
    funders = body["tallies"][StakeholderClass.FUNDER]
    assert funders["members"] == funders["members_at_snapshot"] == 1
