// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title BaselineGovernor
/// @notice Benchmark only: the stock OpenZeppelin Governor with GovernorCountingSimple and
/// GovernorVotes, the yardstick for CoopGovernor's castVote gas (oz_castVote_baseline).
contract BaselineGovernor is Governor, GovernorCountingSimple, GovernorVotes {
    uint256 private immutable _votingDelay;
    uint256 private immutable _votingPeriod;

    /// @param token_ The ERC20Votes token.
    /// @param votingDelay_ Seconds from proposal to snapshot.
    /// @param votingPeriod_ Seconds of voting.
    constructor(IVotes token_, uint256 votingDelay_, uint256 votingPeriod_)
        Governor("Baseline Governor")
        GovernorVotes(token_)
    {
        _votingDelay = votingDelay_;
        _votingPeriod = votingPeriod_;
    }

    /// @inheritdoc Governor
    function votingDelay() public view override returns (uint256) {
        return _votingDelay;
    }

    /// @inheritdoc Governor
    function votingPeriod() public view override returns (uint256) {
        return _votingPeriod;
    }

    /// @notice No quorum: the baseline measures vote casting, not outcomes.
    /// @return Zero.
    function quorum(uint256) public pure override returns (uint256) {
        return 0;
    }
}
