"""The deployments file, ``deployments/<network>.json``: where a cooperative was deployed.

scripts/deploy.py (and scripts/local_chain.py) write it, the API's chain gateway and the tests
read it, all through :class:`DeploymentRecord`::

    {"network": "development", "chainId": 31337, "startBlock": 1,
     "contracts": {"Membership": "0x…", …}}

``startBlock`` is the first block of the deployment, where the indexer starts reading events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address


@dataclass(frozen=True)
class DeploymentRecord:
    """One deployment: its network name, chain id, first block and contract addresses (by
    deployment name, EIP-55 checksummed)."""

    network: str
    chain_id: int
    start_block: int
    addresses: dict[str, ChecksumAddress] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeploymentRecord:
        return cls(
            network=str(data["network"]),
            chain_id=int(data["chainId"]),
            start_block=int(data["startBlock"]),
            addresses={k: to_checksum_address(v) for k, v in data["contracts"].items()},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "chainId": self.chain_id,
            "startBlock": self.start_block,
            "contracts": dict(self.addresses),
        }

    @classmethod
    def load(cls, path: Path) -> DeploymentRecord:
        return cls.from_json(json.loads(path.read_text()))

    def dump(self, path: Path) -> Path:
        """Writes the file (and its directory), as people read it: indented, one key a line."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path
