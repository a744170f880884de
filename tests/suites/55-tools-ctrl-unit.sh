#!/usr/bin/env bash
# 55-tools-ctrl-unit.sh — Criterion tests of libctrl, the PV domain builder
# and the console daemon (no hypervisor needed): domctl/sysctl layouts vs
# Debian's libxen-dev, errno messages, kernel loading and its cache,
# bootstrap page tables, console ring handling.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
bin=$BUILD/tests/unit/dom0-tools-ctrl/test-ctrl
if [ ! -x "$bin" ]; then
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 &&
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/dom0-tools-ctrl FLAVOR=host BUILD="$BUILD" >&2
fi
exec "$ROOT/tests/lib/criterion.sh" "$bin" tools-ctrl
