// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Panic} from "@openzeppelin/contracts/utils/Panic.sol";

/// @dev The number of stakeholder classes (IMembership.StakeholderClass): the length of every
/// per-class array and the count every per-class bit layout is derived from. It is a literal
/// because solc accepts only literal arithmetic in array lengths (`type(StakeholderClass).max`
/// is refused there); test/foundry/units/ClassLayoutBounds.t.sol pins it to the enum.
uint256 constant CLASS_COUNT = 4;

/// @title ClassLayout
/// @notice Where a class's field lies in a word that holds one field per class, for any number
/// of classes.
/// @dev The per-class packed words (ClassRules, ClassSizes; Membership's voucher words alike)
/// derive their offsets from the class count. For CLASS_COUNT, each asserts when compiling that
/// its layout fits, and its getters index without a check (callers index by class); the `...In`
/// forms, which take the count as a parameter, check both the layout and the index here.
library ClassLayout {
    uint256 private constant _WORD_BITS = 256;

    /// @notice The bit offset of class `c`'s field among `count` fields of `bits` bits that
    /// start at bit `base`, in a 256-bit word whose top `bitsAbove` bits hold other fields.
    /// @dev Panics with RESOURCE_ERROR if the `count` fields do not fit between `base` and the
    /// fields above them, and with ARRAY_OUT_OF_BOUNDS if `c` is not below `count`.
    /// @param base The offset of class 0's field.
    /// @param bits The width of one field.
    /// @param count The number of classes the word holds.
    /// @param bitsAbove The bits the word keeps above the class fields.
    /// @param c The class.
    /// @return The offset of class c's field.
    function fieldOffset(uint256 base, uint256 bits, uint256 count, uint256 bitsAbove, uint256 c)
        internal
        pure
        returns (uint256)
    {
        if (!fits(base, bits, count, bitsAbove)) Panic.panic(Panic.RESOURCE_ERROR);
        if (c >= count) Panic.panic(Panic.ARRAY_OUT_OF_BOUNDS);
        return base + bits * c;
    }

    /// @notice Whether `count` fields of `bits` bits from bit `base` leave `bitsAbove` bits of
    /// the word free above them.
    /// @param base The offset of class 0's field.
    /// @param bits The width of one field.
    /// @param count The number of classes.
    /// @param bitsAbove The bits the word keeps above the class fields.
    /// @return True if the layout fits one word.
    function fits(uint256 base, uint256 bits, uint256 count, uint256 bitsAbove) internal pure returns (bool) {
        return base + bits * count + bitsAbove <= _WORD_BITS;
    }
}
