#!/usr/bin/env bash
# 63-net-xen.sh — the network backend on the REAL Xen 4.17: boots Debian's
# xen-hypervisor-4.17-amd64 with Debian's Linux as dom0 in QEMU TCG; in dom0
# netbackd serves Debian domUs' xen-netfront through taps on bridges, our
# xl writes the vif nodes and runs the vif-bridge hotplug script
# (boot/xen-dom0/init-net.sh): ping and 4 MiB TCP transfers with md5 both
# ways, two domUs across the bridge, network-attach/-detach while running,
# a frontend with bad grants, teardown.  Each check inside dom0 becomes one
# PASS/FAIL line here.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/63-net-xen.serial.log

# every suite builds what it runs
for c in xenstore dom0-tools pv-drivers; do
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=$c FLAVOR=host >&2 ||
        { echo "FAIL: net-xen: building $c failed"; exit 0; }
done
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: net-xen qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/net
if ! "$ROOT/boot/xen-dom0-initramfs.sh" net "$out" 2>"$logs/63-initramfs.err"; then
    if grep -q "apt-get download" "$logs/63-initramfs.err"; then
        echo "SKIP: net-xen cannot download Debian's Xen/Linux packages: $(tail -n1 "$logs/63-initramfs.err")"
    else
        echo "FAIL: net-xen building the dom0 initramfs failed: $(tail -n1 "$logs/63-initramfs.err")"
    fi
    exit 0
fi

t0=$(date +%s)
verdict=$(python3 "$ROOT/tests/lib/qemu-run.py" --name net-xen-boot --timeout 1200 \
    --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none \
    -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen,$out/dom0.cpio.gz")

grep -aoE 'T63 (PASS|FAIL): .*' "$serial" | sed -e 's/^T63 //' -e 's/\r$//' -e 's/^\(PASS\|FAIL\): /&net-xen-/'
grep -aoE 'T63 (xl create|dom0->domU|domU->dom0|netb generated|bad-grant|DOMU-NET).*' "$serial" | sed 's/^T63 /# /' >&2
echo "# net-xen: $(( $(date +%s) - t0 ))s in QEMU" >&2
echo "$verdict"
exit 0
