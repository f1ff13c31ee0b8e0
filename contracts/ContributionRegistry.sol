// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {CidLib} from "./libraries/CidLib.sol";
import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IContributionToken} from "./interfaces/IContributionToken.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {IRevenueDistributor} from "./interfaces/IRevenueDistributor.sol";

/// @title ContributionRegistry
/// @notice The cooperative's register of contributions: members submit CIDs into pools,
/// curators accept or reject them, contributors revoke them.
/// @dev A contribution takes one storage slot when submitted and a second when curated; its
/// CID is rebuilt from its id (the digest) and its stored CID form, so no bytes are stored.
contract ContributionRegistry is IContributionRegistry, AccessControl {
    /// @inheritdoc IContributionRegistry
    bytes32 public constant CURATOR_ROLE = keccak256("CURATOR_ROLE");

    /// @dev One slot, written on submission and updated on curation. The curator is only in
    /// the events: nothing on-chain reads it again, and a second slot would cost ~22k per accept.
    struct Contribution {
        address contributor;
        uint32 poolId;
        Status status;
        CidLib.Kind kind;
        uint48 weight;
    }

    /// @dev Everything a submission or a curation touches, in one slot.
    struct Pool {
        uint64 contributionCount;
        uint64 acceptedCount;
        uint96 totalWeight;
        bool exists;
        bool open;
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

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    /// @param membership_ The membership register.
    /// @param token The contribution token; grant this registry its MINTER_ROLE.
    /// @param distributor The revenue distributor; let this registry add and remove units.
    constructor(address admin, IMembership membership_, IContributionToken token, IRevenueDistributor distributor) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _membership = membership_;
        _token = token;
        _distributor = distributor;
        _workPot = distributor.WORK_POT();
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
        _pools[poolId] = Pool({contributionCount: 0, acceptedCount: 0, totalWeight: 0, exists: true, open: true});
        _poolDescriptions[poolId] = PoolDescription({name: name, metadata: metadata});
        emit PoolCreated(poolId, name, metadata);
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
        Pool storage pool_ = _pools[poolId];
        if (!pool_.open) {
            if (!pool_.exists) revert ContributionRegistryUnknownPool(poolId);
            revert ContributionRegistryPoolClosed(poolId);
        }
        (CidLib.Kind kind, bytes32 digest) = CidLib.parse(cid);
        id = uint256(digest);
        Contribution storage contribution_ = _contributions[id];
        if (contribution_.status != Status.NONE) {
            revert ContributionRegistryDuplicateCid(id, contribution_.contributor);
        }
        if (!_membership.isMember(contributor)) revert ContributionRegistryNotMember(contributor);

        contribution_.contributor = contributor;
        // An existing pool's id is at most _poolCount, a uint32.
        contribution_.poolId = uint32(poolId);
        contribution_.status = Status.PENDING;
        contribution_.kind = kind;
        unchecked {
            // One per submission transaction: 2**64 of them are out of reach.
            ++pool_.contributionCount;
        }
        emit ContributionSubmitted(id, poolId, contributor, cid);
    }

    /// @inheritdoc IContributionRegistry
    function accept(uint256 id, uint48 weight) external onlyRole(CURATOR_ROLE) {
        address curator = _msgSender();
        Contribution storage contribution_ = _pendingContribution(id, curator);
        if (weight == 0) revert ContributionRegistryZeroWeight(id);
        _checkWorker(curator);

        address contributor = contribution_.contributor;
        uint32 poolId = contribution_.poolId;
        contribution_.status = Status.ACCEPTED;
        contribution_.weight = weight;
        Pool storage pool_ = _pools[poolId];
        unchecked {
            // Accepted contributions are a subset of the pool's contributions, a uint64 count.
            ++pool_.acceptedCount;
        }
        pool_.totalWeight += weight;
        emit ContributionAccepted(id, poolId, curator, contributor, weight, CidLib.encode(contribution_.kind, bytes32(id)));

        _token.mint(contributor, weight);
        _distributor.addUnits(poolId, contributor, weight);
        _distributor.addUnits(_workPot, curator, 1);
    }

    /// @inheritdoc IContributionRegistry
    function reject(uint256 id, string calldata reason) external onlyRole(CURATOR_ROLE) {
        address curator = _msgSender();
        Contribution storage contribution_ = _pendingContribution(id, curator);
        _checkWorker(curator);

        contribution_.status = Status.REJECTED;
        emit ContributionRejected(
            id,
            contribution_.poolId,
            curator,
            contribution_.contributor,
            reason,
            CidLib.encode(contribution_.kind, bytes32(id))
        );
    }

    /// @inheritdoc IContributionRegistry
    function revoke(uint256 id) external {
        address caller = _msgSender();
        Contribution storage contribution_ = _contributions[id];
        Status status = contribution_.status;
        address contributor = contribution_.contributor;
        if (status == Status.NONE) revert ContributionRegistryUnknownContribution(id);
        if (caller != contributor) revert ContributionRegistryNotContributor(id, caller, contributor);
        if (status != Status.PENDING && status != Status.ACCEPTED) revert ContributionRegistryNotRevocable(id, status);

        uint32 poolId = contribution_.poolId;
        uint48 weight = 0; // stays 0 unless the contribution was accepted
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
        emit ContributionRevoked(id, poolId, contributor, weight, CidLib.encode(contribution_.kind, bytes32(id)));

        if (weight != 0) {
            _distributor.removeUnits(poolId, contributor, weight);
            _token.burn(contributor, weight);
        }
    }

    /// @inheritdoc IContributionRegistry
    function contribution(uint256 id)
        external
        view
        returns (address contributor, uint256 poolId, Status status, uint48 weight, bytes memory cid)
    {
        Contribution storage contribution_ = _contributions[id];
        status = contribution_.status;
        if (status == Status.NONE) return (address(0), 0, status, 0, "");
        return (
            contribution_.contributor,
            contribution_.poolId,
            status,
            contribution_.weight,
            CidLib.encode(contribution_.kind, bytes32(id))
        );
    }

    /// @inheritdoc IContributionRegistry
    function contributionOfCid(bytes calldata cid) external view returns (uint256 id, Status status) {
        // The id is the digest whatever the CID's form, so the form is not needed here.
        // slither-disable-next-line unused-return
        (, bytes32 digest) = CidLib.parse(cid);
        id = uint256(digest);
        return (id, _contributions[id].status);
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
    function poolCount() external view returns (uint256 count) {
        return _poolCount;
    }

    /// @inheritdoc IContributionRegistry
    function isCurator(address account) external view returns (bool eligible) {
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
    function _pendingContribution(uint256 id, address curator) private view returns (Contribution storage contribution_) {
        contribution_ = _contributions[id];
        Status status = contribution_.status;
        if (status != Status.PENDING) {
            if (status == Status.NONE) revert ContributionRegistryUnknownContribution(id);
            revert ContributionRegistryNotPending(id, status);
        }
        if (contribution_.contributor == curator) revert ContributionRegistrySelfCuration(id, curator);
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
}
