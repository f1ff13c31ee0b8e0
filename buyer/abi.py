"""The contract interfaces the buyer client calls, copied from the compiled contracts.

A buyer installs the package without the build folder, so the few functions and events it
needs are kept here; ``tests/buyer/test_abi.py`` checks each against build/contracts, so a
contract change that alters one fails there rather than at a buyer's.
"""

from __future__ import annotations

from typing import Any

MARKET: list[dict[str, Any]] = [
    {
        "inputs": [
            {"internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"internalType": "uint8", "name": "purpose", "type": "uint8"},
            {"internalType": "uint256", "name": "maxPrice", "type": "uint256"},
        ],
        "name": "purchase",
        "outputs": [{"internalType": "uint256", "name": "purchaseId", "type": "uint256"}],
        "stateMutability": "nonpayable",
        "type": "function",
    },
    {
        "inputs": [
            {"internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"internalType": "uint8", "name": "purpose", "type": "uint8"},
            {"internalType": "uint256", "name": "maxPrice", "type": "uint256"},
            {"internalType": "uint256", "name": "deadline", "type": "uint256"},
            {"internalType": "uint8", "name": "v", "type": "uint8"},
            {"internalType": "bytes32", "name": "r", "type": "bytes32"},
            {"internalType": "bytes32", "name": "s", "type": "bytes32"},
        ],
        "name": "purchaseWithPermit",
        "outputs": [{"internalType": "uint256", "name": "purchaseId", "type": "uint256"}],
        "stateMutability": "nonpayable",
        "type": "function",
    },
    {
        "inputs": [{"internalType": "uint256", "name": "poolId", "type": "uint256"}],
        "name": "listing",
        "outputs": [
            {
                "components": [
                    {"internalType": "uint128", "name": "price", "type": "uint128"},
                    {"internalType": "uint64", "name": "purposes", "type": "uint64"},
                    {"internalType": "bool", "name": "active", "type": "bool"},
                ],
                "internalType": "struct IDataMarket.Listing",
                "name": "",
                "type": "tuple",
            },
            {"internalType": "bytes", "name": "", "type": "bytes"},
        ],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [],
        "name": "paymentToken",
        "outputs": [{"internalType": "contract IERC20", "name": "", "type": "address"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "purchaseId", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "buyer", "type": "address"},
            {"indexed": False, "internalType": "bytes32", "name": "buyerRef", "type": "bytes32"},
            {"indexed": False, "internalType": "bytes32", "name": "orderId", "type": "bytes32"},
            {"indexed": False, "internalType": "uint8", "name": "purpose", "type": "uint8"},
            {"indexed": False, "internalType": "uint256", "name": "price", "type": "uint256"},
            {
                "indexed": False,
                "internalType": "uint256",
                "name": "contentBlock",
                "type": "uint256",
            },
        ],
        "name": "Purchased",
        "type": "event",
    },
]

REGISTRY: list[dict[str, Any]] = [
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "id", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "contributor", "type": "address"},
            {"indexed": False, "internalType": "bytes", "name": "cid", "type": "bytes"},
        ],
        "name": "ContributionSubmitted",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "id", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "curator", "type": "address"},
            {"indexed": False, "internalType": "address", "name": "contributor", "type": "address"},
            {"indexed": False, "internalType": "uint48", "name": "weight", "type": "uint48"},
        ],
        "name": "ContributionAccepted",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "id", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "contributor", "type": "address"},
            {"indexed": False, "internalType": "uint48", "name": "weightRemoved", "type": "uint48"},
        ],
        "name": "ContributionRevoked",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "id", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "contributor", "type": "address"},
            {"indexed": False, "internalType": "uint48", "name": "oldWeight", "type": "uint48"},
            {"indexed": False, "internalType": "uint48", "name": "newWeight", "type": "uint48"},
        ],
        "name": "ContributionOverturned",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "batchId", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": False, "internalType": "address", "name": "curator", "type": "address"},
            {"indexed": False, "internalType": "bytes32", "name": "root", "type": "bytes32"},
            {"indexed": False, "internalType": "uint256", "name": "count", "type": "uint256"},
            {"indexed": False, "internalType": "uint256", "name": "totalWeight", "type": "uint256"},
            {"indexed": False, "internalType": "uint256", "name": "rejected", "type": "uint256"},
            {"indexed": False, "internalType": "bytes", "name": "manifestCid", "type": "bytes"},
            {"indexed": True, "internalType": "address", "name": "aggregator", "type": "address"},
        ],
        "name": "BatchSubmitted",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "batchId", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "curator", "type": "address"},
            {"indexed": False, "internalType": "uint256", "name": "count", "type": "uint256"},
            {"indexed": False, "internalType": "uint256", "name": "totalWeight", "type": "uint256"},
            {"indexed": False, "internalType": "uint256", "name": "reviews", "type": "uint256"},
        ],
        "name": "BatchAccepted",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "batchId", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": False, "internalType": "string", "name": "reason", "type": "string"},
        ],
        "name": "BatchOverturned",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "uint256", "name": "batchId", "type": "uint256"},
            {"indexed": True, "internalType": "uint256", "name": "id", "type": "uint256"},
            {"indexed": True, "internalType": "address", "name": "contributor", "type": "address"},
            {"indexed": False, "internalType": "uint256", "name": "poolId", "type": "uint256"},
            {"indexed": False, "internalType": "uint8", "name": "ordinal", "type": "uint8"},
            {"indexed": False, "internalType": "uint48", "name": "weight", "type": "uint48"},
            {"indexed": False, "internalType": "bytes", "name": "cid", "type": "bytes"},
        ],
        "name": "LeafRevoked",
        "type": "event",
    },
]

PERMIT_TOKEN: list[dict[str, Any]] = [
    {
        "inputs": [
            {"internalType": "address", "name": "spender", "type": "address"},
            {"internalType": "uint256", "name": "value", "type": "uint256"},
        ],
        "name": "approve",
        "outputs": [{"internalType": "bool", "name": "", "type": "bool"}],
        "stateMutability": "nonpayable",
        "type": "function",
    },
    {
        "inputs": [
            {"internalType": "address", "name": "owner", "type": "address"},
            {"internalType": "address", "name": "spender", "type": "address"},
        ],
        "name": "allowance",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [{"internalType": "address", "name": "owner", "type": "address"}],
        "name": "nonces",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [],
        "name": "eip712Domain",
        "outputs": [
            {"internalType": "bytes1", "name": "fields", "type": "bytes1"},
            {"internalType": "string", "name": "name", "type": "string"},
            {"internalType": "string", "name": "version", "type": "string"},
            {"internalType": "uint256", "name": "chainId", "type": "uint256"},
            {"internalType": "address", "name": "verifyingContract", "type": "address"},
            {"internalType": "bytes32", "name": "salt", "type": "bytes32"},
            {"internalType": "uint256[]", "name": "extensions", "type": "uint256[]"},
        ],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [{"internalType": "address", "name": "account", "type": "address"}],
        "name": "balanceOf",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "view",
        "type": "function",
    },
]
