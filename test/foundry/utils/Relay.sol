// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";
import {LumbungForwarder} from "../../../contracts/LumbungForwarder.sol";
import {Vm} from "./Vm.sol";

/// @title Relay
/// @notice ForwardRequests signed with `vm.sign` as a wallet signs them (EIP-712, the
/// forwarder's domain), for the relayed paths of the handlers and tests.
library Relay {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice The gas each request asks for: the forwarder's default maxGas.
    uint256 internal constant GAS = 1_000_000;
    /// @notice How long a request stays valid, in seconds.
    uint48 internal constant TTL = 1 hours;

    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _FORWARD_REQUEST_TYPEHASH = keccak256(
        "ForwardRequest(address from,address to,uint256 value,uint256 gas,uint256 nonce,uint48 deadline,bytes data)"
    );

    /// @notice The request `key`'s account signs for calling `to` with `data`, at its next nonce.
    /// @param forwarder The forwarder.
    /// @param key The signer's private key.
    /// @param to The target.
    /// @param data The call.
    /// @return request The signed request.
    function signed(LumbungForwarder forwarder, uint256 key, address to, bytes memory data)
        internal
        view
        returns (ERC2771Forwarder.ForwardRequestData memory request)
    {
        address from = vm.addr(key);
        uint48 deadline = uint48(block.timestamp) + TTL;
        bytes32 structHash = keccak256(
            abi.encode(_FORWARD_REQUEST_TYPEHASH, from, to, 0, GAS, forwarder.nonces(from), deadline, keccak256(data))
        );
        bytes32 domainSeparator = keccak256(
            abi.encode(
                _DOMAIN_TYPEHASH, keccak256("Lumbung Forwarder"), keccak256("1"), block.chainid, address(forwarder)
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash)));
        request = ERC2771Forwarder.ForwardRequestData({
            from: from, to: to, value: 0, gas: GAS, deadline: deadline, data: data, signature: abi.encodePacked(r, s, v)
        });
    }
}
