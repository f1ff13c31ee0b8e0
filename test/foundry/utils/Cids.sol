// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title Cids
/// @notice Binary CIDs over a sha2-256 digest, in the three forms the registry accepts, and a
/// malformed one (CidLib's layouts).
library Cids {
    /// @notice The forms `of` builds; MALFORMED is a CIDv0 cut one byte short.
    enum Form {
        V0,
        V1_DAG_PB,
        V1_RAW,
        MALFORMED
    }

    /// @notice The number of forms, for bounding a fuzzed choice.
    uint256 internal constant FORM_COUNT = uint256(type(Form).max) + 1;

    /// @notice A CID naming `digest` in `form`.
    /// @param form The form.
    /// @param digest The sha2-256 digest.
    /// @return cid The binary CID.
    function inForm(Form form, bytes32 digest) internal pure returns (bytes memory cid) {
        if (form == Form.V0) return abi.encodePacked(uint8(0x12), uint8(0x20), digest);
        if (form == Form.V1_DAG_PB) return abi.encodePacked(uint8(0x01), uint8(0x70), uint8(0x12), uint8(0x20), digest);
        if (form == Form.V1_RAW) return abi.encodePacked(uint8(0x01), uint8(0x55), uint8(0x12), uint8(0x20), digest);
        return abi.encodePacked(uint8(0x12), uint8(0x20), bytes31(digest));
    }

    /// @notice A well-formed CID naming `digest`, its form picked by `seed`.
    /// @param seed Any value.
    /// @param digest The sha2-256 digest.
    /// @return cid The binary CID.
    function anyValid(uint256 seed, bytes32 digest) internal pure returns (bytes memory cid) {
        return inForm(Form(seed % (FORM_COUNT - 1)), digest);
    }

    /// @notice A contribution's id, as ContributionRegistry computes it: the content's digest
    /// bound to its contributor.
    /// @param contributor The contributor.
    /// @param digest The sha2-256 digest.
    /// @return The id.
    function idOf(address contributor, bytes32 digest) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(contributor, digest)));
    }

    /// @notice The digest a binary CID ends with (every supported form ends with it).
    /// @param cid A binary CID of at least 32 bytes.
    /// @return digest The last 32 bytes.
    function digestOf(bytes memory cid) internal pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            digest := mload(add(cid, mload(cid)))
        }
    }
}
