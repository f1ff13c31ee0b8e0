// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Panic} from "@openzeppelin/contracts/utils/Panic.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {ClassLayoutHarness} from "../../../contracts/test/ClassLayoutHarness.sol";
import {CLASS_COUNT} from "../../../contracts/types/ClassLayout.sol";
import {ClassRulesLibrary} from "../../../contracts/types/ClassRules.sol";
import {ClassSizesLibrary} from "../../../contracts/types/ClassSizes.sol";
import {Test} from "../utils/Test.sol";

/// @title ClassLayoutBounds
/// @notice The per-class packed words against the class count: CLASS_COUNT is the enum's size;
/// for every count that fits a word, each class's weight, quorum and size packs and unpacks
/// without touching another field; an index past the count, or a count past the word, reverts
/// instead. A fifth class moves the quorums up rather than writing over them, and the layout
/// this replaced (quorums fixed at bit 64) is refused for five classes.
contract ClassLayoutBounds is Test {
    uint256 internal constant RULES_FIELD = 16;
    uint256 internal constant MAX_RULES_COUNT = 256 / (2 * RULES_FIELD);
    uint256 internal constant MAX_SIZES_COUNT = 5;
    uint256 internal constant OLD_QUORUMS_SHIFT = 64;

    ClassLayoutHarness internal governorCount;

    function setUp() public {
        governorCount = new ClassLayoutHarness(CLASS_COUNT);
    }

    function test_classCountIsTheNumberOfStakeholderClasses() public pure {
        vm.assertEq(CLASS_COUNT, uint256(type(IMembership.StakeholderClass).max) + 1, "CLASS_COUNT");
    }

    /// @notice The inequalities each layout of CLASS_COUNT classes must meet (asserted by solc
    /// as well): the weights end where the quorums start, the quorums within the word, the
    /// sizes below the ballot's assigned bit, the voucher counts within the word.
    function test_layoutsOfTheClassCountDoNotOverlap() public view {
        uint256 last = CLASS_COUNT - 1;
        uint256 weightsEnd = governorCount.fieldOffset(0, RULES_FIELD, CLASS_COUNT, 0, last) + RULES_FIELD;
        vm.assertLe(weightsEnd, _quorumOffset(governorCount, 0), "weights below the quorums");
        vm.assertLe(_quorumOffset(governorCount, last) + RULES_FIELD, 256, "quorums within the word");
        uint256 sizesEnd = _sizeOffset(governorCount, last) + ClassSizesLibrary.SIZE_BITS;
        vm.assertLe(sizesEnd, 255, "sizes below the ballot's assigned bit");
        vm.assertLe(CLASS_COUNT * 32, 256, "voucher counts within the word");
        vm.assertEq(ClassRulesLibrary.FIELD_BITS, RULES_FIELD, "16-bit weights and quorums");
    }

    /// @notice For any count that fits, a class's weight and quorum read back as written and
    /// every other class's fields, and every bit outside the two written, are left as they were.
    function testFuzz_rulesPackWithoutOverlap(
        uint256 countSeed,
        uint256 word,
        uint256 cSeed,
        uint16 weight,
        uint16 quorum
    ) public {
        ClassLayoutHarness harness = new ClassLayoutHarness(bound(countSeed, 1, MAX_RULES_COUNT));
        uint256 count = harness.classCount();
        uint256 c = bound(cSeed, 0, count - 1);
        uint256 packed = harness.withQuorumIn(harness.withWeightIn(word, c, weight), c, quorum);
        vm.assertEq(packed, harness.withWeightIn(harness.withQuorumIn(word, c, quorum), c, weight), "order");
        vm.assertEq(harness.weightIn(packed, c), weight, "weight back");
        vm.assertEq(harness.quorumIn(packed, c), quorum, "quorum back");
        for (uint256 i = 0; i < count; ++i) {
            if (i == c) continue;
            vm.assertEq(harness.weightIn(packed, i), harness.weightIn(word, i), "other weight kept");
            vm.assertEq(harness.quorumIn(packed, i), harness.quorumIn(word, i), "other quorum kept");
        }
        uint256 mask = (type(uint256).max >> (256 - RULES_FIELD));
        uint256 written = (mask << (RULES_FIELD * c)) | (mask << _quorumOffset(harness, c));
        vm.assertEq(packed & ~written, word & ~written, "no other bit written");
    }

    /// @notice For any count that fits, a class's size reads back as written, and the carrier's
    /// fields and the other classes' sizes are left as they were.
    function testFuzz_sizesPackWithoutOverlap(uint256 countSeed, uint256 word, uint256 cSeed, uint256 valueSeed)
        public
    {
        ClassLayoutHarness harness = new ClassLayoutHarness(bound(countSeed, 1, MAX_SIZES_COUNT));
        uint256 count = harness.classCount();
        uint256 c = bound(cSeed, 0, count - 1);
        uint256 value = bound(valueSeed, 0, ClassSizesLibrary.MAX_SIZE);
        uint256 packed = harness.withSizeIn(word, c, value);
        vm.assertEq(harness.sizeIn(packed, c), value, "size back");
        for (uint256 i = 0; i < count; ++i) {
            if (i != c) vm.assertEq(harness.sizeIn(packed, i), harness.sizeIn(word, i), "other size kept");
        }
        uint256 written = ClassSizesLibrary.MAX_SIZE << _sizeOffset(harness, c);
        vm.assertEq(packed & ~written, word & ~written, "no other bit written");
    }

    /// @notice The governor's accessors (CLASS_COUNT, class taken on trust) agree with the
    /// checked ones, and its array setters and getters round-trip.
    function testFuzz_governorAccessorsFollowTheCheckedLayout(
        uint256 word,
        uint16[CLASS_COUNT] memory weights,
        uint16[CLASS_COUNT] memory quorums,
        uint256 sizeSeed
    ) public view {
        (uint256 packed, uint16[CLASS_COUNT] memory weightsBack, uint16[CLASS_COUNT] memory quorumsBack) =
            governorCount.withRules(word, weights, quorums);
        uint256 sizes = word;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            vm.assertEq(weightsBack[c], weights[c], "weights back");
            vm.assertEq(quorumsBack[c], quorums[c], "quorums back");
            (uint256 weight, uint256 quorum) = governorCount.rulesOf(packed, c);
            vm.assertEq(weight, governorCount.weightIn(packed, c), "weight as checked");
            vm.assertEq(quorum, governorCount.quorumIn(packed, c), "quorum as checked");
            uint256 value = uint256(keccak256(abi.encode(sizeSeed, c))) & ClassSizesLibrary.MAX_SIZE;
            sizes = governorCount.withSize(sizes, c, value);
            vm.assertEq(sizes, governorCount.withSizeIn(_withSizeCleared(sizes, c), c, value), "size as checked");
            vm.assertEq(governorCount.size(sizes, c), value, "size back");
        }
        vm.assertEq(packed >> (2 * RULES_FIELD * CLASS_COUNT), word >> (2 * RULES_FIELD * CLASS_COUNT), "bits above");
    }

    /// @notice An index past the count panics as an array index out of bounds does.
    function testFuzz_aClassPastTheCountReverts(uint256 countSeed, uint256 cSeed) public {
        ClassLayoutHarness harness = new ClassLayoutHarness(bound(countSeed, 1, MAX_SIZES_COUNT));
        uint256 c = bound(cSeed, harness.classCount(), type(uint256).max);
        bytes memory outOfBounds = _panic(Panic.ARRAY_OUT_OF_BOUNDS);
        vm.expectRevert(outOfBounds);
        harness.weightIn(0, c);
        vm.expectRevert(outOfBounds);
        harness.withQuorumIn(0, c, 1);
        vm.expectRevert(outOfBounds);
        harness.withSizeIn(0, c, 1);
    }

    /// @notice Counts that do not fit a word are refused by every accessor, whatever the class.
    function test_aCountPastTheWordReverts() public {
        bytes memory tooLarge = _panic(Panic.RESOURCE_ERROR);
        ClassLayoutHarness nineClasses = new ClassLayoutHarness(MAX_RULES_COUNT + 1);
        vm.expectRevert(tooLarge);
        nineClasses.weightIn(0, 0);
        vm.expectRevert(tooLarge);
        nineClasses.withQuorumIn(0, 0, 1);
        ClassLayoutHarness sixClasses = new ClassLayoutHarness(MAX_SIZES_COUNT + 1);
        vm.expectRevert(tooLarge);
        sixClasses.sizeIn(0, 0);
        vm.expectRevert(tooLarge);
        governorCount.fieldOffset(0, 1, type(uint256).max - 1, 0, 0);
    }

    /// @notice With five classes the quorums start at bit 80, past the fifth weight: each
    /// of the ten fields keeps its own value. The former layout, four weights' room below
    /// quorums fixed at bit 64, is refused for five classes (and fits four).
    function test_aFifthClassMovesTheQuorumsUp() public {
        ClassLayoutHarness fiveClasses = new ClassLayoutHarness(5);
        uint256 word;
        for (uint256 c = 0; c < 5; ++c) {
            word = fiveClasses.withWeightIn(word, c, uint16(1_000 + c));
            word = fiveClasses.withQuorumIn(word, c, uint16(2_000 + c));
        }
        vm.assertEq(_quorumOffset(fiveClasses, 0), 80, "quorums at 80");
        for (uint256 c = 0; c < 5; ++c) {
            vm.assertEq(fiveClasses.weightIn(word, c), 1_000 + c, "weight kept");
            vm.assertEq(fiveClasses.quorumIn(word, c), 2_000 + c, "quorum kept");
        }
        uint256 quorumsRoom = 256 - OLD_QUORUMS_SHIFT;
        vm.assertEq(governorCount.fieldOffset(0, RULES_FIELD, 4, quorumsRoom, 3), 48, "four weights fit");
        vm.expectRevert(_panic(Panic.RESOURCE_ERROR));
        governorCount.fieldOffset(0, RULES_FIELD, 5, quorumsRoom, 4);
    }

    /// @notice A size of 2³¹ or more is refused with SafeCast's error, not truncated.
    function test_aSizePastItsFieldReverts() public {
        uint256 tooMany = ClassSizesLibrary.MAX_SIZE + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                SafeCast.SafeCastOverflowedUintDowncast.selector, ClassSizesLibrary.SIZE_BITS, tooMany
            )
        );
        governorCount.withSizeIn(0, 0, tooMany);
    }

    function _quorumOffset(ClassLayoutHarness harness, uint256 c) private view returns (uint256) {
        uint256 count = harness.classCount();
        return governorCount.fieldOffset(RULES_FIELD * count, RULES_FIELD, count, 0, c);
    }

    function _sizeOffset(ClassLayoutHarness harness, uint256 c) private view returns (uint256) {
        return governorCount.fieldOffset(
            ClassSizesLibrary.SIZES_OFFSET,
            ClassSizesLibrary.SIZE_BITS,
            harness.classCount(),
            ClassSizesLibrary.CARRIER_TOP_BITS,
            c
        );
    }

    function _withSizeCleared(uint256 sizes, uint256 c) private view returns (uint256) {
        return sizes & ~(ClassSizesLibrary.MAX_SIZE << _sizeOffset(governorCount, c));
    }

    function _panic(uint256 code) private pure returns (bytes memory) {
        return abi.encodeWithSignature("Panic(uint256)", code);
    }
}
