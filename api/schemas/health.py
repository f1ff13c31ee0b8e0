"""Bodies of the operations area: ``/livez`` and ``/health``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
