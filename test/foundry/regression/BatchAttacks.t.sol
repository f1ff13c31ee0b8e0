// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBatchPots} from "../../../contracts/interfaces/IBatchPots.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {BatchLeaf} from "../../../contracts/types/BatchLeaf.sol";
import {Actors} from "../utils/Actors.sol";
import {BatchFixture} from "../utils/BatchFixture.sol";
import {BatchTree} from "../utils/BatchTree.sol";
import {Cids} from "../utils/Cids.sol";

/// @title BatchAttacks
/// @notice Attacks on the batch path (issue 16's design), each a named regression test: who may
/// accept a batch, what a leaf binds, what a claim, a revocation and an overturn may pay. The
/// last three are open contract bugs, marked as such: they fail until the contracts are fixed.
contract BatchAttacks is BatchFixture {
    uint256 private constant POOL = 1;
    uint48 private constant MAX_WEIGHT = 100;

    address private alice;
    address private bob;
    /// @dev The designated curator of the batches here (a WORKER with CURATOR_ROLE only).
    address private curator;
    /// @dev The fixture's other curator, who also holds AGGREGATOR_ROLE.
    address private aggregatingCurator;

    function setUp() public {
        _deployCooperative();
        _fundBuyer();
        alice = Actors.member(0);
        bob = Actors.member(1);
        curator = Actors.curator(1);
        aggregatingCurator = Actors.curator(0);
    }

    // -- curation ----------------------------------------------------------------------------

    /// @notice Only the curator the aggregator named may accept or reject the batch: not another
    /// curator, nor a member.
    function test_nonDesignatedCuratorCannotAccept() public {
        Built memory b = _aliceAndBob(50, 50);
        address[2] memory others = [aggregatingCurator, alice];
        for (uint256 i = 0; i < others.length; ++i) {
            // Another curator is not the designated one; a member without the role is refused first.
            bytes memory refusal = i == 0
                ? abi.encodeWithSelector(
                    IContributionRegistry.ContributionRegistryNotBatchCurator.selector, b.batchId, others[i], curator
                )
                : abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector,
                    others[i],
                    coop.registry.CURATOR_ROLE()
                );
            vm.expectRevert(refusal);
            vm.prank(others[i]);
            coop.registry.acceptBatch(b.batchId);
            vm.expectRevert(refusal);
            vm.prank(others[i]);
            coop.registry.rejectBatch(b.batchId, "not mine");
        }
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
    }

    /// @notice The aggregator cannot name itself, nor anyone but an eligible curator.
    function test_aggregatorCannotBeTheCurator() public {
        bytes32 root = keccak256("root");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryInvalidBatchCurator.selector, aggregatingCurator
            )
        );
        vm.prank(aggregatingCurator);
        coop.registry.submitBatch(POOL, aggregatingCurator, root, 1, 1, 0, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidBatchCurator.selector, alice)
        );
        vm.prank(Actors.aggregator());
        coop.registry.submitBatch(POOL, alice, root, 1, 1, 0, manifest);
        vm.prank(aggregatingCurator);
        coop.registry.submitBatch(POOL, curator, root, 1, 1, 0, manifest);
    }

    /// @notice An inflated count buys no more than its reviews: acceptance credits count +
    /// rejections, within the curation cap, and a count past the cap is refused whole.
    function test_inflatedCountIsHeldToTheCurationCap() public {
        vm.prank(Actors.aggregator());
        uint256 inflated = coop.registry
        .submitBatch(POOL, curator, keccak256("root"), type(uint24).max, type(uint24).max, 0, manifest);
        uint256 epoch = block.timestamp / coop.registry.CURATION_EPOCH();
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryCurationCapReached.selector, curator, epoch, 500
            )
        );
        vm.prank(curator);
        coop.registry.acceptBatch(inflated);

        vm.prank(Actors.aggregator());
        uint256 honest = coop.registry.submitBatch(POOL, curator, keccak256("root"), 2, 100, 3, manifest);
        vm.prank(curator);
        coop.registry.acceptBatch(honest);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 5, "two leaves and three rejections: five reviews");
    }

    /// @notice The batch's curator earns nothing from it, nor activates a leaf of it.
    function test_curatorEarnsNothingFromTheBatch() public {
        Built memory b = _accepted(
            POOL, curator, _pair(curator, alice), _pairOf(_leaf(0, 50, "curator's"), _leaf(0, 50, "alice's"))
        );
        vm.expectRevert(abi.encodeWithSelector(IBatchPots.RevenueDistributorBatchCurator.selector, b.batchId, curator));
        _claim(b, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchSelfCuration.selector, b.batchId, curator
            )
        );
        _activate(b, 0);
    }

    // -- what a leaf binds -------------------------------------------------------------------

    /// @notice A leaf hashed for another pool, chain or distributor proves nothing in this
    /// batch, and a leaf proves only for its own contributor.
    function test_leafOfAnotherPoolChainDistributorOrContributorDoesNotProve() public {
        BatchLeaf memory leaf = _leaf(0, 50, "alice's");
        address distributor = address(coop.distributor);
        bytes32[3] memory foreign = [
            BatchTree.leafHashOn(block.chainid, distributor, POOL + 1, alice, leaf),
            BatchTree.leafHashOn(block.chainid + 1, distributor, POOL, alice, leaf),
            BatchTree.leafHashOn(block.chainid, address(coop.registry), POOL, alice, leaf)
        ];
        for (uint256 i = 0; i < foreign.length; ++i) {
            uint256 batchId = _acceptedRoot(foreign[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IBatchPots.RevenueDistributorInvalidLeafProof.selector, batchId, alice)
            );
            vm.prank(alice);
            coop.distributor.claimLeaf(batchId, leaf, new bytes32[](0));
        }

        Built memory b = _aliceAndBob(50, 50);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        vm.expectRevert(abi.encodeWithSelector(IBatchPots.RevenueDistributorInvalidLeafProof.selector, b.batchId, bob));
        vm.prank(bob);
        coop.distributor.claimLeaf(b.batchId, b.leaves[0], _proof(b, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidProof.selector, b.batchId, bob)
        );
        _activateAs(bob, b, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidProof.selector, b.batchId, bob)
        );
        vm.prank(bob);
        coop.registry.revokeLeaf(b.batchId, b.leaves[0], _proof(b, 0));
    }

    /// @notice A leaf of ordinal 48 or more has no bit in a holding: its claim is refused.
    function test_ordinalAbove47IsRefused() public {
        Built memory b = _accepted(POOL, curator, _pair(alice, bob), _pairOf(_leaf(48, 50, "a"), _leaf(0, 50, "b")));
        vm.expectRevert(abi.encodeWithSelector(IBatchPots.RevenueDistributorLeafTaken.selector, b.batchId, 48));
        _claim(b, 0);
    }

    // -- what a claim pays -------------------------------------------------------------------

    /// @notice A claimed leaf cannot be claimed again, alone or in a multiproof; a revoked one
    /// neither; two leaves of one ordinal cannot both be claimed.
    function test_doubleClaimIsRefused() public {
        address[] memory contributors = new address[](3);
        (contributors[0], contributors[1], contributors[2]) = (alice, alice, bob);
        BatchLeaf[] memory leaves = new BatchLeaf[](3);
        (leaves[0], leaves[1], leaves[2]) = (_leaf(0, 30, "a0"), _leaf(0, 20, "a0 again"), _leaf(0, 50, "b0"));
        Built memory b = _accepted(POOL, curator, contributors, leaves);
        _sell(POOL, 1000);
        vm.assertEq(_claim(b, 0), 210, "30 of 100 units of the contributors' 700");
        bytes memory taken = abi.encodeWithSelector(IBatchPots.RevenueDistributorLeafTaken.selector, b.batchId, 0);
        vm.expectRevert(taken);
        _claim(b, 0);
        vm.expectRevert(taken);
        _claim(b, 1);
        uint256[] memory both = new uint256[](2);
        both[1] = 1;
        (uint256[] memory order, bytes32[] memory proof, bool[] memory flags) = BatchTree.multiProof(b.tree, both);
        BatchLeaf[] memory claimed = new BatchLeaf[](2);
        (claimed[0], claimed[1]) = (leaves[order[0]], leaves[order[1]]);
        vm.expectRevert(taken);
        vm.prank(alice);
        coop.distributor.claimLeaves(b.batchId, claimed, proof, flags);

        vm.prank(bob);
        coop.registry.revokeLeaf(b.batchId, leaves[2], _proof(b, 2));
        vm.expectRevert(taken);
        _claim(b, 2);
    }

    /// @notice Revoking a leaf pays what it earned, then its weight leaves the pool: it earns
    /// nothing after, the batch's other leaves take the pool's later sales.
    function test_revokePaysThenRemovesUnits() public {
        Built memory b = _aliceAndBob(60, 40);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        _sell(POOL, 1000);
        vm.assertEq(_claim(b, 0), 420, "alice's leaf: 60 of 100 units of 700");

        uint256 before = coop.usd.balanceOf(alice);
        vm.prank(alice);
        coop.registry.revokeLeaf(b.batchId, b.leaves[0], _proof(b, 0));
        vm.assertEq(coop.usd.balanceOf(alice), before, "claimed up to the revocation: nothing more");
        vm.assertEq(coop.distributor.totalUnits(POOL), 40, "the leaf's units left the pool");
        (,,,,, uint96 poolWeight) = coop.registry.pool(POOL);
        vm.assertEq(poolWeight, 40, "and the registry's pool weight");
        (uint256 held, uint256 ordinals) = coop.distributor.batchHolding(b.batchId, alice);
        vm.assertEq(held, 0, "nothing held");
        vm.assertEq(ordinals, 1, "ordinal 0 taken for good");

        _sell(POOL, 1000);
        vm.assertEq(coop.distributor.claimableFromBatch(b.batchId, alice, 0), 0, "alice earns nothing after");
        vm.assertEq(_claim(b, 1), 280 + 700, "bob's leaf: its 280, then the whole 700");
    }

    /// @notice An unclaimed leaf's revocation pays everything it earned since acceptance.
    function test_revokeOfAnUnclaimedLeafPaysItsEarnings() public {
        Built memory b = _aliceAndBob(60, 40);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        _sell(POOL, 1000);
        uint256 before = coop.usd.balanceOf(bob);
        vm.prank(bob);
        coop.registry.revokeLeaf(b.batchId, b.leaves[1], _proof(b, 1));
        vm.assertEq(coop.usd.balanceOf(bob) - before, 280, "bob's 40 of 100 units of 700");
        vm.assertEq(coop.distributor.totalUnits(POOL), 60, "its units left");
    }

    /// @notice Governance's overturn freezes a batch's earnings: later sales pay it nothing, and
    /// its leaves, claimed before or after, are paid exactly what they earned before.
    function test_overturnFreezesEarnings() public {
        _singleAccepted(aggregatingCurator, 100);
        Built memory b = _aliceAndBob(50, 50);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        _sell(POOL, 1000);
        vm.assertEq(_claim(b, 0), 175, "alice: 50 of 200 units of 700");
        uint256 kept = coop.distributor.batchEarnedScaled(b.batchId);

        coop.registry.overturnBatch(b.batchId, "manifest forged");
        vm.assertEq(coop.distributor.totalUnits(POOL), 100, "the batch's units left the pool");
        (,,,,, uint96 poolWeight) = coop.registry.pool(POOL);
        vm.assertEq(poolWeight, 100, "and the registry's pool weight");
        _sell(POOL, 1000);
        vm.assertEq(coop.distributor.batchEarnedScaled(b.batchId), kept, "the batch earns nothing after");
        vm.assertEq(coop.distributor.claimable(POOL, aggregatingCurator), 350 + 700, "the single takes the sale");

        vm.assertEq(_claim(b, 1), 175, "bob, claiming after: what he earned before");
        vm.prank(alice);
        vm.assertEq(_claimBatches(b.batchId), 0, "alice: nothing since");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
                b.batchId,
                IContributionRegistry.BatchStatus.OVERTURNED
            )
        );
        _activate(b, 0);
    }

    // -- open bugs ---------------------------------------------------------------------------

    /// @notice BUG (revokeLeaf pays a leaf above the pool's maximum): a leaf heavier than the
    /// pool's maximum cannot be claimed (RevenueDistributorLeafWeight), but its revocation pays
    /// its whole weight's share (_takeLeaf checks only the commitment). Fails until fixed.
    function test_leafAboveThePoolMaximumEarnsNothingWhenRevoked() public {
        Built memory b = _aliceAndBob(50, 150);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        _sell(POOL, 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IBatchPots.RevenueDistributorLeafWeight.selector, b.batchId, 150, MAX_WEIGHT)
        );
        _claim(b, 1);

        uint256 before = coop.usd.balanceOf(bob);
        vm.prank(bob);
        coop.registry.revokeLeaf(b.batchId, b.leaves[1], _proof(b, 1));
        vm.assertEq(coop.usd.balanceOf(bob), before, "a leaf above the maximum is paid nothing");
    }

    /// @notice BUG (a leaf past ordinal 47 is activated, then can never be revoked): activation
    /// does not check the ordinal, the distributor refuses the leaf's revocation
    /// (RevenueDistributorLeafTaken), so its tokens stay for good. Fails until fixed.
    function test_leafOfOrdinalAbove47IsNotActivated() public {
        Built memory b = _accepted(POOL, curator, _pair(alice, bob), _pairOf(_leaf(48, 50, "a"), _leaf(0, 50, "b")));
        vm.expectRevert();
        _activate(b, 0);
    }

    /// @notice BUG (revoking a twin leaf burns another activation's tokens): two leaves of one
    /// contributor over the same content (here in two batches) share a contribution id; once one
    /// is activated, revoking the other counts as revoking it: burns the other's weight, not the
    /// activated one's, and marks the activated leaf revoked while its batch still pays it.
    /// Fails until fixed.
    function test_twinLeafRevocationLeavesTheActivationAlone() public {
        _singleAccepted(alice, 100);
        Built memory first =
            _accepted(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "twin"), _leaf(0, 50, "b1")));
        BatchLeaf memory twin = _leaf(0, 90, "twin");
        twin.cid = Cids.inForm(Cids.Form.V1_RAW, Cids.digestOf(twin.cid));
        Built memory second = _accepted(POOL, curator, _pair(alice, bob), _pairOf(twin, _leaf(0, 50, "b2")));
        _activate(first, 0);
        vm.assertEq(coop.token.balanceOf(alice), 110, "100 single, 10 activated");

        vm.prank(alice);
        coop.registry.revokeLeaf(second.batchId, second.leaves[0], _proof(second, 0));
        vm.assertEq(coop.token.balanceOf(alice), 110, "the twin was never activated: no token burnt");
    }

    /// @notice BUG (the curator is paid from its batch by revoking its own leaf): claims refuse
    /// the batch's curator (RevenueDistributorBatchCurator), but revokeBatchLeaf pays any
    /// contributor what an unclaimed leaf earned, the curator's too. Found by the invariant
    /// suite (invariant_batchPotsKeepTheirBooks). Fails until fixed.
    function test_curatorRevokingItsLeafIsPaidNothing() public {
        Built memory b = _accepted(
            POOL, curator, _pair(curator, alice), _pairOf(_leaf(0, 50, "curator's"), _leaf(0, 50, "alice's"))
        );
        _sell(POOL, 1000);
        uint256 before = coop.usd.balanceOf(curator);
        vm.prank(curator);
        coop.registry.revokeLeaf(b.batchId, b.leaves[0], _proof(b, 0));
        vm.assertEq(coop.usd.balanceOf(curator), before, "the curator is paid nothing from its batch");
    }

    /// @notice BUG (a curator stripped of CURATOR_ROLE still accepts): acceptBatch checks only
    /// that the designated curator is an active worker, so governance revoking a rogue
    /// curator's role does not stop the batches already naming them; each acceptance still
    /// credits its reviews. Fails until fixed.
    function test_curatorStrippedOfTheRoleCannotAccept() public {
        Built memory b = _aliceAndBob(50, 50);
        coop.registry.revokeRole(coop.registry.CURATOR_ROLE(), curator);
        vm.expectRevert();
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
    }

    // -- helpers -----------------------------------------------------------------------------

    /// @dev A pending batch of alice's leaf and bob's in pool 1 for `curator`, committing their sum.
    function _aliceAndBob(uint48 aliceWeight, uint48 bobWeight) private returns (Built memory) {
        return _submit(
            POOL,
            curator,
            _pair(alice, bob),
            _pairOf(_leaf(0, aliceWeight, "alice's"), _leaf(0, bobWeight, "bob's")),
            2,
            aliceWeight + bobWeight,
            0
        );
    }

    /// @dev An accepted one-leaf batch under `root` (a leaf hash: the tree of one leaf).
    function _acceptedRoot(bytes32 root) private returns (uint256 batchId) {
        vm.prank(Actors.aggregator());
        batchId = coop.registry.submitBatch(POOL, curator, root, 1, 50, 0, manifest);
        vm.prank(curator);
        coop.registry.acceptBatch(batchId);
    }

    function _singleAccepted(address contributor, uint48 weight) private {
        vm.prank(contributor);
        uint256 id = coop.registry.submit(POOL, Cids.inForm(Cids.Form.V0, keccak256(abi.encode("single", weight))));
        vm.prank(curator);
        coop.registry.accept(id, weight);
    }

    function _activate(Built memory b, uint256 k) private {
        _activateAs(b.contributors[k], b, k);
    }

    /// @dev `who` activates leaf `k` alone (its multiproof is its proof, every flag false).
    function _activateAs(address who, Built memory b, uint256 k) private {
        uint256[] memory ks = new uint256[](1);
        ks[0] = k;
        (, bytes32[] memory proof, bool[] memory flags) = BatchTree.multiProof(b.tree, ks);
        BatchLeaf[] memory leaves = new BatchLeaf[](1);
        leaves[0] = b.leaves[k];
        vm.prank(who);
        coop.registry.activateLeaves(b.batchId, leaves, proof, flags);
    }

    function _claimBatches(uint256 batchId) private returns (uint256) {
        uint256[] memory ids = new uint256[](1);
        ids[0] = batchId;
        return coop.distributor.claimBatches(ids);
    }
}
