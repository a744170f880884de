#!/usr/bin/env bash
# Runs every benchmark script tests/bench/NN-name.sh in order.  Each prints its
# own table: our figure, the reference measured in the same run, the ratio.
# Usage: tests/bench/run-all.sh [pattern]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ROOT BUILD=${BUILD:-$ROOT/build}
pat=${1:-}
rc=0
for b in "$ROOT"/tests/bench/[0-9]*.sh; do
    [ -e "$b" ] || continue
    name=$(basename "$b" .sh)
    [ -n "$pat" ] && [[ "$name" != *"$pat"* ]] && continue
    echo "=== bench $name"
    "$b" || { echo "bench $name failed (status $?)"; rc=1; }
done
exit $rc
