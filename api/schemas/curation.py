"""Bodies of the curators' workbench: a member's access log (``/v1/members/{address}/access-log``)
and a curator's history and pay (``/v1/curation/history``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, Field

from api.models import CurationAccess
from api.schemas.batching import RejectCode
from api.schemas.common import Amount
from api.services.curation import History, HistoryEntry, Pay, parse_reason
from lumbung.protocol import ADDRESS_PATTERN


class AccessPublic(BaseModel):
    """A curator opened one of the member's contributions for review."""

    contribution_id: str
    pool_id: int
    curator: str = Field(pattern=ADDRESS_PATTERN)
    opened_at: datetime

    @classmethod
    def from_model(cls, row: CurationAccess) -> Self:
        return cls(
            contribution_id=row.contribution_id,
            pool_id=row.pool_id,
            curator=row.curator,
            opened_at=row.opened_at,
        )


class AccessLog(BaseModel):
    accesses: list[AccessPublic] = Field(description="newest first")


class HistoryItem(BaseModel):
    contribution_id: str
    pool_id: int
    verdict: Literal["accepted", "rejected"]
    weight: int
    reason: str
    reason_code: RejectCode | None
    reason_note: str
    reviewed_at: datetime
    batch_status: str | None = Field(
        description="null until a batch carries it; submitting, pending, accepted, rejected, "
        "overturned"
    )

    @classmethod
    def of(cls, entry: HistoryEntry) -> Self:
        row = entry.review
        code, note = parse_reason(row.reason)
        return cls(
            contribution_id=row.contribution_id,
            pool_id=row.pool_id,
            verdict="accepted" if row.weight else "rejected",
            weight=row.weight,
            reason=row.reason,
            reason_code=code,  # type: ignore[arg-type]
            reason_note=note,
            reviewed_at=row.created_at,
            batch_status=entry.batch_status,
        )


class DayCount(BaseModel):
    day: str = Field(description="YYYY-MM-DD (UTC)")
    reviews: int


class Throughput(BaseModel):
    last_day: int = Field(description="reviews in the last 24 hours")
    last_week: int = Field(description="reviews in the last 7 days")
    total: int
    opened: int = Field(description="contributions this curator opened for review")
    accepted: int
    rejected: int
    per_day: list[DayCount] = Field(description="the last 14 days, oldest first")


class PayPublic(BaseModel):
    """How the curator's reviews are paid, from the chain: every sale gives the workers'
    share (``workers_bps``) to the work pot, shared pro rata to credited reviews (a batch's
    reviews are credited when the curator accepts the batch, within the cap per epoch)."""

    workers_bps: int
    credited_reviews: int = Field(description="the curator's units in the work pot")
    total_credited: int = Field(description="every curator's units in the work pot")
    per_review_share_ppb: int = Field(
        description="one credited review's part of every sale now, in billionths"
    )
    claimable: str = Amount
    claimed: str = Amount
    earned_per_review: str = Amount
    epoch_reviews: int = Field(description="reviews credited in the current curation epoch")
    curation_cap: int = Field(description="reviews credited per curator per epoch at most")

    @classmethod
    def of(cls, pay: Pay) -> Self:
        return cls(
            workers_bps=pay.workers_bps,
            credited_reviews=pay.credited_reviews,
            total_credited=pay.total_credited,
            per_review_share_ppb=pay.per_review_share_ppb,
            claimable=str(pay.claimable),
            claimed=str(pay.claimed),
            earned_per_review=str(pay.earned_per_review),
            epoch_reviews=pay.epoch_reviews,
            curation_cap=pay.curation_cap,
        )


class CuratorHistory(BaseModel):
    curator: str
    reviews: list[HistoryItem] = Field(description="newest first")
    throughput: Throughput
    pay: PayPublic

    @classmethod
    def of(cls, curator: str, found: History) -> Self:
        return cls(
            curator=curator,
            reviews=[HistoryItem.of(e) for e in found.entries],
            throughput=Throughput(
                last_day=found.last_day,
                last_week=found.last_week,
                total=found.total,
                opened=found.opened,
                accepted=found.verdicts.get("accepted", 0),
                rejected=found.verdicts.get("rejected", 0),
                per_day=[DayCount(day=d, reviews=n) for d, n in found.per_day],
            ),
            pay=PayPublic.of(found.pay),
        )
