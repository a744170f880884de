#!/usr/bin/env bash
# 05-hypervisor-unit: the hypervisor's generic code on the host.
#  - Criterion tests (tests/unit/hypervisor) of lib/printf, multiboot1/2,
#    command line, buddy allocator, xenheap, xmalloc and timers, compiled
#    from the real hypervisor/common sources;
#  - bounded libFuzzer runs (tests/fuzz/hypervisor) of the multiboot and
#    command-line parsers, FUZZ_SECONDS each (default 10).
# Longer fuzzing on demand, e.g. an hour per target:
#     FUZZ_SECONDS=3600 tests/run-all.sh 05-hypervisor-unit
# The corpus grows in build/tests/fuzz/hypervisor/corpus-*/ across runs;
# crashing inputs land in build/tests/fuzz/hypervisor/artifacts/ (reproduce
# with: build/tests/fuzz/hypervisor/fuzz-<name> <artifact>).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
cd "$ROOT"

# Cheap when `make tests-build` already built it.
if ! make -s --no-print-directory -f Rules.mk obj=tests/unit/hypervisor FLAVOR=host \
        BUILD="$BUILD" >"$BUILD/hv-unit-build.log" 2>&1; then
    echo "FAIL: hv/build: unit tests do not build: $(grep -m1 -E 'error' "$BUILD/hv-unit-build.log")"
else
    "$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/hypervisor/test-hypervisor" hv
fi

fuzz_dir=$BUILD/tests/fuzz/hypervisor
if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    for t in multiboot cmdline; do
        echo "SKIP: fuzz/$t clang or libclang-rt-14-dev missing (run make deps)"
    done
    exit 0
fi
if ! make -s --no-print-directory -f Rules.mk obj=tests/fuzz/hypervisor FLAVOR=host \
        BUILD="$BUILD" >"$BUILD/hv-fuzz-build.log" 2>&1; then
    for t in multiboot cmdline; do
        echo "FAIL: fuzz/$t does not build: $(grep -m1 -E 'error' "$BUILD/hv-fuzz-build.log")"
    done
    exit 0
fi
python3 "$ROOT/tests/fuzz/hypervisor/mkseeds.py" "$fuzz_dir/seeds"
mkdir -p "$fuzz_dir/artifacts"
for t in multiboot cmdline; do
    corpus=$fuzz_dir/corpus-$t
    mkdir -p "$corpus"
    log=$fuzz_dir/fuzz-$t.log
    t0=$(date +%s)
    timeout $((FUZZ_SECONDS + 120)) "$fuzz_dir/fuzz-$t" -max_total_time="$FUZZ_SECONDS" \
        -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$fuzz_dir/artifacts/$t-" "$corpus" "$fuzz_dir/seeds/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    if [ "$rc" -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
        echo "PASS: fuzz/$t ($runs inputs in $(( $(date +%s) - t0 ))s, no crash)"
    else
        why=$(grep -m1 -E 'ERROR|invariant broken|panic|Test unit written' "$log")
        echo "FAIL: fuzz/$t exit $rc: ${why:-see $log}"
    fi
done
exit 0
