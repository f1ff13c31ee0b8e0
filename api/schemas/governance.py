"""Bodies of proposals and their tallies: ``/v1/governance``."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from web3 import Web3

from api.models import Proposal
from api.schemas.common import Amount
from lumbung.protocol import StakeholderClassName

ProposalState = Literal[
    "pending", "active", "defeated", "succeeded", "queued", "executed", "canceled", "expired"
]


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
    members_at_snapshot: int = Field(
        default=0,
        description="the class's members at the snapshot as far as the indexer knows them: "
        "before the snapshot is indexed, every membership change indexed so far (the snapshot's "
        "answer on an idle chain), for clients that open voting by the clock",
    )
    voters_needed_at_snapshot: int = Field(
        default=0, description="voters the class's quorum asks for out of members_at_snapshot"
    )


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
    eta: int | None = Field(
        default=None, description="once queued, when the timelock lets it execute, unix seconds"
    )
    created_block: int = Field(default=0, description="the block the proposal was created in")
    indexed_time: int = Field(
        default=0,
        description="the timestamp of the newest indexed block: the time `state` is as of (on "
        "an idle chain the governor's clock runs ahead of it; clients compare vote_start and "
        "vote_end with the chain's pending block time)",
    )

    @classmethod
    def from_model(
        cls, row: Proposal, text: str, state: str, tallies: list[ClassTally], indexed_time: int = 0
    ) -> Self:
        """``row`` with its plain ``text``, its ``state`` and its per-class ``tallies``, as of
        the newest indexed block."""
        return cls(
            id=row.id,
            proposer=row.proposer,
            description=row.description,
            description_hash="0x" + Web3.keccak(row.description_raw).hex(),
            text=text,
            state=state,  # type: ignore[arg-type]
            vote_start=row.vote_start,
            vote_end=row.vote_end,
            class_weights=list(row.class_weights),
            class_quorums=list(row.class_quorums),
            tallies=tallies,
            actions=[ProposalAction(**action) for action in row.actions],
            eta=row.queued_eta,
            created_block=row.created_block,
            indexed_time=indexed_time,
        )
