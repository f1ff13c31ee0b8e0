"""Bodies of the batch path: consents (``/v1/contributions/{id}/consent``), curation
(``/v1/curation``), a member's uploads and batch leaves (``/v1/members/{address}/...``), and a
batch with its manifest's check (``/v1/batches/{id}``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field

from api.models import AggregatedBatch, Batch, Consent, Review
from api.schemas.common import Amount, RequestBody
from api.services.batching.holdings import Holding
from api.services.batching.reviews import MAX_REASON_CHARS
from api.services.batching.stages import Progress, Stage
from api.services.batching.verification import Verification
from api.services.curation import REJECT_CODES, Duplicate, PoolRubric, parse_reason
from lumbung import merkle
from lumbung.merkle import BatchLeaf
from lumbung.protocol import ADDRESS_PATTERN, CONTRIBUTION_ID_PATTERN

UINT48_MAX = 2**48 - 1
RejectCode = Literal[
    "unreadable", "wrong_pool", "duplicate", "personal_data_visible", "low_quality", "other"
]
# 65 bytes for an EOA; a contract wallet's ERC-1271 signature may be longer.
SIGNATURE_PATTERN = r"^0x(?:[0-9a-fA-F]{2}){65,2048}$"
Signature = Annotated[str, Field(pattern=SIGNATURE_PATTERN, description="a signature, 0x hex")]
StageName = Literal[
    "uploaded",
    "signed",
    "expired",
    "reviewed",
    "batched",
    "earning",
    "claimed",
    "active",
    "revoked",
    "overturned",
    "pending",
    "accepted",
    "rejected",
]


def signature_bytes(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


# -- consent ----------------------------------------------------------------------------------


class ConsentToSign(BaseModel):
    """What the member's wallet signs with eth_signTypedData_v4, exactly as the API checks it."""

    typed_data: dict[str, Any]
    deadline: int


class ConsentBody(RequestBody):
    deadline: int = Field(ge=0, le=2**63 - 1, description="unix seconds, as signed")
    signature: Signature


class ConsentPublic(BaseModel):
    digest: str = Field(description="the Consent's EIP-712 digest, which a review names")
    deadline: int
    signature: str
    signed_at: datetime

    @classmethod
    def from_model(cls, row: Consent) -> Self:
        return cls(
            digest=row.digest,
            deadline=row.deadline,
            signature=_hex(row.signature),
            signed_at=row.created_at,
        )


# -- review -----------------------------------------------------------------------------------


class ReviewBody(RequestBody):
    contribution_id: str = Field(pattern=CONTRIBUTION_ID_PATTERN.replace("a-f", "a-fA-F"))
    weight: int = Field(ge=0, le=UINT48_MAX, description="0 rejects (a reason is required)")
    reason: str = Field(default="", max_length=MAX_REASON_CHARS)
    signature: Signature


class ReviewPublic(BaseModel):
    curator: str = Field(pattern=ADDRESS_PATTERN)
    verdict: Literal["accepted", "rejected"]
    weight: int
    reason: str = Field(description="as signed: 'code: note', 'code', or free text (other)")
    reason_code: RejectCode | None = Field(
        description="the reject template the reason names; null for an acceptance without one"
    )
    reason_note: str = Field(description="the reason's free text, without its template code")
    signature: str
    reviewed_at: datetime

    @classmethod
    def from_model(cls, row: Review) -> Self:
        code, note = parse_reason(row.reason)
        return cls(
            curator=row.curator,
            verdict="accepted" if row.weight else "rejected",
            weight=row.weight,
            reason=row.reason,
            reason_code=code,  # type: ignore[arg-type]
            reason_note=note,
            signature=_hex(row.signature),
            reviewed_at=row.created_at,
        )


class DuplicatePublic(BaseModel):
    """Another upload whose plaintext is the same file as this one."""

    contribution_id: str
    same_contributor: bool = Field(description="true: by the same member; false: another's")


