// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IMembership} from "./IMembership.sol";
import {CLASS_COUNT} from "../types/ClassLayout.sol";

/// @title ICoopGovernor
/// @notice The cooperative's governor: an OpenZeppelin Governor (IGovernor events, state machine
/// and timelock) whose votes are quadratic in per-epoch voice credits and whose tally is weighted
/// by stakeholder class.
/// @dev Rules, in the words of docs/governance.md:
/// - Voice credits: an active member's budget for an epoch is the base allotment plus their
///   contribution-token votes, the smaller of their values at the epoch's start and at the
///   proposal's snapshot, capped at the governed token credit cap. Casting n votes on a proposal
///   costs n² credits from the epoch that contains the proposal's snapshot. One vote is always
///   possible on every proposal: when the budget is spent it costs what is left, down to nothing.
/// - A proposal's description must end with `#proposer=<the proposer's address>`, so that
///   nobody can front-run and cancel it. Stewards may propose whatever the proposal threshold.
/// - A proposal made only of Membership.expel calls leaves the members it expels out of their
///   class's quorum, so lost keys and sybils cannot stop their own removal; at most a third of
///   the membership can be named in one such proposal. Its quorum's base is the classes as they
///   stood when it was proposed, so members joining during the voting delay cannot block it.
/// - Eligibility and class are read at the proposal's snapshot.
/// - A proposal succeeds when every class that had members at the snapshot reaches its
///   participation quorum (voters / members, in basis points) and
///   Σ w_c · For_c / (For_c + Against_c) > ½ · Σ w_c over those classes; a class whose
///   For + Against is zero contributes zero support but keeps its weight.
/// - Class weights and quorums are copied into each proposal when it is created.
interface ICoopGovernor {
    /// @notice Governance replaced the class weights that new proposals copy.
    /// @param oldWeights The previous weights, in basis points, indexed by class.
    /// @param newWeights The new weights, in basis points, summing to 10 000.
    event ClassWeightsSet(uint16[CLASS_COUNT] oldWeights, uint16[CLASS_COUNT] newWeights);

    /// @notice Governance replaced the participation quorums that new proposals copy.
    /// @param oldQuorums The previous quorums, in basis points of a class's members.
    /// @param newQuorums The new quorums.
    event ClassQuorumsSet(uint16[CLASS_COUNT] oldQuorums, uint16[CLASS_COUNT] newQuorums);

    /// @notice New epoch rules were scheduled; they apply from the next epoch boundary on.
    /// @param effectiveFrom The timestamp at which the first epoch under the new rules starts.
    /// @param firstEpoch The number of that epoch.
    /// @param epochLength The new epoch length, in seconds.
    /// @param baseCredits The new base allotment of voice credits per member and epoch.
    event EpochRulesScheduled(uint256 effectiveFrom, uint256 firstEpoch, uint256 epochLength, uint256 baseCredits);

    /// @notice Governance set the cap on the token part of voice credits.
    /// @param cap The new cap.
    event TokenCreditCapSet(uint256 cap);

    /// @notice A governed setting is outside its bounds.
    /// @param setting The setting's name.
    /// @param value The refused value.
    /// @param min The smallest allowed value.
    /// @param max The largest allowed value.
    error CoopGovernorOutOfBounds(string setting, uint256 value, uint256 min, uint256 max);

    /// @notice An expel-only proposal names more members than a third of the membership.
    /// @param expelled The members it names.
    /// @param maxExpelled The most one such proposal may name.
    error CoopGovernorTooManyExpelled(uint256 expelled, uint256 maxExpelled);

    /// @notice Only an account that was an active member one second ago may propose.
    /// @param proposer The caller.
    /// @param timepoint The timestamp at which membership was read.
    error CoopGovernorProposerNotMember(address proposer, uint256 timepoint);

    /// @notice The voter was not an active member at the proposal's snapshot.
    /// @param voter The voter.
    /// @param snapshot The proposal's snapshot timestamp.
    error CoopGovernorVoterNotMember(address voter, uint256 snapshot);

    /// @notice A vote must cast at least one vote (n ≥ 1).
    /// @param proposalId The proposal.
    /// @param voter The voter.
    error CoopGovernorZeroVotes(uint256 proposalId, address voter);

    /// @notice The voter already voted on this proposal.
    /// @param proposalId The proposal.
    /// @param voter The voter.
    error CoopGovernorDoubleVote(uint256 proposalId, address voter);

    /// @notice n votes cost n² credits, more than the voter has left in the epoch.
    /// @param voter The voter.
    /// @param epoch The epoch whose budget pays.
    /// @param cost The cost n².
    /// @param remaining The credits the voter has left in that epoch.
    error CoopGovernorInsufficientCredits(address voter, uint256 epoch, uint256 cost, uint256 remaining);

    /// @notice Class weights must sum to exactly 10 000 basis points, each within
    /// [MIN_CLASS_WEIGHT, MAX_CLASS_WEIGHT].
    /// @param total The sum that was given.
    error CoopGovernorInvalidClassWeights(uint256 total);

    /// @notice A participation quorum cannot exceed MAX_CLASS_QUORUM basis points.
    /// @param stakeholderClass The class.
    /// @param quorumBps The quorum that was given.
    error CoopGovernorInvalidClassQuorum(IMembership.StakeholderClass stakeholderClass, uint256 quorumBps);

    /// @notice An epoch lasts from the founding length (at most a day) to a year.
    /// @param epochLength The length that was given.
    error CoopGovernorInvalidEpochLength(uint256 epochLength);

