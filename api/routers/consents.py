"""A member's consent to an upload, signed in the wallet (EIP-712), and the upload's stage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from api.chain import Chain
from api.deps import ChainDep, SessionDep, SettingsDep
from api.deps_auth import CurrentWallet
from api.models import VaultItem
from api.routers.contributions import ContributionId
from api.schemas.batching import ConsentBody, ConsentToSign, UploadProgress, signature_bytes
from api.services.batching import consents, stages
from api.services.contributions import vault_of
from api.settings import Settings

router = APIRouter(prefix="/contributions", tags=["contributions"])


def shown(session: Session, settings: Settings, chain: Chain, item: VaultItem) -> UploadProgress:
    """``item``'s stage, with its file name from the vault."""
    found = stages.progress(session, item, chain.head_timestamp())
    return UploadProgress.from_progress(found, stages.filename_of(vault_of(settings), item))


@router.get("/{contribution_id}/consent", response_model=ConsentToSign)
def consent_to_sign(
    contribution_id: ContributionId,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    wallet: CurrentWallet,
    deadline: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> ConsentToSign:
    """The Consent typed data the uploader signs (eth_signTypedData_v4); without ``deadline``,
    a week from now."""
    request = consents.consent_request(session, chain, settings, contribution_id, wallet, deadline)
    return ConsentToSign(typed_data=request.typed_data, deadline=request.deadline)


@router.post("/{contribution_id}/consent", response_model=UploadProgress)
def give_consent(
    contribution_id: ContributionId,
    body: ConsentBody,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    wallet: CurrentWallet,
) -> UploadProgress:
    """Keeps the uploader's signed Consent; the upload's stage becomes ``signed``. 422 for a
    signature that is not the uploader's over this upload's Consent, or a deadline that passed
    or lies more than LUMBUNG_CONSENT_MAX_DEADLINE_S ahead; 409 once it is reviewed."""
    consent = consents.record_consent(
        session,
        chain,
        settings,
        contribution_id,
        wallet,
        deadline=body.deadline,
        signature=signature_bytes(body.signature),
    )
    item = consents.own_upload(session, consent.contribution_id, wallet)
    return shown(session, settings, chain, item)


@router.get("/{contribution_id}/stage", response_model=UploadProgress)
def stage(
    contribution_id: ContributionId,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    wallet: CurrentWallet,
) -> UploadProgress:
    """Where the uploader's contribution stands: its consent, review (weight or reason) and
    batch."""
    item = consents.own_upload(session, contribution_id, wallet)
    return shown(session, settings, chain, item)
