# Shared by the testnet scripts: where homes live and how chaind is run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOMES="${TESTNET_HOMES:-$ROOT/testnet/.homes}"
CHAIND_DLL="$ROOT/artifacts/bin/Chain.Node/release/chaind.dll"
chaind() { dotnet "$CHAIND_DLL" "$@"; }
build_chaind() {
  "$ROOT/scripts/ensure-deps.sh"
  echo "Building chaind (Release)..." >&2
  dotnet build "$ROOT/src/Node/Chain.Node.csproj" -c Release -nologo -v quiet >/dev/null || {
    echo "error: build failed; run: dotnet build src/Node -c Release" >&2; exit 1; }
}
# A node's port from its config.toml: section $2's address key.
config_port() { awk -v s="[$2]" '$0==s{g=1;next} /^\[/{g=0} g && /^address/{gsub(/"/,"",$3); n=split($3,a,":"); print a[n]; exit}' "$1/config/config.toml"; }
# The gateway of node i sits two ports above its gRPC port (p2p +0, gRPC +1, metrics +2, gateway +3).
gateway_of() { echo "127.0.0.1:$(( $(config_port "$1" grpc) + 2 ))"; }
# Starts the node of home $1 in the background with its gateway and explorer on, appending to its node.log.
# Two glibc malloc arenas from the first thread on (chaind sets the same limit itself, but only for the threads it
# starts after Main; docs/benchmarks.md, "Memory"), and a 16 MiB first generation for the garbage collector, which
# four nodes sharing one machine's memory want more than the shorter pauses of the runtime's larger default
# (docs/benchmarks.md, "Memory at 2,500 tx/s offered"). An operator's own MALLOC_ARENA_MAX or DOTNET_GCgen0size wins.
start_node() {
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x1000000}" CHAIND_GATEWAY_ENABLED=true CHAIND_GATEWAY_EXPLORER=true CHAIND_GATEWAY_ADDRESS="$(gateway_of "$1")" \
    nohup dotnet "$CHAIND_DLL" start --home "$1" >>"$1/node.log" 2>&1 &
}
