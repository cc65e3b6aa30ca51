#!/usr/bin/env bash
# Stops every running testnet node (SIGTERM, then SIGKILL after 10 s).
set -euo pipefail
source "$(dirname "$0")/common.sh"
for pidfile in "$HOMES"/*/node.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped $(basename "$(dirname "$pidfile")") (pid $pid)"
  fi
  rm -f "$pidfile"
done
