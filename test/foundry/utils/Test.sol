// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Bounds} from "./Bounds.sol";
import {Vm} from "./Vm.sol";

/// @title Test
/// @notice The little of forge-std these suites need: the cheatcodes, `bound`, and the target
/// lists that forge reads from an invariant test (the getters' names and return types are the
/// ABI forge looks for, as in forge-std's StdInvariant).
abstract contract Test {
    /// @notice A contract and the functions of it that the invariant fuzzer may call.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address[] private _targetedContracts;
    FuzzSelector[] private _targetedSelectors;

    /// @notice Read by forge: the only contracts the invariant fuzzer calls.
    /// @return The targets.
    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    /// @notice Read by forge: the functions of each target it calls.
    /// @return The selectors per target.
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }

    /// @dev Restricts the fuzzer to `target`'s `selectors`.
    function targetHandler(address target, bytes4[] memory selectors) internal {
        _targetedContracts.push(target);
        _targetedSelectors.push(FuzzSelector({addr: target, selectors: selectors}));
    }

    /// @dev `x` mapped into [lo, hi], keeping values already inside unchanged (forge-std's rule),
    /// so the fuzzer's edge values reach the bounds.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return Bounds.bound(x, lo, hi);
    }
}
