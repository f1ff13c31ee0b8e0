// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @title Actors
/// @notice The fixed, small cast of every suite, each from a known private key so that vouchers
/// and permits can be signed with `vm.sign`. Contributors are the five members (two admitted at
/// deployment, three to join by voucher) and the two curators, who are members too.
library Actors {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant MEMBER_COUNT = 5;
    uint256 internal constant CURATOR_COUNT = 2;
    uint256 internal constant CONTRIBUTOR_COUNT = MEMBER_COUNT + CURATOR_COUNT;
    uint256 internal constant BUYER_COUNT = 2;
    /// @notice The settler's off-chain order ids run from 0 (refused) to ORDER_COUNT.
    uint256 internal constant ORDER_COUNT = 12;

    uint256 internal constant REGISTRAR_KEY = 0x4E6157;
    uint256 internal constant IMPOSTOR_KEY = 0xBAD4E6;

    function memberKey(uint256 i) internal pure returns (uint256) {
        return 0xA11CE0 + i % MEMBER_COUNT;
    }

    function member(uint256 i) internal pure returns (address) {
        return vm.addr(memberKey(i));
    }

    function curatorKey(uint256 i) internal pure returns (uint256) {
        return 0xC0A700 + i % CURATOR_COUNT;
    }

    function curator(uint256 i) internal pure returns (address) {
        return vm.addr(curatorKey(i));
    }

    /// @notice Contributor `seed` mod 7's key: members first, then curators.
    function contributorKey(uint256 seed) internal pure returns (uint256) {
        uint256 i = seed % CONTRIBUTOR_COUNT;
        return i < MEMBER_COUNT ? memberKey(i) : curatorKey(i - MEMBER_COUNT);
    }

    /// @notice Contributor `seed` mod 7: members first, then curators.
    function contributor(uint256 seed) internal pure returns (address) {
        return vm.addr(contributorKey(seed));
    }

    function buyerKey(uint256 i) internal pure returns (uint256) {
        return 0xB0B000 + i % BUYER_COUNT;
    }

    function buyer(uint256 i) internal pure returns (address) {
        return vm.addr(buyerKey(i));
    }

    function registrar() internal pure returns (address) {
        return vm.addr(REGISTRAR_KEY);
    }

    function aggregator() internal pure returns (address) {
        return vm.addr(0xA66E6A);
    }

    function settler() internal pure returns (address) {
        return vm.addr(0x5E7713);
    }

    /// @notice Sends members' signed requests through the forwarder; nobody in the cooperative.
    function gasRelayer() internal pure returns (address) {
        return vm.addr(0x6A5E1A);
    }

    function treasury() internal pure returns (address) {
        return vm.addr(0x7E5A5E);
    }

    uint256 internal constant OUTSIDER_KEY = 0x0075D1;

    /// @notice An account that never becomes a member (batch leaves may name it).
    function outsider() internal pure returns (address) {
        return vm.addr(OUTSIDER_KEY);
    }
}
