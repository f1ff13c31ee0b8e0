// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IMembership} from "./IMembership.sol";
import {IContributionToken} from "./IContributionToken.sol";
import {IRevenueDistributor} from "./IRevenueDistributor.sol";
import {BatchLeaf} from "../types/BatchLeaf.sol";

/// @title IContributionRegistry
/// @notice Members register contributions, each a CID in a pool; curators accept them with a
/// weight or reject them with a reason, and contributors may revoke them. Acceptance mints the
/// weight in contribution tokens and adds it to the pool's revenue shares; revocation settles,
/// then removes both. Curation is bounded and paid for the review, not the verdict:
/// - every weight (a single accept, a batch leaf) is at most the pool's governed maximum, itself
///   at most MAX_WEIGHT_CEILING;
/// - accepting and rejecting earn the same one unit of curation work, at most the governed
///   curation cap of reviews per curator per curation epoch (CURATION_EPOCH seconds);
/// - governance (the admin, the timelock) can re-weight or reject an accepted contribution,
///   reject an accepted batch, and remove a curator's units; anyone can retire the units of an
///   account that is no longer a curator. Revenue earned before is settled, never lost.
/// @dev Identity binds content to its contributor: a contribution's id is
/// uint256(keccak256(abi.encode(contributor, digest))), digest being the CID's sha2-256 digest
/// (`contributionId`). So a member registers one block of bytes once, in any pool, in any CID
/// form (CIDv0, CIDv1 dag-pb and CIDv1 raw over the same digest name the same bytes), and nobody
/// can squat another member's CID: a copy submitted first is the copier's own contribution,
/// under another id, which curators reject as a duplicate; the owner's registration, revocation
/// and erasure stay the owner's. The vault encrypts every upload under a fresh key, so a genuine
/// re-upload always yields a new CID. ContributionSubmitted and LeafActivated carry the CID
/// bytes; later events carry the id.
///
/// Consent: a member consents to a pool's purposes by signing, in the wallet, the EIP-712
/// message `Consent(uint256 poolId,bytes cid,address contributor,uint256 deadline)` under this
/// registry's domain ("Lumbung Registry", "1", the chain, this address; ERC-5267
/// `eip712Domain`). No gas: the API keeps the signature, the batch's manifest publishes it, and
/// anyone verifies it against `consentDigest` (ecrecover for an EOA, ERC-1271's
/// isValidSignature for a contract wallet).
///
/// Batches, the default path: an aggregator (AGGREGATOR_ROLE, granted by governance) submits one
/// curator's reviewed contributions to one pool as the root of an OpenZeppelin
/// StandardMerkleTree (leaves in types/BatchLeaf.sol: chain, distributor, pool, contributor,
/// ordinal, CID, weight), committing the leaf count, their total weight and the number of
/// rejections the curator made, with the manifest's CID (every leaf's consent and review, every
/// rejection's reason). The designated curator, a WORKER other than the aggregator, confirms it:
/// `acceptBatch` credits one unit of curation work per review, accepted or rejected alike,
/// within the curation cap, and the total weight joins the pool's revenue shares at once as one
/// holder (the distributor's batch pot), so every leaf earns from that block with no storage of
/// its own. Contributors then, whenever they like, claim revenue at the distributor, activate
/// their leaves' contribution tokens here (`activateLeaves`, votes from the next snapshot), or
/// revoke a leaf (`revokeLeaf`: its revenue so far is paid, its weight leaves the pool, its
/// tokens are burnt). Leaves never exceed the committed count and weight, each at most the
/// pool's maximum weight, and the curator earns nothing from the batch. Governance can overturn
/// a batch: it stops earning at once. A content activated from a batch is registered like a
/// single submission, so a CID registered first, singly or by a leaf, wins.
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
        REJECTED,
        OVERTURNED
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
    /// @param id The contribution id (`contributionId(contributor, digest)`).
    /// @param poolId The pool.
    /// @param contributor The member.
    /// @param cid The CID bytes as submitted.
    event ContributionSubmitted(uint256 indexed id, uint256 indexed poolId, address indexed contributor, bytes cid);

    /// @notice A curator accepted a contribution.
    /// @param id The contribution id.
    /// @param poolId The pool.
    /// @param curator The curator, credited with one unit of curation work, as for a rejection.
    /// @param contributor The contributor, credited with `weight` tokens and pool shares.
    /// @param weight The curated weight.
    event ContributionAccepted(
        uint256 indexed id, uint256 indexed poolId, address indexed curator, address contributor, uint48 weight
    );

    /// @notice A curator rejected a contribution.
    /// @param id The contribution id.
    /// @param poolId The pool.
    /// @param curator The curator, credited with one unit of curation work, as for an acceptance.
    /// @param contributor The contributor.
    /// @param reason The curator's reason.
    event ContributionRejected(
        uint256 indexed id, uint256 indexed poolId, address indexed curator, address contributor, string reason
    );

    /// @notice The contributor revoked a contribution; it is never delivered again.
    /// @param id The contribution id.
    /// @param poolId The pool.
    /// @param contributor The contributor.
    /// @param weightRemoved The weight burned and removed from the pool's shares (0 if pending).
    event ContributionRevoked(
        uint256 indexed id, uint256 indexed poolId, address indexed contributor, uint48 weightRemoved
    );

    /// @notice An aggregator submitted a batch of one curator's reviews; it waits for that
    /// curator's confirmation.
    /// @param batchId The batch id (the first is 1).
    /// @param poolId The pool all of its contributions go to.
    /// @param curator The curator who reviewed every entry, the only one who may confirm it.
    /// @param root The root of its StandardMerkleTree of leaves (types/BatchLeaf.sol).
    /// @param count The number of accepted leaves.
    /// @param totalWeight The leaves' total weight.
    /// @param rejected The number of contributions the curator rejected (listed in the manifest).
    /// @param manifestCid The binary CID of the manifest that lists every entry.
    /// @param aggregator The aggregator.
    event BatchSubmitted(
        uint256 indexed batchId,
        uint256 indexed poolId,
        address curator,
        bytes32 root,
        uint256 count,
        uint256 totalWeight,
        uint256 rejected,
        bytes manifestCid,
        address indexed aggregator
    );

    /// @notice The curator confirmed a batch: its total weight joined the pool's revenue shares.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param curator The curator, credited one unit of curation work per review.
    /// @param count The number of accepted leaves.
    /// @param totalWeight Their total weight.
    /// @param reviews The reviews credited: count plus rejections.
    event BatchAccepted(
        uint256 indexed batchId,
        uint256 indexed poolId,
        address indexed curator,
        uint256 count,
        uint256 totalWeight,
        uint256 reviews
    );

    /// @notice The curator refused a batch as assembled; none of its leaves will ever count.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param curator The curator.
    /// @param reason The curator's reason.
    event BatchRejected(uint256 indexed batchId, uint256 indexed poolId, address indexed curator, string reason);

    /// @notice A contributor activated a leaf: it is now an accepted contribution with tokens.
    /// @param batchId The batch.
    /// @param id The contribution id (`contributionId(contributor, digest)`).
    /// @param contributor The contributor, minted `weight` contribution tokens.
    /// @param poolId The pool.
    /// @param ordinal The leaf's ordinal.
    /// @param weight The leaf's weight.
    /// @param cid The CID bytes as in the leaf.
    event LeafActivated(
        uint256 indexed batchId,
        uint256 indexed id,
        address indexed contributor,
        uint256 poolId,
        uint8 ordinal,
        uint48 weight,
        bytes cid
    );

    /// @notice A contributor revoked a leaf: its revenue so far was paid, its weight left the
    /// pool and its tokens, if activated, were burnt.
    /// @param batchId The batch.
    /// @param id The contribution id.
    /// @param contributor The contributor.
    /// @param poolId The pool.
    /// @param ordinal The leaf's ordinal.
    /// @param weight The leaf's weight.
    /// @param cid The CID bytes as in the leaf.
    event LeafRevoked(
        uint256 indexed batchId,
        uint256 indexed id,
        address indexed contributor,
        uint256 poolId,
        uint8 ordinal,
        uint48 weight,
        bytes cid
    );

    /// @notice The admin set a pool's maximum weight per contribution.
    /// @param poolId The pool.
    /// @param maxWeight The new maximum, from 1 to MAX_WEIGHT_CEILING.
    event PoolMaxWeightSet(uint256 indexed poolId, uint256 maxWeight);

    /// @notice The admin set the number of reviews a curator is credited for per curation epoch.
    /// @param cap The new cap, from 1 to MAX_CURATION_CAP.
    event CurationCapSet(uint256 cap);

    /// @notice A curator was credited one unit of curation work for a review.
    /// @param curator The curator.
    /// @param epoch The curation epoch (timestamp / CURATION_EPOCH).
    /// @param reviews The curator's reviews credited in that epoch, this one included.
    event ReviewCredited(address indexed curator, uint256 indexed epoch, uint256 reviews);

    /// @notice Governance overturned an accepted contribution: re-weighted, or rejected when the
    /// new weight is 0. Revenue earned before was settled to the contributor.
    /// @param id The contribution.
    /// @param poolId The pool.
    /// @param contributor The contributor.
    /// @param oldWeight The weight before.
    /// @param newWeight The weight now (0: the contribution is rejected).
    event ContributionOverturned(
        uint256 indexed id, uint256 indexed poolId, address indexed contributor, uint48 oldWeight, uint48 newWeight
    );

    /// @notice Governance overturned a batch: a pending one can no longer be confirmed, an
    /// accepted one stops earning now (its leaves keep what they earned) and its leaves can no
    /// longer be activated. Activated leaves are contributions, each overturned on its own.
    /// @param batchId The batch.
    /// @param poolId Its pool.
    /// @param reason Why.
    event BatchOverturned(uint256 indexed batchId, uint256 indexed poolId, string reason);

    /// @notice Curation units were removed from an account (by governance, or retired because the
    /// account is no longer a curator). What they earned before was settled to the account.
    /// @param account The account.
    /// @param units The units removed.
    /// @param retired True when retired by anyone, false when removed by governance.
    event CurationCreditsRemoved(address indexed account, uint256 units, bool retired);

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

    /// @notice The contributor already registered the CID's content, in this or another CID form.
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

    /// @notice Only pending, accepted or rejected contributions can be revoked.
    /// @param id The contribution.
    /// @param status Its current status.
    error ContributionRegistryNotRevocable(uint256 id, Status status);

    /// @notice No batch has this id.
    /// @param batchId The id.
    error ContributionRegistryUnknownBatch(uint256 batchId);

    /// @notice A batch needs at least one review; a batch with leaves needs a Merkle root, and
    /// one of rejections only needs none.
    error ContributionRegistryEmptyBatch();

    /// @notice A batch with leaves needs a Merkle root, and one without leaves has none.
    error ContributionRegistryBatchRoot();

    /// @notice Only the batch's designated curator may confirm or refuse it.
    /// @param batchId The batch.
    /// @param caller The caller.
    /// @param curator The designated curator.
    error ContributionRegistryNotBatchCurator(uint256 batchId, address caller, address curator);

    /// @notice A batch's curator must be an eligible curator other than its aggregator.
    /// @param curator The curator named.
    error ContributionRegistryInvalidBatchCurator(address curator);

    /// @notice A contribution activated from a batch is revoked with `revokeLeaf` and
    /// overturned with its batch.
    /// @param id The contribution.
    error ContributionRegistryBatchedContribution(uint256 id);

    /// @notice The consent's deadline has passed.
    /// @param deadline The deadline.
    error ContributionRegistryConsentExpired(uint256 deadline);

    /// @notice Only a pending batch can be curated.
    /// @param batchId The batch.
    /// @param status Its current status.
    error ContributionRegistryBatchNotPending(uint256 batchId, BatchStatus status);

    /// @notice Only leaves of an accepted batch can be activated.
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

    /// @notice Activating these leaves would activate more leaves than the batch committed.
    /// @param batchId The batch.
    /// @param count The batch's declared number of leaves.
    error ContributionRegistryBatchCountExceeded(uint256 batchId, uint256 count);

    /// @notice An activation needs at least one leaf.
    error ContributionRegistryNoLeaves();

    /// @notice The weight is above the pool's maximum.
    /// @param id The contribution (a batch leaf's own contribution id).
    /// @param weight The weight.
    /// @param maxWeight The pool's maximum weight.
    error ContributionRegistryWeightAboveMax(uint256 id, uint256 weight, uint256 maxWeight);

    /// @notice A pool's maximum weight must be from 1 to MAX_WEIGHT_CEILING.
    /// @param maxWeight The refused value.
    error ContributionRegistryInvalidMaxWeight(uint256 maxWeight);

    /// @notice The curation cap must be from 1 to MAX_CURATION_CAP.
    /// @param cap The refused value.
    error ContributionRegistryInvalidCurationCap(uint256 cap);

    /// @notice The curator has been credited for the cap's number of reviews this epoch.
    /// @param curator The curator.
    /// @param epoch The curation epoch.
    /// @param cap The cap.
    error ContributionRegistryCurationCapReached(address curator, uint256 epoch, uint256 cap);

    /// @notice A batch's total weight must be at least its count and at most count × the pool's
    /// maximum weight.
    /// @param count The leaf count.
    /// @param totalWeight The total weight.
    /// @param maxWeight The pool's maximum weight.
    error ContributionRegistryInvalidBatchWeight(uint256 count, uint256 totalWeight, uint256 maxWeight);

    /// @notice Activating these leaves would activate more weight than the batch committed.
    /// @param batchId The batch.
    /// @param totalWeight The batch's committed total weight.
    error ContributionRegistryBatchWeightExceeded(uint256 batchId, uint256 totalWeight);

    /// @notice The contributor is no longer an active member, so nothing can be minted to them.
    /// @param id The contribution.
    /// @param contributor The contributor.
    error ContributionRegistryContributorNotMember(uint256 id, address contributor);

    /// @notice Only an accepted contribution can be overturned.
    /// @param id The contribution.
    /// @param status Its status.
    error ContributionRegistryNotAccepted(uint256 id, Status status);

    /// @notice The account still curates, so its units cannot be retired by anyone.
    /// @param account The account.
    error ContributionRegistryStillCurator(address account);

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
    /// @return id The contribution id (`contributionId(caller, digest)`).
    function submit(uint256 poolId, bytes calldata cid) external returns (uint256 id);

    /// @notice Accepts a pending contribution; for curators (CURATOR_ROLE and an active WORKER)
    /// other than its contributor, whose contributor is still an active member. Mints `weight`
    /// tokens to the contributor, adds `weight` units in the pool and one unit of curation work
    /// for the caller (bounded by the curation cap per epoch).
    /// @param id The contribution.
    /// @param weight The curated weight, from 1 to the pool's maximum weight.
    function accept(uint256 id, uint48 weight) external;

    /// @notice Rejects a pending contribution; for curators other than its contributor. Earns the
    /// same unit of curation work as an acceptance (bounded by the curation cap per epoch).
    /// @param id The contribution.
    /// @param reason Why, for the contributor.
    function reject(uint256 id, string calldata reason) external;

    /// @notice Revokes a pending, accepted or rejected contribution; for its contributor, member
    /// or not. An accepted one has its pool shares settled and removed and its tokens burned.
    /// Revocation is final, and lets the contributor's data be erased. The curator keeps the
    /// unit of curation work: the review was done.
    /// @param id The contribution.
    function revoke(uint256 id) external;

    /// @notice Sets a pool's maximum weight per contribution; for the admin (the timelock).
    /// Bounded: from 1 to MAX_WEIGHT_CEILING. Applies to later acceptances and claims; weights
    /// already accepted stay until overturned.
    /// @param poolId The pool.
    /// @param maxWeight The maximum.
    function setPoolMaxWeight(uint256 poolId, uint256 maxWeight) external;

    /// @notice Sets how many reviews a curator is credited for per curation epoch; for the admin
    /// (the timelock). Bounded: from 1 to MAX_CURATION_CAP.
    /// @param cap The cap.
    function setCurationCap(uint256 cap) external;

    /// @notice Re-weights or rejects an accepted contribution; for the admin (the timelock). The
    /// contributor's revenue so far is settled first; tokens and pool units follow the new weight.
    /// @param id The accepted contribution.
    /// @param newWeight The new weight, at most the pool's maximum; 0 rejects it. A higher weight
    /// is refused for a contributor who is no longer a member, as accept refuses them.
    function overturn(uint256 id, uint48 newWeight) external;

    /// @notice Overturns a pending or accepted batch; for the admin (the timelock). An accepted
    /// one stops earning now (its leaves keep what they earned before) and can no longer be
    /// activated; activated leaves are contributions, overturned one by one.
    /// @param batchId The batch.
    /// @param reason Why.
    function overturnBatch(uint256 batchId, string calldata reason) external;

    /// @notice Removes units of curation work from an account; for the admin (the timelock).
    /// What they earned so far is settled to the account.
    /// @param account The account.
    /// @param units How many (at most what it holds).
    function removeCurationCredits(address account, uint256 units) external;

    /// @notice Retires every unit of curation work of an account that no longer curates (it left
    /// the WORKER class or the cooperative, or lost CURATOR_ROLE); for anyone. What they earned
    /// so far is settled to the account.
    /// @param account The account.
    /// @return units The units retired.
    function retireCurationCredits(address account) external returns (uint256 units);

    /// @notice Submits one curator's reviews in an open pool as one Merkle root; for aggregators
    /// (AGGREGATOR_ROLE, granted by governance). Nothing counts until the curator confirms it.
    /// @param poolId An open pool.
    /// @param curator The curator who made every review, an eligible curator other than the caller.
    /// @param root The StandardMerkleTree root of the accepted leaves (zero when there are none).
    /// @param count The number of accepted leaves.
    /// @param totalWeight Their total weight, from count to count × the pool's maximum.
    /// @param rejected The number of rejections (count + rejected must be positive).
    /// @param manifestCid The binary CID of the manifest that lists every entry.
    /// @return batchId The new batch's id.
    function submitBatch(
        uint256 poolId,
        address curator,
        bytes32 root,
        uint24 count,
        uint48 totalWeight,
        uint24 rejected,
        bytes calldata manifestCid
    ) external returns (uint256 batchId);

    /// @notice Confirms a pending batch; for its designated curator, an active WORKER. Credits
    /// one unit of curation work per review (count + rejected), within the curation cap; the
    /// batch's total weight joins the pool's revenue shares now, as one holder.
    /// @param batchId The batch.
    function acceptBatch(uint256 batchId) external;

    /// @notice Refuses a pending batch as assembled; for its designated curator, no credit. Its
    /// CIDs stay unregistered and may be batched again.
    /// @param batchId The batch.
    /// @param reason Why, for the aggregator.
    function rejectBatch(uint256 batchId, string calldata reason) external;

    /// @notice Activates the caller's leaves of an accepted batch with one multiproof: each
    /// becomes an accepted contribution and its weight is minted in contribution tokens, which
    /// vote from the next snapshot. Revenue is not touched: the leaves already earn.
    /// @param batchId The batch.
    /// @param leaves The caller's leaves, in the multiproof's order.
    /// @param proof The multiproof's sibling hashes.
    /// @param proofFlags The multiproof's flags.
    /// @return weight The weight minted.
    function activateLeaves(
        uint256 batchId,
        BatchLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 weight);

    /// @notice Revokes one of the caller's leaves, as `revoke` does a contribution: its revenue
    /// so far is paid to the caller, its weight leaves the pool, its tokens (if activated) are
    /// burnt, and it can never be activated or claimed again. Any batch status but pending.
    /// @param batchId The batch.
    /// @param leaf The leaf.
    /// @param proof Its Merkle proof.
    function revokeLeaf(uint256 batchId, BatchLeaf calldata leaf, bytes32[] calldata proof) external;

    /// @notice The EIP-712 digest a contributor signs to consent to a pool's purposes for a CID.
    /// @param poolId The pool.
    /// @param cid The binary CID.
    /// @param contributor The contributor.
    /// @param deadline Unix seconds after which the consent cannot be registered.
    /// @return digest The digest.
    function consentDigest(uint256 poolId, bytes calldata cid, address contributor, uint256 deadline)
        external
        view
        returns (bytes32 digest);

    /// @notice A contribution (its CID is in its ContributionSubmitted or LeafActivated event).
    /// @param id The contribution id.
    /// @return contributor The contributor (zero if unknown).
    /// @return poolId The pool.
    /// @return status The status (NONE if unknown).
    /// @return weight The accepted weight (0 unless accepted, or revoked after acceptance).
    function contribution(uint256 id)
        external
        view
        returns (address contributor, uint256 poolId, Status status, uint48 weight);

    /// @notice A contributor's contribution of a CID's content, in whatever form it was submitted.
    /// @param contributor The contributor.
    /// @param cid A binary CID; reverts with a CidLib error if it is not a supported CID.
    /// @return id The contribution id the content has or would have for that contributor.
    /// @return status Its status (NONE if not registered).
    function contributionOf(address contributor, bytes calldata cid) external view returns (uint256 id, Status status);

    /// @notice The id of a contributor's contribution of a digest.
    /// @param contributor The contributor.
    /// @param digest The CID's sha2-256 digest.
    /// @return id uint256(keccak256(abi.encode(contributor, digest))).
    function contributionId(address contributor, bytes32 digest) external pure returns (uint256 id);

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
    /// @return count The committed number of leaves.
    /// @return rejected The number of rejections it carries.
    /// @return aggregator The aggregator who submitted it.
    /// @return curator Its designated curator.
    /// @dev The committed and activated weights are in {batchWeights}; revenue in the
    /// distributor's `batchPot`.
    function batch(uint256 batchId)
        external
        view
        returns (
            uint256 poolId,
            BatchStatus status,
            bytes32 root,
            uint256 count,
            uint256 rejected,
            address aggregator,
            address curator
        );

    /// @notice A batch's committed leaves and weight, and those activated so far.
    /// @param batchId The batch; reverts if unknown.
    /// @return totalWeight The committed total.
    /// @return activatedCount The leaves activated.
    /// @return activatedWeight Their weight.
    function batchWeights(uint256 batchId)
        external
        view
        returns (uint256 totalWeight, uint256 activatedCount, uint256 activatedWeight);

    /// @notice A pool's maximum weight per contribution.
    /// @param poolId The pool; reverts if unknown.
    /// @return maxWeight The maximum.
    function poolMaxWeight(uint256 poolId) external view returns (uint256 maxWeight);

    /// @notice The reviews a curator is credited for per curation epoch.
    /// @return cap The cap.
    function curationCap() external view returns (uint256 cap);

    /// @notice The reviews a curator has been credited for in a curation epoch. Only the
    /// curator's latest epoch is kept: an earlier epoch reads 0 once a newer one has reviews.
    /// @param curator The curator.
    /// @param epoch The curation epoch (timestamp / CURATION_EPOCH).
    /// @return reviews The count.
    function reviewsInEpoch(address curator, uint256 epoch) external view returns (uint256 reviews);

    /// @notice Seconds per curation epoch, the period of the curation cap.
    /// @return The length.
    function CURATION_EPOCH() external view returns (uint256);

    /// @notice The largest maximum weight governance can give a pool.
    /// @return The ceiling.
    function MAX_WEIGHT_CEILING() external view returns (uint256);

    /// @notice The largest curation cap governance can set.
    /// @return The ceiling.
    function MAX_CURATION_CAP() external view returns (uint256);

    /// @notice The number of batches; their ids run from 1 to this.
    /// @return count The count.
    function batchCount() external view returns (uint256 count);

    /// @notice The hash of a batch leaf (types/BatchLeaf.sol), as StandardMerkleTree computes it.
    /// @param poolId The batch's pool.
    /// @param contributor The contributor.
    /// @param leaf The leaf.
    /// @return hash The leaf hash.
    function batchLeafHash(uint256 poolId, address contributor, BatchLeaf calldata leaf)
        external
        view
        returns (bytes32 hash);

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
