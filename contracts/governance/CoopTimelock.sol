// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title CoopTimelock
/// @notice The cooperative's treasury and admin: an OpenZeppelin TimelockController whose own
/// settings are bounded, so that no single passed proposal can lock governance out: the delay
/// applied is at most MAX_DELAY, and the last holder of PROPOSER_ROLE (the governor) cannot lose it
/// (a new governor is granted the role first, then the old one removed).
contract CoopTimelock is TimelockController {
    /// @notice The longest delay governance can set.
    uint256 public constant MAX_DELAY = 30 days;

    uint256 private _proposerCount;

    /// @notice The initial delay is above MAX_DELAY.
    /// @param delay The refused delay.
    error CoopTimelockDelayTooLong(uint256 delay);

    /// @notice The last proposer cannot be removed: nobody could schedule anything again.
    /// @param account The proposer.
    error CoopTimelockLastProposer(address account);

    /// @param minDelay Initial delay in seconds, at most MAX_DELAY.
    /// @param proposers Initial proposers (and cancellers).
    /// @param executors Initial executors (address(0): anyone).
    /// @param admin Optional bootstrap admin (address(0) for none).
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {
        if (minDelay > MAX_DELAY) revert CoopTimelockDelayTooLong(minDelay);
    }

    /// @notice The delay operations wait for: the one governance set with `updateDelay`, bounded
    /// by MAX_DELAY (a larger value is stored as asked but applies as MAX_DELAY).
    /// @return The delay in seconds.
    function getMinDelay() public view override returns (uint256) {
        uint256 delay = super.getMinDelay();
        return delay > MAX_DELAY ? MAX_DELAY : delay;
    }

    /// @notice The number of accounts holding PROPOSER_ROLE.
    /// @return The count.
    function proposerCount() external view returns (uint256) {
        return _proposerCount;
    }

    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && role == PROPOSER_ROLE) ++_proposerCount;
    }

    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == PROPOSER_ROLE) {
            if (_proposerCount == 1) revert CoopTimelockLastProposer(account);
            --_proposerCount;
        }
    }
}
