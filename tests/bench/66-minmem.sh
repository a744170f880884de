#!/usr/bin/env bash
# 66-minmem.sh — the smallest memory= with which Debian's kernel (with the
# test initramfs, boot/xen-dom0/domu.cfg otherwise) reaches init as a domU
# on our hypervisor, and what a domain costs beyond its memory=.  One boot
# of the bench image (boot/xen-dom0/init-bench.sh, xlbench=minmem) on the
# 2 GiB machine; MINMEM_LIST overrides the sizes tried (MiB, largest first).
# MINMEM_XEN=1 also boots the real Xen 4.17 with our xl for comparison.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
mems=${MINMEM_LIST:-128 96 88 84 82 80 64}
case $mems in *[!0-9\ ]*|'') echo "MINMEM_LIST: sizes in MiB separated by spaces" >&2; exit 2;; esac
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 || exit 1
out=$BUILD/xen-toolstack/bench
"$ROOT/boot/xen-dom0-initramfs.sh" bench "$out" >&2 || exit 1
kinds="ours"; [ "${MINMEM_XEN:-0}" = 1 ] && kinds="ours xen"
rc=0
for k in $kinds; do
    # dom0 as in bench 65: on ours the lab's options (Xen's dom0 stops with acpi=off)
    img=$BUILD/hypervisor.elf; extra="acpi=off pci=off swiotlb=1024 "
    [ $k = xen ] && { img=$out/xen; extra=; }
    serial=$logs/bench-66-minmem-$k.serial.log
    nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "minmem-$k" --timeout 3600 --log "$serial" --grace 5 -- \
        -m 2048 -smp 2 -nic none -kernel "$img" \
        -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
        -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen ${extra}xlbench=minmem xlbench_mems=${mems// /:},$out/dom0.cpio.gz" >&2
    python3 - "$serial" "$k" <<'PY' || rc=1
import re, sys
rows, smallest = [], None
for l in open(sys.argv[1], errors="replace"):
    m = re.search(r"BENCH minmem (\d+) (marker=([\d.]+) took=(-?\d+)|no-marker took=(-?\d+)|create-failed)", l)
    if not m: continue
    mem = int(m.group(1))
    if m.group(3):
        rows.append((mem, "init reached in %.2fs; free memory taken %d MiB (%d beyond memory=)"
                     % (float(m.group(3)), int(m.group(4)), int(m.group(4)) - mem)))
        smallest = mem if smallest is None else min(smallest, mem)
    elif m.group(5):
        rows.append((mem, "no init marker (see the console tail in the serial log)"))
    else:
        rows.append((mem, "xl create refused it (message in the serial log)"))
if not rows:
    print("minmem (%s): no result (see %s)" % (sys.argv[2], sys.argv[1])); sys.exit(1)
for mem, what in rows:
    print("%-5s memory=%-4d %s" % (sys.argv[2], mem, what))
print("RESULT smallest memory= reaching init on %s: %s" % (sys.argv[2], "%d MiB" % smallest if smallest else "none of those tried"))
PY
done
exit $rc
