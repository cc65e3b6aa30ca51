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
