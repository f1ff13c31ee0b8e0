// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CidLib} from "./libraries/CidLib.sol";
import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IContributionToken} from "./interfaces/IContributionToken.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {IRevenueDistributor} from "./interfaces/IRevenueDistributor.sol";
import {RelayedAccessControl} from "./metatx/RelayedAccessControl.sol";
import {BatchLeaf, BatchLeafHash} from "./types/BatchLeaf.sol";

/// @title ContributionRegistry
/// @notice The cooperative's register of contributions: members submit CIDs into pools, or
/// aggregators submit them in Merkle batches; curators accept or reject them, contributors
/// revoke them.
/// @dev A contribution takes one storage slot, written on submission and updated on curation;
/// its CID is in its submission (or leaf-activation) event, so no bytes are stored. A batch leaf
/// takes none until its contributor activates or revokes it; its revenue is the distributor's.
/// Members and curators may also act through the cooperative's forwarder (ERC-2771), which
/// credits the request's signer; a multicall through it passes the signer on to every call.
contract ContributionRegistry is IContributionRegistry, RelayedAccessControl, EIP712, Multicall {
    /// @inheritdoc IContributionRegistry
    bytes32 public constant CURATOR_ROLE = keccak256("CURATOR_ROLE");
    /// @inheritdoc IContributionRegistry
    bytes32 public constant AGGREGATOR_ROLE = keccak256("AGGREGATOR_ROLE");
    /// @inheritdoc IContributionRegistry
    uint256 public constant CURATION_EPOCH = 1 days;
    /// @inheritdoc IContributionRegistry
    uint256 public constant MAX_WEIGHT_CEILING = 10_000;
    /// @inheritdoc IContributionRegistry
    uint256 public constant MAX_CURATION_CAP = 10_000;
    /// @notice A new pool's maximum weight per contribution.
    uint256 public constant DEFAULT_MAX_WEIGHT = 100;
    /// @notice The curation cap at deployment: reviews credited per curator per curation epoch.
    uint256 public constant DEFAULT_CURATION_CAP = 500;
    /// @notice The EIP-712 type of a member's consent.
    bytes32 public constant CONSENT_TYPEHASH =
        keccak256("Consent(uint256 poolId,bytes cid,address contributor,uint256 deadline)");

    /// @dev One slot, written on submission and updated on curation. The curator is only in
    /// the events: nothing on-chain reads it again, and a second slot would cost ~22k per accept.
    struct Contribution {
        address contributor;
        uint32 poolId;
        Status status;
        uint48 weight;
        bool batched; // activated or revoked from a batch: its revenue is the batch's
    }

    /// @dev Everything a submission or a curation touches, in one slot. uint56 counts: one per
    /// transaction, 2**56 of them are out of reach.
    struct Pool {
        uint56 contributionCount;
        uint56 acceptedCount;
        uint96 totalWeight;
        bool exists;
        bool open;
        uint32 maxWeight;
    }

    /// @dev uint24 counts bound a batch to 16,777,215 leaves, a tree far larger than any
    /// manifest an aggregator can publish; weights are at most count × MAX_WEIGHT_CEILING < 2**38.
    /// activatedCount and activatedWeight count activations (and revocations of leaves never
    /// activated), held to the commitment as the distributor holds claims.
    struct Batch {
        bytes32 root;
        address curator;
        uint32 poolId;
        uint24 count;
        uint24 rejected;
        BatchStatus status;
        address aggregator;
        uint48 totalWeight;
        uint24 activatedCount;
        uint24 revokedCount;
        uint48 activatedWeight;
    }

    struct PoolDescription {
        string name;
        string metadata;
    }

    IMembership private immutable _membership;
    IContributionToken private immutable _token;
    IRevenueDistributor private immutable _distributor;
    uint256 private immutable _workPot;

    uint32 private _poolCount;
    mapping(uint256 poolId => Pool) private _pools;
    mapping(uint256 poolId => PoolDescription) private _poolDescriptions;
    mapping(uint256 id => Contribution) private _contributions;
    uint256 private _batchCount;
    mapping(uint256 batchId => Batch) private _batches;
    uint256 private _curationCap;
    /// @dev Per curator: curation epoch (high 128 bits) | reviews credited in it (low 128 bits).
    mapping(address curator => uint256) private _reviewLedger;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    /// @param membership_ The membership register.
    /// @param token The contribution token; grant this registry its MINTER_ROLE.
    /// @param distributor The revenue distributor; let this registry add and remove units.
    /// @param trustedForwarder The LumbungForwarder, whose requests act for their signer.
    constructor(
        address admin,
        IMembership membership_,
        IContributionToken token,
        IRevenueDistributor distributor,
        address trustedForwarder
    ) RelayedAccessControl(trustedForwarder) EIP712("Lumbung Registry", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _membership = membership_;
        _token = token;
        _distributor = distributor;
        _workPot = distributor.WORK_POT();
        _curationCap = DEFAULT_CURATION_CAP;
        emit CurationCapSet(DEFAULT_CURATION_CAP);
    }

    /// @inheritdoc IContributionRegistry
    function createPool(string calldata name, string calldata metadata)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint256 poolId)
    {
        if (bytes(name).length == 0) revert ContributionRegistryEmptyPoolName();
        unchecked {
            // One pool per governance decision: 2**32 of them are out of reach.
            poolId = ++_poolCount;
        }
        _pools[poolId] = Pool({
            contributionCount: 0,
            acceptedCount: 0,
            totalWeight: 0,
            exists: true,
            open: true,
            maxWeight: uint32(DEFAULT_MAX_WEIGHT)
        });
        _poolDescriptions[poolId] = PoolDescription({name: name, metadata: metadata});
        emit PoolCreated(poolId, name, metadata);
        emit PoolMaxWeightSet(poolId, DEFAULT_MAX_WEIGHT);
    }

    /// @inheritdoc IContributionRegistry
    function setPoolMaxWeight(uint256 poolId, uint256 maxWeight) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Pool storage pool_ = _existingPool(poolId);
        if (maxWeight == 0 || maxWeight > MAX_WEIGHT_CEILING) revert ContributionRegistryInvalidMaxWeight(maxWeight);
        // maxWeight <= MAX_WEIGHT_CEILING < 2**32.
        pool_.maxWeight = uint32(maxWeight);
        emit PoolMaxWeightSet(poolId, maxWeight);
    }

    /// @inheritdoc IContributionRegistry
    function setCurationCap(uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (cap == 0 || cap > MAX_CURATION_CAP) revert ContributionRegistryInvalidCurationCap(cap);
        _curationCap = cap;
        emit CurationCapSet(cap);
    }

    /// @inheritdoc IContributionRegistry
    function closePool(uint256 poolId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Pool storage pool_ = _existingPool(poolId);
        if (!pool_.open) revert ContributionRegistryPoolClosed(poolId);
        pool_.open = false;
        emit PoolClosed(poolId);
    }

    /// @inheritdoc IContributionRegistry
    function reopenPool(uint256 poolId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Pool storage pool_ = _existingPool(poolId);
        if (pool_.open) revert ContributionRegistryPoolAlreadyOpen(poolId);
        pool_.open = true;
        emit PoolReopened(poolId);
    }

    /// @inheritdoc IContributionRegistry
    function submit(uint256 poolId, bytes calldata cid) external returns (uint256 id) {
        address contributor = _msgSender();
        Pool storage pool_ = _openPool(poolId);
        // Only the digest names the content; the CID's form is in the event.
        // slither-disable-next-line unused-return
        (, bytes32 digest) = CidLib.parse(cid);
        id = _contributionId(contributor, digest);
        Contribution storage contribution_ = _contributions[id];
        if (contribution_.status != Status.NONE) {
            revert ContributionRegistryDuplicateCid(id, contributor);
        }
        if (!_membership.isMember(contributor)) revert ContributionRegistryNotMember(contributor);

        contribution_.contributor = contributor;
        // An existing pool's id is at most _poolCount, a uint32.
        contribution_.poolId = uint32(poolId);
        contribution_.status = Status.PENDING;
        unchecked {
            // One per submission transaction: 2**56 of them are out of reach.
            ++pool_.contributionCount;
        }
        emit ContributionSubmitted(id, poolId, contributor, cid);
    }

    /// @inheritdoc IContributionRegistry
    function accept(uint256 id, uint48 weight) external onlyRole(CURATOR_ROLE) {
        address curator = _msgSender();
        Contribution storage contribution_ = _pendingContribution(id, curator);
        _checkWorker(curator);
        address contributor = contribution_.contributor;
        if (!_membership.isMember(contributor)) revert ContributionRegistryContributorNotMember(id, contributor);
        uint32 poolId = contribution_.poolId;
        Pool storage pool_ = _pools[poolId];
        _checkWeight(id, weight, pool_.maxWeight);

        contribution_.status = Status.ACCEPTED;
        contribution_.weight = weight;
        unchecked {
            // Accepted contributions are a subset of the pool's contributions, a uint56 count.
            ++pool_.acceptedCount;
        }
        pool_.totalWeight += weight;
        emit ContributionAccepted(id, poolId, curator, contributor, weight);

        _token.mint(contributor, weight);
        _distributor.addUnits(poolId, contributor, weight);
        _creditReviews(curator, 1);
    }

    /// @inheritdoc IContributionRegistry
    function reject(uint256 id, string calldata reason) external onlyRole(CURATOR_ROLE) {
        address curator = _msgSender();
        Contribution storage contribution_ = _pendingContribution(id, curator);
        _checkWorker(curator);

        contribution_.status = Status.REJECTED;
        emit ContributionRejected(id, contribution_.poolId, curator, contribution_.contributor, reason);
        _creditReviews(curator, 1);
    }

    /// @inheritdoc IContributionRegistry
    function revoke(uint256 id) external {
        address caller = _msgSender();
        Contribution storage contribution_ = _contributions[id];
        Status status = contribution_.status;
        address contributor = contribution_.contributor;
        if (status == Status.NONE) revert ContributionRegistryUnknownContribution(id);
        if (caller != contributor) revert ContributionRegistryNotContributor(id, caller, contributor);
        if (status == Status.REVOKED) revert ContributionRegistryNotRevocable(id, status);
        if (contribution_.batched) revert ContributionRegistryBatchedContribution(id);

        uint32 poolId = contribution_.poolId;
        uint48 weight = 0; // stays 0 unless the contribution was accepted (pending or rejected)
        contribution_.status = Status.REVOKED;
        if (status == Status.ACCEPTED) {
            weight = contribution_.weight;
            Pool storage pool_ = _pools[poolId];
            unchecked {
                // This contribution is counted in acceptedCount and its weight in totalWeight.
                --pool_.acceptedCount;
                pool_.totalWeight -= weight;
            }
        }
        emit ContributionRevoked(id, poolId, contributor, weight);

        if (weight != 0) {
            _distributor.removeUnits(poolId, contributor, weight);
            _token.burn(contributor, weight);
        }
    }

    /// @inheritdoc IContributionRegistry
    function submitBatch(
        uint256 poolId,
        address curator,
        bytes32 root,
        uint24 count,
        uint48 totalWeight,
        uint24 rejected,
        bytes calldata manifestCid
    ) external onlyRole(AGGREGATOR_ROLE) returns (uint256 batchId) {
        Pool storage pool_ = _openPool(poolId);
        if (uint256(count) + rejected == 0) revert ContributionRegistryEmptyBatch();
        if ((root == bytes32(0)) != (count == 0)) revert ContributionRegistryBatchRoot();
        uint256 maxWeight = pool_.maxWeight;
        if (totalWeight < count || totalWeight > uint256(count) * maxWeight) {
            revert ContributionRegistryInvalidBatchWeight(count, totalWeight, maxWeight);
        }
        address aggregator = _msgSender();
        if (curator == aggregator || !isCurator(curator)) revert ContributionRegistryInvalidBatchCurator(curator);
        // Only validated: the manifest is found by its CID in the event, never read on-chain.
        // slither-disable-next-line unused-return
        CidLib.parse(manifestCid);
        unchecked {
            // One per aggregator transaction: 2**256 of them are out of reach.
            batchId = ++_batchCount;
        }
        _batches[batchId] = Batch({
            root: root,
            curator: curator,
            // An existing pool's id is at most _poolCount, a uint32.
            poolId: uint32(poolId),
            count: count,
            rejected: rejected,
            status: BatchStatus.PENDING,
            aggregator: aggregator,
            totalWeight: totalWeight,
            activatedCount: 0,
            revokedCount: 0,
            activatedWeight: 0
        });
        emit BatchSubmitted(batchId, poolId, curator, root, count, totalWeight, rejected, manifestCid, aggregator);
    }

    /// @inheritdoc IContributionRegistry
    function acceptBatch(uint256 batchId) external onlyRole(CURATOR_ROLE) {
        address curator = _msgSender();
        Batch storage batch_ = _pendingBatch(batchId, curator);
        _checkWorker(curator);

        batch_.status = BatchStatus.ACCEPTED;
        uint32 poolId = batch_.poolId;
        uint256 count = batch_.count;
        uint256 totalWeight = batch_.totalWeight;
        uint256 reviews = count + batch_.rejected;
        Pool storage pool_ = _pools[poolId];
        uint256 maxWeight = pool_.maxWeight;
        unchecked {
            // Bounded by the contributions ever registered: 2**56 are out of reach.
            pool_.contributionCount += uint56(count);
            pool_.acceptedCount += uint56(count);
        }
        pool_.totalWeight += SafeCast.toUint96(totalWeight);
        emit BatchAccepted(batchId, poolId, curator, count, totalWeight, reviews);
        _creditReviews(curator, reviews);
        if (count != 0) {
            _distributor.openBatchPot(batchId, poolId, batch_.root, count, totalWeight, maxWeight, curator);
        }
    }

    /// @inheritdoc IContributionRegistry
    function rejectBatch(uint256 batchId, string calldata reason) external onlyRole(CURATOR_ROLE) {
        address curator = _msgSender();
        Batch storage batch_ = _pendingBatch(batchId, curator);

        batch_.status = BatchStatus.REJECTED;
        emit BatchRejected(batchId, batch_.poolId, curator, reason);
    }

    /// @inheritdoc IContributionRegistry
    function overturn(uint256 id, uint48 newWeight) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Contribution storage contribution_ = _contributions[id];
        Status status = contribution_.status;
        if (status != Status.ACCEPTED) {
            if (status == Status.NONE) revert ContributionRegistryUnknownContribution(id);
            revert ContributionRegistryNotAccepted(id, status);
        }
        if (contribution_.batched) revert ContributionRegistryBatchedContribution(id);
        uint32 poolId = contribution_.poolId;
        Pool storage pool_ = _pools[poolId];
        if (newWeight != 0) _checkWeight(id, newWeight, pool_.maxWeight);
        address contributor = contribution_.contributor;
        uint48 oldWeight = contribution_.weight;
        // As accept: nothing new is minted to a contributor who has left.
        if (newWeight > oldWeight && !_membership.isMember(contributor)) {
            revert ContributionRegistryContributorNotMember(id, contributor);
        }
        contribution_.weight = newWeight;
        if (newWeight == 0) {
            contribution_.status = Status.REJECTED;
            unchecked {
                // This contribution is counted in acceptedCount.
                --pool_.acceptedCount;
            }
        }
        // totalWeight holds oldWeight for this contribution, so the difference cannot underflow.
        pool_.totalWeight = pool_.totalWeight - oldWeight + newWeight;
        emit ContributionOverturned(id, poolId, contributor, oldWeight, newWeight);

        if (newWeight > oldWeight) {
            _token.mint(contributor, newWeight - oldWeight);
            _distributor.addUnits(poolId, contributor, newWeight - oldWeight);
        } else if (newWeight < oldWeight) {
            // Settles the contributor's revenue so far before the units go.
            _distributor.removeUnits(poolId, contributor, oldWeight - newWeight);
            _token.burn(contributor, oldWeight - newWeight);
        }
    }

    /// @inheritdoc IContributionRegistry
    function overturnBatch(uint256 batchId, string calldata reason) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Batch storage batch_ = _existingBatch(batchId);
        BatchStatus status = batch_.status;
        if (status != BatchStatus.PENDING && status != BatchStatus.ACCEPTED) {
            revert ContributionRegistryBatchNotAccepted(batchId, status);
        }
        batch_.status = BatchStatus.OVERTURNED;
        uint32 poolId = batch_.poolId;
        emit BatchOverturned(batchId, poolId, reason);
        if (status != BatchStatus.ACCEPTED) return;
        _takeBackReviews(batch_.curator, uint256(batch_.count) + batch_.rejected);
        if (batch_.count != 0) {
            // slither-disable-next-line unused-return
            (,, uint256 units,,,) = _distributor.batchPot(batchId);
            Pool storage pool_ = _pools[poolId];
            unchecked {
                // The batch's remaining units and unrevoked leaves are counted in the pool.
                pool_.acceptedCount -= uint56(batch_.count - batch_.revokedCount);
                pool_.totalWeight -= uint96(units);
            }
            _distributor.closeBatchPot(batchId);
        }
    }

    /// @inheritdoc IContributionRegistry
    function removeCurationCredits(address account, uint256 units) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit CurationCreditsRemoved(account, units, false);
        _distributor.removeUnits(_workPot, account, units);
    }

    /// @inheritdoc IContributionRegistry
    function retireCurationCredits(address account) external returns (uint256 units) {
        if (isCurator(account)) revert ContributionRegistryStillCurator(account);
        units = _distributor.unitsOf(_workPot, account);
        if (units == 0) return 0;
        emit CurationCreditsRemoved(account, units, true);
        _distributor.removeUnits(_workPot, account, units);
    }

    /// @inheritdoc IContributionRegistry
    function activateLeaves(
        uint256 batchId,
        BatchLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 weight) {
        if (leaves.length == 0) revert ContributionRegistryNoLeaves();
        address contributor = _msgSender();
        Batch storage batch_ = _acceptedBatch(batchId, contributor);
        if (!_membership.isMember(contributor)) revert ContributionRegistryNotMember(contributor);
        uint32 poolId = batch_.poolId;
        bytes32[] memory hashes = BatchLeafHash.hashAll(address(_distributor), poolId, contributor, leaves);
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, batch_.root, hashes)) {
            revert ContributionRegistryInvalidProof(batchId, contributor);
        }
        for (uint256 i = 0; i < leaves.length; ++i) {
            weight += _activateLeaf(batchId, poolId, contributor, leaves[i]);
        }
        _countActivated(batchId, batch_, leaves.length, weight);
        _token.mint(contributor, weight);
    }

    /// @inheritdoc IContributionRegistry
    function revokeLeaf(uint256 batchId, BatchLeaf calldata leaf, bytes32[] calldata proof) external {
        address contributor = _msgSender();
        Batch storage batch_ = _existingBatch(batchId);
        BatchStatus batchStatus = batch_.status;
        if (batchStatus != BatchStatus.ACCEPTED && batchStatus != BatchStatus.OVERTURNED) {
            revert ContributionRegistryBatchNotAccepted(batchId, batchStatus);
        }
        uint32 poolId = batch_.poolId;
        if (!MerkleProof.verifyCalldata(
                proof, batch_.root, BatchLeafHash.hash(address(_distributor), poolId, contributor, leaf)
            )) {
            revert ContributionRegistryInvalidProof(batchId, contributor);
        }
        bool activated = _recordRevokedLeaf(batchId, poolId, contributor, leaf);
        // slither-disable-next-line unused-return
        (, uint256 removed) = _distributor.revokeBatchLeaf(batchId, contributor, leaf.ordinal, leaf.weight);
        if (batchStatus == BatchStatus.ACCEPTED && removed != 0) {
            Pool storage pool_ = _pools[poolId];
            unchecked {
                // The leaf is counted in acceptedCount and its weight in totalWeight.
                --pool_.acceptedCount;
                pool_.totalWeight -= uint96(removed);
                ++batch_.revokedCount;
            }
        }
        if (activated) _token.burn(contributor, leaf.weight);
    }

    /// @inheritdoc IContributionRegistry
    function consentDigest(uint256 poolId, bytes calldata cid, address contributor, uint256 deadline)
        external
        view
        returns (bytes32 digest)
    {
        return _hashTypedDataV4(keccak256(abi.encode(CONSENT_TYPEHASH, poolId, keccak256(cid), contributor, deadline)));
    }

    /// @inheritdoc IContributionRegistry
    function contribution(uint256 id)
        external
        view
        returns (address contributor, uint256 poolId, Status status, uint48 weight)
    {
        Contribution storage contribution_ = _contributions[id];
        return (contribution_.contributor, contribution_.poolId, contribution_.status, contribution_.weight);
    }

    /// @inheritdoc IContributionRegistry
    function contributionOf(address contributor, bytes calldata cid) external view returns (uint256 id, Status status) {
        // The id is the same whatever the CID's form, so the form is not needed here.
        // slither-disable-next-line unused-return
        (, bytes32 digest) = CidLib.parse(cid);
        id = _contributionId(contributor, digest);
        return (id, _contributions[id].status);
    }

    /// @inheritdoc IContributionRegistry
    function contributionId(address contributor, bytes32 digest) external pure returns (uint256 id) {
        return _contributionId(contributor, digest);
    }

    /// @inheritdoc IContributionRegistry
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
        )
    {
        Pool storage pool_ = _existingPool(poolId);
        PoolDescription storage description = _poolDescriptions[poolId];
        return (
            description.name,
            description.metadata,
            pool_.open,
            pool_.contributionCount,
            pool_.acceptedCount,
            pool_.totalWeight
        );
    }

    /// @inheritdoc IContributionRegistry
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
        )
    {
        Batch storage batch_ = _existingBatch(batchId);
        return
            (
                batch_.poolId,
                batch_.status,
                batch_.root,
                batch_.count,
                batch_.rejected,
                batch_.aggregator,
                batch_.curator
            );
    }

    /// @inheritdoc IContributionRegistry
    function batchCount() external view returns (uint256 count) {
        return _batchCount;
    }

    /// @inheritdoc IContributionRegistry
    function batchWeights(uint256 batchId)
        external
        view
        returns (uint256 totalWeight, uint256 activatedCount, uint256 activatedWeight)
    {
        Batch storage batch_ = _existingBatch(batchId);
        return (batch_.totalWeight, batch_.activatedCount, batch_.activatedWeight);
    }

    /// @inheritdoc IContributionRegistry
    function poolMaxWeight(uint256 poolId) external view returns (uint256 maxWeight) {
        return _existingPool(poolId).maxWeight;
    }

    /// @inheritdoc IContributionRegistry
    function curationCap() external view returns (uint256 cap) {
        return _curationCap;
    }

    /// @inheritdoc IContributionRegistry
    function reviewsInEpoch(address curator, uint256 epoch) external view returns (uint256 reviews) {
        uint256 ledger = _reviewLedger[curator];
        // The ledger holds one epoch's count: any other epoch has none (equality is the key).
        // slither-disable-next-line incorrect-equality
        return ledger >> 128 == epoch ? uint128(ledger) : 0;
    }

    /// @inheritdoc IContributionRegistry
    function batchLeafHash(uint256 poolId, address contributor, BatchLeaf calldata leaf)
        external
        view
        returns (bytes32 hash)
    {
        return BatchLeafHash.hash(address(_distributor), poolId, contributor, leaf);
    }

    /// @inheritdoc IContributionRegistry
    function poolCount() external view returns (uint256 count) {
        return _poolCount;
    }

    /// @inheritdoc IContributionRegistry
    function isCurator(address account) public view returns (bool eligible) {
        if (!hasRole(CURATOR_ROLE, account)) return false;
        (bool active, IMembership.StakeholderClass stakeholderClass) = _membership.memberStatus(account);
        return active && stakeholderClass == IMembership.StakeholderClass.WORKER;
    }

    /// @inheritdoc IContributionRegistry
    function membership() external view returns (IMembership) {
        return _membership;
    }

    /// @inheritdoc IContributionRegistry
    function contributionToken() external view returns (IContributionToken) {
        return _token;
    }

    /// @inheritdoc IContributionRegistry
    function revenueDistributor() external view returns (IRevenueDistributor) {
        return _distributor;
    }

    /// @dev The pending contribution `id`, which `curator` did not submit.
    function _pendingContribution(uint256 id, address curator)
        private
        view
        returns (Contribution storage contribution_)
    {
        contribution_ = _contributions[id];
        Status status = contribution_.status;
        if (status != Status.PENDING) {
            if (status == Status.NONE) revert ContributionRegistryUnknownContribution(id);
            revert ContributionRegistryNotPending(id, status);
        }
        if (contribution_.contributor == curator) revert ContributionRegistrySelfCuration(id, curator);
    }

    /// @dev Credits `reviews` units of curation work, within the cap of the current epoch.
    function _creditReviews(address curator, uint256 reviews) private {
        uint256 epoch = block.timestamp / CURATION_EPOCH;
        uint256 ledger = _reviewLedger[curator];
        // A new epoch starts the count again (equality is the key, not a balance check).
        // slither-disable-next-line incorrect-equality
        uint256 credited = (ledger >> 128 == epoch ? uint128(ledger) : 0) + reviews;
        uint256 cap = _curationCap;
        if (credited > cap) revert ContributionRegistryCurationCapReached(curator, epoch, cap);
        _reviewLedger[curator] = (epoch << 128) | credited;
        emit ReviewCredited(curator, epoch, credited);
        _distributor.addUnits(_workPot, curator, reviews);
    }

    /// @dev Removes the curation credit of an overturned batch's reviews, as far as the curator
    /// still holds it; what it earned before was settled to the curator.
    function _takeBackReviews(address curator, uint256 reviews) private {
        uint256 held = _distributor.unitsOf(_workPot, curator);
        uint256 units = reviews < held ? reviews : held;
        if (units == 0) return;
        emit CurationCreditsRemoved(curator, units, false);
        _distributor.removeUnits(_workPot, curator, units);
    }

    /// @dev Reverts unless 0 < weight <= maxWeight.
    function _checkWeight(uint256 id, uint256 weight, uint256 maxWeight) private pure {
        if (weight == 0) revert ContributionRegistryZeroWeight(id);
        if (weight > maxWeight) revert ContributionRegistryWeightAboveMax(id, weight, maxWeight);
    }

    /// @dev Reverts unless `curator` is an active member of the WORKER class now.
    function _checkWorker(address curator) private view {
        (bool active, IMembership.StakeholderClass stakeholderClass) = _membership.memberStatus(curator);
        if (!active || stakeholderClass != IMembership.StakeholderClass.WORKER) {
            revert ContributionRegistryCuratorNotWorker(curator, active, stakeholderClass);
        }
    }

    function _existingPool(uint256 poolId) private view returns (Pool storage pool_) {
        pool_ = _pools[poolId];
        if (!pool_.exists) revert ContributionRegistryUnknownPool(poolId);
    }

    function _openPool(uint256 poolId) private view returns (Pool storage pool_) {
        pool_ = _pools[poolId];
        if (!pool_.open) {
            if (!pool_.exists) revert ContributionRegistryUnknownPool(poolId);
            revert ContributionRegistryPoolClosed(poolId);
        }
    }

    function _existingBatch(uint256 batchId) private view returns (Batch storage batch_) {
        batch_ = _batches[batchId];
        if (batch_.status == BatchStatus.NONE) revert ContributionRegistryUnknownBatch(batchId);
    }

    /// @dev The pending batch `batchId`, whose designated curator is `caller`.
    function _pendingBatch(uint256 batchId, address caller) private view returns (Batch storage batch_) {
        batch_ = _existingBatch(batchId);
        if (batch_.status != BatchStatus.PENDING) revert ContributionRegistryBatchNotPending(batchId, batch_.status);
        address curator = batch_.curator;
        if (caller != curator) revert ContributionRegistryNotBatchCurator(batchId, caller, curator);
    }

    /// @dev The accepted batch `batchId`, whose leaves `contributor`, other than its curator,
    /// may activate.
    function _acceptedBatch(uint256 batchId, address contributor) private view returns (Batch storage batch_) {
        batch_ = _batches[batchId];
        BatchStatus status = batch_.status;
        if (status != BatchStatus.ACCEPTED) {
            if (status == BatchStatus.NONE) revert ContributionRegistryUnknownBatch(batchId);
            revert ContributionRegistryBatchNotAccepted(batchId, status);
        }
        address curator = batch_.curator;
        if (contributor == curator) revert ContributionRegistryBatchSelfCuration(batchId, curator);
    }

    /// @dev Registers a proven leaf as an accepted contribution (one fresh slot); its weight.
    function _activateLeaf(uint256 batchId, uint32 poolId, address contributor, BatchLeaf calldata leaf)
        private
        returns (uint48 weight)
    {
        // slither-disable-next-line unused-return
        (, bytes32 digest) = CidLib.parse(leaf.cid);
        uint256 id = _contributionId(contributor, digest);
        weight = leaf.weight;
        _checkWeight(id, weight, _pools[poolId].maxWeight);
        Contribution storage contribution_ = _contributions[id];
        if (contribution_.status != Status.NONE) revert ContributionRegistryDuplicateCid(id, contributor);
        _contributions[id] = Contribution({
            contributor: contributor, poolId: poolId, status: Status.ACCEPTED, weight: weight, batched: true
        });
        emit LeafActivated(batchId, id, contributor, poolId, leaf.ordinal, weight, leaf.cid);
    }

    /// @dev Records a proven leaf as revoked (one slot, so it is never activated or revoked
    /// again); whether it had been activated.
    function _recordRevokedLeaf(uint256 batchId, uint32 poolId, address contributor, BatchLeaf calldata leaf)
        private
        returns (bool activated)
    {
        // slither-disable-next-line unused-return
        (, bytes32 digest) = CidLib.parse(leaf.cid);
        uint256 id = _contributionId(contributor, digest);
        Contribution storage contribution_ = _contributions[id];
        Status status = contribution_.status;
        activated = status == Status.ACCEPTED && contribution_.batched;
        // A content registered singly, or revoked already, is not this leaf's to revoke.
        if (status != Status.NONE && !activated) revert ContributionRegistryNotRevocable(id, status);
        _contributions[id] = Contribution({
            contributor: contributor, poolId: poolId, status: Status.REVOKED, weight: leaf.weight, batched: true
        });
        emit LeafRevoked(batchId, id, contributor, poolId, leaf.ordinal, leaf.weight, leaf.cid);
    }

    /// @dev Counts `leafCount` activated leaves of `weight` against the batch's commitment.
    function _countActivated(uint256 batchId, Batch storage batch_, uint256 leafCount, uint256 weight) private {
        uint256 activated = batch_.activatedCount + leafCount;
        uint256 count = batch_.count;
        if (activated > count) revert ContributionRegistryBatchCountExceeded(batchId, count);
        uint256 activatedWeight = batch_.activatedWeight + weight;
        uint256 committed = batch_.totalWeight;
        if (activatedWeight > committed) revert ContributionRegistryBatchWeightExceeded(batchId, committed);
        // activated <= count, a uint24; activatedWeight <= totalWeight, a uint48.
        batch_.activatedCount = uint24(activated);
        batch_.activatedWeight = uint48(activatedWeight);
    }

    function _contributionId(address contributor, bytes32 digest) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(contributor, digest)));
    }

    /// @dev Multicall inherits Context too; RelayedAccessControl's resolution holds here, and
    /// Multicall passes a relayed signer on to each of its calls.
    function _msgSender() internal view override(Context, RelayedAccessControl) returns (address) {
        return RelayedAccessControl._msgSender();
    }

    function _msgData() internal view override(Context, RelayedAccessControl) returns (bytes calldata) {
        return RelayedAccessControl._msgData();
    }

    function _contextSuffixLength() internal view override(Context, RelayedAccessControl) returns (uint256) {
        return RelayedAccessControl._contextSuffixLength();
    }
}
