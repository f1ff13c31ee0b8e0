// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IMembership} from "./IMembership.sol";
import {IContributionToken} from "./IContributionToken.sol";
import {IRevenueDistributor} from "./IRevenueDistributor.sol";

/// @title IContributionRegistry
/// @notice Members register contributions, each a CID in a pool; curators accept them with a
/// weight or reject them with a reason, and contributors may revoke them. Acceptance mints the
/// weight in contribution tokens, adds it to the pool's revenue shares and credits the curator
/// with one unit of curation work; revocation settles, then removes both.
/// @dev Identity is content: a contribution's id is its sha2-256 digest read as a uint256, so
/// one block of bytes can be registered once, in any pool, in any CID form. CIDv0, CIDv1
/// dag-pb and CIDv1 raw over the same digest all name the same bytes, and IPFS block stores
/// key blocks by that multihash, so they count as one contribution: registering the same bytes
/// again under the raw codec would let a second member claim shares for data already paid for.
/// A registered digest stays taken after rejection or revocation; the vault encrypts every
/// upload under a fresh key, so a genuine re-upload always yields a new CID.
/// Every contribution event carries the full CID bytes and the facts needed to rebuild state.
///
/// Batches, the scale path: an aggregator (AGGREGATOR_ROLE, granted by governance) submits many
/// contributions to one pool in one transaction as the root of an OpenZeppelin
/// StandardMerkleTree whose leaves are `(address contributor, bytes cid, uint48 weight)`,
/// hashed as keccak256(bytes.concat(keccak256(abi.encode(contributor, cid, weight)))) and
/// sorted by that hash, the JS library's canonical order (scripts/merkle.py builds the same
/// tree). The manifest CID names the document listing every leaf, from which anyone rebuilds
/// the tree and its proofs. Curation stays with curators: a curator other than the aggregator
/// checks the manifest and accepts the batch as a whole, weights included, and is credited
/// with one unit of curation work per leaf; or rejects it, and then none of its leaves ever
/// counts. A leaf of an accepted batch becomes an accepted contribution when anyone presents
/// its proof: its CID is registered, its weight minted to the contributor and added to their
/// shares in the pool, exactly as `accept` does, but only from that moment. Until then nothing
/// is reserved: a CID registered first, by a single submission or a leaf of any batch, wins,
/// and a later leaf with the same content is refused (ContributionRegistryDuplicateCid), so a
/// claimed leaf cannot be claimed again. Rejected batches register nothing. A contributor's
/// several leaves in a batch are claimed at once with one multiproof (one mint, one share
/// update), and the registry's `multicall` lets a relayer bundle many contributors' claims.
interface IContributionRegistry {
    /// @notice The life of a contribution. NONE means the id was never registered.
    enum Status {
        NONE,
        PENDING,
        ACCEPTED,
        REJECTED,
        REVOKED
    }

    /// @notice The life of a batch. NONE means the id was never used.
    enum BatchStatus {
        NONE,
        PENDING,
        ACCEPTED,
        REJECTED
    }

    /// @notice A contributor's leaf in a batch, less the contributor.
    /// @param cid The binary CID.
    /// @param weight The weight.
    struct BatchLeaf {
        bytes cid;
        uint48 weight;
    }

    /// @notice The admin created a pool, open for submissions.
    /// @param poolId The new pool's id (the first is 1).
    /// @param name The pool's name.
    /// @param metadata Free-form description, for example a URI or the CID of a document.
    event PoolCreated(uint256 indexed poolId, string name, string metadata);

    /// @notice The admin closed a pool; it refuses submissions until reopened.
    /// @param poolId The pool.
    event PoolClosed(uint256 indexed poolId);

    /// @notice The admin reopened a closed pool.
    /// @param poolId The pool.
    event PoolReopened(uint256 indexed poolId);

    /// @notice A member submitted a contribution; it is pending curation.
    /// @param id The contribution id (the CID's digest as a uint256).
    /// @param poolId The pool.
    /// @param contributor The member.
    /// @param cid The CID bytes as submitted.
    event ContributionSubmitted(uint256 indexed id, uint256 indexed poolId, address indexed contributor, bytes cid);

    /// @notice A curator accepted a contribution.
    /// @param id The contribution id.
    /// @param poolId The pool.
    /// @param curator The curator, credited with one unit of curation work.
    /// @param contributor The contributor, credited with `weight` tokens and pool shares.
    /// @param weight The curated weight.
    /// @param cid The CID bytes.
    event ContributionAccepted(
        uint256 indexed id, uint256 indexed poolId, address indexed curator, address contributor, uint48 weight, bytes cid
    );

