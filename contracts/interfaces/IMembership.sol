// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CLASS_COUNT} from "../types/ClassLayout.sol";

/// @title IMembership
/// @notice One entry per admitted person, each in one stakeholder class. Admission comes from
/// governance or from an EIP-712 voucher signed by a registrar that governance appoints; the
/// voucher is the cooperative's sybil root. Class and active status are checkpointed by
/// timestamp so that votes read them as they stood at a proposal's snapshot. Membership can
/// shrink: members leave, and governance expels (lost keys, sybils), checkpointed alike. Vouchers
/// are rate-limited per class and voucher epoch (VOUCHER_EPOCH seconds), so a careless or
/// stolen registrar key admits a bounded number of accounts before governance replaces it.
interface IMembership {
    /// @notice The stakeholder classes of the cooperative.
    enum StakeholderClass {
        PRODUCER,
        FUNDER,
        WORKER,
        STEWARD
    }

    /// @notice A registrar's admission voucher.
    /// @param member The admitted account; only this account's membership is created.
    /// @param stakeholderClass The class the member joins.
    /// @param nonce Registrar-chosen number, single use per member.
    /// @param expiry Last timestamp at which the voucher is valid.
    struct Voucher {
        address member;
        StakeholderClass stakeholderClass;
        uint256 nonce;
        uint256 expiry;
    }

    /// @notice Governance expelled a member.
    /// @param member The account.
    event MemberExpelled(address indexed member);

    /// @notice Governance set the voucher limits per class and voucher epoch.
    /// @param limits The limits, indexed by StakeholderClass.
    event VoucherLimitsSet(uint32[CLASS_COUNT] limits);

    /// @notice A member was admitted, or re-admitted after leaving.
    /// @param member The account.
    /// @param stakeholderClass The member's class.
    /// @param registrar The voucher signer, or the admin that admitted directly.
    event MemberJoined(address indexed member, StakeholderClass stakeholderClass, address indexed registrar);

    /// @notice A member left; revenue already earned stays claimable.
    /// @param member The account.
    event MemberLeft(address indexed member);

    /// @notice Governance moved a member to another class.
    /// @param member The account.
    /// @param fromClass The former class.
    /// @param toClass The new class.
    event MemberClassChanged(address indexed member, StakeholderClass fromClass, StakeholderClass toClass);

    /// @notice The account is already an active member.
    /// @param member The account.
    error MembershipAlreadyMember(address member);

    /// @notice The account is not an active member.
    /// @param account The account.
    error MembershipNotMember(address account);

    /// @notice The voucher's expiry has passed.
    /// @param expiry The voucher's expiry.
    /// @param nowTimestamp The current block timestamp.
    error MembershipVoucherExpired(uint256 expiry, uint256 nowTimestamp);

    /// @notice The voucher was already used.
    /// @param member The voucher's member.
    /// @param nonce The voucher's nonce.
    error MembershipVoucherUsed(address member, uint256 nonce);

    /// @notice The voucher's signer holds no registrar role.
    /// @param signer The recovered signer.
    error MembershipInvalidSigner(address signer);

    /// @notice A past lookup asked for a time that is not yet in the past.
    /// @param timepoint The requested time.
    /// @param clock The current time.
    error MembershipFutureLookup(uint256 timepoint, uint48 clock);

    /// @notice The class has used its vouchers for this voucher epoch.
    /// @param stakeholderClass The class.
    /// @param epoch The voucher epoch.
    /// @param limit The limit.
    error MembershipVoucherLimitReached(StakeholderClass stakeholderClass, uint256 epoch, uint256 limit);

    /// @notice A voucher limit is above MAX_VOUCHERS_PER_EPOCH.
    /// @param limit The refused limit.
    error MembershipInvalidVoucherLimit(uint256 limit);

    /// @notice The last active member cannot be expelled.
    /// @param member The member.
    error MembershipLastMember(address member);

    /// @notice Admits an account directly; for governance.
    /// @param member The account.
    /// @param stakeholderClass The class.
    function admit(address member, StakeholderClass stakeholderClass) external;

    /// @notice Joins with a registrar's voucher; anyone may relay it for the member.
    /// @param voucher The voucher.
    /// @param signature The registrar's EIP-712 signature over it.
    function join(Voucher calldata voucher, bytes calldata signature) external;

    /// @notice Leaves the cooperative. Earned revenue remains claimable.
    function leave() external;

    /// @notice Expels a member, checkpointed like leaving; for governance (the timelock). Earned
    /// revenue remains claimable. Bounded: the last active member cannot be expelled, so the
    /// cooperative always keeps someone who can propose.
    /// @param member The member.
    function expel(address member) external;

    /// @notice Sets how many vouchers may admit members of each class per voucher epoch; for
    /// governance (the timelock). Bounded: each limit at most MAX_VOUCHERS_PER_EPOCH (0 closes a
    /// class to vouchers; governance can still admit).
    /// @param limits The limits, indexed by StakeholderClass.
    function setVoucherLimits(uint32[CLASS_COUNT] calldata limits) external;

    /// @notice The voucher limits per class and voucher epoch.
    /// @return limits The limits, indexed by StakeholderClass.
    function voucherLimits() external view returns (uint32[CLASS_COUNT] memory limits);

    /// @notice The vouchers used for a class in a voucher epoch.
    /// @param stakeholderClass The class.
    /// @param epoch The voucher epoch (timestamp / VOUCHER_EPOCH).
    /// @return used The count.
    function vouchersUsed(StakeholderClass stakeholderClass, uint256 epoch) external view returns (uint256 used);

    /// @notice The active members of all classes now.
    /// @return count The count.
    function totalMembers() external view returns (uint256 count);

    /// @notice Moves a member to another class; for governance.
    /// @param member The member.
    /// @param stakeholderClass The new class.
    function changeClass(address member, StakeholderClass stakeholderClass) external;

    /// @notice Whether an account is an active member now.
    /// @param account The account.
    /// @return active True if active.
    function isMember(address account) external view returns (bool active);

    /// @notice An account's status now.
    /// @param account The account.
    /// @return active True if active.
    /// @return stakeholderClass The class (PRODUCER when not a member).
    function memberStatus(address account) external view returns (bool active, StakeholderClass stakeholderClass);

    /// @notice An account's status at a past timestamp.
    /// @param account The account.
    /// @param timepoint A timestamp strictly before now.
    /// @return active True if active then.
    /// @return stakeholderClass The class then.
    function memberStatusAt(address account, uint256 timepoint)
        external
        view
        returns (bool active, StakeholderClass stakeholderClass);

    /// @notice The number of active members in a class now.
    /// @param stakeholderClass The class.
    /// @return count The count.
    function memberCount(StakeholderClass stakeholderClass) external view returns (uint256 count);

    /// @notice The number of active members in a class at a past timestamp.
    /// @param stakeholderClass The class.
    /// @param timepoint A timestamp strictly before now.
    /// @return count The count.
    function memberCountAt(StakeholderClass stakeholderClass, uint256 timepoint) external view returns (uint256 count);

    /// @notice Whether a voucher nonce was used for a member.
    /// @param member The member.
    /// @param nonce The nonce.
    /// @return used True if used.
    function voucherUsed(address member, uint256 nonce) external view returns (bool used);

    /// @notice The role whose holders sign vouchers.
    /// @return The role identifier.
    function REGISTRAR_ROLE() external view returns (bytes32);
}
