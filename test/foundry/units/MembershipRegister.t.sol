// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Membership} from "../../../contracts/Membership.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {Actors} from "../utils/Actors.sol";
import {Test} from "../utils/Test.sol";

/// @dev The cheatcodes this suite needs beyond utils/Vm.sol's (dispatched by selector).
interface MembershipRegisterVm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function expectEmit(address emitter) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @title MembershipRegister
/// @notice The member register on its own: a voucher admits once, only before its expiry,
/// only under a registrar's signature and within its class's limit per epoch; the last member
/// cannot be expelled; a class change moves the member between counts and keeps the past
/// readable; and past lookups refuse the present and the future.
contract MembershipRegister is Test {
    bytes32 private constant _VOUCHER_TYPEHASH =
        keccak256("Voucher(address member,uint8 stakeholderClass,uint256 nonce,uint256 expiry)");
    IMembership.StakeholderClass private constant _PRODUCER = IMembership.StakeholderClass.PRODUCER;
    IMembership.StakeholderClass private constant _FUNDER = IMembership.StakeholderClass.FUNDER;
    IMembership.StakeholderClass private constant _WORKER = IMembership.StakeholderClass.WORKER;
    IMembership.StakeholderClass private constant _STEWARD = IMembership.StakeholderClass.STEWARD;

    MembershipRegisterVm private constant _cheats =
        MembershipRegisterVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    Membership private membership;
    address private alice = Actors.member(0);
    address private bob = Actors.member(1);
    address private carol = Actors.member(2);
    address private registrar = Actors.registrar();

    function setUp() public {
        vm.warp(10 days);
        membership = new Membership(address(this), address(0)); // no forwarder
        membership.grantRole(membership.REGISTRAR_ROLE(), registrar);
        membership.admit(alice, _PRODUCER);
    }

    // -- vouchers ------------------------------------------------------------------------------

    function test_voucherAdmitsOnceUnderTheRegistrarsSignature() public {
        IMembership.Voucher memory voucher = _voucher(bob, _FUNDER, 7);
        bytes memory signature = _sign(Actors.REGISTRAR_KEY, voucher);

        _cheats.expectEmit(address(membership));
        emit IMembership.MemberJoined(bob, _FUNDER, registrar);
        vm.prank(carol); // anyone may relay a voucher
        membership.join(voucher, signature);

        _assertStatus(bob, true, _FUNDER);
        vm.assertTrue(membership.voucherUsed(bob, 7), "nonce used");
        vm.assertFalse(membership.voucherUsed(bob, 8), "another nonce is not");
        vm.assertEq(membership.vouchersUsed(_FUNDER, _epoch()), 1, "counted for funders");
        vm.assertEq(membership.vouchersUsed(_PRODUCER, _epoch()), 0, "not for producers");

        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipVoucherUsed.selector, bob, 7));
        membership.join(voucher, signature);
        // Even after leaving, the same voucher does not readmit.
        vm.prank(bob);
        membership.leave();
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipVoucherUsed.selector, bob, 7));
        membership.join(voucher, signature);
        vm.assertEq(membership.vouchersUsed(_FUNDER, _epoch()), 1, "still one");
    }

    function test_voucherExpiresAfterItsLastSecond() public {
        IMembership.Voucher memory voucher = _voucher(bob, _PRODUCER, 1);
        bytes memory signature = _sign(Actors.REGISTRAR_KEY, voucher);
        vm.warp(voucher.expiry + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMembership.MembershipVoucherExpired.selector, voucher.expiry, voucher.expiry + 1)
        );
        membership.join(voucher, signature);

        vm.warp(voucher.expiry);
        membership.join(voucher, signature);
        _assertStatus(bob, true, _PRODUCER);
    }

    function test_voucherSignedByANonRegistrarIsRefused() public {
        IMembership.Voucher memory voucher = _voucher(bob, _STEWARD, 1);
        bytes memory forged = _sign(Actors.IMPOSTOR_KEY, voucher);
        vm.expectRevert(
            abi.encodeWithSelector(IMembership.MembershipInvalidSigner.selector, vm.addr(Actors.IMPOSTOR_KEY))
        );
        membership.join(voucher, forged);
        vm.assertFalse(membership.voucherUsed(bob, 1), "the nonce stays free");
        vm.assertFalse(membership.isMember(bob), "not admitted");
    }

    function test_voucherLimitHoldsPerClassAndEpoch() public {
        _cheats.expectEmit(address(membership));
        emit IMembership.VoucherLimitsSet([uint32(1), 0, 2, 10_000]);
        membership.setVoucherLimits([uint32(1), 0, 2, 10_000]);
        uint32[4] memory limits = membership.voucherLimits();
        vm.assertEq(limits[0], 1, "producers");
        vm.assertEq(limits[1], 0, "funders");
        vm.assertEq(limits[2], 2, "workers");
        vm.assertEq(limits[3], 10_000, "stewards");

        _join(bob, _PRODUCER, 1);
        IMembership.Voucher memory second = _voucher(carol, _PRODUCER, 1);
        bytes memory signature = _sign(Actors.REGISTRAR_KEY, second);
        vm.expectRevert(
            abi.encodeWithSelector(IMembership.MembershipVoucherLimitReached.selector, _PRODUCER, _epoch(), 1)
        );
        membership.join(second, signature);
        IMembership.Voucher memory funder = _voucher(carol, _FUNDER, 2);
        bytes memory funderSignature = _sign(Actors.REGISTRAR_KEY, funder);
        vm.expectRevert(
            abi.encodeWithSelector(IMembership.MembershipVoucherLimitReached.selector, _FUNDER, _epoch(), 0)
        );
        membership.join(funder, funderSignature);

        // The next epoch starts from zero; the admin's admissions never count.
        membership.admit(Actors.member(3), _PRODUCER);
        vm.warp((_epoch() + 1) * membership.VOUCHER_EPOCH());
        membership.join(second, signature);
        vm.assertEq(membership.vouchersUsed(_PRODUCER, _epoch() - 1), 1, "the last epoch's count stays");
        vm.assertEq(membership.vouchersUsed(_PRODUCER, _epoch()), 1, "this epoch's count");
        _assertStatus(carol, true, _PRODUCER);
    }

    function test_voucherLimitAboveTheMaximumIsRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipInvalidVoucherLimit.selector, 10_001));
        membership.setVoucherLimits([uint32(5), 5, 5, 10_001]);
        uint32[4] memory limits = membership.voucherLimits();
        for (uint256 c = 0; c < 4; ++c) {
            vm.assertEq(limits[c], membership.DEFAULT_VOUCHERS_PER_EPOCH(), "the defaults stay");
        }
    }

    // -- leaving and expulsion -----------------------------------------------------------------

    function test_leaveAndRejoin() public {
        membership.admit(bob, _WORKER);
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipAlreadyMember.selector, bob));
        membership.admit(bob, _PRODUCER);

        _cheats.expectEmit(address(membership));
        emit IMembership.MemberLeft(bob);
        vm.prank(bob);
        membership.leave();
        _assertStatus(bob, false, _PRODUCER);
        vm.assertEq(membership.memberCount(_WORKER), 0, "no worker left");
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipNotMember.selector, bob));
        vm.prank(bob);
        membership.leave();

        membership.admit(bob, _STEWARD);
        _assertStatus(bob, true, _STEWARD);
        vm.assertEq(membership.totalMembers(), 2, "alice and bob");
    }

    function test_lastMemberCannotBeExpelled() public {
        membership.admit(bob, _FUNDER);
        _cheats.expectEmit(address(membership));
        emit IMembership.MemberExpelled(bob);
        membership.expel(bob);
        _assertStatus(bob, false, _PRODUCER);

        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipLastMember.selector, alice));
        membership.expel(alice);
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipNotMember.selector, bob));
        membership.expel(bob);
        _assertStatus(alice, true, _PRODUCER);
        vm.assertEq(membership.totalMembers(), 1, "alice stays");
    }

    // -- class changes and history -------------------------------------------------------------

    function test_classChangeMovesTheMemberAndKeepsThePast() public {
        uint256 before = block.timestamp;
        vm.warp(before + 1);
        _cheats.expectEmit(address(membership));
        emit IMembership.MemberClassChanged(alice, _PRODUCER, _STEWARD);
        membership.changeClass(alice, _STEWARD);

        _assertStatus(alice, true, _STEWARD);
        vm.assertEq(membership.memberCount(_PRODUCER), 0, "no producer now");
        vm.assertEq(membership.memberCount(_STEWARD), 1, "one steward now");
        vm.assertEq(membership.totalMembers(), 1, "still one member");
        vm.warp(before + 2);
        (bool wasActive, IMembership.StakeholderClass wasClass) = membership.memberStatusAt(alice, before);
        vm.assertTrue(wasActive, "a member then");
        vm.assertEq(uint256(wasClass), uint256(_PRODUCER), "a producer then");
        vm.assertEq(membership.memberCountAt(_PRODUCER, before), 1, "one producer then");
        vm.assertEq(membership.memberCountAt(_STEWARD, before), 0, "no steward then");
        vm.assertEq(membership.memberCountAt(_STEWARD, before + 1), 1, "a steward since");
    }

    function test_changingToTheSameClassChangesNothing() public {
        _cheats.recordLogs();
        membership.changeClass(alice, _PRODUCER);
        vm.assertEq(_cheats.getRecordedLogs().length, 0, "no event");
        _assertStatus(alice, true, _PRODUCER);
        vm.assertEq(membership.memberCount(_PRODUCER), 1, "one producer");
    }

    function test_classChangeOfANonMemberIsRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipNotMember.selector, bob));
        membership.changeClass(bob, _WORKER);
        vm.assertEq(membership.memberCount(_WORKER), 0, "no worker");
    }

    function test_pastLookupsRefuseThePresentAndTheFuture() public {
        uint48 nowTimepoint = uint48(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IMembership.MembershipFutureLookup.selector, nowTimepoint, nowTimepoint));
        membership.memberStatusAt(alice, nowTimepoint);
        vm.expectRevert(
            abi.encodeWithSelector(IMembership.MembershipFutureLookup.selector, nowTimepoint + 1, nowTimepoint)
        );
        membership.memberCountAt(_PRODUCER, nowTimepoint + 1);

        (bool active,) = membership.memberStatusAt(alice, nowTimepoint - 1);
        vm.assertFalse(active, "alice joined at this second, not before");
        vm.assertEq(membership.memberCountAt(_PRODUCER, nowTimepoint - 1), 0, "nobody before");
    }

    function test_timestampClock() public view {
        vm.assertEq(membership.clock(), block.timestamp, "clock");
        vm.assertEq(keccak256(bytes(membership.CLOCK_MODE())), keccak256("mode=timestamp"), "clock mode");
    }

    function test_onlyTheAdminRulesTheRegister() public {
        bytes memory refusal =
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, registrar, bytes32(0));
        vm.startPrank(registrar);
        vm.expectRevert(refusal);
        membership.admit(bob, _PRODUCER);
        vm.expectRevert(refusal);
        membership.expel(alice);
        vm.expectRevert(refusal);
        membership.changeClass(alice, _WORKER);
        vm.expectRevert(refusal);
        membership.setVoucherLimits([uint32(0), 0, 0, 0]);
        vm.stopPrank();
    }

    // -- helpers -------------------------------------------------------------------------------

    function _epoch() private view returns (uint256) {
        return block.timestamp / membership.VOUCHER_EPOCH();
    }

    function _voucher(address member, IMembership.StakeholderClass stakeholderClass, uint256 nonce)
        private
        view
        returns (IMembership.Voucher memory)
    {
        return IMembership.Voucher({
            member: member, stakeholderClass: stakeholderClass, nonce: nonce, expiry: block.timestamp + 2 days
        });
    }

    function _sign(uint256 key, IMembership.Voucher memory voucher) private view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(_VOUCHER_TYPEHASH, voucher.member, voucher.stakeholderClass, voucher.nonce, voucher.expiry)
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", membership.DOMAIN_SEPARATOR(), structHash)));
        return abi.encodePacked(r, s, v);
    }

    function _join(address member, IMembership.StakeholderClass stakeholderClass, uint256 nonce) private {
        IMembership.Voucher memory voucher = _voucher(member, stakeholderClass, nonce);
        membership.join(voucher, _sign(Actors.REGISTRAR_KEY, voucher));
    }

    function _assertStatus(address account, bool active, IMembership.StakeholderClass stakeholderClass) private view {
        (bool isActive, IMembership.StakeholderClass current) = membership.memberStatus(account);
        vm.assertEq(isActive, active, "active");
        vm.assertEq(membership.isMember(account), active, "isMember");
        vm.assertEq(uint256(current), uint256(stakeholderClass), "class");
    }
}
