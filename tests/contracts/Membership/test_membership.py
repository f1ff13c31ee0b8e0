import brownie
from brownie import chain
from eth_account import Account

from tests.contracts.Membership.conftest import FUNDER, PRODUCER, STEWARD, WORKER


def test_join_with_voucher_relayed_by_anyone(membership, voucher, member, outsider):
    args = voucher(member, WORKER)
    tx = membership.join(*args, {"from": outsider})
    assert tx.events["MemberJoined"]["member"] == member
    assert membership.isMember(member)
    assert tuple(membership.memberStatus(member)) == (True, WORKER)
    assert membership.memberCount(WORKER) == 1
    assert membership.voucherUsed(member, 1)


def test_replayed_voucher_reverts(membership, voucher, member):
    args = voucher(member, PRODUCER)
    membership.join(*args, {"from": member})
    membership.leave({"from": member})
    with brownie.reverts(revert_pattern=r"MembershipVoucherUsed:.*"):
        membership.join(*args, {"from": member})


def test_expired_voucher_reverts(membership, voucher, member):
    args = voucher(member, PRODUCER, expiry=chain[-1].timestamp - 1)
    with brownie.reverts(revert_pattern=r"MembershipVoucherExpired:.*"):
        membership.join(*args, {"from": member})


def test_wrong_signer_reverts(membership, voucher, member):
    args = voucher(member, PRODUCER, key=Account.create().key)
    with brownie.reverts(revert_pattern=r"MembershipInvalidSigner:.*"):
        membership.join(*args, {"from": member})


def test_voucher_for_another_class_does_not_verify(membership, voucher, member):
    (addr, _cls, nonce, expiry), sig = voucher(member, PRODUCER)
    with brownie.reverts(revert_pattern=r"MembershipInvalidSigner:.*"):
        membership.join((addr, STEWARD, nonce, expiry), sig, {"from": member})


def test_joining_twice_reverts(membership, voucher, deployer, member):
    membership.join(*voucher(member, PRODUCER, nonce=1), {"from": member})
    with brownie.reverts(revert_pattern=r"MembershipAlreadyMember:.*"):
        membership.join(*voucher(member, FUNDER, nonce=2), {"from": member})
    with brownie.reverts(revert_pattern=r"MembershipAlreadyMember:.*"):
        membership.admit(member, FUNDER, {"from": deployer})


