"""Bodies of the development helpers: ``/v1/dev``."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import RequestBody
from lumbung.protocol import ADDRESS_PATTERN, StakeholderClassName


class VoucherRequest(RequestBody):
    address: str = Field(pattern=ADDRESS_PATTERN)
    stakeholder_class: StakeholderClassName


class VoucherPublic(BaseModel):
    """A registrar's signed admission voucher, ready for ``Membership.join``."""

    member: str
    stakeholder_class: StakeholderClassName
    stakeholder_class_id: int
    nonce: str
    expiry: int
    membership: str
    chain_id: int
    signature: str
