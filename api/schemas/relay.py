"""Bodies of the gas relay: ``/v1/relay``.

A member with no ether signs an action and the API's gas relayer sends it and pays for it. Three
kinds of signed action travel here: an ERC-2771 ``ForwardRequest`` for the forwarder (the
fields its typed data names, ``from`` included), a governor ballot, and a registrar's
membership voucher.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from api.models import RelayTransaction
from api.schemas.common import UINT256_PATTERN, Amount, AmountStr, RequestBody
from lumbung.protocol import ADDRESS_PATTERN, StakeholderClassName

# Calldata of at most 16 KiB (a multicall of a few dozen curations), hex with its 0x: the
# request body stays below the request guard's 64 KiB.
MAX_CALLDATA_BYTES = 16 * 1024
HEX_BYTES_PATTERN = r"^0x(?:[0-9a-fA-F]{2})*$"
SIGNATURE_PATTERN = r"^0x[0-9a-fA-F]{130}$"
UINT48_MAX = 2**48 - 1
UINT64_MAX = 2**64 - 1

Address = Annotated[str, Field(pattern=ADDRESS_PATTERN)]
Signature = Annotated[
    str, Field(pattern=SIGNATURE_PATTERN, description="a 65-byte ECDSA signature, 0x-hex")
]
HexBytes = Annotated[
    str,
    Field(
        pattern=HEX_BYTES_PATTERN,
        max_length=2 + 2 * MAX_CALLDATA_BYTES,
        description="bytes as 0x-prefixed hex",
    ),
]
Uint256Text = Annotated[str, Field(pattern=UINT256_PATTERN, description="a uint256 in decimal")]

# Request bodies


class ForwardRequestBody(RequestBody):
    """``ForwardRequestData`` of OpenZeppelin's ERC2771Forwarder: the typed data the member
    signed (``ForwardRequest``, with the nonce the forwarder holds for ``from``) and the
    signature. ``value`` is a decimal string; the relay sends none."""

    model_config = ConfigDict(strict=True, populate_by_name=True)

    from_: Address = Field(alias="from")
    to: Address
    value: AmountStr
    gas: int = Field(ge=0, le=UINT64_MAX)
    deadline: int = Field(ge=0, le=UINT48_MAX, description="a Unix time, in seconds")
    data: HexBytes
    signature: Signature


class ForwardBody(RequestBody):
    kind: Literal["forward"]
    request: ForwardRequestBody


class VoteBody(RequestBody):
    """A ballot the voter signed for the governor (EIP-712 ``Ballot``, or ``ExtendedBallot``
    when it has a reason or params), at the governor's nonce for the voter."""

    kind: Literal["vote"]
    proposal_id: Uint256Text
    support: int = Field(ge=0, le=2, description="0 against, 1 for, 2 abstain")
    voter: Address
    reason: str = Field(default="", max_length=2000)
    params: HexBytes = Field(default="0x", max_length=2 + 2 * 32)
    signature: Signature


class VoucherBody(RequestBody):
    """A registrar's admission voucher, as ``POST /v1/dev/vouchers`` returns it."""

    member: Address
    stakeholder_class: StakeholderClassName | None = None
    stakeholder_class_id: int = Field(ge=0, le=255)
    nonce: Uint256Text
    expiry: int = Field(ge=0, le=UINT64_MAX)
    membership: Address
    chain_id: int = Field(ge=0, le=UINT64_MAX)
    signature: Signature | None = None


class JoinBody(RequestBody):
    kind: Literal["join"]
    voucher: VoucherBody
    signature: Signature


RelayBody = Annotated[ForwardBody | VoteBody | JoinBody, Field(discriminator="kind")]

# Responses


class RelayDomain(BaseModel):
    """The forwarder's EIP-712 domain, as ``eth_signTypedData_v4`` takes it."""

    name: str
    version: str
    chainId: int  # noqa: N815 (EIP-712's own spelling)
    verifyingContract: str  # noqa: N815


class RelayLimitsPublic(BaseModel):
    quota: int = Field(description="relays per account and period")
    period_s: int
    max_gas: int = Field(description="the most gas one forwarded request may ask for")


class RelayAccountPublic(BaseModel):
    address: str
    used: int = Field(description="relays of this period: forwarded, votes and joins")
    left: int
    nonce: int = Field(description="the forwarder's nonce for the account's next request")
    period_ends_at: int = Field(description="a Unix time, in seconds (chain time)")


class RelayerPublic(BaseModel):
    address: str
    balance_wei: str = Amount
    spent_wei_7d: str = Amount
    burn_wei_per_day: str = Amount
    days_left: float | None = Field(description="balance / burn rate; null with no spending")


class RelayAction(BaseModel):
    """A call the relay sends: ``forward`` actions are the forwarder's targets and functions."""

    kind: Literal["forward", "vote", "join"]
    contract: str
    address: str
    function: str
    selector: str


class RelayInfo(BaseModel):
    forwarder: str
    domain: RelayDomain
    limits: RelayLimitsPublic
    account: RelayAccountPublic | None = Field(description="the ?account= asked about, if any")
    relayer: RelayerPublic
    actions: list[RelayAction]


class RelayResult(BaseModel):
    tx_hash: str
    status: Literal["success", "reverted"]
    gas_used: int
    cost_wei: str = Amount
    action: str = Field(examples=["ContributionRegistry.submit"])
    account: str


class RelayTransactionPublic(BaseModel):
    account: str
    kind: Literal["forward", "vote", "join"]
    action: str
    target: str
    selector: str
    tx_hash: str
    block: int | None
    gas_used: int
    effective_gas_price_wei: str = Amount
    cost_wei: str = Amount
    status: Literal["success", "reverted", "pending"]
    created_at: datetime

    @classmethod
    def from_model(cls, row: RelayTransaction) -> Self:
        return cls(
            account=row.account,
            kind=row.kind,  # type: ignore[arg-type]
            action=row.action,
            target=row.target,
            selector=row.selector,
            tx_hash=row.tx_hash,
            block=row.block_number,
            gas_used=row.gas_used,
            effective_gas_price_wei=str(row.effective_gas_price),
            cost_wei=str(row.cost_wei),
            status=row.status,  # type: ignore[arg-type]
            created_at=row.created_at,
        )


class RelayTotals(BaseModel):
    """What the cooperative has paid to relay its members' actions (``/v1/ledger``'s
    ``relay``)."""

    count: int
    gas_used: int
    cost_wei: str = Amount
    float_balance_wei: str | None = Field(
        description="the gas relayer's ether now; null while the chain does not answer"
    )
    burn_wei_per_day: str = Amount
