// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {ICoopGovernor} from "../interfaces/ICoopGovernor.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {CLASS_COUNT} from "../types/ClassLayout.sol";
import {GovernorCountingCoop} from "./GovernorCountingCoop.sol";
import {GovernorVotesCoop} from "./GovernorVotesCoop.sol";

/// @title CoopGovernor
/// @notice Lumbung's governor: quadratic voice-credit votes, a stakeholder-weighted tally with a
/// participation quorum per class, and execution through a TimelockController.
/// @dev Composition only; the rules live in GovernorVotesCoop (credits, eligibility, epochs,
/// proposal rights) and GovernorCountingCoop (tally, quorum, success). Voting delay, period and
/// the late-quorum extension are seconds, since the clock is timestamps.
contract CoopGovernor is
    GovernorSettings,
    GovernorCountingCoop,
    GovernorTimelockControl,
    GovernorPreventLateQuorum
{
    /// @notice Initial parameters; each is changeable later by governance.
    /// @param votingDelay Seconds from proposal to snapshot.
    /// @param votingPeriod Seconds of voting.
    /// @param proposalThreshold Contribution-token votes a member needs to propose.
    /// @param voteExtension Seconds voting stays open after quorum is first reached.
    /// @param epochLength Seconds per voice-credit epoch.
    /// @param baseCredits Credits every active member receives per epoch.
    /// @param classWeights Class weights in basis points, summing to 10 000.
    /// @param classQuorums Class participation quorums in basis points.
    /// @param tokenCreditCap The cap on the token part of voice credits.
    struct Config {
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint48 voteExtension;
        uint32 epochLength;
        uint128 baseCredits;
        uint16[CLASS_COUNT] classWeights;
        uint16[CLASS_COUNT] classQuorums;
        uint256 tokenCreditCap;
    }

    /// @notice The longest voting delay governance can set.
    uint256 public constant MAX_VOTING_DELAY = 30 days;
    /// @notice The longest voting period governance can set.
    uint256 public constant MAX_VOTING_PERIOD = 30 days;
    /// @notice The longest late-quorum extension governance can set.
    uint256 public constant MAX_VOTE_EXTENSION = 7 days;
    /// @notice The largest proposal threshold, in contribution-token votes, governance can set.
    uint256 public constant MAX_PROPOSAL_THRESHOLD = 1_000;

    /// @dev The founding voting period, or a day if that was longer: no proposal can make votes
    /// shorter than the cooperative started with.
    uint256 private immutable _minVotingPeriod;

    /// @param membership_ The member register (timestamp checkpoints).
    /// @param token_ The contribution token (ERC20Votes, timestamp clock).
    /// @param timelock_ The timelock that executes proposals and holds every admin role.
    /// @param config Initial parameters.
    constructor(IMembership membership_, IERC5805 token_, TimelockController timelock_, Config memory config)
        Governor("Lumbung CoopGovernor")
        GovernorSettings(config.votingDelay, config.votingPeriod, config.proposalThreshold)
        GovernorVotesCoop(membership_, token_, config.epochLength, config.baseCredits, config.tokenCreditCap)
        GovernorCountingCoop(config.classWeights, config.classQuorums)
        GovernorTimelockControl(timelock_)
        GovernorPreventLateQuorum(config.voteExtension)
    {
        _minVotingPeriod = config.votingPeriod < 1 days ? config.votingPeriod : 1 days;
    }

    /// @notice ERC-165: IGovernor (the stock id), ICoopGovernor, ERC-1155 receiver and ERC-165.
    /// @param interfaceId The interface id.
    /// @return True if supported.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ICoopGovernor).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc Governor
    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    /// @inheritdoc Governor
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @inheritdoc Governor
    function proposalDeadline(uint256 proposalId)
        public
        view
        override(Governor, GovernorPreventLateQuorum)
        returns (uint256)
    {
        return super.proposalDeadline(proposalId);
    }

    /// @inheritdoc Governor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc GovernorVotesCoop
    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) public override(Governor, GovernorVotesCoop) returns (uint256) {
        return super.propose(targets, values, calldatas, description);
    }

    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override(Governor, GovernorCountingCoop) returns (uint256) {
        return super._propose(targets, values, calldatas, description, proposer);
    }

    /// @dev Bounded: at most MAX_VOTING_DELAY.
    function _setVotingDelay(uint48 newVotingDelay) internal override {
        if (newVotingDelay > MAX_VOTING_DELAY) {
            revert CoopGovernorOutOfBounds("votingDelay", newVotingDelay, 0, MAX_VOTING_DELAY);
        }
        super._setVotingDelay(newVotingDelay);
    }

    /// @dev Bounded: from the founding period (at most a day) to MAX_VOTING_PERIOD. While the
    /// constructor runs, the floor is not set yet and only OpenZeppelin's "not zero" applies.
    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        if (newVotingPeriod < _minVotingPeriod || newVotingPeriod > MAX_VOTING_PERIOD) {
            revert CoopGovernorOutOfBounds("votingPeriod", newVotingPeriod, _minVotingPeriod, MAX_VOTING_PERIOD);
        }
        super._setVotingPeriod(newVotingPeriod);
    }

    /// @dev Bounded: at most MAX_PROPOSAL_THRESHOLD; stewards propose whatever it is.
    function _setProposalThreshold(uint256 newProposalThreshold) internal override {
        if (newProposalThreshold > MAX_PROPOSAL_THRESHOLD) {
            revert CoopGovernorOutOfBounds("proposalThreshold", newProposalThreshold, 0, MAX_PROPOSAL_THRESHOLD);
        }
        super._setProposalThreshold(newProposalThreshold);
    }

    /// @dev Bounded: at most MAX_VOTE_EXTENSION.
    function _setLateQuorumVoteExtension(uint48 newVoteExtension) internal override {
        if (newVoteExtension > MAX_VOTE_EXTENSION) {
            revert CoopGovernorOutOfBounds("voteExtension", newVoteExtension, 0, MAX_VOTE_EXTENSION);
        }
        super._setLateQuorumVoteExtension(newVoteExtension);
    }

    function _isValidDescriptionForProposer(address proposer, string memory description)
        internal
        view
        override(Governor, GovernorVotesCoop)
        returns (bool)
    {
        return super._isValidDescriptionForProposer(proposer, description);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
