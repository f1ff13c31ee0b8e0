// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title RegistrarHandler
/// @notice Vouchers signed with `vm.sign`: by the registrar or an impostor key, expired or not,
/// from a small nonce space (so replays happen), for members and non-members, in any class,
/// relayed by anyone, within (or past) the day's voucher limit of the class.
contract RegistrarHandler is HandlerBase {
    bytes32 private constant _VOUCHER_TYPEHASH =
        keccak256("Voucher(address member,uint8 stakeholderClass,uint256 nonce,uint256 expiry)");
    uint256 internal constant NONCE_COUNT = 8;
    uint256 internal constant CLASS_COUNT = uint256(type(IMembership.StakeholderClass).max) + 1;

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](1);
        s[0] = this.join.selector;
    }

    function join(uint256 memberSeed, uint256 classSeed, uint256 nonceSeed, uint256 expirySeed, uint256 signerSeed)
        external
    {
        address who = Actors.contributor(memberSeed);
        uint256 classIndex = classSeed % CLASS_COUNT;
        uint256 nonce = nonceSeed % NONCE_COUNT;
        bool expired = expirySeed % 8 == 0;
        uint256 expiry = expired ? block.timestamp - 1 : block.timestamp + bound(expirySeed >> 3, 0, 30 days);
        bool impostor = signerSeed % 6 == 0;
        IMembership.Voucher memory voucher = IMembership.Voucher({
            member: who,
            stakeholderClass: IMembership.StakeholderClass(classIndex),
            nonce: nonce,
            expiry: expiry
        });
        bytes memory signature = _sign(impostor ? Actors.IMPOSTOR_KEY : Actors.REGISTRAR_KEY, voucher);

        bytes4 expected = OK;
        if (expired) expected = IMembership.MembershipVoucherExpired.selector;
        else if (model.voucherUsed(who, nonce)) expected = IMembership.MembershipVoucherUsed.selector;
        else if (impostor) expected = IMembership.MembershipInvalidSigner.selector;
        else if (model.voucherLimitReached(classIndex)) expected = IMembership.MembershipVoucherLimitReached.selector;
        else if (model.statusOf(who) != 0) expected = IMembership.MembershipAlreadyMember.selector;

        _call(
            Actors.contributor(signerSeed >> 3),
            address(coop.membership),
            abi.encodeCall(coop.membership.join, (voucher, signature)),
            expected
        );
        if (expected == OK) model.recordJoined(who, classIndex, nonce, true);
    }

    function _sign(uint256 key, IMembership.Voucher memory voucher) private view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(_VOUCHER_TYPEHASH, voucher.member, voucher.stakeholderClass, voucher.nonce, voucher.expiry)
        );
        bytes32 digest =
            keccak256(abi.encodePacked("\x19\x01", coop.membership.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}
