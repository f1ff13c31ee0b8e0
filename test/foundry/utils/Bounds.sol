// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title Bounds
/// @notice `bound` for contracts that are not tests (the handlers).
library Bounds {
    /// @notice Maps `x` into [lo, hi]; values already inside are kept.
    /// @param x Any value.
    /// @param lo The lower bound.
    /// @param hi The upper bound, at least `lo`.
    /// @return The bounded value.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        require(lo <= hi, "Bounds: lo > hi");
        if (x >= lo && x <= hi) return x;
        uint256 size = hi - lo;
        if (size == type(uint256).max) return x;
        return lo + x % (size + 1);
    }
}
