#!/usr/bin/env bash
# The local cooperative on embedded defaults, one command (`make run`):
#   Anvil on 127.0.0.1:8545 with its state saved under .lumbung/ (a restart keeps the chain),
#   mining a block every $BLOCK_TIME seconds (2 by default, as an OP-stack chain) so the chain's
#   clock follows the wall clock even when nobody sends a transaction,
#   a deployment when the chain has none, then the API with the dApp on 127.0.0.1:8000, the
#   indexer and the settlement worker. DEMO=1 also seeds a demo cooperative (scripts/demo.py).
# Ctrl-C stops everything; the chain state, the database (.lumbung/lumbung.db) and the stored
# blocks (.lumbung/ipfs) stay for the next run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state_dir="$root/.lumbung"
mkdir -p "$state_dir"
port=8545  # MetaMask's "Localhost 8545"; brownie's anvil-live network points here too
rpc="http://127.0.0.1:$port"
api_port=8000
api="http://127.0.0.1:$api_port"
py="$root/.venv/bin/python"
[ -x "$py" ] || py=python
lumbung="$root/.venv/bin/lumbung"
[ -x "$lumbung" ] || lumbung=lumbung

for url in "$rpc" "$api"; do
  if curl -s -o /dev/null "$url"; then
    echo "Something already listens on $url; stop it first." >&2
    exit 1
  fi
done
if [ ! -f "$root/dapp/dist/index.html" ]; then
  echo "The dApp is not built: run \`make setup\` (or \`make dapp\`)." >&2
  exit 1
fi

# Development keys: Anvil's well-known account 1 signs demo vouchers. Settings refuse them on
# any chain that is not a local development chain. Both facts are lumbung.protocol's.
protocol() { PYTHONPATH="$root" "$py" -c "from lumbung import protocol; print(protocol.$1)"; }
chain_id=$(protocol ANVIL_CHAIN_ID)
export LUMBUNG_REGISTRAR_KEY="${LUMBUNG_REGISTRAR_KEY:-$(protocol DEV_REGISTRAR_KEY)}"
export LUMBUNG_RPC_URL="$rpc"

pids=()
names=()
start() {  # start NAME LOGFILE COMMAND...: runs a service in the background, logging to a file
  # In a session of its own (setsid), so that Ctrl-C reaches only this script, which stops the
  # services in order, instead of every service at once.
  local name=$1 log=$2
  shift 2
  setsid "$@" >>"$log" 2>&1 </dev/null &
  pids+=("$!")
  names+=("$name")
}
stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap - INT TERM EXIT
  echo
  echo "Stopping…"
  # The services first, Anvil last, so that it writes the chain state after the final blocks.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  echo "Stopped. Kept: chain state $state_dir/anvil-state.json, database $state_dir/lumbung.db, blocks $state_dir/ipfs/"
}
trap 'stop; exit 0' INT  # Ctrl-C is how the cooperative is stopped: not a failure
trap 'stop; exit 143' TERM
trap stop EXIT

start anvil "$state_dir/anvil.log" anvil --port "$port" --chain-id "$chain_id" --accounts 10 \
  --block-base-fee-per-gas 0 --block-time "${BLOCK_TIME:-2}" \
  --state "$state_dir/anvil-state.json" --state-interval 5
for _ in $(seq 1 50); do
  curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$rpc" && break
  sleep 0.2
done

# The payment token of a new deployment: CURRENCY=USD (tUSD, 6 decimals) or IDR (tIDR, a
# 2-decimal rupiah); the demo is paid in rupiah unless CURRENCY says otherwise.
currency=${CURRENCY:-$([ "${DEMO:-}" = 1 ] && echo IDR || echo USD)}
"$py" -m scripts.local_chain --currency "$currency"
"$py" -c 'from api.db import migrate; from api.settings import get_settings; migrate(get_settings().database_url)' >>"$state_dir/api.log" 2>&1

start api "$state_dir/api.log" "$py" -m uvicorn api.main:create_app --factory \
  --host 127.0.0.1 --port "$api_port"
start indexer "$state_dir/indexer.log" "$lumbung" indexer run
start worker "$state_dir/worker.log" "$lumbung" worker run
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$api/v1/config" && break
  sleep 0.2
done
if ! curl -s -o /dev/null "$api/v1/config"; then
  echo "The API did not start; see $state_dir/api.log" >&2
  exit 1
fi

if [ "${DEMO:-}" = 1 ]; then
  "$py" -m scripts.demo --api "$api"
fi

cat <<EOF_INFO

  Lumbung runs at  $api/   (chain $rpc, chain id $chain_id, a block every ${BLOCK_TIME:-2} s)
  Logs: $state_dir/{anvil,api,indexer,worker}.log      Ctrl-C stops everything.

  Operator (development defaults; set LUMBUNG_ADMIN_TOKEN and LUMBUNG_WEBHOOK_SECRET elsewhere):
    admin token     $(protocol DEV_ADMIN_TOKEN)    (Authorization: Bearer …: POST /v1/orders/{id}/payment marks an order paid)
    webhook secret  $(PYTHONPATH="$root" "$py" -c "from api.settings import DEV_WEBHOOK_SECRET; print(DEV_WEBHOOK_SECRET)")    (the HMAC of payment notices to POST /v1/webhooks/payments)

  Demo accounts (Anvil's well-known development keys; never use them anywhere else):
$(PYTHONPATH="$root" "$py" -m lumbung.devchain)

  Try first: open $api/ , add the network (RPC $rpc, chain id $chain_id) to your wallet,
  import the newcomer key (account 8), connect, and join with a demo voucher. Then contribute a
  file; as the curator (account 2) you can accept it. The producer (account 4) and the steward
  (account 3) show a member's earnings and governance${DEMO:+ on the seeded demo cooperative}.
  Buyers: \`lumbung buyer create NAME\` prints an API key for POST /v1/orders.
EOF_INFO

# Stay up until Ctrl-C, or until one service dies (then stop the others and say which).
set +e
wait -n "${pids[@]}"
for i in "${!pids[@]}"; do
  if [ "$stopping" = 0 ] && ! kill -0 "${pids[$i]}" 2>/dev/null; then
    echo "${names[$i]} stopped unexpectedly; see $state_dir/${names[$i]}.log" >&2
  fi
done
