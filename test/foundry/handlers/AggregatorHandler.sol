// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBatchPots} from "../../../contracts/interfaces/IBatchPots.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {BatchLeaf} from "../../../contracts/types/BatchLeaf.sol";
import {Actors} from "../utils/Actors.sol";
import {BatchTree} from "../utils/BatchTree.sol";
import {Cids} from "../utils/Cids.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title AggregatorHandler
/// @notice Aggregators submit batches of one designated curator's reviews, built here as
/// StandardMerkleTrees of up to six leaves, whose commitments may lie: a count above or below
/// the leaves, a total weight above or below their sum (at the bounds or past them), rejections
/// only, a missing root; whose leaves may name the outsider or the designated curator, repeat an
/// ordinal or go past 47, weigh zero or above the pool's maximum, or carry content already
/// registered. The designated curator may be the aggregator itself or no curator. Members then
/// act on the leaves, directly or relayed as a fuzzed flag chooses: they claim a leaf's revenue
/// (sometimes another's leaf, or a tampered weight), claim many with a multiproof (sometimes
/// with another's leaf in it), claim their holdings across batches without proofs, activate
/// leaves for tokens, and revoke leaves. Every outcome, every payment to the wei, is predicted.
contract AggregatorHandler is HandlerBase {
    uint256 internal constant MAX_LEAVES = 6;
    uint256 internal constant MAX_REJECTED = 2;
    uint256 internal constant ORDINAL_LIMIT = 48;
    /// @dev claimBatches looks at the latest batches only.
    uint256 internal constant CLAIMED_BATCHES = 8;

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        // Weighted by repetition: a batch's life needs its submission, and claims and
        // activations have the most paths.
        s = new bytes4[](11);
        s[0] = this.submitBatch.selector;
        s[1] = this.submitBatch.selector;
        s[2] = this.submitBatch.selector;
        s[3] = this.claimLeaf.selector;
        s[4] = this.claimLeaf.selector;
        s[5] = this.claimLeaves.selector;
        s[6] = this.claimLeaves.selector;
        s[7] = this.claimBatches.selector;
        s[8] = this.activateLeaves.selector;
        s[9] = this.activateLeaves.selector;
        s[10] = this.revokeLeaf.selector;
    }

    // -- submission ------------------------------------------------------------------------

    function submitBatch(
        uint256 aggregatorSeed,
        uint256 poolSeed,
        uint256 curatorSeed,
        uint256 leafSeed,
        uint256 shapeSeed
    ) external {
        (aggregatorSeed, poolSeed, curatorSeed) = (_mix(aggregatorSeed), _mix(poolSeed), _mix(curatorSeed));
        (leafSeed, shapeSeed) = (_mix(leafSeed), _mix(shapeSeed));
        (address aggregator, bool hasRole) = _aggregatorOf(aggregatorSeed);
        CoopModel.BatchModel memory b;
        b.poolId = poolSeed % 16 == 0 ? _anyPoolId(poolSeed >> 4) : _openPoolOf(poolSeed >> 4);
        b.aggregator = aggregator;
        b.curator = curatorSeed % 16 == 0 ? Actors.member(curatorSeed >> 4) : _eligibleCuratorOf(curatorSeed >> 4);
        CoopModel.Leaf[] memory leaves = _leaves(leafSeed, b.poolId, b.curator);
        if (leaves.length > 0) b.root = BatchTree.root(_tree(b.poolId, leaves));
        if (shapeSeed % 64 == 0) b.root = bytes32(0);
        uint256 maxWeight = model.poolMaxWeight(b.poolId);
        _commit(b, shapeSeed >> 6, leaves, maxWeight);
        bytes memory manifest = Cids.inForm(Cids.Form.V1_RAW, model.freshDigest());

        bytes4 expected = OK;
        if (!hasRole) {
            expected = IAccessControl.AccessControlUnauthorizedAccount.selector;
        } else if (!_knownPool(b.poolId)) {
            expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        } else if (model.poolClosed(b.poolId)) {
            expected = IContributionRegistry.ContributionRegistryPoolClosed.selector;
        } else if (b.count + b.rejected == 0) {
            expected = IContributionRegistry.ContributionRegistryEmptyBatch.selector;
        } else if ((b.root == bytes32(0)) != (b.count == 0)) {
            expected = IContributionRegistry.ContributionRegistryBatchRoot.selector;
        } else if (b.totalWeight < b.count || b.totalWeight > b.count * maxWeight) {
            expected = IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector;
        } else if (b.curator == aggregator || !_isCurator(b.curator)) {
            expected = IContributionRegistry.ContributionRegistryInvalidBatchCurator.selector;
        }

        bytes memory ret = _call(
            aggregator,
            address(coop.registry),
            abi.encodeCall(
                coop.registry.submitBatch,
                (b.poolId, b.curator, b.root, uint24(b.count), uint48(b.totalWeight), uint24(b.rejected), manifest)
            ),
            expected
        );
        if (expected != OK) return;
        uint256 batchId = model.recordBatch(b, leaves);
        vm.assertEq(abi.decode(ret, (uint256)), batchId, "submitBatch: ids count up");
    }

    // -- revenue ---------------------------------------------------------------------------

    /// @notice A leaf's contributor claims it with its proof; one time in eight another member
    /// presents it, or the weight is tampered with.
    function claimLeaf(uint256 batchSeed, uint256 leafSeed, uint256 callerSeed, bool relayed) external {
        (leafSeed, callerSeed) = (_mix(leafSeed), _mix(callerSeed));
        (uint256 batchId, CoopModel.BatchModel memory b) = _pickBatch(batchSeed);
        if (b.leaves.length == 0) return;
        uint256[] memory ks = new uint256[](1);
        ks[0] = leafSeed % b.leaves.length;
        (address caller, bytes memory data, bool invalid) =
            _leafCall(batchId, b, ks[0], leafSeed >> 8, callerSeed, true);
        bytes4 expected = _claimOutcome(batchId, b, caller, ks, invalid, true);

        uint256 before = coop.usd.balanceOf(caller);
        (bool done, bytes memory ret) = _act(_keyOf(caller), relayed, address(coop.distributor), data, expected);
        if (done) _claimed(batchId, b.poolId, caller, ks, ret, before);
    }

    /// @notice A contributor claims some of their leaves in one batch with one multiproof; one
    /// time in eight the set holds another's leaf, one time in sixty-four it is empty.
    function claimLeaves(uint256 batchSeed, uint256 leafSeed, uint256 subsetSeed, bool relayed) external {
        (leafSeed, subsetSeed) = (_mix(leafSeed), _mix(subsetSeed));
        (uint256 batchId, CoopModel.BatchModel memory b) = _pickBatch(batchSeed);
        if (b.leaves.length == 0) return;
        (address caller, uint256[] memory order, bytes memory data, bool invalid) =
            _leavesCall(batchId, b, leafSeed, subsetSeed, true);
        bytes4 expected = order.length == 0
            ? IBatchPots.RevenueDistributorNoLeaves.selector
            : _claimOutcome(batchId, b, caller, order, invalid, false);

        uint256 before = coop.usd.balanceOf(caller);
        (bool done, bytes memory ret) = _act(_keyOf(caller), relayed, address(coop.distributor), data, expected);
        if (done) _claimed(batchId, b.poolId, caller, order, ret, before);
    }

    /// @dev Records a claim of leaves `ks` that went through and checks its payment.
    function _claimed(
        uint256 batchId,
        uint256 poolId,
        address caller,
        uint256[] memory ks,
        bytes memory ret,
        uint256 before
    ) private {
        _checkPaid(caller, ret, model.recordLeavesClaimed(batchId, caller, ks, _poolAcc(poolId)), before);
    }

    /// @notice A contributor (or the outsider) claims, without proofs, what their claimed
    /// leaves earned since in some of the latest batches; one time in eight the list may name a
    /// batch that never earned (refused).
    function claimBatches(uint256 callerSeed, uint256 pickSeed, bool relayed) external {
        (callerSeed, pickSeed) = (_mix(callerSeed), _mix(pickSeed));
        address caller = callerSeed % 8 == 0 ? Actors.outsider() : Actors.contributor(callerSeed >> 3);
        uint256 last = model.batchCount();
        uint256 first = last > CLAIMED_BATCHES ? last - CLAIMED_BATCHES + 1 : 1;
        bool anyBatch = pickSeed % 8 == 0;
        uint256[] memory ids = new uint256[](last + 1 - first);
        uint256 n;
        bytes4 expected = OK;
        for (uint256 id = first; id <= last; ++id) {
            if ((pickSeed >> (id - first + 3)) & 1 == 0) continue;
            bool earned = model.batchOf(id).potState != IBatchPots.BatchPotState.NONE;
            if (!earned && !anyBatch) continue;
            if (!earned && expected == OK) expected = IBatchPots.RevenueDistributorBatchState.selector;
            ids[n++] = id;
        }
        assembly ("memory-safe") {
            mstore(ids, n)
        }

        uint256 before = coop.usd.balanceOf(caller);
        (bool done, bytes memory ret) = _act(
            _keyOf(caller),
            relayed,
            address(coop.distributor),
            abi.encodeCall(coop.distributor.claimBatches, (ids)),
            expected
        );
        if (!done) return;
        uint256 amount;
        for (uint256 i = 0; i < n; ++i) {
            amount += model.recordLeavesClaimed(
                ids[i], caller, new uint256[](0), _poolAcc(model.batchOf(ids[i]).poolId)
            );
        }
        _checkPaid(caller, ret, amount, before);
    }

    // -- tokens and revocation -------------------------------------------------------------

    /// @notice A contributor activates some of their leaves for tokens with one multiproof.
    function activateLeaves(uint256 batchSeed, uint256 leafSeed, uint256 subsetSeed, bool relayed) external {
        (leafSeed, subsetSeed) = (_mix(leafSeed), _mix(subsetSeed));
        (uint256 batchId, CoopModel.BatchModel memory b) = _pickBatch(batchSeed);
        if (b.leaves.length == 0) return;
        (address caller, uint256[] memory order, bytes memory data, bool invalid) =
            _leavesCall(batchId, b, leafSeed, subsetSeed, false);
        bytes4 expected = _activationOutcome(b, caller, order, invalid);

        uint256 tokensBefore = coop.token.balanceOf(caller);
        (bool done,) = _act(_keyOf(caller), relayed, address(coop.registry), data, expected);
        if (!done) return;
        model.recordLeavesActivated(batchId, order);
        uint256 weight;
        for (uint256 i = 0; i < order.length; ++i) {
            weight += b.leaves[order[i]].weight;
        }
        vm.assertEq(coop.token.balanceOf(caller), tokensBefore + weight, "activateLeaves: mints the leaves' weight");
    }

    /// @dev The claim (`claiming`) or activation of a subset of one contributor's leaves (see
    /// `_subset`) with its multiproof, the leaves in its order.
    function _leavesCall(
        uint256 batchId,
        CoopModel.BatchModel memory b,
        uint256 leafSeed,
        uint256 subsetSeed,
        bool claiming
    ) private view returns (address caller, uint256[] memory order, bytes memory data, bool invalid) {
        uint256[] memory ks;
        (caller, ks, invalid) = _subset(b, leafSeed, subsetSeed);
        bytes32[] memory proof;
        bool[] memory flags;
        (order, proof, flags) = BatchTree.multiProof(_tree(b.poolId, b.leaves), ks);
        BatchLeaf[] memory leaves = _batchLeaves(b, order);
        data = claiming
            ? abi.encodeCall(coop.distributor.claimLeaves, (batchId, leaves, proof, flags))
            : abi.encodeCall(coop.registry.activateLeaves, (batchId, leaves, proof, flags));
    }

    /// @notice A leaf's contributor revokes it (one time in eight another member tries, one
    /// time in sixteen with a tampered weight): its revenue so far is paid, its weight leaves
    /// the pool, its tokens are burnt.
    function revokeLeaf(uint256 batchSeed, uint256 leafSeed, uint256 callerSeed, bool relayed) external {
        (leafSeed, callerSeed) = (_mix(leafSeed), _mix(callerSeed));
        (uint256 batchId, CoopModel.BatchModel memory b) = _pickBatch(batchSeed);
        if (b.leaves.length == 0) return;
        uint256 k = leafSeed % b.leaves.length;
        (address caller, bytes memory data, bool invalid) = _leafCall(batchId, b, k, leafSeed >> 8, callerSeed, false);
        bytes4 expected = _revocationOutcome(b, b.leaves[k], invalid);

        uint256 before = coop.usd.balanceOf(caller);
        uint256 tokensBefore = coop.token.balanceOf(caller);
        (bool done,) = _act(_keyOf(caller), relayed, address(coop.registry), data, expected);
        if (!done) return;
        (uint256 amount,) = model.recordLeafRevoked(batchId, k, _poolAcc(b.poolId));
        _checkPaid(caller, "", amount, before);
        uint256 burnt = b.leaves[k].activated ? b.leaves[k].weight : 0;
        vm.assertEq(coop.token.balanceOf(caller), tokensBefore - burnt, "revokeLeaf: burns an activated leaf's weight");
        vm.assertEq(coop.distributor.claimableFromBatch(batchId, caller, 0), 0, "revokeLeaf: the holding is paid up");
    }

    /// @dev The claim (`claiming`) or revocation of leaf `k` with its proof, by its contributor
    /// or, one time in eight, another member; one time in eight (claims) or sixteen
    /// (revocations) with its weight tampered with. `invalid`: the proof cannot hold.
    function _leafCall(
        uint256 batchId,
        CoopModel.BatchModel memory b,
        uint256 k,
        uint256 tamperSeed,
        uint256 callerSeed,
        bool claiming
    ) private view returns (address caller, bytes memory data, bool invalid) {
        address contributor = b.leaves[k].contributor;
        caller = callerSeed % 8 == 0 ? Actors.contributor(callerSeed >> 3) : contributor;
        BatchLeaf memory presented = _batchLeaf(b.leaves[k]);
        invalid = caller != contributor;
        if (tamperSeed % (claiming ? 8 : 16) == 0) {
            ++presented.weight;
            invalid = true;
        }
        bytes32[] memory proof = BatchTree.proof(_tree(b.poolId, b.leaves), k);
        data = claiming
            ? abi.encodeCall(coop.distributor.claimLeaf, (batchId, presented, proof))
            : abi.encodeCall(coop.registry.revokeLeaf, (batchId, presented, proof));
    }

    // -- outcomes --------------------------------------------------------------------------

    /// @dev The distributor's checks of a claim of leaves `ks` (in the claim's order) by
    /// `caller`, in its order: the proof (no root before acceptance), each leaf's weight and
    /// ordinal (`single`: claimLeaf's order of the two; else claimLeaves', with ordinals unique
    /// within the claim), the curator, the holding's ordinals, the commitment.
    function _claimOutcome(
        uint256 batchId,
        CoopModel.BatchModel memory b,
        address caller,
        uint256[] memory ks,
        bool invalid,
        bool single
    ) private view returns (bytes4) {
        if (b.potState == IBatchPots.BatchPotState.NONE || invalid) {
            return IBatchPots.RevenueDistributorInvalidLeafProof.selector;
        }
        uint256 bits;
        uint256 weight;
        for (uint256 i = 0; i < ks.length; ++i) {
            CoopModel.Leaf memory leaf = b.leaves[ks[i]];
            bool badWeight = leaf.weight == 0 || leaf.weight > b.maxWeight;
            if (single && badWeight) return IBatchPots.RevenueDistributorLeafWeight.selector;
            if (leaf.ordinal >= ORDINAL_LIMIT) return IBatchPots.RevenueDistributorLeafTaken.selector;
            uint256 bit = 1 << leaf.ordinal;
            if (bits & bit != 0) return IBatchPots.RevenueDistributorLeafTaken.selector;
            if (badWeight) return IBatchPots.RevenueDistributorLeafWeight.selector;
            bits |= bit;
            weight += leaf.weight;
        }
        if (caller == b.curator) return IBatchPots.RevenueDistributorBatchCurator.selector;
        if (model.holdingOf(batchId, caller).ordinals & bits != 0) {
            return IBatchPots.RevenueDistributorLeafTaken.selector;
        }
        if (!model.withinCommitment(batchId, ks.length, weight)) {
            return IBatchPots.RevenueDistributorBatchCommitment.selector;
        }
        return OK;
    }

    /// @dev The registry's checks of an activation of leaves `ks` by `caller`, in its order.
    function _activationOutcome(CoopModel.BatchModel memory b, address caller, uint256[] memory ks, bool invalid)
        private
        view
        returns (bytes4)
    {
        if (ks.length == 0) return IContributionRegistry.ContributionRegistryNoLeaves.selector;
        if (b.status != IContributionRegistry.BatchStatus.ACCEPTED) {
            return IContributionRegistry.ContributionRegistryBatchNotAccepted.selector;
        }
        if (caller == b.curator) return IContributionRegistry.ContributionRegistryBatchSelfCuration.selector;
        if (model.statusOf(caller) == 0) return IContributionRegistry.ContributionRegistryNotMember.selector;
        if (invalid) return IContributionRegistry.ContributionRegistryInvalidProof.selector;
        uint256 maxWeight = model.poolMaxWeight(b.poolId);
        uint256 weight;
        for (uint256 i = 0; i < ks.length; ++i) {
            CoopModel.Leaf memory leaf = b.leaves[ks[i]];
            if (leaf.ordinal >= ORDINAL_LIMIT) return IContributionRegistry.ContributionRegistryInvalidOrdinal.selector;
            if (leaf.weight == 0) return IContributionRegistry.ContributionRegistryZeroWeight.selector;
            if (leaf.weight > maxWeight) return IContributionRegistry.ContributionRegistryWeightAboveMax.selector;
            uint256 id = _idOf(leaf);
            if (model.entry(id).status != IContributionRegistry.Status.NONE) {
                return IContributionRegistry.ContributionRegistryDuplicateCid.selector;
            }
            for (uint256 j = 0; j < i; ++j) {
                if (_idOf(b.leaves[ks[j]]) == id) {
                    return IContributionRegistry.ContributionRegistryDuplicateCid.selector;
                }
            }
            weight += leaf.weight;
        }
        if (b.activatedCount + ks.length > b.count) {
            return IContributionRegistry.ContributionRegistryBatchCountExceeded.selector;
        }
        if (b.activatedWeight + weight > b.totalWeight) {
            return IContributionRegistry.ContributionRegistryBatchWeightExceeded.selector;
        }
        return OK;
    }

    /// @dev The checks of a revocation, registry then distributor. A leaf past ordinal 47 is
    /// never activated, and its revocation is refused by the distributor.
    function _revocationOutcome(CoopModel.BatchModel memory b, CoopModel.Leaf memory leaf, bool invalid)
        private
        view
        returns (bytes4)
    {
        if (
            b.status != IContributionRegistry.BatchStatus.ACCEPTED
                && b.status != IContributionRegistry.BatchStatus.OVERTURNED
        ) {
            return IContributionRegistry.ContributionRegistryBatchNotAccepted.selector;
        }
        if (invalid) return IContributionRegistry.ContributionRegistryInvalidProof.selector;
        // Each leaf is revoked once, whatever registered its content.
        if (leaf.revoked) return IContributionRegistry.ContributionRegistryNotRevocable.selector;
        // Overturned before acceptance: no pot to take the leaf from.
        if (b.potState == IBatchPots.BatchPotState.NONE) return IBatchPots.RevenueDistributorBatchState.selector;
        if (leaf.ordinal >= ORDINAL_LIMIT) return IBatchPots.RevenueDistributorLeafTaken.selector;
        return OK;
    }

    // -- building batches ------------------------------------------------------------------

    /// @dev Mostly the main aggregator, else (one time in eight) the aggregating curator or (one
    /// in eight) a member without the role.
    function _aggregatorOf(uint256 seed) private pure returns (address, bool) {
        uint256 i = seed % 8;
        if (i < 6) return (Actors.aggregator(), true);
        if (i == 6) return (Actors.curator(0), true);
        return (Actors.member(seed >> 3), false);
    }

    /// @dev A pool, open if any is.
    function _openPoolOf(uint256 seed) private view returns (uint256 poolId) {
        for (uint256 i = 0; i < POOL_COUNT; ++i) {
            poolId = 1 + (seed + i) % POOL_COUNT;
            if (!model.poolClosed(poolId)) return poolId;
        }
    }

    /// @dev A curator of the cast, eligible if either is.
    function _eligibleCuratorOf(uint256 seed) private view returns (address curator) {
        for (uint256 i = 0; i < Actors.CURATOR_COUNT; ++i) {
            curator = Actors.curator(seed + i);
            if (_isCurator(curator)) return curator;
        }
    }

    function _isCurator(address account) private view returns (bool) {
        bool curator = account == Actors.curator(0) || account == Actors.curator(1);
        return curator && model.statusOf(account) == WORKER_STATUS;
    }

    /// @dev Up to MAX_LEAVES leaves (none one time in seven: rejections only), mostly of two
    /// contributors, one time in sixteen the outsider's or the designated curator's; ordinals
    /// counted per contributor, one time in eight repeating the last, one in sixteen past 47;
    /// fresh content, one time in eight content registered singly; any weight from 0 to above
    /// the pool's maximum.
    function _leaves(uint256 seed, uint256 poolId, address curator) private returns (CoopModel.Leaf[] memory leaves) {
        leaves = new CoopModel.Leaf[](seed % (MAX_LEAVES + 1));
        address[2] memory mains = [Actors.contributor(seed >> 8), Actors.contributor(seed >> 16)];
        for (uint256 i = 0; i < leaves.length; ++i) {
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            CoopModel.Leaf memory leaf = leaves[i];
            uint256 who = s % 32;
            leaf.contributor = who == 0 ? Actors.outsider() : who == 1 ? curator : mains[who % 2];
            uint256 previous;
            for (uint256 j = 0; j < i; ++j) {
                if (leaves[j].contributor == leaf.contributor) ++previous;
            }
            uint256 pick = (s >> 8) % 16;
            if (pick == 0) leaf.ordinal = uint8(bound(s >> 12, ORDINAL_LIMIT, type(uint8).max));
            else if (pick < 3 && previous > 0) leaf.ordinal = uint8(previous - 1);
            else leaf.ordinal = uint8(previous);
            leaf.weight = _fuzzWeight(s >> 20, poolId);
            // Content reused only where this contributor registered it singly: two leaves of one
            // contributor never share an id (see BatchAttacks' test_twinLeafRevocationBurnsTheTwinsWeight).
            bytes32 digest = (s >> 80) % 8 == 0 ? model.contentAt(s >> 84) : bytes32(0);
            uint256 id = Cids.idOf(leaf.contributor, digest);
            if (digest == bytes32(0) || model.entry(id).status == IContributionRegistry.Status.NONE) {
                digest = model.freshDigest();
            }
            leaf.cid = Cids.anyValid(s >> 120, digest);
        }
    }

    /// @dev The batch's commitment: without leaves, rejections only (or none: refused); else a
    /// count mostly the leaves' (one time in eight one short, one in eight one long), a total
    /// weight mostly their sum within the bounds (else at a bound, one past one, or just below
    /// or above the sum), and up to MAX_REJECTED rejections.
    function _commit(CoopModel.BatchModel memory b, uint256 seed, CoopModel.Leaf[] memory leaves, uint256 maxWeight)
        private
        pure
    {
        b.rejected = seed % (MAX_REJECTED + 1);
        uint256 n = leaves.length;
        if (n == 0) {
            if ((seed >> 2) % 8 == 0) b.totalWeight = 1;
            return;
        }
        uint256 countPick = (seed >> 2) % 8;
        b.count = countPick == 0 ? n - 1 : countPick == 1 ? n + 1 : n;
        if (b.count == 0) b.count = 1;
        uint256 sum;
        for (uint256 i = 0; i < n; ++i) {
            sum += leaves[i].weight;
        }
        uint256 lo = b.count;
        uint256 hi = b.count * maxWeight;
        uint256 weightPick = (seed >> 5) % 32;
        if (weightPick == 0) b.totalWeight = hi;
        else if (weightPick == 1) b.totalWeight = lo;
        else if (weightPick == 2) b.totalWeight = hi + 1;
        else if (weightPick == 3) b.totalWeight = lo - 1;
        else if (weightPick == 4) b.totalWeight = bound(sum == 0 ? 0 : sum - 1, lo, hi);
        else if (weightPick == 5) b.totalWeight = bound(sum + 1, lo, hi);
        else b.totalWeight = bound(sum, lo, hi);
    }

    // -- leaves and proofs -----------------------------------------------------------------

    /// @dev A batch that exists, if any: three times in four one that was accepted, if any.
    function _pickBatch(uint256 seed) private view returns (uint256 batchId, CoopModel.BatchModel memory b) {
        uint256 batches = model.batchCount();
        if (batches == 0) return (0, b);
        seed = _mix(seed);
        batchId = 1 + (seed >> 2) % batches;
        if (seed % 4 != 0) {
            for (uint256 i = 0; i < batches; ++i) {
                uint256 id = 1 + (batchId + i) % batches;
                if (model.batchOf(id).potState != IBatchPots.BatchPotState.NONE) {
                    batchId = id;
                    break;
                }
            }
        }
        b = model.batchWithLeaves(batchId);
    }

    /// @dev Seeds hashed: the fuzzer's edge values (0, the maximum) would otherwise pick the
    /// same branch of every choice; the values that matter are bounded from the hash.
    function _mix(uint256 seed) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed)));
    }

    /// @dev Leaves of one contributor: the leaf `leafSeed` picks and those of the same
    /// contributor the bits of `subsetSeed` pick; one time in eight another's leaf too (an
    /// invalid proof), one time in sixty-four none.
    function _subset(CoopModel.BatchModel memory b, uint256 leafSeed, uint256 subsetSeed)
        private
        pure
        returns (address caller, uint256[] memory ks, bool invalid)
    {
        uint256 n = b.leaves.length;
        uint256 first = leafSeed % n;
        caller = b.leaves[first].contributor;
        ks = new uint256[](n);
        if (subsetSeed % 64 == 1) {
            assembly ("memory-safe") {
                mstore(ks, 0)
            }
            return (caller, ks, false);
        }
        uint256 m;
        for (uint256 i = 0; i < n; ++i) {
            bool mine = b.leaves[i].contributor == caller;
            bool picked = i == first || (subsetSeed >> (i + 8)) & 1 == 1;
            if (mine && picked) {
                ks[m++] = i;
            } else if (!mine && !invalid && subsetSeed % 8 == 0) {
                ks[m++] = i;
                invalid = true;
            }
        }
        assembly ("memory-safe") {
            mstore(ks, m)
        }
    }

    function _tree(uint256 poolId, CoopModel.Leaf[] memory leaves) private view returns (BatchTree.Tree memory) {
        bytes32[] memory hashes = new bytes32[](leaves.length);
        for (uint256 i = 0; i < leaves.length; ++i) {
            hashes[i] =
                BatchTree.leafHash(address(coop.distributor), poolId, leaves[i].contributor, _batchLeaf(leaves[i]));
        }
        return BatchTree.build(hashes);
    }

    function _batchLeaf(CoopModel.Leaf memory leaf) private pure returns (BatchLeaf memory) {
        return BatchLeaf({ordinal: leaf.ordinal, weight: leaf.weight, cid: leaf.cid});
    }

    function _batchLeaves(CoopModel.BatchModel memory b, uint256[] memory ks)
        private
        pure
        returns (BatchLeaf[] memory leaves)
    {
        leaves = new BatchLeaf[](ks.length);
        for (uint256 i = 0; i < ks.length; ++i) {
            leaves[i] = _batchLeaf(b.leaves[ks[i]]);
        }
    }

    function _idOf(CoopModel.Leaf memory leaf) private pure returns (uint256) {
        return Cids.idOf(leaf.contributor, Cids.digestOf(leaf.cid));
    }
}
