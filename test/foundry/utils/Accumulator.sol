// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @title Accumulator
/// @notice A pool's revenue per unit in the RevenueDistributor (scaled by 1e18), which it keeps
/// private: read from its storage, `_pots` at slot 5 (`forge inspect RevenueDistributor
/// storageLayout`), accPerUnit a Pot's first word. The batch books of the model and the tests
/// are checked against it; BatchRules' test_accumulatorSlotIsThePotsAccumulator
/// pins the slot.
library Accumulator {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant POTS_SLOT = 5;

    /// @notice The accumulator of pot `potId`.
    /// @param distributor The RevenueDistributor.
    /// @param potId The pot (a pool's id).
    /// @return The accumulator.
    function read(address distributor, uint256 potId) internal view returns (uint256) {
        return uint256(vm.load(distributor, keccak256(abi.encode(potId, POTS_SLOT))));
    }
}
