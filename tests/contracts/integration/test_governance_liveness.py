"""Governance stays live however a class behaves (issue 13, attack 5).

Sybils from a careless registrar, or members whose keys are lost, that exceed (1 - quorum) of a
class make every ordinary proposal fail for lack of quorum. A proposal made only of
Membership.expel calls leaves the members it names out of their class's quorum, so it passes
with the honest members alone; a proposal that names more than a third of the membership gets
no such relief, so a minority cannot shrink the majority's quorum.
"""

import pytest
from brownie import accounts, chain, web3
from eth_account import Account

from lumbung.eip712 import sign_voucher
from tests.contracts.governance_helpers import DEFEATED, FOR, FUNDER, STEWARD, WORKER


def call(contract, method, *args):
    return (contract.address, 0, getattr(contract, method).encode_input(*args))


@pytest.fixture(scope="module")
def sybils(governed, govern, deployer):
    """Four accounts that joined the WORKER class with a careless registrar's vouchers: the class
    has six members, its 50 % quorum needs three voters, and only two are honest."""
    membership = governed.membership
    registrar = Account.create()
    govern([call(membership, "grantRole", membership.REGISTRAR_ROLE(), registrar.address)])
    joined = []
    for nonce in range(4):
        sybil = accounts.add()
        deployer.transfer(sybil, "1 ether")
        expiry = chain[-1].timestamp + 3600
        signature = sign_voucher(
            registrar.key,
            chain_id=web3.eth.chain_id,
            membership=membership.address,
            member=sybil.address,
            cls=WORKER,
            nonce=nonce,
            expiry=expiry,
        )
        membership.join((sybil.address, WORKER, nonce, expiry), signature, {"from": sybil})
        joined.append(sybil)
    chain.sleep(2)
    chain.mine()
    return joined


def test_sybils_block_ordinary_proposals(
    governed, sybils, make_proposal, activate, finish, vote, electorate
):
    proposal = make_proposal()
    activate(proposal)
    for members in electorate.values():
        for voter in members:
            vote(proposal, voter, FOR)
    finish(proposal)
    assert governed.governor.state(proposal.id) == DEFEATED
    assert tuple(governed.governor.proposalClassTally(proposal.id, WORKER))[3:] == (2, 6, False)


def test_the_honest_members_expel_the_sybils(governed, sybils, govern, make_proposal):
    membership, governor = governed.membership, governed.governor
    calls = [call(membership, "expel", sybil) for sybil in sybils]
    probe = make_proposal(calls, description="probe")
    assert list(governor.proposalQuorumExclusions(probe.id)) == [0, 0, 4, 0]
    govern(calls, "expel the sybils")  # passes with the honest votes alone
    assert not any(membership.isMember(sybil) for sybil in sybils)
    assert membership.memberCount(WORKER) == 2
    govern([call(membership, "isMember", sybils[0])], "business as usual")


def test_a_minority_cannot_shrink_the_majoritys_quorum(governed, sybils, make_proposal, electorate):
    """Naming more than a third of the membership (5 of 12) leaves the quorum whole."""
    membership = governed.membership
    targets = [*electorate[WORKER], *electorate[STEWARD], electorate[FUNDER][0]]
    calls = [call(membership, "expel", member) for member in targets]
    proposal = make_proposal(calls, sender=sybils[0])
    assert list(governed.governor.proposalQuorumExclusions(proposal.id)) == [0, 0, 0, 0]
