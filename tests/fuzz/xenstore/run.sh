#!/usr/bin/env bash
# Run the xenstored parser/dispatcher fuzz target for a bounded time.
# usage: tests/fuzz/xenstore/run.sh [seconds]   (default 30; e.g. 3600 on demand)
# Works on a copy of the seed corpus in build/; crashes are written to
# build/tests/fuzz/xenstore/crashes/ and make the script exit 1.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
secs=${1:-30}
bin=$BUILD/tests/unit/xenstore/fuzz-xenstore
work=$BUILD/tests/fuzz/xenstore
[ -x "$bin" ] || { echo "fuzz target $bin not built (needs clang with libFuzzer)"; exit 2; }
mkdir -p "$work/corpus" "$work/crashes"
cp -n "$ROOT"/tests/fuzz/xenstore/corpus/* "$work/corpus/" 2>/dev/null
"$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$work/corpus" > "$work/fuzz.log" 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$work/fuzz.log" | tail -3
exit $rc
