import brownie
import pytest
from brownie import ContributionToken, chain


@pytest.fixture(scope="module")
def token(deployer):
    token = ContributionToken.deploy(deployer, {"from": deployer})
    token.grantRole(token.MINTER_ROLE(), deployer, {"from": deployer})
    return token


def test_mint_self_delegates_votes(token, deployer, member):
    tx = token.mint(member, 7, {"from": deployer})
    assert token.balanceOf(member) == 7
    assert token.delegates(member) == member
    assert token.getVotes(member) == 7
    # The delegate is fixed in code: the first mint stores and announces no delegation.
    assert "DelegateChanged" not in tx.events
    assert tx.events["DelegateVotesChanged"]["newVotes"] == 7


def test_every_account_is_its_own_delegate(token, outsider):
    assert token.delegates(outsider) == outsider
    assert token.getVotes(outsider) == 0


def test_delegating_to_oneself_changes_nothing(token, deployer, member):
    token.mint(member, 5, {"from": deployer})
    tx = token.delegate.transact(member, {"from": member})  # a view, sent as a transaction
    assert not tx.events
    assert token.getVotes(member) == 5
    assert token.delegates(member) == member


def test_burn_reduces_votes(token, deployer, member):
    token.mint(member, 7, {"from": deployer})
    token.burn(member, 3, {"from": deployer})
    assert token.balanceOf(member) == 4
    assert token.getVotes(member) == 4
    assert token.totalSupply() == 4


def test_only_minter_mints_and_burns(token, member, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        token.mint(member, 1, {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        token.burn(member, 1, {"from": outsider})


def test_transfer_reverts(token, deployer, member, outsider):
    token.mint(member, 5, {"from": deployer})
    with brownie.reverts(revert_pattern=r"ContributionTokenNonTransferable:.*"):
        token.transfer(outsider, 1, {"from": member})


def test_transfer_from_reverts_even_with_allowance(token, deployer, member, outsider):
    token.mint(member, 5, {"from": deployer})
    token.approve(outsider, 5, {"from": member})
    with brownie.reverts(revert_pattern=r"ContributionTokenNonTransferable:.*"):
        token.transferFrom(member, outsider, 1, {"from": outsider})
    assert token.balanceOf(member) == 5


def test_delegation_elsewhere_reverts(token, deployer, member, outsider):
    token.mint(member, 5, {"from": deployer})
    with brownie.reverts(revert_pattern=r"ContributionTokenNonDelegable:.*"):
        token.delegate(outsider, {"from": member})
    assert token.getVotes(outsider) == 0


def test_timestamp_clock_and_past_votes(token, deployer, member):
    assert token.CLOCK_MODE() == "mode=timestamp"
    tx = token.mint(member, 9, {"from": deployer})
    minted_at = tx.timestamp
    chain.sleep(10)
    token.mint(member, 1, {"from": deployer})
    chain.sleep(10)
    chain.mine()
    assert token.clock() == chain[-1].timestamp
    assert token.getPastVotes(member, minted_at - 1) == 0
    assert token.getPastVotes(member, minted_at) == 9
    assert token.getVotes(member) == 10
