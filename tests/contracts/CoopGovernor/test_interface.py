"""Stock Governor surface: counting mode, clock, interfaces, parameters, bytecode size."""

import brownie
from brownie import CoopGovernor, web3

from tests.contracts.governance_helpers import PARAMS

EIP170_LIMIT = 24_576


def _interface_id(container, inherited=()):
    """ERC-165 id: XOR of the selectors the interface itself declares."""
    value = 0
    for selector, name in container.selectors.items():
        if name in inherited:
            continue
        value ^= int.from_bytes(bytes.fromhex(selector[2:]), "big")
    return "0x" + value.to_bytes(4, "big").hex()


def test_counting_mode(governor):
    # Every vote counts towards a class's participation quorum, Against included (issue 13, 8).
    assert governor.COUNTING_MODE() == "support=bravo&quorum=for,against,abstain&params=coop"


def test_timestamp_clock(governor, token, membership):
    assert (
        governor.CLOCK_MODE() == "mode=timestamp" == token.CLOCK_MODE() == membership.CLOCK_MODE()
    )
    assert governor.clock() == web3.eth.get_block("latest").timestamp


def test_supports_igovernor_and_icoopgovernor(governor, interface):
    # IGovernor extends IERC165 and IERC6372, whose functions are not part of its id.
    igovernor = _interface_id(interface.IGovernor, {"supportsInterface", "clock", "CLOCK_MODE"})
    icoop = _interface_id(interface.ICoopGovernor)
    assert governor.supportsInterface(igovernor)
    assert governor.supportsInterface(icoop)
    assert governor.supportsInterface("0x01ffc9a7")  # ERC-165
    assert not governor.supportsInterface("0xffffffff")


def test_initial_parameters(governor, timelock, membership, token):
    assert governor.name() == "Lumbung CoopGovernor"
    assert governor.votingDelay() == PARAMS.voting_delay
    assert governor.votingPeriod() == PARAMS.voting_period
    assert governor.proposalThreshold() == PARAMS.proposal_threshold
    assert governor.lateQuorumVoteExtension() == PARAMS.vote_extension
    assert list(governor.classWeights()) == list(PARAMS.class_weights)
    assert list(governor.classQuorums()) == list(PARAMS.class_quorums)
    assert governor.timelock() == timelock
    assert governor.membership() == membership
    assert governor.token() == token
    effective_from, first_epoch, length, base = governor.scheduledEpochRules()
    assert (first_epoch, length, base) == (0, PARAMS.epoch_length, PARAMS.base_credits)
    assert list(governor.epochAt(effective_from)) == [0, effective_from, length, base]
    assert list(governor.epochAt(effective_from + 2 * length + 5)) == [
        2,
        effective_from + 2 * length,
        length,
        base,
    ]


def test_epoch_before_deployment_is_undefined(governor):
    effective_from = governor.scheduledEpochRules()[0]
    with brownie.reverts(revert_pattern=r"CoopGovernorBeforeFirstEpoch:.*"):
        governor.epochAt(effective_from - 1)


def test_timelock_wiring(governor, timelock, deployer):
    assert timelock.hasRole(timelock.PROPOSER_ROLE(), governor)
    assert timelock.hasRole(timelock.CANCELLER_ROLE(), governor)
    assert timelock.hasRole(timelock.EXECUTOR_ROLE(), "0x" + "00" * 20)
    assert not timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), deployer)
    assert not timelock.hasRole(timelock.PROPOSER_ROLE(), deployer)


def test_bytecode_fits_eip170(governor):
    size = len(CoopGovernor._build["deployedBytecode"]) // 2
    assert size < EIP170_LIMIT, size
    assert len(web3.eth.get_code(governor.address)) == size


def test_constructor_validates_config(deployer, membership, token, timelock):
    bad_weights = PARAMS.__class__(**{**PARAMS.__dict__, "class_weights": (4000, 3000, 2000, 999)})
    with brownie.reverts(revert_pattern=r"CoopGovernorInvalidClassWeights:.*"):
        CoopGovernor.deploy(
            membership, token, timelock, bad_weights.as_config(), {"from": deployer}
        )
    bad_quorum = PARAMS.__class__(**{**PARAMS.__dict__, "class_quorums": (0, 5001, 0, 0)})
    with brownie.reverts(revert_pattern=r"CoopGovernorInvalidClassQuorum:.*"):
        CoopGovernor.deploy(membership, token, timelock, bad_quorum.as_config(), {"from": deployer})
    bad_epoch = PARAMS.__class__(**{**PARAMS.__dict__, "epoch_length": 0})
    with brownie.reverts(revert_pattern=r"CoopGovernorInvalidEpochLength:.*"):
        CoopGovernor.deploy(membership, token, timelock, bad_epoch.as_config(), {"from": deployer})
    for field, value in (
        ("base_credits", 0),
        ("token_credit_cap", 10**6 + 1),
        ("voting_delay", 30 * 86_400 + 1),
        ("proposal_threshold", 1_001),
        ("vote_extension", 7 * 86_400 + 1),
    ):
        bad = PARAMS.__class__(**{**PARAMS.__dict__, field: value})
        with brownie.reverts(revert_pattern=r"CoopGovernorOutOfBounds:.*"):
            CoopGovernor.deploy(membership, token, timelock, bad.as_config(), {"from": deployer})
