// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IDataMarket} from "../../../contracts/interfaces/IDataMarket.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title StewardHandler
/// @notice What governance does in phase 1, with the admin role of the market, the distributor
/// and the registry: splits, listings and prices, strikes, closing and reopening pools; plus
/// what anyone may do, releasing the reserve, and the passing of time.
contract StewardHandler is HandlerBase {
    uint256 private constant _BPS = 10_000;
    uint256 internal constant MAX_PRICE = 1e8;
    uint256 internal constant MAX_TIME_STEP = 3 days;

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](10);
        s[0] = this.setSplit.selector;
        s[1] = this.setListing.selector;
        s[2] = this.setPrice.selector;
        s[3] = this.strikeBuyer.selector;
        s[4] = this.strikeRef.selector;
        s[5] = this.generalStrike.selector;
        s[6] = this.closePool.selector;
        s[7] = this.reopenPool.selector;
        s[8] = this.releaseReserve.selector;
        s[9] = this.passTime.selector;
    }

    function setSplit(uint256 contributorsSeed, uint256 workersSeed) external {
        uint256 contributors = bound(contributorsSeed, 0, _BPS);
        uint256 workers = bound(workersSeed, 0, _BPS - contributors);
        coop.distributor.setSplit(uint16(contributors), uint16(workers), uint16(_BPS - contributors - workers));
    }

    /// @notice Lists a pool; a zero price or no purpose is refused; a quarter are inactive.
    function setListing(uint256 poolSeed, uint256 priceSeed, uint256 purposesSeed, uint256 activeSeed) external {
        uint256 poolId = bound(poolSeed, 1, POOL_COUNT);
        uint128 price = uint128(bound(priceSeed, 0, MAX_PRICE));
        uint64 purposes = uint64(bound(purposesSeed, 0, 7));
        bool active = activeSeed % 4 != 0;
        bytes4 expected = price == 0 || purposes == 0 ? IDataMarket.DataMarketInvalidListing.selector : OK;
        _call(
            address(this),
            address(coop.market),
            abi.encodeCall(coop.market.setListing, (poolId, price, purposes, active, "")),
            expected
        );
        if (expected == OK) model.setListing(poolId, CoopModel.ListingModel(price, purposes, active));
    }

    function setPrice(uint256 poolSeed, uint256 priceSeed) external {
        uint256 poolId = bound(poolSeed, 1, POOL_COUNT + 1);
        uint128 price = uint128(bound(priceSeed, 0, MAX_PRICE));
        CoopModel.ListingModel memory listing = model.listing(poolId);
        bytes4 expected = OK;
        if (listing.purposes == 0) expected = IDataMarket.DataMarketNotForSale.selector;
        else if (price == 0) expected = IDataMarket.DataMarketInvalidListing.selector;
        _call(address(this), address(coop.market), abi.encodeCall(coop.market.setPrice, (poolId, price)), expected);
        if (expected != OK) return;
        listing.price = price;
        model.setListing(poolId, listing);
    }

    /// @notice Strikes (one time in four) or clears a buyer or the settler.
    function strikeBuyer(uint256 whoSeed) external {
        address who = whoSeed % 3 == 2 ? Actors.settler() : Actors.buyer(whoSeed);
        bool struck = (whoSeed >> 2) % 4 == 0;
        coop.market.setBuyerStrike(who, struck);
        model.setStruck(who, struck);
    }

    function strikeRef(uint256 refSeed) external {
        bytes32 ref = bytes32(refSeed % 3);
        bool struck = (refSeed >> 2) % 4 == 0;
        coop.market.setBuyerRefStrike(ref, struck);
        model.setRefStruck(ref, struck);
    }

    function generalStrike(uint256 seed) external {
        bool struck = seed % 8 == 0;
        coop.market.setGeneralStrike(struck);
        model.setGeneralStrike(struck);
    }

    function closePool(uint256 poolSeed) external {
        uint256 poolId = _anyPoolId(poolSeed);
        bytes4 expected = OK;
        if (!_knownPool(poolId)) expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        else if (model.poolClosed(poolId)) expected = IContributionRegistry.ContributionRegistryPoolClosed.selector;
        _call(address(this), address(coop.registry), abi.encodeCall(coop.registry.closePool, (poolId)), expected);
        if (expected == OK) model.setPoolClosed(poolId, true);
    }

    function reopenPool(uint256 poolSeed) external {
        uint256 poolId = _anyPoolId(poolSeed);
        bytes4 expected = OK;
        if (!_knownPool(poolId)) expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        else if (!model.poolClosed(poolId)) {
            expected = IContributionRegistry.ContributionRegistryPoolAlreadyOpen.selector;
        }
        _call(address(this), address(coop.registry), abi.encodeCall(coop.registry.reopenPool, (poolId)), expected);
        if (expected == OK) model.setPoolClosed(poolId, false);
    }

    /// @notice Anyone releases the reserve: all of what accrued goes to the treasury.
    function releaseReserve(uint256 callerSeed) external {
        (,, uint256 accrued,) = coop.distributor.totals();
        address treasury = coop.distributor.treasury();
        uint256 before = coop.usd.balanceOf(treasury);
        bytes memory ret = _call(
            Actors.contributor(callerSeed), address(coop.distributor), abi.encodeCall(coop.distributor.releaseReserve, ()), OK
        );
        uint256 amount = abi.decode(ret, (uint256));
        vm.assertEq(amount, accrued, "releaseReserve: all that accrued");
        vm.assertEq(coop.usd.balanceOf(treasury) - before, amount, "releaseReserve: to the treasury");
        model.recordReleased(amount);
    }

    function passTime(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, MAX_TIME_STEP));
    }
}
