#!/usr/bin/env bash
# Starts a local testnet of N validators (default 4, or $VALIDATORS) on loopback and waits until every node
# commits blocks. Homes live in testnet/.homes/node0..nodeN-1 (made by `chaind testnet init` on first run and
# kept across runs; ./testnet/wipe.sh starts over). Node i listens for peers on 26600+10i, gRPC on +1,
# metrics on +2, and serves the REST gateway with the explorer page on +3 ($BASE_PORT moves the block).
#   ./testnet/start.sh            start (init if needed)
#   ./testnet/status.sh | logs.sh [nodeI] | stop.sh | wipe.sh | perturb.sh | load.sh (see docs/benchmarks.md)
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_chaind

VALIDATORS="${VALIDATORS:-4}"
BASE_PORT="${BASE_PORT:-26600}"
if [ ! -f "$HOMES/node0/config/genesis.json" ]; then
  mkdir -p "$HOMES"
  chaind testnet init --validators "$VALIDATORS" --output "$HOMES" --base-port "$BASE_PORT" --chain-id chain-testnet
fi

count=0
for home in "$HOMES"/node*/; do
  home="${home%/}"
  name=$(basename "$home")
  count=$((count + 1))
  if [ -f "$home/node.pid" ] && kill -0 "$(cat "$home/node.pid")" 2>/dev/null; then
    echo "$name is already running (pid $(cat "$home/node.pid"))"
  else
    start_node "$home"
    echo $! >"$home/node.pid"
    echo "Started $name (pid $!), log: $home/node.log"
  fi
done

height_of() { chaind status --home "$1" --output json 2>/dev/null | grep -o '"latest_height": *"[0-9]*"' | grep -o '[0-9]*' || echo 0; }

for _ in $(seq 1 240); do
  ready=0
  for home in "$HOMES"/node*/; do
    home="${home%/}"
    if ! kill -0 "$(cat "$home/node.pid")" 2>/dev/null; then
      echo "error: $(basename "$home") exited; last log lines:" >&2
      tail -n 20 "$home/node.log" >&2
      exit 1
    fi
    h=$(height_of "$home")
    [ "${h:-0}" -ge 2 ] && ready=$((ready + 1))
  done
  if [ "$ready" -eq "$count" ]; then
    echo "All $count nodes are committing blocks: node0 at height $(height_of "$HOMES/node0")"
    grpc=$(awk '/^\[grpc\]/{g=1;next} /^\[/{g=0} g && /^address/{gsub(/"/,"",$3); print $3; exit}' "$HOMES/node0/config/config.toml")
    echo "node0 gRPC on $grpc; each node's funded key 'validator' is in its home's keyring"
    for home in "$HOMES"/node*/; do
      home="${home%/}"
      echo "$(basename "$home"): REST gateway http://$(gateway_of "$home")/  explorer http://$(gateway_of "$home")/explorer/  (docs/gateway.md, docs/explorer.md)"
    done
    echo "Try: dotnet $CHAIND_DLL query bank balance \$(dotnet $CHAIND_DLL keys show validator --address --home $HOMES/node0) --home $HOMES/node0"
    exit 0
  fi
  sleep 0.5
done
echo "error: the nodes did not all commit blocks within 120 s; see ./testnet/logs.sh node0" >&2
exit 1
