"""Members' consents: the typed data to sign, and its verification before it is kept.

The API builds the Consent from its own record of the upload (pool, CID, uploader), so a
signature made for another pool, another CID or another contributor recovers another signer and
is refused; a contributor that is a contract wallet is asked through ERC-1271, as the
registry's SignatureChecker asks it (``consentDigest``). The deadline must lie ahead, by at most
``LUMBUNG_CONSENT_MAX_DEADLINE_S``. A consent may be signed again (a later deadline) until a
curator has reviewed it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eth_abi import encode
from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import (
    ConflictError,
    ContractRevertError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
)
from api.models import Consent, Contribution, Review, VaultItem
from api.services.contributions import normalise_contribution_id, vault_item
from api.settings import Settings
from ipfs.cid import parse_cid
from lumbung import consent as eip712

logger = logging.getLogger(__name__)

# ERC-1271: isValidSignature(bytes32,bytes)'s selector, which a valid signature returns.
ERC1271_MAGIC = bytes.fromhex("1626ba7e")
# The deadline offered when the member asks for the typed data without one.
DEFAULT_CONSENT_TTL_S = 7 * 24 * 3600


class ConsentSignatureError(ValidationError):
    """The signature is not the uploader's over this upload's Consent."""


def registry_domain(chain: Chain) -> eip712.RegistryDomain:
    return eip712.RegistryDomain(chain.chain_id, chain.registry.address)


def own_upload(session: Session, contribution_id: str, wallet: str) -> VaultItem:
    """The upload ``contribution_id`` of ``wallet``, not erased."""
    key = normalise_contribution_id(contribution_id)
    item = vault_item(session, key)
    if item is None:
        raise NotFoundError(f"contribution {key} was not uploaded to this vault")
    if item.uploader != wallet:
        raise ForbiddenError(f"only its uploader {item.uploader} can consent to {key}")
    if item.erased_at is not None:
        raise ConflictError(f"contribution {key} was erased")
    return item


def consent_typed_data(chain: Chain, item: VaultItem, deadline: int) -> dict[str, Any]:
    """The Consent of ``item`` with ``deadline``, exactly as the API verifies it."""
    return eip712.consent_typed_data(
        registry_domain(chain),
        pool_id=item.pool_id,
        cid=bytes(parse_cid(item.cid)),
        contributor=item.uploader,
        deadline=deadline,
    )


@dataclass(frozen=True)
class ConsentRequest:
    """What the wallet signs: the typed data and the deadline in it."""

    typed_data: dict[str, Any]
    deadline: int


def consent_request(
    session: Session,
    chain: Chain,
    settings: Settings,
    contribution_id: str,
    wallet: str,
    deadline: int | None = None,
) -> ConsentRequest:
    """The typed data ``wallet`` signs to consent to its upload (default deadline: a week)."""
    item = own_upload(session, contribution_id, wallet)
    now = chain.head_timestamp()
    if deadline is None:
        deadline = now + min(DEFAULT_CONSENT_TTL_S, settings.consent_max_deadline_s)
    check_deadline(settings, deadline, now)
    return ConsentRequest(consent_typed_data(chain, item, deadline), deadline)


def check_deadline(settings: Settings, deadline: int, now: int) -> None:
    if deadline <= now:
        raise ValidationError(f"the consent's deadline {deadline} has passed (chain time {now})")
    if deadline > now + settings.consent_max_deadline_s:
        raise ValidationError(
            f"the consent's deadline lies more than {settings.consent_max_deadline_s} s ahead"
        )


def record_consent(
    session: Session,
    chain: Chain,
    settings: Settings,
    contribution_id: str,
    wallet: str,
    *,
    deadline: int,
    signature: bytes,
) -> Consent:
    """Verifies ``wallet``'s signature of its upload's Consent and keeps it."""
    item = own_upload(session, contribution_id, wallet)
    check_deadline(settings, deadline, chain.head_timestamp())
    if session.get(Contribution, item.contribution_id) is not None:
        raise ConflictError(
            f"contribution {item.contribution_id} is registered on its own (submit); "
            "it takes no batch consent"
        )
    typed = consent_typed_data(chain, item, deadline)
    digest_bytes = eip712.digest(typed)
    if eip712.recover(typed, signature) != wallet and not erc1271_valid(
        chain, wallet, digest_bytes, signature
    ):
        raise ConsentSignatureError(
            f"the signature is not {wallet}'s Consent to contribution {item.contribution_id} "
            f"in pool {item.pool_id} with deadline {deadline}"
        )
    digest = "0x" + digest_bytes.hex()
    consent = session.get(Consent, item.contribution_id)
    if consent is not None and reviewed(session, consent):
        raise ConflictError(f"contribution {item.contribution_id} is reviewed already")
    if consent is None:
        consent = Consent(contribution_id=item.contribution_id)
        session.add(consent)
    consent.pool_id = item.pool_id
    consent.cid = item.cid
    consent.contributor = wallet
    consent.deadline = deadline
    consent.digest = digest
    consent.signature = signature
    consent.created_at = datetime.now(UTC)
    session.flush()
    logger.info("kept the consent %s to contribution %s", digest, item.contribution_id)
    return consent


def erc1271_valid(chain: Chain, account: str, digest: bytes, signature: bytes) -> bool:
    """Whether the contract wallet ``account`` takes ``signature`` over ``digest`` (ERC-1271
    ``isValidSignature``, as the registry's SignatureChecker asks); False for an EOA."""
    wallet = to_checksum_address(account)
    if not chain.guard(lambda: chain.w3.eth.get_code(wallet)):
        return False
    data = ERC1271_MAGIC + encode(["bytes32", "bytes"], [digest, signature])
    try:
        answer = chain.simulate(account, account, data)
    except ContractRevertError:
        return False
    return answer[:4] == ERC1271_MAGIC


def reviewed(session: Session, consent: Consent) -> bool:
    return (
        session.scalar(select(Review.id).where(Review.contribution_id == consent.contribution_id))
        is not None
    )
