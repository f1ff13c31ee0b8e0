"""Every member and curator action relayed through the forwarder credits the request's signer,
never the relayer, and counts against the signer's quota."""

import pytest

from lumbung.protocol import ContributionStatus as Status

USD = 10**6


@pytest.fixture
def submitted(registry, member, relay, cid):
    """A contribution the member submitted through the forwarder: its id."""
    tx = relay(member, registry, registry.submit.encode_input(1, cid("relayed")))
    return tx.events["ContributionSubmitted"]["id"]


def test_relayed_submit_credits_the_signer(registry, forwarder, member, gas_relayer, cid, relay):
    tx = relay(member, registry, registry.submit.encode_input(1, cid("relayed")))
    assert tx.sender == gas_relayer
    submitted = tx.events["ContributionSubmitted"]
    assert submitted["contributor"] == member
    assert registry.contribution(submitted["id"])[0] == member
    assert tx.events["ExecutedForwardRequest"] == {"signer": member, "nonce": 0, "success": True}
    assert forwarder.nonces(member) == 1
    assert forwarder.relaysUsed(member)[0] == 1
    assert forwarder.relaysLeft(member) == 99


def test_relayed_revoke_is_the_contributors(registry, member, submitted, relay):
    tx = relay(member, registry, registry.revoke.encode_input(submitted))
    assert tx.events["ContributionRevoked"]["contributor"] == member
    assert registry.contribution(submitted)[2] == Status.REVOKED


def test_relayed_accept_and_reject_are_the_curators(
    registry, distributor, curator, member, submitted, relay, cid
):
    tx = relay(curator, registry, registry.accept.encode_input(submitted, 5))
    assert tx.events["ContributionAccepted"]["curator"] == curator
    assert distributor.unitsOf(1, member) == 5
    assert distributor.unitsOf(distributor.WORK_POT(), curator) > 0
    other = registry.submit(1, cid("other"), {"from": member}).return_value
    tx = relay(curator, registry, registry.reject.encode_input(other, "blurred"))
    assert tx.events["ContributionRejected"]["curator"] == curator
    assert registry.contribution(other)[2] == Status.REJECTED


def test_relayed_claim_pays_the_signer(
    registry, distributor, usd, deployer, curator, member, gas_relayer, submitted, relay
):
    registry.accept(submitted, 5, {"from": curator})
    distributor.grantRole(distributor.DEPOSITOR_ROLE(), deployer, {"from": deployer})
    usd.mint(distributor, 10 * USD, {"from": deployer})
    distributor.deposit(1, 10 * USD, {"from": deployer})
    owed = distributor.claimable(1, member)
    assert owed > 0
    tx = relay(member, distributor, distributor.claim.encode_input(1))
    assert tx.events["RevenueClaimed"] == {"potId": 1, "account": member, "amount": owed}
    assert usd.balanceOf(member) == owed
    assert usd.balanceOf(gas_relayer) == 0


def test_relayed_leave_is_the_signers(registry, membership, member, other_member, relay):
    tx = relay(member, membership, membership.leave.encode_input())
    assert tx.events["MemberLeft"]["member"] == member
    assert not membership.isMember(member)
    assert membership.isMember(other_member)


def test_relayed_multicall_keeps_the_signer(registry, member, relay, cid):
    calls = [registry.submit.encode_input(1, cid(seed)) for seed in ("a", "b")]
    tx = relay(member, registry, registry.multicall.encode_input(calls))
    assert [e["contributor"] for e in tx.events["ContributionSubmitted"]] == [member, member]
