"""What a relayer, a member or an outsider might try with the forwarder, refused."""

import brownie
import pytest
from brownie import chain
from hexbytes import HexBytes


@pytest.fixture
def submit_data(registry, cid):
    return registry.submit.encode_input(1, cid("attack"))


def _with_field(request, index, value):
    altered = list(request)
    altered[index] = value
    return altered


@pytest.mark.parametrize(
    ("field", "index"), [("from", 0), ("gas", 3), ("data", 5)], ids=["from", "gas", "data"]
)
def test_an_altered_request_is_refused(
    forwarder,
    registry,
    member,
    other_member,
    gas_relayer,
    submit_data,
    signed_request,
    cid,
    field,
    index,
):
    request = signed_request(member, registry, submit_data)
    value = {
        "from": other_member.address,
        "gas": request[3] + 1,
        "data": HexBytes(registry.submit.encode_input(1, cid("other"))),
    }[field]
    with brownie.reverts(revert_pattern=r"ERC2771ForwarderInvalidSigner: .*"):
        forwarder.execute(_with_field(request, index, value), {"from": gas_relayer})


def test_a_request_signed_by_another_account_is_refused(
    forwarder, registry, member, other_member, gas_relayer, submit_data, signed_request
):
    forged = signed_request(member, registry, submit_data, signed_by=other_member)
    with brownie.reverts(
        f"ERC2771ForwarderInvalidSigner: {other_member.address.lower()}, {member.address.lower()}"
    ):
        forwarder.execute(forged, {"from": gas_relayer})


def test_a_replayed_request_is_refused(
    forwarder, registry, member, gas_relayer, submit_data, signed_request
):
    request = signed_request(member, registry, submit_data)
    forwarder.execute(request, {"from": gas_relayer})
    with brownie.reverts(revert_pattern=r"ERC2771ForwarderInvalidSigner: .*"):
        forwarder.execute(request, {"from": gas_relayer})


def test_an_expired_request_is_refused(
    forwarder, registry, member, gas_relayer, submit_data, signed_request
):
    deadline = chain[-1].timestamp - 1
    request = signed_request(member, registry, submit_data, deadline=deadline)
    with brownie.reverts(f"ERC2771ForwarderExpiredRequest: {deadline}"):
        forwarder.execute(request, {"from": gas_relayer})


def test_gas_above_the_limit_is_refused(
    forwarder, registry, member, gas_relayer, submit_data, signed_request
):
    request = signed_request(member, registry, submit_data, gas=1_000_001)
    with brownie.reverts("LumbungForwarderGasAboveLimit: 1000001, 1000000"):
        forwarder.execute(request, {"from": gas_relayer})


def test_a_target_that_does_not_trust_the_forwarder_is_refused(
    forwarder, market, member, gas_relayer, signed_request
):
    request = signed_request(member, market, market.purchase.encode_input(1, 0, 1))
    with brownie.reverts(
        f"ERC2771UntrustfulTarget: {market.address.lower()}, {forwarder.address.lower()}"
    ):
        forwarder.execute(request, {"from": gas_relayer})


def test_an_address_appended_by_another_caller_is_not_believed(
    registry, member, other_member, outsider, submit_data
):
    forged = HexBytes(submit_data) + HexBytes(member.address)
    tx = other_member.transfer(registry, 0, data=forged)
    assert tx.events["ContributionSubmitted"]["contributor"] == other_member
    contribution_id = tx.events["ContributionSubmitted"]["id"]
    revoke = HexBytes(registry.revoke.encode_input(contribution_id)) + HexBytes(
        other_member.address
    )
    with brownie.reverts(revert_pattern=r"ContributionRegistryNotContributor: .*"):
        outsider.transfer(registry, 0, data=revoke)


def test_a_direct_multicall_cannot_impersonate(registry, member, other_member, submit_data):
    forged = HexBytes(submit_data) + HexBytes(member.address)
    tx = registry.multicall([forged], {"from": other_member})
    assert tx.events["ContributionSubmitted"]["contributor"] == other_member


def test_a_relayed_multicall_cannot_impersonate(
    registry, member, other_member, relay, submit_data, cid
):
    own = registry.submit.encode_input(1, cid("own"))
    forged = HexBytes(submit_data) + HexBytes(other_member.address)
    tx = relay(member, registry, registry.multicall.encode_input([own, forged]))
    assert [e["contributor"] for e in tx.events["ContributionSubmitted"]] == [member, member]
