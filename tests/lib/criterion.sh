#!/usr/bin/env bash
# Runs a Criterion test binary and turns its TAP stream into the PASS/FAIL/SKIP
# lines tests/run-all.sh counts.  Criterion's own report goes to stderr.
# Usage: tests/lib/criterion.sh <binary> [prefix]
set -uo pipefail
bin=$1 prefix=${2:-$(basename "$1")}
if [ ! -x "$bin" ]; then
    echo "FAIL: $prefix: test binary $bin was not built"
    exit 0
fi
out=$("$bin" --tap=- --jobs=2 2>/dev/null)
rc=$?
printf '%s\n' "$out" | awk -v p="$prefix" '
    /^ok .*# SKIP/ { sub(/^ok - /, ""); sub(/ *# SKIP.*/, ""); print "SKIP: " p "/" $0 " disabled"; next }
    /^ok /         { sub(/^ok - /, ""); print "PASS: " p "/" $0; next }
    /^not ok /     { sub(/^not ok - /, ""); print "FAIL: " p "/" $0; next }'
n=$(printf '%s\n' "$out" | grep -cE '^(ok|not ok) ')
if [ "$n" -eq 0 ]; then
    echo "FAIL: $prefix: no test ran (exit status $rc)"
elif [ "$rc" -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok '; then
    echo "FAIL: $prefix: binary exited with status $rc after its tests (crash?)"
fi
exit 0
