// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CoopTimelock} from "../../../contracts/governance/CoopTimelock.sol";
import {Test} from "../utils/Test.sol";

/// @title CoopTimelockBounds
/// @notice The timelock's own bounds: its delay applies as at most 30 days, and its last
/// proposer can be neither revoked nor renounced.
contract CoopTimelockBounds is Test {
    CoopTimelock internal timelock;
    address internal governor = address(0x6001);
    address internal successor = address(0x6002);

    function setUp() public {
        address[] memory proposers = new address[](1);
        proposers[0] = governor;
        timelock = new CoopTimelock(120, proposers, new address[](1), address(0));
    }

    function test_initialDelayAboveTheMaximumIsRefused() public {
        uint256 tooLong = timelock.MAX_DELAY() + 1;
        vm.expectRevert(abi.encodeWithSelector(CoopTimelock.CoopTimelockDelayTooLong.selector, tooLong));
        new CoopTimelock(tooLong, new address[](0), new address[](0), address(0));
    }

    function testFuzz_delayAppliesAtMostTheMaximum(uint256 delay) public {
        delay = bound(delay, 0, 10 * 365 days);
        vm.prank(address(timelock));
        timelock.updateDelay(delay);
        vm.assertEq(timelock.getMinDelay(), delay > 30 days ? 30 days : delay, "clamped to 30 days");
    }

    function test_lastProposerStays() public {
        bytes32 proposer = timelock.PROPOSER_ROLE();
        vm.assertEq(timelock.proposerCount(), 1, "one proposer");
        vm.expectRevert(abi.encodeWithSelector(CoopTimelock.CoopTimelockLastProposer.selector, governor));
        vm.prank(address(timelock));
        timelock.revokeRole(proposer, governor);
        vm.expectRevert(abi.encodeWithSelector(CoopTimelock.CoopTimelockLastProposer.selector, governor));
        vm.prank(governor);
        timelock.renounceRole(proposer, governor);

        vm.startPrank(address(timelock));
        timelock.grantRole(proposer, successor);
        timelock.grantRole(proposer, successor); // granted once, counted once
        vm.assertEq(timelock.proposerCount(), 2, "two proposers");
        timelock.revokeRole(proposer, governor);
        timelock.revokeRole(proposer, governor); // revoked once, counted once
        vm.stopPrank();
        vm.assertEq(timelock.proposerCount(), 1, "the successor alone");
        vm.assertTrue(timelock.hasRole(proposer, successor), "the successor proposes");
    }
}
