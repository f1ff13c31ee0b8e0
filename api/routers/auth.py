"""Sign-In with Ethereum (EIP-4361): nonce, sign-in, the current wallet, logout."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import RATE_LIMITED, ChainDep, SessionDep, SettingsDep, rate_limit
from api.deps_auth import BearerDep, CurrentSession
from api.errors import UnauthorizedError
from api.schemas.auth import LoggedOut, NoncePublic, SessionPublic, SiweLogin, WalletPublic
from api.services import auth

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get(
    "/nonce",
    response_model=NoncePublic,
    dependencies=[rate_limit("nonce")],
    responses=RATE_LIMITED,
)
async def nonce(settings: SettingsDep, chain: ChainDep) -> NoncePublic:
    """A single-use nonce and the fields the EIP-4361 message must carry.

    The nonce is stateless (an HMAC of its issue time and random bytes): asking for one writes
    nothing; it is recorded only when a sign-in uses it.
    """
    issued = auth.issue_nonce(settings)
    return NoncePublic(
        nonce=issued.nonce,
        expires_at=issued.expires_at,
        domain=settings.siwe_domain,
        uri=settings.siwe_uri,
        chain_id=chain.chain_id,
    )


@router.post(
    "/siwe",
    response_model=SessionPublic,
    dependencies=[rate_limit("signin")],
    responses=RATE_LIMITED,
)
def siwe(
    body: SiweLogin, session: SessionDep, settings: SettingsDep, chain: ChainDep
) -> SessionPublic:
    """Verifies a signed EIP-4361 message and returns a bearer token for the wallet."""
    opened = auth.sign_in(session, settings, chain.chain_id, body.message, body.signature)
    return SessionPublic(token=opened.token, address=opened.address, expires_at=opened.expires_at)


@router.get("/me", response_model=WalletPublic)
def me(wallet_session: CurrentSession) -> WalletPublic:
    return WalletPublic.from_model(wallet_session)


@router.post("/logout", response_model=LoggedOut)
def logout(session: SessionDep, token: BearerDep) -> LoggedOut:
    """Ends the session; its token is refused from now on."""
    if token is None:
        raise UnauthorizedError("no session token to end")
    auth.logout(session, token)
    return LoggedOut()
