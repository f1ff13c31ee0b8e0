// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @title TwoLeafTree
/// @notice The smallest StandardMerkleTree of batch leaves: two leaves under one root. Each
/// leaf's proof is the other leaf's hash; both together need no proof and one `true` flag.
library TwoLeafTree {
    /// @notice The registry's leaf hash (StandardMerkleTree over (address, bytes, uint48)).
    /// @param contributor The contributor.
    /// @param cid The binary CID.
    /// @param weight The weight.
    /// @return The leaf hash.
    function leafHash(address contributor, bytes memory cid, uint48 weight) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(contributor, cid, weight))));
    }

    /// @notice The root over two leaf hashes (the pair is hashed sorted, as OZ's MerkleProof).
    /// @param a One leaf hash.
    /// @param b The other.
    /// @return The root.
    function root(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return Hashes.commutativeKeccak256(a, b);
    }

    /// @notice The proof of one leaf: the other leaf's hash.
    /// @param sibling The other leaf's hash.
    /// @return proof The one-element proof.
    function proofOf(bytes32 sibling) internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](1);
        proof[0] = sibling;
    }

    /// @notice The multiproof flags for claiming both leaves at once.
    /// @return flags One `true`: hash the two leaves together.
    function bothFlags() internal pure returns (bool[] memory flags) {
        flags = new bool[](1);
        flags[0] = true;
    }
}
