#!/usr/bin/env bash
# Host unit tests of the hypervisor's PV core logic: domains and scheduling,
# event channels, the PV MMU
# (page types, validation), domain memory, grant tables and the control
# interface (domctl, sysctl, platform_op, physdev_op) and device access (I/O
# capabilities, port I/O, PIRQs) — each the real
# hypervisor source compiled against a small harness.  Each is rebuilt
# here first (make is a no-op when up to date), so a run tests the tree.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
for t in evtchn pvmm sched control devices ioapic; do
    log=$BUILD/tests/unit/$t-build.log
    mkdir -p "$(dirname "$log")"
    if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/$t FLAVOR=host \
            BUILD="$BUILD" >"$log" 2>&1; then
        echo "FAIL: $t/build: $(grep -m1 -E 'error|Error' "$log")"
        continue
    fi
    "$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/test-$t" "$t"
done
