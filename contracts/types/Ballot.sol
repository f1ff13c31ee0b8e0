// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ClassSizes, ClassSizesLibrary} from "./ClassSizes.sol";

/// @dev A proposal's ballot, written by its first vote: the epoch of its snapshot, its number
/// among that epoch's ballots, and the class sizes its quorum counts.
///
/// Layout, from the least significant bit:
/// epoch (48 bits) | ballot number (32) at 48 | ClassSizes at 80 | assigned (1) at 255.
///
/// The assigned bit makes every ballot nonzero, so zero means "no vote yet".
type Ballot is uint256;

using BallotLibrary for Ballot global;

/// @title BallotLibrary
/// @notice Getters of the Ballot word and its one constructor.
library BallotLibrary {
    uint256 private constant _NUMBER_OFFSET = 48;
    uint256 private constant _ASSIGNED = 1 << 255;
    /// @dev The bits of the class sizes: everything but the epoch, the number and the flag.
    uint256 private constant _SIZES_MASK = ~((1 << ClassSizesLibrary.SIZES_OFFSET) - 1) & ~_ASSIGNED;

    /// @notice The ballot of the `ballotNumber`th proposal voted on in `snapshotEpoch`,
    /// counting `classSizes`.
    /// @param snapshotEpoch The snapshot's epoch.
    /// @param ballotNumber The ballot's number within the epoch.
    /// @param classSizes The class sizes, with the carrier's fields clear.
    /// @return The ballot.
    function assign(uint48 snapshotEpoch, uint32 ballotNumber, ClassSizes classSizes) internal pure returns (Ballot) {
        return Ballot.wrap(
            uint256(snapshotEpoch) | (uint256(ballotNumber) << _NUMBER_OFFSET) | ClassSizes.unwrap(classSizes)
                | _ASSIGNED
        );
    }

    /// @notice Whether the proposal has a ballot, that is, has been voted on.
    /// @param ballot The word.
    /// @return True once assigned.
    function isAssigned(Ballot ballot) internal pure returns (bool) {
        return Ballot.unwrap(ballot) != 0;
    }

    /// @notice The epoch of the proposal's snapshot.
    /// @param ballot The word.
    /// @return The epoch.
    function epoch(Ballot ballot) internal pure returns (uint48) {
        return uint48(Ballot.unwrap(ballot));
    }

    /// @notice The ballot's number within its epoch.
    /// @param ballot The word.
    /// @return The number.
    function number(Ballot ballot) internal pure returns (uint32) {
        return uint32(Ballot.unwrap(ballot) >> _NUMBER_OFFSET);
    }

    /// @notice The class sizes the proposal's quorum counts.
    /// @param ballot The word.
    /// @return The sizes, with the carrier's fields clear.
    function sizes(Ballot ballot) internal pure returns (ClassSizes) {
        return ClassSizes.wrap(Ballot.unwrap(ballot) & _SIZES_MASK);
    }
}
