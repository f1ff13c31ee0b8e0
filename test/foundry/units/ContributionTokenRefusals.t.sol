// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ContributionToken} from "../../../contracts/ContributionToken.sol";
import {IContributionToken} from "../../../contracts/interfaces/IContributionToken.sol";
import {Actors} from "../utils/Actors.sol";
import {Test} from "../utils/Test.sol";

/// @title ContributionTokenRefusals
/// @notice What the handlers never try on the contribution token: it cannot move, be
/// delegated elsewhere, or report a supply history; only the minter mints and burns.
contract ContributionTokenRefusals is Test {
    ContributionToken internal token;
    address internal alice = Actors.member(0);
    address internal bob = Actors.member(1);

    function setUp() public {
        token = new ContributionToken(address(this));
        token.grantRole(token.MINTER_ROLE(), address(this));
        token.mint(alice, 10);
        vm.warp(block.timestamp + 1);
    }

    function test_transfersAreRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IContributionToken.ContributionTokenNonTransferable.selector, alice, bob));
        vm.prank(alice);
        token.transfer(bob, 1);
        vm.prank(alice);
        token.approve(bob, 1);
        vm.expectRevert(abi.encodeWithSelector(IContributionToken.ContributionTokenNonTransferable.selector, alice, bob));
        vm.prank(bob);
        token.transferFrom(alice, bob, 1);
    }

    function test_votesStayWithTheHolder() public {
        vm.assertEq(token.delegates(alice), alice, "own delegate");
        vm.assertEq(token.getVotes(alice), 10, "votes = balance");
        vm.prank(alice);
        token.delegate(alice);
        vm.expectRevert(abi.encodeWithSelector(IContributionToken.ContributionTokenNonDelegable.selector, alice));
        vm.prank(alice);
        token.delegate(bob);
        vm.expectRevert(abi.encodeWithSelector(IContributionToken.ContributionTokenNonDelegable.selector, address(0)));
        token.delegateBySig(bob, 0, block.timestamp, 27, bytes32(0), bytes32(0));
    }

    function test_clockAndHistory() public {
        vm.assertEq(token.clock(), block.timestamp, "timestamp clock");
        vm.assertEq(keccak256(bytes(token.CLOCK_MODE())), keccak256("mode=timestamp"), "clock mode");
        vm.assertEq(token.nonces(alice), 0, "permit nonces");
        vm.assertEq(token.getPastVotes(alice, block.timestamp - 1), 10, "past votes");
        vm.expectRevert(IContributionToken.ContributionTokenNoSupplyHistory.selector);
        token.getPastTotalSupply(0);
    }

    function test_onlyTheMinterMintsAndBurns() public {
        token.burn(alice, 4);
        vm.assertEq(token.balanceOf(alice), 6, "burnt");
        bytes32 minter = token.MINTER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, minter)
        );
        vm.prank(alice);
        token.mint(alice, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, minter)
        );
        vm.prank(alice);
        token.burn(alice, 1);
    }
}
