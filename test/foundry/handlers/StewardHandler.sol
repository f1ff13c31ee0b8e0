// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IDataMarket} from "../../../contracts/interfaces/IDataMarket.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {IRevenueDistributor} from "../../../contracts/interfaces/IRevenueDistributor.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title StewardHandler
/// @notice What governance does, with the admin role of the market, the distributor, the
/// registry and the membership: splits (within and out of bounds), listings (pool 0 and the work
/// pot too) and prices, strikes, closing and reopening pools, pool maximum weights and the
/// curation cap, overturning contributions and batches, removing curation units, expelling
/// members, voucher limits; plus what anyone may do, releasing the reserve, and the passing of
/// time.
contract StewardHandler is HandlerBase {
    uint256 private constant _BPS = 10_000;
    uint256 private constant _MIN_CONTRIBUTORS = 5_000;
    uint256 private constant _MIN_WORKERS = 500;
    uint256 private constant _MAX_RESERVE = 3_000;
    uint256 private constant _MAX_WEIGHT_CEILING = 10_000;
    uint256 private constant _MAX_CURATION_CAP = 10_000;
    uint256 private constant _MAX_VOUCHERS = 10_000;
    uint256 internal constant MAX_PRICE = 1e8;
    uint256 internal constant MAX_TIME_STEP = 3 days;

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](18);
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
        s[10] = this.setPoolMaxWeight.selector;
        s[11] = this.setCurationCap.selector;
        s[12] = this.overturn.selector;
        s[13] = this.overturnBatch.selector;
        s[14] = this.removeCurationCredits.selector;
        s[15] = this.expel.selector;
        s[16] = this.setVoucherLimits.selector;
        s[17] = this.passTime.selector; // twice: caps and voucher limits are per day
    }

    /// @notice Half the time a split within the bounds, else any split summing to 100 %.
    function setSplit(uint256 contributorsSeed, uint256 workersSeed) external {
        uint256 contributors;
        uint256 workers;
        if (contributorsSeed % 2 == 0) {
            contributors = bound(contributorsSeed >> 1, _MIN_CONTRIBUTORS, _BPS - _MIN_WORKERS);
            uint256 minWorkers = _BPS - contributors > _MAX_RESERVE ? _BPS - contributors - _MAX_RESERVE : 0;
            workers = bound(workersSeed, minWorkers < _MIN_WORKERS ? _MIN_WORKERS : minWorkers, _BPS - contributors);
        } else {
            contributors = bound(contributorsSeed >> 1, 0, _BPS);
            workers = bound(workersSeed, 0, _BPS - contributors);
        }
        uint256 reserve = _BPS - contributors - workers;
        bytes4 expected = contributors < _MIN_CONTRIBUTORS || workers < _MIN_WORKERS || reserve > _MAX_RESERVE
            ? IRevenueDistributor.RevenueDistributorSplitOutOfBounds.selector
            : OK;
        _call(
            address(this),
            address(coop.distributor),
            abi.encodeCall(coop.distributor.setSplit, (uint16(contributors), uint16(workers), uint16(reserve))),
            expected
        );
    }

    /// @notice Lists a pool; a zero price or no purpose is refused, and so are pool 0 and the
    /// work pot, which hold no content; a quarter are inactive.
    function setListing(uint256 poolSeed, uint256 priceSeed, uint256 purposesSeed, uint256 activeSeed) external {
        uint256 poolId = bound(poolSeed, 1, POOL_COUNT);
        if (poolSeed % 16 == 0) poolId = (poolSeed >> 4) % 2 == 0 ? 0 : coop.distributor.WORK_POT();
        uint128 price = uint128(bound(priceSeed, 0, MAX_PRICE));
        uint64 purposes = uint64(bound(purposesSeed, 0, 7));
        bool active = activeSeed % 4 != 0;
        bytes4 expected = OK;
        if (price == 0 || purposes == 0) expected = IDataMarket.DataMarketInvalidListing.selector;
        else if (!_knownPool(poolId)) expected = IDataMarket.DataMarketNoContent.selector;
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
        if (!_knownPool(poolId)) {
            expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        } else if (!model.poolClosed(poolId)) {
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
            Actors.contributor(callerSeed),
            address(coop.distributor),
            abi.encodeCall(coop.distributor.releaseReserve, ()),
            OK
        );
        uint256 amount = abi.decode(ret, (uint256));
        vm.assertEq(amount, accrued, "releaseReserve: all that accrued");
        vm.assertEq(coop.usd.balanceOf(treasury) - before, amount, "releaseReserve: to the treasury");
        model.recordReleased(amount);
    }

    function passTime(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, MAX_TIME_STEP));
    }

    /// @notice A pool's maximum weight: mostly around the default, sometimes 0 or past the ceiling.
    function setPoolMaxWeight(uint256 poolSeed, uint256 maxSeed) external {
        uint256 poolId = _anyPoolId(poolSeed);
        uint256 maxWeight = maxSeed % 8 == 0
            ? ((maxSeed >> 3) % 2 == 0 ? 0 : _MAX_WEIGHT_CEILING + 1)
            : bound(maxSeed >> 3, 1, 2 * model.DEFAULT_MAX_WEIGHT());
        if (maxSeed % 8 == 1) maxWeight = _MAX_WEIGHT_CEILING;
        bytes4 expected = OK;
        if (!_knownPool(poolId)) {
            expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        } else if (maxWeight == 0 || maxWeight > _MAX_WEIGHT_CEILING) {
            expected = IContributionRegistry.ContributionRegistryInvalidMaxWeight.selector;
        }
        _call(
            address(this),
            address(coop.registry),
            abi.encodeCall(coop.registry.setPoolMaxWeight, (poolId, maxWeight)),
            expected
        );
        if (expected == OK) model.setPoolMaxWeight(poolId, maxWeight);
    }

    /// @notice The curation cap: often small (so curators reach it), sometimes 0 or too large.
    function setCurationCap(uint256 capSeed) external {
        uint256 cap = capSeed % 8 == 0 ? ((capSeed >> 3) % 2 == 0 ? 0 : _MAX_CURATION_CAP + 1) : _validCap(capSeed >> 3);
        bytes4 expected = cap == 0 || cap > _MAX_CURATION_CAP
            ? IContributionRegistry.ContributionRegistryInvalidCurationCap.selector
            : OK;
        _call(address(this), address(coop.registry), abi.encodeCall(coop.registry.setCurationCap, (cap)), expected);
        if (expected == OK) model.setCurationCap(cap);
    }

    /// @dev A cap the handlers meet: half the time 1 to 6 (single reviews reach it), else 7 to 24
    /// (a batch's reviews fit, or reach it).
    function _validCap(uint256 seed) private pure returns (uint256) {
        return seed % 2 == 0 ? bound(seed >> 1, 1, 6) : bound(seed >> 1, 7, 24);
    }

    /// @notice Governance re-weighs an accepted contribution within the pool's maximum, or
    /// (a quarter of the time) rejects it; the contributor keeps what it earned before, and one
    /// who has left gets no higher weight.
    function overturn(uint256 idSeed, uint256 weightSeed) external {
        uint256 id = model.idCount() == 0 || idSeed % 16 == 0
            ? uint256(keccak256(abi.encode("unknown", idSeed)))
            : model.idAt(idSeed >> 4);
        CoopModel.Entry memory e = model.entry(id);
        uint48 newWeight = weightSeed % 4 == 0 ? 0 : _fuzzWeight(weightSeed >> 2, e.poolId);
        bytes4 expected = OK;
        if (e.status == IContributionRegistry.Status.NONE) {
            expected = IContributionRegistry.ContributionRegistryUnknownContribution.selector;
        } else if (e.status != IContributionRegistry.Status.ACCEPTED) {
            expected = IContributionRegistry.ContributionRegistryNotAccepted.selector;
        } else if (newWeight > model.poolMaxWeight(e.poolId)) {
            expected = IContributionRegistry.ContributionRegistryWeightAboveMax.selector;
        } else if (newWeight > e.weight && model.statusOf(e.contributor) == 0) {
            expected = IContributionRegistry.ContributionRegistryContributorNotMember.selector;
        }
        uint256 earnedBefore = coop.distributor.earnedScaled(e.poolId, e.contributor);
        _call(address(this), address(coop.registry), abi.encodeCall(coop.registry.overturn, (id, newWeight)), expected);
        if (expected != OK) return;
        model.recordOverturned(id, newWeight);
        vm.assertEq(
            coop.distributor.earnedScaled(e.poolId, e.contributor), earnedBefore, "overturn: earnings kept to the wei"
        );
    }

    /// @notice Governance overturns a pending or accepted batch: an accepted one stops earning
    /// at once, its leaves keeping what they earned before (claimable, to the wei), and its
    /// curator's credit for its reviews is taken back.
    function overturnBatch(uint256 batchSeed) external {
        uint256 batchId = 1 + batchSeed % (model.batchCount() + 1);
        CoopModel.BatchModel memory b = model.batchOf(batchId);
        bytes4 expected = OK;
        if (b.status == IContributionRegistry.BatchStatus.NONE) {
            expected = IContributionRegistry.ContributionRegistryUnknownBatch.selector;
        } else if (
            b.status != IContributionRegistry.BatchStatus.PENDING
                && b.status != IContributionRegistry.BatchStatus.ACCEPTED
        ) {
            expected = IContributionRegistry.ContributionRegistryBatchNotAccepted.selector;
        }
        uint256 earnedBefore = coop.distributor.batchEarnedScaled(batchId);
        _call(
            address(this),
            address(coop.registry),
            abi.encodeCall(coop.registry.overturnBatch, (batchId, "fuzzed")),
            expected
        );
        if (expected != OK) return;
        if (b.status == IContributionRegistry.BatchStatus.ACCEPTED) {
            // The curator's credit for the batch's reviews goes, as far as it still holds it.
            uint256 held = model.workUnits(b.curator);
            uint256 reviews = uint256(b.count) + b.rejected;
            model.removeWork(b.curator, reviews < held ? reviews : held);
        }
        model.recordBatchOverturned(batchId, _poolAcc(b.poolId));
        vm.assertEq(coop.distributor.batchEarnedScaled(batchId), earnedBefore, "overturn: the batch keeps its earnings");
    }

    /// @notice Governance removes some of an account's work units (more than it holds: refused).
    function removeCurationCredits(uint256 accountSeed, uint256 unitsSeed) external {
        address account = Actors.contributor(accountSeed);
        uint256 held = model.workUnits(account);
        uint256 units = bound(unitsSeed, 0, held + 1);
        bytes4 expected = units > held ? IRevenueDistributor.RevenueDistributorInsufficientUnits.selector : OK;
        _call(
            address(this),
            address(coop.registry),
            abi.encodeCall(coop.registry.removeCurationCredits, (account, units)),
            expected
        );
        if (expected == OK) model.removeWork(account, units);
    }

    /// @notice Governance expels a member; a non-member, or the last member, is refused.
    function expel(uint256 memberSeed) external {
        address member = Actors.contributor(memberSeed);
        bytes4 expected = OK;
        if (model.statusOf(member) == 0) expected = IMembership.MembershipNotMember.selector;
        else if (model.totalMembers() == 1) expected = IMembership.MembershipLastMember.selector;
        _call(address(this), address(coop.membership), abi.encodeCall(coop.membership.expel, (member)), expected);
        if (expected == OK) model.recordLeft(member);
    }

    /// @notice Voucher limits per class and day: small (so they are reached), sometimes too large.
    function setVoucherLimits(uint256 seed) external {
        uint32[4] memory limits;
        bool tooLarge = seed % 16 == 0;
        for (uint256 c = 0; c < 4; ++c) {
            limits[c] = uint32(bound(seed >> (8 * c + 4), 0, 3));
        }
        if (tooLarge) limits[(seed >> 40) % 4] = uint32(_MAX_VOUCHERS + 1);
        bytes4 expected = tooLarge ? IMembership.MembershipInvalidVoucherLimit.selector : OK;
        _call(
            address(this),
            address(coop.membership),
            abi.encodeCall(coop.membership.setVoucherLimits, (limits)),
            expected
        );
        if (expected == OK) model.setVoucherLimits(limits);
    }
}
