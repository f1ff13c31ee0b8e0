// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {CidLib} from "../../../contracts/libraries/CidLib.sol";
import {Actors} from "../utils/Actors.sol";
import {Cids} from "../utils/Cids.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title MemberHandler
/// @notice Members (and curators, who are members too): submit contributions, sometimes into
/// unknown or closed pools, with malformed CIDs, or with content already registered or sitting
/// in a batch; revoke (after a rejection too), sometimes someone else's; claim; leave; retire a
/// former curator's work units. Each action but the last is sent directly or, as a fuzzed flag
/// chooses, signed and relayed through the forwarder, and must credit the signer either way.
contract MemberHandler is HandlerBase {
    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](6);
        s[0] = this.submit.selector;
        s[1] = this.revoke.selector;
        s[2] = this.claim.selector;
        s[3] = this.claimAll.selector;
        s[4] = this.leave.selector;
        s[5] = this.retireCredits.selector;
    }

    /// @notice A member submits a CID; a quarter of the time the content is not fresh.
    function submit(uint256 actorSeed, uint256 poolSeed, uint256 contentSeed, uint256 formSeed, bool relayed) external {
        address who = Actors.contributor(actorSeed);
        uint256 poolId = _anyPoolId(poolSeed);
        bytes32 digest = _pickDigest(contentSeed);
        Cids.Form form = Cids.Form(formSeed % Cids.FORM_COUNT);
        uint256 id = Cids.idOf(who, digest);

        bytes4 expected = OK;
        if (!_knownPool(poolId)) {
            expected = IContributionRegistry.ContributionRegistryUnknownPool.selector;
        } else if (model.poolClosed(poolId)) {
            expected = IContributionRegistry.ContributionRegistryPoolClosed.selector;
        } else if (form == Cids.Form.MALFORMED) {
            expected = CidLib.CidLibTruncated.selector;
        } else if (model.entry(id).status != IContributionRegistry.Status.NONE) {
            expected = IContributionRegistry.ContributionRegistryDuplicateCid.selector;
        } else if (model.statusOf(who) == 0) {
            expected = IContributionRegistry.ContributionRegistryNotMember.selector;
        }

        (bool done, bytes memory ret) = _act(
            Actors.contributorKey(actorSeed),
            relayed,
            address(coop.registry),
            abi.encodeCall(coop.registry.submit, (poolId, Cids.inForm(form, digest))),
            expected
        );
        if (!done) return;
        if (!relayed) vm.assertEq(abi.decode(ret, (uint256)), id, "submit: id binds the digest to its contributor");
        (address contributor,,,) = coop.registry.contribution(id);
        vm.assertEq(contributor, who, "submit: credited to the signer, never the relayer");
        model.recordSubmitted(id, who, poolId);
        model.recordContent(id, digest);
    }

    /// @notice A contribution is revoked, by its contributor or (a quarter of the time) by
    /// someone else; what the contributor earned in the pool before stays earned.
    function revoke(uint256 callerSeed, uint256 idSeed, bool relayed) external {
        if (model.idCount() == 0) return;
        uint256 id = model.idAt(idSeed);
        CoopModel.Entry memory e = model.entry(id);
        uint256 callerKey = callerSeed % 4 == 0 ? Actors.contributorKey(callerSeed >> 2) : _keyOf(e.contributor);
        address caller = vm.addr(callerKey);

        bytes4 expected = OK;
        if (caller != e.contributor) {
            expected = IContributionRegistry.ContributionRegistryNotContributor.selector;
        } else if (e.status == IContributionRegistry.Status.REVOKED) {
            expected = IContributionRegistry.ContributionRegistryNotRevocable.selector;
        }

        uint256 earnedBefore = coop.distributor.earnedScaled(e.poolId, e.contributor);
        (bool done,) =
            _act(callerKey, relayed, address(coop.registry), abi.encodeCall(coop.registry.revoke, (id)), expected);
        if (!done) return;
        model.recordRevoked(id);
        vm.assertEq(
            coop.distributor.earnedScaled(e.poolId, e.contributor), earnedBefore, "revoke: earnings kept to the wei"
        );
    }

    /// @notice Anyone retires the work units of an account that is no longer a curator (it left,
    /// or rejoined in another class); a curator's are refused. Earnings so far stay earned.
    function retireCredits(uint256 callerSeed, uint256 accountSeed) external {
        address account = Actors.contributor(accountSeed);
        bool curator = _isCuratorActor(account) && model.statusOf(account) == WORKER_STATUS;
        bytes4 expected = curator ? IContributionRegistry.ContributionRegistryStillCurator.selector : OK;
        uint256 workPot = coop.distributor.WORK_POT();
        uint256 earnedBefore = coop.distributor.earnedScaled(workPot, account);
        bytes memory ret = _call(
            Actors.contributor(callerSeed),
            address(coop.registry),
            abi.encodeCall(coop.registry.retireCurationCredits, (account)),
            expected
        );
        if (expected != OK) return;
        uint256 units = model.workUnits(account);
        vm.assertEq(abi.decode(ret, (uint256)), units, "retire: all of the account's work units");
        vm.assertEq(coop.distributor.unitsOf(workPot, account), 0, "retire: none left");
        vm.assertEq(coop.distributor.earnedScaled(workPot, account), earnedBefore, "retire: earnings kept to the wei");
        model.removeWork(account, units);
    }

    /// @notice An earner claims one pot (a pool or the work pot) and gets exactly its claimable.
    function claim(uint256 actorSeed, uint256 potSeed, bool relayed) external {
        address who = Actors.contributor(actorSeed);
        uint256 pot = _pot(potSeed);
        uint256 expected = coop.distributor.claimable(pot, who);
        uint256 before = coop.usd.balanceOf(who);
        (bool done, bytes memory ret) = _act(
            Actors.contributorKey(actorSeed),
            relayed,
            address(coop.distributor),
            abi.encodeCall(coop.distributor.claim, (pot)),
            OK
        );
        if (!done) return;
        _checkPaid(who, ret, expected, before);
        vm.assertEq(coop.distributor.claimable(pot, who), 0, "claim: nothing left to claim");
    }

    /// @notice An earner claims every pot at once.
    function claimAll(uint256 actorSeed, bool relayed) external {
        address who = Actors.contributor(actorSeed);
        uint256[] memory pots = new uint256[](POOL_COUNT + 1);
        uint256 expected;
        for (uint256 i = 0; i < pots.length; ++i) {
            pots[i] = _pot(i);
            expected += coop.distributor.claimable(pots[i], who);
        }
        uint256 before = coop.usd.balanceOf(who);
        (bool done, bytes memory ret) = _act(
            Actors.contributorKey(actorSeed),
            relayed,
            address(coop.distributor),
            abi.encodeCall(coop.distributor.claimMany, (pots)),
            OK
        );
        if (!done) return;
        _checkPaid(who, ret, expected, before);
    }

    /// @notice A member leaves (a non-member's attempt is refused).
    function leave(uint256 actorSeed, bool relayed) external {
        address who = Actors.contributor(actorSeed);
        bytes4 expected = model.statusOf(who) == 0 ? IMembership.MembershipNotMember.selector : OK;
        (bool done,) = _act(
            Actors.contributorKey(actorSeed),
            relayed,
            address(coop.membership),
            abi.encodeCall(coop.membership.leave, ()),
            expected
        );
        if (done) model.recordLeft(who);
    }

    /// @dev Mostly fresh content; else content already registered (in any form, by this member:
    /// a duplicate, or by another: its own copy), or a batch leaf's content (a copy that must
    /// never block the leaf).
    function _pickDigest(uint256 seed) private returns (bytes32) {
        uint256 pick = seed % 8;
        if (pick == 0 && model.idCount() > 0) return model.contentAt(seed >> 3);
        uint256 batches = model.batchCount();
        if (pick == 1 && batches > 0) {
            CoopModel.BatchModel memory b = model.batchWithLeaves(1 + (seed >> 3) % batches);
            if (b.leaves.length > 0) return Cids.digestOf(b.leaves[(seed >> 16) % b.leaves.length].cid);
        }
        return model.freshDigest();
    }

    function _isCuratorActor(address account) private pure returns (bool) {
        for (uint256 i = 0; i < Actors.CURATOR_COUNT; ++i) {
            if (account == Actors.curator(i)) return true;
        }
        return false;
    }

    function _pot(uint256 seed) private view returns (uint256) {
        uint256 i = seed % (POOL_COUNT + 1);
        return i == POOL_COUNT ? coop.distributor.WORK_POT() : i + 1;
    }
}
