// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IMembership} from "./interfaces/IMembership.sol";

/// @title Membership
/// @notice The cooperative's member register, checkpointed by timestamp (ERC-6372).
/// @dev Each account's status is one Trace208 whose value is 0 for "not a member" and
/// class + 1 for an active member, so one lookup answers both questions at any past time.
contract Membership is IMembership, IERC6372, AccessControl, EIP712 {
    using Checkpoints for Checkpoints.Trace208;

    /// @inheritdoc IMembership
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    bytes32 private constant _VOUCHER_TYPEHASH =
        keccak256("Voucher(address member,uint8 stakeholderClass,uint256 nonce,uint256 expiry)");

    uint256 private constant _CLASS_COUNT = 4;

    mapping(address account => Checkpoints.Trace208) private _status;
    Checkpoints.Trace208[_CLASS_COUNT] private _classCounts;
    mapping(address member => mapping(uint256 nonce => bool)) private _voucherUsed;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    constructor(address admin) EIP712("Lumbung Membership", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IMembership
    function admit(address member, StakeholderClass stakeholderClass) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _join(member, stakeholderClass, _msgSender());
    }

    /// @inheritdoc IMembership
    function join(Voucher calldata voucher, bytes calldata signature) external {
        if (block.timestamp > voucher.expiry) revert MembershipVoucherExpired(voucher.expiry, block.timestamp);
        if (_voucherUsed[voucher.member][voucher.nonce]) revert MembershipVoucherUsed(voucher.member, voucher.nonce);
        bytes32 structHash = keccak256(
            abi.encode(_VOUCHER_TYPEHASH, voucher.member, voucher.stakeholderClass, voucher.nonce, voucher.expiry)
        );
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), signature);
        if (!hasRole(REGISTRAR_ROLE, signer)) revert MembershipInvalidSigner(signer);
        _voucherUsed[voucher.member][voucher.nonce] = true;
        _join(voucher.member, voucher.stakeholderClass, signer);
    }

    /// @inheritdoc IMembership
    function leave() external {
        address member = _msgSender();
        uint256 status = _status[member].latest();
        if (status == 0) revert MembershipNotMember(member);
        _push(_status[member], 0);
        _decrement(_classCounts[status - 1]);
        emit MemberLeft(member);
    }

    /// @inheritdoc IMembership
    function changeClass(address member, StakeholderClass stakeholderClass) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 status = _status[member].latest();
        if (status == 0) revert MembershipNotMember(member);
        StakeholderClass fromClass = StakeholderClass(status - 1);
        if (fromClass == stakeholderClass) return;
        _push(_status[member], uint208(stakeholderClass) + 1);
        _decrement(_classCounts[status - 1]);
        _increment(_classCounts[uint256(stakeholderClass)]);
        emit MemberClassChanged(member, fromClass, stakeholderClass);
    }

    /// @inheritdoc IMembership
    function isMember(address account) external view returns (bool active) {
        return _status[account].latest() != 0;
    }

    /// @inheritdoc IMembership
    function memberStatus(address account) external view returns (bool active, StakeholderClass stakeholderClass) {
        return _decode(_status[account].latest());
    }

    /// @inheritdoc IMembership
    function memberStatusAt(address account, uint256 timepoint)
        external
        view
        returns (bool active, StakeholderClass stakeholderClass)
    {
        return _decode(_status[account].upperLookupRecent(_pastTimepoint(timepoint)));
    }

    /// @inheritdoc IMembership
    function memberCount(StakeholderClass stakeholderClass) external view returns (uint256 count) {
        return _classCounts[uint256(stakeholderClass)].latest();
    }

    /// @inheritdoc IMembership
    function memberCountAt(StakeholderClass stakeholderClass, uint256 timepoint) external view returns (uint256 count) {
        return _classCounts[uint256(stakeholderClass)].upperLookupRecent(_pastTimepoint(timepoint));
    }

    /// @inheritdoc IMembership
    function voucherUsed(address member, uint256 nonce) external view returns (bool used) {
        return _voucherUsed[member][nonce];
    }

    /// @notice The EIP-712 domain separator that vouchers are signed under.
    /// @return The separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IERC6372
    function clock() public view returns (uint48) {
        return Time.timestamp();
    }

    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    function _join(address member, StakeholderClass stakeholderClass, address registrar) private {
        if (_status[member].latest() != 0) revert MembershipAlreadyMember(member);
        _push(_status[member], uint208(stakeholderClass) + 1);
        _increment(_classCounts[uint256(stakeholderClass)]);
        emit MemberJoined(member, stakeholderClass, registrar);
    }

    function _pastTimepoint(uint256 timepoint) private view returns (uint48) {
        uint48 currentTimepoint = clock();
        if (timepoint >= currentTimepoint) revert MembershipFutureLookup(timepoint, currentTimepoint);
        return uint48(timepoint);
    }

    function _push(Checkpoints.Trace208 storage trace, uint208 value) private {
        // The (previous, new) pair that push returns is already known to the caller.
        // slither-disable-next-line unused-return
        trace.push(clock(), value);
    }

    function _increment(Checkpoints.Trace208 storage trace) private {
        _push(trace, trace.latest() + 1);
    }

    function _decrement(Checkpoints.Trace208 storage trace) private {
        _push(trace, trace.latest() - 1);
    }

    function _decode(uint256 status) private pure returns (bool active, StakeholderClass stakeholderClass) {
        if (status == 0) return (false, StakeholderClass.PRODUCER);
        return (true, StakeholderClass(status - 1));
    }
}
