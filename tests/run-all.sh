#!/usr/bin/env bash
# Runs every test suite and prints one summary line.
#
# A suite is an executable tests/suites/NN-name.sh.  It prints one line per
# test case:   PASS: <name> [(time)] | FAIL: <name> [reason] | SKIP: <name> reason
# and exits 0 unless the suite itself broke.  A suite that exits non-zero
# without reporting a failure is counted as one failed case, so a crash in a
# runner can never look like success.  Logs: build/test-logs/<suite>.log.
#
# Usage: tests/run-all.sh [pattern]    (pattern filters suite names)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT BUILD=${BUILD:-$ROOT/build}
logs=$BUILD/test-logs
mkdir -p "$logs"
pat=${1:-}
pass=0 fail=0 skip=0
failed_names=()
start_all=$(date +%s)
for suite in "$ROOT"/tests/suites/*.sh; do
    name=$(basename "$suite" .sh)
    [ -n "$pat" ] && [[ "$name" != *"$pat"* ]] && continue
    echo "=== suite $name"
    t0=$(date +%s.%N)
    "$suite" > >(tee "$logs/$name.log") 2>"$logs/$name.err"
    rc=$?
    sleep 0.1   # let tee flush
    p=$(grep -c '^PASS: ' "$logs/$name.log")
    f=$(grep -c '^FAIL: ' "$logs/$name.log")
    s=$(grep -c '^SKIP: ' "$logs/$name.log")
    while IFS= read -r l; do failed_names+=("$name: ${l#FAIL: }"); done < <(grep '^FAIL: ' "$logs/$name.log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        failed_names+=("$name: suite exited with status $rc (see $logs/$name.err)")
        tail -n 20 "$logs/$name.err" | sed 's/^/    /'
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    printf '=== suite %s: %d passed, %d failed, %d skipped (%.1fs)\n' "$name" "$p" "$f" "$s" \
        "$(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo 0)"
done
echo
if [ ${#failed_names[@]} -gt 0 ]; then
    echo "Failed:"
    printf '  %s\n' "${failed_names[@]}"
fi
echo "total time: $(( $(date +%s) - start_all ))s"
if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