    /// @notice A curator rejected a contribution.
    /// @param id The contribution id.
    /// @param poolId The pool.
    /// @param curator The curator.
    /// @param contributor The contributor.
    /// @param reason The curator's reason.
    /// @param cid The CID bytes.
    event ContributionRejected(
        uint256 indexed id, uint256 indexed poolId, address indexed curator, address contributor, string reason, bytes cid
    );

    /// @notice The contributor revoked a contribution; it is never delivered again.
    /// @param id The contribution id.
    /// @param poolId The pool.
    /// @param contributor The contributor.
    /// @param weightRemoved The weight burned and removed from the pool's shares (0 if pending).
    /// @param cid The CID bytes.
    event ContributionRevoked(
        uint256 indexed id, uint256 indexed poolId, address indexed contributor, uint48 weightRemoved, bytes cid
    );

    /// @notice An aggregator submitted a batch of contributions; it is pending curation.
    /// @param batchId The batch id (the first is 1).
    /// @param poolId The pool all of its contributions go to.
    /// @param root The root of its StandardMerkleTree of (contributor, cid, weight) leaves.
    /// @param count The number of leaves; at most this many can be claimed.
    /// @param manifestCid The binary CID of the manifest that lists every leaf.
    /// @param aggregator The aggregator.
    event BatchSubmitted(
        uint256 indexed batchId,
        uint256 indexed poolId,
        bytes32 root,
        uint256 count,
        bytes manifestCid,
        address indexed aggregator
    );

    /// @notice A curator accepted a batch; its leaves can now be claimed.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param curator The curator, credited with `count` units of curation work.
    /// @param count The number of leaves.
    event BatchAccepted(uint256 indexed batchId, uint256 indexed poolId, address indexed curator, uint256 count);

    /// @notice A curator rejected a batch; none of its leaves will ever count.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param curator The curator.
    /// @param reason The curator's reason.
    event BatchRejected(uint256 indexed batchId, uint256 indexed poolId, address indexed curator, string reason);

    /// @notice A leaf of an accepted batch was claimed: it is now an accepted contribution.
    /// @param batchId The batch.
    /// @param id The contribution id (the CID's digest as a uint256).
    /// @param contributor The contributor, credited with `weight` tokens and pool shares.
    /// @param poolId The pool.
    /// @param weight The leaf's weight.
    /// @param cid The CID bytes as in the leaf.
    event BatchLeafClaimed(
        uint256 indexed batchId,
        uint256 indexed id,
        address indexed contributor,
        uint256 poolId,
        uint48 weight,
        bytes cid
    );

    /// @notice The caller is not an active member.
    /// @param account The caller.
    error ContributionRegistryNotMember(address account);

    /// @notice No pool has this id.
    /// @param poolId The pool id.
    error ContributionRegistryUnknownPool(uint256 poolId);

    /// @notice The pool is closed (to submissions, or already closed when closing).
    /// @param poolId The pool.
    error ContributionRegistryPoolClosed(uint256 poolId);

    /// @notice The pool to reopen is already open.
    /// @param poolId The pool.
    error ContributionRegistryPoolAlreadyOpen(uint256 poolId);

    /// @notice A pool needs a name.
    error ContributionRegistryEmptyPoolName();

    /// @notice The CID's content is already registered, in this or any other CID form.
    /// @param id The existing contribution's id.
    /// @param contributor The existing contribution's contributor.
    error ContributionRegistryDuplicateCid(uint256 id, address contributor);

    /// @notice No contribution has this id.
    /// @param id The id.
    error ContributionRegistryUnknownContribution(uint256 id);

    /// @notice Only a pending contribution can be curated.
    /// @param id The contribution.
    /// @param status Its current status.
    error ContributionRegistryNotPending(uint256 id, Status status);

    /// @notice A curator must be an active member of the WORKER class.
    /// @param curator The caller.
    /// @param active Whether the caller is an active member.
    /// @param stakeholderClass The caller's class (PRODUCER when not a member).
    error ContributionRegistryCuratorNotWorker(
        address curator, bool active, IMembership.StakeholderClass stakeholderClass
    );

    /// @notice Curators cannot curate their own contributions.
    /// @param id The contribution.
    /// @param curator The caller, who is its contributor.
    error ContributionRegistrySelfCuration(uint256 id, address curator);

    /// @notice An accepted contribution needs a positive weight.
    /// @param id The contribution.
    error ContributionRegistryZeroWeight(uint256 id);

    /// @notice Only the contributor can revoke a contribution.
    /// @param id The contribution.
    /// @param caller The caller.
    /// @param contributor The contributor.
    error ContributionRegistryNotContributor(uint256 id, address caller, address contributor);

    /// @notice Only pending or accepted contributions can be revoked.
    /// @param id The contribution.
    /// @param status Its current status.
    error ContributionRegistryNotRevocable(uint256 id, Status status);

    /// @notice No batch has this id.
    /// @param batchId The id.
    error ContributionRegistryUnknownBatch(uint256 batchId);

