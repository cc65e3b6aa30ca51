#!/usr/bin/env bash
# Stops the testnet and deletes every node home (keys, genesis, chain data).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$(dirname "$0")/stop.sh"
rm -rf "$HOMES"
echo "wiped $HOMES"
