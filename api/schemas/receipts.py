"""Bodies of a member's consent receipts (``/v1/members/{address}/receipts``,
``/v1/contributions/{id}/receipts``): JSON-LD documents of ISO/IEC TS 27560 consent records in
W3C DPV terms (see :mod:`api.services.receipts` and docs/receipts.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from api.services.receipts import (
    CONSENT_STATUS,
    CONTEXT,
    PROCESSING,
    SCHEMA_VERSION,
    Kind,
    Receipt,
    did_of,
    summary_of,
)


class OnChainPublic(BaseModel):
    chain_id: int
    contract: str = Field(description="the contract the event is in")
    tx_hash: str | None
    block: int | None


class RecipientPublic(BaseModel):
    role: str = Field(description="dpv:ThirdParty (a buyer) or dpv:DataProcessor (a curator)")
    name: str = Field(description="the buyer's name (or wallet), or the curator's address")
    address: str | None


class Summary(BaseModel):
    en: str
    id: str


class ReceiptPublic(BaseModel):
    """One consent record (ISO/IEC TS 27560) in DPV terms."""

    model_config = ConfigDict(populate_by_name=True)

    id_: str = Field(alias="@id", description="urn:lumbung:receipt:<kind>:<key>")
    type_: list[str] = Field(alias="@type")
    schema_version: str
    kind: Kind
    data_subject: str = Field(description="the member, as did:pkh:eip155:<chain id>:<address>")
    data_controller: str = Field(description="the cooperative (its timelock), as a did:pkh")
    contribution_id: str
    cid: str | None = Field(description="the ciphertext's CID; null once erased")
    pool_id: int
    pool_name: str
    purposes: list[str] = Field(description="DPV purposes (dpv:ResearchAndDevelopment, ...)")
    processing: list[str] = Field(description="DPV processing (dpv:Store, dpv:Share, ...)")
    legal_basis: str = Field(description="dpv:Consent")
    consent_status: str = Field(description="dpv:ConsentGiven or dpv:ConsentWithdrawn")
    recipient: RecipientPublic | None
    timestamp: datetime
    on_chain: OnChainPublic | None
    summary: Summary = Field(description="the record in plain words, English and Indonesian")

    @classmethod
    def of(cls, receipt: Receipt, chain_id: int, controller: str) -> Self:
        return cls.model_validate(
            {
                "@id": receipt.id,
                "@type": ["dpv:ConsentRecord", f"lumbung:{receipt.kind.title().replace('-', '')}"],
            }
            | cls._fields_of(receipt, chain_id, controller)
        )

    @staticmethod
    def _fields_of(receipt: Receipt, chain_id: int, controller: str) -> dict[str, Any]:
        recipient = receipt.recipient
        on_chain = receipt.on_chain
        return dict(
            schema_version=SCHEMA_VERSION,
            kind=receipt.kind,
            data_subject=did_of(chain_id, receipt.member),
            data_controller=controller,
            contribution_id=receipt.contribution_id,
            cid=receipt.cid,
            pool_id=receipt.pool_id,
            pool_name=receipt.pool_name,
            purposes=receipt.dpv_purposes(),
            processing=list(PROCESSING[receipt.kind]),
            legal_basis="dpv:Consent",
            consent_status=CONSENT_STATUS[receipt.kind],
            recipient=RecipientPublic(
                role=recipient.role, name=recipient.name, address=recipient.address
            )
            if recipient is not None
            else None,
            timestamp=receipt.timestamp,
            on_chain=OnChainPublic(
                chain_id=on_chain.chain_id,
                contract=on_chain.contract,
                tx_hash=on_chain.tx_hash,
                block=on_chain.block,
            )
            if on_chain is not None
            else None,
            summary=Summary(**summary_of(receipt)),
        )


class ReceiptPage(BaseModel):
    """A page of receipts, newest first, as one JSON-LD document."""

    model_config = ConfigDict(populate_by_name=True)

    context: dict[str, Any] = Field(alias="@context", description="DPV and Lumbung's terms")
    member: str
    total: int
    offset: int
    limit: int
    next_offset: int | None = Field(description="the next page's offset; null on the last")
    receipts: list[ReceiptPublic]

    @classmethod
    def of(
        cls,
        member: str,
        receipts: list[Receipt],
        chain_id: int,
        controller: str,
        offset: int = 0,
        limit: int | None = None,
    ) -> Self:
        end = len(receipts) if limit is None else offset + limit
        page = receipts[offset:end]
        return cls.model_validate(
            {"@context": CONTEXT}
            | dict(
                member=member,
                total=len(receipts),
                offset=offset,
                limit=len(receipts) if limit is None else limit,
                next_offset=end if end < len(receipts) else None,
                receipts=[ReceiptPublic.of(r, chain_id, controller) for r in page],
            )
        )
