// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {BatchLeaf} from "../../../contracts/types/BatchLeaf.sol";

/// @title BatchTree
/// @notice OpenZeppelin's StandardMerkleTree in Solidity, for batches built inside a test: the
/// leaf hashes sorted, laid out as a complete binary tree in an array (root at 0, leaf i of the
/// sorted order at length - 1 - i), pairs hashed sorted as MerkleProof expects; single proofs
/// and multiproofs as the JavaScript library's getProof and getMultiProof give them.
library BatchTree {
    /// @notice A built tree.
    /// @param nodes The tree in array form; nodes[0] is the root.
    /// @param position The node index of each leaf, in the order the leaves were given.
    struct Tree {
        bytes32[] nodes;
        uint256[] position;
    }

    /// @notice The batch leaf hash (BatchLeafHash) on this chain.
    /// @param distributor The cooperative's RevenueDistributor.
    /// @param poolId The batch's pool.
    /// @param contributor The leaf's contributor.
    /// @param leaf The leaf.
    /// @return The StandardMerkleTree leaf hash.
    function leafHash(address distributor, uint256 poolId, address contributor, BatchLeaf memory leaf)
        internal
        view
        returns (bytes32)
    {
        return leafHashOn(block.chainid, distributor, poolId, contributor, leaf);
    }

    /// @notice The batch leaf hash on chain `chainId`.
    /// @param chainId The chain.
    /// @param distributor The RevenueDistributor.
    /// @param poolId The pool.
    /// @param contributor The contributor.
    /// @param leaf The leaf.
    /// @return The StandardMerkleTree leaf hash.
    function leafHashOn(
        uint256 chainId,
        address distributor,
        uint256 poolId,
        address contributor,
        BatchLeaf memory leaf
    ) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(chainId, distributor, poolId, contributor, leaf.ordinal, leaf.cid, leaf.weight))
            )
        );
    }

    /// @notice The tree over `hashes` (at least one).
    /// @param hashes The leaf hashes, in any order.
    /// @return tree The tree.
    function build(bytes32[] memory hashes) internal pure returns (Tree memory tree) {
        uint256 n = hashes.length;
        uint256[] memory order = new uint256[](n); // order[i]: the leaf at sorted position i
        for (uint256 i = 0; i < n; ++i) {
            uint256 j = i;
            while (j > 0 && hashes[order[j - 1]] > hashes[i]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = i;
        }
        tree.nodes = new bytes32[](2 * n - 1);
        tree.position = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 node = 2 * n - 2 - i;
            tree.nodes[node] = hashes[order[i]];
            tree.position[order[i]] = node;
        }
        for (uint256 i = n - 1; i > 0; --i) {
            uint256 node = i - 1;
            tree.nodes[node] = Hashes.commutativeKeccak256(tree.nodes[2 * node + 1], tree.nodes[2 * node + 2]);
        }
    }

    /// @notice The tree's root.
    /// @param tree The tree.
    /// @return The root.
    function root(Tree memory tree) internal pure returns (bytes32) {
        return tree.nodes[0];
    }

    /// @notice The proof of leaf `k` (in the order the leaves were given).
    /// @param tree The tree.
    /// @param k The leaf.
    /// @return proof Its siblings from the leaf up.
    function proof(Tree memory tree, uint256 k) internal pure returns (bytes32[] memory proof) {
        uint256 node = tree.position[k];
        uint256 depth;
        for (uint256 i = node; i > 0; i = (i - 1) / 2) {
            ++depth;
        }
        proof = new bytes32[](depth);
        for (uint256 d = 0; d < depth; ++d) {
            proof[d] = tree.nodes[node % 2 == 1 ? node + 1 : node - 1];
            node = (node - 1) / 2;
        }
    }

    /// @notice The multiproof of leaves `ks` (distinct, in the order the leaves were given).
    /// @param tree The tree.
    /// @param ks The leaves.
    /// @return order The leaves in the multiproof's order (by node index, descending).
    /// @return proof The multiproof.
    /// @return flags Its flags.
    function multiProof(Tree memory tree, uint256[] memory ks)
        internal
        pure
        returns (uint256[] memory order, bytes32[] memory proof, bool[] memory flags)
    {
        order = _byNodeDescending(tree, ks);
        uint256 capacity = ks.length + tree.nodes.length;
        uint256[] memory queue = new uint256[](capacity);
        uint256 head;
        uint256 tail;
        for (uint256 i = 0; i < order.length; ++i) {
            queue[tail++] = tree.position[order[i]];
        }
        bytes32[] memory proofBuffer = new bytes32[](tree.nodes.length);
        bool[] memory flagBuffer = new bool[](tree.nodes.length);
        uint256 proofLength;
        uint256 flagLength;
        while (head < tail && queue[head] > 0) {
            uint256 node = queue[head++];
            uint256 sibling = node % 2 == 1 ? node + 1 : node - 1;
            if (head < tail && queue[head] == sibling) {
                flagBuffer[flagLength++] = true;
                ++head;
            } else {
                flagBuffer[flagLength++] = false;
                proofBuffer[proofLength++] = tree.nodes[sibling];
            }
            queue[tail++] = (node - 1) / 2;
        }
        proof = new bytes32[](proofLength);
        for (uint256 i = 0; i < proofLength; ++i) {
            proof[i] = proofBuffer[i];
        }
        flags = new bool[](flagLength);
        for (uint256 i = 0; i < flagLength; ++i) {
            flags[i] = flagBuffer[i];
        }
    }

    /// @dev `ks` sorted by their leaves' node index, descending.
    function _byNodeDescending(Tree memory tree, uint256[] memory ks) private pure returns (uint256[] memory order) {
        order = new uint256[](ks.length);
        for (uint256 i = 0; i < ks.length; ++i) {
            uint256 j = i;
            while (j > 0 && tree.position[order[j - 1]] < tree.position[ks[i]]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = ks[i];
        }
    }
}
