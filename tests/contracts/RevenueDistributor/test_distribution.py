import brownie
import pytest

POOL = 1
PRECISION = 10**18


def test_split_is_validated(dist, deployer):
    assert tuple(dist.split()) == (7000, 2000, 1000)
    with brownie.reverts(revert_pattern=r"RevenueDistributorInvalidSplit:.*"):
        dist.setSplit(7000, 2000, 999, {"from": deployer})
    dist.setSplit(5000, 2500, 2500, {"from": deployer})
    assert tuple(dist.split()) == (5000, 2500, 2500)


def test_only_admin_sets_split_and_treasury(dist, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        dist.setSplit(5000, 2500, 2500, {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        dist.setTreasury(outsider, {"from": outsider})


def test_zero_treasury_refused(dist, deployer):
    with brownie.reverts(revert_pattern=r"RevenueDistributorZeroTreasury:.*"):
        dist.setTreasury(brownie.ZERO_ADDRESS, {"from": deployer})


def test_only_roles_deposit_and_change_units(dist, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        dist.deposit(POOL, 1, {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        dist.addUnits(POOL, outsider, 1, {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        dist.removeUnits(POOL, outsider, 1, {"from": outsider})


def test_pro_rata_split(dist, pay_in, deployer, accounts, work_pot):
    alice, bob, curator = accounts[6], accounts[7], accounts[8]
    dist.addUnits(POOL, alice, 1, {"from": deployer})
    dist.addUnits(POOL, bob, 3, {"from": deployer})
    dist.addUnits(work_pot, curator, 1, {"from": deployer})
    tx = pay_in(POOL, 1_000_000)
    assert tx.events["RevenueDeposited"]["toContributors"] == 700_000
    assert tx.events["RevenueDeposited"]["toWorkers"] == 200_000
    assert tx.events["RevenueDeposited"]["toReserve"] == 100_000
    assert dist.claimable(POOL, alice) == 175_000
    assert dist.claimable(POOL, bob) == 525_000
    assert dist.claimable(work_pot, curator) == 200_000
    assert tuple(dist.totals()) == (1_000_000, 0, 100_000, 0)


def test_units_added_later_earn_only_later_revenue(dist, pay_in, deployer, accounts):
    alice, bob = accounts[6], accounts[7]
    dist.addUnits(POOL, alice, 1, {"from": deployer})
    pay_in(POOL, 1_000)
    dist.addUnits(POOL, bob, 1, {"from": deployer})
    pay_in(POOL, 1_000)
    assert dist.claimable(POOL, alice) == 700 + 350
    assert dist.claimable(POOL, bob) == 350


def test_removing_units_settles_first(dist, pay_in, deployer, accounts):
    alice = accounts[6]
    dist.addUnits(POOL, alice, 2, {"from": deployer})
    pay_in(POOL, 1_000)
    dist.removeUnits(POOL, alice, 2, {"from": deployer})
    pay_in(POOL, 1_000)
    assert dist.claimable(POOL, alice) == 700
    assert dist.totalUnits(POOL) == 0


def test_removing_more_units_than_held_reverts(dist, deployer, accounts):
    dist.addUnits(POOL, accounts[6], 2, {"from": deployer})
    with brownie.reverts(revert_pattern=r"RevenueDistributorInsufficientUnits:.*"):
        dist.removeUnits(POOL, accounts[6], 3, {"from": deployer})


def test_pool_without_shares_pays_the_reserve(dist, pay_in):
    tx = pay_in(POOL, 1_000)
    # no contributors and no workers: all of it is reserve
    assert tx.events["RevenueDeposited"]["toReserve"] == 1_000
    assert dist.totals()[2] == 1_000


def test_claim_pays_once(dist, pay_in, usd, deployer, accounts):
    alice = accounts[6]
    dist.addUnits(POOL, alice, 1, {"from": deployer})
    pay_in(POOL, 10_000)
    before = usd.balanceOf(alice)
    tx = dist.claim(POOL, {"from": alice})
    assert tx.return_value == 7_000
    assert usd.balanceOf(alice) - before == 7_000
    assert tx.events["RevenueClaimed"]["amount"] == 7_000
    assert dist.claim(POOL, {"from": alice}).return_value == 0
    assert usd.balanceOf(alice) - before == 7_000


def test_claim_many_pays_pools_and_work_together(dist, pay_in, usd, deployer, accounts, work_pot):
    alice = accounts[6]
    dist.addUnits(POOL, alice, 1, {"from": deployer})
    dist.addUnits(2, alice, 1, {"from": deployer})
    dist.addUnits(work_pot, alice, 1, {"from": deployer})
    pay_in(POOL, 1_000)
    pay_in(2, 2_000)
    before = usd.balanceOf(alice)
    dist.claimMany([POOL, 2, work_pot], {"from": alice})
    assert usd.balanceOf(alice) - before == 700 + 1_400 + 200 + 400


def test_release_reserve_to_treasury(dist, pay_in, usd, deployer):
    pay_in(POOL, 1_000)
    before = usd.balanceOf(deployer)
    dist.releaseReserve({"from": deployer})
    assert usd.balanceOf(deployer) - before == 1_000
    assert tuple(dist.totals()) == (1_000, 0, 0, 1_000)
    assert dist.releaseReserve({"from": deployer}).return_value == 0


def test_dust_is_exact_in_scaled_units(dist, pay_in, deployer, accounts, work_pot):
    """Three holders of one unit each cannot share 7 wei evenly; nothing is lost."""
    holders = accounts[6:9]
    for holder in holders:
        dist.addUnits(POOL, holder, 1, {"from": deployer})
    dist.addUnits(work_pot, holders[0], 3, {"from": deployer})
    pay_in(POOL, 10)  # 7 to three contributors, 2 to workers, 1 reserve
    deposited, claimed, accrued, released = dist.totals()
    earned = sum(dist.earnedScaled(POOL, h) for h in holders) + dist.earnedScaled(
        work_pot, holders[0]
    )
    assert deposited * 10**18 == claimed * 10**18 + earned + (accrued + released) * 10**18 + (
        dist.reserveRemainder()
    )
    # Wei-level view: at most one wei per holder is still sub-wei.
    whole = sum(dist.claimable(POOL, h) for h in holders) + dist.claimable(work_pot, holders[0])
    assert 0 <= deposited - (claimed + whole + accrued + released) <= len(holders) + 1


@pytest.mark.parametrize("amount", [1, 3, 999_999_999])
def test_remainders_are_paid_out_eventually(dist, pay_in, deployer, accounts, amount):
    holders = accounts[6:9]
    for holder in holders:
        dist.addUnits(POOL, holder, 1, {"from": deployer})
    for _ in range(3):
        pay_in(POOL, amount)
    # 3 deposits of the same amount over 3 equal holders: each earned exactly one deposit's
    # contributor share, remainders included.
    share = amount * 7000 // 10000
    for holder in holders:
        assert dist.earnedScaled(POOL, holder) // 10**18 in (share, share - 1, share + 1)
