"""What the gas relay's tests share: signed bodies for ``POST /v1/relay`` and the gas relayer's
account, whose nonce and balance show whether anything was sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from lumbung.devchain import ADDRESSES, KEYS, Role, forward_request
from lumbung.eip712 import BALLOT, sign_typed

GAS_RELAYER = ADDRESSES[Role.GAS_RELAYER]


@dataclass(frozen=True)
class RelayerState:
    """The gas relayer's nonce and balance: unchanged when nothing was sent."""

    nonce: int
    balance: int

    @classmethod
    def of(cls, w3: Web3) -> RelayerState:
        return cls(w3.eth.get_transaction_count(GAS_RELAYER), w3.eth.get_balance(GAS_RELAYER))


def now(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])


def forward_body(
    w3: Web3,
    contracts: dict[str, Any],
    account: int,
    function: Any,
    *,
    gas: int = 400_000,
    ttl: int = 600,
    key: str | None = None,
) -> dict[str, Any]:
    """``account``'s signed ForwardRequest for ``function`` (a web3 contract call), as the
    dApp POSTs it."""
    sender, to, _, _, deadline, data, signature = forward_request(
        contracts["Forwarder"], key or KEYS[account], function, gas, now(w3) + ttl,
        sender=ADDRESSES[account],
    )
    request = {
        "from": sender,
        "to": to,
        "value": "0",
        "gas": gas,
        "deadline": deadline,
        "data": "0x" + data.hex(),
        "signature": "0x" + signature.hex(),
    }
    return {"kind": "forward", "request": request}


def vote_body(
    w3: Web3,
    contracts: dict[str, Any],
    account: int,
    proposal_id: int,
    support: int,
    reason: str = "",
) -> dict[str, Any]:
    """``account``'s signed ballot: ``Ballot``, or ``ExtendedBallot`` when it has a reason."""
    governor = contracts["CoopGovernor"]
    voter = ADDRESSES[account]
    _, name, version, chain_id, verifying, _, _ = governor.functions.eip712Domain().call()
    message: dict[str, Any] = {
        "proposalId": proposal_id,
        "support": support,
        "voter": voter,
        "nonce": governor.functions.nonces(voter).call(),
    }
    primary, fields = "Ballot", BALLOT
    if reason:
        message |= {"reason": reason, "params": b""}
        primary = "ExtendedBallot"
        fields = [
            *BALLOT,
            {"name": "reason", "type": "string"},
            {"name": "params", "type": "bytes"},
        ]
    signed = sign_typed(
        KEYS[account],
        domain=(name, version),
        chain_id=chain_id,
        contract=verifying,
        primary_type=primary,
        fields=fields,
        message=message,
    )
    return {
        "kind": "vote",
        "proposal_id": str(proposal_id),
        "support": support,
        "voter": voter,
        "reason": reason,
        "params": "0x",
        "signature": "0x" + bytes(signed.signature).hex(),
    }
