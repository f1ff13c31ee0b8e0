// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ContributionRegistry} from "../../../contracts/ContributionRegistry.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {IRevenueDistributor} from "../../../contracts/interfaces/IRevenueDistributor.sol";
import {CidLib} from "../../../contracts/libraries/CidLib.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";
import {TwoLeafTree} from "../utils/TwoLeafTree.sol";

/// @notice forge's `expectEmit(address)`, which the shared utils/Vm.sol does not declare.
interface VmExpectEmit {
    /// @notice The next event emitted by `emitter` must equal the one emitted after this call.
    /// @param emitter The contract expected to emit it.
    function expectEmit(address emitter) external;
}

/// @title RegistryRules
/// @notice ContributionRegistry's rules one at a time, on the bootstrapped cooperative: each
/// refusal with its exact custom error, and each effect (state, events, tokens, pool units,
/// curation units) of pools, submissions, curation, revocation, governance's overturns and
/// credit removals, and batches from submission to claims and their overturn.
contract RegistryRules is CooperativeFixture {
    uint256 private constant POOL = 1;
    uint256 private constant OTHER_POOL = 2;
    uint48 private constant MAX_WEIGHT = 100;
    bytes32 private constant ADMIN_ROLE = 0x00;

    /// @dev A three-leaf batch built off-chain by scripts/merkle.py's `batch_tree` (OpenZeppelin's
    /// StandardMerkleTree): alice's leaves (CIDv0 over keccak256("alice 1"), 10) and (CIDv0 over
    /// keccak256("alice 2"), 25), bob's (CIDv0 over keccak256("bob 1"), 20). The proofs are
    /// `batch_claims`' output: alice's multiproof takes her leaves in that order with the proof
    /// [ALICE_MULTIPROOF] and flags [false, true]; bob's proof is [ALICE_1_LEAF, BOB_PROOF_1].
    bytes32 private constant THREE_LEAF_ROOT = 0xcf4cad87ff3c4bc268f3d5dd6382bc1cd90a06d21362228b248ee20519264ca1;
    bytes32 private constant ALICE_1_LEAF = 0x7f50a3784d862581640fcfbb34e6a28024ea55cd0316a9c35fe57dd19f12d166;
    bytes32 private constant ALICE_MULTIPROOF = 0xc9c88fbb03e2065c6eaba555a2cce755db97697f5cbbc0c071a4a0e48479e64a;
    bytes32 private constant BOB_PROOF_1 = 0xdd07e1d39131afe1260dcbbfff5cb06521782fa4022d5916682c6d67540ed6d0;

    ContributionRegistry private registry;
    address private alice;
    address private bob;
    /// @dev A WORKER with CURATOR_ROLE only; the fixture's other curator is also an aggregator.
    address private curator;
    address private aggregatorCurator;
    address private aggregator;
    address private outsider;
    bytes private manifest;

    /// @dev A two-leaf batch: the leaves' CIDs and hashes (each leaf's proof is the other's hash).
    struct TwoLeaves {
        uint256 batchId;
        bytes cidA;
        bytes cidB;
        bytes32 leafA;
        bytes32 leafB;
    }

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
        registry.submitBatch(POOL, keccak256("root"), 1, 1, manifest);
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
            registry.submitBatch(poolId, keccak256("root"), 1, 1, manifest);
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

    // -- batches: submission and curation -----------------------------------------------------

    /// @notice A batch is recorded pending with its root, count, committed weight and
    /// aggregator; nothing is registered yet.
    function test_submitBatchRecordsAPendingBatch() public {
        bytes32 root = keccak256("root");
        _expectEmit();
        emit IContributionRegistry.BatchSubmitted(1, POOL, root, 3, 150, manifest, aggregator);
        vm.prank(aggregator);
        vm.assertEq(registry.submitBatch(POOL, root, 3, 150, manifest), 1, "the first batch");

        vm.assertEq(registry.batchCount(), 1, "counted");
        _assertBatch(1, IContributionRegistry.BatchStatus.PENDING, 0, address(0));
        (uint256 poolId,, bytes32 storedRoot, uint256 count,, address storedAggregator,) = registry.batch(1);
        vm.assertEq(poolId, POOL, "pool");
        vm.assertEq(storedRoot, root, "root");
        vm.assertEq(count, 3, "count");
        vm.assertEq(storedAggregator, aggregator, "aggregator");
        (uint256 totalWeight, uint256 claimedWeight) = registry.batchWeights(1);
        vm.assertEq(totalWeight, 150, "committed");
        vm.assertEq(claimedWeight, 0, "none claimed");
        _assertPool(POOL, 0, 0, 0);
    }

    /// @notice A batch needs a root, a leaf, a weight from count to count × maximum (both
    /// bounds allowed), a valid manifest CID and AGGREGATOR_ROLE; unknown batches have no state.
    function test_submitBatchRefusals() public {
        bytes32 root = keccak256("root");
        vm.startPrank(aggregator);
        vm.expectRevert(IContributionRegistry.ContributionRegistryZeroRoot.selector);
        registry.submitBatch(POOL, bytes32(0), 1, 1, manifest);
        vm.expectRevert(IContributionRegistry.ContributionRegistryEmptyBatch.selector);
        registry.submitBatch(POOL, root, 0, 0, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector, 2, 1, MAX_WEIGHT
            )
        );
        registry.submitBatch(POOL, root, 2, 1, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector, 2, 2 * MAX_WEIGHT + 1, MAX_WEIGHT
            )
        );
        registry.submitBatch(POOL, root, 2, 2 * MAX_WEIGHT + 1, manifest);
        vm.expectRevert(abi.encodeWithSelector(CidLib.CidLibTruncated.selector, 33, 34));
        registry.submitBatch(POOL, root, 1, 1, Cids.inForm(Cids.Form.MALFORMED, keccak256("manifest")));
        vm.stopPrank();
        _expectUnauthorized(alice, registry.AGGREGATOR_ROLE());
        vm.prank(alice);
        registry.submitBatch(POOL, root, 1, 1, manifest);

        bytes memory unknown =
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 1);
        vm.expectRevert(unknown);
        registry.batch(1);
        vm.expectRevert(unknown);
        registry.batchWeights(1);

        vm.startPrank(aggregator);
        vm.assertEq(registry.submitBatch(POOL, root, 2, 2, manifest), 1, "the lightest commitment");
        vm.assertEq(registry.submitBatch(POOL, root, 2, 2 * MAX_WEIGHT, manifest), 2, "the heaviest commitment");
        vm.stopPrank();
    }

    /// @notice Accepting a batch records its curator and credits one review; its leaves are
    /// not registered until claimed.
    function test_acceptBatchCreditsOneReview() public {
        TwoLeaves memory tree = _batch(alice, 10, bob, 20, 2);
        uint256 epoch = block.timestamp / registry.CURATION_EPOCH();
        _expectEmit();
        emit IContributionRegistry.BatchAccepted(tree.batchId, POOL, curator, 2);
        _expectEmit();
        emit IContributionRegistry.ReviewCredited(curator, epoch, 1);
        vm.prank(curator);
        registry.acceptBatch(tree.batchId);

        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.ACCEPTED, 0, curator);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "one unit of work");
        _assertWeighed(alice, 0, "nothing minted before a claim");
        _assertPool(POOL, 0, 0, 0);
    }

    /// @notice Rejecting a batch records its curator and credits one review; none of its leaves
    /// can be claimed, and its CIDs stay free to submit.
    function test_rejectBatchRegistersNothing() public {
        TwoLeaves memory tree = _batch(alice, 10, bob, 20, 2);
        uint256 epoch = block.timestamp / registry.CURATION_EPOCH();
        _expectEmit();
        emit IContributionRegistry.BatchRejected(tree.batchId, POOL, curator, "manifest missing");
        _expectEmit();
        emit IContributionRegistry.ReviewCredited(curator, epoch, 1);
        vm.prank(curator);
        registry.rejectBatch(tree.batchId, "manifest missing");

        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.REJECTED, 0, curator);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "one unit of work");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
                tree.batchId,
                IContributionRegistry.BatchStatus.REJECTED
            )
        );
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, TwoLeafTree.proofOf(tree.leafB));
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotPending.selector,
                tree.batchId,
                IContributionRegistry.BatchStatus.REJECTED
            )
        );
        vm.prank(aggregatorCurator);
        registry.acceptBatch(tree.batchId);

        vm.prank(alice);
        uint256 id = registry.submit(POOL, tree.cidA);
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.PENDING, 0);
    }

    /// @notice Batch curation refuses unknown batches, callers without CURATOR_ROLE, curators
    /// who are not active workers, the batch's own aggregator, and batches already curated.
    function test_batchCurationRefusals() public {
        bytes memory unknown =
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 1);
        _expectBatchVerdictsRefused(curator, 1, unknown);

        vm.prank(aggregatorCurator);
        uint256 batchId = registry.submitBatch(POOL, keccak256("root"), 1, 1, manifest);
        bytes memory selfCuration = abi.encodeWithSelector(
            IContributionRegistry.ContributionRegistryBatchSelfCuration.selector, batchId, aggregatorCurator
        );
        _expectBatchVerdictsRefused(aggregatorCurator, batchId, selfCuration);

        bytes32 curatorRole = registry.CURATOR_ROLE();
        _expectBatchVerdictsRefused(aggregator, batchId, _unauthorized(aggregator, curatorRole));

        coop.membership.changeClass(curator, IMembership.StakeholderClass.PRODUCER);
        _expectBatchVerdictsRefused(curator, batchId, _notWorker(curator, true, IMembership.StakeholderClass.PRODUCER));
        _assertBatch(batchId, IContributionRegistry.BatchStatus.PENDING, 0, address(0));

        coop.membership.changeClass(curator, IMembership.StakeholderClass.WORKER);
        vm.prank(curator);
        registry.acceptBatch(batchId);
        bytes memory notPending = abi.encodeWithSelector(
            IContributionRegistry.ContributionRegistryBatchNotPending.selector,
            batchId,
            IContributionRegistry.BatchStatus.ACCEPTED
        );
        _expectBatchVerdictsRefused(curator, batchId, notPending);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 1, "one review credited");
    }

    // -- batches: claims ----------------------------------------------------------------------

    /// @notice Anyone presents a leaf's proof for its contributor: the leaf becomes an accepted
    /// contribution, minted and added to the pool units, counted in the batch; it cannot be
    /// claimed twice.
    function test_claimBatchLeafRegistersAnAcceptedContribution() public {
        TwoLeaves memory tree = _acceptedBatch(alice, 10, bob, 20, 2);
        uint256 expected = Cids.idOf(alice, Cids.digestOf(tree.cidA));
        _expectEmit();
        emit IContributionRegistry.BatchLeafClaimed(tree.batchId, expected, alice, POOL, 10, tree.cidA);
        vm.prank(outsider);
        uint256 id = registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, TwoLeafTree.proofOf(tree.leafB));

        vm.assertEq(id, expected, "alice's id for the leaf's content");
        _assertContribution(id, alice, POOL, IContributionRegistry.Status.ACCEPTED, 10);
        _assertPool(POOL, 1, 1, 10);
        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.ACCEPTED, 1, curator);
        (uint256 totalWeight, uint256 claimedWeight) = registry.batchWeights(tree.batchId);
        vm.assertEq(totalWeight, 30, "committed");
        vm.assertEq(claimedWeight, 10, "claimed");
        _assertWeighed(alice, 10, "minted");

        bytes32[] memory proof = TwoLeafTree.proofOf(tree.leafB);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, id, alice)
        );
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, proof);
    }

    /// @notice A content its contributor already submitted, in any form or pool, cannot be
    /// claimed again from a batch: the first registration wins.
    function test_claimRefusesContentAlreadySubmitted() public {
        TwoLeaves memory tree = _acceptedBatch(alice, 10, bob, 20, 2);
        vm.prank(alice);
        uint256 submitted = registry.submit(OTHER_POOL, Cids.inForm(Cids.Form.V1_DAG_PB, Cids.digestOf(tree.cidA)));
        bytes32[] memory proof = TwoLeafTree.proofOf(tree.leafB);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, submitted, alice)
        );
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, proof);
        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.ACCEPTED, 0, curator);
        _assertContribution(submitted, alice, OTHER_POOL, IContributionRegistry.Status.PENDING, 0);
    }

    /// @notice A claim needs a known, accepted batch, a proof of exactly the leaf presented, and
    /// a contributor who is an active member other than the batch's curator.
    function test_claimBatchLeafRefusals() public {
        bytes memory cid = _cid("anything");
        bytes32[] memory noProof = new bytes32[](0);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 1));
        registry.claimBatchLeaf(1, alice, cid, 1, noProof);

        TwoLeaves memory tree = _batch(alice, 10, curator, 20, 2);
        bytes32[] memory proofA = TwoLeafTree.proofOf(tree.leafB);
        bytes32[] memory proofB = TwoLeafTree.proofOf(tree.leafA);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
                tree.batchId,
                IContributionRegistry.BatchStatus.PENDING
            )
        );
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, proofA);
        vm.prank(curator);
        registry.acceptBatch(tree.batchId);

        bytes memory invalidAlice = abi.encodeWithSelector(
            IContributionRegistry.ContributionRegistryInvalidProof.selector, tree.batchId, alice
        );
        vm.expectRevert(invalidAlice);
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 11, proofA);
        vm.expectRevert(invalidAlice);
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidB, 10, proofA);
        vm.expectRevert(invalidAlice);
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, noProof);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidProof.selector, tree.batchId, bob)
        );
        registry.claimBatchLeaf(tree.batchId, bob, tree.cidA, 10, proofA);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchSelfCuration.selector, tree.batchId, curator
            )
        );
        registry.claimBatchLeaf(tree.batchId, curator, tree.cidB, 20, proofB);

        vm.prank(alice);
        coop.membership.leave();
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotMember.selector, alice));
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, proofA);
        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.ACCEPTED, 0, curator);

        TwoLeaves memory outsiders = _acceptedBatch(outsider, 10, bob, 20, 2);
        bytes32[] memory outsiderProof = TwoLeafTree.proofOf(outsiders.leafB);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotMember.selector, outsider));
        registry.claimBatchLeaf(outsiders.batchId, outsider, outsiders.cidA, 10, outsiderProof);
    }

    /// @notice Claims stop at the batch's declared count, even when the tree holds more leaves.
    function test_claimsStopAtTheDeclaredCount() public {
        TwoLeaves memory tree = _acceptedBatch(alice, 10, bob, 20, 1);
        registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, TwoLeafTree.proofOf(tree.leafB));
        bytes32[] memory proof = TwoLeafTree.proofOf(tree.leafA);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchCountExceeded.selector, tree.batchId, 1
            )
        );
        registry.claimBatchLeaf(tree.batchId, bob, tree.cidB, 20, proof);
        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.ACCEPTED, 1, curator);
        _assertWeighed(bob, 0, "bob's extra leaf minted nothing");
    }

    /// @notice A tree and multiproof built off-chain by scripts/merkle.py verify on-chain: alice
    /// claims her two leaves at once, bob his one with an ordinary proof, and the registry's
    /// leaf hash is StandardMerkleTree's.
    function test_claimBatchLeavesWithAnOffChainMultiproof() public {
        IContributionRegistry.BatchLeaf[] memory leaves = _aliceLeaves(10, 25);
        vm.assertEq(registry.batchLeafHash(alice, leaves[0].cid, 10), ALICE_1_LEAF, "StandardMerkleTree's leaf hash");
        uint256 batchId = _acceptedThreeLeafBatch(3, 55);
        uint256 first = Cids.idOf(alice, keccak256("alice 1"));
        uint256 second = Cids.idOf(alice, keccak256("alice 2"));
        _expectEmit();
        emit IContributionRegistry.BatchLeafClaimed(batchId, first, alice, POOL, 10, leaves[0].cid);
        _expectEmit();
        emit IContributionRegistry.BatchLeafClaimed(batchId, second, alice, POOL, 25, leaves[1].cid);
        vm.prank(outsider);
        uint256 credited = registry.claimBatchLeaves(batchId, alice, leaves, _aliceProof(), _aliceFlags());

        vm.assertEq(credited, 35, "both weights credited");
        _assertContribution(first, alice, POOL, IContributionRegistry.Status.ACCEPTED, 10);
        _assertContribution(second, alice, POOL, IContributionRegistry.Status.ACCEPTED, 25);
        _assertWeighed(alice, 35, "minted");

        bytes32[] memory bobsProof = new bytes32[](2);
        bobsProof[0] = ALICE_1_LEAF;
        bobsProof[1] = BOB_PROOF_1;
        registry.claimBatchLeaf(batchId, bob, _cid("bob 1"), 20, bobsProof);
        _assertPool(POOL, 3, 3, 55);
        _assertBatch(batchId, IContributionRegistry.BatchStatus.ACCEPTED, 3, curator);
        (, uint256 claimedWeight) = registry.batchWeights(batchId);
        vm.assertEq(claimedWeight, 55, "every leaf claimed");
    }

    /// @notice A multiclaim needs a leaf, a multiproof of exactly the leaves presented for the
    /// contributor named, and room for all of them in the batch's count and committed weight;
    /// it is all or nothing.
    function test_claimBatchLeavesRefusals() public {
        IContributionRegistry.BatchLeaf[] memory none = new IContributionRegistry.BatchLeaf[](0);
        vm.expectRevert(IContributionRegistry.ContributionRegistryNoLeaves.selector);
        registry.claimBatchLeaves(1, alice, none, new bytes32[](0), new bool[](0));
        IContributionRegistry.BatchLeaf[] memory leaves = _aliceLeaves(10, 25);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 1));
        registry.claimBatchLeaves(1, alice, leaves, _aliceProof(), _aliceFlags());

        uint256 batchId = _acceptedThreeLeafBatch(2, 55);
        bytes32[] memory proof = _aliceProof();
        bool[] memory flags = _aliceFlags();
        bytes memory invalidAlice =
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidProof.selector, batchId, alice);
        vm.expectRevert(invalidAlice);
        registry.claimBatchLeaves(batchId, alice, _aliceLeaves(10, 26), proof, flags);
        vm.expectRevert(invalidAlice);
        registry.claimBatchLeaves(batchId, alice, _aliceLeaves(25, 10), proof, flags);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidProof.selector, batchId, bob)
        );
        registry.claimBatchLeaves(batchId, bob, leaves, proof, flags);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotMember.selector, outsider));
        registry.claimBatchLeaves(batchId, outsider, leaves, proof, flags);

        bytes32[] memory bobsProof = new bytes32[](2);
        bobsProof[0] = ALICE_1_LEAF;
        bobsProof[1] = BOB_PROOF_1;
        registry.claimBatchLeaf(batchId, bob, _cid("bob 1"), 20, bobsProof);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryBatchCountExceeded.selector, batchId, 2)
        );
        registry.claimBatchLeaves(batchId, alice, leaves, proof, flags);

        uint256 light = _acceptedThreeLeafBatch(3, 34);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryBatchWeightExceeded.selector, light, 34)
        );
        registry.claimBatchLeaves(light, alice, leaves, proof, flags);
        (, IContributionRegistry.Status status) = registry.contributionOf(alice, leaves[0].cid);
        vm.assertEq(uint256(status), uint256(IContributionRegistry.Status.NONE), "neither leaf registered");
        _assertWeighed(alice, 0, "nothing minted");
    }

    /// @notice A relayer bundles several contributors' claims in one multicall; one failing
    /// claim reverts the whole bundle.
    function test_multicallBundlesClaims() public {
        TwoLeaves memory tree = _acceptedBatch(alice, 10, bob, 20, 2);
        bytes[] memory claims = new bytes[](2);
        claims[0] = abi.encodeCall(
            registry.claimBatchLeaf, (tree.batchId, alice, tree.cidA, 10, TwoLeafTree.proofOf(tree.leafB))
        );
        claims[1] = abi.encodeCall(
            registry.claimBatchLeaf, (tree.batchId, alice, tree.cidA, 10, TwoLeafTree.proofOf(tree.leafB))
        );
        uint256 aliceId = Cids.idOf(alice, Cids.digestOf(tree.cidA));
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, aliceId, alice)
        );
        vm.prank(outsider);
        registry.multicall(claims);
        _assertWeighed(alice, 0, "the first claim reverted with the bundle");

        claims[1] = abi.encodeCall(
            registry.claimBatchLeaf, (tree.batchId, bob, tree.cidB, 20, TwoLeafTree.proofOf(tree.leafA))
        );
        vm.prank(outsider);
        bytes[] memory results = registry.multicall(claims);
        vm.assertEq(abi.decode(results[0], (uint256)), aliceId, "alice's id");
        vm.assertEq(abi.decode(results[1], (uint256)), Cids.idOf(bob, Cids.digestOf(tree.cidB)), "bob's id");
        _assertWeighed(alice, 10, "alice's leaf");
        _assertWeighed(bob, 20, "bob's leaf");
    }

    // -- batches: governance ------------------------------------------------------------------

    /// @notice Overturning an accepted batch stops its unclaimed leaves for ever; leaves claimed
    /// before are contributions, overturned one by one.
    function test_overturnBatchStopsLaterClaims() public {
        TwoLeaves memory tree = _acceptedBatch(alice, 10, bob, 20, 2);
        uint256 claimed = registry.claimBatchLeaf(tree.batchId, alice, tree.cidA, 10, TwoLeafTree.proofOf(tree.leafB));
        _expectEmit();
        emit IContributionRegistry.BatchOverturned(tree.batchId, POOL, "sybil manifest");
        registry.overturnBatch(tree.batchId, "sybil manifest");

        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.REJECTED, 1, curator);
        bytes memory notAccepted = abi.encodeWithSelector(
            IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
            tree.batchId,
            IContributionRegistry.BatchStatus.REJECTED
        );
        bytes32[] memory proof = TwoLeafTree.proofOf(tree.leafA);
        vm.expectRevert(notAccepted);
        registry.claimBatchLeaf(tree.batchId, bob, tree.cidB, 20, proof);
        vm.expectRevert(notAccepted);
        registry.overturnBatch(tree.batchId, "again");

        _assertContribution(claimed, alice, POOL, IContributionRegistry.Status.ACCEPTED, 10);
        _assertWeighed(alice, 10, "the claimed leaf stays");
        registry.overturn(claimed, 0);
        _assertWeighed(alice, 0, "until overturned on its own");
        _assertPool(POOL, 1, 0, 0);
    }

    /// @notice Only the admin overturns a batch, and only an accepted one.
    function test_overturnBatchRefusals() public {
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 1));
        registry.overturnBatch(1, "");
        TwoLeaves memory tree = _batch(alice, 10, bob, 20, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
                tree.batchId,
                IContributionRegistry.BatchStatus.PENDING
            )
        );
        registry.overturnBatch(tree.batchId, "");
        vm.prank(curator);
        registry.acceptBatch(tree.batchId);
        _expectUnauthorized(curator, ADMIN_ROLE);
        vm.prank(curator);
        registry.overturnBatch(tree.batchId, "");
        _assertBatch(tree.batchId, IContributionRegistry.BatchStatus.ACCEPTED, 0, curator);
    }

    // -- helpers ------------------------------------------------------------------------------

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

    /// @dev `caller` can neither accept nor reject batch `batchId`, refused with `refusal`.
    function _expectBatchVerdictsRefused(address caller, uint256 batchId, bytes memory refusal) private {
        vm.expectRevert(refusal);
        vm.prank(caller);
        registry.acceptBatch(batchId);
        vm.expectRevert(refusal);
        vm.prank(caller);
        registry.rejectBatch(batchId, "");
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

    /// @dev A pending two-leaf batch in pool 1 from the aggregator, committing both weights.
    function _batch(address a, uint48 weightA, address b, uint48 weightB, uint24 count)
        private
        returns (TwoLeaves memory tree)
    {
        uint256 next = registry.batchCount() + 1;
        tree.cidA = Cids.inForm(Cids.Form.V0, keccak256(abi.encode("leaf a", next)));
        tree.cidB = Cids.inForm(Cids.Form.V1_RAW, keccak256(abi.encode("leaf b", next)));
        tree.leafA = TwoLeafTree.leafHash(a, tree.cidA, weightA);
        tree.leafB = TwoLeafTree.leafHash(b, tree.cidB, weightB);
        vm.prank(aggregator);
        tree.batchId =
            registry.submitBatch(POOL, TwoLeafTree.root(tree.leafA, tree.leafB), count, weightA + weightB, manifest);
    }

    /// @dev As `_batch`, then accepted by `curator`.
    function _acceptedBatch(address a, uint48 weightA, address b, uint48 weightB, uint24 count)
        private
        returns (TwoLeaves memory tree)
    {
        tree = _batch(a, weightA, b, weightB, count);
        vm.prank(curator);
        registry.acceptBatch(tree.batchId);
    }

    /// @dev scripts/merkle.py's three-leaf batch (55 in all), declaring `count` leaves of
    /// `committed` weight in all, accepted.
    function _acceptedThreeLeafBatch(uint24 count, uint48 committed) private returns (uint256 batchId) {
        vm.prank(aggregator);
        batchId = registry.submitBatch(POOL, THREE_LEAF_ROOT, count, committed, manifest);
        vm.prank(curator);
        registry.acceptBatch(batchId);
    }

    /// @dev Alice's two leaves in multiproof order, with the weights given.
    function _aliceLeaves(uint48 first, uint48 second)
        private
        pure
        returns (IContributionRegistry.BatchLeaf[] memory leaves)
    {
        leaves = new IContributionRegistry.BatchLeaf[](2);
        leaves[0] = IContributionRegistry.BatchLeaf({cid: _cid("alice 1"), weight: first});
        leaves[1] = IContributionRegistry.BatchLeaf({cid: _cid("alice 2"), weight: second});
    }

    function _aliceProof() private pure returns (bytes32[] memory proof) {
        proof = new bytes32[](1);
        proof[0] = ALICE_MULTIPROOF;
    }

    function _aliceFlags() private pure returns (bool[] memory flags) {
        flags = new bool[](2);
        flags[1] = true;
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

    function _assertBatch(
        uint256 batchId,
        IContributionRegistry.BatchStatus status,
        uint256 claimedCount,
        address batchCurator
    ) private view {
        (, IContributionRegistry.BatchStatus storedStatus,,, uint256 storedClaimed,, address storedCurator) =
            registry.batch(batchId);
        vm.assertEq(uint256(storedStatus), uint256(status), "batch status");
        vm.assertEq(storedClaimed, claimedCount, "claimed leaves");
        vm.assertEq(storedCurator, batchCurator, "batch curator");
    }
}
