#!/usr/bin/env bash
# Runs every test project of Chain.sln and ends with the totals on a line of their own:
#   N passed, N failed[, N skipped]
# Extra arguments go to `dotnet test` (e.g. --filter). Long simulator runs: see docs/consensus.md.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-deps.sh || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build Chain.sln -c Release -nologo -v quiet 2>&1 | tee -a "$log" | grep -E "error|warn" || true
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Chain.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 22, Skipped: 0, Total: 22, ..."
read -r passed failed skipped assemblies < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i+1))
      if ($i == "Failed:")  f += $(i+1)
      if ($i == "Passed:")  p += $(i+1)
      if ($i == "Skipped:") s += $(i+1)
    }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the run failed without a test failing (crash, no tests, build error)
fi
echo "test assemblies: $assemblies"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
