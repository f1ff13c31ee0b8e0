import brownie

from tests.contracts.DataMarket.conftest import POOL, PRICE, RESEARCH

BUYER_REF = b"\xbb" * 32


def test_strike_on_one_buyer(listed, deployer, buyer, outsider, fund):
    fund(buyer, PRICE, listed)
    fund(outsider, PRICE, listed)
    tx = listed.setBuyerStrike(buyer, True, {"from": deployer})
    assert tx.events["BuyerStrikeSet"]["struck"] is True
    assert listed.isStruck(buyer, b"\x00" * 32)
    with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
        listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})
    listed.purchase(POOL, RESEARCH, PRICE, {"from": outsider})
    listed.setBuyerStrike(buyer, False, {"from": deployer})
    listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})


def test_general_strike_refuses_everyone(listed, deployer, buyer, settler, fund):
    fund(buyer, PRICE, listed)
    fund(settler, PRICE, listed)
    listed.setGeneralStrike(True, {"from": deployer})
    with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
        listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})
    with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
        listed.settleOffchain(b"\x01" * 32, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})
    listed.setGeneralStrike(False, {"from": deployer})
    listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})


def test_strike_on_an_offchain_buyer_reference(listed, deployer, settler, fund):
    fund(settler, 2 * PRICE, listed)
    listed.setBuyerRefStrike(BUYER_REF, True, {"from": deployer})
    with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
        listed.settleOffchain(b"\x01" * 32, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})
    listed.settleOffchain(b"\x02" * 32, POOL, RESEARCH, b"\xcc" * 32, PRICE, {"from": settler})


def test_only_governance_strikes(listed, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        listed.setBuyerStrike(outsider, True, {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        listed.setGeneralStrike(True, {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        listed.setBuyerRefStrike(b"\x01" * 32, True, {"from": outsider})
