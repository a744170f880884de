#!/usr/bin/env bash
# Runs the netback fuzz target for a bounded number of inputs (FUZZ_RUNS,
# default 200000: ~10-20 s) from a generated seed corpus and prints one
# PASS/FAIL/SKIP line.  Crash inputs are kept in build/tests/fuzz/netback/crashes/.
# Called by tests/suites/57-net-unit.sh; usable on its own.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUNS=${FUZZ_RUNS:-200000}
out=$BUILD/tests/fuzz/netback

if ! command -v clang >/dev/null; then
    echo "SKIP: fuzz-netback clang not installed (boot/deps.d/abi.list lists it)"
    exit 0
fi
if ! log=$(make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/fuzz/netback \
           FLAVOR=host BUILD="$BUILD" 2>&1); then
    echo "FAIL: fuzz-netback build: $(printf '%s' "$log" | grep -m1 -i error)"
    exit 0
fi
mkdir -p "$out/corpus" "$out/crashes"
# seeds: a one-slot frame, a three-slot chain with a GSO extra, a TCP frame
python3 - "$out/corpus" <<'PY'
import struct, sys, os
d = sys.argv[1]
def req(gref, off, flags, rid, size): return struct.pack('<IHHHH', gref, off, flags, rid, size)
def gso(size, t=1, more=0): return struct.pack('<BBHBBH', 1, more, size, t, 0, 0)
tcp = bytes(12) + b'\x08\x00' + bytes([0x45, 0, 0, 46]) + bytes(5) + b'\x06' + bytes(10) + bytes(12) + b'\x50\x18' + bytes(6) + bytes(12)
seeds = {
  'one': bytes([1]) + req(1, 0, 0, 1, 60) + tcp,
  'chain': bytes([4]) + req(1, 0, 0xd, 1, 9000) + gso(1448) + req(2, 0, 4, 2, 4096) + req(3, 0, 0, 3, 4000) + tcp,
  'two': bytes([2]) + req(1, 0, 1, 1, 60) + req(2, 0, 2, 2, 60) + tcp,
}
for k, v in seeds.items():
    open(os.path.join(d, k), 'wb').write(v)
PY
t0=$(date +%s.%N)
if "$out/fuzz_netback" -runs="$RUNS" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
       -artifact_prefix="$out/crashes/" "$out/corpus" > "$out/fuzz.log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$out/fuzz.log" | grep -o '[0-9]*' | tail -1)
    printf 'PASS: fuzz-netback/tx-parser %s runs (%.1fs)\n' "${runs:-?}" "$(echo "$(date +%s.%N) - $t0" | bc)"
else
    echo "FAIL: fuzz-netback/tx-parser crashed: $(grep -m1 -E 'ERROR|runtime error|deadly' "$out/fuzz.log") (log $out/fuzz.log)"
fi
exit 0
