"""The relayer's typed errors: what a node's refusal of a transaction means.

Nodes answer a refused transaction with free text. :func:`classify_rejection` reads it once, here,
so that callers catch a class instead of matching strings.
"""

from __future__ import annotations


class RelayerError(Exception):
    """A transaction the relayer could not get signed, sent or mined."""


class NonceTakenError(RelayerError):
    """The node already holds a transaction at this nonce: this one, or another one."""


class AlreadyKnownError(NonceTakenError):
    """The node already holds this very transaction."""


class NonceTooLowError(NonceTakenError):
    """A mined transaction has used this nonce already."""


class UnderpricedError(NonceTakenError):
    """Another pending transaction holds this nonce; this one pays too little to replace it."""


class InsufficientFundsError(RelayerError):
    """The relayer's account lacks the ether to pay for the gas."""


class BroadcastRefusedError(RelayerError):
    """The node refused the transaction for another reason."""


class NotMinedYetError(RelayerError):
    """No receipt within the relayer's receipt timeout; the transaction may still be mined."""


class RevertedError(RelayerError):
    """The call reverts: at its estimate (``error`` is the decoded Solidity error) or on-chain."""

    def __init__(self, detail: str, error: str | None = None) -> None:
        super().__init__(f"{error}: {detail}" if error else detail)
        self.error = error
        self.detail = detail


# Phrases of the nodes' answers (geth, Anvil, Erigon, Nethermind), lower case, in the order they
# are checked: the first that the answer contains gives the error.
_REJECTIONS: tuple[tuple[str, type[RelayerError]], ...] = (
    ("insufficient funds", InsufficientFundsError),
    ("already known", AlreadyKnownError),
    ("already imported", AlreadyKnownError),
    ("known transaction", AlreadyKnownError),
    ("nonce too low", NonceTooLowError),
    ("replacement transaction underpriced", UnderpricedError),
)


def classify_rejection(answer: str) -> RelayerError:
    """The typed error for a node's refusal of a raw transaction."""
    lowered = answer.lower()
    for phrase, error in _REJECTIONS:
        if phrase in lowered:
            return error(answer)
    return BroadcastRefusedError(answer)
