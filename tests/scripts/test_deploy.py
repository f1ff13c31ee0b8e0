import json

from brownie import chain, web3

from scripts.deploy import deploy_all, write_deployment


def test_deploy_all_writes_addresses_chain_id_and_start_block(deployer, registrar, tmp_path):
    before = chain.height
    deployment = deploy_all(deployer, registrar=registrar)
    path = write_deployment(deployment, tmp_path)
    written = json.loads(path.read_text())
    assert written["chainId"] == chain.id
    assert written["startBlock"] == before + 1
    assert set(written["contracts"]) >= {"Membership", "ContributionToken", "PaymentToken"}
    for name, address in written["contracts"].items():
        assert len(web3.eth.get_code(address)) > 0, name
    assert deployment.membership.hasRole(deployment.membership.REGISTRAR_ROLE(), registrar)
