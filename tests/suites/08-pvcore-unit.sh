#!/usr/bin/env bash
# 08-pvcore-unit.sh — host unit tests of the PV core's pure pieces (the #GP/#UD
# instruction decoder, descriptor checks, bounce-frame words, boot-domain
# options): tests/unit/pvcore, rebuilt here first (a no-op when up to date).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
bin=$BUILD/tests/unit/pvcore/test-pvcore
log=$BUILD/tests/unit/pvcore-build.log
mkdir -p "$(dirname "$log")"
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/pvcore FLAVOR=host \
    BUILD="$BUILD" >"$log" 2>&1 ||
    { echo "FAIL: pvcore/build: $(grep -m1 -E 'error|Error' "$log")"; exit 0; }
"$ROOT/tests/lib/criterion.sh" "$bin" pvcore