    /// @notice The timepoint lies before the governor's first epoch.
    /// @param timepoint The requested timestamp.
    /// @param firstEpochStart The start of epoch 0 (the deployment).
    error CoopGovernorBeforeFirstEpoch(uint256 timepoint, uint256 firstEpochStart);

    /// @notice The member register whose checkpoints give eligibility and class.
    /// @return The Membership contract.
    function membership() external view returns (IMembership);

    /// @notice The contribution token whose past votes add to a member's voice credits.
    /// @return The ERC-5805 token.
    function token() external view returns (IERC5805);

    /// @notice The epoch containing a timestamp, under the rules known now.
    /// @param timepoint Any timestamp from the deployment on (future ones follow the scheduled rules).
    /// @return epoch The epoch number.
    /// @return start The epoch's first second, at which credits are read.
    /// @return length The epoch's length in seconds.
    /// @return baseCredits The base allotment of the epoch.
    function epochAt(uint256 timepoint)
        external
        view
        returns (uint256 epoch, uint256 start, uint256 length, uint256 baseCredits);

    /// @notice The latest scheduled epoch rules (possibly not yet in force).
    /// @return effectiveFrom The timestamp from which they apply.
    /// @return firstEpoch The first epoch under them.
    /// @return length The epoch length in seconds.
    /// @return baseCredits The base allotment per member and epoch.
    function scheduledEpochRules()
        external
        view
        returns (uint256 effectiveFrom, uint256 firstEpoch, uint256 length, uint256 baseCredits);

    /// @notice Schedules a new epoch length from the next epoch boundary on; for governance.
    /// Bounded: from the founding length (at most a day) to MAX_EPOCH_LENGTH.
    /// @param newLength The length in seconds.
    function setEpochLength(uint32 newLength) external;

    /// @notice Schedules a new base allotment from the next epoch boundary on; for governance.
    /// Bounded: from 1 to MAX_BASE_CREDITS, so every member can always vote.
    /// @param newBaseCredits The credits every active member receives per epoch.
    function setBaseCredits(uint128 newBaseCredits) external;

    /// @notice Sets the cap on the token part of voice credits; for governance. Bounded: at most
    /// MAX_TOKEN_CREDIT_CAP, so revenue weight never becomes unbounded governance weight.
    /// @param newCap The cap (0: credits are the base allotment only).
    function setTokenCreditCap(uint256 newCap) external;

    /// @notice The cap on the token part of voice credits.
    /// @return The cap.
    function tokenCreditCap() external view returns (uint256);

    /// @notice The members an expel-only proposal leaves out of each class's quorum.
    /// @param proposalId The proposal.
    /// @return excluded The counts, indexed by class (zeros for other proposals).
    function proposalQuorumExclusions(uint256 proposalId)
        external
        view
        returns (uint256[CLASS_COUNT] memory excluded);

    /// @notice The credits an account has spent from an epoch's budget.
    /// @param account The member.
    /// @param epoch The epoch.
    /// @return spent The credits spent (Σ n² over the account's votes in that epoch).
    function creditsSpent(address account, uint256 epoch) external view returns (uint256 spent);

    /// @notice The class weights that new proposals copy.
    /// @return weights Basis points indexed by class (PRODUCER, FUNDER, WORKER, STEWARD).
    function classWeights() external view returns (uint16[CLASS_COUNT] memory weights);

    /// @notice The participation quorums that new proposals copy.
    /// @return quorums Basis points of a class's members at the snapshot who must vote.
    function classQuorums() external view returns (uint16[CLASS_COUNT] memory quorums);

    /// @notice Replaces the class weights for future proposals; for governance.
    /// @param newWeights Basis points indexed by class, summing to 10 000.
    function setClassWeights(uint16[CLASS_COUNT] calldata newWeights) external;

    /// @notice Replaces the participation quorums for future proposals; for governance.
    /// @param newQuorums Basis points indexed by class, each at most 10 000.
    function setClassQuorums(uint16[CLASS_COUNT] calldata newQuorums) external;

    /// @notice The class weights and quorums a proposal copied when it was created.
    /// @param proposalId The proposal.
    /// @return weights Basis points indexed by class.
    /// @return quorums Basis points indexed by class.
    function proposalClassRules(uint256 proposalId)
        external
        view
        returns (uint16[CLASS_COUNT] memory weights, uint16[CLASS_COUNT] memory quorums);

    /// @notice One class's tally and quorum state on a proposal.
    /// @param proposalId The proposal.
    /// @param stakeholderClass The class.
    /// @return forVotes The class's For votes (Σ n).
    /// @return againstVotes The class's Against votes.
    /// @return abstainVotes The class's Abstain votes.
    /// @return voters How many of the class's members voted.
    /// @return members The class's members at the snapshot (0 while the snapshot is in the future).
    /// @return quorumReached True if the class reached its quorum, or had no members.
    function proposalClassTally(uint256 proposalId, IMembership.StakeholderClass stakeholderClass)
        external
        view
        returns (
            uint256 forVotes,
            uint256 againstVotes,
            uint256 abstainVotes,
            uint256 voters,
            uint256 members,
            bool quorumReached
        );

    /// @notice The proposal's votes summed over every class, in GovernorCountingSimple's shape.
    /// @param proposalId The proposal.
    /// @return againstVotes Σ Against.
    /// @return forVotes Σ For.
    /// @return abstainVotes Σ Abstain.
    function proposalVotes(uint256 proposalId)
        external
        view
        returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes);
}
