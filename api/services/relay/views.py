"""What the relay shows: its terms for an account (``GET /v1/relay``), the transactions it paid
for, and their totals in the cooperative's books."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import ChainUnavailableError
from api.models import RelayTransaction
from api.schemas.relay import (
    RelayAccountPublic,
    RelayAction,
    RelayDomain,
    RelayerPublic,
    RelayInfo,
    RelayLimitsPublic,
    RelayTotals,
    RelayTransactionPublic,
)
from api.services.relay.allowlist import actions
from api.services.relay.prepare import forwarder_of
from api.services.relay.quota import account_quota

BURN_WINDOW = timedelta(days=7)


def spent_in_window(session: Session, now: datetime | None = None) -> int:
    """The wei the relay paid over the last seven days."""
    since = (now or datetime.now(UTC)) - BURN_WINDOW
    costs = session.scalars(
        select(RelayTransaction.cost_wei).where(RelayTransaction.created_at >= since)
    )
    return sum(costs)


def relay_info(session: Session, chain: Chain, relayer: str, account: str | None) -> RelayInfo:
    forwarder = forwarder_of(chain)
    domain, limits = forwarder.eip712_domain(), forwarder.limits()
    account_view = None
    if account is not None:
        quota = account_quota(session, chain, account, chain.head_timestamp())
        account_view = RelayAccountPublic(
            address=account,
            used=quota.used,
            left=quota.left,
            nonce=forwarder.nonce(account),
            period_ends_at=quota.period_ends_at,
        )
    balance, spent = chain.balance(relayer), spent_in_window(session)
    burn = spent // BURN_WINDOW.days
    return RelayInfo(
        forwarder=forwarder.address,
        domain=RelayDomain(
            name=domain.name,
            version=domain.version,
            chainId=domain.chain_id,
            verifyingContract=domain.verifying_contract,
        ),
        limits=RelayLimitsPublic(
            quota=limits.quota, period_s=limits.period, max_gas=limits.max_gas
        ),
        account=account_view,
        relayer=RelayerPublic(
            address=relayer,
            balance_wei=str(balance),
            spent_wei_7d=str(spent),
            burn_wei_per_day=str(burn),
            days_left=balance / burn if burn else None,
        ),
        actions=[
            RelayAction(
                kind=a.kind.value,
                contract=a.contract,
                address=a.address,
                function=a.function,
                selector=a.selector,
            )
            for a in actions(chain)
        ],
    )


def transactions(
    session: Session, account: str | None, limit: int, offset: int
) -> list[RelayTransactionPublic]:
    """The relayed transactions, newest first; only ``account``'s when it is given."""
    query = select(RelayTransaction).order_by(RelayTransaction.id.desc())
    if account is not None:
        query = query.where(RelayTransaction.account == account)
    rows = session.scalars(query.limit(limit).offset(offset))
    return [RelayTransactionPublic.from_model(row) for row in rows]


def relay_totals(session: Session, chain: Chain, relayer: str) -> RelayTotals:
    """Every relayed transaction's gas and cost summed, the relayer's float and its burn rate
    (the float is null while the chain does not answer)."""
    count, gas = session.execute(
        select(func.count(), func.coalesce(func.sum(RelayTransaction.gas_used), 0))
    ).one()
    cost = sum(session.scalars(select(RelayTransaction.cost_wei)))
    try:
        balance: int | None = chain.balance(relayer)
    except ChainUnavailableError:
        balance = None
    return RelayTotals(
        count=int(count),
        gas_used=int(gas),
        cost_wei=str(cost),
        float_balance_wei=None if balance is None else str(balance),
        burn_wei_per_day=str(spent_in_window(session) // BURN_WINDOW.days),
    )
