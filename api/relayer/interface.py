"""What the rest of the service asks of a relayer: a Protocol, and the call it sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from hexbytes import HexBytes
from web3.contract import Contract
from web3.types import TxReceipt


@dataclass(frozen=True)
class ContractCall:
    """One call of a contract function, encoded: where it goes and its calldata, and the gas
    its transaction must carry beyond the estimate (``extra_gas``)."""

    to: str
    data: HexBytes
    extra_gas: int = 0

    @classmethod
    def of(cls, contract: Contract, function: str, *args: Any) -> ContractCall:
        return cls(contract.address, HexBytes(contract.encode_abi(function, args=list(args))))


@dataclass(frozen=True)
class SignedTransaction:
    """A transaction signed and not necessarily sent: keep ``raw`` to broadcast it again."""

    raw: bytes
    tx_hash: str
    nonce: int


def hex_hash(value: Any) -> str:
    """A transaction or block hash as 0x-prefixed lower-case hex."""
    return "0x" + bytes(HexBytes(value)).hex()


class Relayer(Protocol):
    """Sends contract calls from one account; every method raises the typed errors of
    :mod:`api.relayer.errors`, and :class:`~api.errors.ChainUnavailableError` when the node is
    down."""

    @property
    def address(self) -> str:
        """The account that signs and pays for the gas."""
        ...

    def sign(self, call: ContractCall) -> SignedTransaction:
        """Estimates ``call`` (``RevertedError`` if it would revert) and signs it at the account's
        next pending nonce, without sending it."""
        ...

    def broadcast(self, raw: bytes) -> None:
        """Sends a signed transaction (``NonceTakenError`` when the node holds one at its nonce)."""
        ...

    def receipt(self, tx_hash: str) -> TxReceipt | None:
        """The transaction's receipt, or None while it is not mined."""
        ...

    def wait_for_receipt(self, tx_hash: str) -> TxReceipt:
        """The transaction's receipt, waiting for it (``NotMinedYetError`` past the timeout)."""
        ...

    def mined_nonce(self) -> int:
        """How many of the account's nonces the latest block has used."""
        ...

    def transact(self, call: ContractCall) -> TxReceipt:
        """Signs, sends and waits for ``call``; ``RevertedError`` when it reverts on-chain."""
        ...

    def ensure_allowance(self, token: Contract, spender: str, amount: int) -> None:
        """Makes sure ``spender`` may take ``amount`` of the account's ``token``, approving it
        for the maximum once when it may not."""
        ...
