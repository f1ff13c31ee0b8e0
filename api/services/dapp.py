"""What the wallet dApp reads at start (addresses, ABIs, token, names) and the development
registrar that issues admission vouchers on a local chain.

The voucher is the EIP-712 typed data ``Membership.join`` verifies (domain "Lumbung Membership",
version "1"), signed by lumbung.eip712 as the brownie scripts sign it. The vocabulary (purposes,
classes, development chains) is lumbung.protocol's.
"""

from __future__ import annotations

import json
import logging
import secrets
from threading import Lock
from typing import Any

from eth_utils import to_checksum_address

from api.chain import Chain
from api.errors import NotFoundError
from api.schemas.config import DappConfig, PaymentTokenInfo
from api.schemas.dev import VoucherPublic
from api.settings import Settings
from lumbung.eip712 import sign_voucher
from lumbung.protocol import CLASS_NAMES, DEV_CHAIN_IDS, PURPOSE_NAMES, StakeholderClass

logger = logging.getLogger(__name__)

VOUCHER_TTL_S = 24 * 3600

# Token metadata and the work pot id never change for a deployment: read once per address.
_constants: dict[tuple[int, str], tuple[PaymentTokenInfo, int]] = {}
_constants_lock = Lock()


def _chain_constants(chain: Chain) -> tuple[PaymentTokenInfo, int]:
    token = chain.token
    key = (chain.chain_id, str(token.address))
    with _constants_lock:
        cached = _constants.get(key)
    if cached is not None:
        return cached
    info = PaymentTokenInfo(address=token.address, symbol=token.symbol(), decimals=token.decimals())
    value = (info, chain.distributor.work_pot())
    with _constants_lock:
        _constants[key] = value
    return value


def _all_errors(chain: Chain, settings: Settings) -> list[dict[str, Any]]:
    """Every custom error ABI entry across the build's artifacts, once per signature."""
    seen: dict[str, dict[str, Any]] = {}
    abis: list[list[dict[str, Any]]] = list(chain.abis.values())
    for artifact in sorted(settings.artifacts_dir.glob("*.json")):
        abis.append(json.loads(artifact.read_text()).get("abi", []))
    for abi in abis:
        for entry in abi:
            if entry.get("type") == "error":
                types = ",".join(str(i["type"]) for i in entry.get("inputs", []))
                seen.setdefault(f"{entry['name']}({types})", entry)
    return list(seen.values())


def dapp_config(chain: Chain, settings: Settings) -> DappConfig:
    """The dApp's start-up configuration for this deployment."""
    payment_token, work_pot = _chain_constants(chain)
    return DappConfig(
        chain_id=chain.chain_id,
        public_rpc_url=settings.dapp_rpc_url(chain.chain_id),
        start_block=chain.deployment.start_block,
        contracts={name: str(address) for name, address in chain.addresses.items()},
        abis=chain.abis,
        errors=_all_errors(chain, settings),
        payment_token=payment_token,
        purposes=list(PURPOSE_NAMES),
        classes=list(CLASS_NAMES),
        dev_chain_ids=sorted(DEV_CHAIN_IDS),
        work_pot=str(work_pot),
        dev=chain.chain_id in DEV_CHAIN_IDS,
    )


def issue_dev_voucher(chain: Chain, settings: Settings, address: str, cls: str) -> VoucherPublic:
    """A voucher signed with the development registrar key; only on a local development chain."""
    key = settings.dev_registrar_key
    if chain.chain_id not in DEV_CHAIN_IDS or key is None:
        raise NotFoundError("demo vouchers exist only on a development chain with a registrar key")
    member = to_checksum_address(address)
    membership = chain.membership.address
    now = chain.head_timestamp()
    nonce = secrets.randbits(64)
    expiry = int(now) + VOUCHER_TTL_S
    class_id = StakeholderClass[cls.upper()]
    signature = sign_voucher(
        key,
        chain_id=chain.chain_id,
        membership=str(membership),
        member=member,
        cls=class_id,
        nonce=nonce,
        expiry=expiry,
    )
    logger.debug("dev registrar vouched for %s as %s (nonce %s)", member, cls, nonce)
    return VoucherPublic(
        member=member,
        stakeholder_class=cls,  # type: ignore[arg-type]
        stakeholder_class_id=int(class_id),
        nonce=str(nonce),
        expiry=expiry,
        membership=str(membership),
        chain_id=chain.chain_id,
        signature="0x" + signature.hex(),
    )
