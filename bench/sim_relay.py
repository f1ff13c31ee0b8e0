"""The simulation's gasless path: members sign, the cooperative's gas relayer sends and pays.

:class:`Relay` turns a member's (or a curator's) call into an ERC-2771 ForwardRequest signed
with their key at their forwarder nonce (kept here: every request the simulation signs is
executed in order, or the run stops), and into the relayer's ``LumbungForwarder.execute``
transaction for bench/sim_chain.py's ``Sender``. :class:`RelayLedger` keeps every transaction
the relayer sent, by whom it served, and prices them with :mod:`bench.costs` from their gas and
their bytes as Anvil holds them (``eth_getRawTransactionByHash``).

Consent and review are signatures only (the batch design): :func:`sign_consent` and
:func:`sign_review` sign them under the registry's EIP-712 domain.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from eth_account.messages import SignableMessage, encode_typed_data
from web3.contract import Contract

from bench.costs import STATED, Prices, Transaction, l1_cost_wei, l2_cost_wei, rupiah
from bench.sim_chain import Call, Rpc
from lumbung import consent
from lumbung.eip712 import EIP712_DOMAIN, sign_forward_request

# The gas the outer execute needs beyond the request's own: the forwarder's signature check,
# nonce and quota, and the 1/63 it must keep back (ERC2771Forwarder._checkForwardedGas).
EXECUTE_OVERHEAD = 120_000


@dataclass(frozen=True)
class Domain:
    """An EIP-712 domain as ``eip712Domain()`` (ERC-5267) returns it."""

    name: str
    version: str
    chain_id: int
    verifying_contract: str

    @classmethod
    def of(cls, contract: Contract) -> Domain:
        _, name, version, chain_id, verifying, _, _ = contract.functions.eip712Domain().call()
        return cls(name, version, chain_id, verifying)

    def message(self, primary: str, fields: list[dict[str, str]], body: dict[str, Any]) -> (
        SignableMessage
    ):
        return encode_typed_data(full_message={
            "types": {"EIP712Domain": EIP712_DOMAIN, primary: fields},
            "primaryType": primary,
            "domain": {"name": self.name, "version": self.version, "chainId": self.chain_id,
                       "verifyingContract": self.verifying_contract},
            "message": body,
        })


def sign_consent(
    key: bytes, registry: Domain, pool_id: int, cid: bytes, contributor: str, deadline: int
) -> tuple[bytes, bytes]:
    """A member's consent to a contribution: (its digest, the signature)."""
    typed = consent.consent_typed_data(
        _registry(registry), pool_id=pool_id, cid=cid, contributor=contributor, deadline=deadline
    )
    return consent.digest(typed), consent.sign(typed, key)


def sign_review(key: bytes, registry: Domain, consent_digest: bytes, weight: int, reason: str) -> (
    bytes
):
    """A curator's review of a consented contribution (weight 0: a rejection)."""
    typed = consent.review_typed_data(
        _registry(registry), consent_digest=consent_digest, weight=weight, reason=reason
    )
    return consent.sign(typed, key)


def _registry(domain: Domain) -> consent.RegistryDomain:
    """lumbung.consent's domain of the registry whose ERC-5267 domain this is."""
    return consent.RegistryDomain(domain.chain_id, domain.verifying_contract)


