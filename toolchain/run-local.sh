#!/usr/bin/env bash
# The local cooperative on embedded defaults: Anvil on 127.0.0.1:8545 with its state saved
# under .lumbung/ (a restart keeps the chain), and a deployment when the chain has none.
# Ctrl-C stops everything; the chain state is written on the way out.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state_dir="$root/.lumbung"
mkdir -p "$state_dir"
port=8545  # MetaMask's "Localhost 8545"; brownie's anvil-live network points here too
rpc="http://127.0.0.1:$port"

if curl -s -o /dev/null "$rpc"; then
  echo "Something already listens on $rpc; stop it first." >&2
  exit 1
fi

anvil --port "$port" --chain-id 31337 --accounts 10 --block-base-fee-per-gas 0 \
  --state "$state_dir/anvil-state.json" --state-interval 5 >"$state_dir/anvil.log" 2>&1 &
anvil_pid=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM "$anvil_pid" 2>/dev/null || true
  wait "$anvil_pid" 2>/dev/null || true
  echo "Stopped. Chain state kept in $state_dir/anvil-state.json"
}
trap stop INT TERM EXIT

for _ in $(seq 1 50); do
  curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$rpc" && break
  sleep 0.2
done

python -m scripts.local_chain
echo "Local chain at $rpc (chain id 31337). Ctrl-C stops it."
wait "$anvil_pid"
