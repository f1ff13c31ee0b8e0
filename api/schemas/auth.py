"""Bodies of Sign-In with Ethereum: ``/v1/auth``."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field

from api.models import WalletSession
from api.schemas.common import RequestBody
from lumbung.protocol import ADDRESS_PATTERN, utc


class NoncePublic(BaseModel):
    nonce: str = Field(description="single use; put it in the EIP-4361 message's Nonce field")
    expires_at: datetime
    domain: str = Field(description="the domain the message must name")
    uri: str = Field(description="the URI the message must name")
    chain_id: int


class SiweLogin(RequestBody):
    message: str = Field(min_length=1, max_length=8192, description="the EIP-4361 message")
    signature: str = Field(
        pattern=r"^0x[0-9a-fA-F]{130}$", description="its EIP-191 personal_sign signature"
    )


class SessionPublic(BaseModel):
    token: str = Field(description="send as 'Authorization: Bearer <token>'")
    address: str = Field(pattern=ADDRESS_PATTERN)
    expires_at: datetime


class WalletPublic(BaseModel):
    address: str = Field(pattern=ADDRESS_PATTERN)
    expires_at: datetime

    @classmethod
    def from_model(cls, row: WalletSession) -> Self:
        return cls(address=row.address, expires_at=utc(row.expires_at))


class LoggedOut(BaseModel):
    logged_out: bool = True
