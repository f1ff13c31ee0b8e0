"""A member's year, paid by the cooperative: the gas, and its cost on L1 and on an OP-stack L2.

Run: ``python -m bench.member_year`` (``make bench``). On a fresh Anvil in its optimism mode
(``--network optimism``) with the cooperative deployed as ``make run`` deploys it, a member
whose account never holds any ether:

- joins with a registrar's voucher, which the gas relayer sends;
- makes 50 contributions (a ``submit`` the member signs as an ERC-2771 request, and the
  curator's ``accept``, relayed the same way);
- votes on 10 proposals (ballots signed for the governor's ``castVoteBySig``);
- claims 12 times, once a month after a sale of the pool.

Every one of those transactions is signed by the gas relayer (Anvil's account 9) and sent raw,
so the bytes that an OP-stack chain would post to L1 are the bytes measured. The member's
balance is read before and after: ``member_year_member_wei`` is the ether the member spent.
Figures go to bench/gas.json (``gas.member_year_*``) and, per action and with the stated prices
of :mod:`bench.costs`, to bench/member_year.json, which bench/REPORT.md shows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3

from api.chain.gateway import Chain
from bench.chain import BENCH_DIR, merge_json
from bench.costs import (
    STATED,
    Prices,
    Transaction,
    l1_cost_wei,
    l1_data_fee_wei,
    l2_cost_wei,
    rupiah,
)
from lumbung.devchain import (
    CURATOR,
    KEYS,
    STEWARD,
    Coop,
    Role,
    forward_request,
    start_anvil,
)
from lumbung.eip712 import BALLOT, sign_typed, sign_voucher
from lumbung.protocol import DEV_REGISTRAR_KEY, StakeholderClass

CONTRIBUTIONS = 50
VOTES = 10
CLAIMS = 12
MONTH = 30 * 24 * 3600
POOL = 1
BUYER = 7
REQUEST_GAS = 400_000  # the gas each signed request allows its call


@dataclass
class Ledger:
    """The relayed transactions of the year, by who they served and what they did."""

    by_action: dict[tuple[str, str], list[Transaction]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, served: str, action: str, tx: Transaction) -> None:
        self.by_action[(served, action)].append(tx)

    def gas(self, served: str | None = None) -> int:
        return sum(
            tx.gas_used
            for (who, _), txs in self.by_action.items()
            if served is None or who == served
            for tx in txs
        )

    def table(self, prices: Prices) -> list[dict[str, Any]]:
        rows = []
        for (served, action), txs in sorted(self.by_action.items()):
            l1 = sum(l1_cost_wei(tx, prices) for tx in txs)
            l2 = sum(l2_cost_wei(tx, prices) for tx in txs)
            rows.append({
                "for": served,
                "action": action,
                "count": len(txs),
                "gas": sum(tx.gas_used for tx in txs),
                "bytes": sum(len(tx.raw) for tx in txs),
                "l1_wei": l1,
                "l2_wei": l2,
                "l2_data_fee_wei": sum(l1_data_fee_wei(tx.raw, prices) for tx in txs),
                "l1_idr": rupiah(l1, prices),
                "l2_idr": rupiah(l2, prices),
            })
        return rows


class Relayer:
    """Signs and sends raw transactions from the gas relayer's key, keeping their bytes."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.account = Account.from_key(KEYS[Role.GAS_RELAYER])

    def send(self, function: Any, extra_gas: int = 0) -> Transaction:
        """Sends ``function``; ``extra_gas`` on top of the estimate is a forwarded request's
        signed budget, which the API's relayer adds too (an estimate on the last block can miss
        a slot the next block's later timestamp writes). The gas used is what is measured."""
        sender = self.account.address
        estimate = function.estimate_gas({"from": sender})
        tx = function.build_transaction({
            "from": sender,
            "gas": estimate * 5 // 4 + extra_gas,
            "nonce": self.w3.eth.get_transaction_count(sender),
            "chainId": self.w3.eth.chain_id,
        })
        signed = self.account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
        if receipt["status"] != 1:
            raise AssertionError(f"relayed transaction {tx_hash.hex()} reverted")
        return Transaction(int(receipt["gasUsed"]), bytes(signed.raw_transaction))


