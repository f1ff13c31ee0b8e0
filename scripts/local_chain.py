"""Deploys to the local `make run` chain unless that chain already holds the deployment.

Run as ``python -m scripts.local_chain`` once Anvil listens on 127.0.0.1:8545. A restarted
chain (Anvil reloads its state from .lumbung/) keeps its contracts, so nothing is redeployed.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from brownie import network, project, web3

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT_FILE = ROOT / "deployments" / "development.json"

logger = logging.getLogger(__name__)


def deployment_is_live(path: Path) -> bool:
    """True when every address in the deployment file holds code on the connected chain."""
    if not path.exists():
        return False
    recorded = json.loads(path.read_text())
    if recorded.get("chainId") != web3.eth.chain_id:
        return False
    return all(len(web3.eth.get_code(a)) > 0 for a in recorded["contracts"].values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rpc", default="http://127.0.0.1:8545")
    parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    project.load(ROOT, name="LumbungProject")._add_to_main_namespace()
    network.connect("development")
    from scripts import deploy  # needs the loaded project's contract containers

    if deployment_is_live(DEPLOYMENT_FILE):
        logger.info("Chain already holds the deployment in %s", DEPLOYMENT_FILE)
    else:
        deployer = network.accounts[0]
        deployment = deploy.deploy_all(deployer, registrar=network.accounts[1])
        logger.info("Deployed; wrote %s", deploy.write_deployment(deployment))
    for name, address in json.loads(DEPLOYMENT_FILE.read_text())["contracts"].items():
        logger.info("  %-20s %s", name, address)
    network.disconnect(kill_rpc=False)


if __name__ == "__main__":
    main()
