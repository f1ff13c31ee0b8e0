"""Deploys the cooperative's governance: a CoopTimelock (a bounded TimelockController) and the
CoopGovernor that drives it.

    brownie run scripts/governance.py --network anvil   # needs MEMBERSHIP and TOKEN addresses

``deploy_governance`` is what ``scripts/deploy.py``'s ``deploy_all`` calls. When it returns, the
governor is the timelock's only proposer and canceller, anyone may execute a queued operation
(executor ``address(0)``), and the timelock administers itself: the deployer holds no role on it.
Handing the other contracts' admin roles to the timelock is the caller's ``handover`` step.

The defaults suit a development chain (minutes, not days); pass real values for a live network.
"""

from __future__ import annotations

import logging
import os
from dataclasses import astuple, dataclass

from brownie import ContributionToken, CoopGovernor, CoopTimelock, Membership, accounts, chain

from lumbung.eip712 import BALLOT, sign_typed

logger = logging.getLogger(__name__)

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
BPS = 10_000


@dataclass(frozen=True)
class GovernorParams:
    """CoopGovernor's initial parameters (CoopGovernor.Config), in seconds and basis points."""

    voting_delay: int = 60
    voting_period: int = 600
    proposal_threshold: int = 0  # contribution-token votes a member needs to propose
    vote_extension: int = 120
    epoch_length: int = 86_400
    base_credits: int = 100
    class_weights: tuple[int, int, int, int] = (2500, 2500, 2500, 2500)  # PRODUCER..STEWARD
    class_quorums: tuple[int, int, int, int] = (2000, 2000, 2000, 2000)
    token_credit_cap: int = 100  # the most voice credits contribution tokens add per epoch

    def as_config(self) -> tuple:
        """The struct tuple the CoopGovernor constructor takes."""
        return astuple(self)


DEV_TIMELOCK_DELAY = 120


def deploy_governance(
    deployer,
    membership,
    token,
    *,
    params: GovernorParams | None = None,
    timelock_delay: int = DEV_TIMELOCK_DELAY,
    publish_source: bool = False,
    **overrides,
):
    """Deploys and wires the timelock and the governor; returns ``(governor, timelock)``.

    ``overrides`` replace single fields of ``params`` (``voting_period=30``...).
    """
    params = params or GovernorParams()
    if overrides:
        params = GovernorParams(**{**params.__dict__, **overrides})
    tx = {"from": deployer}
    # The deployer administers the timelock only until the governor holds its roles.
    timelock = CoopTimelock.deploy(
        timelock_delay, [], [ZERO_ADDRESS], deployer, tx, publish_source=publish_source
    )
    governor = CoopGovernor.deploy(
        membership, token, timelock, params.as_config(), tx, publish_source=publish_source
    )
    timelock.grantRole(timelock.PROPOSER_ROLE(), governor, tx)
    timelock.grantRole(timelock.CANCELLER_ROLE(), governor, tx)
    timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), deployer, tx)
    logger.info("CoopGovernor %s drives TimelockController %s", governor.address, timelock.address)
    return governor, timelock


def sign_ballot(governor, proposal_id: int, support: int, voter) -> bytes:
    """A voter's EIP-712 Ballot signature for ``castVoteBySig`` (gasless voting).

    ``voter`` is a brownie LocalAccount (it holds the private key); the signature uses the
    voter's current governor nonce, so it is valid exactly once.
    """
    signed = sign_typed(
        voter.private_key,
        domain=(governor.name(), governor.version()),
        chain_id=chain.id,
        contract=governor.address,
        primary_type="Ballot",
        fields=BALLOT,
        message={
            "proposalId": proposal_id,
            "support": support,
            "voter": voter.address,
            "nonce": governor.nonces(voter),
        },
    )
    return bytes(signed.signature)


def main():
    """Deploys governance over existing MEMBERSHIP and TOKEN contracts (environment variables)."""
    deployer = accounts[0]
    membership = Membership.at(os.environ["MEMBERSHIP"])
    token = ContributionToken.at(os.environ["TOKEN"])
    governor, timelock = deploy_governance(deployer, membership, token)
    print(f"CoopGovernor: {governor.address}\nTimelockController: {timelock.address}")
