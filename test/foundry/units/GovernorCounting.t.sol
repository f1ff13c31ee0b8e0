// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {GovernanceCast} from "../handlers/GovernanceCast.sol";
import {GovernanceFixture} from "../handlers/GovernanceFixture.sol";

/// @title GovernorCounting
/// @notice GovernorCountingCoop on the governed cooperative of GovernanceCast (classes of 5
/// producers, 4 funders, 4 workers and 2 stewards; weights 25 % and quorums 20 % each; 100
/// credits a day): the counting mode, who voted, the rules a proposal copies, the tally per
/// class and the quorum, abstention, every refusal of a vote, the single vote a spent budget
/// still casts, ballots beyond an epoch's first ledger page, and class sizes too large to count.
contract GovernorCounting is GovernanceFixture {
    uint256 internal constant PRODUCERS = 5;
    uint256 internal constant FUNDERS = 4;
    uint256 internal constant BUDGET = 100;
    uint256 internal constant STEWARD = 9;
    uint256 internal constant OUTSIDER = GovernanceCast.FIRST_NEWCOMER;

    function setUp() public {
        _deployGovernedCast();
    }

    function test_countingModeCountsEveryVoteTowardsTheQuorum() public view {
        vm.assertEq(
            keccak256(bytes(coop.governor.COUNTING_MODE())),
            keccak256("support=bravo&quorum=for,against,abstain&params=coop"),
            "counting mode"
        );
    }

    function test_hasVotedOnlyOnceAVoteIsCast() public {
        uint256 id = _decoy("first");
        vm.assertFalse(coop.governor.hasVoted(id, _who(0)), "no ballot before the first vote");
        _open(id);
        _expectEmit(address(coop.governor));
        emit IGovernor.VoteCastWithParams(_who(0), id, FOR, 3, "", abi.encode(3));
        _vote(id, 0, FOR, 3);
        vm.assertTrue(coop.governor.hasVoted(id, _who(0)), "voted");
        vm.assertFalse(coop.governor.hasVoted(id, _who(1)), "another did not");
        vm.assertEq(coop.governor.creditsSpent(_who(0), 0), 9, "3 votes cost 9 credits");
    }

    /// @notice A proposal keeps the weights and quorums of its creation; governance's new ones
    /// apply to later proposals only.
    function test_aProposalKeepsTheRulesItWasMadeUnder() public {
        uint256 before = _decoy("before");
        uint16[4] memory weights = [uint16(4_000), 3_000, 2_000, 1_000];
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) =
            _passAndQueue(address(coop.governor), abi.encodeCall(ICoopGovernor.setClassWeights, (weights)), "weights");
        _expectEmit(address(coop.governor));
        emit ICoopGovernor.ClassWeightsSet([uint16(2_500), 2_500, 2_500, 2_500], weights);
        coop.governor.execute(targets, values, calldatas, descriptionHash);
        uint256 later = _decoy("later");

        (uint16[4] memory oldWeights, uint16[4] memory oldQuorums) = coop.governor.proposalClassRules(before);
        (uint16[4] memory newWeights, uint16[4] memory newQuorums) = coop.governor.proposalClassRules(later);
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(oldWeights[c], 2_500, "the earlier proposal keeps its weights");
            vm.assertEq(newWeights[c], weights[c], "the later one copies the new weights");
            vm.assertEq(oldQuorums[c], 2_000, "quorums copied");
            vm.assertEq(newQuorums[c], 2_000, "quorums unchanged");
            vm.assertEq(coop.governor.classWeights()[c], weights[c], "the new weights");
        }
    }

    /// @notice The tally per class: no members while the snapshot is ahead, the class sizes at
    /// the snapshot before the first vote, then the votes, the voters and the quorum.
    function test_theTallyIsKeptPerClass() public {
        uint256 id = _decoy("tally");
        (,,,, uint256 members, bool reached) =
            coop.governor.proposalClassTally(id, IMembership.StakeholderClass.PRODUCER);
        vm.assertEq(members, 0, "no members counted before the snapshot");
        vm.assertTrue(reached, "an empty class has nobody to hear from");
        _open(id);
        (,,,, members, reached) = coop.governor.proposalClassTally(id, IMembership.StakeholderClass.PRODUCER);
        vm.assertEq(members, PRODUCERS, "the producers at the snapshot, before any vote");
        vm.assertFalse(reached, "nobody voted yet");

        _vote(id, 0, FOR, 2);
        _vote(id, 1, AGAINST, 1);
        _vote(id, 3, ABSTAIN, 1);
        uint256 forVotes;
        uint256 againstVotes;
        uint256 abstainVotes;
        uint256 voters;
        (forVotes, againstVotes, abstainVotes, voters, members, reached) =
            coop.governor.proposalClassTally(id, IMembership.StakeholderClass.PRODUCER);
        vm.assertEq(forVotes, 2, "producers For");
        vm.assertEq(againstVotes, 1, "producers Against");
        vm.assertEq(abstainVotes, 0, "producers Abstain");
        vm.assertEq(voters, 2, "two producers voted");
        vm.assertEq(members, PRODUCERS, "of five");
        vm.assertTrue(reached, "2 of 5 >= 20 %");
        (,, abstainVotes, voters, members, reached) =
            coop.governor.proposalClassTally(id, IMembership.StakeholderClass.FUNDER);
        vm.assertEq(abstainVotes, 1, "a funder abstained");
        vm.assertEq(voters, 1, "and counts as a voter");
        vm.assertEq(members, FUNDERS, "of four");
        vm.assertTrue(reached, "1 of 4 >= 20 %");
        (againstVotes, forVotes, abstainVotes) = coop.governor.proposalVotes(id);
        vm.assertEq(forVotes, 2, "For in all");
        vm.assertEq(againstVotes, 1, "Against in all");
        vm.assertEq(abstainVotes, 1, "Abstain in all");
    }

    /// @notice quorum(t) is Σ ceil(members_c · quorum_c / 10 000) under the current quorums.
    function test_quorumIsTheSumOfTheClassShares() public {
        vm.assertEq(coop.governor.quorum(block.timestamp - 1), 4, "one voter in each of the four classes");
        _govern(
            address(coop.governor), abi.encodeCall(ICoopGovernor.setClassQuorums, ([uint16(5_000), 5_000, 0, 0])), "q"
        );
        vm.assertEq(
            coop.governor.quorum(block.timestamp - 1), 3 + 2, "half of 5 producers and of 4 funders, rounded up"
        );
    }

    /// @notice Nobody voting is no quorum: the proposal is defeated, with the class sizes read
    /// from the register as no vote cached them.
    function test_aProposalNobodyVotesOnIsDefeated() public {
        uint256 id = _decoy("silence");
        vm.warp(coop.governor.proposalDeadline(id) + 1);
        vm.assertEq(uint256(coop.governor.state(id)), uint256(IGovernor.ProposalState.Defeated), "defeated");
        (,,, uint256 voters, uint256 members, bool reached) =
            coop.governor.proposalClassTally(id, IMembership.StakeholderClass.STEWARD);
        vm.assertEq(voters, 0, "no voters");
        vm.assertEq(members, 2, "two stewards at the snapshot");
        vm.assertFalse(reached, "no quorum");
    }

    /// @notice A class whose voters only abstain adds no support, but its weight stays in the
    /// total: with two classes For and two abstaining, support is exactly half, which fails;
    /// one steward For instead of abstaining passes it.
    function test_anAbstainingClassKeepsItsWeightAndAddsNoSupport() public {
        uint256 half = _decoy("half");
        uint256 more = _decoy("more");
        _open(half);
        _vote(half, 0, FOR, 1);
        _vote(half, 3, FOR, 1);
        _vote(half, 6, ABSTAIN, 1);
        _vote(half, STEWARD, ABSTAIN, 1);
        _vote(more, 0, FOR, 1);
        _vote(more, 3, FOR, 1);
        _vote(more, 6, ABSTAIN, 1);
        _vote(more, STEWARD, FOR, 1);
        vm.warp(coop.governor.proposalDeadline(half) + 1);
        vm.assertEq(uint256(coop.governor.state(half)), uint256(IGovernor.ProposalState.Defeated), "50 % is not > 50 %");
        vm.assertEq(uint256(coop.governor.state(more)), uint256(IGovernor.ProposalState.Succeeded), "75 % passes");
    }

    // -- refusals ------------------------------------------------------------------------------

    function test_zeroVotesAreRefused() public {
        uint256 id = _openDecoy();
        vm.expectRevert(abi.encodeWithSelector(ICoopGovernor.CoopGovernorZeroVotes.selector, id, _who(0)));
        _vote(id, 0, FOR, 0);
    }

    function test_anUnknownSupportIsRefused() public {
        uint256 id = _openDecoy();
        vm.expectRevert(IGovernor.GovernorInvalidVoteType.selector);
        _vote(id, 0, 3, 1);
    }

    function test_paramsOtherThanOneWordAreRefused() public {
        uint256 id = _openDecoy();
        vm.expectRevert(IGovernor.GovernorInvalidVoteParams.selector);
        vm.prank(_who(0));
        coop.governor.castVoteWithReasonAndParams(id, FOR, "", hex"01");
    }

    function test_aNonMemberCannotVote() public {
        uint256 id = _openDecoy();
        uint256 snapshot = coop.governor.proposalSnapshot(id);
        vm.expectRevert(
            abi.encodeWithSelector(ICoopGovernor.CoopGovernorVoterNotMember.selector, _who(OUTSIDER), snapshot)
        );
        _vote(id, OUTSIDER, FOR, 1);
    }

    function test_nobodyVotesTwice() public {
        uint256 id = _openDecoy();
        _vote(id, 0, AGAINST, 1);
        vm.expectRevert(abi.encodeWithSelector(ICoopGovernor.CoopGovernorDoubleVote.selector, id, _who(0)));
        vm.prank(_who(0));
        coop.governor.castVote(id, FOR);
    }

    /// @notice 2⁶⁴ votes and more are refused outright (their square would overflow the ledger);
    /// n votes beyond the budget are refused with their cost.
    function test_votesBeyondTheBudgetAreRefused() public {
        uint256 id = _openDecoy();
        uint256 tooMany = uint256(type(uint64).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICoopGovernor.CoopGovernorInsufficientCredits.selector, _who(0), 0, type(uint256).max, BUDGET
            )
        );
        _vote(id, 0, FOR, tooMany);
        vm.expectRevert(
            abi.encodeWithSelector(ICoopGovernor.CoopGovernorInsufficientCredits.selector, _who(0), 0, 121, BUDGET)
        );
        _vote(id, 0, FOR, 11);
        _vote(id, 0, FOR, 10);
        vm.assertEq(coop.governor.creditsSpent(_who(0), 0), BUDGET, "10 votes cost the whole budget");
    }

    /// @notice With the epoch's budget spent on one proposal, another proposal of the epoch still
    /// takes a single vote, for nothing; two votes are refused.
    function test_aSpentBudgetStillCastsOneVote() public {
        uint256 decoy = _decoy("decoy");
        uint256 real = _decoy("real");
        _open(decoy);
        _vote(decoy, 0, FOR, 10);
        vm.expectRevert(
            abi.encodeWithSelector(ICoopGovernor.CoopGovernorInsufficientCredits.selector, _who(0), 0, 4, 0)
        );
        _vote(real, 0, FOR, 2);
        _expectEmit(address(coop.governor));
        emit IGovernor.VoteCast(_who(0), real, FOR, 1, "");
        vm.prank(_who(0));
        vm.assertEq(coop.governor.castVote(real, FOR), 1, "one vote");
        vm.assertEq(coop.governor.creditsSpent(_who(0), 0), BUDGET, "for nothing");
        (uint256 forVotes,,,,,) = coop.governor.proposalClassTally(real, IMembership.StakeholderClass.PRODUCER);
        vm.assertEq(forVotes, 1, "counted");
    }

    /// @notice An epoch's ballots from the 129th on keep their voted bits in a ledger page of
    /// their own, while the credits stay charged to the epoch's first page.
    function test_ballotsBeyondTheFirstPageOfAnEpoch() public {
        uint256 count = 129;
        uint256[] memory ids = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) {
            ids[k] = _decoy(vm.toString(k));
        }
        _open(ids[0]);
        for (uint256 k = 0; k < count; ++k) {
            _vote(ids[k], 0, FOR, 1);
        }
        uint256 last = ids[count - 1];
        vm.assertTrue(coop.governor.hasVoted(last, _who(0)), "the 129th ballot is recorded");
        vm.assertFalse(coop.governor.hasVoted(last, _who(1)), "for its voter only");
        vm.assertEq(coop.governor.creditsSpent(_who(0), 0), BUDGET, "100 single votes, then free ones");
        vm.expectRevert(abi.encodeWithSelector(ICoopGovernor.CoopGovernorDoubleVote.selector, last, _who(0)));
        _vote(last, 0, FOR, 1);
        _vote(last, 1, AGAINST, 3);
        vm.assertEq(coop.governor.creditsSpent(_who(1), 0), 9, "a first vote of the epoch on the second page");
        vm.assertTrue(coop.governor.hasVoted(last, _who(1)), "recorded on the second page");
    }

    /// @notice Class sizes are cached in 31 bits: a register claiming 2³¹ members in a class is
    /// refused rather than wrapped.
    function test_classSizesBeyondTheirFieldAreRefused() public {
        uint256 id = _openDecoy();
        uint256 huge = uint256(1) << 31;
        _mockCall(
            address(coop.membership), abi.encodeWithSelector(IMembership.memberCountAt.selector), abi.encode(huge)
        );
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(31), huge));
        _vote(id, 0, FOR, 1);
    }

    /// @notice Only a proposal made of expulsions alone leaves the named members out of their
    /// quorum: another call to the register of the same length (isMember) is not an expulsion.
    function test_onlyExpulsionsLeaveTheNamedOutOfTheQuorum() public {
        address[] memory targets = new address[](2);
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        targets[0] = address(coop.membership);
        targets[1] = address(coop.membership);
        calldatas[0] = abi.encodeCall(IMembership.expel, (_who(GovernanceCast.FIRST_LOST)));
        calldatas[1] = abi.encodeCall(IMembership.isMember, (_who(GovernanceCast.FIRST_LOST + 1)));
        vm.prank(_who(0));
        uint256 mixed = coop.governor.propose(targets, values, calldatas, GovernanceCast.describe("mixed", _who(0)));
        calldatas[1] = abi.encodeCall(IMembership.expel, (_who(GovernanceCast.FIRST_LOST + 1)));
        vm.prank(_who(0));
        uint256 expelOnly = coop.governor.propose(targets, values, calldatas, GovernanceCast.describe("expel", _who(0)));

        uint256[4] memory none = coop.governor.proposalQuorumExclusions(mixed);
        uint256[4] memory excluded = coop.governor.proposalQuorumExclusions(expelOnly);
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(none[c], 0, "isMember is no expulsion");
        }
        vm.assertEq(excluded[uint256(IMembership.StakeholderClass.PRODUCER)], 1, "the lost producer");
        vm.assertEq(excluded[uint256(IMembership.StakeholderClass.WORKER)], 1, "the lost worker");
    }

    // -- helpers -------------------------------------------------------------------------------

    function _who(uint256 i) internal pure returns (address) {
        return GovernanceCast.account(i);
    }

    /// @dev A proposal by honest producer 0 that does nothing but read the token credit cap.
    function _decoy(string memory text) internal returns (uint256 id) {
        (id,,,,) = _proposeOne(0, address(coop.governor), abi.encodeCall(ICoopGovernor.tokenCreditCap, ()), text);
    }

    function _open(uint256 id) internal {
        vm.warp(coop.governor.proposalSnapshot(id) + 1);
    }

    function _openDecoy() internal returns (uint256 id) {
        id = _decoy("decoy");
        _open(id);
    }
}
