"""A relay request checked and turned into the transaction the gas relayer would send.

Each kind is checked against what the chain says now (the forwarder's bounds, the governor's
nonce, the membership contract's vouchers) before anything is simulated; a request that fails a
check is refused with nothing sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from api.chain import Chain
from api.chain.facades import ForwarderFacade
from api.chain.results import Eip712Domain, ForwardRequest
from api.errors import RelayAbsentError, RelayReplayError, RelayRequestError, RelaySignatureError
from api.models import RelayKind
from api.schemas.relay import ForwardRequestBody, JoinBody, VoteBody
from api.services.relay.allowlist import allowed_call
from lumbung.eip712 import BALLOT, EIP712_DOMAIN
from lumbung.protocol import StakeholderClass

EXTENDED_BALLOT = [
    *BALLOT,
    {"name": "reason", "type": "string"},
    {"name": "params", "type": "bytes"},
]


@dataclass(frozen=True)
class Prepared:
    """A checked relay request: whom it acts for, what it does, and the transaction to send.

    ``request`` is a forwarded request as the forwarder verifies it, and ``inner`` the
    member's own call as the forwarder makes it (the signer appended): simulated alone, it
    reverts with the target's error, which the forwarder's ``execute`` reports only as
    ``FailedCall``.
    """

    kind: RelayKind
    account: str
    contract: str
    function: str
    target: str
    selector: str
    to: str
    data: bytes
    signature_hash: str
    request: ForwardRequest | None = None
    inner: tuple[str, str, bytes] | None = None

    @property
    def action(self) -> str:
        return f"{self.contract}.{self.function}"


def forwarder_of(chain: Chain) -> ForwarderFacade:
    if chain.forwarder is None:
        raise RelayAbsentError("the deployment has no forwarder")
    return chain.forwarder


def signature_hash(signature: bytes) -> str:
    return "0x" + keccak(signature).hex()


def _hex(text: str) -> bytes:
    return bytes.fromhex(text[2:])


def prepare_forward(
    chain: Chain, body: ForwardRequestBody, head_time: int, max_deadline_s: int
) -> Prepared:
    """Checks a forwarded request: target and function on the allowlist, no value, a deadline in
    the coming ``max_deadline_s``, gas within the forwarder's ceiling. Its signature is
    :func:`verify_forward`'s to check."""
    forwarder = forwarder_of(chain)
    sender, to, data = (
        to_checksum_address(body.from_),
        to_checksum_address(body.to),
        _hex(body.data),
    )
    contract, call = allowed_call(chain, to, data)
    if int(body.value) != 0:
        raise RelayRequestError("the relay sends no ether: value must be 0")
    if body.deadline <= head_time:
        raise RelayRequestError(
            f"the deadline {body.deadline} has passed (chain time {head_time})",
            deadline=body.deadline,
        )
    if body.deadline > head_time + max_deadline_s:
        raise RelayRequestError(
            f"the deadline may lie at most {max_deadline_s} s ahead", deadline=body.deadline
        )
    max_gas = forwarder.limits().max_gas
    if not 0 < body.gas <= max_gas:
        raise RelayRequestError(
            f"gas must be between 1 and the forwarder's limit {max_gas}", gas=body.gas
        )
    request = ForwardRequest(sender, to, 0, body.gas, body.deadline, data, _hex(body.signature))
    return Prepared(
        kind=RelayKind.FORWARD,
        account=sender,
        contract=contract,
        function=call.function,
        target=to,
        selector=call.selector,
        to=forwarder.address,
        data=_hex(forwarder.execute_calldata(request)),
        signature_hash=signature_hash(request.signature),
        request=request,
        inner=(forwarder.address, to, data + bytes.fromhex(sender[2:])),
    )


def verify_forward(chain: Chain, prepared: Prepared) -> None:
    """The forwarder's own check of a forwarded request's signature, at the signer's current
    nonce."""
    if prepared.request is not None and not forwarder_of(chain).verify(prepared.request):
        raise RelaySignatureError(
            f"the forwarder does not verify this request as signed by {prepared.account} at "
            "its current nonce: altered after signing, signed by another key, or already used"
        )


