#!/usr/bin/env bash
# Suite 57: the network backend without a hypervisor.
#  - tests/unit/pv-drivers test-netback (Criterion): netbackd's tx slot
#    parser, checksum/GSO translation, xenbus state machine, its data path
#    (pv-drivers/netback/vif.c) against fake gntdev/evtchn devices and a
#    socketpair tap, and xl's vif node wiring and network-list format;
#  - a bounded fuzz run of the tx parser (tests/fuzz/netback/run.sh).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
cd "$ROOT" || exit 1

for d in xenstore dom0-tools pv-drivers tests/unit/pv-drivers; do
    if ! log=$(make -s --no-print-directory -f Rules.mk obj="$d" FLAVOR=host BUILD="$BUILD" 2>&1); then
        echo "FAIL: net-unit/build-$d $(printf '%s' "$log" | grep -m1 -iE 'error|No rule')"
    fi
done
"$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/pv-drivers/test-netback" net-unit
"$ROOT/tests/fuzz/netback/run.sh"
exit 0
