"""What the gas relay sends: the contracts and functions a forwarded request may call.

Only member and curator actions are relayed; the rest (governance setters, token transfers, the
forwarder itself, the market) are refused before anything reaches the chain. A registry
``multicall`` is relayed when every call it bundles is itself on the list (and is not another
multicall).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.chain import Chain
from api.chain.facades import ContractFacade
from api.chain.results import DecodedCall
from api.errors import RelayRequestError
from api.models import RelayKind

MULTICALL = "multicall"

# Deployment name -> the functions a forwarded request may call on it.
FORWARDED: dict[str, frozenset[str]] = {
    "ContributionRegistry": frozenset(
        {
            "submit",
            "revoke",
            "accept",
            "reject",
            "acceptBatch",
            "rejectBatch",
            "activateLeaves",
            "revokeLeaf",
            MULTICALL,
        }
    ),
    "RevenueDistributor": frozenset(
        {"claim", "claimMany", "claimLeaf", "claimLeaves", "claimBatches"}
    ),
    "Membership": frozenset({"leave"}),
}
VOTE_FUNCTIONS = ("castVoteBySig", "castVoteWithReasonAndParamsBySig")
JOIN_FUNCTION = "join"


@dataclass(frozen=True)
class Action:
    """One call the relay sends, with where it goes."""

    kind: RelayKind
    contract: str
    address: str
    function: str
    selector: str


def _facades(chain: Chain) -> dict[str, ContractFacade]:
    return {
        "ContributionRegistry": chain.registry,
        "RevenueDistributor": chain.distributor,
        "Membership": chain.membership,
    }


def actions(chain: Chain) -> list[Action]:
    """Every call the relay sends on this deployment."""
    found = [
        Action(RelayKind.FORWARD, name, facade.address, function, facade.selector(function))
        for name, facade in _facades(chain).items()
        for function in sorted(FORWARDED[name])
    ]
    governor, membership = chain.governor, chain.membership
    found += [
        Action(RelayKind.VOTE, governor.name, governor.address, f, governor.selector(f))
        for f in VOTE_FUNCTIONS
    ]
    found.append(
        Action(
            RelayKind.JOIN,
            membership.name,
            membership.address,
            JOIN_FUNCTION,
            membership.selector(JOIN_FUNCTION),
        )
    )
    return found


def allowed_call(chain: Chain, to: str, data: bytes) -> tuple[str, DecodedCall]:
    """(contract name, decoded call) of a forwarded request's ``to`` and ``data``; raises
    RelayRequestError when the relay does not send it."""
    named = {facade.address.lower(): (name, facade) for name, facade in _facades(chain).items()}
    if to.lower() not in named:
        raise RelayRequestError(f"the relay does not forward calls to {to}", to=to)
    name, facade = named[to.lower()]
    call = facade.decode_calldata(data)
    if call is None or call.function not in FORWARDED[name]:
        selector = "0x" + data[:4].hex()
        raise RelayRequestError(
            f"the relay does not forward {selector} to {name}", contract=name, selector=selector
        )
    if call.function == MULTICALL:
        for inner in call.args["data"]:  # type: ignore[attr-defined]
            bundled = facade.decode_calldata(bytes(inner))
            if bundled is None or bundled.function not in FORWARDED[name] - {MULTICALL}:
                raise RelayRequestError(
                    f"a {name}.multicall bundles a call the relay does not forward",
                    contract=name,
                    selector="0x" + bytes(inner)[:4].hex(),
                )
    return name, call