@dataclass
class Relay:
    """Builds the relayer's ``execute`` transactions for signed requests."""

    forwarder: Contract
    relayer: str
    chain_id: int
    max_gas: int  # the forwarder's limit per request (relayLimits)
    nonces: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def call(
        self,
        action: str,
        key: bytes,
        signer: str,
        contract: Contract,
        fn: str,
        args: tuple[Any, ...],
        *,
        deadline: int,
        gas: int = 400_000,
        checkpoint: Hashable | None = None,
    ) -> Call:
        """``contract.fn(*args)`` as ``signer`` would call it, signed as a ForwardRequest with
        ``gas`` for the call (at most ``max_gas``), sent by the relayer."""
        gas = min(gas, self.max_gas)
        data = bytes.fromhex(contract.encode_abi(fn, args=list(args)).removeprefix("0x"))
        nonce = self.nonces[signer]
        self.nonces[signer] = nonce + 1
        signature = sign_forward_request(
            key, chain_id=self.chain_id, forwarder=self.forwarder.address, sender=signer,
            to=contract.address, data=data, gas=gas, nonce=nonce, deadline=deadline,
        )
        request = (signer, contract.address, 0, gas, deadline, data, signature)
        return Call(action, self.relayer, self.forwarder, "execute", (request,),
                    gas=gas + gas // 63 + EXECUTE_OVERHEAD, key=checkpoint)


@dataclass
class RelayLedger:
    """Every transaction the relayer sent: (whom it served, action, hash, gas used)."""

    entries: list[tuple[str, str, str, int]] = field(default_factory=list)

    def add(self, served: str, action: str, receipt: dict[str, Any]) -> None:
        self.entries.append((served, action, receipt["transactionHash"],
                             int(receipt["gasUsed"], 16)))

    def priced(self, rpc: Rpc, prices: Prices = STATED) -> list[tuple[str, str, int, int, int]]:
        """(served, action, gas, L1 wei, L2 wei) per transaction, from its bytes on the chain."""
        raws = rpc.batch([("eth_getRawTransactionByHash", (h,)) for _, _, h, _ in self.entries])
        rows = []
        for (served, action, _hash, gas), raw in zip(self.entries, raws, strict=True):
            tx = Transaction(gas, bytes.fromhex(raw.removeprefix("0x")))
            rows.append((served, action, gas, l1_cost_wei(tx, prices), l2_cost_wei(tx, prices)))
        return rows


def member_year(
    rows: list[tuple[str, str, int, int, int]], members: dict[str, int], prices: Prices = STATED
) -> dict[str, Any]:
    """The relayer's spending per member (``members``: address -> stakeholder class): the
    spread over members, per class and per action, in gas and in rupiah on L1 and on the L2."""
    per: dict[str, list[int]] = {a: [0, 0, 0, 0] for a in members}  # gas, l1, l2, transactions
    by_action: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    others = [0, 0, 0, 0]
    for served, action, gas, l1, l2 in rows:
        target = per.get(served)
        for bucket in ((target, by_action[action]) if target is not None else (others,)):
            bucket[0] += gas
            bucket[1] += l1
            bucket[2] += l2
            bucket[3] += 1

    def spread(values: list[list[int]]) -> dict[str, Any]:
        if not values:
            return {}
        out: dict[str, Any] = {"members": len(values)}
        for name, column in (("gas", 0), ("l1_wei", 1), ("l2_wei", 2), ("transactions", 3)):
            ordered = sorted(v[column] for v in values)
            out[name] = {
                "median": int(statistics.median(ordered)),
                "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
                "max": ordered[-1],
                "mean": round(statistics.fmean(ordered)),
                "total": sum(ordered),
            }
        for stat in ("median", "p95", "max", "mean", "total"):
            out.setdefault("l1_idr", {})[stat] = rupiah(out["l1_wei"][stat], prices)
            out.setdefault("l2_idr", {})[stat] = rupiah(out["l2_wei"][stat], prices)
        return out

    classes: dict[int, list[list[int]]] = defaultdict(list)
    for address, cls in members.items():
        classes[cls].append(per[address])
    return {
        "prices": prices.as_dict(),
        "all": spread(list(per.values())),
        "by_class": {str(cls): spread(values) for cls, values in sorted(classes.items())},
        "by_action": {
            action: {"transactions": v[3], "gas": v[0], "l1_idr": rupiah(v[1], prices),
                     "l2_idr": rupiah(v[2], prices)}
            for action, v in sorted(by_action.items())
        },
        "not_members": {"transactions": others[3], "gas": others[0],
                        "l1_idr": rupiah(others[1], prices), "l2_idr": rupiah(others[2], prices)},
    }
