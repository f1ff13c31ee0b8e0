// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {Bounds} from "../utils/Bounds.sol";
import {Cids} from "../utils/Cids.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {Vm} from "../utils/Vm.sol";
import {GovernanceBounds} from "./GovernanceBounds.sol";
import {GovernanceCast} from "./GovernanceCast.sol";
import {GovernanceModel} from "./GovernanceModel.sol";

/// @title GovernanceHandler
/// @notice Proposers and voters of the governed cooperative (GovernanceCast: honest members of
/// the four classes, a colluding coalition with its sybils, lost keys, token holders). They
/// propose (setters within and out of their bounds, decoys, expel-only proposals, CURATOR_ROLE
/// grants and revocations, copies of others' proposals, forged descriptions), vote For, Against
/// or Abstain with any number of votes, queue, execute and cancel, join, leave, earn and forfeit
/// tokens, try governance's powers directly, and let time pass. Every call's outcome is predicted
/// from the model first, down to the revert data; any other outcome reverts the handler, which
/// `fail_on_revert` turns into a failed run. `honestMajorityExpels` plays the promise of
/// docs/governance.md: the honest members pass the expulsion of the lost keys on their own.
contract GovernanceHandler {
    /// @notice The call succeeded where the model expected `expected`.
    error GovernanceHandlerExpectedRevert(bytes expected);
    /// @notice The call reverted with `actual` where the model expected `expected`.
    error GovernanceHandlerWrongRevert(bytes expected, bytes actual);

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Enough for every lifecycle in a run of 128 calls, few enough for cheap invariants.
    uint256 internal constant MAX_PROPOSALS = 32;
    uint8 internal constant AGAINST = GovernanceCast.AGAINST;
    uint8 internal constant FOR = GovernanceCast.FOR;
    uint8 internal constant ABSTAIN = GovernanceCast.ABSTAIN;
    uint256 private constant _STEWARD_STATUS = uint256(IMembership.StakeholderClass.STEWARD) + 1;
    uint256 private constant _WORKER_STATUS = uint256(IMembership.StakeholderClass.WORKER) + 1;
    bytes32 private constant _VOUCHER_TYPEHASH =
        keccak256("Voucher(address member,uint8 stakeholderClass,uint256 nonce,uint256 expiry)");

    Cooperative internal coop;
    GovernanceModel internal immutable model;
    bytes32 private immutable _curatorRole;

    uint256 private _nonce;
    mapping(uint256 proposalId => uint256) private _indexPlusOne;
    mapping(address holder => uint256[] ids) private _held;
    mapping(uint256 contributionId => uint256) private _heldWeight;

    /// @dev One expulsion by the honest majority per run: it costs as much as a dozen calls.
    bool private _probed;

    constructor(Cooperative memory coop_, GovernanceModel model_) {
        coop = coop_;
        model = model_;
        _curatorRole = coop_.registry.CURATOR_ROLE();
    }

    /// @notice The actions the fuzzer may call.
    /// @dev Listed more than once: what carries a proposal through its life (forge picks each
    /// entry alike), so that passed proposals execute within a run.
    function selectors() external pure returns (bytes4[] memory s) {
        s = new bytes4[](21);
        s[0] = this.propose.selector;
        s[1] = this.propose.selector;
        s[2] = this.castVote.selector;
        s[3] = this.castVote.selector;
        s[4] = this.voteAsBloc.selector;
        s[5] = this.voteAsBloc.selector;
        s[6] = this.voteAsBloc.selector;
        s[7] = this.passTime.selector;
        s[8] = this.passTime.selector;
        s[9] = this.passTime.selector;
        s[10] = this.queue.selector;
        s[11] = this.queue.selector;
        s[12] = this.execute.selector;
        s[13] = this.execute.selector;
        s[14] = this.cancel.selector;
        s[15] = this.join.selector;
        s[16] = this.leave.selector;
        s[17] = this.earn.selector;
        s[18] = this.forfeit.selector;
        s[19] = this.honestMajorityExpels.selector;
        s[20] = this.bypassGovernance.selector;
    }

    // -- proposing ---------------------------------------------------------------------------

    /// @notice A member (or an outsider) proposes: a setter (a fifth of them out of bounds), a
    /// decoy, an expel-only proposal (sometimes naming more than a third, sometimes with a decoy
    /// added), a CURATOR_ROLE grant or revocation; or copies another's proposal word for word;
    /// or forges a description that lacks the suffix or names someone else.
    function propose(uint256 proposerSeed, uint256 kindSeed, uint256 valueSeed) external {
        if (model.proposalCount() >= MAX_PROPOSALS) return;
        address proposer = GovernanceCast.account(GovernanceCast.speaker(proposerSeed));
        uint256 pick = kindSeed % 16;
        if (pick >= 13) {
            _proposeCopy(proposer, pick, valueSeed);
            return;
        }
        (GovernanceModel.Core memory p, GovernanceModel.Effect memory e, GovernanceModel.Calls memory c) =
            _draft(pick, valueSeed);
        c.description = GovernanceCast.describe(string.concat("proposal ", vm.toString(++_nonce)), proposer);
        _propose(proposer, p, e, c, proposer);
    }

    function _proposeCopy(address proposer, uint256 pick, uint256 seed) private {
        GovernanceModel.Calls memory c;
        address suffixOwner;
        uint256 count = model.proposalCount();
        if (pick < 15 && count > 0) {
            uint256 index = seed % count;
            c = model.calls(index);
            suffixOwner = model.core(index).proposer;
        } else {
            (c.targets, c.values, c.calldatas) = _decoyCalls();
            suffixOwner = seed % 2 == 0 ? address(0) : GovernanceCast.account(GovernanceCast.speaker(seed >> 1));
            string memory text = string.concat("forged ", vm.toString(++_nonce));
            c.description = suffixOwner == address(0) ? text : GovernanceCast.describe(text, suffixOwner);
        }
        GovernanceModel.Core memory p;
        GovernanceModel.Effect memory e;
        p.kind = GovernanceModel.Kind.DECOY;
        _propose(proposer, p, e, c, suffixOwner);
    }

    /// @dev Proposes `c` as `proposer` (its description's suffix names `suffixOwner`, 0 for
    /// none) and records it; returns whether it was made and its index.
    function _propose(
        address proposer,
        GovernanceModel.Core memory p,
        GovernanceModel.Effect memory e,
        GovernanceModel.Calls memory c,
        address suffixOwner
    ) internal returns (bool made, uint256 index) {
        uint256 id = _proposalId(c);
        bytes memory expected = _proposeRefusal(proposer, id, suffixOwner);
        bytes memory ret = _call(
            proposer,
            address(coop.governor),
            abi.encodeCall(IGovernor.propose, (c.targets, c.values, c.calldatas, c.description)),
            expected
        );
        if (expected.length != 0) return (false, 0);
        vm.assertEq(abi.decode(ret, (uint256)), id, "propose: the id hashes the calls and the description");

        GovernanceModel.Params memory params = model.params();
        GovernanceModel.Rules memory r;
        p.id = id;
        p.proposer = proposer;
        p.created = uint48(block.timestamp);
        p.snapshot = uint48(block.timestamp + params.votingDelay);
        p.voteEnd = uint48(p.snapshot + params.votingPeriod);
        r.weights = params.weights;
        r.quorums = params.quorums;
        if (p.expelOnly) (p.relief, r.excluded) = _relief(e.named);
        _checkProposed(p, r);
        index = model.addProposal(p, r, e, c);
        _indexPlusOne[id] = index + 1;
        return (true, index);
    }

    function _proposeRefusal(address proposer, uint256 id, address suffixOwner) private view returns (bytes memory) {
        uint256 t = block.timestamp - 1;
        uint256 status = model.statusAt(proposer, t);
        if (status == 0) {
            return abi.encodeWithSelector(ICoopGovernor.CoopGovernorProposerNotMember.selector, proposer, t);
        }
        uint256 threshold = model.params().threshold;
        if (threshold > 0 && status != _STEWARD_STATUS) {
            uint256 tokens = model.tokensAt(proposer, t);
            if (tokens < threshold) {
                return abi.encodeWithSelector(
                    IGovernor.GovernorInsufficientProposerVotes.selector, proposer, tokens, threshold
                );
            }
        }
        if (suffixOwner != proposer) {
            return abi.encodeWithSelector(IGovernor.GovernorRestrictedProposer.selector, proposer);
        }
        uint256 existing = _indexPlusOne[id];
        if (existing != 0) {
            return abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector, id, model.state(existing - 1), bytes32(0)
            );
        }
        return "";
    }

    /// @dev The governor's record of a new proposal is the model's.
    function _checkProposed(GovernanceModel.Core memory p, GovernanceModel.Rules memory r) private view {
        vm.assertEq(coop.governor.proposalSnapshot(p.id), p.snapshot, "propose: snapshot after the voting delay");
        vm.assertEq(coop.governor.proposalDeadline(p.id), p.voteEnd, "propose: deadline after the voting period");
        vm.assertEq(coop.governor.proposalProposer(p.id), p.proposer, "propose: the proposer");
        uint256[4] memory excluded = coop.governor.proposalQuorumExclusions(p.id);
        (uint16[4] memory weights, uint16[4] memory quorums) = coop.governor.proposalClassRules(p.id);
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(excluded[c], r.excluded[c], "propose: the named members leave their class's quorum");
            vm.assertEq(weights[c], r.weights[c], "propose: class weights copied");
            vm.assertEq(quorums[c], r.quorums[c], "propose: class quorums copied");
        }
    }

    /// @dev An expel-only proposal's relief, read a second before it: the named members active
    /// then, per class, unless they are none or more than a third of the membership (at least 1).
    function _relief(address[] memory named) private view returns (bool relief, uint256[4] memory excluded) {
        uint256 t = block.timestamp - 1;
        uint256 count;
        for (uint256 k = 0; k < named.length; ++k) {
            uint256 status = model.statusAt(named[k], t);
            if (status == 0) continue;
            ++count;
            ++excluded[status - 1];
        }
        uint256 most = model.totalAt(t) / 3;
        relief = count != 0 && count <= (most == 0 ? 1 : most);
        if (!relief) delete excluded;
    }

    /// @dev A proposal of kind `pick` (0-7 setter, 8 decoy, 9-11 expel, 12 role).
    function _draft(uint256 pick, uint256 seed)
        private
        view
        returns (GovernanceModel.Core memory p, GovernanceModel.Effect memory e, GovernanceModel.Calls memory c)
    {
        if (pick < 8) {
            p.kind = GovernanceModel.Kind.SETTER;
            address target;
            bytes memory data;
            (e.setter, e.value, e.setterValues, target, data) = _setterDraft(seed);
            p.outOfBounds = GovernanceBounds.refusal(e.setter, e.value, e.setterValues).length != 0;
            (c.targets, c.values, c.calldatas) = GovernanceCast.oneCall(target, data);
        } else if (pick < 9) {
            p.kind = GovernanceModel.Kind.DECOY;
            (c.targets, c.values, c.calldatas) = _decoyCalls();
        } else if (pick < 12) {
            p.kind = GovernanceModel.Kind.EXPEL;
            (e.named, p.expelOnly, c.targets, c.values, c.calldatas) = _expelDraft(seed);
        } else {
            p.kind = GovernanceModel.Kind.ROLE;
            e.roleAccount = GovernanceCast.account(GovernanceCast.curator(seed));
            e.grant = (seed >> 1) % 2 == 0;
            bytes memory data = e.grant
                ? abi.encodeCall(IAccessControl.grantRole, (_curatorRole, e.roleAccount))
                : abi.encodeCall(IAccessControl.revokeRole, (_curatorRole, e.roleAccount));
            (c.targets, c.values, c.calldatas) = GovernanceCast.oneCall(address(coop.registry), data);
        }
    }

    /// @dev One setter: its value at a bound (mode 0), out of bounds (mode 1), or ordinary.
    function _setterDraft(uint256 seed)
        private
        view
        returns (
            GovernanceModel.Setter setter,
            uint256 value,
            uint16[4] memory values,
            address target,
            bytes memory data
        )
    {
        setter = GovernanceModel.Setter(seed % 10);
        uint256 mode = (seed >> 4) % 5;
        bool high = (seed >> 8) % 2 == 1;
        uint256 r = seed >> 9;
        target = address(coop.governor);
        if (setter == GovernanceModel.Setter.WEIGHTS) {
            values = _weightsDraft(mode, r);
            data = abi.encodeCall(ICoopGovernor.setClassWeights, (values));
        } else if (setter == GovernanceModel.Setter.QUORUMS) {
            values = _quorumsDraft(mode, r);
            data = abi.encodeCall(ICoopGovernor.setClassQuorums, (values));
        } else {
            (uint256 lo, uint256 hi, uint256 ordinary) = _scalarRange(setter);
            value = _scalarDraft(mode, high, r, lo, hi, ordinary);
            (target, data) = _setterCall(setter, value);
        }
    }

    /// @dev The bounds of a scalar setting and the top of its ordinary values (kept small so
    /// that lifecycles fit in a run).
    function _scalarRange(GovernanceModel.Setter setter)
        private
        pure
        returns (uint256 lo, uint256 hi, uint256 ordinary)
    {
        if (setter == GovernanceModel.Setter.VOTING_DELAY) {
            return (0, GovernanceBounds.MAX_VOTING_DELAY, 600);
        }
        if (setter == GovernanceModel.Setter.VOTING_PERIOD) {
            return (GovernanceBounds.MIN_VOTING_PERIOD, GovernanceBounds.MAX_VOTING_PERIOD, 3_600);
        }
        if (setter == GovernanceModel.Setter.THRESHOLD) return (0, GovernanceBounds.MAX_THRESHOLD, 20);
        if (setter == GovernanceModel.Setter.EXTENSION) return (0, GovernanceBounds.MAX_VOTE_EXTENSION, 600);
        if (setter == GovernanceModel.Setter.BASE_CREDITS) {
            return (GovernanceBounds.MIN_BASE_CREDITS, GovernanceBounds.MAX_BASE_CREDITS, 400);
        }
        if (setter == GovernanceModel.Setter.TOKEN_CAP) return (0, GovernanceBounds.MAX_TOKEN_CAP, 400);
        if (setter == GovernanceModel.Setter.EPOCH_LENGTH) {
            return (GovernanceBounds.MIN_EPOCH_LENGTH, GovernanceBounds.MAX_EPOCH_LENGTH, 3 days);
        }
        return (0, GovernanceBounds.MAX_TIMELOCK_DELAY, 600);
    }

    function _scalarDraft(uint256 mode, bool high, uint256 r, uint256 lo, uint256 hi, uint256 ordinary)
        private
        pure
        returns (uint256)
    {
        if (mode == 0) return high ? hi : lo;
        if (mode == 1) return high || lo == 0 ? hi + 1 + r % 1_000 : lo - 1 - r % lo;
        return Bounds.bound(r, lo, ordinary);
    }

    function _setterCall(GovernanceModel.Setter setter, uint256 value) private view returns (address, bytes memory) {
        address g = address(coop.governor);
        if (setter == GovernanceModel.Setter.VOTING_DELAY) {
            return (g, abi.encodeCall(coop.governor.setVotingDelay, (uint48(value))));
        }
        if (setter == GovernanceModel.Setter.VOTING_PERIOD) {
            return (g, abi.encodeCall(coop.governor.setVotingPeriod, (uint32(value))));
        }
        if (setter == GovernanceModel.Setter.THRESHOLD) {
            return (g, abi.encodeCall(coop.governor.setProposalThreshold, (value)));
        }
        if (setter == GovernanceModel.Setter.EXTENSION) {
            return (g, abi.encodeCall(coop.governor.setLateQuorumVoteExtension, (uint48(value))));
        }
        if (setter == GovernanceModel.Setter.BASE_CREDITS) {
            return (g, abi.encodeCall(ICoopGovernor.setBaseCredits, (uint128(value))));
        }
        if (setter == GovernanceModel.Setter.TOKEN_CAP) {
            return (g, abi.encodeCall(ICoopGovernor.setTokenCreditCap, (value)));
        }
        if (setter == GovernanceModel.Setter.EPOCH_LENGTH) {
            return (g, abi.encodeCall(ICoopGovernor.setEpochLength, (uint32(value))));
        }
        return (address(coop.timelock), abi.encodeCall(TimelockController.updateDelay, (value)));
    }

    /// @dev Class weights: at the bounds, out of them (a weight of 499 or 7 001, or a sum off by
    /// one), or any valid split.
    function _weightsDraft(uint256 mode, uint256 r) private pure returns (uint16[4] memory w) {
        if (mode == 0) {
            w = r % 2 == 0 ? [uint16(7_000), 1_000, 1_000, 1_000] : [uint16(500), 500, 2_000, 7_000];
        } else if (mode == 1) {
            uint256 flaw = r % 4;
            if (flaw == 0) w = [uint16(499), 3_167, 3_167, 3_167];
            else if (flaw == 1) w = [uint16(7_001), 1_000, 1_000, 999];
            else if (flaw == 2) w = [uint16(2_500), 2_500, 2_500, 2_499];
            else w = [uint16(2_500), 2_500, 2_500, 2_501];
        } else {
            // Each 500 plus a share of the other 8 000, at most 6 500 of it.
            uint256 a = Bounds.bound(r, 0, 6_500);
            uint256 b = Bounds.bound(r >> 16, 0, Math.min(6_500, 8_000 - a));
            uint256 rest = 8_000 - a - b;
            uint256 cShare = Bounds.bound(r >> 32, rest > 6_500 ? rest - 6_500 : 0, Math.min(6_500, rest));
            w = [uint16(500 + a), uint16(500 + b), uint16(500 + cShare), uint16(500 + rest - cShare)];
        }
        return _rotate(w, r >> 48);
    }

    /// @dev Class quorums: all at a bound, one of them 5 001, or any within bounds.
    function _quorumsDraft(uint256 mode, uint256 r) private pure returns (uint16[4] memory q) {
        for (uint256 c = 0; c < 4; ++c) {
            q[c] = uint16(Bounds.bound(r >> (16 * c), 0, GovernanceBounds.MAX_CLASS_QUORUM));
        }
        if (mode == 0) {
            uint16 at = r % 2 == 0 ? 0 : uint16(GovernanceBounds.MAX_CLASS_QUORUM);
            q = [at, at, at, at];
        } else if (mode == 1) {
            q[(r >> 64) % 4] = uint16(GovernanceBounds.MAX_CLASS_QUORUM + 1);
        }
    }

    function _rotate(uint16[4] memory w, uint256 by) private pure returns (uint16[4] memory out) {
        for (uint256 c = 0; c < 4; ++c) {
            out[c] = w[(c + by) % 4];
        }
    }

    /// @dev Expulsions: a silent member, one or two of anyone (members or not, repeats
    /// possible), or more than a third of the membership; one time in four with a decoy
    /// appended, which makes the proposal more than expel-only.
    function _expelDraft(uint256 seed)
        private
        view
        returns (
            address[] memory named,
            bool expelOnly,
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas
        )
    {
        uint256 mode = seed % 4;
        uint256 count = mode == 3 ? model.totalNow() / 3 + 1 : (mode == 0 ? 1 : mode);
        named = new address[](count);
        for (uint256 k = 0; k < count; ++k) {
            uint256 i = mode == 0
                ? GovernanceCast.silentMember(seed >> 2)
                : (mode == 3 ? (seed >> 2) + k : seed >> (8 * k + 2));
            named[k] = GovernanceCast.account(i);
        }
        expelOnly = (seed >> 40) % 4 != 0;
        (targets, values, calldatas) = _expelCalls(named, expelOnly);
    }

    /// @dev One `expel` call per named member, in order, and a decoy after them unless
    /// `expelOnly`.
    function _expelCalls(address[] memory named, bool expelOnly)
        private
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        uint256 count = named.length;
        uint256 n = expelOnly ? count : count + 1;
        targets = new address[](n);
        values = new uint256[](n);
        calldatas = new bytes[](n);
        for (uint256 k = 0; k < count; ++k) {
            targets[k] = address(coop.membership);
            calldatas[k] = abi.encodeCall(IMembership.expel, (named[k]));
        }
        if (!expelOnly) {
            targets[count] = address(coop.governor);
            calldatas[count] = abi.encodeCall(ICoopGovernor.tokenCreditCap, ());
        }
    }

    /// @dev A proposal that does nothing: it reads the token credit cap.
    function _decoyCalls() private view returns (address[] memory, uint256[] memory, bytes[] memory) {
        return GovernanceCast.oneCall(address(coop.governor), abi.encodeCall(ICoopGovernor.tokenCreditCap, ()));
    }

    // -- voting ------------------------------------------------------------------------------

    /// @notice A member (or an outsider) votes For, Against or Abstain (or with an invalid
    /// support) on a proposal (mostly an active one, or a pending one it waits for): one vote by
    /// castVote, castVoteWithReason or params, as many as its credits buy, one too many, a few,
    /// zero, 2⁶⁴ or more, or malformed params.
    function castVote(uint256 voterSeed, uint256 proposalSeed, uint256 supportSeed, uint256 votesSeed) external {
        if (model.proposalCount() == 0) return;
        uint256 index = _pickVotable(proposalSeed);
        uint256 who = GovernanceCast.speaker(voterSeed);
        uint8 support = supportSeed % 16 == 15 ? 3 : uint8(supportSeed % 3);
        uint256 style = votesSeed % 8;
        uint256 votes = 1;
        if (style >= 3) {
            uint256 affordable = _affordable(index, GovernanceCast.account(who));
            uint256 r = votesSeed >> 3;
            if (style == 3) votes = affordable;
            else if (style == 4) votes = affordable + 1;
            else if (style == 5) votes = Bounds.bound(r, 1, 6);
            else if (style == 6) votes = r % 2 == 0 ? 0 : 1; // with style 6's malformed params when 1
            else votes = r % 2 == 0 ? uint256(type(uint64).max) + 1 : type(uint256).max;
        }
        _vote(index, who, support, votes, style);
    }

    /// @notice A bloc votes alike on an active proposal: the honest members (half the time,
    /// mostly For), the coalition and its sybils, or one class (For half the time, else Against
    /// or Abstain); each member of it who was one at the snapshot and has not voted casts one
    /// vote, or as many as its credits buy.
    function voteAsBloc(uint256 proposalSeed, uint256 blocSeed, uint256 supportSeed, uint256 votesSeed) external {
        if (model.proposalCount() == 0) return;
        uint256 index = _pickVotable(proposalSeed);
        if (model.state(index) != IGovernor.ProposalState.Active) return;
        uint256 bloc = blocSeed % 4 < 2 ? 0 : (blocSeed % 4 == 2 ? 1 : 2 + (blocSeed >> 2) % 4);
        uint256 pick = supportSeed % (bloc == 0 ? 8 : 4);
        uint8 support = pick == 0 ? AGAINST : (pick == 1 ? ABSTAIN : FOR);
        for (uint256 k = 0; k < GovernanceCast.SPEAKER_COUNT; ++k) {
            address voter = GovernanceCast.account(GovernanceCast.speaker(k));
            if (!_inBloc(index, GovernanceCast.speaker(k), voter, bloc)) continue;
            _vote(
                index, GovernanceCast.speaker(k), support, (votesSeed >> k) % 2 == 0 ? 1 : _affordable(index, voter), 2
            );
        }
    }

    /// @dev Bloc 0 the honest members, 1 the coalition and its sybils, 2 + c class c; of those,
    /// who were members at the snapshot and have not voted.
    function _inBloc(uint256 index, uint256 i, address voter, uint256 bloc) private view returns (bool) {
        uint256 status = model.statusAt(voter, model.core(index).snapshot);
        if (status == 0 || model.voted(index, voter)) return false;
        if (bloc == 0) return GovernanceCast.role(i) == GovernanceCast.Role.HONEST;
        if (bloc == 1) return GovernanceCast.colludes(i);
        return status - 1 == bloc - 2;
    }

    /// @dev The most votes `voter` can pay for on the proposal with what it has left (at least one).
    function _affordable(uint256 index, address voter) private view returns (uint256) {
        uint256 snapshot = model.core(index).snapshot;
        if (snapshot >= block.timestamp) return 1;
        (uint256 epoch,,) = model.epochOf(snapshot);
        uint256 left = model.remaining(voter, epoch, model.budget(voter, snapshot));
        uint256 votes = Math.sqrt(left);
        return votes == 0 ? 1 : votes;
    }

    /// @dev Casts `votes` as cast member `who`: style 0 castVote, 1 castVoteWithReason (both one
    /// vote), 6 with `votes` = 1 malformed params, else castVoteWithReasonAndParams.
    function _vote(uint256 index, uint256 who, uint8 support, uint256 votes, uint256 style) internal returns (bool) {
        address voter = GovernanceCast.account(who);
        uint256 id = model.core(index).id;
        bool malformed = style == 6 && votes == 1;
        VoteCheck memory v = _voteCheck(index, voter, support, votes, malformed);
        bytes memory ret =
            _call(voter, address(coop.governor), _ballotCall(id, support, votes, style, malformed), v.expected);
        if (v.expected.length != 0) return false;
        vm.assertEq(abi.decode(ret, (uint256)), votes, "vote: n votes counted");
        model.recordVote(
            index,
            GovernanceModel.Ballot({
                voter: voter,
                classIndex: v.status - 1,
                support: support,
                votes: votes,
                colludes: GovernanceCast.colludes(who),
                cost: votes * votes > v.remaining ? v.remaining : votes * votes,
                budget: v.budget
            })
        );
        vm.assertEq(coop.governor.creditsSpent(voter, v.epoch), model.spent(voter, v.epoch), "vote: n^2 charged");
        vm.assertTrue(coop.governor.hasVoted(id, voter), "vote: recorded");
        _checkClassTally(index, id, v.status - 1);
        return true;
    }

    /// @dev The governor's tally of the voter's class is the model's.
    function _checkClassTally(uint256 index, uint256 id, uint256 classIndex) private view {
        GovernanceModel.Tally memory t = model.tally(index);
        (uint256 f, uint256 a, uint256 abstain, uint256 voters,,) =
            coop.governor.proposalClassTally(id, IMembership.StakeholderClass(classIndex));
        vm.assertEq(f, t.forVotes[classIndex], "vote: For");
        vm.assertEq(a, t.againstVotes[classIndex], "vote: Against");
        vm.assertEq(abstain, t.abstainVotes[classIndex], "vote: Abstain");
        vm.assertEq(voters, t.voters[classIndex], "vote: voters");
    }

    function _ballotCall(uint256 id, uint8 support, uint256 votes, uint256 style, bool malformed)
        private
        pure
        returns (bytes memory)
    {
        if (style == 0) return abi.encodeCall(IGovernor.castVote, (id, support));
        if (style == 1) return abi.encodeCall(IGovernor.castVoteWithReason, (id, support, "because"));
        bytes memory params = malformed ? bytes(hex"01") : abi.encode(votes);
        return abi.encodeCall(IGovernor.castVoteWithReasonAndParams, (id, support, "", params));
    }

    /// @dev What a vote needs: the voter's status, budget and credits left in the snapshot's
    /// epoch, and the revert data the governor must give (empty: none).
    struct VoteCheck {
        uint256 status;
        uint256 epoch;
        uint256 budget;
        uint256 remaining;
        bytes expected;
    }

    function _voteCheck(uint256 index, address voter, uint8 support, uint256 votes, bool malformed)
        private
        view
        returns (VoteCheck memory v)
    {
        GovernanceModel.Core memory p = model.core(index);
        IGovernor.ProposalState s = model.state(index);
        if (s != IGovernor.ProposalState.Active) {
            v.expected = _unexpectedState(p.id, s, _bit(IGovernor.ProposalState.Active));
            return v;
        }
        v.status = model.statusAt(voter, p.snapshot);
        (v.epoch,,) = model.epochOf(p.snapshot);
        v.budget = model.budget(voter, p.snapshot);
        v.remaining = model.remaining(voter, v.epoch, v.budget);
        vm.assertEq(coop.governor.getVotes(voter, p.snapshot), v.budget, "vote: base + min(start, snapshot, cap)");
        if (malformed) {
            v.expected = abi.encodeWithSelector(IGovernor.GovernorInvalidVoteParams.selector);
        } else if (votes == 0) {
            v.expected = abi.encodeWithSelector(ICoopGovernor.CoopGovernorZeroVotes.selector, p.id, voter);
        } else if (support > 2) {
            v.expected = abi.encodeWithSelector(IGovernor.GovernorInvalidVoteType.selector);
        } else if (v.status == 0) {
            v.expected = abi.encodeWithSelector(ICoopGovernor.CoopGovernorVoterNotMember.selector, voter, p.snapshot);
        } else if (model.voted(index, voter)) {
            v.expected = abi.encodeWithSelector(ICoopGovernor.CoopGovernorDoubleVote.selector, p.id, voter);
        } else if (votes > type(uint64).max) {
            v.expected = _insufficient(voter, v.epoch, type(uint256).max, v.remaining);
        } else if (votes != 1 && votes * votes > v.remaining) {
            v.expected = _insufficient(voter, v.epoch, votes * votes, v.remaining);
        }
    }

    function _insufficient(address voter, uint256 epoch, uint256 cost, uint256 remaining)
        private
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            ICoopGovernor.CoopGovernorInsufficientCredits.selector, voter, epoch, cost, remaining
        );
    }

    // -- the timelock ------------------------------------------------------------------------

    /// @notice Anyone queues a proposal (mostly one that succeeded).
    function queue(uint256 proposalSeed, uint256 callerSeed) external {
        if (model.proposalCount() == 0) return;
        _queue(_pickProposal(proposalSeed, IGovernor.ProposalState.Succeeded), GovernanceCast.account(callerSeed));
    }

    function _queue(uint256 index, address caller) internal returns (bool) {
        uint256 id = model.core(index).id;
        IGovernor.ProposalState s = model.state(index);
        bytes memory expected = s == IGovernor.ProposalState.Succeeded
            ? bytes("")
            : _unexpectedState(id, s, _bit(IGovernor.ProposalState.Succeeded));
        _callOnProposal(caller, IGovernor.queue.selector, model.calls(index), expected);
        if (expected.length != 0) return false;
        uint256 eta = block.timestamp + model.timelockDelay();
        vm.assertEq(coop.governor.proposalEta(id), eta, "queue: eta after the timelock's delay");
        model.recordQueued(index, eta);
        return true;
    }

    /// @notice Anyone executes a proposal (mostly a queued one): before its eta, unqueued, or in
    /// the wrong state it is refused; a setter out of bounds, an expulsion of a non-member or of
    /// the last member reverts inside the timelock with the setter's own error.
    function execute(uint256 proposalSeed, uint256 callerSeed) external {
        if (model.proposalCount() == 0) return;
        _execute(_pickProposal(proposalSeed, IGovernor.ProposalState.Queued), GovernanceCast.account(callerSeed));
    }

    function _execute(uint256 index, address caller) internal returns (bool) {
        GovernanceModel.Calls memory c = model.calls(index);
        GovernanceModel.Core memory p = model.core(index);
        GovernanceModel.Effect memory e = model.effect(index);
        bytes memory expected = _executeRefusal(index, p, e, c);
        _callOnProposal(caller, IGovernor.execute.selector, c, expected);
        if (expected.length != 0) return false;
        vm.assertFalse(p.outOfBounds, "execute: never a setter out of bounds");
        _applyEffects(p.kind, e);
        model.recordExecuted(index);
        return true;
    }

    function _executeRefusal(
        uint256 index,
        GovernanceModel.Core memory p,
        GovernanceModel.Effect memory e,
        GovernanceModel.Calls memory c
    ) private view returns (bytes memory) {
        IGovernor.ProposalState s = model.state(index);
        if (s != IGovernor.ProposalState.Succeeded && s != IGovernor.ProposalState.Queued) {
            return
                _unexpectedState(
                    p.id, s, _bit(IGovernor.ProposalState.Succeeded) | _bit(IGovernor.ProposalState.Queued)
                );
        }
        if (s == IGovernor.ProposalState.Succeeded || p.eta > block.timestamp) {
            bytes32 salt = bytes20(address(coop.governor)) ^ keccak256(bytes(c.description));
            bytes32 operation = keccak256(abi.encode(c.targets, c.values, c.calldatas, bytes32(0), salt));
            return abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operation,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            );
        }
        if (p.kind == GovernanceModel.Kind.SETTER) return GovernanceBounds.refusal(e.setter, e.value, e.setterValues);
        if (p.kind == GovernanceModel.Kind.EXPEL) return _expelRefusal(e.named);
        return "";
    }

    /// @dev The expulsions in order: each must name a member still there, never the last.
    function _expelRefusal(address[] memory named) private view returns (bytes memory) {
        uint256 total = model.totalNow();
        for (uint256 k = 0; k < named.length; ++k) {
            bool gone = model.statusNow(named[k]) == 0;
            for (uint256 j = 0; j < k && !gone; ++j) {
                gone = named[j] == named[k];
            }
            if (gone) return abi.encodeWithSelector(IMembership.MembershipNotMember.selector, named[k]);
            if (--total == 0) return abi.encodeWithSelector(IMembership.MembershipLastMember.selector, named[k]);
        }
        return "";
    }

    function _applyEffects(GovernanceModel.Kind kind, GovernanceModel.Effect memory e) private {
        if (kind == GovernanceModel.Kind.SETTER) {
            model.applySetter(e.setter, e.value, e.setterValues);
        } else if (kind == GovernanceModel.Kind.EXPEL) {
            for (uint256 k = 0; k < e.named.length; ++k) {
                model.recordStatus(e.named[k], 0);
            }
        } else if (kind == GovernanceModel.Kind.ROLE) {
            model.setCurator(e.roleAccount, e.grant);
        }
    }

    /// @notice The proposer cancels its pending proposal; anyone else, even holding the very
    /// same description, is refused, and so is the proposer once voting has begun.
    function cancel(uint256 proposalSeed, uint256 callerSeed) external {
        if (model.proposalCount() == 0) return;
        uint256 index = _pickProposal(proposalSeed, IGovernor.ProposalState.Pending);
        GovernanceModel.Core memory p = model.core(index);
        address caller =
            callerSeed % 4 == 0 ? p.proposer : GovernanceCast.account(GovernanceCast.speaker(callerSeed >> 2));
        bytes memory expected = model.state(index) == IGovernor.ProposalState.Pending && caller == p.proposer
            ? bytes("")
            : abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, p.id, caller);
        _callOnProposal(caller, IGovernor.cancel.selector, model.calls(index), expected);
        if (expected.length == 0) model.recordCanceled(index, caller);
    }

    // -- members and tokens ------------------------------------------------------------------

    /// @notice A newcomer (or a founder who left) joins by voucher in any class, relayed by
    /// anyone, within the day's voucher limit of the class.
    function join(uint256 whoSeed, uint256 classSeed) external {
        uint256 i = whoSeed % 4 != 0
            ? GovernanceCast.FIRST_NEWCOMER + (whoSeed >> 2) % 4
            : GovernanceCast.speaker(whoSeed >> 2);
        address who = GovernanceCast.account(i);
        uint256 classIndex = classSeed % 4;
        IMembership.Voucher memory voucher = IMembership.Voucher({
            member: who,
            stakeholderClass: IMembership.StakeholderClass(classIndex),
            nonce: ++_nonce,
            expiry: block.timestamp + 1 days
        });
        bytes memory expected;
        if (model.vouchersUsedToday(classIndex) >= GovernanceCast.VOUCHERS_PER_DAY) {
            expected = abi.encodeWithSelector(
                IMembership.MembershipVoucherLimitReached.selector,
                voucher.stakeholderClass,
                block.timestamp / 1 days,
                GovernanceCast.VOUCHERS_PER_DAY
            );
        } else if (model.statusNow(who) != 0) {
            expected = abi.encodeWithSelector(IMembership.MembershipAlreadyMember.selector, who);
        }
        _call(
            GovernanceCast.account(classSeed >> 2),
            address(coop.membership),
            abi.encodeCall(IMembership.join, (voucher, _signVoucher(voucher))),
            expected
        );
        if (expected.length != 0) return;
        model.recordStatus(who, classIndex + 1);
        model.recordVoucher(classIndex);
    }

    /// @notice A member leaves (a non-member's attempt is refused); lost keys never do.
    function leave(uint256 whoSeed) external {
        address who = GovernanceCast.account(GovernanceCast.speaker(whoSeed));
        bytes memory expected = model.statusNow(who) == 0
            ? abi.encodeWithSelector(IMembership.MembershipNotMember.selector, who)
            : bytes("");
        _call(who, address(coop.membership), abi.encodeCall(IMembership.leave, ()), expected);
        if (expected.length == 0) model.recordStatus(who, 0);
    }

    /// @notice A token holder submits fresh content and a curator candidate accepts it: without
    /// CURATOR_ROLE, or no longer an active worker, the curator is refused.
    function earn(uint256 holderSeed, uint256 curatorSeed, uint256 weightSeed) external {
        address holder = GovernanceCast.account(GovernanceCast.holder(holderSeed));
        address curator = GovernanceCast.account(GovernanceCast.curator(curatorSeed));
        bytes memory cid = Cids.inForm(Cids.Form.V0, keccak256(abi.encode("lumbung.governance.earn", ++_nonce)));
        bytes memory expected = model.statusNow(holder) == 0
            ? abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotMember.selector, holder)
            : bytes("");
        bytes memory ret = _call(
            holder,
            address(coop.registry),
            abi.encodeCall(IContributionRegistry.submit, (GovernanceCast.POOL_ID, cid)),
            expected
        );
        if (expected.length != 0) return;
        uint256 id = abi.decode(ret, (uint256));
        uint256 weight = Bounds.bound(weightSeed, 1, GovernanceCast.POOL_MAX_WEIGHT);
        expected = _acceptRefusal(curator);
        _call(
            curator,
            address(coop.registry),
            abi.encodeCall(IContributionRegistry.accept, (id, uint48(weight))),
            expected
        );
        if (expected.length != 0) return;
        _held[holder].push(id);
        _heldWeight[id] = weight;
        model.recordTokens(holder, model.tokensNow(holder) + weight);
        vm.assertEq(coop.token.getVotes(holder), model.tokensNow(holder), "earn: votes = accepted weight");
    }

    function _acceptRefusal(address curator) private view returns (bytes memory) {
        if (!model.isCurator(curator)) {
            return
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, curator, _curatorRole);
        }
        uint256 status = model.statusNow(curator);
        if (status != _WORKER_STATUS) {
            return abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryCuratorNotWorker.selector,
                curator,
                status != 0,
                IMembership.StakeholderClass(status == 0 ? 0 : status - 1)
            );
        }
        return "";
    }

    /// @notice A holder revokes its latest accepted contribution: its tokens burn.
    function forfeit(uint256 holderSeed) external {
        address holder = GovernanceCast.account(GovernanceCast.holder(holderSeed));
        uint256[] storage held = _held[holder];
        if (held.length == 0) return;
        uint256 id = held[held.length - 1];
        held.pop();
        _call(holder, address(coop.registry), abi.encodeCall(IContributionRegistry.revoke, (id)), "");
        model.recordTokens(holder, model.tokensNow(holder) - _heldWeight[id]);
        vm.assertEq(coop.token.getVotes(holder), model.tokensNow(holder), "forfeit: the tokens burn");
    }

    /// @notice Nobody holds governance's powers directly: a governor setter, an expulsion and
    /// the timelock's delay are refused to anyone calling them outside a proposal.
    function bypassGovernance(uint256 callerSeed, uint256 whichSeed) external {
        address caller = GovernanceCast.account(callerSeed);
        uint256 which = whichSeed % 3;
        if (which == 0) {
            _call(
                caller,
                address(coop.governor),
                abi.encodeCall(coop.governor.setVotingDelay, (0)),
                abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller)
            );
        } else if (which == 1) {
            _call(
                caller,
                address(coop.membership),
                abi.encodeCall(IMembership.expel, (GovernanceCast.account(whichSeed >> 2))),
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, bytes32(0))
            );
        } else {
            _call(
                caller,
                address(coop.timelock),
                abi.encodeCall(TimelockController.updateDelay, (0)),
                abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, caller)
            );
        }
    }

    // -- time --------------------------------------------------------------------------------

    /// @notice Time passes: mostly to the next moment a proposal moves on (its opening, the end
    /// of its vote, its eta), else a little, to the next epoch, or up to two days (the long
    /// steps end every vote under way, so they are the rarer).
    function passTime(uint256 modeSeed, uint256 secondsSeed) external {
        uint256 mode = modeSeed % 20;
        uint256 target = block.timestamp + Bounds.bound(secondsSeed, 1, 120);
        if (mode < 14) {
            uint256 next = model.nextEvent();
            if (next != 0) target = next;
        } else if (mode == 18) {
            (, uint256 start,) = model.epochOf(block.timestamp);
            target = start + model.epochRulesAt(block.timestamp).length + secondsSeed % 2;
        } else if (mode == 19) {
            target = block.timestamp + Bounds.bound(secondsSeed, 1, 2 days);
        }
        _warp(target);
    }

    /// @dev Moves the clock to `target` (at least a second on) and the block number one on.
    function _warp(uint256 target) internal {
        vm.warp(target > block.timestamp ? target : block.timestamp + 1);
        (bool ok,) = address(vm).call(abi.encodeWithSignature("roll(uint256)", block.number + 1));
        vm.assertTrue(ok, "roll");
    }

    // -- the honest majority -----------------------------------------------------------------

    /// @notice The honest members propose to expel every silent member (lost keys and silent
    /// joiners), each voting For with all the votes its credits buy, while the coalition and its
    /// sybils vote Against with all theirs. When the expulsion names at most a third of the
    /// membership and the honest For outweighs the Against in every class that counts, it must
    /// pass and execute: the silent members cannot hold a quorum hostage. Once per run, at a
    /// moment the fuzzer picks (one call in four that lands here).
    function honestMajorityExpels(uint256 proposerSeed) external {
        if (_probed || proposerSeed % 4 != 0 || model.proposalCount() >= MAX_PROPOSALS) return;
        proposerSeed >>= 2;
        _warp(block.timestamp + 1); // what is so now is so a second before the proposal
        address[] memory lost = _silentMembers();
        uint256 most = model.totalNow() / 3;
        if (lost.length == 0 || lost.length > (most == 0 ? 1 : most)) return;
        (bool found, address proposer) = _honestProposer(proposerSeed);
        if (!found) return;

        GovernanceModel.Core memory p;
        GovernanceModel.Effect memory e;
        GovernanceModel.Calls memory c;
        p.kind = GovernanceModel.Kind.EXPEL;
        e.named = lost;
        p.expelOnly = true;
        (c.targets, c.values, c.calldatas) = _expelCalls(lost, true);
        c.description = GovernanceCast.describe(string.concat("expel the lost ", vm.toString(++_nonce)), proposer);
        (bool made, uint256 index) = _propose(proposer, p, e, c, proposer);
        vm.assertTrue(made, "honest majority: the proposal is made");
        _probed = true;

        _warp(model.core(index).snapshot + 1);
        for (uint256 i = 0; i < GovernanceCast.COUNT; ++i) {
            if (GovernanceCast.silent(i)) continue;
            address voter = GovernanceCast.account(i);
            if (model.statusAt(voter, block.timestamp - 1) == 0) continue;
            _vote(index, i, GovernanceCast.colludes(i) ? AGAINST : FOR, _affordable(index, voter), 2);
        }
        if (!_honestLeadEveryClass(index)) return; // an ordinary proposal of the run from here

        model.recordProbe(index);
        _warp(model.deadline(index) + 1);
        vm.assertEq(
            uint256(coop.governor.state(model.core(index).id)),
            uint256(IGovernor.ProposalState.Succeeded),
            "honest majority: the expulsion passes"
        );
        vm.assertTrue(_queue(index, proposer), "honest majority: queued");
        _warp(model.core(index).eta);
        vm.assertTrue(_execute(index, proposer), "honest majority: executed");
        for (uint256 k = 0; k < lost.length; ++k) {
            vm.assertFalse(coop.membership.isMember(lost[k]), "honest majority: the lost are expelled");
        }
    }

    function _silentMembers() private view returns (address[] memory lost) {
        uint256 n;
        for (uint256 k = 0; k < GovernanceCast.SILENT_COUNT; ++k) {
            if (model.statusNow(GovernanceCast.account(GovernanceCast.silentMember(k))) != 0) ++n;
        }
        lost = new address[](n);
        for (uint256 k = 0; k < GovernanceCast.SILENT_COUNT; ++k) {
            address who = GovernanceCast.account(GovernanceCast.silentMember(k));
            if (model.statusNow(who) != 0) lost[--n] = who;
        }
    }

    /// @dev An honest member who may propose: a member (a second ago), a steward or above the
    /// threshold.
    function _honestProposer(uint256 seed) private view returns (bool, address) {
        uint256 threshold = model.params().threshold;
        for (uint256 k = 0; k < GovernanceCast.HONEST_COUNT; ++k) {
            address who = GovernanceCast.account((seed % GovernanceCast.HONEST_COUNT + k) % GovernanceCast.HONEST_COUNT);
            uint256 status = model.statusAt(who, block.timestamp - 1);
            if (status == 0) continue;
            if (threshold == 0 || status == _STEWARD_STATUS || model.tokensAt(who, block.timestamp - 1) >= threshold) {
                return (true, who);
            }
        }
        return (false, address(0));
    }

    /// @dev In every class that counts (members at the snapshot, or voters), For > Against.
    function _honestLeadEveryClass(uint256 index) private view returns (bool) {
        GovernanceModel.Tally memory t = model.tally(index);
        uint256[4] memory sizes = model.quorumSizes(index);
        for (uint256 c = 0; c < 4; ++c) {
            if (sizes[c] == 0 && t.voters[c] == 0) continue;
            if (t.forVotes[c] <= t.againstVotes[c]) return false;
        }
        return true;
    }

    // -- helpers -----------------------------------------------------------------------------

    /// @dev Mostly an active proposal; when none is active, a pending one, and the voter waits
    /// for it to open (three times in four).
    function _pickVotable(uint256 seed) private returns (uint256 index) {
        index = _pickProposal(seed, IGovernor.ProposalState.Active);
        if (model.state(index) == IGovernor.ProposalState.Active || (seed >> 64) % 4 == 0) return index;
        index = model.find(index, IGovernor.ProposalState.Pending);
        if (model.state(index) == IGovernor.ProposalState.Pending) _warp(model.core(index).snapshot + 1);
    }

    /// @dev Mostly a proposal in state `wanted` (if there is one), else any.
    function _pickProposal(uint256 seed, IGovernor.ProposalState wanted) private view returns (uint256) {
        uint256 start = seed % model.proposalCount();
        return (seed >> 128) % 5 == 0 ? start : model.find(start, wanted);
    }

    function _proposalId(GovernanceModel.Calls memory c) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(c.targets, c.values, c.calldatas, keccak256(bytes(c.description)))));
    }

    function _unexpectedState(uint256 id, IGovernor.ProposalState s, bytes32 allowed)
        private
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(IGovernor.GovernorUnexpectedProposalState.selector, id, s, allowed);
    }

    function _bit(IGovernor.ProposalState s) private pure returns (bytes32) {
        return bytes32(1 << uint8(s));
    }

    function _signVoucher(IMembership.Voucher memory voucher) private view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(_VOUCHER_TYPEHASH, voucher.member, voucher.stakeholderClass, voucher.nonce, voucher.expiry)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", coop.membership.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(GovernanceCast.REGISTRAR_KEY, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev queue, execute or cancel (`selector`) of the proposal made of `c`, as `caller`.
    function _callOnProposal(address caller, bytes4 selector, GovernanceModel.Calls memory c, bytes memory expected)
        private
    {
        bytes memory data =
            abi.encodeWithSelector(selector, c.targets, c.values, c.calldatas, keccak256(bytes(c.description)));
        _call(caller, address(coop.governor), data, expected);
    }

    /// @dev Calls `target` as `sender`; `expected` empty: it must succeed (its revert is passed
    /// on), else it must revert with exactly `expected`.
    function _call(address sender, address target, bytes memory data, bytes memory expected)
        private
        returns (bytes memory ret)
    {
        bool ok;
        vm.prank(sender);
        (ok, ret) = target.call(data);
        if (expected.length == 0) {
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 32), mload(ret))
                }
            }
        } else {
            if (ok) revert GovernanceHandlerExpectedRevert(expected);
            if (keccak256(ret) != keccak256(expected)) revert GovernanceHandlerWrongRevert(expected, ret);
        }
    }
}
