"""The two EIP-712 messages of the batch path, signed off-chain and published in the manifest.

A member's **Consent** names the pool (so the purposes it consents to), the binary CID, the
contributor and a deadline; a curator's **Review** names the consent by its EIP-712 digest and
gives a weight (0 rejects, with a reason). Both are signed under the ContributionRegistry's
domain ("Lumbung Registry", "1", chain id, registry address), which the registry exposes through
ERC-5267 ``eip712Domain()`` and checks consents with (``consentDigest``, ``isValidConsent``).

Pure functions, no chain access: the typed data a wallet signs (``eth_signTypedData_v4``), its
digest, the signer it recovers, and signing with a key (tests, benchmarks, the demo).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage, _hash_eip191_message, encode_typed_data
from eth_utils import to_checksum_address

from lumbung.eip712 import EIP712_DOMAIN

REGISTRY_DOMAIN = ("Lumbung Registry", "1")
CONSENT = [
    {"name": "poolId", "type": "uint256"},
    {"name": "cid", "type": "bytes"},
    {"name": "contributor", "type": "address"},
    {"name": "deadline", "type": "uint256"},
]
REVIEW = [
    {"name": "consent", "type": "bytes32"},
    {"name": "weight", "type": "uint48"},
    {"name": "reason", "type": "string"},
]


@dataclass(frozen=True)
class RegistryDomain:
    """Where a consent or review is valid: one chain, one ContributionRegistry."""

    chain_id: int
    registry: str

    def as_json(self) -> dict[str, Any]:
        name, version = REGISTRY_DOMAIN
        return {
            "name": name,
            "version": version,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.registry),
        }


def _typed(
    domain: RegistryDomain, primary: str, fields: list[dict[str, str]], message: dict[str, Any]
) -> dict[str, Any]:
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN, primary: fields},
        "primaryType": primary,
        "domain": domain.as_json(),
        "message": message,
    }


def consent_typed_data(
    domain: RegistryDomain, *, pool_id: int, cid: bytes, contributor: str, deadline: int
) -> dict[str, Any]:
    """The Consent as ``eth_signTypedData_v4`` takes it (bytes as 0x hex)."""
    message = {
        "poolId": pool_id,
        "cid": "0x" + bytes(cid).hex(),
        "contributor": to_checksum_address(contributor),
        "deadline": deadline,
    }
    return _typed(domain, "Consent", CONSENT, message)


def review_typed_data(
    domain: RegistryDomain, *, consent_digest: bytes, weight: int, reason: str
) -> dict[str, Any]:
    """The Review of the consent whose EIP-712 digest is ``consent_digest``."""
    message = {"consent": "0x" + bytes(consent_digest).hex(), "weight": weight, "reason": reason}
    return _typed(domain, "Review", REVIEW, message)


def _signable(typed: dict[str, Any]) -> SignableMessage:
    return encode_typed_data(full_message=typed)


def digest(typed: dict[str, Any]) -> bytes:
    """The EIP-712 digest (``\\x19\\x01 ‖ domainSeparator ‖ hashStruct``) of typed data."""
    return bytes(_hash_eip191_message(_signable(typed)))


def recover(typed: dict[str, Any], signature: bytes) -> str | None:
    """The EOA that signed ``typed``; None when ``signature`` is not a valid ECDSA signature."""
    try:
        return str(Account.recover_message(_signable(typed), signature=signature))
    except Exception:  # malformed length, s or v out of range: no signer
        return None


def sign(typed: dict[str, Any], key: Any) -> bytes:
    """``key``'s signature of ``typed`` (what a wallet's eth_signTypedData_v4 returns)."""
    return bytes(Account.sign_message(_signable(typed), key).signature)
