"""Constants and helpers shared by the CoopGovernor tests (imported by conftest and tests)."""

from __future__ import annotations

from dataclasses import dataclass

from brownie import chain, web3
from eth_abi import encode

from lumbung.protocol import (
    ProposalState,
    StakeholderClass,
    VoteType,
    signed_description,  # noqa: F401 - re-exported for the tests
)
from scripts.governance import (
    GovernorParams,
    sign_ballot,  # noqa: F401 - re-exported for the tests
)

# The protocol's enums, by the short names the governor tests use.
PRODUCER, FUNDER, WORKER, STEWARD = StakeholderClass
AGAINST, FOR, ABSTAIN = VoteType

# Short, distinct periods keep the tests fast and the timeline readable.
PARAMS = GovernorParams(
    voting_delay=10,
    voting_period=100,
    proposal_threshold=0,
    vote_extension=20,
    epoch_length=1_000,
    base_credits=30,
    class_weights=(4000, 3000, 2000, 1000),
    class_quorums=(5000, 5000, 5000, 5000),
)
TIMELOCK_DELAY = 60

PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = ProposalState


def advance_to(timestamp: int) -> None:
    """Mines a block at `timestamp`, or one second after the latest block if that is later.

    Block time, not brownie's ``chain.time()``: after a snapshot revert brownie's estimate can
    run ahead of the chain's clock, and a sleep computed from it can fall short.
    """
    target = max(timestamp, chain[-1].timestamp + 1)
    web3.provider.make_request("evm_setNextBlockTimestamp", [target])
    web3.provider.make_request("evm_mine", [])


def votes_param(n: int) -> bytes:
    """The params of castVoteWithReasonAndParams for n votes."""
    return encode(["uint256"], [n])


@dataclass
class Proposal:
    """A proposal's id and the arguments that queue and execute need."""

    id: int
    targets: list
    values: list
    calldatas: list
    description: str

    @property
    def description_hash(self) -> bytes:
        return web3.keccak(text=self.description)

    @property
    def args(self) -> tuple:
        return (self.targets, self.values, self.calldatas, self.description_hash)
