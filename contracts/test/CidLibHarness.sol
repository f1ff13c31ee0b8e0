// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CidLib} from "../libraries/CidLib.sol";

/// @title CidLibHarness
/// @notice Exposes CidLib's internal functions so tests can call them directly.
contract CidLibHarness {
    /// @notice CidLib.parse.
    /// @param cid The CID bytes.
    /// @return kind The CID's form.
    /// @return digest The sha2-256 digest.
    function parse(bytes calldata cid) external pure returns (CidLib.Kind kind, bytes32 digest) {
        return CidLib.parse(cid);
    }

    /// @notice CidLib.encode.
    /// @param kind The CID's form.
    /// @param digest The sha2-256 digest.
    /// @return cid The CID bytes.
    function encode(CidLib.Kind kind, bytes32 digest) external pure returns (bytes memory cid) {
        return CidLib.encode(kind, digest);
    }
}
