#!/usr/bin/env bash
# Runs the libelf fuzz targets for a bounded time each (4 s each, about 15 s in all with the build)
# from a generated seed corpus and prints one PASS/FAIL line per target.
# Crash inputs are kept in build/tests/fuzz/libelf/crashes/.
# Called by tests/suites/06-abi-loader-unit.sh; usable on its own.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
SECS=${FUZZ_SECS:-4}
out=$BUILD/tests/fuzz/libelf

if ! command -v clang >/dev/null; then
    echo "SKIP: fuzz-libelf clang not installed (boot/deps.d/abi.list lists it)"
    exit 0
fi
if ! log=$(make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/fuzz/libelf \
           FLAVOR=host BUILD="$BUILD" 2>&1); then
    echo "FAIL: fuzz-libelf build: $(printf '%s' "$log" | grep -m1 -i error)"
    exit 0
fi
mkdir -p "$out/corpus/elf" "$out/corpus/bzimage" "$out/corpus/layout" "$out/crashes"
if ! "$out/mkseeds" "$out/corpus/elf" "$out/corpus/bzimage" "$out/corpus/layout"; then
    echo "FAIL: fuzz-libelf seed corpus generation failed"
    exit 0
fi
for t in elf bzimage layout; do
    t0=$(date +%s.%N)
    if "$out/fuzz_$t" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
           -artifact_prefix="$out/crashes/$t-" "$out/corpus/$t" >"$out/fuzz_$t.log" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$out/fuzz_$t.log" | grep -o '[0-9]*' | tail -1)
        # No run count (or none run): the fuzzer did not really run.
        if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
            echo "FAIL: fuzz-libelf/$t no run count in its summary (log $out/fuzz_$t.log)"
            continue
        fi
        printf 'PASS: fuzz-libelf/%s %s runs (%.1fs)\n' "$t" "$runs" \
            "$(echo "$(date +%s.%N) - $t0" | bc)"
    else
        echo "FAIL: fuzz-libelf/$t crashed: $(grep -m1 -E 'ERROR|runtime error|deadly' "$out/fuzz_$t.log") (log $out/fuzz_$t.log)"
    fi
done
exit 0
