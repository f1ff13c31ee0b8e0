// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ContributionRegistry} from "../../../contracts/ContributionRegistry.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {IRevenueDistributor} from "../../../contracts/interfaces/IRevenueDistributor.sol";
import {CidLib} from "../../../contracts/libraries/CidLib.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";

/// @notice forge's `expectEmit(address)`, which the shared utils/Vm.sol does not declare.
interface VmExpectEmit {
    /// @notice The next event emitted by `emitter` must equal the one emitted after this call.
    /// @param emitter The contract expected to emit it.
    function expectEmit(address emitter) external;
}

/// @notice A smart-contract wallet (ERC-1271) whose owner's ECDSA signature is its own.
contract OwnedWallet is IERC1271 {
    address private immutable _owner;

    constructor(address owner_) {
        _owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer,,) = ECDSA.tryRecover(hash, signature);
        return signer == _owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}

/// @title RegistryRules
/// @notice ContributionRegistry's rules one at a time, on the bootstrapped cooperative: each
/// refusal with its exact custom error, and each effect (state, events, tokens, pool units,
/// curation units) of pools, submissions, curation, revocation, governance's overturns and
/// credit removals, and members' consent signatures (the batch path is BatchRules').
contract RegistryRules is CooperativeFixture {
    uint256 private constant POOL = 1;
    uint256 private constant OTHER_POOL = 2;
    uint48 private constant MAX_WEIGHT = 100;
    bytes32 private constant ADMIN_ROLE = 0x00;

    ContributionRegistry private registry;
    address private alice;
    address private bob;
    /// @dev A WORKER with CURATOR_ROLE only; the fixture's other curator is also an aggregator.
    address private curator;
    address private aggregatorCurator;
    address private aggregator;
    address private outsider;
    bytes private manifest;

    function setUp() public {
        _deployCooperative();
        registry = coop.registry;
        alice = Actors.member(0);
        bob = Actors.member(1);
        curator = Actors.curator(1);
        aggregatorCurator = Actors.curator(0);
        aggregator = Actors.aggregator();
        outsider = Actors.outsider();
        manifest = Cids.inForm(Cids.Form.V1_RAW, keccak256("manifest"));
        coop.usd.mint(Actors.buyer(0), 1e12);
        vm.prank(Actors.buyer(0));
        coop.usd.approve(address(coop.market), type(uint256).max);
    }

    // -- wiring and pools ---------------------------------------------------------------------

    /// @notice The registry names the contracts it was deployed with, and starts with the
    /// fixture's three pools, no batch, and the default curation cap.
    function test_wiringAndDefaults() public view {
        vm.assertEq(address(registry.membership()), address(coop.membership), "membership");
        vm.assertEq(address(registry.contributionToken()), address(coop.token), "token");
        vm.assertEq(address(registry.revenueDistributor()), address(coop.distributor), "distributor");
        vm.assertEq(registry.curationCap(), registry.DEFAULT_CURATION_CAP(), "default cap");
        vm.assertEq(registry.CURATION_EPOCH(), 1 days, "a day per curation epoch");
        vm.assertEq(registry.poolCount(), POOL_COUNT, "the fixture's pools");
        vm.assertEq(registry.batchCount(), 0, "no batch");
        vm.assertEq(registry.poolMaxWeight(POOL), registry.DEFAULT_MAX_WEIGHT(), "default maximum");
    }

    /// @notice A new pool takes the next id, its name and metadata, opens, and gets the default
    /// maximum weight, with both events.
    function test_createPoolOpensWithTheDefaultMaximum() public {
        uint256 expected = POOL_COUNT + 1;
        _expectEmit();
        emit IContributionRegistry.PoolCreated(expected, "stories", "ipfs://about");
        _expectEmit();
        emit IContributionRegistry.PoolMaxWeightSet(expected, MAX_WEIGHT);
        vm.assertEq(registry.createPool("stories", "ipfs://about"), expected, "next id");

        vm.assertEq(registry.poolCount(), expected, "counted");
        (string memory name, string memory metadata, bool open,,,) = registry.pool(expected);
        vm.assertEq(keccak256(bytes(name)), keccak256("stories"), "name");
        vm.assertEq(keccak256(bytes(metadata)), keccak256("ipfs://about"), "metadata");
        vm.assertTrue(open, "open");
        _assertPool(expected, 0, 0, 0);
        vm.assertEq(registry.poolMaxWeight(expected), MAX_WEIGHT, "default maximum");
    }

    /// @notice A pool needs a name, and only the admin creates one.
    function test_createPoolRefusals() public {
        vm.expectRevert(IContributionRegistry.ContributionRegistryEmptyPoolName.selector);
        registry.createPool("", "metadata alone");
        _expectUnauthorized(alice, ADMIN_ROLE);
        vm.prank(alice);
        registry.createPool("alice's pool", "");
        vm.assertEq(registry.poolCount(), POOL_COUNT, "no pool created");
    }

    /// @notice A pool's maximum weight is from 1 to MAX_WEIGHT_CEILING, set by the admin only,
    /// and bounds later acceptances; weights accepted before stay.
    function test_poolMaxWeightIsBoundedAndAppliesLater() public {
        uint256 ceiling = registry.MAX_WEIGHT_CEILING();
        vm.assertEq(ceiling, 10_000, "ceiling");
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidMaxWeight.selector, 0));
        registry.setPoolMaxWeight(POOL, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidMaxWeight.selector, ceiling + 1)
        );
        registry.setPoolMaxWeight(POOL, ceiling + 1);
        _expectUnauthorized(curator, ADMIN_ROLE);
        vm.prank(curator);
        registry.setPoolMaxWeight(POOL, 50);
        vm.assertEq(registry.poolMaxWeight(POOL), MAX_WEIGHT, "unchanged by the refusals");

        _expectEmit();
        emit IContributionRegistry.PoolMaxWeightSet(POOL, ceiling);
        registry.setPoolMaxWeight(POOL, ceiling);
        vm.assertEq(registry.poolMaxWeight(POOL), ceiling, "the ceiling itself is allowed");
        uint256 heavy = _accepted(alice, "heavy", uint48(ceiling));

        registry.setPoolMaxWeight(POOL, 1);
        vm.assertEq(registry.poolMaxWeight(POOL), 1, "the floor itself is allowed");
        uint256 id = _submit(alice, "light");
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryWeightAboveMax.selector, id, 2, 1)
        );
        vm.prank(curator);
        registry.accept(id, 2);
        (,,, uint48 weight) = registry.contribution(heavy);
        vm.assertEq(weight, ceiling, "accepted before, kept");
    }

    /// @notice The curation cap is from 1 to MAX_CURATION_CAP, set by the admin only.
    function test_curationCapIsBounded() public {
        uint256 maxCap = registry.MAX_CURATION_CAP();
        vm.assertEq(maxCap, 10_000, "ceiling");
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidCurationCap.selector, 0)
        );
        registry.setCurationCap(0);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidCurationCap.selector, maxCap + 1)
        );
        registry.setCurationCap(maxCap + 1);
        _expectUnauthorized(curator, ADMIN_ROLE);
        vm.prank(curator);
        registry.setCurationCap(maxCap);
        vm.assertEq(registry.curationCap(), registry.DEFAULT_CURATION_CAP(), "unchanged by the refusals");

        _expectEmit();
        emit IContributionRegistry.CurationCapSet(maxCap);
        registry.setCurationCap(maxCap);
        vm.assertEq(registry.curationCap(), maxCap, "the ceiling itself is allowed");
        registry.setCurationCap(1);
        vm.assertEq(registry.curationCap(), 1, "the floor itself is allowed");
    }

    /// @notice A closed pool refuses submissions and batches, and closing it again; its pending
    /// contributions can still be curated. Reopened, it takes submissions, and reopening it
    /// again is refused.
    function test_closeAndReopenPool() public {
        uint256 pending = _submit(alice, "before closing");
        _expectEmit();
        emit IContributionRegistry.PoolClosed(POOL);
        registry.closePool(POOL);
        (,, bool open,,,) = registry.pool(POOL);
        vm.assertFalse(open, "closed");

        bytes memory cid = _cid("after closing");
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryPoolClosed.selector, POOL));
        vm.prank(alice);
        registry.submit(POOL, cid);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryPoolClosed.selector, POOL));
        vm.prank(aggregator);
        registry.submitBatch(POOL, curator, keccak256("root"), 1, 1, 0, manifest);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryPoolClosed.selector, POOL));
        registry.closePool(POOL);
        _expectUnauthorized(alice, ADMIN_ROLE);
        vm.prank(alice);
        registry.reopenPool(POOL);
        vm.prank(curator);
        registry.accept(pending, 5);
        _assertContribution(pending, alice, POOL, IContributionRegistry.Status.ACCEPTED, 5);

        _expectEmit();
        emit IContributionRegistry.PoolReopened(POOL);
        registry.reopenPool(POOL);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryPoolAlreadyOpen.selector, POOL)
        );
        registry.reopenPool(POOL);
        vm.prank(alice);
        registry.submit(POOL, cid);
        _assertPool(POOL, 2, 1, 5);
    }

    /// @notice Pool 0 and the pool after the last do not exist, for every function taking a pool.
    function test_unknownPoolsAreRefused() public {
        uint256[2] memory unknown = [uint256(0), POOL_COUNT + 1];
        bytes memory cid = _cid("nowhere");
        for (uint256 i = 0; i < unknown.length; ++i) {
            uint256 poolId = unknown[i];
            bytes memory refusal =
                abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownPool.selector, poolId);
            vm.expectRevert(refusal);
            registry.closePool(poolId);
            vm.expectRevert(refusal);
            registry.reopenPool(poolId);
            vm.expectRevert(refusal);
            registry.setPoolMaxWeight(poolId, 10);
            vm.expectRevert(refusal);
            registry.pool(poolId);
            vm.expectRevert(refusal);
            registry.poolMaxWeight(poolId);
            vm.expectRevert(refusal);
            vm.prank(alice);
            registry.submit(poolId, cid);
            vm.expectRevert(refusal);
            vm.prank(aggregator);
            registry.submitBatch(poolId, curator, keccak256("root"), 1, 1, 0, manifest);
        }
    }

    // -- submissions --------------------------------------------------------------------------

    /// @notice A submission is pending under the id binding its digest to its contributor, the
    /// same for every CID form of the content; another member's id for the content differs.
    function test_submitRegistersAPendingContribution() public {
        bytes32 digest = keccak256("alice's recording");
        bytes memory cid = Cids.inForm(Cids.Form.V1_DAG_PB, digest);
        uint256 expected = Cids.idOf(alice, digest);
        vm.assertEq(registry.contributionId(alice, digest), expected, "contributionId");
        _expectEmit();
        emit IContributionRegistry.ContributionSubmitted(expected, POOL, alice, cid);
        vm.prank(alice);
        vm.assertEq(registry.submit(POOL, cid), expected, "id");

        _assertContribution(expected, alice, POOL, IContributionRegistry.Status.PENDING, 0);
        for (uint256 form = 0; form < Cids.FORM_COUNT - 1; ++form) {
            (uint256 id, IContributionRegistry.Status status) =
                registry.contributionOf(alice, Cids.inForm(Cids.Form(form), digest));
            vm.assertEq(id, expected, "one id whatever the form");
            vm.assertEq(uint256(status), uint256(IContributionRegistry.Status.PENDING), "pending");
        }
        (uint256 bobsId, IContributionRegistry.Status bobsStatus) = registry.contributionOf(bob, cid);
        vm.assertEq(bobsId, Cids.idOf(bob, digest), "bob's id for the same content");
        vm.assertEq(uint256(bobsStatus), uint256(IContributionRegistry.Status.NONE), "bob registered nothing");
        _assertPool(POOL, 1, 0, 0);
    }

    /// @notice A contributor registers a content once (in any form, any pool, even after
    /// revoking it); another member's copy is their own contribution; non-members and
    /// malformed CIDs are refused.
    function test_submitRefusals() public {
        bytes32 digest = keccak256("alice's photo");
        vm.prank(alice);
        uint256 id = registry.submit(POOL, Cids.inForm(Cids.Form.V0, digest));
        bytes memory otherForm = Cids.inForm(Cids.Form.V1_RAW, digest);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, id, alice)
        );
        vm.prank(alice);
        registry.submit(OTHER_POOL, otherForm);

        vm.prank(bob);
        uint256 copy = registry.submit(OTHER_POOL, otherForm);
        vm.assertTrue(copy != id, "bob's copy is bob's own");
        _assertContribution(copy, bob, OTHER_POOL, IContributionRegistry.Status.PENDING, 0);

        vm.prank(alice);
        registry.revoke(id);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, id, alice)
        );
        vm.prank(alice);
        registry.submit(POOL, otherForm);

        bytes memory cid = _cid("an outsider's");
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotMember.selector, outsider));
        vm.prank(outsider);
        registry.submit(POOL, cid);
        bytes memory malformed = Cids.inForm(Cids.Form.MALFORMED, digest);
        vm.expectRevert(abi.encodeWithSelector(CidLib.CidLibTruncated.selector, 33, 34));
        vm.prank(alice);
        registry.submit(POOL, malformed);
        _assertPool(POOL, 1, 0, 0);
    }

    // -- curation -----------------------------------------------------------------------------

    /// @notice Accepting mints the weight to the contributor, adds it to their units in the
    /// pool, and credits the curator one unit of curation work in this epoch.
    function test_acceptMintsTheWeightAndCreditsTheCurator() public {
        uint256 id = _submit(alice, "accepted");
        uint256 epoch = block.timestamp / registry.CURATION_EPOCH();
        _expectEmit();
        emit IContributionRegistry.ContributionAccepted(id, POOL, curator, alice, 60);
        _expectEmit();
        emit IContributionRegistry.ReviewCredited(curator, epoch, 1);
        vm.prank(curator);
        registry.accept(id, 60);

        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, 60);
        _assertPool(POOL, 1, 1, 60);
        _assertWeighed(alice, 60, "minted");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "one unit of work");
        vm.assertEq(registry.reviewsInEpoch(curator, epoch), 1, "one review this epoch");
        vm.assertEq(registry.reviewsInEpoch(curator, epoch + 1), 0, "none in another");
    }

    /// @notice Rejecting mints nothing and earns the curator the same unit as accepting; a
    /// verdict is final.
    function test_rejectEarnsTheSameUnitAndMintsNothing() public {
        uint256 id = _submit(alice, "rejected");
        uint256 epoch = block.timestamp / registry.CURATION_EPOCH();
        _expectEmit();
        emit IContributionRegistry.ContributionRejected(id, POOL, curator, alice, "off topic");
        _expectEmit();
        emit IContributionRegistry.ReviewCredited(curator, epoch, 1);
        vm.prank(curator);
        registry.reject(id, "off topic");

        _assertContribution(id, alice, POOL, IContributionRegistry.Status.REJECTED, 0);
        _assertPool(POOL, 1, 0, 0);
        _assertWeighed(alice, 0, "nothing minted");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "one unit of work");

        bytes memory notPending = abi.encodeWithSelector(
            IContributionRegistry.ContributionRegistryNotPending.selector, id, IContributionRegistry.Status.REJECTED
        );
        _expectVerdictsRefused(aggregatorCurator, id, notPending);
    }

    /// @notice Curation refuses unknown and already curated contributions, weights outside
    /// 1..maximum, callers without CURATOR_ROLE, and curators reviewing their own work.
    function test_curationRefusals() public {
        uint256 id = _submit(alice, "to curate");
        uint256 unknown = id ^ 1;
        bytes memory unknownRefusal =
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownContribution.selector, unknown);
        _expectVerdictsRefused(curator, unknown, unknownRefusal);

        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryZeroWeight.selector, id));
        vm.prank(curator);
        registry.accept(id, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryWeightAboveMax.selector, id, MAX_WEIGHT + 1, MAX_WEIGHT
            )
        );
        vm.prank(curator);
        registry.accept(id, MAX_WEIGHT + 1);

        bytes32 curatorRole = registry.CURATOR_ROLE();
        _expectVerdictsRefused(bob, id, _unauthorized(bob, curatorRole));

        uint256 own = _submit(curator, "the curator's own");
        bytes memory selfCuration =
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistrySelfCuration.selector, own, curator);
        _expectVerdictsRefused(curator, own, selfCuration);

        vm.prank(curator);
        registry.accept(id, MAX_WEIGHT);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotPending.selector, id, IContributionRegistry.Status.ACCEPTED
            )
        );
        vm.prank(aggregatorCurator);
        registry.accept(id, 1);
        _assertContribution(own, curator, POOL, IContributionRegistry.Status.PENDING, 0);
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, MAX_WEIGHT);
    }

    /// @notice CURATOR_ROLE is not enough: a curator moved out of the WORKER class, or who left
    /// the cooperative, can neither accept nor reject.
    function test_curatorMustBeAnActiveWorker() public {
        uint256 id = _submit(alice, "to curate");
        coop.membership.changeClass(curator, IMembership.StakeholderClass.FUNDER);
        vm.assertFalse(registry.isCurator(curator), "a funder does not curate");
        _expectVerdictsRefused(curator, id, _notWorker(curator, true, IMembership.StakeholderClass.FUNDER));

        vm.prank(curator);
        coop.membership.leave();
        _expectVerdictsRefused(curator, id, _notWorker(curator, false, IMembership.StakeholderClass.PRODUCER));
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.PENDING, 0);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 0, "no unit of work");
    }

    /// @notice Nothing is minted to a contributor who left the cooperative: acceptance is
    /// refused, rejection still possible.
    function test_acceptRefusesAContributorWhoLeft() public {
        uint256 id = _submit(alice, "left behind");
        vm.prank(alice);
        coop.membership.leave();
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryContributorNotMember.selector, id, alice)
        );
        vm.prank(curator);
        registry.accept(id, 1);
        vm.prank(curator);
        registry.reject(id, "the contributor left");
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.REJECTED, 0);
        _assertWeighed(alice, 0, "nothing minted");
    }

    /// @notice A curator is credited for at most the cap's reviews per epoch, accepting and
    /// rejecting alike; the refused review changes nothing, other curators are not held back,
    /// and the next epoch starts the count again.
    function test_curationCapBoundsReviewsPerEpoch() public {
        registry.setCurationCap(2);
        uint256[4] memory ids;
        for (uint256 i = 0; i < ids.length; ++i) {
            ids[i] = _submit(alice, string.concat("capped ", vm.toString(i)));
        }
        uint256 epoch = block.timestamp / registry.CURATION_EPOCH();
        vm.startPrank(curator);
        registry.accept(ids[0], 1);
        registry.reject(ids[1], "");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryCurationCapReached.selector, curator, epoch, 2
            )
        );
        registry.accept(ids[2], 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryCurationCapReached.selector, curator, epoch, 2
            )
        );
        registry.reject(ids[2], "");
        vm.stopPrank();
        _assertContribution(ids[2], alice, POOL, IContributionRegistry.Status.PENDING, 0);
        vm.assertEq(registry.reviewsInEpoch(curator, epoch), 2, "two reviews");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 2, "two units");

        vm.prank(aggregatorCurator);
        registry.accept(ids[2], 1);
        vm.assertEq(registry.reviewsInEpoch(aggregatorCurator, epoch), 1, "the cap is per curator");

        vm.warp((epoch + 1) * registry.CURATION_EPOCH());
        _expectEmit();
        emit IContributionRegistry.ReviewCredited(curator, epoch + 1, 1);
        vm.prank(curator);
        registry.accept(ids[3], 1);
        vm.assertEq(registry.reviewsInEpoch(curator, epoch + 1), 1, "a new epoch, a new count");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 3, "three units in all");
    }

    // -- revocation ---------------------------------------------------------------------------

    /// @notice Revoking an accepted contribution burns its weight and removes its pool units;
    /// the curator keeps the unit of work. Revocation is final.
    function test_revokeAcceptedBurnsItsWeight() public {
        uint256 id = _accepted(alice, "revoked", 60);
        _accepted(bob, "kept", 40);
        _expectEmit();
        emit IContributionRegistry.ContributionRevoked(id, POOL, alice, 60);
        vm.prank(alice);
        registry.revoke(id);

        _assertContribution(id, alice, POOL, IContributionRegistry.Status.REVOKED, 60);
        _assertPool(POOL, 2, 1, 40);
        _assertWeighed(alice, 0, "burnt");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 2, "the reviews were done");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotRevocable.selector,
                id,
                IContributionRegistry.Status.REVOKED
            )
        );
        vm.prank(alice);
        registry.revoke(id);
    }

    /// @notice Revoking a pending or a rejected contribution removes nothing, and needs no
    /// membership.
    function test_revokePendingOrRejectedRemovesNothing() public {
        uint256 pending = _submit(alice, "pending");
        uint256 rejected = _submit(alice, "rejected");
        vm.prank(curator);
        registry.reject(rejected, "");
        _accepted(alice, "kept", 30);

        _expectEmit();
        emit IContributionRegistry.ContributionRevoked(pending, POOL, alice, 0);
        vm.prank(alice);
        registry.revoke(pending);
        vm.prank(alice);
        coop.membership.leave();
        _expectEmit();
        emit IContributionRegistry.ContributionRevoked(rejected, POOL, alice, 0);
        vm.prank(alice);
        registry.revoke(rejected);

        _assertContribution(pending, alice, POOL, IContributionRegistry.Status.REVOKED, 0);
        _assertContribution(rejected, alice, POOL, IContributionRegistry.Status.REVOKED, 0);
        _assertPool(POOL, 3, 1, 30);
        _assertWeighed(alice, 30, "the accepted one keeps its tokens");
    }

    /// @notice Only the contributor revokes, and only a registered contribution.
    function test_revokeRefusals() public {
        uint256 id = _submit(alice, "alice's");
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownContribution.selector, id ^ 1)
        );
        vm.prank(alice);
        registry.revoke(id ^ 1);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotContributor.selector, id, bob, alice)
        );
        vm.prank(bob);
        registry.revoke(id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotContributor.selector, id, address(this), alice
            )
        );
        registry.revoke(id);
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.PENDING, 0);
    }

    // -- governance: overturns and curation credits -------------------------------------------

    /// @notice Whatever the old and new weights, an overturn leaves the contributor exactly the
    /// new weight in tokens and pool units, and the pool's counts with it; 0 rejects.
    function testFuzz_overturnMovesTokensAndUnitsToTheNewWeight(uint256 oldSeed, uint256 newSeed) public {
        uint48 oldWeight = uint48(bound(oldSeed, 1, MAX_WEIGHT));
        uint48 newWeight = uint48(bound(newSeed, 0, MAX_WEIGHT));
        uint256 id = _accepted(alice, "reviewed again", oldWeight);
        _expectEmit();
        emit IContributionRegistry.ContributionOverturned(id, POOL, alice, oldWeight, newWeight);
        registry.overturn(id, newWeight);

        bool rejected = newWeight == 0;
        _assertContribution(
            id,
            alice,
            POOL,
            rejected ? IContributionRegistry.Status.REJECTED : IContributionRegistry.Status.ACCEPTED,
            newWeight
        );
        _assertPool(POOL, 1, rejected ? 0 : 1, newWeight);
        _assertWeighed(alice, newWeight, "the new weight");
    }

    /// @notice Overturning downward settles the contributor's revenue so far, then burns the
    /// difference and removes it from the pool units: later revenue follows the new weight.
    function test_overturnDownwardSettlesThenBurns() public {
        uint256 id = _accepted(alice, "overweighted", 50);
        _accepted(bob, "fair", 50);
        _sell(100); // 70 to the pool: 35 each
        _expectEmit();
        emit IContributionRegistry.ContributionOverturned(id, POOL, alice, 50, 10);
        registry.overturn(id, 10);

        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, 10);
        _assertPool(POOL, 2, 2, 60);
        _assertWeighed(alice, 10, "burnt the difference");
        vm.assertEq(coop.distributor.claimable(POOL, alice), 35, "earned before, kept");
        _sell(120); // 84 to the pool: 10/60 and 50/60
        vm.assertEq(coop.distributor.claimable(POOL, alice), 35 + 14, "alice's share now");
        vm.assertEq(coop.distributor.claimable(POOL, bob), 35 + 70, "bob's share now");
    }

    /// @notice Overturning to 0 rejects the contribution: its tokens and units go, it leaves
    /// the pool's accepted count, and it cannot be overturned again; revoking it then removes
    /// nothing twice.
    function test_overturnToZeroRejects() public {
        uint256 id = _accepted(alice, "sybil", 40);
        _accepted(bob, "fair", 30);
        _expectEmit();
        emit IContributionRegistry.ContributionOverturned(id, POOL, alice, 40, 0);
        registry.overturn(id, 0);

        _assertContribution(id, alice, POOL, IContributionRegistry.Status.REJECTED, 0);
        _assertPool(POOL, 2, 1, 30);
        _assertWeighed(alice, 0, "burnt");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotAccepted.selector,
                id,
                IContributionRegistry.Status.REJECTED
            )
        );
        registry.overturn(id, 5);
        _expectEmit();
        emit IContributionRegistry.ContributionRevoked(id, POOL, alice, 0);
        vm.prank(alice);
        registry.revoke(id);
        _assertPool(POOL, 2, 1, 30);
    }

    /// @notice Only the admin overturns, only an accepted contribution, and never above the
    /// pool's maximum.
    function test_overturnRefusals() public {
        uint256 unknown = Cids.idOf(alice, keccak256("never submitted"));
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownContribution.selector, unknown)
        );
        registry.overturn(unknown, 1);
        uint256 pending = _submit(alice, "pending");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotAccepted.selector,
                pending,
                IContributionRegistry.Status.PENDING
            )
        );
        registry.overturn(pending, 1);

        uint256 id = _accepted(alice, "accepted", 40);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryWeightAboveMax.selector, id, MAX_WEIGHT + 1, MAX_WEIGHT
            )
        );
        registry.overturn(id, MAX_WEIGHT + 1);
        _expectUnauthorized(curator, ADMIN_ROLE);
        vm.prank(curator);
        registry.overturn(id, 1);
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, 40);

        vm.prank(alice);
        registry.revoke(id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotAccepted.selector, id, IContributionRegistry.Status.REVOKED
            )
        );
        registry.overturn(id, 1);
    }

    /// @notice As accept, an overturn mints nothing to a contributor who has left: a higher
    /// weight is refused, while a lower one (or a rejection) still takes units away.
    function test_overturnUpwardRefusedForAContributorWhoLeft() public {
        uint256 id = _accepted(alice, "left", 40);
        vm.prank(alice);
        coop.membership.leave();
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryContributorNotMember.selector, id, alice)
        );
        registry.overturn(id, 41);
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, 40);
        registry.overturn(id, 10);
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, 10);
        vm.assertEq(coop.token.balanceOf(alice), 10, "tokens follow the lower weight");
    }

    /// @notice Governance removes curation units, within what the account holds; what they
    /// earned before stays claimable. Only the admin may.
    function test_removeCurationCredits() public {
        _accepted(alice, "one", 1);
        _accepted(alice, "two", 1);
        _sell(100); // 20 to the workers' pot, whose only units are the curator's
        _expectEmit();
        emit IContributionRegistry.CurationCreditsRemoved(curator, 1, false);
        registry.removeCurationCredits(curator, 1);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "one unit left");
        vm.assertEq(coop.distributor.claimable(workPot, curator), 20, "earned before, kept");

        vm.expectRevert(
            abi.encodeWithSelector(
                IRevenueDistributor.RevenueDistributorInsufficientUnits.selector, workPot, curator, 1, 2
            )
        );
        registry.removeCurationCredits(curator, 2);
        _expectUnauthorized(bob, ADMIN_ROLE);
        vm.prank(bob);
        registry.removeCurationCredits(curator, 1);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "unchanged by the refusals");
    }

    /// @notice Anyone retires every curation unit of an account that no longer curates (it lost
    /// CURATOR_ROLE, or left the WORKER class), never of a current curator; retiring twice
    /// retires nothing.
    function test_retireCurationCredits() public {
        _accepted(alice, "one", 1);
        _accepted(alice, "two", 1);
        uint256 bobs = _submit(bob, "three");
        vm.prank(aggregatorCurator);
        registry.accept(bobs, 1);

        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryStillCurator.selector, curator)
        );
        vm.prank(bob);
        registry.retireCurationCredits(curator);

        registry.revokeRole(registry.CURATOR_ROLE(), curator);
        _expectEmit();
        emit IContributionRegistry.CurationCreditsRemoved(curator, 2, true);
        vm.prank(bob);
        vm.assertEq(registry.retireCurationCredits(curator), 2, "both units retired");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 0, "none left");
        vm.prank(bob);
        vm.assertEq(registry.retireCurationCredits(curator), 0, "nothing left to retire");

        coop.membership.changeClass(aggregatorCurator, IMembership.StakeholderClass.STEWARD);
        vm.prank(bob);
        vm.assertEq(registry.retireCurationCredits(aggregatorCurator), 1, "a steward no longer curates");
        vm.assertEq(coop.distributor.totalUnits(workPot), 0, "the workers' pot is empty");
    }

    /// @notice A curator holds CURATOR_ROLE and is an active WORKER, both, now.
    function test_isCuratorNeedsTheRoleAndAnActiveWorker() public {
        vm.assertTrue(registry.isCurator(curator), "the fixture's curator");
        vm.assertFalse(registry.isCurator(alice), "a member without the role");
        registry.grantRole(registry.CURATOR_ROLE(), alice);
        vm.assertFalse(registry.isCurator(alice), "the role, but a producer");
        coop.membership.changeClass(alice, IMembership.StakeholderClass.WORKER);
        vm.assertTrue(registry.isCurator(alice), "the role and a worker");
        vm.prank(alice);
        coop.membership.leave();
        vm.assertFalse(registry.isCurator(alice), "left the cooperative");
        vm.assertFalse(registry.isCurator(aggregator), "an aggregator is no curator");
    }

    // -- consent ------------------------------------------------------------------------------

    /// @notice A member's consent is an EIP-712 Consent under the registry's domain (ERC-5267):
    /// the registry's digest is the one a wallet signs, the signature verifies, and a consent
    /// for another pool, CID, contributor or deadline, or signed by someone else, does not.
    function test_consentSignatureChecks() public view {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            registry.eip712Domain();
        vm.assertEq(keccak256(bytes(name)), keccak256("Lumbung Registry"), "domain name");
        vm.assertEq(keccak256(bytes(version)), keccak256("1"), "domain version");
        vm.assertEq(chainId, block.chainid, "domain chain");
        vm.assertEq(verifyingContract, address(registry), "domain contract");

        bytes memory cid = _cid("consented");
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = _consentDigest(POOL, cid, alice, deadline);
        vm.assertEq(registry.consentDigest(POOL, cid, alice, deadline), digest, "the wallet's digest");
        bytes memory signature = _sign(Actors.memberKey(0), digest);
        vm.assertTrue(_consents(POOL, cid, alice, deadline, signature), "alice's consent");

        vm.assertFalse(_consents(OTHER_POOL, cid, alice, deadline, signature), "another pool");
        vm.assertFalse(_consents(POOL, _cid("other"), alice, deadline, signature), "another CID");
        vm.assertFalse(_consents(POOL, cid, bob, deadline, signature), "another contributor");
        vm.assertFalse(_consents(POOL, cid, alice, deadline + 1, signature), "another deadline");
        bytes memory bobs = _sign(Actors.memberKey(1), digest);
        vm.assertFalse(_consents(POOL, cid, alice, deadline, bobs), "signed by bob");
        vm.assertFalse(_consents(POOL, cid, alice, deadline, hex"00"), "no signature");
    }

    /// @notice A contract wallet's consent verifies through ERC-1271, and only its owner's.
    function test_contractWalletConsent() public {
        address wallet = address(new OwnedWallet(alice));
        bytes memory cid = _cid("from a wallet");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = registry.consentDigest(POOL, cid, wallet, deadline);
        vm.assertTrue(
            _consents(POOL, cid, wallet, deadline, _sign(Actors.memberKey(0), digest)), "owner signed"
        );
        vm.assertFalse(
            _consents(POOL, cid, wallet, deadline, _sign(Actors.memberKey(1), digest)), "not the owner"
        );
    }

    // -- helpers ------------------------------------------------------------------------------

    /// @dev Whether `signature` is `contributor`'s consent, as anyone checks it against the chain:
    /// the registry's digest, recovered (an EOA) or asked of the wallet (ERC-1271).
    function _consents(uint256 poolId, bytes memory cid, address contributor, uint256 deadline, bytes memory signature)
        private
        view
        returns (bool)
    {
        bytes32 digest = registry.consentDigest(poolId, cid, contributor, deadline);
        if (contributor.code.length != 0) {
            return IERC1271(contributor).isValidSignature(digest, signature) == IERC1271.isValidSignature.selector;
        }
        (address signer,,) = ECDSA.tryRecover(digest, signature);
        return signer == contributor;
    }

    /// @dev The next event the registry emits must be the one the caller emits next.
    function _expectEmit() private {
        VmExpectEmit(address(vm)).expectEmit(address(registry));
    }

    function _expectUnauthorized(address account, bytes32 role) private {
        vm.expectRevert(_unauthorized(account, role));
    }

    function _unauthorized(address account, bytes32 role) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    function _notWorker(address account, bool active, IMembership.StakeholderClass stakeholderClass)
        private
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IContributionRegistry.ContributionRegistryCuratorNotWorker.selector, account, active, stakeholderClass
        );
    }

    /// @dev `caller` can neither accept nor reject contribution `id`, refused with `refusal`.
    function _expectVerdictsRefused(address caller, uint256 id, bytes memory refusal) private {
        vm.expectRevert(refusal);
        vm.prank(caller);
        registry.accept(id, 1);
        vm.expectRevert(refusal);
        vm.prank(caller);
        registry.reject(id, "");
    }

    /// @dev The EIP-712 digest of a Consent under the registry's domain, computed here as a
    /// wallet does (eth_signTypedData_v4).
    function _consentDigest(uint256 poolId, bytes memory cid, address contributor, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Lumbung Registry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Consent(uint256 poolId,bytes cid,address contributor,uint256 deadline)"),
                poolId,
                keccak256(cid),
                contributor,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _cid(string memory seed) private pure returns (bytes memory) {
        return Cids.inForm(Cids.Form.V0, keccak256(bytes(seed)));
    }

    function _submit(address contributor, string memory seed) private returns (uint256 id) {
        vm.prank(contributor);
        id = registry.submit(POOL, _cid(seed));
    }

    /// @dev Submitted by `contributor` to pool 1 and accepted by `curator`.
    function _accepted(address contributor, string memory seed, uint48 weight) private returns (uint256 id) {
        id = _submit(contributor, seed);
        vm.prank(curator);
        registry.accept(id, weight);
    }

    /// @dev One research sale of pool 1 at `price`.
    function _sell(uint128 price) private {
        coop.market.setPrice(POOL, price);
        vm.prank(Actors.buyer(0));
        coop.market.purchase(POOL, RESEARCH, price);
    }

    /// @dev `contributor` holds `weight` contribution tokens and `weight` units in pool 1.
    function _assertWeighed(address contributor, uint256 weight, string memory why) private view {
        vm.assertEq(coop.token.balanceOf(contributor), weight, string.concat(why, ": tokens"));
        vm.assertEq(coop.distributor.unitsOf(POOL, contributor), weight, string.concat(why, ": pool units"));
    }

    function _assertContribution(
        uint256 id,
        address contributor,
        uint256 poolId,
        IContributionRegistry.Status status,
        uint48 weight
    ) private view {
        (
            address storedContributor,
            uint256 storedPool,
            IContributionRegistry.Status storedStatus,
            uint48 storedWeight
        ) = registry.contribution(id);
        vm.assertEq(storedContributor, contributor, "contributor");
        vm.assertEq(storedPool, poolId, "pool");
        vm.assertEq(uint256(storedStatus), uint256(status), "status");
        vm.assertEq(storedWeight, weight, "weight");
    }

    function _assertPool(uint256 poolId, uint256 contributionCount, uint256 acceptedCount, uint256 totalWeight)
        private
        view
    {
        (,,, uint64 storedContributions, uint64 storedAccepted, uint96 storedWeight) = registry.pool(poolId);
        vm.assertEq(storedContributions, contributionCount, "contributions");
        vm.assertEq(storedAccepted, acceptedCount, "accepted");
        vm.assertEq(storedWeight, totalWeight, "total weight");
        vm.assertEq(coop.distributor.totalUnits(poolId), totalWeight, "pool units");
    }
}
