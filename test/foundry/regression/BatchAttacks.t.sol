// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {CooperativeFixture} from "../utils/CooperativeFixture.sol";
import {TwoLeafTree} from "../utils/TwoLeafTree.sol";

/// @title BatchAttacks
/// @notice Attacks on the batch path of the current contracts, each as a named regression test.
/// They pin what the current rules allow: the first two are what issue 13 bounds (batches
/// committing count and total weight, a per-pool maximum weight), so when it lands they must be
/// turned around into the refusals it adds. The squatting test pins a consequence of "the first
/// registration of a digest wins" that issue 13 does not address.
contract BatchAttacks is CooperativeFixture {
    uint24 private constant _MAX_COUNT = type(uint24).max;

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

    /// @notice An aggregator declares 16,777,215 leaves for a two-leaf tree; a colluding
    /// curator accepts it and is credited that many units of curation work, so an honest
    /// curator's hundred reviews earn almost nothing of the workers' share. The count is
    /// not tied to the tree.
    function test_attack_inflatedBatchCountCapturesTheWorkPot() public {
        for (uint256 i = 0; i < 100; ++i) {
            _acceptDirect(alice, honestCurator, i, 1);
        }
        (uint256 batchId,,) = _batch(alice, 10, mallory, 10, _MAX_COUNT);
        vm.prank(colludingCurator);
        coop.registry.acceptBatch(batchId);

        vm.assertEq(coop.distributor.unitsOf(workPot, colludingCurator), _MAX_COUNT, "credited the declared count");
        uint256 revenue = _sell(2, 1_000_000);
        uint256 workersShare = revenue * 2_000 / 10_000;
        uint256 honest = coop.distributor.claimable(workPot, honestCurator);
        vm.assertLe(honest, workersShare / 10_000, "the honest curator gets under 0.01% of the workers' share");
        vm.assertGt(coop.distributor.claimable(workPot, colludingCurator), workersShare * 99 / 100, "the colluder >99%");
    }

    /// @notice A leaf may carry any uint48 weight: the curator accepts a root, not the weights,
    /// so an aggregator's sybil leaf of 2^48 - 1 takes a pool's revenue from a contributor a
    /// curator weighed at 100.
    function test_attack_unboundedLeafWeightDilutesThePool() public {
        _acceptDirect(alice, honestCurator, 0, 100);
        (uint256 batchId, bytes memory cid,) = _batch(mallory, type(uint48).max, alice, 1, 2);
        vm.prank(honestCurator);
        coop.registry.acceptBatch(batchId);
        bytes32 aliceLeaf = TwoLeafTree.leafHash(alice, _leafCid(batchId, 1), 1);
        coop.registry.claimBatchLeaf(batchId, mallory, cid, type(uint48).max, TwoLeafTree.proofOf(aliceLeaf));

        vm.assertEq(coop.token.balanceOf(mallory), type(uint48).max, "the whole leaf weight is minted");
        _sell(1, 100);
        vm.assertEq(coop.distributor.claimable(1, alice), 0, "alice's accepted contribution earns nothing");
    }

    /// @notice Between a batch's acceptance and a leaf's claim, any member may submit the
    /// leaf's CID (read from the public manifest) in any form and revoke it at once: the digest
    /// stays registered, so the rightful leaf is refused as a duplicate for ever and the batch
    /// can never be fully claimed. One cheap transaction per leaf blocks it.
    function test_attack_squattedLeafCanNeverBeClaimed() public {
        (uint256 batchId, bytes memory aliceCid, bytes32 otherLeaf) = _batch(alice, 50, mallory, 50, 2);
        vm.prank(honestCurator);
        coop.registry.acceptBatch(batchId);

        vm.startPrank(mallory);
        uint256 id = coop.registry.submit(2, Cids.inForm(Cids.Form.V1_RAW, Cids.digestOf(aliceCid)));
        coop.registry.revoke(id);
        vm.stopPrank();

        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, id, mallory)
        );
        coop.registry.claimBatchLeaf(batchId, alice, aliceCid, 50, TwoLeafTree.proofOf(otherLeaf));
        vm.assertEq(coop.token.balanceOf(alice), 0, "alice's accepted leaf never counts");
    }

    // -- helpers ---------------------------------------------------------------------------

    mapping(uint256 batchId => bytes[2]) private _cids;

    /// @dev A two-leaf batch in pool 1 from the aggregator; returns the first leaf's CID and
    /// the second leaf's hash (the first leaf's proof).
    function _batch(address a, uint48 weightA, address b, uint48 weightB, uint24 count)
        private
        returns (uint256 batchId, bytes memory cidA, bytes32 leafB)
    {
        cidA = Cids.inForm(Cids.Form.V0, keccak256(abi.encode("leaf a", count, weightA)));
        bytes memory cidB = Cids.inForm(Cids.Form.V1_DAG_PB, keccak256(abi.encode("leaf b", count, weightB)));
        leafB = TwoLeafTree.leafHash(b, cidB, weightB);
        bytes32 root = TwoLeafTree.root(TwoLeafTree.leafHash(a, cidA, weightA), leafB);
        vm.prank(aggregator);
        batchId = coop.registry.submitBatch(1, root, count, Cids.inForm(Cids.Form.V0, keccak256("manifest")));
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
