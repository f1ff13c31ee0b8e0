"""EIP-712 signatures the cooperative's contracts verify: registrar vouchers, ERC-2612 permits,
governor ballots and the forwarder's requests. Plain eth-account, no chain access: callers pass
the chain id and the verifying contract's address."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data

EIP712_DOMAIN = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
VOUCHER = [
    {"name": "member", "type": "address"},
    {"name": "stakeholderClass", "type": "uint8"},
    {"name": "nonce", "type": "uint256"},
    {"name": "expiry", "type": "uint256"},
]
PERMIT = [
    {"name": "owner", "type": "address"},
    {"name": "spender", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
BALLOT = [
    {"name": "proposalId", "type": "uint256"},
    {"name": "support", "type": "uint8"},
    {"name": "voter", "type": "address"},
    {"name": "nonce", "type": "uint256"},
]
# OpenZeppelin's ERC2771Forwarder.ForwardRequest. The nonce is signed but not sent: execute's
# ForwardRequestData has no nonce, the forwarder reads the signer's current one.
FORWARD_REQUEST = [
    {"name": "from", "type": "address"},
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "gas", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint48"},
    {"name": "data", "type": "bytes"},
]
MEMBERSHIP_DOMAIN = ("Lumbung Membership", "1")
FORWARDER_DOMAIN = ("Lumbung Forwarder", "1")


def sign_typed(
    key: Any,
    *,
    domain: tuple[str, str],
    chain_id: int,
    contract: str,
    primary_type: str,
    fields: list[dict[str, str]],
    message: dict[str, Any],
) -> Any:
    """Signs one EIP-712 message; returns eth-account's SignedMessage (v, r, s, signature)."""
    name, version = domain
    typed = {
        "types": {"EIP712Domain": EIP712_DOMAIN, primary_type: fields},
        "primaryType": primary_type,
        "domain": {
            "name": name,
            "version": version,
            "chainId": chain_id,
            "verifyingContract": str(contract),
        },
        "message": message,
    }
    return Account.sign_message(encode_typed_data(full_message=typed), key)


def sign_voucher(
    key: Any, *, chain_id: int, membership: str, member: str, cls: int, nonce: int, expiry: int
) -> bytes:
    """A registrar's admission voucher for Membership.join."""
    message = {"member": str(member), "stakeholderClass": cls, "nonce": nonce, "expiry": expiry}
    signed = sign_typed(
        key,
        domain=MEMBERSHIP_DOMAIN,
        chain_id=chain_id,
        contract=membership,
        primary_type="Voucher",
        fields=VOUCHER,
        message=message,
    )
    return bytes(signed.signature)


def sign_forward_request(
    key: Any,
    *,
    chain_id: int,
    forwarder: str,
    sender: str,
    to: str,
    data: bytes,
    gas: int,
    nonce: int,
    deadline: int,
    value: int = 0,
) -> bytes:
    """A member's request for LumbungForwarder.execute, to be sent by a relayer."""
    message = {
        "from": str(sender),
        "to": str(to),
        "value": value,
        "gas": gas,
        "nonce": nonce,
        "deadline": deadline,
        "data": bytes(data),
    }
    signed = sign_typed(
        key,
        domain=FORWARDER_DOMAIN,
        chain_id=chain_id,
        contract=forwarder,
        primary_type="ForwardRequest",
        fields=FORWARD_REQUEST,
        message=message,
    )
    return bytes(signed.signature)
