#!/usr/bin/env bash
# 08-pvcore-unit.sh — host unit tests of the PV core's pure pieces (the #GP/#UD
# instruction decoder, descriptor checks, bounce-frame words, boot-domain
# options): tests/unit/pvcore, built by make tests-build (built here if not).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
bin=$BUILD/tests/unit/pvcore/test-pvcore
if [ ! -x "$bin" ]; then
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/pvcore FLAVOR=host \
        BUILD="$BUILD" >/dev/null 2>&1 || { echo "FAIL: pvcore/build: tests/unit/pvcore did not build"; exit 0; }
fi
"$ROOT/tests/lib/criterion.sh" "$bin" pvcore
