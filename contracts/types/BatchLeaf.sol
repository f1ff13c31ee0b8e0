// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice A contributor's leaf in a batch, less the contributor and the pool (both bound by the
/// hash, see BatchLeafHash).
/// @param ordinal The leaf's number among its contributor's leaves in the batch, 0 to 47.
/// @param weight The weight the curator gave it.
/// @param cid The binary CID of the encrypted contribution.
struct BatchLeaf {
    uint8 ordinal;
    uint48 weight;
    bytes cid;
}

/// @title BatchLeafHash
/// @notice The leaf of a batch's OpenZeppelin StandardMerkleTree:
/// keccak256(bytes.concat(keccak256(abi.encode(chainId, distributor, poolId, contributor,
/// ordinal, cid, weight)))), the types `(uint256, address, uint256, address, uint8, bytes,
/// uint48)` (lumbung.merkle.BATCH_LEAF_ENCODING builds the same tree).
/// @dev The chain and the distributor bind a leaf to one deployment: a registry is built with
/// its distributor, fixed for its life, so a leaf of one cooperative or chain proves nothing in
/// another; the pool binds it to the purposes its contributor consented to.
library BatchLeafHash {
    /// @notice The hash of `leaf` of `contributor` in `poolId` under `distributor`.
    /// @param distributor The cooperative's RevenueDistributor.
    /// @param poolId The batch's pool.
    /// @param contributor The leaf's contributor.
    /// @param leaf The leaf.
    /// @return The StandardMerkleTree leaf hash.
    function hash(address distributor, uint256 poolId, address contributor, BatchLeaf calldata leaf)
        internal
        view
        returns (bytes32)
    {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(block.chainid, distributor, poolId, contributor, leaf.ordinal, leaf.cid, leaf.weight)
                )
            )
        );
    }

    /// @notice The hashes of `leaves`, in their order (a multiproof's leaves).
    /// @param distributor The cooperative's RevenueDistributor.
    /// @param poolId The batch's pool.
    /// @param contributor The leaves' contributor.
    /// @param leaves The leaves.
    /// @return hashes Their StandardMerkleTree leaf hashes.
    function hashAll(address distributor, uint256 poolId, address contributor, BatchLeaf[] calldata leaves)
        internal
        view
        returns (bytes32[] memory hashes)
    {
        hashes = new bytes32[](leaves.length);
        for (uint256 i = 0; i < leaves.length; ++i) {
            hashes[i] = hash(distributor, poolId, contributor, leaves[i]);
        }
    }
}
