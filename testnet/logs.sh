#!/usr/bin/env bash
# Follows the logs of a testnet node (default node0).
set -euo pipefail
source "$(dirname "$0")/common.sh"
exec tail -n 50 -f "$HOMES/${1:-node0}/node.log"
