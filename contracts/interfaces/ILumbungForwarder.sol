// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title ILumbungForwarder
/// @notice The cooperative's ERC-2771 forwarder: a member signs an EIP-712 ForwardRequest
/// (OpenZeppelin's, domain "Lumbung Forwarder" version "1") and the cooperative's gas relayer
/// sends it, so members never need ether. The registry, the distributor and the membership
/// register trust it and credit the signer. What the relayer can be made to pay for is bounded
/// by governance: each signer has a quota of executed requests per period, and a request may ask
/// for at most maxGas. Requests are counted whoever relays them; a member can always act
/// directly instead, without a quota.
interface ILumbungForwarder {
    /// @notice The admin (the timelock) set the relay limits.
    /// @param quota Requests each signer may have executed per period (0 stops relaying).
    /// @param period The period's length in seconds; periods start at multiples of it.
    /// @param maxGas The most gas a request may ask for.
    event RelayLimitsSet(uint32 quota, uint32 period, uint64 maxGas);

    /// @notice The signer has had its quota of requests executed this period.
    /// @param signer The request's signer.
    /// @param quota The quota per period.
    error LumbungForwarderQuotaExceeded(address signer, uint256 quota);

    /// @notice The request asks for more gas than the forwarder relays.
    /// @param gas The request's gas.
    /// @param maxGas The limit.
    error LumbungForwarderGasAboveLimit(uint256 gas, uint256 maxGas);

    /// @notice The period must be from 1 to MAX_PERIOD seconds and maxGas at most MAX_GAS_CEILING.
    /// @param quota The refused quota.
    /// @param period The refused period.
    /// @param maxGas The refused gas limit.
    error LumbungForwarderInvalidLimits(uint32 quota, uint32 period, uint64 maxGas);

    /// @notice The longest period governance can set, in seconds.
    /// @return The bound.
    function MAX_PERIOD() external view returns (uint32);

    /// @notice The highest maxGas governance can set.
    /// @return The bound.
    function MAX_GAS_CEILING() external view returns (uint64);

    /// @notice Sets the relay limits; for the admin (the timelock). Bounded: period from 1 to
    /// MAX_PERIOD seconds, maxGas at most MAX_GAS_CEILING; counts made in the current period
    /// carry over when the period's length is unchanged.
    /// @param quota Requests each signer may have executed per period (0 stops relaying).
    /// @param period The period's length in seconds.
    /// @param maxGas The most gas a request may ask for.
    function setRelayLimits(uint32 quota, uint32 period, uint64 maxGas) external;

    /// @notice The relay limits.
    /// @return quota Requests each signer may have executed per period.
    /// @return period The period's length in seconds.
    /// @return maxGas The most gas a request may ask for.
    function relayLimits() external view returns (uint32 quota, uint32 period, uint64 maxGas);

    /// @notice A signer's requests executed in the current period.
    /// @param signer The signer.
    /// @return used Requests executed this period.
    /// @return periodStart The timestamp the current period started at.
    function relaysUsed(address signer) external view returns (uint256 used, uint256 periodStart);

    /// @notice How many more of a signer's requests may be executed this period.
    /// @param signer The signer.
    /// @return left The quota minus the requests used (0 when none are left).
    function relaysLeft(address signer) external view returns (uint256 left);
}
