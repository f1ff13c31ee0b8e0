// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CLASS_COUNT, ClassLayout} from "./ClassLayout.sol";

/// @dev The member count of each class, 31 bits per class, in the upper part of a word whose
/// low 80 bits and top bit belong to the word that carries the counts (a Ballot, or a proposal's
/// quorum exclusions, whose low 48 bits hold the time they were read).
///
/// Layout, from the least significant bit, for `count` classes (CLASS_COUNT in the governor):
/// carrier's fields (80 bits) | size of class c at 80 + 31 · c | carrier's top bit (255).
///
/// Five classes still fit (80 + 5 · 31 = 235 bits); six would reach the top bit: solc refuses
/// this file for such a CLASS_COUNT, and the `...In` accessors revert for such a count.
type ClassSizes is uint256;

using ClassSizesLibrary for ClassSizes global;

/// @title ClassSizesLibrary
/// @notice Getters and setters of the ClassSizes word. The `...In` forms take the class count
/// as a parameter (the layout of any count) and check it and the class; the others use
/// CLASS_COUNT, whose layout is asserted when compiling, and take the class on trust.
library ClassSizesLibrary {
    /// @notice The offset of class 0's size: the carrier's own fields lie below.
    uint256 internal constant SIZES_OFFSET = 80;
    /// @notice The width of one class size.
    uint256 internal constant SIZE_BITS = 31;
    /// @notice The largest class size the word holds.
    uint256 internal constant MAX_SIZE = (1 << SIZE_BITS) - 1;
    /// @notice The bits the carrier keeps above the sizes.
    uint256 internal constant CARRIER_TOP_BITS = 1;

    uint256 private constant _WORD_BITS = 256;

    /// @dev Asserted when compiling: solc computes array lengths then and refuses a negative
    /// one, which this is if the sizes of CLASS_COUNT classes reach the carrier's top bit.
    struct LayoutFitsOneWord {
        bool[_WORD_BITS - SIZES_OFFSET - SIZE_BITS * CLASS_COUNT - CARRIER_TOP_BITS + 1] assertion;
    }

    /// @notice The bit offset of class `c`'s size in the layout of `count` classes.
    /// @param count The number of classes.
    /// @param c The class.
    /// @return The offset.
    function sizeOffset(uint256 count, uint256 c) internal pure returns (uint256) {
        return ClassLayout.fieldOffset(SIZES_OFFSET, SIZE_BITS, count, CARRIER_TOP_BITS, c);
    }

    /// @notice Class `c`'s member count.
    /// @param sizes The word.
    /// @param c The class, below CLASS_COUNT.
    /// @return The count.
    function size(ClassSizes sizes, uint256 c) internal pure returns (uint256) {
        // c < CLASS_COUNT, whose layout fits the word: the offset is below 256.
        unchecked {
            return (ClassSizes.unwrap(sizes) >> (SIZES_OFFSET + SIZE_BITS * c)) & MAX_SIZE;
        }
    }

    /// @notice The word with class `c`'s member count set.
    /// @dev Reverts with SafeCast's downcast error if the count does not fit 31 bits.
    /// @param sizes The word.
    /// @param c The class, below CLASS_COUNT.
    /// @param value The count.
    /// @return The new word.
    function withSize(ClassSizes sizes, uint256 c, uint256 value) internal pure returns (ClassSizes) {
        return _withField(sizes, SIZES_OFFSET + SIZE_BITS * c, value);
    }

    /// @notice Class `c`'s member count in the layout of `count` classes.
    /// @param sizes The word.
    /// @param count The number of classes.
    /// @param c The class.
    /// @return The count.
    function sizeIn(ClassSizes sizes, uint256 count, uint256 c) internal pure returns (uint256) {
        return _field(sizes, sizeOffset(count, c));
    }

    /// @notice The word with class `c`'s member count set, in the layout of `count` classes.
    /// @dev Reverts with SafeCast's downcast error if the count does not fit 31 bits.
    /// @param sizes The word.
    /// @param count The number of classes.
    /// @param c The class.
    /// @param value The count.
    /// @return The new word.
    function withSizeIn(ClassSizes sizes, uint256 count, uint256 c, uint256 value) internal pure returns (ClassSizes) {
        if (value > MAX_SIZE) revert SafeCast.SafeCastOverflowedUintDowncast(uint8(SIZE_BITS), value);
        uint256 offset = sizeOffset(count, c);
        uint256 cleared = ClassSizes.unwrap(sizes) & ~(MAX_SIZE << offset);
        return ClassSizes.wrap(cleared | (value << offset));
    }

    /// @notice Every class's count less the other word's, down to zero; the carrier's fields
    /// are left clear.
    /// @param sizes The word.
    /// @param other The counts to take away.
    /// @return reduced The new word.
    function saturatingSub(ClassSizes sizes, ClassSizes other) internal pure returns (ClassSizes reduced) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            uint256 have = size(sizes, c);
            uint256 less = size(other, c);
            reduced = withSize(reduced, c, have > less ? have - less : 0);
        }
    }

    /// @notice The time stamped in the carrier's low 48 bits.
    /// @param sizes The word.
    /// @return The timepoint.
    function timepoint(ClassSizes sizes) internal pure returns (uint48) {
        return uint48(ClassSizes.unwrap(sizes));
    }

    /// @notice The word with `when` stamped in the carrier's low 48 bits.
    /// @param sizes The word, whose low 48 bits are clear.
    /// @param when The timepoint.
    /// @return The new word.
    function withTimepoint(ClassSizes sizes, uint48 when) internal pure returns (ClassSizes) {
        return ClassSizes.wrap(ClassSizes.unwrap(sizes) | when);
    }

    /// @notice Whether the word holds nothing.
    /// @param sizes The word.
    /// @return True if every bit is clear.
    function isEmpty(ClassSizes sizes) internal pure returns (bool) {
        return ClassSizes.unwrap(sizes) == 0;
    }

    function _field(ClassSizes sizes, uint256 offset) private pure returns (uint256) {
        return (ClassSizes.unwrap(sizes) >> offset) & MAX_SIZE;
    }

    function _withField(ClassSizes sizes, uint256 offset, uint256 value) private pure returns (ClassSizes) {
        if (value > MAX_SIZE) revert SafeCast.SafeCastOverflowedUintDowncast(uint8(SIZE_BITS), value);
        uint256 cleared = ClassSizes.unwrap(sizes) & ~(MAX_SIZE << offset);
        return ClassSizes.wrap(cleared | (value << offset));
    }
}
