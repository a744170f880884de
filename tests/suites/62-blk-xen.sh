#!/usr/bin/env bash
# 62-blk-xen.sh — the PV block backend (pv-drivers/blkback):
#  - host tests (Criterion, tests/unit/pv-drivers): request validation, the
#    ring and I/O paths against a fake grant table and a real image, the
#    xenbus decisions, xl's disk wiring;
#  - a bounded libFuzzer run of the request/ring code (tests/fuzz/blkback);
#  - on the REAL Xen 4.17: boots Debian's xen-hypervisor-4.17-amd64 with
#    Debian's Linux as dom0 in QEMU TCG; in dom0 our xenstored, xenconsoled,
#    xl and blkback serve PV disks to a Debian domU's xen-blkfront
#    (boot/xen-dom0/init-blk.sh lists the checks).  Each check inside dom0
#    becomes one PASS/FAIL line here.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/62-blk-xen.serial.log

make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=pv-drivers FLAVOR=host >&2 ||
    { echo "FAIL: blk-xen: building xenstore/dom0-tools/pv-drivers failed"; exit 0; }
if make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/pv-drivers FLAVOR=host \
        > "$logs/62-unit-build.log" 2>&1; then
    "$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/pv-drivers/test-blkback" blk-unit
else
    echo "FAIL: blk-unit build: $(grep -m1 -E 'error' "$logs/62-unit-build.log")"
fi
"$ROOT/tests/fuzz/blkback/run.sh"

if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: blk-xen qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/blk
if ! "$ROOT/boot/xen-dom0-initramfs.sh" blk "$out" 2>"$logs/62-initramfs.err"; then
    if grep -q "apt-get download" "$logs/62-initramfs.err"; then
        echo "SKIP: blk-xen cannot download Debian's Xen/Linux packages: $(tail -n1 "$logs/62-initramfs.err")"
    else
        echo "FAIL: blk-xen building the dom0 initramfs failed: $(tail -n1 "$logs/62-initramfs.err")"
    fi
    exit 0
fi

verdict=$(python3 "$ROOT/tests/lib/qemu-run.py" --name blk-xen-boot --timeout 1200 \
    --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none \
    -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen,$out/dom0.cpio.gz")

grep -aoE 'T62 (PASS|FAIL): .*' "$serial" | sed -e 's/^T62 //' -e 's/\r$//' -e 's/^\(PASS\|FAIL\): /&blk-xen-/'
grep -aoE 'T62 (guest md5|DOMU-BLK).*' "$serial" | sed 's/^T62 /# /' >&2
echo "$verdict"
exit 0
