"""Gas benchmark of CoopGovernor against a stock OpenZeppelin Governor (bench/governance.json).

    python bench/bench_governance.py              # starts brownie's `anvil` network itself
    brownie run bench/bench_governance.py --network anvil

``measure_governance_gas()`` is importable: it needs a loaded brownie project with a development
network connected, and it leaves the chain as it found it (snapshot and revert).

Scenario, the same for both governors: eight members, two in each of the four classes, every one
holding contribution tokens. On one proposal, one member of each class votes For first (the
very first vote is reported as ``castVote_n1_first``: it also caches the class sizes at the
snapshot); then the measured votes follow. ``castVote_n1`` and ``oz_castVote_baseline`` are both
the fifth vote on their proposal, each voter's first vote of the epoch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # run as a script, before the import below

from lumbung.protocol import StakeholderClass  # noqa: E402 - needs the repo on sys.path

OUTPUT = REPO_ROOT / "bench" / "governance.json"

CLASSES = len(StakeholderClass)
TOKENS = [70, 6, 19, 34, 12, 3, 40, 5]
TIMELOCK_DELAY = 60


def _containers():
    from brownie import project

    loaded = project.get_loaded_projects()
    if not loaded:
        raise RuntimeError("load the brownie project and connect a network first")
    return loaded[0]


def _sleep_past(timestamp):
    from brownie import chain

    chain.sleep(max(timestamp - chain.time() + 1, 1))
    chain.mine()


def _measure_coop(deployer, voters, containers):
    from brownie import accounts, chain, web3
    from eth_abi import encode

    sys.path.insert(0, str(REPO_ROOT))
    from lumbung.protocol import signed_description
    from scripts.governance import GovernorParams, deploy_governance, sign_ballot

    tx = {"from": deployer}
    no_forwarder = "0x" + "00" * 20
    membership = containers.Membership.deploy(deployer, no_forwarder, tx)
    token = containers.ContributionToken.deploy(deployer, tx)
    token.grantRole(token.MINTER_ROLE(), deployer, tx)
    for index, voter in enumerate(voters):
        membership.admit(voter, index % CLASSES, tx)
        token.mint(voter, TOKENS[index], tx)
    chain.sleep(1)
    params = GovernorParams(
        voting_delay=10, voting_period=300, vote_extension=20, epoch_length=3_600
    )
    governor, timelock = deploy_governance(
        deployer, membership, token, params=params, timelock_delay=TIMELOCK_DELAY
    )
    membership.grantRole(membership.DEFAULT_ADMIN_ROLE(), timelock, tx)
    chain.sleep(1)

    newcomer = accounts.add()
    calldata = membership.admit.encode_input(newcomer, 2)
    description = signed_description("admit a worker", voters[0].address)
    propose = governor.propose([membership], [0], [calldata], description, {"from": voters[0]})
    proposal_id = propose.return_value
    _sleep_past(governor.proposalSnapshot(proposal_id))

    gas = {"propose": propose.gas_used}
    first = governor.castVote(proposal_id, 1, {"from": voters[0]})
    gas["castVote_n1_first"] = first.gas_used
    for voter in voters[1:CLASSES]:
        governor.castVote(proposal_id, 1, {"from": voter})
    gas["castVote_n1"] = governor.castVote(proposal_id, 1, {"from": voters[4]}).gas_used
    params_n5 = encode(["uint256"], [5])
    gas["castVote_n5"] = governor.castVoteWithReasonAndParams(
        proposal_id, 1, "", params_n5, {"from": voters[6]}
    ).gas_used
    signature = sign_ballot(governor, proposal_id, 1, voters[5])
    gas["castVoteBySig"] = governor.castVoteBySig(
        proposal_id, 1, voters[5], signature, {"from": deployer}
    ).gas_used
    _sleep_past(governor.proposalDeadline(proposal_id))
    description_hash = web3.keccak(text=description)
    args = ([membership], [0], [calldata], description_hash)
    gas["queue"] = governor.queue(*args, tx).gas_used
    chain.sleep(TIMELOCK_DELAY + 1)
    gas["execute"] = governor.execute(*args, tx).gas_used
    assert membership.isMember(newcomer), "the benchmark proposal did not execute"
    return gas


def _measure_baseline(deployer, voters, containers):
    from brownie import chain

    tx = {"from": deployer}
    token = containers.BaselineVotesToken.deploy(tx)
    for index, voter in enumerate(voters):
        token.mint(voter, TOKENS[index], tx)
        token.delegate(voter, {"from": voter})
    chain.sleep(1)
    governor = containers.BaselineGovernor.deploy(token, 10, 300, tx)
    propose = governor.propose(
        [token], [0], [token.name.encode_input()], "noop", {"from": voters[0]}
    )
    proposal_id = propose.return_value
    _sleep_past(governor.proposalSnapshot(proposal_id))
    for voter in voters[:CLASSES]:
        governor.castVote(proposal_id, 1, {"from": voter})
    return {
        "oz_propose_baseline": propose.gas_used,
        "oz_castVote_baseline": governor.castVote(proposal_id, 1, {"from": voters[4]}).gas_used,
    }


def measure_governance_gas() -> dict:
    """Gas of the key governance calls, the stock baseline and their ratio (see module doc)."""
    from brownie import accounts, chain

    containers = _containers()
    deployer = accounts[0]
    chain.snapshot()  # brownie's snapshot: the measured deployments vanish afterwards
    try:
        voters = [accounts.add() for _ in range(2 * CLASSES)]
        for voter in voters:
            deployer.transfer(voter, "1 ether")
        gas = _measure_coop(deployer, voters, containers)
        gas.update(_measure_baseline(deployer, voters, containers))
    finally:
        chain.revert()
    gas["castVote_n1_over_baseline"] = round(gas["castVote_n1"] / gas["oz_castVote_baseline"], 3)
    return gas


def main() -> dict:
    """Measures, prints and writes bench/governance.json."""
    gas = measure_governance_gas()
    OUTPUT.write_text(json.dumps(gas, indent=2) + "\n")
    for name, value in gas.items():
        print(f"{name:28} {value}")
    return gas


if __name__ == "__main__":
    from brownie import network, project

    # As `brownie run` does: the project's network settings (ports, base fee) and its
    # contract containers importable from `brownie` (scripts/governance.py needs them).
    bench_project = project.load(REPO_ROOT, name="LumbungBench")
    bench_project.load_config()
    bench_project._add_to_main_namespace()
    network.connect(sys.argv[1] if len(sys.argv) > 1 else "anvil")
    try:
        main()
    finally:
        network.disconnect()
