#!/usr/bin/env bash
# 55-tools-ctrl-unit.sh — Criterion tests of libctrl, the PV domain builder
# and the console daemon (no hypervisor needed): errno messages, kernel
# loading and its cache, bootstrap page tables, console ring handling.
# (The domctl/sysctl layouts are checked by tests/unit/abi, suite 06.)
# Always runs make (a no-op when up to date), so the run tests the tree.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
bin=$BUILD/tests/unit/dom0-tools-ctrl/test-ctrl
if ! { make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host BUILD="$BUILD" >&2 &&
       make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host BUILD="$BUILD" >&2 &&
       make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/dom0-tools-ctrl FLAVOR=host BUILD="$BUILD" >&2; }; then
    echo "FAIL: tools-ctrl/build make failed (output above)"
    exit 1
fi
exec "$ROOT/tests/lib/criterion.sh" "$bin" tools-ctrl
