"""The relay limits: a quota per signer and period, a gas ceiling, set by the admin alone
(the timelock after the deploy), and never in the way of a member acting directly."""

import brownie
from brownie import chain

from tests.contracts.LumbungForwarder.conftest import REQUEST_GAS

WEEK = 7 * 24 * 3600


def test_defaults(forwarder):
    assert tuple(forwarder.relayLimits()) == (100, WEEK, 1_000_000)
    _, name, version, chain_id, verifying_contract, _, _ = forwarder.eip712Domain()
    assert (name, version, chain_id, verifying_contract) == (
        "Lumbung Forwarder",
        "1",
        chain.id,
        forwarder,
    )


def test_the_quota_counts_per_signer_and_period(
    forwarder, registry, deployer, member, other_member, relay, cid
):
    forwarder.setRelayLimits(2, 3600, REQUEST_GAS, {"from": deployer})
    for seed in ("a", "b"):
        relay(member, registry, registry.submit.encode_input(1, cid(seed)))
    assert forwarder.relaysLeft(member) == 0
    with brownie.reverts(f"LumbungForwarderQuotaExceeded: {member.address.lower()}, 2"):
        relay(member, registry, registry.submit.encode_input(1, cid("c")))
    relay(other_member, registry, registry.submit.encode_input(1, cid("d")))  # its own quota
    used, period_start = forwarder.relaysUsed(member)
    assert used == 2
    assert period_start == chain[-1].timestamp // 3600 * 3600
    chain.sleep(3600)
    chain.mine()
    assert forwarder.relaysUsed(member)[0] == 0
    assert forwarder.relaysLeft(member) == 2
    relay(member, registry, registry.submit.encode_input(1, cid("c")))


def test_a_member_can_always_act_directly(forwarder, registry, deployer, member, relay, cid):
    forwarder.setRelayLimits(0, WEEK, REQUEST_GAS, {"from": deployer})  # relaying stopped
    with brownie.reverts(f"LumbungForwarderQuotaExceeded: {member.address.lower()}, 0"):
        relay(member, registry, registry.submit.encode_input(1, cid("a")))
    tx = registry.submit(1, cid("a"), {"from": member})
    assert tx.events["ContributionSubmitted"]["contributor"] == member


def test_a_batch_counts_every_executed_request(
    forwarder, registry, deployer, member, gas_relayer, signed_request, cid
):
    forwarder.setRelayLimits(1, WEEK, REQUEST_GAS, {"from": deployer})
    requests = [
        signed_request(member, registry, registry.submit.encode_input(1, cid(seed)), nonce=n)
        for n, seed in enumerate(("a", "b"))
    ]
    with brownie.reverts(f"LumbungForwarderQuotaExceeded: {member.address.lower()}, 1"):
        forwarder.executeBatch(requests, brownie.ZERO_ADDRESS, {"from": gas_relayer})
    # A non-atomic batch skips an invalid request, which is then not counted.
    expired = signed_request(
        member,
        registry,
        registry.submit.encode_input(1, cid("b")),
        nonce=1,
        deadline=chain[-1].timestamp - 1,
    )
    forwarder.executeBatch([requests[0], expired], gas_relayer, {"from": gas_relayer})
    assert forwarder.relaysUsed(member)[0] == 1


def test_only_the_admin_sets_the_limits(forwarder, deployer, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount: .*"):
        forwarder.setRelayLimits(1, 1, 1, {"from": outsider})
    tx = forwarder.setRelayLimits(10, 3600, 500_000, {"from": deployer})
    assert tx.events["RelayLimitsSet"] == {"quota": 10, "period": 3600, "maxGas": 500_000}
    assert tuple(forwarder.relayLimits()) == (10, 3600, 500_000)


def test_the_limits_are_bounded(forwarder, deployer):
    for period, max_gas in ((0, 1), (365 * 24 * 3600 + 1, 1), (3600, 10_000_001)):
        with brownie.reverts(f"LumbungForwarderInvalidLimits: 1, {period}, {max_gas}"):
            forwarder.setRelayLimits(1, period, max_gas, {"from": deployer})


def test_a_lower_gas_limit_applies_to_the_next_request(
    forwarder, registry, deployer, member, relay, cid
):
    forwarder.setRelayLimits(100, WEEK, REQUEST_GAS - 1, {"from": deployer})
    with brownie.reverts(f"LumbungForwarderGasAboveLimit: {REQUEST_GAS}, {REQUEST_GAS - 1}"):
        relay(member, registry, registry.submit.encode_input(1, cid("a")))
