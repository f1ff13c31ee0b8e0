// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

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
import {Actors} from "../utils/Actors.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";

/// @title CooperativeInvariants
/// @notice The adversarial invariant suite against the ungoverned cooperative (issue 13's rules
/// included: bounded weights, committed batches, one unit per review within a cap): every
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

    /// @notice deposited × 1e18 = claimed × 1e18 + Σ earnedScaled + (reserve accrued + released)
    /// × 1e18 + reserve remainder: no wei created or lost.
    function invariant_moneyIsConservedToTheWei() public view {
        (uint256 deposited, uint256 claimed, uint256 accrued, uint256 released) = coop.distributor.totals();
        uint256 rhs = claimed * PRECISION + _sumEarnedScaled() + (accrued + released) * PRECISION
            + coop.distributor.reserveRemainder();
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

    /// @notice The positions of the cast are all the units there are, in every pot, so the sum
    /// in the money invariant leaves nobody out.
    function invariant_castHoldsEveryUnit() public view {
        for (uint256 k = 0; k <= POOL_COUNT; ++k) {
            uint256 pot = _pot(k);
            uint256 sum;
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

    /// @notice Token supply = Σ accepted, unrevoked weights = Σ pool units = Σ pool weights.
    function invariant_supplyEqualsAcceptedWeightEqualsPoolUnits() public view {
        uint256 units;
        uint256 weights;
        for (uint256 p = 1; p <= POOL_COUNT; ++p) {
            units += coop.distributor.totalUnits(p);
            (,,,,, uint96 totalWeight) = coop.registry.pool(p);
            weights += totalWeight;
        }
        uint256 supply = coop.token.totalSupply();
        vm.assertEq(supply, model.totalAcceptedWeight(), "supply = accepted weight (model)");
        vm.assertEq(supply, units, "supply = pool units");
        vm.assertEq(supply, weights, "supply = pool weights");
    }

    /// @notice Each contributor's units in each pool are the sum of their accepted weights there,
    /// and their tokens and votes the sum over pools.
    function invariant_positionsAreAcceptedWeights() public view {
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            address who = Actors.contributor(i);
            uint256 total;
            for (uint256 p = 1; p <= POOL_COUNT; ++p) {
                uint256 weight = model.weightOf(p, who);
                vm.assertEq(coop.distributor.unitsOf(p, who), weight, "units = accepted weights in the pool");
                total += weight;
            }
            vm.assertEq(coop.token.balanceOf(who), total, "tokens = accepted weights");
            vm.assertEq(coop.token.getVotes(who), total, "votes = tokens (own delegate)");
        }
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
    /// each, whatever was reviewed) less the units governance removed or anyone retired.
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
        vm.assertEq(model.reviewCount(), model.totalReviewsCredited(), "one review record per unit credited");
    }

    /// @notice Every credited review is of a real contribution or batch, reviewed on-chain (no
    /// longer pending), by a curator other than its submitter; none is credited twice (the
    /// model refuses a second credit).
    function invariant_reviewsAreOfRealContent() public view {
        uint256 reviews = model.reviewCount();
        for (uint256 r = 0; r < reviews; ++r) {
            CoopModel.Review memory review = model.reviewAt(r);
            if (review.isBatch) {
                (, IContributionRegistry.BatchStatus status, bytes32 root,,, address aggregator, address curator) =
                    coop.registry.batch(review.id);
                vm.assertTrue(root != bytes32(0), "a real batch");
                vm.assertTrue(status != IContributionRegistry.BatchStatus.PENDING, "the batch was curated");
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

    /// @notice Every batch's status and claimed count are the model's.
    function invariant_batchesMatchTheModel() public view {
        uint256 count = model.batchCount();
        vm.assertEq(coop.registry.batchCount(), count, "batch count");
        for (uint256 id = 1; id <= count; ++id) {
            CoopModel.BatchModel memory b = model.batchOf(id);
            (, IContributionRegistry.BatchStatus status,,, uint256 claimed,, address curator) = coop.registry.batch(id);
            vm.assertEq(uint256(status), uint256(b.status), "batch status");
            vm.assertEq(claimed, b.claimedCount, "batch claimed count");
            vm.assertEq(curator, b.curator, "batch curator");
            (uint256 totalWeight, uint256 claimedWeight) = coop.registry.batchWeights(id);
            vm.assertEq(totalWeight, b.totalWeight, "batch committed weight");
            vm.assertEq(claimedWeight, b.claimedWeight, "batch claimed weight");
            vm.assertLe(claimed, b.count, "never more leaves than committed");
            vm.assertLe(claimedWeight, totalWeight, "never more weight than committed");
            vm.assertLe(totalWeight, b.count * coop.registry.MAX_WEIGHT_CEILING(), "committed within the ceiling");
        }
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
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            vm.prank(Actors.contributor(i));
            coop.distributor.claimMany(pots);
        }
        coop.distributor.releaseReserve();
        uint256 left = coop.usd.balanceOf(address(coop.distributor));
        vm.assertEq(
            left * PRECISION, _sumEarnedScaled() + coop.distributor.reserveRemainder(), "only sub-wei remainders left"
        );
        vm.assertLe(left, Actors.CONTRIBUTOR_COUNT * pots.length, "less than a wei per position");
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

    function _pot(uint256 k) private view returns (uint256) {
        return k == POOL_COUNT ? workPot : k + 1;
    }
}
