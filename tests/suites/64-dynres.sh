#!/usr/bin/env bash
# 64-dynres.sh — dynamic resources, on OUR hypervisor and on the REAL Xen
# 4.17 side by side (one QEMU each, run at the same time, -smp 1 so the
# pair takes two host CPUs): in the toolstack test image (Debian's Linux
# as dom0 with our xenstored, xenconsoled and xl) boot/xen-dom0/init-mem.sh
# balloons a Debian PV guest down and up with xl mem-set (MemTotal on its
# console, xl list, free_memory), checks the refusals, xl mem-max, xl top
# -b and its SVG plot, takes memory from dom0 for a guest that did not fit
# and lets xl create's autoballoon do it.  Xen is the oracle: each check
# must pass on both.  Every check becomes "PASS/FAIL: ours-<check>" or
# "xen-<check>"; each boot passes only with a SUCCESS verdict.
# DYNRES_XEN=0 leaves the Xen run out (with a SKIP line).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"

# Every suite builds what it runs: the hypervisor and the dom0 tools.
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2; then
    echo "FAIL: dynres: building the hypervisor or the dom0 tools failed"; exit 0
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: dynres qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/mem
if ! "$ROOT/boot/xen-dom0-initramfs.sh" mem "$out" 2>"$logs/64-initramfs.err"; then
    if grep -q "apt-get download" "$logs/64-initramfs.err"; then
        echo "SKIP: dynres cannot download Debian's Xen/Linux packages: $(tail -n1 "$logs/64-initramfs.err")"
    else
        echo "FAIL: dynres building the dom0 initramfs failed: $(tail -n1 "$logs/64-initramfs.err")"
    fi
    exit 0
fi

# run TAG HYPERVISOR-ELF EXTRA-DOM0-ARGS: one boot, its verdict in $logs/64-TAG.verdict
run() {
    nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "dynres-$1-boot" --timeout 2400 \
        --log "$logs/64-dynres-$1.serial.log" --grace 5 -- \
        -m 2048 -smp 1 -nic none \
        -kernel "$2" \
        -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
        -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen $3,$out/dom0.cpio.gz" \
        > "$logs/64-$1.verdict" 2>"$logs/64-$1.qemu.err"
}
# dom0's options on ours are the lab's (docs/linux-dom0.md), as suite 61
run ours "$BUILD/hypervisor.elf" "acpi=off pci=off swiotlb=1024" &
ours_pid=$!
xen=0
if [ "${DYNRES_XEN:-1}" != 0 ]; then
    run xen "$out/xen" "" &
    xen_pid=$!
    xen=1
fi
wait "$ours_pid"
[ $xen = 1 ] && wait "$xen_pid"

for tag in ours xen; do
    if [ $tag = xen ] && [ $xen = 0 ]; then
        echo "SKIP: dynres-xen-boot DYNRES_XEN=0: the Xen 4.17 run was left out"; continue
    fi
    grep -aoE 'T60 (PASS|FAIL): .*' "$logs/64-dynres-$tag.serial.log" |
        sed -e 's/^T60 //' -e 's/\r$//' -e "s/^\(PASS\|FAIL\): /&$tag-/"
    grep -aoE 'T60 [a-z].*' "$logs/64-dynres-$tag.serial.log" | grep -avE 'T60 (PASS|FAIL)' |
        sed -e 's/\r$//' -e "s/^T60 /# $tag: /" >&2
    cat "$logs/64-$tag.verdict"
done
exit 0
