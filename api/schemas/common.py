"""What every area's bodies share: problem documents, strict request bodies and amounts."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lumbung.protocol import UINT256_MAX


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(examples=["https://lumbung.coop/problems/strike-active"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


# ASCII digits only (str.isdigit() takes "²", which int() refuses; "\d" takes "٣"), and at
# most the 78 digits of 2^256 - 1 (int() refuses more than 4,300 digits).
UINT256_PATTERN = r"^[0-9]{1,78}$"
_UINT256 = re.compile(UINT256_PATTERN)


def parse_uint256(text: str) -> int | None:
    """The uint256 that ``text`` spells in ASCII decimal, or None."""
    if not _UINT256.fullmatch(text):
        return None
    value = int(text)
    return value if value <= UINT256_MAX else None


def _amount(text: str) -> str:
    if parse_uint256(text) is None:
        raise ValueError("must be a uint256 in decimal (at most 2^256 - 1)")
    return text


# Token amounts travel as decimal strings: JSON numbers lose precision above 2^53.
# ``Amount`` is the field of a response amount, ``AmountStr`` the type of a checked one.
Amount = Field(pattern=r"^[0-9]+$", description="an amount in the payment token's smallest unit")

AmountStr = Annotated[
    str,
    Field(pattern=UINT256_PATTERN, description="an amount in the token's smallest unit"),
    AfterValidator(_amount),
]


def _refuse_nul(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL (U+0000)")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item)


class RequestBody(BaseModel):
    """A request body: strict types (``pool_id`` takes 1, not true, "1" or 1.0) and no NUL in
    any text (PostgreSQL refuses NUL in text, and no field of this API needs one)."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        _refuse_nul(data)
        return data
