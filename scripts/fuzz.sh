#!/usr/bin/env bash
# Runs the AFL++ fuzz targets of fuzz/Chain.Fuzz for a bounded time each, then prints each target's figures.
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     (default: all 120)
# Targets: tx envelope frame handshake genesis config (see docs/security.md, "Fuzzing").
# Builds the fuzz project, copies it to fuzz/.out/bin, instruments the chain's assemblies (and the protobuf and TOML
# parsers they call) with SharpFuzz, then runs afl-fuzz per target from its seed corpus fuzz/corpus/TARGET under
# nice -n 19. A second run resumes from fuzz/.out/TARGET. Crashes land in fuzz/.out/TARGET/default/crashes; replay one
# with: dotnet fuzz/.out/bin/chain-fuzz.dll TARGET --replay FILE. Not part of scripts/test.sh.
# FUZZ_SKIP_BUILD=1 reuses fuzz/.out/bin (to run several targets at once from one build).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-all}"
seconds="${2:-120}"
all=(tx envelope frame handshake genesis config)
if [[ "$target" == all ]]; then
    targets=("${all[@]}")
elif [[ " ${all[*]} " == *" $target "* ]]; then
    targets=("$target")
else
    echo "unknown target '$target' (one of: ${all[*]}, all)" >&2
    exit 2
fi

if ! command -v afl-fuzz >/dev/null; then
    echo "afl-fuzz is missing: installing Debian's afl++" >&2
    apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
fi

out=fuzz/.out
bin="$out/bin"
if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
    dotnet tool restore >/dev/null
    nice -n 19 dotnet build fuzz/Chain.Fuzz -c Release -v quiet -nologo
    rm -rf "$bin"
    mkdir -p "$bin"
    cp -r artifacts/bin/Chain.Fuzz/release/. "$bin/"
    # The assemblies whose branches AFL sees: the chain's own and the parsers its decoders hand bytes to.
    for dll in "$bin"/Chain.*.dll "$bin"/chaind.dll "$bin"/Google.Protobuf.dll "$bin"/Tomlyn.dll; do
        dotnet sharpfuzz "$dll" >/dev/null
    done
fi

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
    AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0

for t in "${targets[@]}"; do
    mkdir -p "$out/$t"
    echo "== $t: afl-fuzz for $seconds s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    nice -n 19 afl-fuzz -V "$seconds" -t 10000 -m none -i fuzz/corpus/"$t" -o "$out/$t" \
        -- dotnet "$bin/chain-fuzz.dll" "$t" > "$out/$t/afl.log" 2>&1 || { tail -20 "$out/$t/afl.log"; exit 1; }
done

echo
printf '%-10s %12s %9s %8s %6s %8s %s\n' target executions exec/s crashes hangs "run s" "load average at the end"
for t in "${targets[@]}"; do
    stats="$out/$t/default/fuzzer_stats"
    value() { sed -n "s/^$1 *: *//p" "$stats"; }
    printf '%-10s %12s %9s %8s %6s %8s %s\n' "$t" "$(value execs_done)" "$(value execs_per_sec)" \
        "$(value saved_crashes)" "$(value saved_hangs)" "$(value run_time)" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
