"""EIP-712 signing for brownie scripts and tests: the API's implementation, in one place."""

from api.eip712 import (
    BALLOT,
    EIP712_DOMAIN,
    MEMBERSHIP_DOMAIN,
    PERMIT,
    VOUCHER,
    sign_typed,
    sign_voucher,
)

__all__ = [
    "BALLOT",
    "EIP712_DOMAIN",
    "MEMBERSHIP_DOMAIN",
    "PERMIT",
    "VOUCHER",
    "sign_typed",
    "sign_voucher",
]
