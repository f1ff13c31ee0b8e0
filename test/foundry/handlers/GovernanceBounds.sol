// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {GovernanceModel} from "./GovernanceModel.sol";

/// @title GovernanceBounds
/// @notice The bounds of every governed setting as docs/threat-model.md states them (written
/// here, not read from the contracts), for the development configuration the suites deploy
/// (founding voting period 600 s, founding epoch a day), and the error a setter must give for
/// a value outside them.
library GovernanceBounds {
    uint256 internal constant MAX_VOTING_DELAY = 30 days;
    uint256 internal constant MIN_VOTING_PERIOD = 600;
    uint256 internal constant MAX_VOTING_PERIOD = 30 days;
    uint256 internal constant MAX_THRESHOLD = 1_000;
    uint256 internal constant MAX_VOTE_EXTENSION = 7 days;
    uint256 internal constant MIN_BASE_CREDITS = 1;
    uint256 internal constant MAX_BASE_CREDITS = 1_000_000;
    uint256 internal constant MAX_TOKEN_CAP = 1_000_000;
    uint256 internal constant MIN_EPOCH_LENGTH = 1 days;
    uint256 internal constant MAX_EPOCH_LENGTH = 365 days;
    uint256 internal constant MIN_CLASS_WEIGHT = 500;
    uint256 internal constant MAX_CLASS_WEIGHT = 7_000;
    uint256 internal constant WEIGHT_TOTAL = 10_000;
    uint256 internal constant MAX_CLASS_QUORUM = 5_000;
    uint256 internal constant MAX_TIMELOCK_DELAY = 30 days;

    /// @notice The revert data of a setter given `value` (or `values`), empty if it is within
    /// bounds. The timelock's delay is never refused: it applies as at most 30 days.
    function refusal(GovernanceModel.Setter setter, uint256 value, uint16[4] memory values)
        internal
        pure
        returns (bytes memory)
    {
        if (setter == GovernanceModel.Setter.VOTING_DELAY && value > MAX_VOTING_DELAY) {
            return outOfBounds("votingDelay", value, 0, MAX_VOTING_DELAY);
        }
        if (setter == GovernanceModel.Setter.VOTING_PERIOD && (value < MIN_VOTING_PERIOD || value > MAX_VOTING_PERIOD))
        {
            return outOfBounds("votingPeriod", value, MIN_VOTING_PERIOD, MAX_VOTING_PERIOD);
        }
        if (setter == GovernanceModel.Setter.THRESHOLD && value > MAX_THRESHOLD) {
            return outOfBounds("proposalThreshold", value, 0, MAX_THRESHOLD);
        }
        if (setter == GovernanceModel.Setter.EXTENSION && value > MAX_VOTE_EXTENSION) {
            return outOfBounds("voteExtension", value, 0, MAX_VOTE_EXTENSION);
        }
        if (setter == GovernanceModel.Setter.BASE_CREDITS && (value < MIN_BASE_CREDITS || value > MAX_BASE_CREDITS)) {
            return outOfBounds("baseCredits", value, MIN_BASE_CREDITS, MAX_BASE_CREDITS);
        }
        if (setter == GovernanceModel.Setter.TOKEN_CAP && value > MAX_TOKEN_CAP) {
            return outOfBounds("tokenCreditCap", value, 0, MAX_TOKEN_CAP);
        }
        if (setter == GovernanceModel.Setter.EPOCH_LENGTH && (value < MIN_EPOCH_LENGTH || value > MAX_EPOCH_LENGTH)) {
            return abi.encodeWithSelector(ICoopGovernor.CoopGovernorInvalidEpochLength.selector, value);
        }
        if (setter == GovernanceModel.Setter.WEIGHTS) return _weightsRefusal(values);
        if (setter == GovernanceModel.Setter.QUORUMS) return _quorumsRefusal(values);
        return "";
    }

    function outOfBounds(string memory setting, uint256 value, uint256 min, uint256 max)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(ICoopGovernor.CoopGovernorOutOfBounds.selector, setting, value, min, max);
    }

    /// @notice Each weight within its bounds and the four summing to 10 000.
    function weightsValid(uint16[4] memory weights) internal pure returns (bool) {
        return _weightsRefusal(weights).length == 0;
    }

    /// @notice Each quorum at most 5 000.
    function quorumsValid(uint16[4] memory quorums) internal pure returns (bool) {
        return _quorumsRefusal(quorums).length == 0;
    }

    function _weightsRefusal(uint16[4] memory weights) private pure returns (bytes memory) {
        uint256 total;
        for (uint256 c = 0; c < 4; ++c) {
            if (weights[c] < MIN_CLASS_WEIGHT || weights[c] > MAX_CLASS_WEIGHT) {
                return outOfBounds("classWeight", weights[c], MIN_CLASS_WEIGHT, MAX_CLASS_WEIGHT);
            }
            total += weights[c];
        }
        if (total != WEIGHT_TOTAL) {
            return abi.encodeWithSelector(ICoopGovernor.CoopGovernorInvalidClassWeights.selector, total);
        }
        return "";
    }

    function _quorumsRefusal(uint16[4] memory quorums) private pure returns (bytes memory) {
        for (uint256 c = 0; c < 4; ++c) {
            if (quorums[c] > MAX_CLASS_QUORUM) {
                return abi.encodeWithSelector(
                    ICoopGovernor.CoopGovernorInvalidClassQuorum.selector, IMembership.StakeholderClass(c), quorums[c]
                );
            }
        }
        return "";
    }
}