class QueueItem(BaseModel):
    contribution_id: str
    pool_id: int
    cid: str
    contributor: str
    consent_digest: str = Field(description="the Review's ``consent`` field")
    deadline: int
    signed_at: datetime
    duplicates: list[DuplicatePublic] = Field(
        default_factory=list, description="other uploads (not erased) of the same file"
    )

    @classmethod
    def from_model(cls, row: Consent, duplicates: Sequence[Duplicate] = ()) -> Self:
        return cls(
            contribution_id=row.contribution_id,
            pool_id=row.pool_id,
            cid=row.cid,
            contributor=row.contributor,
            consent_digest=row.digest,
            deadline=row.deadline,
            signed_at=row.created_at,
            duplicates=[
                DuplicatePublic(
                    contribution_id=d.contribution_id, same_contributor=d.same_contributor
                )
                for d in duplicates
            ],
        )


class RubricLevelPublic(BaseModel):
    weight: int = Field(description="the level applies from this weight up to the next level")
    text: dict[str, str] = Field(
        description="per language ('en', 'id'); the key '' when the pool wrote one text"
    )


class PoolRubricPublic(BaseModel):
    """What a weight means in a pool: its bound (on-chain) and its rubric (its metadata)."""

    pool_id: int
    name: str
    max_weight: int
    rubric: list[RubricLevelPublic]

    @classmethod
    def of(cls, found: PoolRubric) -> Self:
        return cls(
            pool_id=found.pool_id,
            name=found.name,
            max_weight=found.max_weight,
            rubric=[RubricLevelPublic(weight=lv.weight, text=lv.text) for lv in found.levels],
        )


class CurationQueue(BaseModel):
    """Signed consents waiting for a review, with the EIP-712 domain and types of the Review
    a curator signs (``message``: consent, weight, reason)."""

    domain: dict[str, Any]
    types: dict[str, Any]
    max_weight: dict[str, int] = Field(description="each listed pool's maximum weight")
    pools: dict[str, PoolRubricPublic] = Field(
        default_factory=dict, description="each listed pool's name, bound and rubric"
    )
    reject_codes: list[RejectCode] = Field(
        default_factory=lambda: list(REJECT_CODES),  # type: ignore[arg-type]
        description="the reject templates: a reason is 'code: note', 'code', or free text",
    )
    items: list[QueueItem]


# -- stages -----------------------------------------------------------------------------------


class BatchRef(BaseModel):
    """The aggregated batch that carries a review."""

    batch_id: int | None = Field(description="the on-chain batch id; null until submitted")
    status: str = Field(description="submitting, or the on-chain status: pending, accepted, …")
    manifest_cid: str
    ordinal: int | None = Field(description="the leaf's ordinal; null for a rejection")
    decided_block: int | None = Field(
        description="the block of the curator's acceptance or rejection, or of an overturn"
    )

    @classmethod
    def of(cls, batch: AggregatedBatch, on_chain: Batch | None, ordinal: int | None) -> Self:
        return cls(
            batch_id=batch.batch_id,
            status=on_chain.status if on_chain else "submitting",
            manifest_cid=batch.manifest_cid,
            ordinal=ordinal,
            decided_block=on_chain.decided_block if on_chain else None,
        )


class UploadProgress(BaseModel):
    contribution_id: str
    cid: str
    pool_id: int
    filename: str | None = Field(description="the uploaded file's name; null once erased")
    stage: StageName
    consent: ConsentPublic | None
    review: ReviewPublic | None
    batch: BatchRef | None

    @classmethod
    def from_progress(cls, found: Progress, filename: str | None) -> Self:
        carried = found.carried
        return cls(
            contribution_id=found.item.contribution_id,
            cid=found.item.cid,
            pool_id=found.item.pool_id,
            filename=filename,
            stage=Stage(found.stage).value,
            consent=ConsentPublic.from_model(found.consent) if found.consent else None,
            review=ReviewPublic.from_model(found.review) if found.review else None,
            batch=BatchRef.of(carried.batch, carried.on_chain, carried.entry.ordinal)
            if carried
            else None,
        )


