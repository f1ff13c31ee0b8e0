"""bench/sim_relay.py: the simulation's consents, reviews and relayed requests are what the
contracts check, and the relayer's spending is attributed to the member it served."""

from __future__ import annotations

import json
from pathlib import Path

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from bench.costs import STATED
from bench.sim_relay import Domain, Relay, member_year, sign_consent, sign_review
from lumbung.eip712 import FORWARD_REQUEST, FORWARDER_DOMAIN, sign_typed

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = Domain("Lumbung Registry", "1", 31337, "0x" + "12" * 20)
MEMBER = Account.from_key(keccak(b"sim-relay member"))
CURATOR = Account.from_key(keccak(b"sim-relay curator"))


def domain_separator(domain: Domain) -> bytes:
    typehash = keccak(
        b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    return keccak(encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [typehash, keccak(text=domain.name), keccak(text=domain.version), domain.chain_id,
         domain.verifying_contract],
    ))


def test_consent_digest_is_the_registrys_and_recovers_the_member():
    cid = bytes([0x01, 0x55, 0x12, 0x20]) + keccak(b"data")
    digest, signature = sign_consent(MEMBER.key, REGISTRY, 3, cid, MEMBER.address, 1_900_000_000)
    # ContributionRegistry.consentDigest, computed independently of eth-account's encoder.
    typehash = keccak(b"Consent(uint256 poolId,bytes cid,address contributor,uint256 deadline)")
    struct = keccak(encode(["bytes32", "uint256", "bytes32", "address", "uint256"],
                           [typehash, 3, keccak(cid), MEMBER.address, 1_900_000_000]))
    assert digest == keccak(b"\x19\x01" + domain_separator(REGISTRY) + struct)
    assert Account._recover_hash(digest, signature=signature) == MEMBER.address


def test_review_is_signed_by_the_curator_over_the_consent():
    consent = keccak(b"a consent digest")
    signature = sign_review(CURATOR.key, REGISTRY, consent, 0, "unreadable upload")
    typehash = keccak(b"Review(bytes32 consent,uint48 weight,string reason)")
    struct = keccak(encode(["bytes32", "bytes32", "uint48", "bytes32"],
                           [typehash, consent, 0, keccak(text="unreadable upload")]))
    digest = keccak(b"\x19\x01" + domain_separator(REGISTRY) + struct)
    assert Account._recover_hash(digest, signature=signature) == CURATOR.address


def contract(name: str, address: str):
    abi = json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())["abi"]
    return Web3().eth.contract(address=Web3.to_checksum_address(address), abi=abi)


def test_relayed_requests_are_signed_in_nonce_order_within_the_forwarders_gas_limit():
    forwarder = contract("LumbungForwarder", "0x" + "34" * 20)
    membership = contract("Membership", "0x" + "56" * 20)
    relayer = "0x" + "78" * 20
    relay = Relay(forwarder, Web3.to_checksum_address(relayer), 31337, max_gas=1_000_000)
    calls = [relay.call("leave", MEMBER.key, MEMBER.address, membership, "leave", (),
                        deadline=1_900_000_000, gas=gas) for gas in (200_000, 5_000_000)]
    for nonce, call in enumerate(calls):
        assert call.sender.lower() == relayer and call.fn == "execute"
        sender, to, value, gas, deadline, data, signature = call.args[0]
        assert (sender, to, value) == (MEMBER.address, membership.address, 0)
        assert gas == min((200_000, 5_000_000)[nonce], 1_000_000)
        assert call.gas > gas  # the outer transaction leaves the request its whole budget
        message = {"from": sender, "to": to, "value": 0, "gas": gas, "nonce": nonce,
                   "deadline": deadline, "data": data}
        expected = sign_typed(MEMBER.key, domain=FORWARDER_DOMAIN, chain_id=31337,
                              contract=forwarder.address, primary_type="ForwardRequest",
                              fields=FORWARD_REQUEST, message=message)
        assert signature == bytes(expected.signature)
    assert relay.nonces[MEMBER.address] == 2


def test_member_year_attributes_each_transaction_to_whom_it_served():
    a, b = "0x" + "aa" * 20, "0x" + "bb" * 20
    rows = [
        (a, "join_by_voucher", 100, 10, 1),
        (a, "claimLeaf", 300, 30, 3),
        (b, "join_by_voucher", 200, 20, 2),
        ("curation", "acceptBatch", 1_000, 100, 10),
    ]
    year = member_year(rows, {a: 0, b: 2, "0x" + "cc" * 20: 0})
    everyone = year["all"]
    assert everyone["members"] == 3
    assert everyone["gas"]["total"] == 600 and everyone["gas"]["max"] == 400
    assert everyone["transactions"]["median"] == 1
    assert year["by_class"]["0"]["members"] == 2 and year["by_class"]["2"]["gas"]["total"] == 200
    assert year["by_action"]["join_by_voucher"]["transactions"] == 2
    assert year["not_members"]["gas"] == 1_000 and year["not_members"]["transactions"] == 1
    assert year["prices"] == STATED.as_dict()