def test_admit_is_admin_only(membership, deployer, member, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        membership.admit(member, STEWARD, {"from": outsider})
    membership.admit(member, STEWARD, {"from": deployer})
    assert tuple(membership.memberStatus(member)) == (True, STEWARD)


def test_leave_and_rejoin(membership, deployer, member):
    membership.admit(member, FUNDER, {"from": deployer})
    tx = membership.leave({"from": member})
    assert tx.events["MemberLeft"]["member"] == member
    assert not membership.isMember(member)
    assert membership.memberCount(FUNDER) == 0
    with brownie.reverts(revert_pattern=r"MembershipNotMember:.*"):
        membership.leave({"from": member})
    membership.admit(member, PRODUCER, {"from": deployer})
    assert tuple(membership.memberStatus(member)) == (True, PRODUCER)


def test_change_class(membership, deployer, member, outsider):
    membership.admit(member, PRODUCER, {"from": deployer})
    tx = membership.changeClass(member, WORKER, {"from": deployer})
    assert tx.events["MemberClassChanged"]["toClass"] == WORKER
    assert membership.memberCount(PRODUCER) == 0
    assert membership.memberCount(WORKER) == 1
    with brownie.reverts(revert_pattern=r"MembershipNotMember:.*"):
        membership.changeClass(outsider, WORKER, {"from": deployer})


def test_status_and_counts_are_checkpointed(membership, deployer, member, outsider):
    t0 = membership.admit(member, PRODUCER, {"from": deployer}).timestamp
    chain.sleep(100)
    t1 = membership.changeClass(member, STEWARD, {"from": deployer}).timestamp
    chain.sleep(100)
    t2 = membership.leave({"from": member}).timestamp
    chain.sleep(100)
    membership.admit(outsider, PRODUCER, {"from": deployer})
    chain.sleep(10)
    chain.mine()
    assert tuple(membership.memberStatusAt(member, t0 - 1)) == (False, PRODUCER)
    assert tuple(membership.memberStatusAt(member, t0)) == (True, PRODUCER)
    assert tuple(membership.memberStatusAt(member, t1)) == (True, STEWARD)
    active, _cls = membership.memberStatusAt(member, t2)
    assert active is False
    assert membership.memberCountAt(PRODUCER, t0) == 1
    assert membership.memberCountAt(PRODUCER, t1) == 0
    assert membership.memberCountAt(STEWARD, t1) == 1
    assert membership.memberCountAt(STEWARD, t2) == 0
    assert membership.memberCount(PRODUCER) == 1


def test_future_lookup_reverts(membership, member):
    with brownie.reverts(revert_pattern=r"MembershipFutureLookup:.*"):
        membership.memberStatusAt(member, chain[-1].timestamp + 1000)
    with brownie.reverts(revert_pattern=r"MembershipFutureLookup:.*"):
        membership.memberCountAt(PRODUCER, chain[-1].timestamp + 1000)


# -- issue 13, attack 5: a membership that can shrink ------------------------------------------


def test_expel_is_admin_only_and_checkpointed(membership, deployer, member, outsider):
    membership.admit(member, WORKER, {"from": deployer})
    membership.admit(outsider, PRODUCER, {"from": deployer})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        membership.expel(member, {"from": outsider})
    chain.sleep(1)
    tx = membership.expel(member, {"from": deployer})
    assert tx.events["MemberExpelled"] == {"member": member}
    expelled_at = tx.timestamp
    chain.sleep(1)
    chain.mine()
    assert not membership.isMember(member)
    assert tuple(membership.memberStatusAt(member, expelled_at - 1)) == (True, WORKER)
    assert tuple(membership.memberStatusAt(member, expelled_at)) == (False, PRODUCER)
    assert membership.memberCount(WORKER) == 0 and membership.totalMembers() == 1
    with brownie.reverts(f"MembershipNotMember: {member.address.lower()}"):
        membership.expel(member, {"from": deployer})


def test_the_last_member_cannot_be_expelled(membership, deployer, member):
    membership.admit(member, STEWARD, {"from": deployer})
    with brownie.reverts(f"MembershipLastMember: {member.address.lower()}"):
        membership.expel(member, {"from": deployer})


def test_vouchers_are_rate_limited_per_class_and_epoch(membership, voucher, deployer, accounts):
    membership.setVoucherLimits([0, 0, 2, 0], {"from": deployer})
    epoch = chain[-1].timestamp // 86_400
    sybils = [accounts.add() for _ in range(3)]
    for sybil in sybils[:2]:
        membership.join(*voucher(sybil, WORKER), {"from": deployer})
    with brownie.reverts(f"MembershipVoucherLimitReached: {WORKER}, {epoch}, 2"):
        membership.join(*voucher(sybils[2], WORKER), {"from": deployer})
    with brownie.reverts(f"MembershipVoucherLimitReached: {PRODUCER}, {epoch}, 0"):
        membership.join(*voucher(sybils[2], PRODUCER), {"from": deployer})
    assert membership.vouchersUsed(WORKER, epoch) == 2
    chain.sleep(86_400)
    membership.join(*voucher(sybils[2], WORKER, nonce=2), {"from": deployer})
    membership.admit(accounts.add(), PRODUCER, {"from": deployer})  # governance is not limited


def test_voucher_limits_are_governed_and_bounded(membership, deployer, outsider):
    assert list(membership.voucherLimits()) == [membership.DEFAULT_VOUCHERS_PER_EPOCH()] * 4
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        membership.setVoucherLimits([1, 1, 1, 1], {"from": outsider})
    with brownie.reverts("MembershipInvalidVoucherLimit: 10001"):
        membership.setVoucherLimits([1, 10_001, 1, 1], {"from": deployer})
    tx = membership.setVoucherLimits([5, 6, 7, 8], {"from": deployer})
    assert list(tx.events["VoucherLimitsSet"]["limits"]) == [5, 6, 7, 8]
