import pytest
from brownie import chain, web3
from eth_account import Account

from lumbung.eip712 import sign_voucher
from lumbung.protocol import StakeholderClass

PRODUCER, FUNDER, WORKER, STEWARD = StakeholderClass

# Anvil's and Ganache's test mnemonics differ, so vouchers are signed by a key made here and
# granted the registrar role, never by a node-held account.
REGISTRAR_KEY = Account.create().key


@pytest.fixture(scope="module")
def registrar_signer(membership, deployer):
    signer = Account.from_key(REGISTRAR_KEY)
    membership.grantRole(membership.REGISTRAR_ROLE(), signer.address, {"from": deployer})
    return signer


@pytest.fixture(scope="module")
def voucher(membership, registrar_signer):
    """Returns (voucher tuple, signature) signed by the registrar, valid for an hour."""

    def voucher(member, cls, nonce=1, expiry=None, key=REGISTRAR_KEY):
        expiry = expiry if expiry is not None else chain.time() + 3600
        signature = sign_voucher(
            key,
            chain_id=web3.eth.chain_id,
            membership=membership.address,
            member=member,
            cls=cls,
            nonce=nonce,
            expiry=expiry,
        )
        return (str(member), cls, nonce, expiry), signature

    return voucher
