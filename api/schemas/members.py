"""Bodies of a member's public record: ``/v1/members``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field

from api.models import Member, Position, RevenueClaim
from api.schemas.batching import UploadProgress
from api.schemas.common import Amount
from api.schemas.contributions import ContributionPublic
from api.services.batching.stages import Progress
from lumbung.protocol import CLASS_NAMES, StakeholderClassName


class MembershipPublic(BaseModel):
    stakeholder_class: StakeholderClassName
    active: bool
    joined_block: int

    @classmethod
    def from_model(cls, row: Member) -> Self:
        return cls(
            stakeholder_class=CLASS_NAMES[row.stakeholder_class],  # type: ignore[arg-type]
            active=row.active,
            joined_block=row.joined_block,
        )


class EarningPublic(BaseModel):
    pot_id: str = Field(description="the pool id, or the work pot (2^256 - 1), as a decimal")
    pool_id: int | None = Field(description="null for the work pot")
    claimable: str = Amount
    claimed: str = Amount

    @classmethod
    def from_model(cls, row: Position, pool_id: int | None, claimable: int) -> Self:
        """The position ``row`` in the pot of ``pool_id`` (None: the work pot), ``claimable``
        now."""
        return cls(
            pot_id=str(row.pot_id),
            pool_id=pool_id,
            claimable=str(claimable),
            claimed=str(row.claimed),
        )


class EarningEvent(BaseModel):
    timestamp: int
    pot_id: str
    kind: Literal["accrued", "claimed"]
    amount: str = Amount

    @classmethod
    def from_model(cls, row: RevenueClaim) -> Self:
        """A claim; accruals are computed, deposit by deposit (see ``services.members``)."""
        return cls(
            timestamp=row.timestamp, pot_id=str(row.pot_id), kind="claimed", amount=str(row.amount)
        )


class MemberPublic(BaseModel):
    address: str
    member: MembershipPublic | None
    contributions: list[ContributionPublic]
    earnings: list[EarningPublic]
    earnings_history: list[EarningEvent]


class MemberUpload(UploadProgress):
    """An upload as its uploader's list shows it: the batch path's progress, and when it was
    uploaded, its size and whether its file was erased."""

    uploaded_at: datetime = Field(description="when the file was uploaded")
    size: int = Field(description="the stored (encrypted) bytes; 0 once erased")
    erased: bool = Field(description="its key was destroyed: the file is gone for good")

    @classmethod
    def of(cls, found: Progress, filename: str | None) -> Self:
        item = found.item
        return cls(
            **UploadProgress.from_progress(found, filename).model_dump(),
            # SQLite hands back naive times, all UTC: say so, or a browser reads local time.
            uploaded_at=item.created_at
            if item.created_at.tzinfo
            else item.created_at.replace(tzinfo=UTC),
            size=item.size,
            erased=item.erased_at is not None,
        )


class MemberUploads(BaseModel):
    uploads: list[MemberUpload]
    max_upload_bytes: int = Field(description="the largest file the API accepts, in bytes")
