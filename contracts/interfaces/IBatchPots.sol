// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {BatchLeaf} from "../types/BatchLeaf.sol";

/// @title IBatchPots
/// @notice Revenue shares held by accepted batches. When a curator accepts a batch, its total
/// weight joins its pool's shares at once as one holder, in O(1): from that block every leaf
/// earns, with no storage per leaf. A contributor claims a leaf's revenue whenever they like
/// with its Merkle proof (or many leaves with one multiproof); the first claim of a leaf pays
/// everything it earned since the batch's acceptance and records it in the contributor's one
/// holding per batch (weight, accumulator snapshot, and a bitmap of their claimed leaves), so
/// later claims need no proof (`claimBatches`).
/// @dev Exactness: a batch's entitlement is its units times the pool's accumulator since its
/// acceptance, units falling as leaves are revoked. Each claim pays whole wei; the sub-wei
/// remainders, and the revenue of committed weight no leaf claims, stay with the batch
/// (`batchEarnedScaled`), so deposited * 1e18 == claimed * 1e18 + Σ positions' earnedScaled
/// + Σ batches' batchEarnedScaled + reserve * 1e18 + reserveRemainder. The leaves claimed in a
/// batch never exceed its committed count and weight, nor each leaf the pool's maximum weight
/// when it was accepted, and the batch's curator claims nothing from it.
interface IBatchPots {
    /// @notice The life of a batch's revenue. NONE: never accepted.
    enum BatchPotState {
        NONE,
        EARNING,
        CLOSED
    }

    /// @notice An accepted batch joined its pool's shares.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param units Its committed total weight, now shares in the pool.
    /// @param totalUnits The pool's total shares after.
    event BatchPotOpened(uint256 indexed batchId, uint256 indexed poolId, uint256 units, uint256 totalUnits);

    /// @notice Governance overturned a batch: its shares left the pool; its leaves keep what
    /// they earned before.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param units The shares removed.
    event BatchPotClosed(uint256 indexed batchId, uint256 indexed poolId, uint256 units);

    /// @notice Leaves were claimed for the first time: the account was paid what they and its
    /// leaves claimed before earned, and from now they earn through its holding.
    /// @param batchId The batch.
    /// @param account The leaves' contributor.
    /// @param ordinals Bit i set: the leaf of ordinal i is among them.
    /// @param weight Their total weight.
    /// @param amount The amount paid, in wei of the payment token.
    event BatchLeavesClaimed(
        uint256 indexed batchId, address indexed account, uint256 ordinals, uint256 weight, uint256 amount
    );

    /// @notice An account was paid what its claimed leaves in a batch earned since (no proof).
    /// @param batchId The batch.
    /// @param account The contributor.
    /// @param amount The amount paid, in wei of the payment token.
    event BatchRevenueClaimed(uint256 indexed batchId, address indexed account, uint256 amount);

    /// @notice A leaf was revoked: its revenue so far was paid and its weight left the pool.
    /// @param batchId The batch.
    /// @param account The contributor.
    /// @param ordinal The leaf's ordinal.
    /// @param weight The weight removed (0 when the leaf was beyond the batch's commitment).
    /// @param amount The revenue paid to the account, its leaf's and its claimed leaves'.
    event BatchLeafRevoked(
        uint256 indexed batchId, address indexed account, uint8 ordinal, uint256 weight, uint256 amount
    );

    /// @notice The batch was never accepted, or its pot is already open.
    /// @param batchId The batch.
    /// @param state Its pot's state.
    error RevenueDistributorBatchState(uint256 batchId, BatchPotState state);

    /// @notice The proof does not prove these leaves of the caller in the batch.
    /// @param batchId The batch.
    /// @param account The claimed contributor.
    error RevenueDistributorInvalidLeafProof(uint256 batchId, address account);

    /// @notice A leaf's ordinal is 48 or more, or it was already claimed or revoked, or two
    /// leaves of one claim share it.
    /// @param batchId The batch.
    /// @param ordinal The ordinal.
    error RevenueDistributorLeafTaken(uint256 batchId, uint256 ordinal);

    /// @notice A leaf's weight is 0 or above the pool's maximum when the batch was accepted.
    /// @param batchId The batch.
    /// @param weight The leaf's weight.
    /// @param maxWeight The maximum.
    error RevenueDistributorLeafWeight(uint256 batchId, uint256 weight, uint256 maxWeight);

    /// @notice Claiming these leaves would exceed the batch's committed count or weight.
    /// @param batchId The batch.
    /// @param count The committed count.
    /// @param totalWeight The committed total weight.
    error RevenueDistributorBatchCommitment(uint256 batchId, uint256 count, uint256 totalWeight);

