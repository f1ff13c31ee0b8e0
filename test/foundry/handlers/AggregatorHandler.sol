// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {TwoLeafTree} from "../utils/TwoLeafTree.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title AggregatorHandler
/// @notice Aggregators submit two-leaf Merkle batches built here, whose leaves may name an
/// outsider or the future curator, repeat registered content or each other, weigh zero, and
/// whose declared count may be short (1) or long (3) and whose committed total weight may be
/// short, at either bound or past one; anyone then claims leaves one at a time
/// (sometimes with a tampered weight) or both at once with a multiproof. One aggregator is
/// also a curator (so self-curation is tried) and a member without the role tries too.
contract AggregatorHandler is HandlerBase {
    /// @dev Declared leaf counts: 1 (short), 2 (honest), 3 (long).
    uint256 internal constant MAX_DECLARED_COUNT = 3;

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](3);
        s[0] = this.submitBatch.selector;
        s[1] = this.claimLeaf.selector;
        s[2] = this.claimBoth.selector;
    }

    function submitBatch(
        uint256 aggregatorSeed,
        uint256 poolSeed,
        uint256 leafSeedA,
        uint256 leafSeedB,
        uint256 countSeed
    ) external {
        (address aggregator, bool hasRole) = _aggregatorOf(aggregatorSeed);
        uint256 poolId = _anyPoolId(poolSeed);
        uint256 count = bound(countSeed % 4, 1, MAX_DECLARED_COUNT);
        CoopModel.Leaf[2] memory leaves;
        leaves[0] = _leaf(leafSeedA, bytes32(0), poolId);
        leaves[1] = _leaf(leafSeedB, Cids.digestOf(leaves[0].cid), poolId);
        uint256 maxWeight = model.poolMaxWeight(poolId);
        uint256 totalWeight = _committedWeight(countSeed >> 2, count, maxWeight, leaves);
        bytes32 root = TwoLeafTree.root(_hash(leaves[0]), _hash(leaves[1]));
        bytes memory manifest = Cids.inForm(Cids.Form.V0, model.freshDigest());

        bytes4 expected = OK;
        if (!hasRole) expected = IAccessControl.AccessControlUnauthorizedAccount.selector;
        else if (!_knownPool(poolId)) expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        else if (model.poolClosed(poolId)) expected = IContributionRegistry.ContributionRegistryPoolClosed.selector;
        else if (totalWeight < count || totalWeight > count * maxWeight) {
            expected = IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector;
        }

        bytes memory ret = _call(
            aggregator,
            address(coop.registry),
            abi.encodeCall(coop.registry.submitBatch, (poolId, root, uint24(count), uint48(totalWeight), manifest)),
            expected
        );
        if (expected != OK) return;
        uint256 batchId = model.recordBatch(poolId, aggregator, count, totalWeight, leaves);
        vm.assertEq(abi.decode(ret, (uint256)), batchId, "submitBatch: ids count up");
    }

    /// @notice Anyone presents one leaf's proof; one time in eight with a weight not in the tree.
    function claimLeaf(uint256 batchSeed, uint256 leafSeed, uint256 relayerSeed, uint256 tamperSeed) external {
        uint256 batches = model.batchCount();
        if (batches == 0) return;
        uint256 batchId = 1 + batchSeed % batches;
        CoopModel.BatchModel memory b = model.batchOf(batchId);
        uint256 i = leafSeed % 2;
        CoopModel.Leaf memory leaf = b.leaves[i];
        bool tampered = tamperSeed % 8 == 0;

        bytes4 expected = _claimableOutcome(b, leaf.contributor);
        if (expected == OK && tampered) expected = IContributionRegistry.ContributionRegistryInvalidProof.selector;
        if (expected == OK) expected = _leafOutcome(b.poolId, leaf, 0);
        if (expected == OK) expected = _commitmentOutcome(b, 1, leaf.weight);

        bytes memory data = abi.encodeCall(
            coop.registry.claimBatchLeaf,
            (
                batchId,
                leaf.contributor,
                leaf.cid,
                tampered ? leaf.weight + 1 : leaf.weight,
                TwoLeafTree.proofOf(_hash(b.leaves[1 - i]))
            )
        );
        bytes memory ret = _call(Actors.contributor(relayerSeed), address(coop.registry), data, expected);
        if (expected != OK) return;
        uint256 id = Cids.idOf(leaf.contributor, Cids.digestOf(leaf.cid));
        vm.assertEq(abi.decode(ret, (uint256)), id, "claimBatchLeaf: id binds the digest to its contributor");
        model.recordLeafClaimed(batchId, i, id);
        model.recordContent(id, Cids.digestOf(leaf.cid));
    }

    /// @notice Anyone claims both leaves for the first leaf's contributor with one multiproof;
    /// refused as an invalid proof when the second leaf names someone else.
    function claimBoth(uint256 batchSeed, uint256 relayerSeed) external {
        uint256 batches = model.batchCount();
        if (batches == 0) return;
        uint256 batchId = 1 + batchSeed % batches;
        CoopModel.BatchModel memory b = model.batchOf(batchId);
        address contributor = b.leaves[0].contributor;
        IContributionRegistry.BatchLeaf[] memory leaves = new IContributionRegistry.BatchLeaf[](2);
        uint256 totalWeight;
        for (uint256 i = 0; i < 2; ++i) {
            leaves[i] = IContributionRegistry.BatchLeaf({cid: b.leaves[i].cid, weight: b.leaves[i].weight});
            totalWeight += b.leaves[i].weight;
        }

        bytes4 expected = _claimableOutcome(b, contributor);
        if (expected == OK && b.leaves[1].contributor != contributor) {
            expected = IContributionRegistry.ContributionRegistryInvalidProof.selector;
        }
        if (expected == OK) expected = _leafOutcome(b.poolId, b.leaves[0], 0);
        if (expected == OK) {
            expected = _leafOutcome(b.poolId, b.leaves[1], Cids.idOf(contributor, Cids.digestOf(b.leaves[0].cid)));
        }
        if (expected == OK) expected = _commitmentOutcome(b, 2, totalWeight);

        bytes memory ret = _call(
            Actors.contributor(relayerSeed),
            address(coop.registry),
            abi.encodeCall(
                coop.registry.claimBatchLeaves,
                (batchId, contributor, leaves, new bytes32[](0), TwoLeafTree.bothFlags())
            ),
            expected
        );
        if (expected != OK) return;
        vm.assertEq(abi.decode(ret, (uint256)), totalWeight, "claimBatchLeaves: credits both weights");
        for (uint256 i = 0; i < 2; ++i) {
            uint256 id = Cids.idOf(contributor, Cids.digestOf(b.leaves[i].cid));
            model.recordLeafClaimed(batchId, i, id);
            model.recordContent(id, Cids.digestOf(b.leaves[i].cid));
        }
    }

    /// @dev The main aggregator or the aggregating curator, or a third of the time a member
    /// without the role.
    function _aggregatorOf(uint256 seed) private pure returns (address, bool) {
        uint256 i = seed % 3;
        if (i == 0) return (Actors.aggregator(), true);
        if (i == 1) return (Actors.curator(0), true);
        return (Actors.member(seed >> 2), false);
    }

    /// @dev The total weight the batch commits: mostly the leaves' sum (within the bounds), else
    /// the bounds themselves, or one past either (refused).
    function _committedWeight(uint256 seed, uint256 count, uint256 maxWeight, CoopModel.Leaf[2] memory leaves)
        private
        pure
        returns (uint256)
    {
        uint256 pick = seed % 8;
        if (pick == 0) return count * maxWeight;
        if (pick == 1) return count;
        if (pick == 2) return count * maxWeight + 1;
        if (pick == 3) return count - 1;
        uint256 sum = uint256(leaves[0].weight) + leaves[1].weight;
        return bound(sum, count, count * maxWeight);
    }

    /// @dev A leaf: a contributor (one time in eight the outsider), content mostly fresh (else
    /// already registered, or the same as `sibling`), any valid form, a weight from 0 to above
    /// the pool's maximum.
    function _leaf(uint256 seed, bytes32 sibling, uint256 poolId) private returns (CoopModel.Leaf memory leaf) {
        leaf.contributor = seed % 8 == 0 ? Actors.outsider() : Actors.contributor(seed >> 3);
        uint256 pick = (seed >> 8) % 8;
        bytes32 digest;
        if (pick == 0 && model.idCount() > 0) digest = model.contentAt(seed >> 16);
        else if (pick == 1 && sibling != bytes32(0)) digest = sibling;
        else digest = model.freshDigest();
        leaf.cid = Cids.anyValid(seed >> 24, digest);
        leaf.weight = _fuzzWeight(seed >> 32, poolId);
    }

    function _hash(CoopModel.Leaf memory leaf) private pure returns (bytes32) {
        return TwoLeafTree.leafHash(leaf.contributor, leaf.cid, leaf.weight);
    }

    /// @dev The batch checks of a claim for `contributor`, in the registry's order.
    function _claimableOutcome(CoopModel.BatchModel memory b, address contributor) private view returns (bytes4) {
        if (b.status != IContributionRegistry.BatchStatus.ACCEPTED) {
            return IContributionRegistry.ContributionRegistryBatchNotAccepted.selector;
        }
        if (contributor == b.curator) return IContributionRegistry.ContributionRegistryBatchSelfCuration.selector;
        if (model.statusOf(contributor) == 0) return IContributionRegistry.ContributionRegistryNotMember.selector;
        return OK;
    }

    /// @dev The checks on one proven leaf, `claimedBefore` being an id registered earlier in
    /// the same claim (zero if none).
    function _leafOutcome(uint256 poolId, CoopModel.Leaf memory leaf, uint256 claimedBefore)
        private
        view
        returns (bytes4)
    {
        if (leaf.weight == 0) return IContributionRegistry.ContributionRegistryZeroWeight.selector;
        if (leaf.weight > model.poolMaxWeight(poolId)) {
            return IContributionRegistry.ContributionRegistryWeightAboveMax.selector;
        }
        uint256 id = Cids.idOf(leaf.contributor, Cids.digestOf(leaf.cid));
        if (model.entry(id).status != IContributionRegistry.Status.NONE || id == claimedBefore) {
            return IContributionRegistry.ContributionRegistryDuplicateCid.selector;
        }
        return OK;
    }

    /// @dev The batch's commitments: never more leaves than its count, nor more weight than its
    /// total.
    function _commitmentOutcome(CoopModel.BatchModel memory b, uint256 leaves, uint256 weight)
        private
        pure
        returns (bytes4)
    {
        if (b.claimedCount + leaves > b.count) return IContributionRegistry.ContributionRegistryBatchCountExceeded.selector;
        if (b.claimedWeight + weight > b.totalWeight) {
            return IContributionRegistry.ContributionRegistryBatchWeightExceeded.selector;
        }
        return OK;
    }
}
