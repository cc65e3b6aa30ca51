#!/usr/bin/env bash
# Runs every test project of Chain.sln N times, to find tests that fail only now and then:
#   ./scripts/flaky.sh N [dotnet test arguments, e.g. --filter P2p]
# Builds once in Release, then prints one line per run (its number, wall time, passed and failed tests)
# and at the end every test that failed in any run with how many times, or "no test failed in N runs".
# Exits non-zero when the build failed, a test failed, or a run failed without a failed test (a crash).
# When one did, the console output and TRX files of every run are kept, and the end says where.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 N [dotnet test arguments]   (N: how many runs, 1 or more)" >&2
  exit 2
fi
runs=$1
shift

./scripts/ensure-deps.sh || exit 1

results=$(mktemp -d -t chain-flaky.XXXXXX)
keep=0
trap '[ "$keep" -eq 1 ] || rm -rf "$results"' EXIT

if ! dotnet build Chain.sln -c Release -nologo -v quiet >"$results/build.log" 2>&1; then
  grep -E "error" "$results/build.log" >&2 || tail -n 20 "$results/build.log" >&2
  echo "build failed" >&2
  exit 1
fi

# One line per test result in the TRX files of a run: "<outcome>\t<test name>".
results_of() {
  awk '
    function attr(rec, name,    at) {
      if (!match(rec, " " name "=\"[^\"]*\"")) return ""
      at = substr(rec, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
      gsub(/&quot;/, "\"", at); gsub(/&apos;/, "'\''", at); gsub(/&lt;/, "<", at); gsub(/&gt;/, ">", at); gsub(/&amp;/, "\\&", at)
      return at
    }
    /^UnitTestResult / { print attr($0, "outcome") "\t" attr($0, "testName") }
  ' RS='<' "$@"
}

failures="$results/failures"
: >"$failures"
for run in $(seq 1 "$runs"); do
  dir="$results/run$run"
  mkdir -p "$dir"
  start=$(date +%s.%N)
  dotnet test Chain.sln -c Release --no-build -nologo --logger trx --results-directory "$dir" "$@" >"$dir/console.log" 2>&1
  status=$?
  end=$(date +%s.%N)

  shopt -s nullglob
  trx=("$dir"/*.trx)
  shopt -u nullglob
  if [ ${#trx[@]} -gt 0 ]; then
    results_of "${trx[@]}" >"$dir/results.tsv"
  else
    : >"$dir/results.tsv"
  fi
  passed=$(grep -c '^Passed	' "$dir/results.tsv")
  failed=$(grep -c '^Failed	' "$dir/results.tsv")
  skipped=$(grep -c '^NotExecuted	' "$dir/results.tsv")
  grep '^Failed	' "$dir/results.tsv" | cut -f2- >>"$failures"

  note=""
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # A test host that crashed, no test assembly, a bad argument: the run failed without a failed test.
    echo "(run failed without a failed test, dotnet test status $status)" >>"$failures"
    note=" (dotnet test exited with $status: see $dir/console.log)"
  fi
  if [ "$failed" -gt 0 ] || [ -n "$note" ]; then
    keep=1
  elif [ $((passed + skipped)) -eq 0 ]; then
    note=" (no test ran: does the filter match any?)"
  fi

  line=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  if [ "$skipped" -gt 0 ]; then
    echo "run $run/$runs: $line s, $passed passed, $failed failed, $skipped skipped$note"
  else
    echo "run $run/$runs: $line s, $passed passed, $failed failed$note"
  fi
done

runs_text="$runs runs"
[ "$runs" -eq 1 ] && runs_text="1 run"
echo
if [ ! -s "$failures" ]; then
  echo "no test failed in $runs_text"
  exit 0
fi

echo "failed in $runs_text (times, test):"
sort "$failures" | uniq -c | sort -k1,1nr -k2 | awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%6d  %s\n", n, $0 }'
echo "console output and TRX files of each run: $results"
exit 1
