"""Sending a member's signed action from the gas relayer: check, simulate, send, record.

A request is refused before anything is sent when it fails a check (see
:mod:`api.services.relay.prepare`), is a replay, exceeds the account's quota, or would revert:
the simulation is an ``eth_call`` from the gas relayer, and a forwarded request's own call is
simulated as the forwarder makes it, so the refusal names the target's Solidity error. What is
sent is recorded, mined or not, in ``relay_transactions``.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from hexbytes import HexBytes
from sqlalchemy import select
from sqlalchemy.orm import Session
from web3.types import TxReceipt

from api.chain import Chain
from api.errors import (
    ChainUnavailableError,
    ContractRevertError,
    RelayFundsError,
    RelayPendingError,
    RelayReplayError,
)
from api.models import RelayStatus, RelayTransaction
from api.relayer import (
    ContractCall,
    InsufficientFundsError,
    NonceTakenError,
    NotMinedYetError,
    Relayer,
    RevertedError,
)
from api.schemas.relay import ForwardBody, JoinBody, VoteBody
from api.services.relay.prepare import (
    Prepared,
    prepare_forward,
    prepare_join,
    prepare_vote,
    verify_forward,
)
from api.services.relay.quota import spend_one

logger = logging.getLogger(__name__)


class GasRelay:
    """The gas relayer of one process. Its transactions are sent one at a time: the relayer's
    nonces are one sequence, and an account's quota is checked and spent together."""

    def __init__(self, relayer: Relayer, max_deadline_s: int) -> None:
        self.relayer = relayer
        self.max_deadline_s = max_deadline_s
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        return self.relayer.address

    def relay(
        self, session: Session, chain: Chain, body: ForwardBody | VoteBody | JoinBody
    ) -> RelayTransaction:
        """Checks, simulates, sends and records ``body``'s action; returns its row, mined."""
        with self._lock:
            self._settle_pending(session)
            head_time = chain.head_timestamp()
            if isinstance(body, ForwardBody):
                prepared = prepare_forward(chain, body.request, head_time, self.max_deadline_s)
            elif isinstance(body, VoteBody):
                prepared = prepare_vote(chain, body)
            else:
                prepared = prepare_join(chain, body, head_time)
            refuse_replay(session, prepared)
            spend_one(session, chain, prepared.account, head_time)
            verify_forward(chain, prepared)
            self._simulate(chain, prepared)
            return self._send(session, prepared, head_time)

    def _settle_pending(self, session: Session) -> None:
        """Records the receipts of the transactions that were not mined when their request was
        answered, now that they are."""
        pending = session.scalars(
            select(RelayTransaction).where(RelayTransaction.status == RelayStatus.PENDING)
        )
        for row in pending:
            receipt = self.relayer.receipt(row.tx_hash)
            if receipt is not None:
                record_receipt(row, receipt)

    def _simulate(self, chain: Chain, prepared: Prepared) -> None:
        """Raises ContractRevertError (409) with the decoded error when the action would
        revert; the member's own call first, so that its error is the one reported."""
        if prepared.inner is not None:
            chain.simulate(*prepared.inner)
        chain.simulate(self.address, prepared.to, prepared.data)

    def _send(self, session: Session, prepared: Prepared, head_time: int) -> RelayTransaction:
        # A forwarded call gets the whole gas its signer allowed it, whatever the estimate
        # said: mined in a later block than the estimate's, a call can need more (a fresh
        # checkpoint for a new timestamp), and the forwarder then reverts it all. Unused gas
        # is not paid for.
        extra = prepared.request.gas if prepared.request is not None else 0
        call = ContractCall(prepared.to, HexBytes(prepared.data), extra_gas=extra)
        try:
            signed = self.relayer.sign(call)
            self.relayer.broadcast(signed.raw)
        except RevertedError as exc:
            raise ContractRevertError(exc.error or "UnknownRevert", {}, exc.detail) from exc
        except InsufficientFundsError as exc:
            raise RelayFundsError(f"the gas relayer {self.address} cannot pay: {exc}") from exc
        except NonceTakenError as exc:
            raise ChainUnavailableError(
                f"the gas relayer's nonce was taken ({exc}); retry"
            ) from exc
        row = RelayTransaction(
            account=prepared.account,
            kind=str(prepared.kind),
            action=prepared.action,
            target=prepared.target,
            selector=prepared.selector,
            signature_hash=prepared.signature_hash,
            tx_hash=signed.tx_hash,
            status=RelayStatus.PENDING,
            chain_time=head_time,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        try:
            receipt = self.relayer.wait_for_receipt(signed.tx_hash)
        except NotMinedYetError as exc:
            session.flush()
            raise RelayPendingError(
                f"{signed.tx_hash} was sent but is not mined yet", tx_hash=signed.tx_hash
            ) from exc
        record_receipt(row, receipt)
        session.flush()
        logger.info(
            "relayed %s for %s in %s (%s gas, %s wei)",
            row.action,
            row.account,
            row.tx_hash,
            row.gas_used,
            row.cost_wei,
        )
        return row


def refuse_replay(session: Session, prepared: Prepared) -> None:
    """Raises RelayReplayError when the same signature was relayed before and did not revert
    (a reverted transaction consumed nothing the signature is bound to)."""
    earlier = session.scalar(
        select(RelayTransaction.tx_hash).where(
            RelayTransaction.signature_hash == prepared.signature_hash,
            RelayTransaction.status != RelayStatus.REVERTED,
        )
    )
    if earlier is not None:
        raise RelayReplayError(f"this signed request was relayed in {earlier}", tx_hash=earlier)


def record_receipt(row: RelayTransaction, receipt: TxReceipt) -> None:
    row.block_number = int(receipt["blockNumber"])
    row.gas_used = int(receipt["gasUsed"])
    row.effective_gas_price = int(receipt["effectiveGasPrice"])
    row.cost_wei = row.gas_used * row.effective_gas_price
    row.status = RelayStatus.SUCCESS if receipt["status"] == 1 else RelayStatus.REVERTED