    /// @notice The batch's curator cannot earn from its leaves.
    /// @param batchId The batch.
    /// @param curator The curator.
    error RevenueDistributorBatchCurator(uint256 batchId, address curator);

    /// @notice No leaves were given.
    error RevenueDistributorNoLeaves();

    /// @notice Opens an accepted batch's pot: `units` join the pool's shares at once.
    /// @dev UNITS_ROLE (the ContributionRegistry), once per batch.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param root Its StandardMerkleTree root (BatchLeafHash leaves).
    /// @param count Its committed leaf count.
    /// @param units Its committed total weight.
    /// @param maxWeight The pool's maximum weight per contribution now.
    /// @param curator The curator who accepted it.
    function openBatchPot(
        uint256 batchId,
        uint256 poolId,
        bytes32 root,
        uint256 count,
        uint256 units,
        uint256 maxWeight,
        address curator
    ) external;

    /// @notice Closes an overturned batch's pot: its remaining shares leave the pool.
    /// @dev UNITS_ROLE.
    /// @param batchId The batch.
    function closeBatchPot(uint256 batchId) external;

    /// @notice Revokes a leaf the registry proved: pays its revenue so far to `account` (nothing
    /// to the batch's curator, whose own leaf never earns) and removes its weight from the pool.
    /// @dev UNITS_ROLE. The registry refuses a second revocation of the same leaf.
    /// @param batchId The batch.
    /// @param account The contributor.
    /// @param ordinal The leaf's ordinal.
    /// @param weight The leaf's weight.
    /// @return amount The revenue paid.
    /// @return removed The weight removed from the pool (0 for a leaf beyond the commitment,
    /// which never earned, or when the batch was closed).
    function revokeBatchLeaf(uint256 batchId, address account, uint8 ordinal, uint48 weight)
        external
        returns (uint256 amount, uint256 removed);

    /// @notice Claims the revenue of one of the caller's leaves, and of their claimed leaves in
    /// the same batch.
    /// @param batchId The batch.
    /// @param leaf The leaf.
    /// @param proof Its Merkle proof.
    /// @return amount The amount paid.
    function claimLeaf(uint256 batchId, BatchLeaf calldata leaf, bytes32[] calldata proof)
        external
        returns (uint256 amount);

    /// @notice Claims many of the caller's leaves in one batch with one multiproof.
    /// @param batchId The batch.
    /// @param leaves The leaves, in the multiproof's order.
    /// @param proof The multiproof.
    /// @param proofFlags Its flags.
    /// @return amount The amount paid.
    function claimLeaves(
        uint256 batchId,
        BatchLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 amount);

    /// @notice Claims what the caller's claimed leaves earned since, in each batch; no proofs.
    /// @param batchIds The batches.
    /// @return amount The amount paid.
    function claimBatches(uint256[] calldata batchIds) external returns (uint256 amount);

    /// @notice A batch's pot.
    /// @param batchId The batch.
    /// @return poolId Its pool.
    /// @return state Its state.
    /// @return units Its shares in the pool now.
    /// @return claimedCount Leaves claimed or revoked so far.
    /// @return claimedWeight Their weight.
    /// @return paid Revenue paid to its leaves so far.
    function batchPot(uint256 batchId)
        external
        view
        returns (
            uint256 poolId,
            BatchPotState state,
            uint256 units,
            uint256 claimedCount,
            uint256 claimedWeight,
            uint256 paid
        );

    /// @notice An account's holding in a batch: its claimed leaves.
    /// @param batchId The batch.
    /// @param account The contributor.
    /// @return weight The weight of its claimed, unrevoked leaves.
    /// @return ordinals Bit i set: the leaf of ordinal i was claimed or revoked.
    function batchHolding(uint256 batchId, address account) external view returns (uint256 weight, uint256 ordinals);

    /// @notice What `account` would be paid now by its claimed leaves in a batch and by
    /// `newWeight` of its leaves not yet claimed there.
    /// @param batchId The batch.
    /// @param account The contributor.
    /// @param newWeight The weight of unclaimed leaves to add.
    /// @return amount The amount, in wei.
    function claimableFromBatch(uint256 batchId, address account, uint256 newWeight)
        external
        view
        returns (uint256 amount);

    /// @notice A batch's revenue not yet paid to its leaves, in units of 1e-18 wei: claimable
    /// by leaves, and the remainders and unclaimed committed weight that stay with the batch.
    /// @param batchId The batch.
    /// @return scaled The amount.
    function batchEarnedScaled(uint256 batchId) external view returns (uint256 scaled);
}
