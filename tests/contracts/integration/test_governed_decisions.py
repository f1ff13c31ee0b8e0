"""Each decision the cooperative takes, end to end: propose, vote, queue, execute."""

import brownie
import pytest

from scripts.deploy import roles_held
from tests.contracts.governance_helpers import PRODUCER, WORKER
from tests.contracts.integration.conftest import POOL, PRICE


@pytest.fixture(scope="module")
def coop(governed):
    return governed


def call(contract, method, *args):
    return (contract.address, 0, getattr(contract, method).encode_input(*args))


def test_deployer_keeps_no_role_after_handover(governed, deployer):
    assert roles_held(governed, deployer) == []
    for contract in (governed.membership, governed.market, governed.distributor, governed.registry):
        assert contract.hasRole(contract.DEFAULT_ADMIN_ROLE(), governed.timelock)
    assert governed.distributor.treasury() == governed.timelock
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        governed.market.setPrice(POOL, 1, {"from": deployer})


def test_change_a_listing_price(governed, govern):
    govern([call(governed.market, "setPrice", POOL, PRICE * 2)])
    assert governed.market.listing(POOL)[0][0] == PRICE * 2


def test_change_the_revenue_split(governed, govern):
    govern([call(governed.distributor, "setSplit", 6000, 3000, 1000)])
    assert tuple(governed.distributor.split()) == (6000, 3000, 1000)


def test_change_the_class_weights(governed, govern):
    govern([call(governed.governor, "setClassWeights", [1000, 2000, 3000, 4000])])
    assert list(governed.governor.classWeights()) == [1000, 2000, 3000, 4000]


def test_strike_a_buyer_then_lift_it(governed, govern, buyer, fund):
    fund(buyer, 2 * PRICE, governed.market)
    govern([call(governed.market, "setBuyerStrike", buyer, True)], "strike against buyer")
    with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
        governed.market.purchase(POOL, 0, PRICE, {"from": buyer})
    govern([call(governed.market, "setBuyerStrike", buyer, False)], "lift the strike")
    governed.market.purchase(POOL, 0, PRICE, {"from": buyer})


def test_grant_the_curator_role_to_a_worker(governed, govern, electorate):
    worker, producer = electorate[WORKER][0], electorate[PRODUCER][0]
    registry = governed.registry
    govern([call(registry, "grantRole", registry.CURATOR_ROLE(), worker)])
    submitted = registry.submit(POOL, b"\x12\x20" + b"\x42" * 32, {"from": producer})
    registry.accept(submitted.return_value, 5, {"from": worker})
    assert governed.token.balanceOf(producer) == 5


def test_admit_a_member(governed, govern, outsider):
    govern([call(governed.membership, "admit", outsider, PRODUCER)])
    assert tuple(governed.membership.memberStatus(outsider)) == (True, PRODUCER)


def test_pay_from_the_reserve(governed, govern, buyer, outsider, fund):
    usd, distributor, timelock = governed.payment_token, governed.distributor, governed.timelock
    fund(buyer, PRICE, governed.market)
    governed.market.purchase(POOL, 0, PRICE, {"from": buyer})
    reserve = PRICE * distributor.split()[2] // 10_000
    assert distributor.totals()[2] == reserve
    distributor.releaseReserve({"from": outsider})
    assert usd.balanceOf(timelock) == reserve
    govern([call(usd, "transfer", outsider, reserve // 4)], "pay the translators")
    assert usd.balanceOf(outsider) == reserve // 4
    assert usd.balanceOf(timelock) == reserve - reserve // 4