class Uploads(BaseModel):
    uploads: list[UploadProgress]


# -- a member's leaves ------------------------------------------------------------------------


class LeafArg(BaseModel):
    """``BatchLeaf {uint8 ordinal; uint48 weight; bytes cid;}`` as the contracts take it."""

    ordinal: int
    weight: int
    cid: str = Field(description="the binary CID, 0x hex")

    @classmethod
    def of(cls, leaf: BatchLeaf) -> Self:
        return cls(ordinal=leaf.ordinal, weight=leaf.weight, cid=_hex(leaf.cid))


class MemberLeaf(BaseModel):
    contribution_id: str
    cid: str
    leaf: LeafArg
    stage: StageName
    proof: list[str] = Field(description="for claimLeaf / revokeLeaf")


class MultiProof(BaseModel):
    """For claimLeaves / activateLeaves: the leaves in the proof's order."""

    leaves: list[LeafArg]
    proof: list[str]
    proof_flags: list[bool]

    @classmethod
    def of(cls, multi: merkle.MultiProof | None) -> Self | None:
        if multi is None:
            return None
        return cls(
            leaves=[LeafArg.of(merkle.leaf_of(value)) for value in multi.leaves],
            proof=multi.proof,
            proof_flags=multi.proof_flags,
        )


class MemberBatch(BaseModel):
    batch_id: int
    pool_id: int
    status: str = Field(description="the batch's on-chain status: pending, accepted, …")
    root: str
    manifest_cid: str
    leaves: list[MemberLeaf]
    unclaimed: MultiProof | None = Field(
        description="the leaves not yet claimed or revoked, for claimLeaves"
    )
    inactive: MultiProof | None = Field(
        description="the leaves not yet activated or revoked, for activateLeaves"
    )
    claimable: str = Amount

    @classmethod
    def of(cls, holding: Holding) -> Self:
        batch = holding.batch
        assert batch.batch_id is not None
        return cls(
            batch_id=batch.batch_id,
            pool_id=batch.pool_id,
            status=holding.status,
            root=batch.root,
            manifest_cid=batch.manifest_cid,
            leaves=[
                MemberLeaf(
                    contribution_id=held.contribution_id,
                    cid=held.cid,
                    leaf=LeafArg.of(held.leaf),
                    stage=held.stage.value,
                    proof=held.proof,
                )
                for held in holding.leaves
            ],
            unclaimed=MultiProof.of(holding.unclaimed),
            inactive=MultiProof.of(holding.inactive),
            claimable=str(holding.claimable),
        )


class MemberBatches(BaseModel):
    batches: list[MemberBatch]


# -- a batch and its manifest's check ---------------------------------------------------------


class ManifestCheck(BaseModel):
    verified: bool = Field(description="every check of the manifest against the batch passed")
    problems: list[str]


class BatchPublic(BaseModel):
    batch_id: int
    pool_id: int
    status: str = Field(description="pending, accepted, rejected or overturned")
    curator: str | None
    aggregator: str
    root: str
    count: int
    total_weight: int
    rejected: int
    manifest_cid: str
    manifest_check: ManifestCheck

    @classmethod
    def of(cls, row: Batch, check: Verification) -> Self:
        return cls(
            batch_id=row.id,
            pool_id=row.pool_id,
            status=row.status,
            curator=row.curator,
            aggregator=row.aggregator,
            root=row.root,
            count=row.count,
            total_weight=row.total_weight,
            rejected=row.rejected,
            manifest_cid=row.manifest_cid,
            manifest_check=ManifestCheck(verified=check.verified, problems=check.problems),
        )


class CuratorBatches(BaseModel):
    """The batches waiting for the signed-in curator's acceptBatch or rejectBatch."""

    batches: list[BatchPublic]
