// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IBatchPots} from "../../../contracts/interfaces/IBatchPots.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {AggregatorHandler} from "../handlers/AggregatorHandler.sol";
import {BuyerHandler} from "../handlers/BuyerHandler.sol";
import {CoopModel} from "../handlers/CoopModel.sol";
import {CuratorHandler} from "../handlers/CuratorHandler.sol";
import {HandlerBase} from "../handlers/HandlerBase.sol";
import {MemberHandler} from "../handlers/MemberHandler.sol";
import {RegistrarHandler} from "../handlers/RegistrarHandler.sol";
import {SettlerHandler} from "../handlers/SettlerHandler.sol";
import {StewardHandler} from "../handlers/StewardHandler.sol";
import {Accumulator} from "../utils/Accumulator.sol";
import {Actors} from "../utils/Actors.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";

/// @title CooperativeInvariants
/// @notice The adversarial invariant suite against the ungoverned cooperative (issue 13's rules
/// included: bounded weights, committed batches, one unit per review within a cap; issue 16's
/// batch pots: batches earning from acceptance, leaves claimed, activated and revoked): every
/// actor's handler acts at random with bounded inputs, good and bad, and after every call the
/// contracts must agree with the model and the money must add up to the wei.
contract CooperativeInvariants is CooperativeFixture {
    function setUp() public {
        _deployCooperative();

        HandlerBase[7] memory handlers = [
            HandlerBase(new MemberHandler(coop, model)),
            new CuratorHandler(coop, model),
            new AggregatorHandler(coop, model),
            new BuyerHandler(coop, model),
            new SettlerHandler(coop, model),
            new RegistrarHandler(coop, model),
            new StewardHandler(coop, model)
        ];
        address steward = address(handlers[6]);
        bytes32 admin = bytes32(0);
        coop.market.grantRole(admin, steward);
        coop.distributor.grantRole(admin, steward);
        coop.registry.grantRole(admin, steward);
        coop.membership.grantRole(admin, steward);
        for (uint256 i = 0; i < handlers.length; ++i) {
            model.addHandler(address(handlers[i]));
            targetHandler(address(handlers[i]), handlers[i].selectors());
        }
    }

    // -- relaying --------------------------------------------------------------------------

    /// @notice The forwarder counted, for every signer, exactly the relayed requests the model saw
    /// executed (a refused one counts nothing), and the gas relayer that sent them was credited
    /// nothing: no tokens, no units, no membership.
    function invariant_relayingCreditsTheSignerAndCountsEachRequest() public view {
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = Actors.contributor(i);
            (uint256 used, uint256 periodStart) = coop.forwarder.relaysUsed(who);
            vm.assertEq(used, model.relaysInPeriod(who, periodStart), "relays counted = relays executed");
            vm.assertLe(used, RELAY_QUOTA, "relays within the quota");
        }
        address relayer = Actors.gasRelayer();
        vm.assertEq(coop.usd.balanceOf(relayer), 0, "the relayer is paid nothing");
        vm.assertEq(coop.token.balanceOf(relayer), 0, "the relayer holds no tokens");
        vm.assertFalse(coop.membership.isMember(relayer), "the relayer is no member");
        for (uint256 k = 0; k <= POOL_COUNT; ++k) {
            vm.assertEq(coop.distributor.unitsOf(_pot(k), relayer), 0, "the relayer holds no units");
        }
    }

    // -- money -----------------------------------------------------------------------------

    /// @notice deposited × 1e18 = claimed × 1e18 + Σ positions' earnedScaled + Σ batches'
    /// batchEarnedScaled + (reserve accrued + released) × 1e18 + reserve remainder: no wei
    /// created or lost.
    function invariant_moneyIsConservedToTheWei() public view {
        (uint256 deposited, uint256 claimed, uint256 accrued, uint256 released) = coop.distributor.totals();
        uint256 rhs = claimed * PRECISION + _sumEarnedScaled() + _sumBatchEarnedScaled() + (accrued + released)
            * PRECISION + coop.distributor.reserveRemainder();
        vm.assertEq(deposited * PRECISION, rhs, "deposited = claimed + earned + reserve, scaled, exactly");
    }

    /// @notice The distributor holds deposited − claimed − released, and each total is what the
    /// handlers saw happen.
    function invariant_distributorHoldsWhatIsOwed() public view {
        (uint256 deposited, uint256 claimed,, uint256 released) = coop.distributor.totals();
        vm.assertEq(
            coop.usd.balanceOf(address(coop.distributor)), deposited - claimed - released, "distributor balance"
        );
        vm.assertEq(deposited, model.deposited(), "deposited = sum of the sales that went through");
        vm.assertEq(claimed, model.paidOut(), "claimed = sum of the claims paid");
        vm.assertEq(released, model.released(), "released = sum of the releases");
    }

    /// @notice The positions of the cast and the earning batches are all the units there are,
    /// in every pot, so the sums in the money invariant leave nobody out.
    function invariant_castHoldsEveryUnit() public view {
        for (uint256 k = 0; k <= POOL_COUNT; ++k) {
            uint256 pot = _pot(k);
            uint256 sum = k == POOL_COUNT ? 0 : _batchUnits(pot);
            for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
                sum += coop.distributor.unitsOf(pot, Actors.contributor(i));
            }
            vm.assertEq(sum, coop.distributor.totalUnits(pot), "pot units = sum of the cast's units");
        }
    }

    /// @notice No sale, refused or not, takes a buyer's or the settler's tokens beyond the price
    /// of the sales that went through.
    function invariant_payersLoseOnlyWhatTheyBought() public view {
        for (uint256 i = 0; i < Actors.BUYER_COUNT; ++i) {
            address buyer = Actors.buyer(i);
            vm.assertEq(coop.usd.balanceOf(buyer), model.expectedBalance(buyer), "buyer balance");
        }
        vm.assertEq(coop.usd.balanceOf(Actors.settler()), model.expectedBalance(Actors.settler()), "settler balance");
    }

    // -- tokens and shares -----------------------------------------------------------------

    /// @notice Token supply = Σ single accepted weights + Σ activated, unrevoked leaf weights;
    /// each pool's weight in the registry = its units in the distributor = its single accepted
    /// weights + its earning batches' units.
    function invariant_supplyAndPoolWeightsAreAcceptedWeights() public view {
        uint256 supply = coop.token.totalSupply();
        vm.assertEq(supply, model.totalAcceptedWeight() + model.totalLeafTokens(), "supply = accepted + activated");
        for (uint256 p = 1; p <= POOL_COUNT; ++p) {
            (,,,,, uint96 totalWeight) = coop.registry.pool(p);
            uint256 units = coop.distributor.totalUnits(p);
            vm.assertEq(totalWeight, units, "pool weight = pool units");
            vm.assertEq(units, model.poolWeight(p) + _batchUnits(p), "pool units = single weights + batch units");
            vm.assertEq(units, model.poolUnits(p), "pool units (model)");
        }
    }

    /// @notice Each contributor's units in each pool are the sum of their single accepted
    /// weights there, and their tokens and votes those summed over pools plus their activated,
    /// unrevoked leaves.
    function invariant_positionsAreAcceptedWeights() public view {
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = Actors.contributor(i);
            uint256 total = model.leafTokens(who);
            for (uint256 p = 1; p <= POOL_COUNT; ++p) {
                uint256 weight = model.weightOf(p, who);
                vm.assertEq(coop.distributor.unitsOf(p, who), weight, "units = accepted weights in the pool");
                total += weight;
            }
            vm.assertEq(coop.token.balanceOf(who), total, "tokens = accepted weights + activated leaves");
            vm.assertEq(coop.token.getVotes(who), total, "votes = tokens (own delegate)");
        }
        vm.assertEq(coop.token.balanceOf(Actors.outsider()), 0, "the outsider activates nothing");
    }

    /// @notice No contributor's pool units above what their bounded weights give: at most the
    /// pool's highest maximum weight per accepted, unrevoked contribution of theirs there.
    function invariant_poolUnitsWithinBoundedWeights() public view {
        for (uint256 p = 1; p <= POOL_COUNT; ++p) {
            uint256 cap = model.highestMaxWeight(p);
            vm.assertLe(cap, coop.registry.MAX_WEIGHT_CEILING(), "no pool maximum above the ceiling");
            for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
                address who = Actors.contributor(i);
                uint256 accepted = model.acceptedCountOf(p, who);
                vm.assertLe(coop.distributor.unitsOf(p, who), accepted * cap, "units <= accepted x pool max");
                vm.assertLe(accepted, coop.distributor.unitsOf(p, who), "each accepted weight is at least 1");
            }
        }
    }

    /// @notice The workers' pot only for real reviews: its units are the reviews credited (one
    /// per contribution, one per accepted leaf and rejection of an accepted batch, none for a
    /// rejected batch) less the units governance removed or anyone retired.
    function invariant_workUnitsAreCreditedReviews() public view {
        vm.assertEq(
            coop.distributor.totalUnits(workPot),
            model.totalReviewsCredited() - model.totalWorkRemoved(),
            "work pot = reviews - removed"
        );
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = Actors.contributor(i);
            vm.assertEq(coop.distributor.unitsOf(workPot, who), model.workUnits(who), "account's work units");
        }
        uint256 units;
        for (uint256 r = 0; r < model.reviewCount(); ++r) {
            CoopModel.Review memory review = model.reviewAt(r);
            if (review.isBatch) {
                CoopModel.BatchModel memory b = model.batchOf(review.id);
                vm.assertEq(review.units, b.count + b.rejected, "a batch: one unit per review it holds");
            } else {
                vm.assertEq(review.units, 1, "a contribution: one unit");
            }
            units += review.units;
        }
        vm.assertEq(units, model.totalReviewsCredited(), "the review records are the units credited");
    }

    /// @notice Every credited review is of a real contribution, reviewed on-chain (no longer
    /// pending) by a curator other than its contributor, or of a batch its designated curator,
    /// not its aggregator, accepted (a rejected batch credits nothing); none is credited twice
    /// (the model refuses a second credit).
    function invariant_reviewsAreOfRealContent() public view {
        uint256 reviews = model.reviewCount();
        for (uint256 r = 0; r < reviews; ++r) {
            CoopModel.Review memory review = model.reviewAt(r);
            if (review.isBatch) {
                (, IContributionRegistry.BatchStatus status,,,, address aggregator, address curator) =
                    coop.registry.batch(review.id);
                vm.assertTrue(
                    status == IContributionRegistry.BatchStatus.ACCEPTED
                        || status == IContributionRegistry.BatchStatus.OVERTURNED,
                    "the batch was accepted"
                );
                vm.assertEq(curator, review.curator, "by the curator credited");
                vm.assertTrue(aggregator != review.curator, "not by its aggregator");
            } else {
                (address contributor,, IContributionRegistry.Status status,) = coop.registry.contribution(review.id);
                vm.assertTrue(status != IContributionRegistry.Status.NONE, "a real contribution");
                vm.assertTrue(status != IContributionRegistry.Status.PENDING, "the contribution was curated");
                vm.assertTrue(contributor != review.curator, "not by its contributor");
            }
        }
    }

    /// @notice Per curator, the reviews of the current epoch are the model's, within the cap
    /// (the cap may have been lowered since: then no further review is credited).
    function invariant_reviewsPerEpochWithinCap() public view {
        uint256 epoch = block.timestamp / coop.registry.CURATION_EPOCH();
        vm.assertEq(coop.registry.curationCap(), model.curationCap(), "curation cap");
        for (uint256 i = 0; i < Actors.CURATOR_COUNT; ++i) {
            address curator = Actors.curator(i);
            vm.assertEq(coop.registry.reviewsInEpoch(curator, epoch), model.reviewsInEpoch(curator, epoch), "reviews");
            vm.assertLe(model.reviewsInEpoch(curator, epoch), coop.registry.MAX_CURATION_CAP(), "under the ceiling");
        }
    }

    // -- registry, market, membership ------------------------------------------------------

    /// @notice Every batch is the model's: its commitment and curation, and the leaves
    /// activated never more than it committed, in count and weight.
    function invariant_batchesMatchTheModel() public view {
        uint256 count = model.batchCount();
        vm.assertEq(coop.registry.batchCount(), count, "batch count");
        for (uint256 id = 1; id <= count; ++id) {
            CoopModel.BatchModel memory b = model.batchOf(id);
            (
                uint256 poolId,
                IContributionRegistry.BatchStatus status,
                bytes32 root,
                uint256 committedCount,
                uint256 rejected,
                address aggregator,
                address curator
            ) = coop.registry.batch(id);
            vm.assertEq(poolId, b.poolId, "batch pool");
            vm.assertEq(uint256(status), uint256(b.status), "batch status");
            vm.assertEq(root, b.root, "batch root");
            vm.assertEq(committedCount, b.count, "batch count");
            vm.assertEq(rejected, b.rejected, "batch rejections");
            vm.assertEq(aggregator, b.aggregator, "batch aggregator");
            vm.assertEq(curator, b.curator, "batch curator");
            vm.assertTrue(curator != aggregator, "the aggregator never curates its batch");
            (uint256 totalWeight, uint256 activatedCount, uint256 activatedWeight) = coop.registry.batchWeights(id);
            vm.assertEq(totalWeight, b.totalWeight, "batch committed weight");
            vm.assertEq(activatedCount, b.activatedCount, "leaves activated");
            vm.assertEq(activatedWeight, b.activatedWeight, "weight activated");
            vm.assertLe(activatedCount, b.count, "never more leaves activated than committed");
            vm.assertLe(activatedWeight, totalWeight, "never more weight activated than committed");
            vm.assertLe(totalWeight, b.count * coop.registry.MAX_WEIGHT_CEILING(), "committed within the ceiling");
        }
    }

    /// @notice Every batch's pot keeps the model's books to the wei: its units, its leaves
    /// claimed (never more than committed, in count and weight), what it paid (never more than
    /// its units earned since acceptance), what it still holds; every actor's holding (a
    /// revoked leaf's weight gone from it) and what it was paid; its curator holds and was paid
    /// nothing from it.
    function invariant_batchPotsKeepTheirBooks() public view {
        uint256 count = model.batchCount();
        for (uint256 id = 1; id <= count; ++id) {
            CoopModel.BatchModel memory b = model.batchOf(id);
            (uint256 poolId, IBatchPots.BatchPotState state,,,,) = coop.distributor.batchPot(id);
            vm.assertEq(uint256(state), uint256(b.potState), "pot state");
            if (state == IBatchPots.BatchPotState.NONE) continue;
            vm.assertEq(poolId, b.poolId, "pot pool");
            _checkPotBooks(id, b);
            _checkHoldings(id, b);
        }
    }

    function _checkPotBooks(uint256 id, CoopModel.BatchModel memory b) private view {
        (,, uint256 units, uint256 claimedCount, uint256 claimedWeight, uint256 paid) = coop.distributor.batchPot(id);
        (uint256 curatorWeight, uint256 curatorOrdinals) = coop.distributor.batchHolding(id, b.curator);
        vm.assertEq(curatorWeight, 0, "the curator holds no weight in its batch");
        vm.assertEq(curatorOrdinals, (1 << 48) - 1, "the curator's holding is marked: every ordinal taken");
        vm.assertEq(units, b.units, "pot units");
        vm.assertEq(claimedCount, b.claimedCount, "leaves claimed");
        vm.assertEq(claimedWeight, b.claimedWeight, "weight claimed");
        vm.assertLe(claimedCount, b.count, "never more leaves claimed than committed");
        vm.assertLe(claimedWeight, b.totalWeight, "never more weight claimed than committed");
        vm.assertLe(units, b.totalWeight, "never more units than committed");
        vm.assertEq(paid, b.paid, "paid");
        uint256 acc = Accumulator.read(address(coop.distributor), b.poolId);
        vm.assertLe(paid * PRECISION, model.entitledScaled(id, acc), "never paid more than it earned");
        vm.assertEq(coop.distributor.batchEarnedScaled(id), model.batchEarnedScaled(id, acc), "pot holds the rest");
    }

    function _checkHoldings(uint256 id, CoopModel.BatchModel memory b) private view {
        uint256 paidToHolders;
        for (uint256 i = 0; i <= Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = i == Actors.CONTRIBUTOR_COUNT ? Actors.outsider() : Actors.contributor(i);
            CoopModel.Holding memory h = model.holdingOf(id, who);
            (uint256 weight, uint256 ordinals) = coop.distributor.batchHolding(id, who);
            if (who == b.curator) continue; // its holding is marked (checked in _checkPotBooks)
            vm.assertEq(weight, h.weight, "holding weight");
            vm.assertEq(ordinals, h.ordinals, "holding ordinals");
            paidToHolders += h.paid;
        }
        vm.assertEq(paidToHolders, b.paid, "the batch paid its leaves' contributors only");
        vm.assertEq(model.holdingOf(id, b.curator).paid, 0, "the curator was paid nothing from it");
        (uint256 curatorWeight,) = coop.distributor.batchHolding(id, b.curator);
        vm.assertEq(curatorWeight, 0, "the curator holds nothing in it");
    }

    /// @notice Each order id settled at most once, to the purchase the model recorded.
    function invariant_ordersSettleExactlyOnce() public view {
        for (uint256 order = 0; order <= Actors.ORDER_COUNT; ++order) {
            vm.assertEq(
                coop.market.purchaseOfOrder(bytes32(order)), model.purchaseOfOrder(bytes32(order)), "order settlement"
            );
        }
        vm.assertEq(coop.market.purchaseCount(), model.purchaseCount(), "purchase count");
    }

    /// @notice Membership status and class counts are the model's.
    function invariant_membershipMatchesTheModel() public view {
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = Actors.contributor(i);
            (bool active, IMembership.StakeholderClass stakeholderClass) = coop.membership.memberStatus(who);
            uint256 status = model.statusOf(who);
            vm.assertEq(active, status != 0, "member active");
            if (active) vm.assertEq(uint256(stakeholderClass) + 1, status, "member class");
        }
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(
                coop.membership.memberCount(IMembership.StakeholderClass(c)), model.classCount(c), "class count"
            );
        }
        vm.assertFalse(coop.membership.isMember(Actors.outsider()), "the outsider never joins");
        vm.assertEq(coop.membership.totalMembers(), model.totalMembers(), "total members");
        uint256 epoch = block.timestamp / coop.membership.VOUCHER_EPOCH();
        uint32[4] memory limits = coop.membership.voucherLimits();
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(limits[c], model.voucherLimit(c), "voucher limit");
            uint256 used = coop.membership.vouchersUsed(IMembership.StakeholderClass(c), epoch);
            vm.assertEq(used, model.vouchersUsed(c, epoch), "vouchers used today");
        }
    }

    /// @notice At the end of every run everyone claims everything and the reserve is released:
    /// what stays in the distributor is sub-wei dust, under one wei per position.
    function afterInvariant() public {
        uint256[] memory pots = new uint256[](POOL_COUNT + 1);
        for (uint256 k = 0; k <= POOL_COUNT; ++k) {
            pots[k] = _pot(k);
        }
        uint256[] memory batches = _earningBatches();
        for (uint256 i = 0; i <= Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = i == Actors.CONTRIBUTOR_COUNT ? Actors.outsider() : Actors.contributor(i);
            vm.startPrank(who);
            coop.distributor.claimMany(pots);
            coop.distributor.claimBatches(batches);
            vm.stopPrank();
            for (uint256 j = 0; j < batches.length; ++j) {
                vm.assertEq(coop.distributor.claimableFromBatch(batches[j], who, 0), 0, "holdings paid up");
            }
        }
        coop.distributor.releaseReserve();
        uint256 left = coop.usd.balanceOf(address(coop.distributor));
        uint256 inBatches = _sumBatchEarnedScaled();
        vm.assertEq(
            left * PRECISION,
            _sumEarnedScaled() + inBatches + coop.distributor.reserveRemainder(),
            "only remainders and unclaimed leaves' revenue left"
        );
        vm.assertLe(
            left * PRECISION - inBatches,
            (Actors.CONTRIBUTOR_COUNT * pots.length + 1) * PRECISION,
            "beside the batches, less than a wei per position"
        );
        invariant_moneyIsConservedToTheWei();
    }

    function _sumEarnedScaled() private view returns (uint256 sum) {
        for (uint256 k = 0; k <= POOL_COUNT; ++k) {
            uint256 pot = _pot(k);
            for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
                sum += coop.distributor.earnedScaled(pot, Actors.contributor(i));
            }
        }
    }

    function _sumBatchEarnedScaled() private view returns (uint256 sum) {
        uint256 count = model.batchCount();
        for (uint256 id = 1; id <= count; ++id) {
            sum += coop.distributor.batchEarnedScaled(id);
        }
    }

    /// @dev The units of the batches earning in pool `poolId`.
    function _batchUnits(uint256 poolId) private view returns (uint256 sum) {
        uint256 count = model.batchCount();
        for (uint256 id = 1; id <= count; ++id) {
            (uint256 batchPool, IBatchPots.BatchPotState state, uint256 units,,,) = coop.distributor.batchPot(id);
            if (state == IBatchPots.BatchPotState.EARNING && batchPool == poolId) sum += units;
        }
    }

    /// @dev Every batch whose pot was opened.
    function _earningBatches() private view returns (uint256[] memory ids) {
        uint256 count = model.batchCount();
        ids = new uint256[](count);
        uint256 n;
        for (uint256 id = 1; id <= count; ++id) {
            if (model.batchOf(id).potState != IBatchPots.BatchPotState.NONE) ids[n++] = id;
        }
        assembly ("memory-safe") {
            mstore(ids, n)
        }
    }

    function _pot(uint256 k) private view returns (uint256) {
        return k == POOL_COUNT ? workPot : k + 1;
    }
}
