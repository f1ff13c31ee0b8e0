import brownie
from brownie import accounts, web3
from eth_account import Account

from lumbung.eip712 import PERMIT, sign_typed
from tests.contracts.DataMarket.conftest import AI_TRAINING, COMMERCIAL, POOL, PRICE, RESEARCH


def test_purchase_pays_the_distributor_and_records_revenue(listed, usd, distributor, buyer, fund):
    fund(buyer, PRICE, listed)
    tx = listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})
    event = tx.events["Purchased"]
    assert event["purchaseId"] == 1 == listed.purchaseCount()
    assert event["poolId"] == POOL
    assert event["buyer"] == buyer
    assert event["buyerRef"] == "0x" + "00" * 32
    assert event["purpose"] == RESEARCH
    assert event["price"] == PRICE
    assert event["contentBlock"] == tx.block_number
    assert usd.balanceOf(buyer) == 0
    assert usd.balanceOf(distributor) == PRICE
    assert distributor.totals()[0] == PRICE


def test_price_above_max_reverts(listed, buyer, fund):
    fund(buyer, PRICE, listed)
    with brownie.reverts(revert_pattern=r"DataMarketPriceAboveMax:.*"):
        listed.purchase(POOL, RESEARCH, PRICE - 1, {"from": buyer})


def test_purpose_not_allowed_reverts(listed, buyer, fund):
    fund(buyer, PRICE, listed)
    with brownie.reverts(revert_pattern=r"DataMarketPurposeNotAllowed:.*"):
        listed.purchase(POOL, COMMERCIAL, PRICE, {"from": buyer})
    with brownie.reverts(revert_pattern=r"DataMarketPurposeNotAllowed:.*"):
        listed.purchase(POOL, 200, PRICE, {"from": buyer})


def test_unlisted_or_inactive_pool_reverts(listed, deployer, buyer, fund):
    fund(buyer, PRICE, listed)
    with brownie.reverts(revert_pattern=r"DataMarketNotForSale:.*"):
        listed.purchase(99, RESEARCH, PRICE, {"from": buyer})
    listed.setListing(POOL, PRICE, 1, False, b"", {"from": deployer})
    with brownie.reverts(revert_pattern=r"DataMarketNotForSale:.*"):
        listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})


def test_missing_allowance_reverts_and_moves_nothing(listed, usd, buyer, fund):
    fund(buyer, PRICE)
    with brownie.reverts(revert_pattern=r"ERC20InsufficientAllowance:.*"):
        listed.purchase(POOL, RESEARCH, PRICE, {"from": buyer})
    assert usd.balanceOf(buyer) == PRICE
    assert listed.purchaseCount() == 0


def test_listing_validation_and_admin_only(listed, deployer, outsider):
    with brownie.reverts(revert_pattern=r"DataMarketInvalidListing:.*"):
        listed.setListing(POOL, 0, 1, True, b"", {"from": deployer})
    with brownie.reverts(revert_pattern=r"DataMarketInvalidListing:.*"):
        listed.setListing(POOL, 1, 0, True, b"", {"from": deployer})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        listed.setListing(POOL, 1, 1, True, b"", {"from": outsider})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        listed.setPrice(POOL, 1, {"from": outsider})


def test_set_price_keeps_the_rest_of_the_listing(listed, deployer):
    listed.setPrice(POOL, 7, {"from": deployer})
    current, license_cid = listed.listing(POOL)
    assert current[0] == 7
    assert current[1] == (1 << RESEARCH) | (1 << AI_TRAINING)
    assert current[2] is True
    assert license_cid == "0x1220" + "11" * 32
    with brownie.reverts(revert_pattern=r"DataMarketNotForSale:.*"):
        listed.setPrice(42, 7, {"from": deployer})


def test_purchase_with_permit_in_one_transaction(listed, usd, distributor):
    holder = Account.create()
    signer = accounts.add(holder.key.hex())
    accounts[0].transfer(signer, "1 ether")
    usd.mint(signer, PRICE, {"from": signer})
    deadline = web3.eth.get_block("latest").timestamp + 3600
    signed = sign_typed(
        holder.key,
        domain=("Test USD", "1"),
        chain_id=web3.eth.chain_id,
        contract=usd.address,
        primary_type="Permit",
        fields=PERMIT,
        message={
            "owner": signer.address,
            "spender": listed.address,
            "value": PRICE,
            "nonce": usd.nonces(signer),
            "deadline": deadline,
        },
    )
    r, s = signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")
    tx = listed.purchaseWithPermit(
        POOL, RESEARCH, PRICE, deadline, signed.v, r, s, {"from": signer}
    )
    assert tx.events["Purchased"]["buyer"] == signer
    assert usd.balanceOf(distributor) == PRICE
    # The same permit again is spent: the purchase fails on the allowance, not silently.
    usd.mint(signer, PRICE, {"from": signer})
    with brownie.reverts(revert_pattern=r"ERC20InsufficientAllowance:.*"):
        listed.purchaseWithPermit(POOL, RESEARCH, PRICE, deadline, signed.v, r, s, {"from": signer})


def test_a_pool_without_accepted_content_does_not_sell(listed, coop, deployer, buyer, fund, member):
    """Issue 13, 8: an empty or unknown pool sold at full price; now nothing is taken."""
    fund(buyer, 3 * PRICE, listed)
    coop.registry.createPool("Empty", "", {"from": deployer})
    listed.setListing(2, PRICE, 1, True, b"", {"from": deployer})
    listed.setListing(77, PRICE, 1, True, b"", {"from": deployer})  # no such pool yet
    for pool in (2, 77):
        with brownie.reverts(f"DataMarketNoContent: {pool}"):
            listed.purchase(pool, RESEARCH, PRICE, {"from": buyer})
    # Content that is revoked leaves the pool empty again.
    submitted = coop.registry.submit(2, b"\x12\x20" + b"\x33" * 32, {"from": member})
    coop.registry.revoke(submitted.return_value, {"from": member})
    with brownie.reverts("DataMarketNoContent: 2"):
        listed.purchase(2, RESEARCH, PRICE, {"from": buyer})
    assert coop.payment_token.balanceOf(buyer) == 3 * PRICE and listed.purchaseCount() == 0


def test_the_work_pot_and_pool_zero_cannot_be_listed(listed, distributor, deployer):
    for pool in (0, distributor.WORK_POT()):
        with brownie.reverts(f"DataMarketNoContent: {pool}"):
            listed.setListing(pool, PRICE, 1, True, b"", {"from": deployer})