    /// @notice A batch needs at least one leaf.
    error ContributionRegistryEmptyBatch();

    /// @notice A batch needs a Merkle root.
    error ContributionRegistryZeroRoot();

    /// @notice Only a pending batch can be curated.
    /// @param batchId The batch.
    /// @param status Its current status.
    error ContributionRegistryBatchNotPending(uint256 batchId, BatchStatus status);

    /// @notice Only leaves of an accepted batch can be claimed.
    /// @param batchId The batch.
    /// @param status Its current status.
    error ContributionRegistryBatchNotAccepted(uint256 batchId, BatchStatus status);

    /// @notice A batch's curator can be neither its aggregator nor the contributor of a leaf.
    /// @param batchId The batch.
    /// @param curator The curator.
    error ContributionRegistryBatchSelfCuration(uint256 batchId, address curator);

    /// @notice The leaves and proof do not prove membership in the batch's tree.
    /// @param batchId The batch.
    /// @param contributor The contributor the leaves name.
    error ContributionRegistryInvalidProof(uint256 batchId, address contributor);

    /// @notice Claiming these leaves would claim more leaves than the batch declared.
    /// @param batchId The batch.
    /// @param count The batch's declared number of leaves.
    error ContributionRegistryBatchCountExceeded(uint256 batchId, uint256 count);

    /// @notice A claim needs at least one leaf.
    error ContributionRegistryNoLeaves();

    /// @notice Creates an open pool; for the admin.
    /// @param name The pool's name, not empty.
    /// @param metadata Free-form description, for example a URI or the CID of a document.
    /// @return poolId The new pool's id.
    function createPool(string calldata name, string calldata metadata) external returns (uint256 poolId);

    /// @notice Closes a pool to submissions; for the admin. Pending ones can still be curated.
    /// @param poolId The pool.
    function closePool(uint256 poolId) external;

    /// @notice Reopens a closed pool; for the admin.
    /// @param poolId The pool.
    function reopenPool(uint256 poolId) external;

    /// @notice Submits a contribution for curation; for active members.
    /// @param poolId An open pool.
    /// @param cid The binary CID: CIDv0, or CIDv1 raw or dag-pb, over a sha2-256 multihash.
    /// @return id The contribution id (the CID's digest as a uint256).
    function submit(uint256 poolId, bytes calldata cid) external returns (uint256 id);

    /// @notice Accepts a pending contribution; for curators (CURATOR_ROLE and an active WORKER)
    /// other than its contributor. Mints `weight` tokens to the contributor, adds `weight` units
    /// in the pool and one unit of curation work for the caller.
    /// @param id The contribution.
    /// @param weight The curated weight, positive.
    function accept(uint256 id, uint48 weight) external;

    /// @notice Rejects a pending contribution; for curators other than its contributor.
    /// @param id The contribution.
    /// @param reason Why, for the contributor.
    function reject(uint256 id, string calldata reason) external;

    /// @notice Revokes a pending or accepted contribution; for its contributor, member or not.
    /// An accepted one has its pool shares settled and removed and its tokens burned.
    /// Revocation is final. The curator keeps the unit of curation work.
    /// @param id The contribution.
    function revoke(uint256 id) external;

    /// @notice Submits a batch of contributions to an open pool as one Merkle root; for
    /// aggregators (AGGREGATOR_ROLE). Nothing is registered until the batch is accepted and its
    /// leaves are claimed.
    /// @param poolId An open pool.
    /// @param root The StandardMerkleTree root over (address contributor, bytes cid, uint48
    /// weight) leaves.
    /// @param count The number of leaves, positive.
    /// @param manifestCid The binary CID of the manifest that lists the leaves (any supported CID).
    /// @return batchId The new batch's id.
    function submitBatch(uint256 poolId, bytes32 root, uint24 count, bytes calldata manifestCid)
        external
        returns (uint256 batchId);

    /// @notice Accepts a pending batch as a whole, its leaves' weights included; for curators
    /// (CURATOR_ROLE and an active WORKER) other than its aggregator. Credits the caller with
    /// one unit of curation work per leaf.
    /// @param batchId The batch.
    function acceptBatch(uint256 batchId) external;

    /// @notice Rejects a pending batch; for curators other than its aggregator. Its CIDs stay
    /// unregistered and may be submitted again.
    /// @param batchId The batch.
    /// @param reason Why, for the aggregator and the contributors.
    function rejectBatch(uint256 batchId, string calldata reason) external;

