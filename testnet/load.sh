#!/usr/bin/env bash
# Load generator for the local testnet (bench/Chain.LoadGen; figures in docs/benchmarks.md, "Load generator").
#
#   ./testnet/load.sh fund [--accounts N]      before the first start: init the homes if needed, then add N funded
#                                              load accounts (default 4000) to every node's genesis
#   ./testnet/load.sh [run] [flags]            send transfers to the running testnet and print the report
#   ./testnet/load.sh report FILE.json [--html OUT]
#                                              render the JSON report of an earlier run as an HTML page with plots
#                                              [OUT: FILE with the extension .html]
#
# run flags (defaults in brackets):
#   --rate R            offered load in tx/s [500]
#   --duration S        seconds of sending [30]
#   --accounts N        load accounts that send, at most the number funded [4000]
#   --nodes A,B,...     gRPC addresses to send to, account i to node i mod N [every node's, from its config.toml]
#   --watch A           node whose committed blocks time the txs [the first of --nodes]
#   --json FILE         also write the report with per-second and per-block series, and FILE.html beside it: a
#                       self-contained page with the summary, the options and plots (docs/benchmarks.md)
#   --html FILE         write the HTML page here instead (also without --json)
#   --gas G, --fee F    gas limit [100000] and fee in uchn [gas x 0.01] per tx
#   --max-in-flight N   BroadcastTx calls in flight at most [4000]
#   --batch N           most txs per call: 1 sends one BroadcastTx per tx, more sends BroadcastTxs batches with
#                       one call in flight per node [1]; docs/benchmarks.md measures with --batch 1000
#   --drain S           stop waiting for commits after S s without one [30]
#
# A full measurement from scratch:
#   ./testnet/wipe.sh && ./testnet/load.sh fund && ./testnet/start.sh && ./testnet/load.sh --rate 1000 --duration 60
set -euo pipefail
source "$(dirname "$0")/common.sh"
LOADGEN_DLL="$ROOT/artifacts/bin/Chain.LoadGen/release/loadgen.dll"

build_loadgen() {
  "$ROOT/scripts/ensure-deps.sh"
  echo "Building loadgen and chaind (Release)..." >&2
  dotnet build "$ROOT/bench/Chain.LoadGen/Chain.LoadGen.csproj" -c Release -nologo -v quiet >/dev/null || {
    echo "error: build failed; run: dotnet build bench/Chain.LoadGen -c Release" >&2; exit 1; }
}

grpc_of() { awk '/^\[grpc\]/{g=1;next} /^\[/{g=0} g && /^address/{gsub(/"/,"",$3); print $3; exit}' "$1/config/config.toml"; }

action="run"
case "${1:-}" in
  fund|run|report) action="$1"; shift ;;
  -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
esac

build_loadgen
if [ "$action" = "fund" ]; then
  if [ ! -f "$HOMES/node0/config/genesis.json" ]; then
    mkdir -p "$HOMES"
    chaind testnet init --validators "${VALIDATORS:-4}" --output "$HOMES" --base-port "${BASE_PORT:-26600}" --chain-id chain-testnet
  fi
  exec dotnet "$LOADGEN_DLL" fund --homes "$HOMES" "$@"
fi
if [ "$action" = "report" ]; then
  exec dotnet "$LOADGEN_DLL" report "$@"
fi

args=("$@")
if [[ " ${args[*]} " != *" --nodes "* ]]; then
  nodes=""
  for home in "$HOMES"/node*/; do
    [ -f "$home/config/config.toml" ] || continue
    nodes="${nodes:+$nodes,}$(grpc_of "${home%/}")"
  done
  [ -n "$nodes" ] || { echo "error: no testnet homes in $HOMES; run ./testnet/load.sh fund, then ./testnet/start.sh" >&2; exit 2; }
  args+=(--nodes "$nodes")
fi
exec dotnet "$LOADGEN_DLL" run "${args[@]}"
