// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IDataMarket} from "../../../contracts/interfaces/IDataMarket.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";

/// @dev The cheatcode this suite needs beyond utils/Vm.sol's (dispatched by selector).
interface MarketSalesVm {
    function expectEmit(address emitter) external;
}

/// @title MarketSales
/// @notice DataMarket on its own terms: a permit pays for a sale once and a failed permit falls
/// back on the standing allowance; each strike refuses exactly the sales it names; an
/// off-chain order settles once; listings and prices are refused when they could not sell; and
/// every refusal of a sale is the named error with its facts, before any money moves.
contract MarketSales is CooperativeFixture {
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    uint256 private constant _POOL = 1; // priced at 7
    uint256 private constant _EMPTY_POOL = 2; // listed, no accepted contribution
    uint256 private constant _UNLISTED_POOL = 4;
    uint256 private constant _BUYER_FUNDS = 1_000_000;
    bytes32 private constant _ORDER = keccak256("order 1");
    bytes32 private constant _BUYER_REF = keccak256("buyer ref 1");

    MarketSalesVm private constant _cheats = MarketSalesVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address private buyer;
    address private settler;
    uint128 private price;

    function setUp() public {
        _deployCooperative();
        buyer = Actors.buyer(0);
        settler = Actors.settler();
        price = prices[_POOL - 1];
        vm.prank(Actors.member(0));
        uint256 id = coop.registry.submit(_POOL, Cids.inForm(Cids.Form.V0, keccak256("content")));
        vm.prank(Actors.curator(0));
        coop.registry.accept(id, 3);
        coop.usd.mint(buyer, _BUYER_FUNDS);
    }

    // -- permits -------------------------------------------------------------------------------

    function test_permitPaysThePriceOutOfTheSignedAllowance() public {
        uint256 maxPrice = price + 5;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(Actors.buyerKey(0), maxPrice, block.timestamp);

        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.Purchased(1, _POOL, buyer, bytes32(0), bytes32(0), RESEARCH, price, block.number);
        vm.prank(buyer);
        uint256 purchaseId = coop.market.purchaseWithPermit(_POOL, RESEARCH, maxPrice, block.timestamp, v, r, s);

        vm.assertEq(purchaseId, 1, "first purchase");
        vm.assertEq(coop.market.purchaseCount(), 1, "counted");
        vm.assertEq(coop.usd.nonces(buyer), 1, "the permit was used");
        vm.assertEq(coop.usd.allowance(buyer, address(coop.market)), maxPrice - price, "the rest of the permit");
        _assertPaid(buyer, _BUYER_FUNDS - price, price);
    }

    /// @notice A front-runner who submits the buyer's permit first cannot stop the sale: the
    /// market's own permit call then fails, and the allowance the permit set pays.
    function test_frontRunPermitLeavesTheSaleStanding() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(Actors.buyerKey(0), price, block.timestamp);
        vm.prank(Actors.outsider());
        coop.usd.permit(buyer, address(coop.market), price, block.timestamp, v, r, s);

        vm.prank(buyer);
        coop.market.purchaseWithPermit(_POOL, RESEARCH, price, block.timestamp, v, r, s);

        vm.assertEq(coop.usd.nonces(buyer), 1, "one permit, used once");
        vm.assertEq(coop.usd.allowance(buyer, address(coop.market)), 0, "the allowance is spent");
        _assertPaid(buyer, _BUYER_FUNDS - price, price);
    }

    function test_failedPermitFallsBackOnTheStandingAllowance() public {
        uint256 deadline = block.timestamp;
        vm.warp(deadline + 1);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(Actors.buyerKey(0), price, deadline);
        vm.prank(buyer);
        coop.usd.approve(address(coop.market), 2 * price);

        vm.prank(buyer);
        coop.market.purchaseWithPermit(_POOL, RESEARCH, price, deadline, v, r, s);

        vm.assertEq(coop.usd.nonces(buyer), 0, "the expired permit was not used");
        vm.assertEq(coop.usd.allowance(buyer, address(coop.market)), price, "the standing allowance paid");
        _assertPaid(buyer, _BUYER_FUNDS - price, price);
    }

    function test_forgedPermitWithoutAllowanceIsRefused() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(Actors.IMPOSTOR_KEY, price, block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(coop.market), 0, price)
        );
        vm.prank(buyer);
        coop.market.purchaseWithPermit(_POOL, RESEARCH, price, block.timestamp, v, r, s);
        vm.assertEq(coop.usd.nonces(buyer), 0, "no permit used");
        _assertPaid(buyer, _BUYER_FUNDS, 0);
    }

    // -- strikes -------------------------------------------------------------------------------

    function test_generalStrikeRefusesEverySaleUntilLifted() public {
        _approve(buyer);
        coop.market.setBuyerStrike(buyer, true);
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.GeneralStrikeSet(true);
        coop.market.setGeneralStrike(true);
        vm.assertTrue(coop.market.isStruck(Actors.buyer(1), bytes32(0)), "everyone is struck");

        // A struck buyer is refused under the general strike, and told so.
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketStrike.selector, buyer, bytes32(0), true));
        vm.prank(buyer);
        coop.market.purchase(_POOL, RESEARCH, price);
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketStrike.selector, settler, _BUYER_REF, true));
        vm.prank(settler);
        coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, price);

        coop.market.setGeneralStrike(false);
        coop.market.setBuyerStrike(buyer, false);
        vm.assertFalse(coop.market.isStruck(buyer, _BUYER_REF), "lifted");
        vm.prank(buyer);
        coop.market.purchase(_POOL, RESEARCH, price);
        _assertPaid(buyer, _BUYER_FUNDS - price, price);
    }

    function test_buyerStrikeRefusesThatBuyerOnly() public {
        address other = Actors.buyer(1);
        coop.usd.mint(other, price);
        _approve(buyer);
        _approve(other);
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.BuyerStrikeSet(buyer, true);
        coop.market.setBuyerStrike(buyer, true);
        vm.assertTrue(coop.market.isStruck(buyer, bytes32(0)), "struck");
        vm.assertFalse(coop.market.isStruck(other, bytes32(0)), "the other buyer is not");

        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketStrike.selector, buyer, bytes32(0), false));
        vm.prank(buyer);
        coop.market.purchase(_POOL, RESEARCH, price);
        vm.prank(other);
        coop.market.purchase(_POOL, RESEARCH, price);

        vm.assertEq(coop.usd.balanceOf(buyer), _BUYER_FUNDS, "the struck buyer paid nothing");
        _assertPaid(other, 0, price);
    }

    function test_buyerRefStrikeRefusesThatOffchainBuyerOnly() public {
        bytes32 otherRef = keccak256("buyer ref 2");
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.BuyerRefStrikeSet(_BUYER_REF, true);
        coop.market.setBuyerRefStrike(_BUYER_REF, true);
        vm.assertTrue(coop.market.isStruck(settler, _BUYER_REF), "the reference is struck");
        vm.assertFalse(coop.market.isStruck(settler, otherRef), "another reference is not");

        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketStrike.selector, settler, _BUYER_REF, false));
        vm.prank(settler);
        coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, price);
        vm.assertEq(coop.market.purchaseOfOrder(_ORDER), 0, "the refused order is not recorded");

        vm.prank(settler);
        uint256 purchaseId = coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, otherRef, price);
        vm.assertEq(purchaseId, 1, "the other reference buys");
        _assertPaid(settler, SETTLER_FUNDS - price, price);
    }

    /// @notice On-chain sales carry no buyer reference, so striking the zero reference must
    /// not strike them all (only the general strike does that).
    function test_strikingTheZeroReferenceStrikesNobody() public {
        _approve(buyer);
        coop.market.setBuyerRefStrike(bytes32(0), true);
        vm.assertFalse(coop.market.isStruck(buyer, bytes32(0)), "not struck");
        vm.prank(buyer);
        coop.market.purchase(_POOL, RESEARCH, price);
        _assertPaid(buyer, _BUYER_FUNDS - price, price);
    }

    // -- off-chain orders ----------------------------------------------------------------------

    function test_orderSettlesExactlyOnce() public {
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.Purchased(1, _POOL, settler, _BUYER_REF, _ORDER, RESEARCH, price, block.number);
        vm.prank(settler);
        uint256 purchaseId = coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, price);
        vm.assertEq(coop.market.purchaseOfOrder(_ORDER), purchaseId, "recorded");

        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketOrderAlreadySettled.selector, _ORDER, purchaseId));
        vm.prank(settler);
        coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, price);
        vm.assertEq(coop.market.purchaseCount(), 1, "one purchase");
        _assertPaid(settler, SETTLER_FUNDS - price, price);
    }

    /// @dev Issue 14: the buyer paid the quote, the price was lowered since; the pool earns the
    /// whole payment and nothing stays with the settler.
    function testFuzz_orderPaysThePoolTheWholePayment(uint256 paid) public {
        paid = bound(paid, price, uint256(type(uint128).max) < SETTLER_FUNDS ? type(uint128).max : SETTLER_FUNDS);
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.Purchased(1, _POOL, settler, _BUYER_REF, _ORDER, RESEARCH, paid, block.number);
        vm.prank(settler);
        coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, paid);
        _assertPaid(settler, SETTLER_FUNDS - paid, paid);
    }

    function test_paymentAboveAnyPriceIsRefused() public {
        uint256 limit = type(uint128).max;
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketAmountTooLarge.selector, limit + 1, limit));
        vm.prank(settler);
        coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, limit + 1);
        vm.assertEq(coop.market.purchaseOfOrder(_ORDER), 0, "no order recorded");
    }

    function test_zeroOrderIdIsRefused() public {
        vm.expectRevert(IDataMarket.DataMarketZeroOrderId.selector);
        vm.prank(settler);
        coop.market.settleOffchain(bytes32(0), _POOL, RESEARCH, _BUYER_REF, price);
    }

    function test_onlyTheSettlerSettles() public {
        bytes32 role = coop.market.SETTLER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, buyer, role));
        vm.prank(buyer);
        coop.market.settleOffchain(_ORDER, _POOL, RESEARCH, _BUYER_REF, price);
    }

    // -- refused sales -------------------------------------------------------------------------

    function test_saleOfAnInactiveOrUnlistedPoolIsRefused() public {
        _approve(buyer);
        coop.market.setListing(_POOL, price, uint64(1) << RESEARCH, false, "");
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketNotForSale.selector, _POOL));
        vm.prank(buyer);
        coop.market.purchase(_POOL, RESEARCH, price);
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketNotForSale.selector, _UNLISTED_POOL));
        vm.prank(buyer);
        coop.market.purchase(_UNLISTED_POOL, RESEARCH, price);
        _assertPaid(buyer, _BUYER_FUNDS, 0);
    }

    /// @notice A purpose sells only if its bit is in the listing's licence; 64 and above never.
    function testFuzz_purposeOutsideTheLicenceIsRefused(uint8 purpose) public {
        uint64 licensed = (uint64(1) << 0) | (uint64(1) << 5) | (uint64(1) << 63);
        coop.market.setListing(_POOL, price, licensed, true, "");
        _approve(buyer);
        bool allowed = purpose == 0 || purpose == 5 || purpose == 63;
        if (!allowed) {
            vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketPurposeNotAllowed.selector, _POOL, purpose));
        }
        vm.prank(buyer);
        coop.market.purchase(_POOL, purpose, price);
        _assertPaid(buyer, allowed ? _BUYER_FUNDS - price : _BUYER_FUNDS, allowed ? price : 0);
    }

    function test_priceAboveTheBuyersMaximumIsRefused() public {
        _approve(buyer);
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketPriceAboveMax.selector, price, price - 1));
        vm.prank(buyer);
        coop.market.purchase(_POOL, RESEARCH, price - 1);
    }

    function test_poolWithoutContentIsRefused() public {
        _approve(buyer);
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketNoContent.selector, _EMPTY_POOL));
        vm.prank(buyer);
        coop.market.purchase(_EMPTY_POOL, RESEARCH, prices[_EMPTY_POOL - 1]);
        _assertPaid(buyer, _BUYER_FUNDS, 0);
    }

    // -- listings ------------------------------------------------------------------------------

    function test_listingIsStoredWithItsLicence() public {
        bytes memory licence = Cids.inForm(Cids.Form.V1_RAW, keccak256("licence"));
        uint64 purposes = (uint64(1) << 2) | (uint64(1) << 7);
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.ListingSet(_UNLISTED_POOL, 42, purposes, true, licence);
        coop.market.setListing(_UNLISTED_POOL, 42, purposes, true, licence);

        (IDataMarket.Listing memory stored, bytes memory storedLicence) = coop.market.listing(_UNLISTED_POOL);
        vm.assertEq(stored.price, 42, "price");
        vm.assertEq(stored.purposes, purposes, "purposes");
        vm.assertTrue(stored.active, "active");
        vm.assertEq(keccak256(storedLicence), keccak256(licence), "licence");
    }

    function test_listingThatCouldNotSellIsRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketInvalidListing.selector, 0, 1));
        coop.market.setListing(_POOL, 0, 1, true, "");
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketInvalidListing.selector, 5, 0));
        coop.market.setListing(_POOL, 5, 0, true, "");
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketNoContent.selector, 0));
        coop.market.setListing(0, 5, 1, true, "");
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketNoContent.selector, workPot));
        coop.market.setListing(workPot, 5, 1, true, "");
        (IDataMarket.Listing memory stored,) = coop.market.listing(_POOL);
        vm.assertEq(stored.price, price, "the listing is unchanged");
    }

    function test_setPriceKeepsTheRestOfTheListing() public {
        bytes memory licence = Cids.inForm(Cids.Form.V0, keccak256("licence"));
        coop.market.setListing(_POOL, price, uint64(1) << RESEARCH, false, licence);
        _cheats.expectEmit(address(coop.market));
        emit IDataMarket.ListingSet(_POOL, 11, uint64(1) << RESEARCH, false, licence);
        coop.market.setPrice(_POOL, 11);

        (IDataMarket.Listing memory stored, bytes memory storedLicence) = coop.market.listing(_POOL);
        vm.assertEq(stored.price, 11, "new price");
        vm.assertEq(stored.purposes, uint64(1) << RESEARCH, "same purposes");
        vm.assertFalse(stored.active, "still inactive");
        vm.assertEq(keccak256(storedLicence), keccak256(licence), "same licence");
    }

    function test_setPriceIsRefusedForAnUnlistedPoolOrAZeroPrice() public {
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketNotForSale.selector, _UNLISTED_POOL));
        coop.market.setPrice(_UNLISTED_POOL, 11);
        vm.expectRevert(abi.encodeWithSelector(IDataMarket.DataMarketInvalidListing.selector, 0, uint64(1) << RESEARCH));
        coop.market.setPrice(_POOL, 0);
        (IDataMarket.Listing memory stored,) = coop.market.listing(_POOL);
        vm.assertEq(stored.price, price, "the price is unchanged");
    }

    function test_onlyTheAdminRulesTheMarket() public {
        bytes memory refusal =
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, buyer, bytes32(0));
        vm.startPrank(buyer);
        vm.expectRevert(refusal);
        coop.market.setListing(_POOL, 1, 1, true, "");
        vm.expectRevert(refusal);
        coop.market.setPrice(_POOL, 1);
        vm.expectRevert(refusal);
        coop.market.setBuyerStrike(buyer, false);
        vm.expectRevert(refusal);
        coop.market.setBuyerRefStrike(_BUYER_REF, true);
        vm.expectRevert(refusal);
        coop.market.setGeneralStrike(true);
        vm.stopPrank();
    }

    function test_wiring() public view {
        vm.assertEq(address(coop.market.paymentToken()), address(coop.usd), "payment token");
        vm.assertEq(address(coop.market.distributor()), address(coop.distributor), "distributor");
        vm.assertEq(coop.market.purchaseCount(), 0, "no purchase yet");
    }

    // -- helpers -------------------------------------------------------------------------------

    function _approve(address who) private {
        vm.prank(who);
        coop.usd.approve(address(coop.market), type(uint256).max);
    }

    function _signPermit(uint256 key, uint256 value, uint256 deadline)
        private
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(
            abi.encode(_PERMIT_TYPEHASH, buyer, address(coop.market), value, coop.usd.nonces(buyer), deadline)
        );
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", coop.usd.DOMAIN_SEPARATOR(), structHash)));
    }

    /// @dev The payer holds `payerBalance` and the distributor took in exactly `revenue`.
    function _assertPaid(address payer, uint256 payerBalance, uint256 revenue) private view {
        vm.assertEq(coop.usd.balanceOf(payer), payerBalance, "payer's balance");
        vm.assertEq(coop.usd.balanceOf(address(coop.distributor)), revenue, "distributor's balance");
        (uint256 deposited,,,) = coop.distributor.totals();
        vm.assertEq(deposited, revenue, "revenue deposited");
    }
}
