#!/usr/bin/env bash
# smp-soak.sh — `make smp-soak` (not in make test): our hypervisor on QEMU
# -smp 2 (multi-threaded TCG), Debian's Linux as dom0 with our toolstack
# (boot/xen-dom0/init-smp.sh, smpmode=soak), 4 domUs of 2 vCPUs each
# (160 MiB) for SOAK_MIN minutes (10), each running integer work, a 48 MiB
# memory toucher that forks, and a console + xenstore tick every 2 s, while
# dom0 writes and reads their xenstore directories and runs xl list /
# vcpu-list.  Then, in dom0: every guest's console tick, xenstore tick and
# memory passes still advance, no guest or dom0 log tells of a crash, a
# lockup or a memory pattern gone wrong, and after `xl destroy` no domain is
# left and `xl info`'s free_memory is back to its value before.  Here: the
# hypervisor's serial log holds no panic, hypervisor exception or crashed
# domain.
# Lines: PASS/FAIL: smp-soak-<check>, and the boot's own verdict line.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
. "$ROOT/tests/lib/smp-image.sh"
mins=${SOAK_MIN:-10}
case $mins in ''|*[!0-9]*) echo "SOAK_MIN must be a number of minutes" >&2; exit 2;; esac
smp_image smp-soak || { echo "FAIL: smp-soak build (see above)"; exit 1; }
serial=$BUILD/test-logs/smp-soak.serial.log
verdict=$(smp_boot ours smp-soak-boot "$serial" $((3600 + 90 * mins)) "" "smpmode=soak soak_min=$mins")
grep -aoE 'T60 (PASS|FAIL): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e 's/^\(PASS\|FAIL\): /&smp-soak-/'
grep -aE 'T60 soak|soak[0-9]-console\||dom0-dmesg\|' "$serial" | sed 's/\r$//' >&2
rc=0
# the hypervisor's own word on what went wrong (docs/smp.md)
if grep -aE 'Panic on CPU|Hypervisor exception|domain_crash|recursive panic' "$serial" >/dev/null; then
    grep -aE 'Panic on CPU|Hypervisor exception|domain_crash|recursive panic' "$serial" | head -n 10 >&2
    echo "FAIL: smp-soak-hypervisor-log-clean (panic or crashed domain in $serial)"; rc=1
else
    echo "PASS: smp-soak-hypervisor-log-clean"
fi
echo "$verdict"
case $verdict in PASS:*) ;; *) rc=1;; esac
exit $rc
