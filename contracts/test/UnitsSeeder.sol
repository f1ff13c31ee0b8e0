// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IRevenueDistributor} from "../interfaces/IRevenueDistributor.sol";

/// @title UnitsSeeder
/// @notice Benchmark helper: gives units in a pot to many synthetic accounts in one
/// transaction, so gas can be measured with thousands of members without thousands of
/// transactions. Needs the distributor's UNITS_ROLE; never deployed outside benchmarks.
contract UnitsSeeder {
    /// @notice Adds `units` to `count` accounts derived from `salt`.
    /// @param distributor The distributor.
    /// @param potId The pot.
    /// @param salt Distinguishes batches.
    /// @param count How many accounts.
    /// @param units Units per account.
    function seed(IRevenueDistributor distributor, uint256 potId, uint256 salt, uint256 count, uint256 units)
        external
    {
        for (uint256 i = 0; i < count; ++i) {
            address account = address(uint160(uint256(keccak256(abi.encode(salt, i)))));
            distributor.addUnits(potId, account, units);
        }
    }
}
