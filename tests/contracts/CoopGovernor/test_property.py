"""Property test: on random electorates, state() agrees with the Python model of the rule.

Setup is batched: plain JSON-RPC transactions from impersonated accounts (Anvil's
auto-impersonation, zero gas price) instead of brownie's per-transaction bookkeeping.
"""

import os
from math import isqrt

import pytest
from brownie import (
    ZERO_ADDRESS,
    ContributionToken,
    CoopGovernor,
    Membership,
    TimelockController,
    chain,
    web3,
)
from brownie.test import given
from hypothesis import event, settings
from hypothesis import strategies as st

from tests.contracts.CoopGovernor.coop_model import coop_succeeds
from tests.contracts.governance_helpers import (
    DEFEATED,
    SUCCEEDED,
    GovernorParams,
    advance_to,
    signed_description,
    votes_param,
)

GAS = 1_000_000
VOTING_DELAY = 5
VOTING_PERIOD = 50


@pytest.fixture(scope="module")
def bare(deployer):
    """Membership, token and timelock with nobody in them (the shared electorate stays out)."""
    membership = Membership.deploy(deployer, ZERO_ADDRESS, {"from": deployer})  # no forwarder
    token = ContributionToken.deploy(deployer, {"from": deployer})
    token.grantRole(token.MINTER_ROLE(), deployer, {"from": deployer})
    timelock = TimelockController.deploy(60, [], [], deployer, {"from": deployer})
    return membership, token, timelock


def _send(sender, contract, function, *args):
    return web3.eth.send_transaction(
        {
            "from": sender,
            "to": contract.address,
            "data": function.encode_input(*args),
            "gas": GAS,
            "gasPrice": 0,
        }
    )


def _assert_mined(hashes):
    # Anvil may return the hash a moment before the automined block exists.
    for tx_hash in hashes:
        receipt = web3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.01)
        assert receipt.status == 1


def _address():
    return web3.to_checksum_address(os.urandom(20))


MIN_WEIGHT, MAX_WEIGHT = 500, 7_000  # CoopGovernor's bounds on a class weight


@st.composite
def weights(draw):
    """Four basis-point weights summing to 10 000, each within the governor's bounds."""
    spare = 10_000 - 4 * MIN_WEIGHT
    cuts = sorted(draw(st.lists(st.integers(0, spare), min_size=3, max_size=3)))
    bounds = [0, *cuts, spare]
    extra = [bounds[i + 1] - bounds[i] for i in range(4)]
    draw(st.just(None).filter(lambda _: max(extra) <= MAX_WEIGHT - MIN_WEIGHT))
    return tuple(MIN_WEIGHT + e for e in extra)


def _random_member(rnd):
    """One member: class, tokens, whether it leaves before the snapshot, its vote, later mints."""
    vote = None
    if rnd.random() < 0.85:  # mostly voting, mostly For, so that both outcomes are common
        vote = (rnd.choice([1, 1, 1, 0, 0, 2]), rnd.random())
    return {
        "cls": rnd.randrange(4),
        "tokens": rnd.choice([0, rnd.randrange(5_000)]),
        "leaves": rnd.random() < 0.1,
        "vote": vote,
        "late_mint": rnd.choice([0, rnd.randrange(10_000)]),
    }


# Hypothesis-controlled randomness: sizes spread evenly over 1..60 (plain st.lists favours tiny
# electorates) and every example stays reproducible.
electorates = st.randoms(use_true_random=False).map(
    lambda rnd: [_random_member(rnd) for _ in range(rnd.randint(1, 60))]
)
quorum = st.sampled_from([0, 2_000, 5_000]) | st.integers(0, 5_000)


@settings(max_examples=40, deadline=None)
@given(
    members=electorates,
    class_weights=weights(),
    class_quorums=st.tuples(quorum, quorum, quorum, quorum),
    base_credits=st.integers(1, 50),
    token_credit_cap=st.sampled_from([0, 100, 10_000]),
    late_joiners=st.lists(st.integers(0, 3), max_size=3),
)
def test_state_agrees_with_model(
    bare,
    deployer,
    members,
    class_weights,
    class_quorums,
    base_credits,
    token_credit_cap,
    late_joiners,
):
    membership, token, timelock = bare
    web3.provider.make_request("anvil_autoImpersonateAccount", [True])
    addresses = [_address() for _ in members]
    hashes = []
    for address, m in zip(addresses, members, strict=True):
        hashes.append(_send(deployer.address, membership, membership.admit, address, m["cls"]))
        if m["tokens"]:
            hashes.append(_send(deployer.address, token, token.mint, address, m["tokens"]))
    _assert_mined(hashes)
    chain.sleep(1)
    params = GovernorParams(
        voting_delay=VOTING_DELAY,
        voting_period=VOTING_PERIOD,
        vote_extension=5,
        epoch_length=1_000_000,  # one epoch, which starts after the mints above
        base_credits=base_credits,
        class_weights=class_weights,
        class_quorums=class_quorums,
        token_credit_cap=token_credit_cap,
    )
    governor = CoopGovernor.deploy(
        membership, token, timelock, params.as_config(), {"from": deployer}
    )
    chain.sleep(1)

    target = [membership.address]
    calldata = [membership.isMember.encode_input(addresses[0])]
    text = signed_description("p", addresses[0])
    _assert_mined([_send(addresses[0], governor, governor.propose, target, [0], calldata, text)])
    proposal_id = governor.hashProposal(target, [0], calldata, web3.keccak(text=text))

    # Before the snapshot: some members leave; after the epoch start: tokens minted.
    hashes = [
        _send(a, membership, membership.leave)
        for a, m in zip(addresses, members, strict=True)
        if m["leaves"]
    ]
    hashes += [
        _send(deployer.address, token, token.mint, a, m["late_mint"])
        for a, m in zip(addresses, members, strict=True)
        if m["late_mint"]
    ]
    _assert_mined(hashes)
    advance_to(governor.proposalSnapshot(proposal_id) + 1)
    # After the snapshot: newcomers join; they change nothing for this proposal.
    _assert_mined(
        [_send(deployer.address, membership, membership.admit, _address(), c) for c in late_joiners]
    )

    ballots = []
    hashes = []
    for address, m in zip(addresses, members, strict=True):
        if m["leaves"] or m["vote"] is None:
            continue
        support, fraction = m["vote"]
        # Tokens only grow after the epoch start, so the start's balance is the smaller one.
        credits = base_credits + min(m["tokens"], token_credit_cap)
        n = 1 + int(fraction * (isqrt(credits) - 1))
        ballots.append((m["cls"], support, n))
        hashes.append(
            _send(
                address,
                governor,
                governor.castVoteWithReasonAndParams,
                proposal_id,
                support,
                "",
                votes_param(n),
            )
        )
    _assert_mined(hashes)
    advance_to(governor.proposalDeadline(proposal_id) + 1)

    sizes = [sum(1 for m in members if m["cls"] == c and not m["leaves"]) for c in range(4)]
    expected = coop_succeeds(sizes, ballots, class_weights, class_quorums)
    event("succeeded" if expected else "defeated")
    assert governor.state(proposal_id) == (SUCCEEDED if expected else DEFEATED)
    for c in range(4):
        tally = governor.proposalClassTally(proposal_id, c)
        assert tally[3] == sum(1 for b in ballots if b[0] == c)
        assert tally[4] == sizes[c]
