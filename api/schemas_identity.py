"""Bodies of the identity area: Sign-In with Ethereum, contributions, purchases."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas import AmountStr, RequestBody
from api.schemas_catalogue import ContributionPublic
from lumbung.protocol import ADDRESS_PATTERN, CONTRIBUTION_ID_PATTERN, PurposeName

# Sign-In with Ethereum ---------------------------------------------------------------------


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


class LoggedOut(BaseModel):
    logged_out: bool = True


# Contributions -----------------------------------------------------------------------------


class ContributionUploaded(BaseModel):
    cid: str = Field(description="the ciphertext's CID (CIDv1, raw leaves)")
    contribution_id: str = Field(pattern=CONTRIBUTION_ID_PATTERN)
    size: int = Field(description="plaintext bytes")
    plaintext_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    registry: str = Field(pattern=ADDRESS_PATTERN, description="ContributionRegistry address")
    calldata: str = Field(
        pattern=r"^0x[0-9a-f]*$", description="submit(poolId, cid) for the member's wallet to send"
    )


class ContributionDetail(ContributionPublic):
    """A contribution as ``GET /v1/contributions/{id}`` shows it."""

    contributor: str = Field(pattern=ADDRESS_PATTERN)
    filename: str | None = Field(
        default=None, description="the uploaded file's name; shown to its contributor only"
    )


class Erased(BaseModel):
    erased: bool = True


# Purchases ---------------------------------------------------------------------------------


class PurchasePublic(BaseModel):
    id: int
    pool_id: int
    purpose: PurposeName
    price: AmountStr
    buyer: str = Field(pattern=ADDRESS_PATTERN)
    order_id: str | None = Field(
        description="the off-chain order's bytes32 id; null if bought with a wallet"
    )
    content_block: int
    block_number: int
    timestamp: int
