// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";
import {ILumbungForwarder} from "./interfaces/ILumbungForwarder.sol";

/// @title LumbungForwarder
/// @notice OpenZeppelin's ERC2771Forwarder with governed bounds on what relaying can cost: a
/// quota of executed requests per signer and period, and a ceiling on each request's gas.
/// @dev A request is counted once the forwarder has executed it, which OpenZeppelin's
/// `_execute` shows by using the signer's nonce; a request over the quota then reverts the
/// whole transaction, the call it made included. Invalid requests skipped by a non-atomic
/// `executeBatch` use no nonce and are not counted.
contract LumbungForwarder is ILumbungForwarder, ERC2771Forwarder, AccessControl {
    /// @inheritdoc ILumbungForwarder
    uint32 public constant MAX_PERIOD = 365 days;
    /// @inheritdoc ILumbungForwarder
    uint64 public constant MAX_GAS_CEILING = 10_000_000;
    /// @notice The quota at deployment: requests per signer and period.
    uint32 public constant DEFAULT_QUOTA = 100;
    /// @notice The period at deployment, in seconds.
    uint32 public constant DEFAULT_PERIOD = 7 days;
    /// @notice The gas limit per request at deployment.
    uint64 public constant DEFAULT_MAX_GAS = 1_000_000;

    struct RelayLimits {
        uint32 quota;
        uint32 period;
        uint64 maxGas;
    }

    RelayLimits private _limits;
    /// @dev Per signer: the start of the period counted (high 128 bits) | requests in it (low 128).
    mapping(address signer => uint256) private _relayLedger;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    constructor(address admin) ERC2771Forwarder("Lumbung Forwarder") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setRelayLimits(DEFAULT_QUOTA, DEFAULT_PERIOD, DEFAULT_MAX_GAS);
    }

    /// @inheritdoc ILumbungForwarder
    function setRelayLimits(uint32 quota, uint32 period, uint64 maxGas) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRelayLimits(quota, period, maxGas);
    }

    /// @inheritdoc ILumbungForwarder
    function relayLimits() external view returns (uint32 quota, uint32 period, uint64 maxGas) {
        RelayLimits memory limits = _limits;
        return (limits.quota, limits.period, limits.maxGas);
    }

    /// @inheritdoc ILumbungForwarder
    function relaysUsed(address signer) public view returns (uint256 used, uint256 periodStart) {
        periodStart = _periodStart(_limits.period);
        used = _usedIn(_relayLedger[signer], periodStart);
    }

    /// @inheritdoc ILumbungForwarder
    function relaysLeft(address signer) external view returns (uint256 left) {
        (uint256 used,) = relaysUsed(signer);
        uint256 quota = _limits.quota;
        return used < quota ? quota - used : 0;
    }

    /// @dev Refuses a request asking for more than maxGas, executes it as OpenZeppelin does, and
    /// counts it against its signer's quota if it was executed.
    function _execute(ForwardRequestData calldata request, bool requireValidRequest)
        internal
        override
        returns (bool success)
    {
        RelayLimits memory limits = _limits;
        if (request.gas > limits.maxGas) revert LumbungForwarderGasAboveLimit(request.gas, limits.maxGas);
        uint256 nonceBefore = nonces(request.from);
        success = super._execute(request, requireValidRequest);
        if (nonces(request.from) != nonceBefore) _countRelay(request.from, limits);
    }

    function _countRelay(address signer, RelayLimits memory limits) private {
        uint256 periodStart = _periodStart(limits.period);
        uint256 used = _usedIn(_relayLedger[signer], periodStart) + 1;
        if (used > limits.quota) revert LumbungForwarderQuotaExceeded(signer, limits.quota);
        _relayLedger[signer] = (periodStart << 128) | used;
    }

    function _setRelayLimits(uint32 quota, uint32 period, uint64 maxGas) private {
        if (period == 0 || period > MAX_PERIOD || maxGas > MAX_GAS_CEILING) {
            revert LumbungForwarderInvalidLimits(quota, period, maxGas);
        }
        _limits = RelayLimits({quota: quota, period: period, maxGas: maxGas});
        emit RelayLimitsSet(quota, period, maxGas);
    }

    /// @dev The start of the current period: the timestamp rounded down to a multiple of it.
    function _periodStart(uint256 period) private view returns (uint256) {
        // Rounding down is the point: every timestamp of a period maps to its start.
        // slither-disable-next-line divide-before-multiply
        return block.timestamp / period * period;
    }

    /// @dev The requests a ledger entry counts in the period from `periodStart`.
    function _usedIn(uint256 entry, uint256 periodStart) private pure returns (uint256) {
        // The entry holds one period's count: any other period has none (equality is the key).
        // slither-disable-next-line incorrect-equality
        return entry >> 128 == periodStart ? uint128(entry) : 0;
    }
}
