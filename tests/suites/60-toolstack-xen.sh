#!/usr/bin/env bash
# 60-toolstack-xen.sh — our dom0 toolstack on the REAL Xen 4.17: boots
# Debian's xen-hypervisor-4.17-amd64 with Debian's Linux as dom0 in QEMU
# TCG; in dom0 our xenstored, xenconsoled and xl create a Debian PV domU,
# list/pause/unpause/console/shutdown it, destroy a second one, check that
# free memory comes back, and reject four bad configurations.
# Each check inside the guest becomes one PASS/FAIL line here.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/60-toolstack-xen.serial.log

if [ ! -x "$BUILD/dom0-tools/bin/xl" ] || [ ! -x "$BUILD/dom0-tools/xenconsoled" ]; then
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 ||
        { echo "FAIL: toolstack-xen: building dom0-tools failed"; exit 0; }
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: toolstack-xen qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/test
if ! "$ROOT/boot/xen-dom0-initramfs.sh" test "$out" 2>"$logs/60-initramfs.err"; then
    if grep -q "apt-get download" "$logs/60-initramfs.err"; then
        echo "SKIP: toolstack-xen cannot download Debian's Xen/Linux packages: $(tail -n1 "$logs/60-initramfs.err")"
    else
        echo "FAIL: toolstack-xen building the dom0 initramfs failed: $(tail -n1 "$logs/60-initramfs.err")"
    fi
    exit 0
fi

# TOOLSTACK_HOSTILE=1 and TOOLSTACK_ONLY=loop (with TOOLSTACK_LOOP=N) as in
# suite 61: the same hostile-guest checks, on Xen 4.17.
args=
[ "${TOOLSTACK_HOSTILE:-0}" = 1 ] && args+=" toolstack_hostile=1"
[ -n "${TOOLSTACK_ONLY:-}" ] && args+=" toolstack_only=$TOOLSTACK_ONLY"
[ -n "${TOOLSTACK_LOOP:-}" ] && args+=" toolstack_loop=$TOOLSTACK_LOOP"
verdict=$(python3 "$ROOT/tests/lib/qemu-run.py" --name toolstack-xen-boot --timeout $((3000 + ${TOOLSTACK_HOSTILE:-0} * 1800)) \
    --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none \
    -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen$args,$out/dom0.cpio.gz")

# Per-check lines from inside dom0 ("(XEN) " or kernel prefixes may precede them).
grep -aoE 'T60 (PASS|FAIL): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e 's/^\(PASS\|FAIL\): /&xen-/'
grep -aoE 'T60 (xl create|marker|shutdown|free_memory|hostile|xenconsoled).*' "$serial" | sed 's/^T60 /# /' >&2
echo "$verdict"
exit 0
