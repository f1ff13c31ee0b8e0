// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {GovernanceBounds} from "../handlers/GovernanceBounds.sol";
import {GovernanceCast} from "../handlers/GovernanceCast.sol";
import {GovernanceFixture} from "../handlers/GovernanceFixture.sol";
import {GovernanceHandler} from "../handlers/GovernanceHandler.sol";
import {GovernanceModel} from "../handlers/GovernanceModel.sol";

/// @title GovernanceInvariants
/// @notice The stateful suite of the live governor: GovernanceHandler's proposers and voters
/// (honest members of every class, a colluding coalition and its sybils, lost keys, token
/// holders) propose, vote, queue, execute, cancel, join, leave, earn tokens and let time pass,
/// and after every call the governor must agree with the model and keep the promises of
/// docs/governance.md and docs/threat-model.md.
contract GovernanceInvariants is GovernanceFixture {
    /// @notice A member's single vote on an active proposal was refused.
    error GovernanceInvariantsVoteRefused(uint256 proposalId, address voter, bytes reason);

    GovernanceHandler internal handler;
    address[] internal cast;

    function setUp() public {
        _deployGovernedCast();
        handler = new GovernanceHandler(coop, model);
        model.setWriter(address(handler));
        targetHandler(address(handler), handler.selectors());
        for (uint256 i = 0; i < GovernanceCast.COUNT; ++i) {
            cast.push(GovernanceCast.account(i));
        }
    }

    /// @notice Nothing exceeds its bound, so no passed proposal can brick governance:
    /// - no member ever spends more voice credits in an epoch than its budget, base +
    ///   min(tokens at the epoch's start, at the snapshot, the cap) (the largest it voted with,
    ///   when snapshots or the cap differed within the epoch), and the governor charged exactly
    ///   what the model did: n² a vote, or what was left for a single vote;
    /// - every governed setting is within its documented bounds (voting delay ≤ 30 days, period
    ///   from the founding one to 30 days, threshold ≤ 1 000, extension ≤ 7 days, token cap ≤ 10⁶,
    ///   epochs from the founding length to a year, base credits 1 .. 10⁶, weights 5 % .. 70 %
    ///   summing to 100 %, quorums ≤ 50 %) and is what the executed proposals set;
    /// - the timelock's delay applies as at most 30 days whatever was set, and the governor
    ///   stays its only proposer; CURATOR_ROLE is where executed grants and revocations left it;
    /// - a proposal carrying a setter value out of bounds never executes: its execution reverts
    ///   inside the timelock with the setter's error (the handler checks the revert data), so
    ///   it stays queued at most.
    /// (Forge gives every invariant of a contract the same call sequences, so each campaign
    /// checks a group of properties rather than one: a campaign per property would replay the
    /// same calls.)
    function invariant_governanceStaysWithinBounds() public view {
        _checkCreditsWithinBudget();
        GovernanceModel.Params memory params = model.params();
        _checkVotingSettings(params);
        _checkEpochRules();
        _checkClassRules(params);
        _checkTimelock();
        uint256 count = model.proposalCount();
        for (uint256 index = 0; index < count; ++index) {
            GovernanceModel.Core memory p = model.core(index);
            if (!p.outOfBounds) continue;
            vm.assertTrue(
                coop.governor.state(p.id) != IGovernor.ProposalState.Executed, "an out-of-bounds setter executed"
            );
        }
    }

    /// @notice Every proposal is where the rules put it, and no actor gets around them:
    /// - its state and deadline (with the late-quorum extension) are the model's, and so is an
    ///   active one's tally per class (For, Against, Abstain, voters, members counted, quorum
    ///   reached): a participation quorum in every class with members, and a class-weighted
    ///   majority in whole numbers;
    /// - a colluding minority never passes a proposal alone: when only the coalition and its
    ///   sybils voted, and they fall short of the quorum of a class that has members, or the
    ///   classes they vote in weigh at most half of the classes that count, it never Succeeded,
    ///   Queued or Executed;
    /// - only its proposer canceled it, and only what the model canceled is canceled;
    /// - an honest majority can always pass an expel: whenever the honest members led every
    ///   class, their expulsion of the silent members (lost keys, silent joiners, up to a third
    ///   of the membership, holding the classes' quorums) passed and executed;
    /// - every member with credits can always cast at least one vote on an active proposal,
    ///   however much it spent (decoys cannot silence it): on the latest active proposal, the
    ///   eligible member with least left casts one vote, for what is left down to nothing. (The
    ///   vote is not kept: forge discards what an invariant changes.)
    function invariant_proposalsFollowTheRules() public {
        uint256 count = model.proposalCount();
        for (uint256 index = 0; index < count; ++index) {
            GovernanceModel.Look memory l = model.look(index);
            IGovernor.ProposalState s = coop.governor.state(l.core.id);
            vm.assertEq(uint256(s), uint256(l.state), "proposal state");
            vm.assertEq(coop.governor.proposalDeadline(l.core.id), l.deadline, "deadline");
            if (s == IGovernor.ProposalState.Active) _checkTally(l);
            if (l.tally.others == 0 && _anyVoter(l.tally) && _minorityShort(l)) {
                vm.assertTrue(
                    s != IGovernor.ProposalState.Succeeded && s != IGovernor.ProposalState.Queued
                        && s != IGovernor.ProposalState.Executed,
                    "a minority passed a proposal alone"
                );
            }
            if (l.core.canceled) vm.assertEq(l.core.canceller, l.core.proposer, "canceled by its proposer");
            if (l.core.probe) {
                vm.assertEq(uint256(s), uint256(IGovernor.ProposalState.Executed), "the honest expulsion executed");
            }
        }
        _checkOneVoteIsCastable(); // last: the vote it casts would change the tallies
    }

    function _checkCreditsWithinBudget() private view {
        GovernanceModel.Spending[] memory all = model.spendings();
        for (uint256 k = 0; k < all.length; ++k) {
            GovernanceModel.Spending memory s = all[k];
            uint256 spent = coop.governor.creditsSpent(s.voter, s.epoch);
            vm.assertEq(spent, s.spent, "credits spent as the model charged them");
            vm.assertLe(spent, s.maxBudget, "spent <= base + min(start, snapshot, cap)");
        }
    }

    function _checkOneVoteIsCastable() private {
        (bool active, uint256 index) = model.latestActive();
        if (!active) return;
        (bool found, address voter, uint256 left) = model.poorestEligible(index, cast);
        if (!found) return;
        GovernanceModel.Core memory p = model.core(index);
        (uint256 epoch,,) = model.epochOf(p.snapshot);
        uint256 before = coop.governor.creditsSpent(voter, epoch);
        vm.prank(voter);
        try coop.governor.castVote(p.id, FOR) returns (uint256 votes) {
            vm.assertEq(votes, 1, "one vote");
            vm.assertEq(coop.governor.creditsSpent(voter, epoch), before + (left < 1 ? left : 1), "costs <= 1");
        } catch (bytes memory reason) {
            revert GovernanceInvariantsVoteRefused(p.id, voter, reason);
        }
    }

    function _checkTimelock() private view {
        uint256 delay = coop.timelock.getMinDelay();
        vm.assertLe(delay, GovernanceBounds.MAX_TIMELOCK_DELAY, "timelock delay <= 30 days");
        vm.assertEq(delay, model.timelockDelay(), "the timelock delay set, clamped");
        vm.assertTrue(
            coop.timelock.hasRole(coop.timelock.PROPOSER_ROLE(), address(coop.governor)), "the governor proposes"
        );
        vm.assertEq(coop.timelock.proposerCount(), 1, "and nobody else");
        bytes32 curatorRole = coop.registry.CURATOR_ROLE();
        for (uint256 k = 0; k < GovernanceCast.CURATOR_COUNT; ++k) {
            address candidate = GovernanceCast.account(GovernanceCast.curator(k));
            vm.assertEq(coop.registry.hasRole(curatorRole, candidate), model.isCurator(candidate), "CURATOR_ROLE");
        }
    }

    function _checkVotingSettings(GovernanceModel.Params memory params) private view {
        uint256 delay = coop.governor.votingDelay();
        uint256 period = coop.governor.votingPeriod();
        vm.assertLe(delay, GovernanceBounds.MAX_VOTING_DELAY, "voting delay <= 30 days");
        vm.assertTrue(
            period >= GovernanceBounds.MIN_VOTING_PERIOD && period <= GovernanceBounds.MAX_VOTING_PERIOD,
            "voting period within the founding period .. 30 days"
        );
        vm.assertLe(coop.governor.proposalThreshold(), GovernanceBounds.MAX_THRESHOLD, "threshold <= 1 000");
        vm.assertLe(coop.governor.lateQuorumVoteExtension(), GovernanceBounds.MAX_VOTE_EXTENSION, "extension <= 7 days");
        vm.assertLe(coop.governor.tokenCreditCap(), GovernanceBounds.MAX_TOKEN_CAP, "token credit cap <= 10^6");
        vm.assertEq(delay, params.votingDelay, "voting delay as set");
        vm.assertEq(period, params.votingPeriod, "voting period as set");
        vm.assertEq(coop.governor.proposalThreshold(), params.threshold, "threshold as set");
        vm.assertEq(coop.governor.lateQuorumVoteExtension(), params.voteExtension, "extension as set");
        vm.assertEq(coop.governor.tokenCreditCap(), params.tokenCreditCap, "token credit cap as set");
    }

    function _checkEpochRules() private view {
        (uint256 from, uint256 firstEpoch, uint256 length, uint256 base) = coop.governor.scheduledEpochRules();
        GovernanceModel.EpochRules memory rules = model.latestEpochRules();
        vm.assertTrue(
            length >= GovernanceBounds.MIN_EPOCH_LENGTH && length <= GovernanceBounds.MAX_EPOCH_LENGTH,
            "epoch length within the founding length .. a year"
        );
        vm.assertTrue(
            base >= GovernanceBounds.MIN_BASE_CREDITS && base <= GovernanceBounds.MAX_BASE_CREDITS,
            "base credits within 1 .. 10^6"
        );
        vm.assertEq(from, rules.start, "epoch rules: from the next boundary");
        vm.assertEq(firstEpoch, rules.firstEpoch, "epoch rules: numbered on");
        vm.assertEq(length, rules.length, "epoch rules: length");
        vm.assertEq(base, rules.base, "epoch rules: base credits");
        (uint256 epoch, uint256 start,, uint256 baseNow) = coop.governor.epochAt(block.timestamp);
        (uint256 modelEpoch, uint256 modelStart, uint256 modelBase) = model.epochOf(block.timestamp);
        vm.assertEq(epoch, modelEpoch, "the epoch now");
        vm.assertEq(start, modelStart, "the epoch's start");
        vm.assertEq(baseNow, modelBase, "the epoch's base credits");
    }

    function _checkClassRules(GovernanceModel.Params memory params) private view {
        uint16[4] memory weights = coop.governor.classWeights();
        uint16[4] memory quorums = coop.governor.classQuorums();
        vm.assertTrue(GovernanceBounds.weightsValid(weights), "class weights 5 % .. 70 %, summing to 100 %");
        vm.assertTrue(GovernanceBounds.quorumsValid(quorums), "class quorums <= 50 %");
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(weights[c], params.weights[c], "class weights as set");
            vm.assertEq(quorums[c], params.quorums[c], "class quorums as set");
        }
    }

    function _checkTally(GovernanceModel.Look memory l) private view {
        for (uint256 c = 0; c < 4; ++c) {
            (uint256 f, uint256 a, uint256 abstain, uint256 voters, uint256 members, bool reached) =
                coop.governor.proposalClassTally(l.core.id, IMembership.StakeholderClass(c));
            vm.assertEq(f, l.tally.forVotes[c], "For");
            vm.assertEq(a, l.tally.againstVotes[c], "Against");
            vm.assertEq(abstain, l.tally.abstainVotes[c], "Abstain");
            vm.assertEq(voters, l.tally.voters[c], "voters");
            vm.assertEq(members, l.sizes[c], "members counted");
            vm.assertEq(reached, voters * 10_000 >= members * l.rules.quorums[c], "class quorum");
        }
    }

    function _anyVoter(GovernanceModel.Tally memory t) private pure returns (bool) {
        return t.voters[0] + t.voters[1] + t.voters[2] + t.voters[3] != 0;
    }

    /// @dev The coalition misses a class's quorum (a class with members), or its classes weigh
    /// at most half of those that count.
    function _minorityShort(GovernanceModel.Look memory l) private pure returns (bool) {
        uint256 countedWeight;
        uint256 coalitionWeight;
        for (uint256 c = 0; c < 4; ++c) {
            uint256 size = l.sizes[c];
            if (size != 0 && l.tally.colluders[c] * 10_000 < size * l.rules.quorums[c]) return true;
            if (size == 0 && l.tally.voters[c] == 0) continue;
            countedWeight += l.rules.weights[c];
            if (l.tally.colluders[c] != 0) coalitionWeight += l.rules.weights[c];
        }
        return 2 * coalitionWeight <= countedWeight;
    }
}
