// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IDataMarket} from "../../../contracts/interfaces/IDataMarket.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title SettlerHandler
/// @notice The API's settler settles off-chain orders from a small set of order ids (so repeats
/// are frequent, and the zero id is tried), for refs that may be struck; a buyer without the
/// role tries too. Each order id must settle exactly once, and the pool earns the whole payment:
/// the amount paid is the price, one less (refused), or more (a price lowered since the quote).
contract SettlerHandler is HandlerBase {
    /// @notice Buyer refs: 0 (none) and 1..REF_COUNT - 1.
    uint256 internal constant REF_COUNT = 3;

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](1);
        s[0] = this.settle.selector;
    }

    function settle(uint256 orderSeed, uint256 poolSeed, uint256 refSeed, uint256 priceSeed, uint256 callerSeed)
        external
    {
        bool isSettler = callerSeed % 8 != 0;
        address caller = isSettler ? Actors.settler() : Actors.buyer(callerSeed >> 3);
        bytes32 orderId = bytes32(bound(orderSeed, 0, Actors.ORDER_COUNT));
        uint256 poolId = bound(poolSeed, 1, POOL_COUNT + 1);
        bytes32 buyerRef = bytes32(refSeed % REF_COUNT);
        CoopModel.ListingModel memory listing = model.listing(poolId);
        uint256 amount = listing.price;
        if (priceSeed % 4 == 0 && listing.price > 0) amount = listing.price - 1;
        else if (priceSeed % 4 == 1) amount = listing.price + (priceSeed >> 8) % 1_000_000;

        bytes4 expected = OK;
        if (!isSettler) expected = IAccessControl.AccessControlUnauthorizedAccount.selector;
        else if (orderId == bytes32(0)) expected = IDataMarket.DataMarketZeroOrderId.selector;
        else if (model.purchaseOfOrder(orderId) != 0) expected = IDataMarket.DataMarketOrderAlreadySettled.selector;
        else if (!listing.active) expected = IDataMarket.DataMarketNotForSale.selector;
        else if (listing.purposes & 1 == 0) expected = IDataMarket.DataMarketPurposeNotAllowed.selector;
        else if (listing.price > amount) expected = IDataMarket.DataMarketPriceAboveMax.selector;
        else if (model.poolUnits(poolId) == 0) expected = IDataMarket.DataMarketNoContent.selector;
        else if (model.generalStrike() || model.struck(caller) || model.refStruck(buyerRef)) {
            expected = IDataMarket.DataMarketStrike.selector;
        }

        uint256 settledBefore = coop.market.purchaseOfOrder(orderId);
        bytes memory ret = _call(
            caller,
            address(coop.market),
            abi.encodeCall(coop.market.settleOffchain, (orderId, poolId, 0, buyerRef, amount)),
            expected
        );
        if (expected != OK) {
            vm.assertEq(coop.market.purchaseOfOrder(orderId), settledBefore, "settle: a refusal changes no order");
            return;
        }
        uint256 purchaseId = model.recordSale(caller, amount, orderId);
        vm.assertEq(abi.decode(ret, (uint256)), purchaseId, "settle: ids count up");
    }
}
