#!/usr/bin/env bash
# 65-saverestore.sh — xl save / restore of a PV guest, on our hypervisor and
# on the real Xen 4.17 (the oracle), with the same dom0 image
# (boot/xen-dom0/init-save.sh): a heartbeat guest (a counter each second
# and the md5 of 4 MiB it keeps) is saved, restored and counts on with the
# same checksum; `save -c` keeps it running and its file restores too; a
# truncated and a corrupt file are refused by name without leaving a
# domain; `xl clone` runs a second copy beside it.  On Xen the files also
# cross between our xl and Debian's xl 4.17
# both ways.  Each check inside dom0 becomes "PASS/FAIL: <bed>-<check>";
# each boot passes only with a SUCCESS verdict.
# SAVE_BEDS="ours xen" (make test-xen; `make test` runs "ours" for CI time) picks the beds; SAVE_ONLY=cross runs only
# the create and the cross-restore part (a diagnostic, not the suite).
# xl migrate to localhost (a fake ssh) runs on both beds: stop-and-copy on
# ours and on Debian's security Xen (no log-dirty mode), live with pre-copy
# rounds on a Xen with shadow paging:
#   SAVE_XEN_BIN=$(tests/lib/fetch-xen-shadow.sh) SAVE_BEDS=xen tests/suites/65-saverestore.sh
# (SAVE_ONLY=migrate: only the create and the migration part, a diagnostic.)
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"

if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2; then
    echo "FAIL: saverestore: building the hypervisor or the dom0 tools failed"; exit 0
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: saverestore qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/save
if ! "$ROOT/boot/xen-dom0-initramfs.sh" save "$out" 2>"$logs/65-initramfs.err"; then
    if grep -q "apt-get download" "$logs/65-initramfs.err"; then
        echo "SKIP: saverestore cannot download Debian's Xen/Linux packages: $(tail -n1 "$logs/65-initramfs.err")"
    else
        echo "FAIL: saverestore building the dom0 initramfs failed: $(tail -n1 "$logs/65-initramfs.err")"
    fi
    exit 0
fi

[ "${SAVE_BEDS:-ours}" = ours ] &&
    echo "SKIP: save-xen the Xen 4.17 bed (and Debian's xl cross-restore) runs with SAVE_BEDS=\"ours xen\" (make test-xen)"
for bed in ${SAVE_BEDS:-ours}; do
    serial=$logs/65-saverestore-$bed.serial.log
    case $bed in
    ours) kernel=$BUILD/hypervisor.elf; extra="acpi=off pci=off swiotlb=1024" ;;
    xen)  kernel=${SAVE_XEN_BIN:-$out/xen}; extra="xen_bed=1${SAVE_XEN_BIN:+ save_live=1}" ;;
    *) echo "FAIL: saverestore unknown bed $bed"; continue ;;
    esac
    t0=$(date +%s)
    verdict=$(nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "saverestore-$bed" --timeout 1500 \
        --log "$serial" --grace 5 -- \
        -m 2048 -smp 2 -nic none \
        -kernel "$kernel" \
        -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
        -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen $extra${SAVE_ONLY:+ save_only=$SAVE_ONLY},$out/dom0.cpio.gz")
    grep -aoE 'T60 (PASS|FAIL): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e "s/^\(PASS\|FAIL\): /&$bed-/"
    grep -aoE 'T60 (SKIP): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e "s/^SKIP: /&$bed-/"
    grep -aoE 'T60 (xl save|xl restore|heartbeat).*' "$serial" | sed "s/^T60 /# $bed: /" >&2
    echo "# $bed: $(( $(date +%s) - t0 )) s" >&2
    echo "$verdict"
done
exit 0
