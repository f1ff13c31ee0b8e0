// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {BatchLeaf} from "../../../contracts/types/BatchLeaf.sol";
import {Actors} from "./Actors.sol";
import {BatchTree} from "./BatchTree.sol";
import {Cids} from "./Cids.sol";
import {CooperativeFixture} from "./CooperativeFixture.sol";

/// @title BatchFixture
/// @notice The cooperative with batches built in the test: leaves, their StandardMerkleTree,
/// the aggregator's submission naming a curator, the curator's acceptance, sales of a pool.
abstract contract BatchFixture is CooperativeFixture {
    /// @notice A batch as built: its id, its leaves' contributors and leaves, its tree.
    struct Built {
        uint256 batchId;
        uint256 poolId;
        address[] contributors;
        BatchLeaf[] leaves;
        BatchTree.Tree tree;
    }

    bytes internal manifest = Cids.inForm(Cids.Form.V1_RAW, keccak256("manifest"));

    /// @dev The fixture's buyer, funded and approved, so that `_sell` can sell.
    function _fundBuyer() internal {
        coop.usd.mint(Actors.buyer(0), 1e24);
        vm.prank(Actors.buyer(0));
        coop.usd.approve(address(coop.market), type(uint256).max);
    }

    /// @dev A leaf over the content named by `seed`.
    function _leaf(uint8 ordinal, uint48 weight, string memory seed) internal pure returns (BatchLeaf memory) {
        return BatchLeaf({ordinal: ordinal, weight: weight, cid: Cids.inForm(Cids.Form.V0, keccak256(bytes(seed)))});
    }

    /// @dev The tree over `leaves` of `contributors` in `poolId` under this cooperative.
    function _tree(uint256 poolId, address[] memory contributors, BatchLeaf[] memory leaves)
        internal
        view
        returns (BatchTree.Tree memory)
    {
        bytes32[] memory hashes = new bytes32[](leaves.length);
        for (uint256 i = 0; i < leaves.length; ++i) {
            hashes[i] = BatchTree.leafHash(address(coop.distributor), poolId, contributors[i], leaves[i]);
        }
        return BatchTree.build(hashes);
    }

    /// @dev The aggregator submits `leaves` of `contributors` to `poolId` for `curator`,
    /// committing `count` leaves of `totalWeight` and `rejected` rejections.
    function _submit(
        uint256 poolId,
        address curator,
        address[] memory contributors,
        BatchLeaf[] memory leaves,
        uint24 count,
        uint48 totalWeight,
        uint24 rejected
    ) internal returns (Built memory b) {
        b.poolId = poolId;
        b.contributors = contributors;
        b.leaves = leaves;
        b.tree = _tree(poolId, contributors, leaves);
        vm.prank(Actors.aggregator());
        b.batchId =
            coop.registry.submitBatch(poolId, curator, BatchTree.root(b.tree), count, totalWeight, rejected, manifest);
    }

    /// @dev As `_submit` with an honest commitment (the leaves' count and sum, no rejection),
    /// then accepted by `curator`.
    function _accepted(uint256 poolId, address curator, address[] memory contributors, BatchLeaf[] memory leaves)
        internal
        returns (Built memory b)
    {
        uint256 sum;
        for (uint256 i = 0; i < leaves.length; ++i) {
            sum += leaves[i].weight;
        }
        b = _submit(poolId, curator, contributors, leaves, uint24(leaves.length), uint48(sum), 0);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
    }

    /// @dev Leaf `k`'s proof.
    function _proof(Built memory b, uint256 k) internal pure returns (bytes32[] memory) {
        return BatchTree.proof(b.tree, k);
    }

    /// @dev `contributor` claims leaf `k`; what it was paid.
    function _claim(Built memory b, uint256 k) internal returns (uint256) {
        vm.prank(b.contributors[k]);
        return coop.distributor.claimLeaf(b.batchId, b.leaves[k], _proof(b, k));
    }

    /// @dev Prices `poolId` at `price` and sells it once (research).
    function _sell(uint256 poolId, uint128 price) internal {
        coop.market.setPrice(poolId, price);
        vm.prank(Actors.buyer(0));
        coop.market.purchase(poolId, RESEARCH, price);
    }

    function _pair(address a, address b) internal pure returns (address[] memory pair) {
        pair = new address[](2);
        pair[0] = a;
        pair[1] = b;
    }

    function _pairOf(BatchLeaf memory a, BatchLeaf memory b) internal pure returns (BatchLeaf[] memory pair) {
        pair = new BatchLeaf[](2);
        pair[0] = a;
        pair[1] = b;
    }
}
