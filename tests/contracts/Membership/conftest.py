import pytest
from brownie import chain, web3
from eth_account import Account
from eth_account.messages import encode_typed_data

PRODUCER, FUNDER, WORKER, STEWARD = range(4)

# Anvil's and Ganache's test mnemonics differ, so vouchers are signed by a key made here and
# granted the registrar role, never by a node-held account.
REGISTRAR_KEY = Account.create().key


@pytest.fixture(scope="module")
def registrar_signer(membership, deployer):
    signer = Account.from_key(REGISTRAR_KEY)
    membership.grantRole(membership.REGISTRAR_ROLE(), signer.address, {"from": deployer})
    return signer


def sign_voucher(membership, key, member, cls, nonce, expiry):
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Voucher": [
                {"name": "member", "type": "address"},
                {"name": "stakeholderClass", "type": "uint8"},
                {"name": "nonce", "type": "uint256"},
                {"name": "expiry", "type": "uint256"},
            ],
        },
        "primaryType": "Voucher",
        "domain": {
            "name": "Lumbung Membership",
            "version": "1",
            "chainId": web3.eth.chain_id,
            "verifyingContract": membership.address,
        },
        "message": {
            "member": str(member),
            "stakeholderClass": cls,
            "nonce": nonce,
            "expiry": expiry,
        },
    }
    return Account.sign_message(encode_typed_data(full_message=typed), key).signature


@pytest.fixture(scope="module")
def voucher(membership, registrar_signer):
    """Returns (voucher tuple, signature) signed by the registrar, valid for an hour."""

    def voucher(member, cls, nonce=1, expiry=None, key=REGISTRAR_KEY):
        expiry = expiry if expiry is not None else chain.time() + 3600
        return (str(member), cls, nonce, expiry), sign_voucher(
            membership, key, member, cls, nonce, expiry
        )

    return voucher
