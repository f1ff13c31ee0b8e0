"""Each account's relays per period: the forwarder counts forwarded requests on-chain; votes
and joins, which do not pass through it, are counted from the relay's own records. One budget
of ``quota`` relays per period covers all three."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import RelayQuotaError
from api.models import RelayKind, RelayStatus, RelayTransaction
from api.services.relay.prepare import forwarder_of

OFF_FORWARDER = (RelayKind.VOTE, RelayKind.JOIN)


@dataclass(frozen=True)
class AccountQuota:
    """An account's relays in the period that ends at ``period_ends_at`` (chain time)."""

    quota: int
    used: int
    left: int
    period_ends_at: int


def account_quota(session: Session, chain: Chain, account: str, head_time: int) -> AccountQuota:
    forwarder = forwarder_of(chain)
    limits = forwarder.limits()
    period = max(limits.period, 1)
    period_start = head_time // period * period
    relayed_elsewhere = session.scalar(
        select(func.count())
        .select_from(RelayTransaction)
        .where(
            RelayTransaction.account == account,
            RelayTransaction.kind.in_([str(k) for k in OFF_FORWARDER]),
            RelayTransaction.status != RelayStatus.REVERTED,
            RelayTransaction.chain_time >= period_start,
        )
    )
    used = forwarder.relays_used(account).used + int(relayed_elsewhere or 0)
    left = max(0, min(forwarder.relays_left(account), limits.quota - used))
    return AccountQuota(limits.quota, used, left, period_start + period)


def spend_one(session: Session, chain: Chain, account: str, head_time: int) -> None:
    """Raises RelayQuotaError (429, ``Retry-After`` the period's end) when ``account`` has no
    relay left in this period."""
    quota = account_quota(session, chain, account, head_time)
    if quota.left == 0:
        raise RelayQuotaError(
            f"{account} has used its {quota.quota} relays of this period; the next period "
            f"starts at {quota.period_ends_at}",
            retry_after_s=max(1, quota.period_ends_at - head_time),
        )
