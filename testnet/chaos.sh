#!/usr/bin/env bash
# Perturbation runs: fresh networks of real validator processes, each in its own network namespace when run as root
# (made and deleted inside the run), with seeded faults (kill -9, SIGSTOP/SIGCONT, restart, partitions, clock skew,
# a double-signer) while transfers flow, then safety and liveness checks. See docs/security.md, "Perturbation runs".
#
#   ./testnet/chaos.sh [--runs N] [--seed S] [--seconds S] [--validators N] [--netns auto|on|off] [--no-clock-skew]
#                      [--senders N] [--liveness-bound S] [--keep]
#
# Run k uses seed S + k (the same seed draws the same faults). Each run's result is a line of $CHAOS_OUT/runs.jsonl
# (default testnet/.chaos); a run that finds a violation keeps its homes and logs there. Exit code 1 if any did.
set -euo pipefail
source "$(dirname "$0")/common.sh"
OUT="${CHAOS_OUT:-$ROOT/testnet/.chaos}"
"$ROOT/scripts/ensure-deps.sh"
echo "Building the perturbation runner and chaind (Release)..." >&2
dotnet build "$ROOT/testnet/chaos/Chain.Chaos.csproj" -c Release -nologo -v quiet >/dev/null || {
  echo "error: build failed; run: dotnet build testnet/chaos -c Release" >&2; exit 1; }
# A private copy, so that rebuilding the tree during a long batch changes nothing under it.
mkdir -p "$OUT"
rm -rf "$OUT/bin"
cp -r "$ROOT/artifacts/bin/Chain.Chaos/release" "$OUT/bin"
exec dotnet "$OUT/bin/chaos.dll" --chaind "$OUT/bin/chaind.dll" --out "$OUT" "$@"
