#!/usr/bin/env bash
# 62-blk.sh — PV disk throughput on the real Xen 4.17 (QEMU TCG): our
# pv-drivers/blkback (xvda, grant copy, userspace) against the dom0 kernel's
# xen-blkback (xvdb, backendtype=phy on a loop device), both backed by
# files on dom0's tmpfs, read by the same Debian domU with O_DIRECT
# (boot/xen-dom0/blk-bench.c): 64 MiB sequential write + fdatasync, 64 MiB
# sequential read (1 MiB requests), 4 KiB random reads for 10 s.
# BLKBENCH_ROUNDS (default 2) rounds alternate which disk goes first; each
# side's best is compared.  Goal: ours >= 1.2x the kernel's.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/bench-62-blk.serial.log
rounds=${BLKBENCH_ROUNDS:-2}
case $rounds in ''|*[!0-9]*) echo "BLKBENCH_ROUNDS must be a number" >&2; exit 2;; esac
for d in xenstore dom0-tools pv-drivers; do
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=$d FLAVOR=host >&2 || exit 1
done
out=$BUILD/xen-toolstack/blk
"$ROOT/boot/xen-dom0-initramfs.sh" blk "$out" >&2 || exit 1
python3 "$ROOT/tests/lib/qemu-run.py" --name blk-bench --timeout $((900 + 300 * rounds)) --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen pvlab.blkbench pvlab.blkrounds=$rounds,$out/dom0.cpio.gz" >&2
grep -aoE 'T62 .*' "$serial" | sed 's/\r$//' >&2
python3 - "$serial" <<'PY'
import re, sys
best = {}
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"BLKBENCH (ours|kernel)-\d+ seqwrite_MBps=([\d.]+) seqread_MBps=([\d.]+) randread_iops=([\d.]+)", line)
    if not m:
        continue
    side = m.group(1)
    vals = [float(m.group(i)) for i in (2, 3, 4)]
    best[side] = [max(a, b) for a, b in zip(best.get(side, vals), vals)]
if "ours" not in best or "kernel" not in best:
    print("RESULT: no figures (see %s)" % sys.argv[1])
    sys.exit(1)
rows = ["64 MiB seq write (MB/s)", "64 MiB seq read (MB/s)", "4 KiB random read (IOPS)"]
print("%-26s %12s %16s %7s" % ("row (best of rounds)", "ours", "kernel blkback", "ratio"))
worst = None
for i, name in enumerate(rows):
    o, k = best["ours"][i], best["kernel"][i]
    r = o / k if k else 0
    worst = r if worst is None else min(worst, r)
    print("%-26s %12.2f %16.2f %6.2fx" % (name, o, k, r))
print("RESULT: worst row %.2fx the kernel's xen-blkback (goal 1.2x): %s" %
      (worst, "met" if worst >= 1.2 else "not met"))
PY
