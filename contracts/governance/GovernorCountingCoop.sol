// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ICoopGovernor} from "../interfaces/ICoopGovernor.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {Ballot, BallotLibrary} from "../types/Ballot.sol";
import {CLASS_COUNT} from "../types/ClassLayout.sol";
import {ClassRules} from "../types/ClassRules.sol";
import {ClassSizes} from "../types/ClassSizes.sol";
import {ClassTally, ClassTallyLibrary} from "../types/ClassTally.sol";
import {GovernorVotesCoop} from "./GovernorVotesCoop.sol";

/// @title GovernorCountingCoop
/// @notice Governor counting module: quadratic votes paid from per-epoch voice credits, tallied
/// per stakeholder class, with a participation quorum per class and a class-weighted majority.
/// Support follows Governor Bravo (0 Against, 1 For, 2 Abstain); `params` carries the number of
/// votes n as one abi-encoded uint256 (empty params cast n = 1).
/// @dev Storage, chosen so that a vote writes one voter word and one class word:
/// - per proposal, a ClassRules word (class weights and quorums copied at creation), a
///   ClassTally word per class, and a Ballot word written by the first vote: the epoch of the
///   snapshot, the proposal's ballot number within that epoch and the class sizes at the
///   snapshot (the layouts are documented in contracts/types/);
/// - per voter and epoch, a ledger word: credits spent (low 128 bits) and one "voted" bit for
///   each of the epoch's first 128 ballots (high 128 bits); ballots 128 and up keep their bits in
///   further pages of the same layout. So the first vote of an epoch creates one word, and the
///   voter's later votes in that epoch only update it.
abstract contract GovernorCountingCoop is GovernorVotesCoop {
    /// @notice The smallest weight governance can give a class: no class can be silenced.
    uint256 public constant MIN_CLASS_WEIGHT = 500;
    /// @notice The largest weight governance can give a class: no class can decide alone.
    uint256 public constant MAX_CLASS_WEIGHT = 7_000;
    /// @notice The largest participation quorum governance can set for a class.
    uint256 public constant MAX_CLASS_QUORUM = 5_000;

    uint256 private constant _BPS = 10_000;

    // Ledger word: credits spent (128 bits) | voted bits of 128 ballots at 128. Key: epoch << 32 | page.
    uint256 private constant _SPENT_MASK = type(uint128).max;
    uint256 private constant _PAGE_BITS = 7;
    uint256 private constant _VOTED_SHIFT = 128;
    uint256 private constant _PAGE_KEY_BITS = 32;

    /// @dev Current class weights and quorums, laid out as a proposal's rules word.
    ClassRules private _classRules;

    mapping(uint256 proposalId => ClassRules rules) private _proposalRules;
    mapping(uint256 proposalId => Ballot ballot) private _ballots;
    mapping(uint256 epoch => uint256 count) private _ballotCounts;
    mapping(uint256 proposalId => ClassTally[CLASS_COUNT] tallies) private _classTallies;
    mapping(address voter => mapping(uint256 pageKey => uint256 ledger)) private _ledgers;
    /// @dev Members an expel-only proposal leaves out of each class's quorum, with the time they
    /// were read (one second before the proposal) stamped in the low 48 bits.
    mapping(uint256 proposalId => ClassSizes exclusions) private _quorumExclusions;

    /// @param initialWeights Class weights in basis points, summing to 10 000.
    /// @param initialQuorums Class participation quorums in basis points.
    constructor(uint16[CLASS_COUNT] memory initialWeights, uint16[CLASS_COUNT] memory initialQuorums) {
        _setClassWeights(initialWeights);
        _setClassQuorums(initialQuorums);
    }

    /// @notice The counting mode: Bravo support, quorum on participation (every vote counts
    /// towards a class's quorum, Against included), params carry n.
    /// @return The machine-readable counting description.
    // solhint-disable-next-line func-name-mixedcase
    function COUNTING_MODE() public pure virtual override returns (string memory) {
        return "support=bravo&quorum=for,against,abstain&params=coop";
    }

    /// @notice Whether an account voted on a proposal.
    /// @param proposalId The proposal.
    /// @param account The account.
    /// @return True if it voted.
    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        Ballot ballot = _ballots[proposalId];
        if (!ballot.isAssigned()) return false;
        (uint256 pageKey, uint256 votedBit) = _ballotPosition(ballot);
        return _ledgers[account][pageKey] & votedBit != 0;
    }

    /// @inheritdoc ICoopGovernor
    function creditsSpent(address account, uint256 epoch) external view returns (uint256 spent) {
        return _ledgers[account][epoch << _PAGE_KEY_BITS] & _SPENT_MASK;
    }

    /// @inheritdoc ICoopGovernor
    function classWeights() external view returns (uint16[CLASS_COUNT] memory weights) {
        return _classRules.weights();
    }

    /// @inheritdoc ICoopGovernor
    function classQuorums() external view returns (uint16[CLASS_COUNT] memory quorums) {
        return _classRules.quorums();
    }

    /// @inheritdoc ICoopGovernor
    function setClassWeights(uint16[CLASS_COUNT] calldata newWeights) external onlyGovernance {
        _setClassWeights(newWeights);
    }

    /// @inheritdoc ICoopGovernor
    function setClassQuorums(uint16[CLASS_COUNT] calldata newQuorums) external onlyGovernance {
        _setClassQuorums(newQuorums);
    }

    /// @inheritdoc ICoopGovernor
    function proposalQuorumExclusions(uint256 proposalId) external view returns (uint256[CLASS_COUNT] memory excluded) {
        ClassSizes exclusions = _quorumExclusions[proposalId];
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            excluded[c] = exclusions.size(c);
        }
    }

    /// @inheritdoc ICoopGovernor
    function proposalClassRules(uint256 proposalId)
        external
        view
        returns (uint16[CLASS_COUNT] memory weights, uint16[CLASS_COUNT] memory quorums)
    {
        ClassRules rules = _proposalRules[proposalId];
        return (rules.weights(), rules.quorums());
    }

    /// @inheritdoc ICoopGovernor
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
        )
    {
        uint256 c = uint256(stakeholderClass);
        ClassTally tally = _classTallies[proposalId][c];
        forVotes = tally.forVotes();
        againstVotes = tally.againstVotes();
        abstainVotes = tally.abstainVotes();
        voters = tally.voters();
        ClassSizes sizes = _classSizesOf(proposalId);
        members = sizes.size(c);
        quorumReached = _classQuorumReached(_proposalRules[proposalId], sizes, c, voters);
    }

    /// @inheritdoc ICoopGovernor
    function proposalVotes(uint256 proposalId)
        external
        view
        returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
    {
        ClassTally[CLASS_COUNT] storage tallies = _classTallies[proposalId];
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            ClassTally tally = tallies[c];
            forVotes += tally.forVotes();
            againstVotes += tally.againstVotes();
            abstainVotes += tally.abstainVotes();
        }
    }

    /// @notice Voters needed for every class to reach its quorum at `timepoint`, under the
    /// current quorums: Σ ceil(members_c · quorum_c / 10 000). Informational, since the rule
    /// is per class and a proposal uses the quorums it copied.
    /// @param timepoint A past timestamp.
    /// @return The total number of voters.
    function quorum(uint256 timepoint) public view virtual override returns (uint256) {
        ClassRules rules = _classRules;
        uint256 total;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            total += Math.ceilDiv(_memberCountAt(IMembership.StakeholderClass(c), timepoint) * rules.quorum(c), _BPS);
        }
        return total;
    }

    /// @dev Copies the current class weights and quorums into the new proposal, and records the
    /// quorum exclusions of an expel-only proposal.
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal virtual override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        _proposalRules[proposalId] = _classRules;
        ClassSizes exclusions = _expelExclusions(targets, values, calldatas);
        if (!exclusions.isEmpty()) _quorumExclusions[proposalId] = exclusions;
    }

    /// @dev For a proposal made only of `Membership.expel(member)` calls, the active members it
    /// names, counted per class and stamped with the time they were read; zero for any other
    /// proposal, and for one naming more than a third of the membership (at least one member),
    /// which then needs the ordinary quorum: a minority cannot shrink the quorum of the majority.
    function _expelExclusions(address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
        private
        view
        returns (ClassSizes exclusions)
    {
        IMembership register = _memberRegister();
        // Read one second before the proposal, as its proposer's membership is: a member who
        // joins in the proposal's own second could not have been named.
        uint256 timepoint = clock() - 1;
        uint256 named;
        for (uint256 i = 0; i < targets.length; ++i) {
            bytes memory data = calldatas[i];
            if (targets[i] != address(register) || values[i] != 0 || data.length != 36) return ClassSizes.wrap(0);
            bytes4 selector;
            address member;
            assembly ("memory-safe") {
                selector := mload(add(data, 0x20))
                member := mload(add(data, 0x24))
            }
            if (selector != IMembership.expel.selector) return ClassSizes.wrap(0);
            (bool active, IMembership.StakeholderClass stakeholderClass) = register.memberStatusAt(member, timepoint);
            if (!active) continue;
            ++named;
            uint256 c = uint256(stakeholderClass);
            exclusions = exclusions.withSize(c, exclusions.size(c) + 1);
        }
        uint256 total;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            total += _memberCountAt(IMembership.StakeholderClass(c), timepoint);
        }
        uint256 maxNamed = total / 3;
        if (named > (maxNamed == 0 ? 1 : maxNamed)) return ClassSizes.wrap(0);
        // The quorum's base is read at the same moment (see _quorumSizesAt).
        if (!exclusions.isEmpty()) exclusions = exclusions.withTimepoint(uint48(timepoint));
    }

    /// @dev Every class that had members at the snapshot reached its participation quorum.
    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        ClassRules rules = _proposalRules[proposalId];
        ClassSizes sizes = _classSizesOf(proposalId);
        ClassTally[CLASS_COUNT] storage tallies = _classTallies[proposalId];
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            if (!_classQuorumReached(rules, sizes, c, tallies[c].voters())) return false;
        }
        return true;
    }

    /// @dev Σ w_c · F_c / (F_c + A_c) > ½ · Σ w_c over the classes that had members, compared
    /// exactly: the running sum N / P of the fractions is kept as a 512-bit numerator and
    /// denominator, and the test is 2N > W · P. A class with members but no For or Against
    /// votes adds its weight to W and nothing to the sum.
    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        ClassRules rules = _proposalRules[proposalId];
        ClassSizes sizes = _classSizesOf(proposalId);
        ClassTally[CLASS_COUNT] storage tallies = _classTallies[proposalId];
        // N = nHigh·2²⁵⁶ + nLow, P likewise; P starts at 1. Bounds: each For_c + Against_c < 2⁶⁵
        // and weights sum to at most 10 000 < 2¹⁴, so N, P and W · P stay below 2²⁸⁰.
        uint256 nHigh;
        uint256 nLow;
        uint256 pHigh;
        uint256 pLow = 1;
        uint256 totalWeight;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            ClassTally tally = tallies[c];
            // A class counts if it had members, or if members an expel-only proposal left out of
            // its quorum voted anyway: their votes keep their class's weight.
            if (sizes.size(c) == 0 && tally.voters() == 0) continue;
            uint256 weight = rules.weight(c);
            totalWeight += weight;
            uint256 forVotes = tally.forVotes();
            uint256 decided = forVotes + tally.againstVotes();
            if (decided == 0) continue;
            // N/P + w·F/D = (N·D + P·w·F) / (P·D)
            (uint256 aHigh, uint256 aLow) = _mulWide(nHigh, nLow, decided);
            (uint256 bHigh, uint256 bLow) = _mulWide(pHigh, pLow, weight * forVotes);
            (nHigh, nLow) = _addWide(aHigh, aLow, bHigh, bLow);
            (pHigh, pLow) = _mulWide(pHigh, pLow, decided);
        }
        (uint256 lhsHigh, uint256 lhsLow) = _mulWide(nHigh, nLow, 2);
        (uint256 rhsHigh, uint256 rhsLow) = _mulWide(pHigh, pLow, totalWeight);
        return lhsHigh > rhsHigh || (lhsHigh == rhsHigh && lhsLow > rhsLow);
    }

    /// @dev Charges n² credits from the epoch of the proposal's snapshot and adds n to the voter's
    /// class. `totalWeight` is the voter's credit budget from {_getVotes}. The first vote on a
    /// proposal assigns its ballot.
    function _countVote(uint256 proposalId, address account, uint8 support, uint256 totalWeight, bytes memory params)
        internal
        virtual
        override
        returns (uint256)
    {
        uint256 votes = _decodeVotes(params);
        if (votes == 0) revert CoopGovernorZeroVotes(proposalId, account);
        if (support > ClassTallyLibrary.ABSTAIN) revert GovernorInvalidVoteType();

        uint256 snapshot = proposalSnapshot(proposalId);
        (bool active, IMembership.StakeholderClass stakeholderClass) = _memberStatusAt(account, snapshot);
        if (!active) revert CoopGovernorVoterNotMember(account, snapshot);

        Ballot ballot = _ballots[proposalId];
        if (!ballot.isAssigned()) ballot = _assignBallot(proposalId, snapshot);
        _recordVote(proposalId, account, ballot, votes, totalWeight);
        _addToTally(proposalId, uint256(stakeholderClass), support, votes);
        return votes;
    }

    /// @dev Numbers the proposal within its snapshot's epoch and caches the class sizes.
    function _assignBallot(uint256 proposalId, uint256 snapshot) private returns (Ballot ballot) {
        uint256 epoch = _epochNumberAt(snapshot);
        uint256 number = _ballotCounts[epoch]++;
        ballot = BallotLibrary.assign(uint48(epoch), uint32(number), _quorumSizesAt(proposalId, snapshot));
        _ballots[proposalId] = ballot;
    }

    /// @dev Marks the voter's bit for the ballot and charges n² to its epoch budget.
    function _recordVote(uint256 proposalId, address account, Ballot ballot, uint256 votes, uint256 budget)
        private
    {
        (uint256 pageKey, uint256 votedBit) = _ballotPosition(ballot);
        uint256 epoch = ballot.epoch();
        uint256 epochKey = epoch << _PAGE_KEY_BITS;
        mapping(uint256 => uint256) storage ledger = _ledgers[account];
        uint256 page = ledger[pageKey];
        if (page & votedBit != 0) revert CoopGovernorDoubleVote(proposalId, account);
        uint256 word = pageKey == epochKey ? page | votedBit : ledger[epochKey];
        // Proposals of one epoch may see different budgets (token votes are read at each
        // snapshot too), so what is left saturates at zero. Credits beyond 2¹²⁸ - 1 are unusable.
        uint256 budgetUsable = Math.min(budget, _SPENT_MASK);
        uint256 spent = word & _SPENT_MASK;
        uint256 remaining = budgetUsable > spent ? budgetUsable - spent : 0;
        // Refusing n ≥ 2⁶⁴ keeps n² below 2¹²⁸ and n within the 64-bit tally fields.
        if (votes > type(uint64).max) {
            revert CoopGovernorInsufficientCredits(account, epoch, type(uint256).max, remaining);
        }
        uint256 cost = votes * votes;
        if (cost > remaining) {
            // One vote is always possible, so no decoy can spend a member's voice on a proposal:
            // it costs what is left, down to nothing.
            if (votes != 1) revert CoopGovernorInsufficientCredits(account, epoch, cost, remaining);
            cost = remaining;
        }
        // spent + cost ≤ 2¹²⁸ - 1: the addition never reaches the voted bits.
        ledger[epochKey] = word + cost;
        if (pageKey != epochKey) ledger[pageKey] = page | votedBit;
    }

    /// @dev Adds n to the class's For, Against or Abstain field and one to its voters.
    function _addToTally(uint256 proposalId, uint256 c, uint8 support, uint256 votes) private {
        ClassTally[CLASS_COUNT] storage tallies = _classTallies[proposalId];
        // votes < 2⁶⁴ (_recordVote refuses more).
        tallies[c] = tallies[c].withVote(support, uint64(votes));
    }

    function _decodeVotes(bytes memory params) private pure returns (uint256) {
        if (params.length == 0) return 1;
        if (params.length != 32) revert GovernorInvalidVoteParams();
        return abi.decode(params, (uint256));
    }

    function _setClassWeights(uint16[CLASS_COUNT] memory newWeights) private {
        uint256 total;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            uint256 weight = newWeights[c];
            if (weight < MIN_CLASS_WEIGHT || weight > MAX_CLASS_WEIGHT) {
                revert CoopGovernorOutOfBounds("classWeight", weight, MIN_CLASS_WEIGHT, MAX_CLASS_WEIGHT);
            }
            total += weight;
        }
        if (total != _BPS) revert CoopGovernorInvalidClassWeights(total);
        ClassRules rules = _classRules;
        _classRules = rules.withWeights(newWeights);
        emit ClassWeightsSet(rules.weights(), newWeights);
    }

    function _setClassQuorums(uint16[CLASS_COUNT] memory newQuorums) private {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            if (newQuorums[c] > MAX_CLASS_QUORUM) {
                revert CoopGovernorInvalidClassQuorum(IMembership.StakeholderClass(c), newQuorums[c]);
            }
        }
        ClassRules rules = _classRules;
        _classRules = rules.withQuorums(newQuorums);
        emit ClassQuorumsSet(rules.quorums(), newQuorums);
    }

    /// @dev The class sizes that count for the proposal's quorum, in ballot-word layout: cached by
    /// the first vote, read from Membership before that, and zero while the snapshot is not yet past.
    function _classSizesOf(uint256 proposalId) private view returns (ClassSizes) {
        Ballot ballot = _ballots[proposalId];
        if (ballot.isAssigned()) return ballot.sizes();
        uint256 snapshot = proposalSnapshot(proposalId);
        return snapshot < clock() ? _quorumSizesAt(proposalId, snapshot) : ClassSizes.wrap(0);
    }

    /// @dev The class sizes at the snapshot; for an expel-only proposal, the class sizes one
    /// second before it was proposed less the members it named (then). Both are read at that moment: a member who joins
    /// during the voting delay could not have been named, so it must not count in the quorum's
    /// base either (else one silent voucher per retry would defeat every expel), and a named
    /// member who leaves before the snapshot is not subtracted twice.
    function _quorumSizesAt(uint256 proposalId, uint256 snapshot) private view returns (ClassSizes) {
        ClassSizes exclusions = _quorumExclusions[proposalId];
        if (exclusions.isEmpty()) return _classSizesAt(snapshot);
        return _classSizesAt(exclusions.timepoint()).saturatingSub(exclusions);
    }

    /// @dev Reverts with SafeCast's downcast error for a class of 2³¹ members or more.
    function _classSizesAt(uint256 snapshot) private view returns (ClassSizes sizes) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            sizes = sizes.withSize(c, _memberCountAt(IMembership.StakeholderClass(c), snapshot));
        }
    }

    /// @dev voters / members ≥ quorum, as voters · 10 000 ≥ members · quorum; classes without
    /// members have nobody to hear from and pass.
    function _classQuorumReached(ClassRules rules, ClassSizes sizes, uint256 c, uint256 voters)
        private
        pure
        returns (bool)
    {
        return voters * _BPS >= sizes.size(c) * rules.quorum(c);
    }

    /// @dev Where a ballot's voted bit lives in a voter's ledger: page key and bit mask.
    function _ballotPosition(Ballot ballot) private pure returns (uint256 pageKey, uint256 votedBit) {
        uint256 number = ballot.number();
        pageKey = (uint256(ballot.epoch()) << _PAGE_KEY_BITS) | (number >> _PAGE_BITS);
        votedBit = 1 << (_VOTED_SHIFT + (number & ((1 << _PAGE_BITS) - 1)));
    }

    /// @dev (high, low) · factor for results below 2⁵¹²; callers keep `high · factor` small.
    function _mulWide(uint256 high, uint256 low, uint256 factor) private pure returns (uint256, uint256) {
        (uint256 carry, uint256 product) = Math.mul512(low, factor);
        return (high * factor + carry, product);
    }

    function _addWide(uint256 aHigh, uint256 aLow, uint256 bHigh, uint256 bLow)
        private
        pure
        returns (uint256, uint256)
    {
        (uint256 carry, uint256 sum) = Math.add512(aLow, bLow);
        return (aHigh + bHigh + carry, sum);
    }
}
