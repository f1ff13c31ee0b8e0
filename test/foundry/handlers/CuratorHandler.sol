// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title CuratorHandler
/// @notice Curators accept (with weights from zero to above the pool's maximum) or reject
/// contributions and batches: sometimes their own, sometimes unknown or already curated ones,
/// sometimes after leaving the WORKER class, for contributors who left, or past the curation
/// cap; a member without the curator role tries too. Each review earns exactly one unit. Each
/// is sent directly or, as a fuzzed flag chooses, signed and relayed through the forwarder.
contract CuratorHandler is HandlerBase {
    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](5);
        s[0] = this.accept.selector;
        s[1] = this.reject.selector;
        s[2] = this.acceptBatch.selector;
        s[3] = this.acceptBatch.selector; // twice as likely: a batch's life starts there
        s[4] = this.rejectBatch.selector;
    }

    function accept(uint256 curatorSeed, uint256 idSeed, uint256 weightSeed, bool relayed) external {
        (uint256 key, address curator, bool hasRole) = _curatorOf(curatorSeed);
        uint256 id = _pickId(idSeed);
        CoopModel.Entry memory e = model.entry(id);
        uint48 weight = _fuzzWeight(weightSeed, e.poolId);
        bytes4 expected = _contributionOutcome(curator, hasRole, id, true, weight);
        (bool done,) =
            _act(key, relayed, address(coop.registry), abi.encodeCall(coop.registry.accept, (id, weight)), expected);
        if (!done) return;
        model.recordAccepted(id, weight);
        _credited(curator, false, id, 1);
    }

    function reject(uint256 curatorSeed, uint256 idSeed, bool relayed) external {
        (uint256 key, address curator, bool hasRole) = _curatorOf(curatorSeed);
        uint256 id = _pickId(idSeed);
        bytes4 expected = _contributionOutcome(curator, hasRole, id, false, 0);
        (bool done,) =
            _act(key, relayed, address(coop.registry), abi.encodeCall(coop.registry.reject, (id, "fuzzed")), expected);
        if (!done) return;
        model.recordRejected(id);
        _credited(curator, false, id, 1);
    }

    /// @notice The batch's designated curator (or, a quarter of the time, another curator or a
    /// member) accepts it: one unit per review it holds, and its weight joins the pool.
    function acceptBatch(uint256 callerSeed, uint256 batchSeed, bool relayed) external {
        uint256 batchId = _pickRecentBatch(batchSeed);
        (uint256 key, address caller) = _batchCallerOf(callerSeed, batchId);
        CoopModel.BatchModel memory b = model.batchOf(batchId);
        bytes4 expected = _batchOutcome(caller, b, true);
        (bool done,) =
            _act(key, relayed, address(coop.registry), abi.encodeCall(coop.registry.acceptBatch, (batchId)), expected);
        if (!done) return;
        model.recordBatchCurated(batchId, true, _poolAcc(b.poolId));
        _credited(caller, true, batchId, b.count + b.rejected);
    }

    /// @notice The designated curator (or another) refuses the batch as assembled: no credit.
    function rejectBatch(uint256 callerSeed, uint256 batchSeed, bool relayed) external {
        uint256 batchId = _pickRecentBatch(batchSeed);
        (uint256 key, address caller) = _batchCallerOf(callerSeed, batchId);
        bytes4 expected = _batchOutcome(caller, model.batchOf(batchId), false);
        (bool done,) = _act(
            key,
            relayed,
            address(coop.registry),
            abi.encodeCall(coop.registry.rejectBatch, (batchId, "fuzzed")),
            expected
        );
        if (done) model.recordBatchCurated(batchId, false, 0);
    }

    /// @dev Every review earns one unit, whatever its verdict (a batch: one per accepted leaf
    /// and per rejection it holds), within the cap in force.
    function _credited(address curator, bool isBatch, uint256 id, uint256 units) private {
        uint256 epoch = _curationEpoch();
        model.creditReview(curator, isBatch, id, epoch, units);
        vm.assertLe(coop.registry.reviewsInEpoch(curator, epoch), coop.registry.curationCap(), "reviews within the cap");
    }

    /// @dev One of the two curators, or a third of the time a member without the role: its key
    /// and address.
    function _curatorOf(uint256 seed) private pure returns (uint256 key, address curator, bool hasRole) {
        uint256 i = seed % 3;
        hasRole = i < Actors.CURATOR_COUNT;
        key = hasRole ? Actors.curatorKey(i) : Actors.memberKey(seed >> 2);
        curator = vm.addr(key);
    }

    /// @dev A registered id, or one time in sixteen an id never registered.
    function _pickId(uint256 seed) private view returns (uint256) {
        if (model.idCount() == 0 || seed % 16 == 0) return uint256(keccak256(abi.encode("unknown", seed)));
        return model.idAt(seed >> 4);
    }

    /// @dev Half the time the latest batch (likely pending), else one from 1 to one past the
    /// last (unknown); from the seed's hash, which spreads the fuzzer's edge values.
    function _pickRecentBatch(uint256 seed) private view returns (uint256) {
        seed = uint256(keccak256(abi.encode(seed)));
        uint256 batches = model.batchCount();
        if (seed % 2 == 0 && batches > 0) return batches;
        return 1 + (seed >> 1) % (batches + 1);
    }

    /// @dev The registry's checks in its order; `accepting` adds the contributor's membership and
    /// the weight's bounds.
    function _contributionOutcome(address curator, bool hasRole, uint256 id, bool accepting, uint48 weight)
        private
        view
        returns (bytes4)
    {
        if (!hasRole) return IAccessControl.AccessControlUnauthorizedAccount.selector;
        CoopModel.Entry memory e = model.entry(id);
        if (e.status == IContributionRegistry.Status.NONE) {
            return IContributionRegistry.ContributionRegistryUnknownContribution.selector;
        }
        if (e.status != IContributionRegistry.Status.PENDING) {
            return IContributionRegistry.ContributionRegistryNotPending.selector;
        }
        if (e.contributor == curator) return IContributionRegistry.ContributionRegistrySelfCuration.selector;
        if (model.statusOf(curator) != WORKER_STATUS) {
            return IContributionRegistry.ContributionRegistryCuratorNotWorker.selector;
        }
        if (accepting) {
            if (model.statusOf(e.contributor) == 0) {
                return IContributionRegistry.ContributionRegistryContributorNotMember.selector;
            }
            if (weight == 0) return IContributionRegistry.ContributionRegistryZeroWeight.selector;
            if (weight > model.poolMaxWeight(e.poolId)) {
                return IContributionRegistry.ContributionRegistryWeightAboveMax.selector;
            }
        }
        return _capOutcome(curator);
    }

    /// @dev The registry's checks on a batch verdict by `caller`, in its order (the curator role
    /// first, as both verdicts are for CURATOR_ROLE); acceptance adds
    /// the worker's class and the cap for all the batch's reviews.
    function _batchOutcome(address caller, CoopModel.BatchModel memory b, bool accepting)
        private
        view
        returns (bytes4)
    {
        if (!coop.registry.hasRole(coop.registry.CURATOR_ROLE(), caller)) {
            return IAccessControl.AccessControlUnauthorizedAccount.selector;
        }
        if (b.status == IContributionRegistry.BatchStatus.NONE) {
            return IContributionRegistry.ContributionRegistryUnknownBatch.selector;
        }
        if (b.status != IContributionRegistry.BatchStatus.PENDING) {
            return IContributionRegistry.ContributionRegistryBatchNotPending.selector;
        }
        if (caller != b.curator) return IContributionRegistry.ContributionRegistryNotBatchCurator.selector;
        if (!accepting) return OK;
        if (model.statusOf(caller) != WORKER_STATUS) {
            return IContributionRegistry.ContributionRegistryCuratorNotWorker.selector;
        }
        if (model.reviewsInEpoch(caller, _curationEpoch()) + b.count + b.rejected > model.curationCap()) {
            return IContributionRegistry.ContributionRegistryCurationCapReached.selector;
        }
        return OK;
    }

    /// @dev Mostly the batch's designated curator; a quarter of the time a curator or member
    /// picked by the seed's hash (the designated one, another curator, or one without the role).
    function _batchCallerOf(uint256 seed, uint256 batchId) private view returns (uint256 key, address caller) {
        seed = uint256(keccak256(abi.encode(seed)));
        address designated = model.batchOf(batchId).curator;
        if (seed % 4 != 3 && designated != address(0)) key = _keyOf(designated);
        else (key,,) = _curatorOf(seed >> 2);
        caller = vm.addr(key);
    }

    function _capOutcome(address curator) private view returns (bytes4) {
        if (model.reviewsInEpoch(curator, _curationEpoch()) >= model.curationCap()) {
            return IContributionRegistry.ContributionRegistryCurationCapReached.selector;
        }
        return OK;
    }
}
