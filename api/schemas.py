"""Request and response bodies (the XBase / XCreate / XPublic pattern)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(examples=["https://lumbung.coop/problems/strike-active"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class ComponentHealth(BaseModel):
    model_config = ConfigDict(extra="allow")
    ok: bool
    error: str | None = None


class Health(BaseModel):
    status: str = Field(
        description="ok; or degraded when a component is down (503), or when the indexer has "
        "quarantined logs it could not project (200: everything answers, the index lacks them; "
        "see database.quarantined_logs)"
    )
    chain: ComponentHealth
    database: ComponentHealth
    ipfs: ComponentHealth


class Liveness(BaseModel):
    status: str = Field(examples=["alive"])


# Token amounts travel as decimal strings: JSON numbers lose precision above 2^53.
AmountStr = Field(pattern=r"^[0-9]+$", description="an amount in the token's smallest unit")

