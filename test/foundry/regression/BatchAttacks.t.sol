// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";
import {TwoLeafTree} from "../utils/TwoLeafTree.sol";

/// @title BatchAttacks
/// @notice Attacks on the batch path, each a named regression test. The first two were open
/// before issue 13 and now assert its refusals: a batch's declared count earns its curator one
/// unit of work like any review, and every leaf is bounded by the pool's maximum weight and by
/// the total weight the batch committed. The third is still open (docs/threat-model.md, 8g)
/// and pins today's behaviour, so that the fix, when it lands, has to turn it around.
contract BatchAttacks is CooperativeFixture {
    uint24 private constant _MAX_COUNT = type(uint24).max;
    uint48 private constant _POOL_MAX_WEIGHT = 100;

    address private aggregator;
    address private colludingCurator;
    address private honestCurator;
    address private alice;
    address private mallory;

    function setUp() public {
        _deployCooperative();
        aggregator = Actors.aggregator();
        honestCurator = Actors.curator(0);
        colludingCurator = Actors.curator(1);
        alice = Actors.member(0);
        mallory = Actors.member(1);
        coop.usd.mint(Actors.buyer(0), 1e12);
        vm.prank(Actors.buyer(0));
        coop.usd.approve(address(coop.market), type(uint256).max);
    }

    /// @notice Formerly: an aggregator declared 16,777,215 leaves for a two-leaf tree and a
    /// colluding curator was credited that many units of work, taking the workers' pot. Now the
    /// acceptance earns one unit, as the honest curator's each review does.
    function test_inflatedBatchCountEarnsOneUnit() public {
        for (uint256 i = 0; i < 100; ++i) {
            _acceptDirect(alice, honestCurator, i, 1);
        }
        (uint256 batchId,,) = _batch(alice, 10, mallory, 10, _MAX_COUNT, _MAX_COUNT);
        vm.prank(colludingCurator);
        coop.registry.acceptBatch(batchId);

        vm.assertEq(coop.distributor.unitsOf(workPot, colludingCurator), 1, "one review, one unit");
        vm.assertEq(coop.distributor.unitsOf(workPot, honestCurator), 100, "a hundred reviews, a hundred units");
        uint256 revenue = _sell(2, 1_010_000);
        uint256 workersShare = revenue * 2_000 / 10_000;
        vm.assertEq(coop.distributor.claimable(workPot, colludingCurator), workersShare / 101, "the colluder: 1/101");
        vm.assertEq(coop.distributor.claimable(workPot, honestCurator), workersShare * 100 / 101, "honest: 100/101");
    }

    /// @notice A batch cannot commit more than count × the pool's maximum weight.
    function test_batchCommittingAboveThePoolMaximumIsRefused() public {
        bytes memory manifest = Cids.inForm(Cids.Form.V0, keccak256("manifest"));
        uint48 tooHeavy = 2 * _POOL_MAX_WEIGHT + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector, 2, tooHeavy, _POOL_MAX_WEIGHT
            )
        );
        vm.prank(aggregator);
        coop.registry.submitBatch(1, keccak256("root"), 2, tooHeavy, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector, 2, 1, _POOL_MAX_WEIGHT)
        );
        vm.prank(aggregator);
        coop.registry.submitBatch(1, keccak256("root"), 2, 1, manifest);
    }

    /// @notice Formerly: a sybil leaf of 2^48 - 1 took a pool's revenue from a contributor
    /// weighed at 100. Now a leaf above the pool's maximum is refused, even in an accepted tree.
    function test_leafAboveThePoolMaximumIsRefused() public {
        _acceptDirect(alice, honestCurator, 0, _POOL_MAX_WEIGHT);
        (uint256 batchId, bytes memory cid, bytes32 aliceLeaf) =
            _batch(mallory, type(uint48).max, alice, 1, 2, 2 * _POOL_MAX_WEIGHT);
        vm.prank(honestCurator);
        coop.registry.acceptBatch(batchId);

        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryWeightAboveMax.selector,
                Cids.idOf(mallory, Cids.digestOf(cid)),
                type(uint48).max,
                _POOL_MAX_WEIGHT
            )
        );
        coop.registry.claimBatchLeaf(batchId, mallory, cid, type(uint48).max, TwoLeafTree.proofOf(aliceLeaf));
        vm.assertEq(coop.token.balanceOf(mallory), 0, "nothing minted");
        _sell(1, 100);
        vm.assertEq(coop.distributor.claimable(1, alice), 70, "alice's contribution keeps the contributors' share");
    }

    /// @notice Leaves within the pool's maximum still cannot claim more than the batch
    /// committed: the curator accepted a root and its total, and the total holds.
    function test_leavesAboveTheCommittedTotalAreRefused() public {
        (uint256 batchId, bytes memory cid, bytes32 otherLeaf) = _batch(mallory, 60, alice, 60, 2, 100);
        vm.prank(honestCurator);
        coop.registry.acceptBatch(batchId);
        bytes32 malloryLeaf = TwoLeafTree.leafHash(mallory, cid, 60);
        coop.registry.claimBatchLeaf(batchId, mallory, cid, 60, TwoLeafTree.proofOf(otherLeaf));

        bytes memory aliceCid = _leafCid(batchId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryBatchWeightExceeded.selector, batchId, 100)
        );
        coop.registry.claimBatchLeaf(batchId, alice, aliceCid, 60, TwoLeafTree.proofOf(malloryLeaf));
        (uint256 totalWeight, uint256 claimedWeight) = coop.registry.batchWeights(batchId);
        vm.assertEq(totalWeight, 100, "committed");
        vm.assertEq(claimedWeight, 60, "claimed within it");
    }

    /// @notice Formerly (docs/threat-model.md, item 8g): between a batch's acceptance and a
    /// leaf's claim, any member could submit the leaf's CID (read from the public manifest) in
    /// another form and revoke it, and the rightful leaf was refused as a duplicate for ever. Now
    /// a contribution's id binds its contributor: the squat is the squatter's own contribution,
    /// and the leaf is claimed as accepted.
    function test_squattedLeafStillClaims() public {
        (uint256 batchId, bytes memory aliceCid, bytes32 otherLeaf) = _batch(alice, 50, mallory, 50, 2, 100);
        vm.prank(honestCurator);
        coop.registry.acceptBatch(batchId);

        vm.startPrank(mallory);
        uint256 squat = coop.registry.submit(2, Cids.inForm(Cids.Form.V1_RAW, Cids.digestOf(aliceCid)));
        coop.registry.revoke(squat);
        vm.stopPrank();

        uint256 id = coop.registry.claimBatchLeaf(batchId, alice, aliceCid, 50, TwoLeafTree.proofOf(otherLeaf));
        vm.assertTrue(id != squat, "the squat is mallory's own contribution");
        vm.assertEq(id, Cids.idOf(alice, Cids.digestOf(aliceCid)), "alice's leaf, under alice's id");
        vm.assertEq(coop.token.balanceOf(alice), 50, "alice's accepted leaf counts");
    }

    // -- helpers ---------------------------------------------------------------------------

    mapping(uint256 batchId => bytes[2]) private _cids;

    /// @dev A two-leaf batch in pool 1 from the aggregator; returns the first leaf's CID and
    /// the second leaf's hash (the first leaf's proof).
    function _batch(address a, uint48 weightA, address b, uint48 weightB, uint24 count, uint48 totalWeight)
        private
        returns (uint256 batchId, bytes memory cidA, bytes32 leafB)
    {
        cidA = Cids.inForm(Cids.Form.V0, keccak256(abi.encode("leaf a", count, weightA)));
        bytes memory cidB = Cids.inForm(Cids.Form.V1_DAG_PB, keccak256(abi.encode("leaf b", count, weightB)));
        leafB = TwoLeafTree.leafHash(b, cidB, weightB);
        bytes32 root = TwoLeafTree.root(TwoLeafTree.leafHash(a, cidA, weightA), leafB);
        vm.prank(aggregator);
        batchId = coop.registry.submitBatch(1, root, count, totalWeight, Cids.inForm(Cids.Form.V0, keccak256("manifest")));
        _cids[batchId] = [cidA, cidB];
    }

    function _leafCid(uint256 batchId, uint256 i) private view returns (bytes memory) {
        return _cids[batchId][i];
    }

    function _acceptDirect(address contributor, address curator, uint256 seed, uint48 weight) private {
        vm.prank(contributor);
        uint256 id = coop.registry.submit(1, Cids.inForm(Cids.Form.V0, keccak256(abi.encode("direct", seed))));
        vm.prank(curator);
        coop.registry.accept(id, weight);
    }

    /// @dev Prices pool 1 at `price` and sells it `times` times; returns the revenue.
    function _sell(uint256 times, uint128 price) private returns (uint256 total) {
        coop.market.setPrice(1, price);
        for (uint256 i = 0; i < times; ++i) {
            vm.prank(Actors.buyer(0));
            coop.market.purchase(1, RESEARCH, price);
            total += price;
        }
    }
}
