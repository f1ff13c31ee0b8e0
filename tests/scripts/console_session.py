"""A `brownie console` session on a live network, driven from standard input.

``python -m tests.scripts.console_session RPC_URL CHAIN_ID RECORDS < lines`` loads the project
and connects as `brownie console --network <id>` does, to a live network known only to this
process (so brownie's network list is left alone), then feeds each line of standard input to
brownie's own console, which prints results and tracebacks as it would for a user. Brownie's
records of live deployments are on, as in a user's console (that is what
`ContractContainer.at()` once crashed on), but kept under the folder RECORDS instead of build/,
where other tests' deployments write at the same time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from brownie import network, project
from brownie._cli.console import Console
from brownie._config import CONFIG
from prompt_toolkit.input import create_pipe_input

ROOT = Path(__file__).resolve().parents[2]
NETWORK = "lumbung-console-test"


def main(rpc_url: str, chain_id: int, records: Path) -> None:
    active = project.load(ROOT, name="LumbungProject")
    active.load_config()
    active._add_to_main_namespace()
    (records / "deployments").mkdir(parents=True, exist_ok=True)
    active._build_path = records  # where brownie keeps deployments/<chain id>/ and its map
    CONFIG.networks[NETWORK] = {"id": NETWORK, "host": rpc_url, "chainid": str(chain_id)}
    network.connect(NETWORK)
    assert CONFIG.network_type == "live"
    with create_pipe_input() as keyboard:  # the console's prompt is not used: lines are pushed
        Console.prompt_input = keyboard
        shell = Console(active)
        for line in sys.stdin:
            shell.push(line.rstrip("\n"))
    network.disconnect()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
