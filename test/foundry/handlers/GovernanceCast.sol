// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {Vm} from "../utils/Vm.sol";

/// @title GovernanceCast
/// @notice The voters and proposers of the governance suite, each from a known key, by index:
/// - 0..10 honest members, founded in the classes PRODUCER ×3, FUNDER ×3, WORKER ×3, STEWARD ×2;
///   honest 0 and 3 earn contribution tokens, honest 6 and 7 (workers) are the curator candidates;
/// - 11..12 a colluding coalition (a producer and a funder) that earns tokens for voice;
/// - 13..14 lost keys (a producer and a worker): members who never act again;
/// - 15..18 newcomers who join by voucher during a run: 15 and 17 are sybils of the coalition,
///   16 and 18 silent joiners who never vote (lost keys of their own).
/// Until they join, newcomers are outsiders: their proposals and votes are refused.
library GovernanceCast {
    /// @notice What an account does in the suite.
    enum Role {
        HONEST,
        COALITION,
        LOST,
        SYBIL,
        SILENT
    }

    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice Vote support, Governor Bravo's.
    uint8 internal constant AGAINST = 0;
    uint8 internal constant FOR = 1;
    uint8 internal constant ABSTAIN = 2;

    uint256 internal constant COUNT = 19;
    uint256 internal constant HONEST_COUNT = 11;
    uint256 internal constant FIRST_COALITION = 11;
    uint256 internal constant FIRST_LOST = 13;
    uint256 internal constant FIRST_NEWCOMER = 15;
    uint256 internal constant SPEAKER_COUNT = 15;
    uint256 internal constant SILENT_COUNT = 4;
    uint256 internal constant HOLDER_COUNT = 4;
    uint256 internal constant CURATOR_COUNT = 2;
    uint256 internal constant REGISTRAR_KEY = 0x60B0FF;
    /// @notice Vouchers per class and day: sybils arrive, but a few at a time.
    uint32 internal constant VOUCHERS_PER_DAY = 2;
    /// @notice The pool in which holders earn their tokens, and its maximum weight.
    uint256 internal constant POOL_ID = 1;
    uint256 internal constant POOL_MAX_WEIGHT = 1_000;

    /// @notice Cast member `i` (mod COUNT).
    function account(uint256 i) internal pure returns (address) {
        return vm.addr(0x60B000 + i % COUNT);
    }

    function role(uint256 i) internal pure returns (Role) {
        i %= COUNT;
        if (i < FIRST_COALITION) return Role.HONEST;
        if (i < FIRST_LOST) return Role.COALITION;
        if (i < FIRST_NEWCOMER) return Role.LOST;
        return (i - FIRST_NEWCOMER) % 2 == 0 ? Role.SYBIL : Role.SILENT;
    }

    /// @notice The class an account is admitted in at deployment; newcomers are not.
    function foundingClass(uint256 i) internal pure returns (bool founder, IMembership.StakeholderClass) {
        uint8[COUNT] memory classes = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 0, 1, 0, 2, 0, 0, 0, 0];
        i %= COUNT;
        return (i < FIRST_NEWCOMER, IMembership.StakeholderClass(classes[i]));
    }

    /// @notice The coalition and its sybils: they vote together against the honest members.
    function colludes(uint256 i) internal pure returns (bool) {
        Role r = role(i);
        return r == Role.COALITION || r == Role.SYBIL;
    }

    /// @notice Lost keys and silent joiners never vote or propose.
    function silent(uint256 i) internal pure returns (bool) {
        Role r = role(i);
        return r == Role.LOST || r == Role.SILENT;
    }

    /// @notice Speaker `k` (mod SPEAKER_COUNT), of the cast members who are not silent: who
    /// proposes, votes and leaves.
    function speaker(uint256 k) internal pure returns (uint256 index) {
        uint8[SPEAKER_COUNT] memory speakers = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 17];
        return speakers[k % SPEAKER_COUNT];
    }

    /// @notice Silent member `k` (mod SILENT_COUNT): the lost keys and the silent joiners.
    function silentMember(uint256 k) internal pure returns (uint256 index) {
        uint8[SILENT_COUNT] memory silents = [13, 14, 16, 18];
        return silents[k % SILENT_COUNT];
    }

    /// @notice Token holder `k` (mod HOLDER_COUNT): the coalition and two honest members.
    function holder(uint256 k) internal pure returns (uint256 index) {
        uint8[HOLDER_COUNT] memory holders = [11, 12, 0, 3];
        return holders[k % HOLDER_COUNT];
    }

    /// @notice Curator candidate `k` (mod CURATOR_COUNT): two honest workers.
    function curator(uint256 k) internal pure returns (uint256 index) {
        return 6 + k % CURATOR_COUNT;
    }

    function registrar() internal pure returns (address) {
        return vm.addr(REGISTRAR_KEY);
    }

    /// @notice A proposal's arrays for the one call `data` on `target`.
    function oneCall(address target, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        targets[0] = target;
        calldatas[0] = data;
    }

    /// @notice A proposal description ending with the suffix that makes it `proposer`'s own.
    function describe(string memory text, address proposer) internal pure returns (string memory) {
        return string.concat(text, "#proposer=", vm.toString(proposer));
    }
}
