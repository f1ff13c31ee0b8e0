"""Bodies of members' contributions: ``/v1/contributions``."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field

from api.models import Contribution, VaultItem
from api.services.metadata import Stripped
from lumbung.protocol import ADDRESS_PATTERN, CONTRIBUTION_ID_PATTERN

ContributionStatus = Literal["pending", "accepted", "rejected", "revoked"]


class ContributionPublic(BaseModel):
    id: str = Field(
        description="the contribution id: keccak256(contributor, the CID's digest), 0x hex"
    )
    cid: str
    pool_id: int
    status: ContributionStatus
    weight: int
    submitted_block: int
    accepted_block: int | None
    erased: bool

    @classmethod
    def from_model(cls, row: Contribution, erased: bool) -> Self:
        """``row``, and whether its key was ``erased``."""
        return cls(
            id=row.id,
            cid=row.cid,
            pool_id=row.pool_id,
            status=row.status,  # type: ignore[arg-type]
            weight=row.weight,
            submitted_block=row.submitted_block,
            accepted_block=row.accepted_block,
            erased=erased,
        )


class ContributionUploaded(BaseModel):
    cid: str = Field(description="the ciphertext's CID (CIDv1, raw leaves)")
    contribution_id: str = Field(pattern=CONTRIBUTION_ID_PATTERN)
    size: int = Field(description="plaintext bytes")
    plaintext_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    registry: str = Field(pattern=ADDRESS_PATTERN, description="ContributionRegistry address")
    calldata: str = Field(
        pattern=r"^0x[0-9a-f]*$", description="submit(poolId, cid) for the member's wallet to send"
    )
    file_kind: str = Field(
        description="the kind read from the file's first bytes: image, pdf, office, "
        "opendocument or other (whose metadata is not read)"
    )
    metadata_removed: dict[str, int] = Field(
        description="metadata fields removed before encryption, counted per category: "
        "location, device, author, time, software, other (empty: none found, or kept)"
    )
    metadata_kept: bool = Field(description="the member chose to keep the file's metadata")

    @classmethod
    def from_model(
        cls,
        row: VaultItem,
        plaintext_sha256: str,
        registry: str,
        calldata: str,
        stripped: Stripped,
    ) -> Self:
        """The stored ``row``, the plaintext's hash (told to the uploader, not stored), the
        ``calldata`` that registers it at ``registry`` and what was stripped from it."""
        return cls(
            cid=row.cid,
            contribution_id=row.contribution_id,
            size=row.size,
            plaintext_sha256=plaintext_sha256,
            registry=registry,
            calldata=calldata,
            file_kind=str(stripped.kind),
            metadata_removed={str(k): v for k, v in sorted(stripped.removed.items())},
            metadata_kept=stripped.kept,
        )


class ContributionDetail(ContributionPublic):
    """A contribution as ``GET /v1/contributions/{id}`` shows it."""

    contributor: str = Field(pattern=ADDRESS_PATTERN)
    filename: str | None = Field(
        default=None, description="the uploaded file's name; shown to its contributor only"
    )

    @classmethod
    def from_model(cls, row: Contribution, erased: bool, filename: str | None = None) -> Self:
        """``row`` as :meth:`ContributionPublic.from_model` shows it, with its contributor and,
        for the contributor only, the uploaded ``filename``."""
        public = ContributionPublic.from_model(row, erased)
        return cls(**public.model_dump(), contributor=row.contributor, filename=filename)


class Erased(BaseModel):
    erased: bool = True
