// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CLASS_COUNT, ClassLayout} from "./ClassLayout.sol";

/// @dev A proposal's class rules in one word: the class weights, then the class participation
/// quorums, each a 16-bit number of basis points.
///
/// Layout, from the least significant bit, for `count` classes (CLASS_COUNT in the governor):
/// weight of class c at 16 · c | quorum of class c at 16 · count + 16 · c | zero above 32 · count.
///
/// The quorums' offset is derived from the count, so a further class moves them up instead of
/// writing over them; a count above 8 no longer fits the word: solc refuses this file for such a
/// CLASS_COUNT, and the `...In` accessors revert for such a count.
type ClassRules is uint256;

using ClassRulesLibrary for ClassRules global;

/// @title ClassRulesLibrary
/// @notice Getters and setters of the ClassRules word. The `...In` forms take the class count
/// as a parameter (the layout of any count) and check it and the class; the others use
/// CLASS_COUNT, whose layout is asserted when compiling, and take the class on trust.
library ClassRulesLibrary {
    /// @notice The width of one weight or quorum field.
    uint256 internal constant FIELD_BITS = 16;
    uint256 private constant _FIELD_MASK = (1 << FIELD_BITS) - 1;
    uint256 private constant _WORD_BITS = 256;

    /// @dev Asserted when compiling: solc computes array lengths then and refuses a negative
    /// one, which this is if the weights and quorums of CLASS_COUNT classes outgrow the word.
    struct LayoutFitsOneWord {
        bool[_WORD_BITS - 2 * FIELD_BITS * CLASS_COUNT + 1] assertion;
    }

    /// @notice The bit offset of class `c`'s weight in the layout of `count` classes.
    /// @param count The number of classes.
    /// @param c The class.
    /// @return The offset.
    function weightOffset(uint256 count, uint256 c) internal pure returns (uint256) {
        return ClassLayout.fieldOffset(0, FIELD_BITS, count, FIELD_BITS * count, c);
    }

    /// @notice The bit offset of class `c`'s quorum in the layout of `count` classes.
    /// @param count The number of classes.
    /// @param c The class.
    /// @return The offset.
    function quorumOffset(uint256 count, uint256 c) internal pure returns (uint256) {
        return ClassLayout.fieldOffset(FIELD_BITS * count, FIELD_BITS, count, 0, c);
    }

    /// @notice Class `c`'s weight in basis points.
    /// @param rules The word.
    /// @param c The class, below CLASS_COUNT.
    /// @return The weight.
    function weight(ClassRules rules, uint256 c) internal pure returns (uint256) {
        // c < CLASS_COUNT, whose layout fits the word: the offset is below 256.
        unchecked {
            return (ClassRules.unwrap(rules) >> (FIELD_BITS * c)) & _FIELD_MASK;
        }
    }

    /// @notice Class `c`'s participation quorum in basis points.
    /// @param rules The word.
    /// @param c The class, below CLASS_COUNT.
    /// @return The quorum.
    function quorum(ClassRules rules, uint256 c) internal pure returns (uint256) {
        // c < CLASS_COUNT, whose layout fits the word: the offset is below 256.
        unchecked {
            return (ClassRules.unwrap(rules) >> (FIELD_BITS * (CLASS_COUNT + c))) & _FIELD_MASK;
        }
    }

    /// @notice Class `c`'s weight in the layout of `count` classes.
    /// @param rules The word.
    /// @param count The number of classes.
    /// @param c The class.
    /// @return The weight.
    function weightIn(ClassRules rules, uint256 count, uint256 c) internal pure returns (uint256) {
        return _field(rules, weightOffset(count, c));
    }

    /// @notice Class `c`'s quorum in the layout of `count` classes.
    /// @param rules The word.
    /// @param count The number of classes.
    /// @param c The class.
    /// @return The quorum.
    function quorumIn(ClassRules rules, uint256 count, uint256 c) internal pure returns (uint256) {
        return _field(rules, quorumOffset(count, c));
    }

    /// @notice The word with class `c`'s weight set, in the layout of `count` classes.
    /// @param rules The word.
    /// @param count The number of classes.
    /// @param c The class.
    /// @param value The weight.
    /// @return The new word.
    function withWeightIn(ClassRules rules, uint256 count, uint256 c, uint16 value) internal pure returns (ClassRules) {
        return _withField(rules, weightOffset(count, c), value);
    }

    /// @notice The word with class `c`'s quorum set, in the layout of `count` classes.
    /// @param rules The word.
    /// @param count The number of classes.
    /// @param c The class.
    /// @param value The quorum.
    /// @return The new word.
    function withQuorumIn(ClassRules rules, uint256 count, uint256 c, uint16 value) internal pure returns (ClassRules) {
        return _withField(rules, quorumOffset(count, c), value);
    }

    /// @notice All class weights.
    /// @param rules The word.
    /// @return values The weights, indexed by class.
    function weights(ClassRules rules) internal pure returns (uint16[CLASS_COUNT] memory values) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            values[c] = uint16(weight(rules, c));
        }
    }

    /// @notice All class quorums.
    /// @param rules The word.
    /// @return values The quorums, indexed by class.
    function quorums(ClassRules rules) internal pure returns (uint16[CLASS_COUNT] memory values) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            values[c] = uint16(quorum(rules, c));
        }
    }

    /// @notice The word with every class weight replaced.
    /// @param rules The word.
    /// @param values The weights, indexed by class.
    /// @return The new word.
    function withWeights(ClassRules rules, uint16[CLASS_COUNT] memory values) internal pure returns (ClassRules) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            rules = _withField(rules, FIELD_BITS * c, values[c]);
        }
        return rules;
    }

    /// @notice The word with every class quorum replaced.
    /// @param rules The word.
    /// @param values The quorums, indexed by class.
    /// @return The new word.
    function withQuorums(ClassRules rules, uint16[CLASS_COUNT] memory values) internal pure returns (ClassRules) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            rules = _withField(rules, FIELD_BITS * (CLASS_COUNT + c), values[c]);
        }
        return rules;
    }

    function _field(ClassRules rules, uint256 offset) private pure returns (uint256) {
        return (ClassRules.unwrap(rules) >> offset) & _FIELD_MASK;
    }

    function _withField(ClassRules rules, uint256 offset, uint16 value) private pure returns (ClassRules) {
        uint256 cleared = ClassRules.unwrap(rules) & ~(_FIELD_MASK << offset);
        return ClassRules.wrap(cleared | (uint256(value) << offset));
    }
}