def recover_typed(
    domain: Eip712Domain,
    primary: str,
    fields: list[dict[str, str]],
    message: dict[str, object],
    signature: bytes,
) -> str | None:
    """The address that signed ``message`` as EIP-712 typed data in ``domain``; None when the
    signature recovers no address."""
    typed = {
        "types": {"EIP712Domain": EIP712_DOMAIN, primary: fields},
        "primaryType": primary,
        "domain": {
            "name": domain.name,
            "version": domain.version,
            "chainId": domain.chain_id,
            "verifyingContract": domain.verifying_contract,
        },
        "message": message,
    }
    try:
        return str(
            Account.recover_message(encode_typed_data(full_message=typed), signature=signature)
        )
    except ValueError:
        return None


def prepare_vote(chain: Chain, body: VoteBody) -> Prepared:
    """Checks a signed ballot against the governor's domain and its nonce for the voter."""
    governor = chain.governor
    voter = to_checksum_address(body.voter)
    proposal_id, params, signature = int(body.proposal_id), _hex(body.params), _hex(body.signature)
    message: dict[str, object] = {
        "proposalId": proposal_id,
        "support": body.support,
        "voter": voter,
        "nonce": governor.nonce(voter),
    }
    plain = not body.reason and not params
    if not plain:
        message |= {"reason": body.reason, "params": params}
    primary, fields = ("Ballot", BALLOT) if plain else ("ExtendedBallot", EXTENDED_BALLOT)
    signer = recover_typed(governor.eip712_domain(), primary, fields, message, signature)
    if signer != voter:
        raise RelaySignatureError(
            f"the ballot is not signed by {voter} at the governor's nonce {message['nonce']}"
        )
    function, calldata = governor.vote_by_sig_calldata(
        proposal_id, body.support, voter, body.reason, params, signature
    )
    return Prepared(
        kind=RelayKind.VOTE,
        account=voter,
        contract=governor.name,
        function=function,
        target=governor.address,
        selector=calldata[:10],
        to=governor.address,
        data=_hex(calldata),
        signature_hash=signature_hash(signature),
    )


def prepare_join(chain: Chain, body: JoinBody, head_time: int) -> Prepared:
    """Checks a voucher's fields against this deployment and the chain's time; the registrar's
    signature is the membership contract's to judge (the simulation)."""
    voucher, membership = body.voucher, chain.membership
    signature = _hex(body.signature)
    if voucher.signature is not None and voucher.signature.lower() != body.signature.lower():
        raise RelayRequestError("the voucher's signature and the request's differ")
    if (
        voucher.chain_id != chain.chain_id
        or voucher.membership.lower() != membership.address.lower()
    ):
        raise RelayRequestError(
            f"the voucher is for Membership {voucher.membership} on chain {voucher.chain_id}, "
            f"not {membership.address} on chain {chain.chain_id}"
        )
    if voucher.stakeholder_class_id >= len(StakeholderClass):
        raise RelayRequestError(f"no stakeholder class {voucher.stakeholder_class_id}")
    cls = StakeholderClass(voucher.stakeholder_class_id)
    if voucher.stakeholder_class is not None and voucher.stakeholder_class != cls.name.lower():
        raise RelayRequestError("stakeholder_class and stakeholder_class_id disagree")
    if voucher.expiry < head_time:
        raise RelayRequestError(f"the voucher expired at {voucher.expiry} (chain time {head_time})")
    member, nonce = to_checksum_address(voucher.member), int(voucher.nonce)
    if membership.voucher_used(member, nonce):
        raise RelayReplayError(f"the voucher {nonce} of {member} was already used")
    calldata = membership.join_calldata(member, int(cls), nonce, voucher.expiry, signature)
    return Prepared(
        kind=RelayKind.JOIN,
        account=member,
        contract=membership.name,
        function="join",
        target=membership.address,
        selector=calldata[:10],
        to=membership.address,
        data=_hex(calldata),
        signature_hash=signature_hash(signature),
    )
