"""LumbungForwarder fixtures: a full deployment (deploy_all) with a curator, two producers and
one open pool, and requests signed as a wallet signs them (lumbung/eip712.py, with the
development accounts' keys) and sent by a gas relayer that is nobody in the cooperative."""

from __future__ import annotations

import hashlib

import pytest
from brownie import chain
from hexbytes import HexBytes

from lumbung.devchain import ADDRESSES, KEYS
from lumbung.eip712 import sign_forward_request
from lumbung.protocol import StakeholderClass

REQUEST_GAS = 300_000


@pytest.fixture(scope="session")
def gas_relayer(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def other_member(accounts):
    return accounts[6]


@pytest.fixture(scope="module")
def forwarder(coop):
    return coop.forwarder


@pytest.fixture(scope="module")
def registry(coop, deployer, curator, member, other_member):
    """The registry, with a curator, two producers and pool 1."""
    tx = {"from": deployer}
    coop.membership.admit(curator, StakeholderClass.WORKER, tx)
    coop.membership.admit(member, StakeholderClass.PRODUCER, tx)
    coop.membership.admit(other_member, StakeholderClass.PRODUCER, tx)
    coop.registry.grantRole(coop.registry.CURATOR_ROLE(), curator, tx)
    coop.registry.createPool("Rice harvests", "", tx)
    return coop.registry


@pytest.fixture(scope="session")
def cid():
    """cid(seed) -> a binary CIDv0."""

    def make(seed: str) -> bytes:
        return b"\x12\x20" + hashlib.sha256(seed.encode()).digest()

    return make


@pytest.fixture
def signed_request(forwarder):
    """signed_request(signer, target, data, gas=..., deadline=..., nonce=..., signed_by=...) ->
    the ForwardRequestData from `signer` for calling `target` with `data` (deadline an hour
    ahead, the signer's next nonce and the signer's own key unless told)."""

    def make(signer, target, data, gas=REQUEST_GAS, deadline=None, nonce=None, signed_by=None):
        deadline = chain.time() + 3600 if deadline is None else deadline
        nonce = forwarder.nonces(signer) if nonce is None else nonce
        data = HexBytes(data)
        signature = sign_forward_request(
            KEYS[ADDRESSES.index((signed_by or signer).address)],
            chain_id=chain.id,
            forwarder=forwarder.address,
            sender=signer.address,
            to=target.address,
            data=data,
            gas=gas,
            nonce=nonce,
            deadline=deadline,
        )
        return [signer.address, target.address, 0, gas, deadline, data, signature]

    return make


@pytest.fixture
def relay(forwarder, signed_request, gas_relayer):
    """relay(signer, target, data, **request) has the gas relayer execute the signed request."""

    def send(signer, target, data, **request):
        return forwarder.execute(
            signed_request(signer, target, data, **request), {"from": gas_relayer}
        )

    return send
