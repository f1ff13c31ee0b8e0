// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {RelayedAccessControl} from "./metatx/RelayedAccessControl.sol";
import {CLASS_COUNT} from "./types/ClassLayout.sol";

/// @title Membership
/// @notice The cooperative's member register, checkpointed by timestamp (ERC-6372).
/// @dev Each account's status is one Trace208 whose value is 0 for "not a member" and
/// class + 1 for an active member, so one lookup answers both questions at any past time.
/// A member may leave through the cooperative's forwarder (ERC-2771), which credits the signer.
contract Membership is IMembership, IERC6372, RelayedAccessControl, EIP712 {
    using Checkpoints for Checkpoints.Trace208;

    /// @inheritdoc IMembership
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    bytes32 private constant _VOUCHER_TYPEHASH =
        keccak256("Voucher(address member,uint8 stakeholderClass,uint256 nonce,uint256 expiry)");

    /// @notice Seconds per voucher epoch, the period of the voucher limits.
    uint256 public constant VOUCHER_EPOCH = 1 days;
    /// @notice The largest voucher limit per class and epoch governance can set.
    uint256 public constant MAX_VOUCHERS_PER_EPOCH = 10_000;
    /// @notice The voucher limit per class and epoch at deployment.
    uint32 public constant DEFAULT_VOUCHERS_PER_EPOCH = 250;

    uint256 private constant _COUNT_BITS = 32;

    /// @dev Asserted when compiling: solc computes array lengths then and refuses a negative
    /// one, which this is if the voucher words' counts of CLASS_COUNT classes outgrow a word.
    struct VoucherWordFits {
        bool[256 - _COUNT_BITS * CLASS_COUNT + 1] assertion;
    }

    mapping(address account => Checkpoints.Trace208) private _status;
    Checkpoints.Trace208[CLASS_COUNT] private _classCounts;
    mapping(address member => mapping(uint256 nonce => bool)) private _voucherUsed;
    /// @dev Per class, 32 bits at 32 × class.
    uint256 private _voucherLimits;
    /// @dev Per voucher epoch: vouchers used per class, 32 bits at 32 × class.
    mapping(uint256 epoch => uint256 used) private _vouchersUsed;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    /// @param trustedForwarder The LumbungForwarder, whose requests act for their signer.
    constructor(address admin, address trustedForwarder)
        EIP712("Lumbung Membership", "1")
        RelayedAccessControl(trustedForwarder)
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        uint32 limit = DEFAULT_VOUCHERS_PER_EPOCH;
        _setVoucherLimits([limit, limit, limit, limit]);
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
        _countVoucher(voucher.stakeholderClass);
        _join(voucher.member, voucher.stakeholderClass, signer);
    }

    /// @inheritdoc IMembership
    function leave() external {
        address member = _msgSender();
        _remove(member);
        emit MemberLeft(member);
    }

    /// @inheritdoc IMembership
    function expel(address member) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _remove(member);
        if (totalMembers() == 0) revert MembershipLastMember(member);
        emit MemberExpelled(member);
    }

    /// @inheritdoc IMembership
    function setVoucherLimits(uint32[CLASS_COUNT] calldata limits) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setVoucherLimits(limits);
    }

    /// @inheritdoc IMembership
    function voucherLimits() external view returns (uint32[CLASS_COUNT] memory limits) {
        uint256 word = _voucherLimits;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            limits[c] = uint32(word >> (_COUNT_BITS * c));
        }
    }

    /// @inheritdoc IMembership
    function vouchersUsed(StakeholderClass stakeholderClass, uint256 epoch) external view returns (uint256 used) {
        return uint32(_vouchersUsed[epoch] >> (_COUNT_BITS * uint256(stakeholderClass)));
    }

    /// @inheritdoc IMembership
    function totalMembers() public view returns (uint256 count) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            count += _classCounts[c].latest();
        }
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

    /// @dev Checkpoints `member` out of its class; reverts if it is not a member.
    function _remove(address member) private {
        uint256 status = _status[member].latest();
        if (status == 0) revert MembershipNotMember(member);
        _push(_status[member], 0);
        _decrement(_classCounts[status - 1]);
    }

    /// @dev Counts one voucher for the class in the current voucher epoch, within its limit.
    function _countVoucher(StakeholderClass stakeholderClass) private {
        uint256 shift = _COUNT_BITS * uint256(stakeholderClass);
        uint256 limit = uint32(_voucherLimits >> shift);
        uint256 epoch = block.timestamp / VOUCHER_EPOCH;
        uint256 used = _vouchersUsed[epoch];
        if (uint32(used >> shift) >= limit) {
            revert MembershipVoucherLimitReached(stakeholderClass, epoch, limit);
        }
        // The count is below its limit, itself below 2**32, so the increment stays in its field.
        _vouchersUsed[epoch] = used + (1 << shift);
    }

    function _setVoucherLimits(uint32[CLASS_COUNT] memory limits) private {
        uint256 word = 0;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            if (limits[c] > MAX_VOUCHERS_PER_EPOCH) revert MembershipInvalidVoucherLimit(limits[c]);
            word |= uint256(limits[c]) << (_COUNT_BITS * c);
        }
        _voucherLimits = word;
        emit VoucherLimitsSet(limits);
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
