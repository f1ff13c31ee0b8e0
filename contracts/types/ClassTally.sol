// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @dev One class's tally on one proposal: votes For, Against and Abstain and the number of
/// voters, 64 bits each.
///
/// Layout, from the least significant bit:
/// For (64 bits) | Against (64) at 64 | Abstain (64) at 128 | voters (64) at 192.
type ClassTally is uint256;

using ClassTallyLibrary for ClassTally global;

/// @title ClassTallyLibrary
/// @notice Getters of the ClassTally word and the addition of one vote. Support follows
/// Governor Bravo: 0 Against, 1 For, 2 Abstain.
library ClassTallyLibrary {
    /// @notice Support for a vote Against (Bravo's 0).
    uint8 internal constant AGAINST = 0;
    /// @notice Support for a vote For (Bravo's 1).
    uint8 internal constant FOR = 1;
    /// @notice Support for abstaining (Bravo's 2), the largest valid value.
    uint8 internal constant ABSTAIN = 2;

    uint256 private constant _AGAINST_OFFSET = 64;
    uint256 private constant _ABSTAIN_OFFSET = 128;
    uint256 private constant _VOTERS_OFFSET = 192;
    uint256 private constant _FIELD_MASK = type(uint64).max;

    /// @notice Votes For.
    /// @param tally The word.
    /// @return The votes.
    function forVotes(ClassTally tally) internal pure returns (uint256) {
        return uint64(ClassTally.unwrap(tally));
    }

    /// @notice Votes Against.
    /// @param tally The word.
    /// @return The votes.
    function againstVotes(ClassTally tally) internal pure returns (uint256) {
        return uint64(ClassTally.unwrap(tally) >> _AGAINST_OFFSET);
    }

    /// @notice Votes to abstain.
    /// @param tally The word.
    /// @return The votes.
    function abstainVotes(ClassTally tally) internal pure returns (uint256) {
        return uint64(ClassTally.unwrap(tally) >> _ABSTAIN_OFFSET);
    }

    /// @notice The number of members who voted.
    /// @param tally The word.
    /// @return The voters.
    function voters(ClassTally tally) internal pure returns (uint256) {
        return ClassTally.unwrap(tally) >> _VOTERS_OFFSET;
    }

    /// @notice The tally with `votes` added to the `support` field and one voter more.
    /// @dev Each field is summed within 64 bits: the checked addition reverts before a carry
    /// could spill into the next field.
    /// @param tally The word.
    /// @param support 0 Against, 1 For, any other value Abstain.
    /// @param votes The votes, below 2⁶⁴.
    /// @return The new word.
    function withVote(ClassTally tally, uint8 support, uint64 votes) internal pure returns (ClassTally) {
        uint256 word = ClassTally.unwrap(tally);
        uint256 offset = support == FOR ? 0 : (support == AGAINST ? _AGAINST_OFFSET : _ABSTAIN_OFFSET);
        uint64 field = uint64(word >> offset) + votes;
        uint64 count = uint64(word >> _VOTERS_OFFSET) + 1;
        uint256 cleared = word & ~((_FIELD_MASK << offset) | (_FIELD_MASK << _VOTERS_OFFSET));
        return ClassTally.wrap(cleared | (uint256(field) << offset) | (uint256(count) << _VOTERS_OFFSET));
    }
}
