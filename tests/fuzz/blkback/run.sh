#!/usr/bin/env bash
# Runs the blkback fuzz target for a bounded number of inputs (FUZZ_RUNS,
# default 30000; at most FUZZ_SECS seconds, default 60) and prints one
# PASS/FAIL/SKIP line.  The corpus grows in build/tests/fuzz/blkback/corpus;
# crashing inputs land in build/tests/fuzz/blkback/crashes/ (reproduce with
# build/tests/fuzz/blkback/fuzz-blkback <file>).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUNS=${FUZZ_RUNS:-30000}
SECS=${FUZZ_SECS:-60}
out=$BUILD/tests/fuzz/blkback
if ! command -v clang >/dev/null ||
   ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    echo "SKIP: blk-fuzz clang or libclang-rt-14-dev missing (run make deps)"
    exit 0
fi
if ! log=$(make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/fuzz/blkback \
           FLAVOR=host BUILD="$BUILD" 2>&1); then
    echo "FAIL: blk-fuzz build: $(printf '%s' "$log" | grep -m1 -i error)"
    exit 0
fi
mkdir -p "$out/corpus" "$out/crashes"
t0=$(date +%s)
timeout $((SECS + 120)) "$out/fuzz-blkback" -runs="$RUNS" -max_total_time="$SECS" \
    -max_len=20000 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/" "$out/corpus" > "$out/fuzz.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$out/fuzz.log" | tail -1)
if [ "$rc" -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
    echo "PASS: blk-fuzz/request-ring ($runs inputs in $(( $(date +%s) - t0 ))s, no crash)"
else
    why=$(grep -m1 -E 'ERROR|invariant broken|Test unit written' "$out/fuzz.log")
    echo "FAIL: blk-fuzz/request-ring exit $rc: ${why:-see $out/fuzz.log}"
fi
exit 0
