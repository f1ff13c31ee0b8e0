import brownie

from tests.contracts.DataMarket.conftest import POOL, PRICE, RESEARCH

ORDER = b"\x01" * 32
OTHER_ORDER = b"\x02" * 32
BUYER_REF = b"\xbb" * 32


def test_settles_once_with_the_settlers_money(listed, usd, distributor, settler, fund):
    fund(settler, 2 * PRICE, listed)
    tx = listed.settleOffchain(ORDER, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})
    event = tx.events["Purchased"]
    assert event["buyer"] == settler
    assert event["buyerRef"] == "0x" + "bb" * 32
    assert event["orderId"] == "0x" + "01" * 32
    assert listed.purchaseOfOrder(ORDER) == event["purchaseId"] == 1
    assert usd.balanceOf(distributor) == PRICE
    with brownie.reverts(revert_pattern=r"DataMarketOrderAlreadySettled:.*"):
        listed.settleOffchain(ORDER, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})
    assert usd.balanceOf(settler) == PRICE
    assert listed.purchaseCount() == 1


def test_only_the_settler_settles(listed, buyer, fund):
    fund(buyer, PRICE, listed)
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        listed.settleOffchain(ORDER, POOL, RESEARCH, BUYER_REF, PRICE, {"from": buyer})


def test_zero_order_id_refused(listed, settler, fund):
    fund(settler, PRICE, listed)
    with brownie.reverts(revert_pattern=r"DataMarketZeroOrderId:.*"):
        listed.settleOffchain(b"\x00" * 32, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})


def test_quoted_price_protects_the_settler(listed, deployer, settler, fund):
    fund(settler, 2 * PRICE, listed)
    listed.setPrice(POOL, PRICE + 1, {"from": deployer})
    with brownie.reverts(revert_pattern=r"DataMarketPriceAboveMax:.*"):
        listed.settleOffchain(OTHER_ORDER, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})
    assert listed.purchaseOfOrder(OTHER_ORDER) == 0


def test_price_lowered_after_the_quote_pays_the_pool_the_whole_payment(
    listed, usd, distributor, deployer, settler, fund
):
    """The buyer paid the quote; the pool earns all of it, and nothing stays with the settler."""
    fund(settler, PRICE, listed)
    listed.setPrice(POOL, PRICE // 5, {"from": deployer})
    tx = listed.settleOffchain(ORDER, POOL, RESEARCH, BUYER_REF, PRICE, {"from": settler})
    assert tx.events["Purchased"]["price"] == PRICE
    assert usd.balanceOf(distributor) == PRICE
    assert usd.balanceOf(settler) == 0


def test_wallet_purchase_still_pays_the_current_price(listed, usd, deployer, buyer, fund):
    fund(buyer, PRICE, listed)
    listed.setPrice(POOL, PRICE // 5, {"from": deployer})
    tx = listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})
    assert tx.events["Purchased"]["price"] == PRICE // 5
    assert usd.balanceOf(buyer) == PRICE - PRICE // 5


def test_payment_above_any_price_is_refused(listed, settler, fund):
    fund(settler, PRICE, listed)
    too_much = 2**128
    with brownie.reverts(f"DataMarketAmountTooLarge: {too_much}, {too_much - 1}"):
        listed.settleOffchain(ORDER, POOL, RESEARCH, BUYER_REF, too_much, {"from": settler})
    assert listed.purchaseOfOrder(ORDER) == 0
