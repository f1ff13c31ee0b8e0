"""Dependencies of Sign-In with Ethereum sessions: the wallet behind a bearer token.

Kept apart from :mod:`api.deps` (the API-key buyers live there); a route that serves both kinds
of caller uses :data:`CurrentCaller`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from api.deps import SessionDep, bearer_token
from api.errors import UnauthorizedError
from api.models import Buyer, WalletSession
from api.services import auth, buyers

BearerDep = Annotated[str | None, Depends(bearer_token)]


def current_session(session: SessionDep, token: BearerDep) -> WalletSession:
    """The wallet session of the request's ``Authorization: Bearer`` token."""
    if token is None:
        raise UnauthorizedError("sign in with Ethereum first: 'Authorization: Bearer <token>'")
    return auth.authenticate(session, token)


CurrentSession = Annotated[WalletSession, Depends(current_session)]


def current_wallet(wallet_session: CurrentSession) -> str:
    """The EIP-55 address of the signed-in wallet."""
    return wallet_session.address


CurrentWallet = Annotated[str, Depends(current_wallet)]


def optional_wallet(session: SessionDep, token: BearerDep) -> str | None:
    """The signed-in wallet if the request carries a session token; None otherwise."""
    return None if token is None else auth.authenticate(session, token).address


OptionalWallet = Annotated[str | None, Depends(optional_wallet)]


@dataclass(frozen=True)
class Caller:
    """Who is calling: an off-chain buyer (API key) or a signed-in wallet; exactly one is set."""

    buyer: Buyer | None = None
    wallet: str | None = None


def current_caller(
    session: SessionDep, token: BearerDep, x_api_key: Annotated[str | None, Header()] = None
) -> Caller:
    """An API-key buyer or a SIWE wallet; 401 when the request carries neither."""
    if x_api_key:
        return Caller(buyer=buyers.authenticate(session, x_api_key))
    if token is not None:
        return Caller(wallet=auth.authenticate(session, token).address)
    raise UnauthorizedError("send an X-API-Key header or sign in with Ethereum")


CurrentCaller = Annotated[Caller, Depends(current_caller)]
