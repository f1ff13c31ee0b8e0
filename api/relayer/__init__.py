"""Sending transactions: nonces, fees, signing, broadcast, receipts and allowances.

The rest of the service talks to a :class:`Relayer` (:class:`LocalKeyRelayer` signs with the
relayer key) and catches the typed errors of :mod:`api.relayer.errors`. It sends any contract
call; :mod:`api.relayer.market` holds the DataMarket calls of the settlement outbox.
"""

from api.relayer.errors import (
    AlreadyKnownError,
    BroadcastRefusedError,
    InsufficientFundsError,
    NonceTakenError,
    NonceTooLowError,
    NotMinedYetError,
    RelayerError,
    RevertedError,
    UnderpricedError,
)
from api.relayer.interface import ContractCall, Relayer, SignedTransaction, hex_hash
from api.relayer.local_key import LocalKeyRelayer

__all__ = [
    "AlreadyKnownError",
    "BroadcastRefusedError",
    "ContractCall",
    "InsufficientFundsError",
    "LocalKeyRelayer",
    "NonceTakenError",
    "NonceTooLowError",
    "NotMinedYetError",
    "Relayer",
    "RelayerError",
    "RevertedError",
    "SignedTransaction",
    "UnderpricedError",
    "hex_hash",
]
