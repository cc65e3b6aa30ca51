#!/usr/bin/env bash
# Starts a local testnet and waits until it commits blocks.
# Until peer-to-peer networking lands this is one validator (node0), which commits a block through the
# BFT engine every timeout_commit; its home is testnet/.homes/node0 (created on first run, kept across runs).
#   ./testnet/start.sh            start (init if needed)
#   ./testnet/status.sh | logs.sh | stop.sh | wipe.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_chaind

HOME0="$HOMES/node0"
if [ ! -f "$HOME0/config/genesis.json" ]; then
  mkdir -p "$HOMES"
  chaind init --home "$HOME0" --moniker node0 --chain-id chain-testnet >/dev/null
  # Faster blocks for local work.
  sed -i 's/^timeout_commit = .*/timeout_commit = "500ms"/' "$HOME0/config/config.toml"
  echo "Initialised $HOME0"
fi

if [ -f "$HOME0/node.pid" ] && kill -0 "$(cat "$HOME0/node.pid")" 2>/dev/null; then
  echo "node0 is already running (pid $(cat "$HOME0/node.pid"))"
else
  nohup dotnet "$CHAIND_DLL" start --home "$HOME0" >>"$HOME0/node.log" 2>&1 &
  echo $! >"$HOME0/node.pid"
  echo "Started node0 (pid $!), log: $HOME0/node.log"
fi

for _ in $(seq 1 120); do
  if h=$(chaind status --home "$HOME0" --output json 2>/dev/null | grep -o '"latest_height": *"[0-9]*"' | grep -o '[0-9]*'); then
    if [ "${h:-0}" -ge 2 ]; then
      echo "Committing blocks: height $h"
      grpc=$(awk '/^\[grpc\]/{g=1;next} /^\[/{g=0} g && /^address/{gsub(/"/,"",$3); print $3; exit}' "$HOME0/config/config.toml")
      echo "gRPC on $grpc; funded key 'validator' in $HOME0/keyring"
      echo "Try: dotnet $CHAIND_DLL query bank balance \$(dotnet $CHAIND_DLL keys show validator --address --home $HOME0) --home $HOME0"
      exit 0
    fi
  fi
  if ! kill -0 "$(cat "$HOME0/node.pid")" 2>/dev/null; then
    echo "error: node0 exited; last log lines:" >&2
    tail -n 20 "$HOME0/node.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "error: node0 did not commit blocks within 60 s; see $HOME0/node.log" >&2
exit 1
