#!/usr/bin/env bash
# Host unit tests of the hypervisor's PV core logic: domains and scheduling,
# event channels, the PV MMU
# (page types, validation), domain memory, grant tables and the control
# interface (domctl, sysctl, platform_op, physdev_op) — each the real
# hypervisor source compiled against a small harness (make tests-build).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
for t in evtchn pvmm sched control; do
    "$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/test-$t" "$t"
done