class MemberYear:
    """The year's actions on one deployment, each relayed and recorded."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.w3 = chain.w3
        self.c = chain.contracts
        self.coop = Coop(self.w3, self.c)
        self.relayer = Relayer(self.w3)
        self.member = Account.create()
        self.ledger = Ledger()

    def forward(self, key: str, function: Any) -> Transaction:
        """``function`` signed by ``key`` as a ForwardRequest, relayed through the forwarder."""
        forwarder = self.c["Forwarder"]
        sender = Account.from_key(key).address
        # As the API does: the call alone first, so that a refusal names its Solidity error
        # (the forwarder reports any failure of the call as FailedCall).
        self.chain.guard(lambda: function.call({"from": sender}))
        request = forward_request(forwarder, key, function, REQUEST_GAS, self.coop.now() + 3600)
        return self.relayer.send(forwarder.functions.execute(request), extra_gas=REQUEST_GAS)

    def join(self) -> None:
        membership = self.c["Membership"]
        expiry = self.coop.now() + 3600
        voucher = (self.member.address, StakeholderClass.PRODUCER, 1, expiry)
        signature = sign_voucher(
            DEV_REGISTRAR_KEY,
            chain_id=self.w3.eth.chain_id,
            membership=membership.address,
            member=self.member.address,
            cls=StakeholderClass.PRODUCER,
            nonce=1,
            expiry=expiry,
        )
        joined = self.relayer.send(membership.functions.join(voucher, signature))
        self.ledger.add("member", "join", joined)

    def contribute(self, seed: int) -> None:
        registry = self.c["ContributionRegistry"]
        digest = hashlib.sha256(b"member-year %d" % seed).digest()
        cid = bytes([0x01, 0x55, 0x12, 0x20]) + digest
        submit = registry.functions.submit(POOL, cid)
        self.ledger.add("member", "submit", self.forward(self.member.key, submit))
        contribution_id = registry.functions.contributionOf(self.member.address, cid).call()[0]
        accept = registry.functions.accept(contribution_id, 1)
        self.ledger.add("curation", "accept", self.forward(KEYS[CURATOR], accept))

    def vote(self, proposal_id: int) -> None:
        governor = self.c["CoopGovernor"]
        _, name, version, chain_id, verifying, _, _ = governor.functions.eip712Domain().call()
        message = {
            "proposalId": proposal_id,
            "support": 1,
            "voter": self.member.address,
            "nonce": governor.functions.nonces(self.member.address).call(),
        }
        signature = sign_typed(
            self.member.key,
            domain=(name, version),
            chain_id=chain_id,
            contract=verifying,
            primary_type="Ballot",
            fields=BALLOT,
            message=message,
        )
        ballot = governor.functions.castVoteBySig(
            proposal_id, 1, self.member.address, signature.signature
        )
        self.ledger.add("member", "castVoteBySig", self.relayer.send(ballot))

    def claim(self) -> None:
        claim = self.c["RevenueDistributor"].functions.claim(POOL)
        self.ledger.add("member", "claim", self.forward(self.member.key, claim))

    def propose(self, month: int) -> int:
        """A steward's proposal to reprice the pool, open for votes when this returns."""
        market = self.c["DataMarket"]
        price = 10**6 + month
        call = market.functions.setPrice(POOL, price)._encode_transaction_data()
        proposal_id = self.coop.propose(
            STEWARD, [(market.address, bytes.fromhex(call[2:]))], f"price of month {month}"
        )
        governor = self.c["CoopGovernor"]
        self.coop.advance(int(governor.functions.votingDelay().call()) + 1)
        return proposal_id

    def run(self) -> int:
        """The year; returns the ether the member spent (their account starts with none)."""
        before = self.w3.eth.get_balance(self.member.address)
        self.join()
        contributed = 0
        for month in range(12):
            share = CONTRIBUTIONS * (month + 1) // 12 - contributed
            for _ in range(share):
                self.contribute(contributed)
                contributed += 1
            if month >= 12 - VOTES:  # from the third month: a whole epoch after joining
                self.vote(self.propose(month))
            self.coop.buy(BUYER, POOL)
            self.claim()
            self.coop.advance(MONTH)
        return before - self.w3.eth.get_balance(self.member.address)


def measure(workdir: Path) -> tuple[dict[str, int], list[dict[str, Any]]]:
    anvil = start_anvil(workdir, ["--network", "optimism"])
    try:
        year = MemberYear(Chain(anvil.rpc_url, anvil.deployment_file, Path("build/contracts")))
        spent = year.run()
        ledger = year.ledger
        gas = {
            "member_year_member_wei": spent,
            "member_year_relayer_gas": ledger.gas("member"),
            "member_year_curation_gas": ledger.gas("curation"),
        }
        if year.w3.eth.get_transaction_count(year.member.address) != 0:
            raise AssertionError("the member's account sent a transaction of its own")
        counts = {a: len(t) for (_, a), t in ledger.by_action.items()}
        expected = {"join": 1, "submit": CONTRIBUTIONS, "accept": CONTRIBUTIONS,
                    "castVoteBySig": VOTES, "claim": CLAIMS}
        if counts != expected:
            raise AssertionError(f"the year's actions were {counts}, not {expected}")
        return gas, ledger.table(STATED)
    finally:
        anvil.stop()


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    with tempfile.TemporaryDirectory(prefix="lumbung-member-year-") as tmp:
        gas, rows = measure(Path(tmp))
    figures = json.loads((BENCH_DIR / "gas.json").read_text())
    merge_json(BENCH_DIR / "gas.json", {"gas": {**figures["gas"], **gas}})
    report = {"prices": STATED.as_dict(), "actions": rows, "totals": totals(rows), **gas}
    (BENCH_DIR / "member_year.json").write_text(json.dumps(report, indent=2) + "\n")
    for key, value in sorted(gas.items()):
        print(f"{key}: {value:,}")


def totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The year's sums, for the member's own actions and for the curation of its work."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = out.setdefault(row["for"], {"gas": 0, "l1_wei": 0, "l2_wei": 0, "count": 0})
        for key in total:
            total[key] += row[key]
    for total in out.values():
        total["l1_idr"] = rupiah(total["l1_wei"], STATED)
        total["l2_idr"] = rupiah(total["l2_wei"], STATED)
    return out


if __name__ == "__main__":
    main()
