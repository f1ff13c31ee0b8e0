"""Response bodies of the reads served from the indexer's tables: pools, members, the ledger and
governance (see /v1/pools, /v1/members, /v1/ledger, /v1/governance)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lumbung.protocol import PurposeName, StakeholderClassName

ContributionStatus = Literal["pending", "accepted", "rejected", "revoked"]
ProposalState = Literal[
    "pending", "active", "defeated", "succeeded", "queued", "executed", "canceled", "expired"
]

Amount = Field(pattern=r"^[0-9]+$", description="an amount in the payment token's smallest unit")


class PoolPublic(BaseModel):
    id: int
    name: str
    metadata: str
    open: bool = Field(description="whether the pool takes submissions")
    listed: bool = Field(description="whether the pool is for sale")
    price: str = Amount
    purposes: list[PurposeName]
    purposes_mask: int
    license_cid: str | None
    accepted_contributions: int
    total_size_bytes: int = Field(
        description="bytes of the accepted contributions held in this node's vault"
    )
    strike_active: bool = Field(description="a general strike refuses every sale")


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


class MembershipPublic(BaseModel):
    stakeholder_class: StakeholderClassName
    active: bool
    joined_block: int


class EarningPublic(BaseModel):
    pot_id: str = Field(description="the pool id, or the work pot (2^256 - 1), as a decimal")
    pool_id: int | None = Field(description="null for the work pot")
    claimable: str = Amount
    claimed: str = Amount


class EarningEvent(BaseModel):
    timestamp: int
    pot_id: str
    kind: Literal["accrued", "claimed"]
    amount: str = Amount


class MemberPublic(BaseModel):
    address: str
    member: MembershipPublic | None
    contributions: list[ContributionPublic]
    earnings: list[EarningPublic]
    earnings_history: list[EarningEvent]


class SplitPublic(BaseModel):
    contributors_bps: int
    workers_bps: int
    reserve_bps: int


class PoolRevenue(BaseModel):
    pool_id: int
    revenue: str = Amount
    to_contributors: str = Amount
    to_workers: str = Amount
    to_reserve: str = Amount
    purchases: int


class DepositPublic(BaseModel):
    timestamp: int
    block: int
    pool_id: int
    amount: str = Amount
    to_contributors: str = Amount
    to_workers: str = Amount
    to_reserve: str = Amount


class LedgerPublic(BaseModel):
    split: SplitPublic
    deposited: str = Amount
    to_contributors: str = Amount
    to_workers: str = Amount
    to_reserve: str = Amount
    claimed: str = Amount
    claimable: str = Amount
    reserve_accrued: str = Amount
    reserve_released: str = Amount
    pools: list[PoolRevenue]
    history: list[DepositPublic]
    indexed_block: int | None


class ClassTally(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    stakeholder_class: StakeholderClassName
    for_: int = Field(alias="for")
    against: int
    abstain: int
    voters: int
    members: int = Field(description="the class's members at the snapshot (0 before it)")
    voters_needed: int = Field(
        description="voters the class's participation quorum asks for (the governor's rule, so "
        "clients need not repeat it)"
    )
    quorum_reached: bool


class ProposalAction(BaseModel):
    target: str
    value: str = Amount
    calldata: str


class ProposalPublic(BaseModel):
    id: str = Field(description="the proposal id, a uint256 in decimal")
    proposer: str
    description: str = Field(
        description="as on-chain, ending in #proposer=<address>, as display text (invalid UTF-8 "
        "replaced, control characters but tab and newline removed)"
    )
    description_hash: str = Field(
        description="keccak256 of the description's exact bytes: what queue and execute take"
    )
    text: str = Field(description="the description a member reads, without the proposer suffix")
    state: ProposalState
    vote_start: int = Field(description="the snapshot, unix seconds")
    vote_end: int = Field(
        description="the deadline, unix seconds (after any late-quorum extension)"
    )
    class_weights: list[int]
    class_quorums: list[int]
    tallies: list[ClassTally]
    actions: list[ProposalAction]
