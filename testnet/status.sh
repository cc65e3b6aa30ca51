#!/usr/bin/env bash
# Shows each testnet node's status.
set -euo pipefail
source "$(dirname "$0")/common.sh"
for home in "$HOMES"/*/; do
  [ -d "$home" ] || continue
  echo "== $(basename "$home")"
  chaind status --home "$home" || true
done