    /// @notice Claims one leaf of an accepted batch with its Merkle proof; anyone may present it
    /// for the contributor, who must be an active member and not the batch's curator. The leaf
    /// becomes an accepted contribution: its weight is minted to the contributor and added to
    /// their shares in the batch's pool, from now on.
    /// @param batchId The batch.
    /// @param contributor The leaf's contributor.
    /// @param cid The leaf's binary CID; refused if its content is already registered.
    /// @param weight The leaf's weight, positive.
    /// @param proof The leaf's StandardMerkleTree proof.
    /// @return id The contribution id.
    function claimBatchLeaf(
        uint256 batchId,
        address contributor,
        bytes calldata cid,
        uint48 weight,
        bytes32[] calldata proof
    ) external returns (uint256 id);

    /// @notice Claims several leaves of one contributor in an accepted batch with one Merkle
    /// multiproof, minting and adding their weights at once; otherwise as `claimBatchLeaf`.
    /// @param batchId The batch.
    /// @param contributor The leaves' contributor.
    /// @param leaves The leaves (CID and weight), in the multiproof's order.
    /// @param proof The multiproof's sibling hashes.
    /// @param proofFlags The multiproof's flags.
    /// @return totalWeight The weight credited.
    function claimBatchLeaves(
        uint256 batchId,
        address contributor,
        BatchLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 totalWeight);

    /// @notice A contribution.
    /// @param id The contribution id.
    /// @return contributor The contributor (zero if unknown).
    /// @return poolId The pool.
    /// @return status The status (NONE if unknown).
    /// @return weight The accepted weight (0 unless accepted or revoked after acceptance).
    /// @return cid The CID bytes as submitted (empty if unknown).
    function contribution(uint256 id)
        external
        view
        returns (address contributor, uint256 poolId, Status status, uint48 weight, bytes memory cid);

    /// @notice The contribution that holds a CID's content, in whatever form it was submitted.
    /// @param cid A binary CID; reverts with a CidLib error if it is not a supported CID.
    /// @return id The contribution id the content has or would have.
    /// @return status Its status (NONE if not registered).
    function contributionOfCid(bytes calldata cid) external view returns (uint256 id, Status status);

    /// @notice A pool.
    /// @param poolId The pool; reverts if unknown.
    /// @return name The name.
    /// @return metadata The metadata.
    /// @return open Whether it takes submissions.
    /// @return contributionCount Contributions ever submitted to it (batch leaves once claimed).
    /// @return acceptedCount Contributions accepted and not revoked.
    /// @return totalWeight Weight of those, equal to the pool's units in the distributor.
    function pool(uint256 poolId)
        external
        view
        returns (
            string memory name,
            string memory metadata,
            bool open,
            uint64 contributionCount,
            uint64 acceptedCount,
            uint96 totalWeight
        );

    /// @notice A batch.
    /// @param batchId The batch; reverts if unknown.
    /// @return poolId The pool.
    /// @return status The status.
    /// @return root The Merkle root.
    /// @return count The declared number of leaves.
    /// @return claimedCount The number of leaves claimed so far.
    /// @return aggregator The aggregator who submitted it.
    /// @return curator The curator who accepted or rejected it (zero while pending).
    function batch(uint256 batchId)
        external
        view
        returns (
            uint256 poolId,
            BatchStatus status,
            bytes32 root,
            uint256 count,
            uint256 claimedCount,
            address aggregator,
            address curator
        );

    /// @notice The number of batches; their ids run from 1 to this.
    /// @return count The count.
    function batchCount() external view returns (uint256 count);

    /// @notice The hash of a batch leaf, as StandardMerkleTree computes it for the leaf
    /// encoding (address, bytes, uint48).
    /// @param contributor The contributor.
    /// @param cid The binary CID.
    /// @param weight The weight.
    /// @return leaf keccak256(bytes.concat(keccak256(abi.encode(contributor, cid, weight)))).
    function batchLeafHash(address contributor, bytes calldata cid, uint48 weight)
        external
        pure
        returns (bytes32 leaf);

    /// @notice The number of pools; their ids run from 1 to this.
    /// @return count The count.
    function poolCount() external view returns (uint256 count);

    /// @notice Whether an account may curate now: it holds CURATOR_ROLE and is an active WORKER.
    /// @param account The account.
    /// @return eligible True if it may.
    function isCurator(address account) external view returns (bool eligible);

    /// @notice The role, granted by the admin, that curators hold.
    /// @return The role identifier.
    function CURATOR_ROLE() external view returns (bytes32);

    /// @notice The role, granted by the admin, that aggregators hold.
    /// @return The role identifier.
    function AGGREGATOR_ROLE() external view returns (bytes32);

    /// @notice The membership register.
    /// @return The contract.
    function membership() external view returns (IMembership);

    /// @notice The contribution token minted on acceptance.
    /// @return The contract.
    function contributionToken() external view returns (IContributionToken);

    /// @notice The revenue distributor holding pool shares and curation work.
    /// @return The contract.
    function revenueDistributor() external view returns (IRevenueDistributor);
}
