#!/usr/bin/env bash
# 62-blk.sh — PV disk throughput (QEMU TCG): our pv-drivers/blkback (xvda,
# grant copy, userspace) against the dom0 kernel's xen-blkback (xvdb,
# backendtype=phy on a loop device), both backed by files on dom0's tmpfs,
# read by the same Debian domU with O_DIRECT (boot/xen-dom0/blk-bench.c):
# 64 MiB sequential write + fdatasync, 64 MiB sequential read (1 MiB
# requests), 4 KiB random reads for 10 s.  The same image boots on the
# real Xen 4.17 and on our hypervisor (BENCH_HYP=xen|ours|both, default
# both; tests/lib/dom0-boot.sh: same machine, same dom0 and domU).
# BLKBENCH_ROUNDS (default 2) rounds alternate which disk goes first; each
# side's best is compared.  Goal: ours >= 1.2x the kernel's xen-blkback on
# Xen 4.17 on every row.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
rounds=${BLKBENCH_ROUNDS:-2}
case $rounds in ''|*[!0-9]*) echo "BLKBENCH_ROUNDS must be a number" >&2; exit 2;; esac
for d in xenstore dom0-tools pv-drivers; do
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=$d FLAVOR=host >&2 || exit 1
done
out=$BUILD/xen-toolstack/blk
"$ROOT/boot/xen-dom0-initramfs.sh" blk "$out" >&2 || exit 1
. "$ROOT/tests/lib/dom0-boot.sh"
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 || exit 1
echo "dom0 line on both: console=hvc0 earlyprintk=xen pvlab.blkbench; on ours also acpi=off pci=off swiotlb=1024 (tests/lib/dom0-boot.sh); -m 2048 -smp 2, dom0_mem=1024M"
dom0_bench bench-62-blk "$out" $((900 + 300 * rounds)) '(T62|BLKBENCH) .*' \
    pvlab.blkbench pvlab.blkrounds=$rounds | tee >(grep -v ' BLKBENCH ' >&2) | grep ' BLKBENCH ' |
python3 -c "$(cat <<'PY'
import os, re, sys
booted = {"xen": ["xen"], "ours": ["ours"]}.get(os.environ.get("BENCH_HYP", "both"), ["xen", "ours"])
# best[(hypervisor, backend)] = [seqwrite, seqread, iops], best of rounds
best = {}
for line in sys.stdin:
    m = re.search(r"^(xen|ours) (?:T62 )?BLKBENCH (ours|kernel)-\d+ seqwrite_MBps=([\d.]+) seqread_MBps=([\d.]+) randread_iops=([\d.]+)", line)
    if not m:
        continue
    key = (m.group(1), m.group(2))
    vals = [float(m.group(i)) for i in (3, 4, 5)]
    best[key] = [max(a, b) for a, b in zip(best.get(key, vals), vals)]
cols = [("xen", "ours"), ("xen", "kernel"), ("ours", "ours"), ("ours", "kernel")]
names = {("xen", "ours"): "Xen+blkback", ("xen", "kernel"): "Xen+kernel",
         ("ours", "ours"): "ours+blkback", ("ours", "kernel"): "ours+kernel"}
rows = ["64 MiB seq write (MB/s)", "64 MiB seq read (MB/s)", "4 KiB random read (IOPS)"]
print("%-26s" % "row (best of rounds)" + "".join("%14s" % names[c] for c in cols) + "  ratio vs Xen+kernel")
cell = lambda c, i: ("%14.2f" % best[c][i]) if c in best else "%14s" % ("FAILED" if c[0] in booted else "not run")
ref = ("xen", "kernel")
worst = None
for i, name in enumerate(rows):
    ratios = []
    for c in (("xen", "ours"), ("ours", "ours")):
        if c in best and ref in best and best[ref][i]:
            r = best[c][i] / best[ref][i]
            ratios.append("%s %.2fx" % (names[c], r))
            worst = r if worst is None else min(worst, r)
    print("%-26s" % name + "".join(cell(c, i) for c in cols) + "  " + ", ".join(ratios))
missing = [c for c in cols if c[0] in booted and c not in best]
for c in missing:
    print("FAILED: %s gave no figures (see build/test-logs/bench-62-blk-*.serial.log)" % names[c])
if worst is None:
    print("RESULT: no ratio (Xen's kernel blkback or our blkback gave no figures)")
    sys.exit(1)
print("RESULT: worst row %.2fx Debian's xen-blkback on Xen 4.17 (goal 1.2x): %s" %
      (worst, "met" if worst >= 1.2 else "not met"))
sys.exit(1 if missing else 0)
PY
)"
