// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CLASS_COUNT, ClassLayout} from "../types/ClassLayout.sol";
import {ClassRules} from "../types/ClassRules.sol";
import {ClassSizes} from "../types/ClassSizes.sol";

/// @title ClassLayoutHarness
/// @notice Exposes the per-class packed words for a class count of the test's choosing (the
/// `...In` accessors, with `classCount`), next to the governor's own accessors (CLASS_COUNT).
contract ClassLayoutHarness {
    /// @notice The class count the `...In` accessors are called with.
    uint256 public immutable classCount;

    /// @param count The class count.
    constructor(uint256 count) {
        classCount = count;
    }

    /// @notice ClassLayout.fieldOffset.
    /// @param base The offset of class 0's field.
    /// @param bits The width of one field.
    /// @param count The number of classes.
    /// @param bitsAbove The bits kept above the class fields.
    /// @param c The class.
    /// @return The offset.
    function fieldOffset(uint256 base, uint256 bits, uint256 count, uint256 bitsAbove, uint256 c)
        external
        pure
        returns (uint256)
    {
        return ClassLayout.fieldOffset(base, bits, count, bitsAbove, c);
    }

    /// @notice ClassRules.weightIn with `classCount`.
    /// @param rules The word.
    /// @param c The class.
    /// @return The weight.
    function weightIn(uint256 rules, uint256 c) external view returns (uint256) {
        return ClassRules.wrap(rules).weightIn(classCount, c);
    }

    /// @notice ClassRules.quorumIn with `classCount`.
    /// @param rules The word.
    /// @param c The class.
    /// @return The quorum.
    function quorumIn(uint256 rules, uint256 c) external view returns (uint256) {
        return ClassRules.wrap(rules).quorumIn(classCount, c);
    }

    /// @notice ClassRules.withWeightIn with `classCount`.
    /// @param rules The word.
    /// @param c The class.
    /// @param value The weight.
    /// @return The new word.
    function withWeightIn(uint256 rules, uint256 c, uint16 value) external view returns (uint256) {
        return ClassRules.unwrap(ClassRules.wrap(rules).withWeightIn(classCount, c, value));
    }

    /// @notice ClassRules.withQuorumIn with `classCount`.
    /// @param rules The word.
    /// @param c The class.
    /// @param value The quorum.
    /// @return The new word.
    function withQuorumIn(uint256 rules, uint256 c, uint16 value) external view returns (uint256) {
        return ClassRules.unwrap(ClassRules.wrap(rules).withQuorumIn(classCount, c, value));
    }

    /// @notice ClassSizes.sizeIn with `classCount`.
    /// @param sizes The word.
    /// @param c The class.
    /// @return The size.
    function sizeIn(uint256 sizes, uint256 c) external view returns (uint256) {
        return ClassSizes.wrap(sizes).sizeIn(classCount, c);
    }

    /// @notice ClassSizes.withSizeIn with `classCount`.
    /// @param sizes The word.
    /// @param c The class.
    /// @param value The size.
    /// @return The new word.
    function withSizeIn(uint256 sizes, uint256 c, uint256 value) external view returns (uint256) {
        return ClassSizes.unwrap(ClassSizes.wrap(sizes).withSizeIn(classCount, c, value));
    }

    /// @notice The governor's ClassRules getters for class `c`.
    /// @param rules The word.
    /// @param c The class.
    /// @return weight The weight.
    /// @return quorum The quorum.
    function rulesOf(uint256 rules, uint256 c) external pure returns (uint256 weight, uint256 quorum) {
        return (ClassRules.wrap(rules).weight(c), ClassRules.wrap(rules).quorum(c));
    }

    /// @notice The governor's ClassRules setters of every class, then its array getters.
    /// @param rules The word.
    /// @param weights The weights.
    /// @param quorums The quorums.
    /// @return packed The new word.
    /// @return weightsBack The weights read back.
    /// @return quorumsBack The quorums read back.
    function withRules(uint256 rules, uint16[CLASS_COUNT] memory weights, uint16[CLASS_COUNT] memory quorums)
        external
        pure
        returns (uint256 packed, uint16[CLASS_COUNT] memory weightsBack, uint16[CLASS_COUNT] memory quorumsBack)
    {
        ClassRules word = ClassRules.wrap(rules).withWeights(weights).withQuorums(quorums);
        return (ClassRules.unwrap(word), word.weights(), word.quorums());
    }

    /// @notice The governor's ClassSizes getter.
    /// @param sizes The word.
    /// @param c The class.
    /// @return The size.
    function size(uint256 sizes, uint256 c) external pure returns (uint256) {
        return ClassSizes.wrap(sizes).size(c);
    }

    /// @notice The governor's ClassSizes setter.
    /// @param sizes The word.
    /// @param c The class.
    /// @param value The size.
    /// @return The new word.
    function withSize(uint256 sizes, uint256 c, uint256 value) external pure returns (uint256) {
        return ClassSizes.unwrap(ClassSizes.wrap(sizes).withSize(c, value));
    }
}
