#!/usr/bin/env bash
# 63-net.sh — the PV network backend (QEMU TCG): our netbackd against
# Debian's in-kernel xen-netback, same boot, same Debian domU
# (xen-netfront), same xl and bridge (boot/xen-dom0/init-netbench.sh), on
# the real Xen 4.17 and on our hypervisor (BENCH_HYP=xen|ours|both, default
# both; tests/lib/dom0-boot.sh: same machine, same dom0 and domU):
# ping RTT dom0 -> domU, 32 MiB TCP domU -> dom0 and dom0 -> domU with
# busybox nc.  One run of each backend; the host is shared, so the figures
# move from run to run.  Goal: >= 1.2x the kernel's throughput,
# <= 0.8x its RTT, against xen-netback on Xen 4.17.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
for c in xenstore dom0-tools pv-drivers; do
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=$c FLAVOR=host >&2 || exit 1
done
out=$BUILD/xen-toolstack/netbench
"$ROOT/boot/xen-dom0-initramfs.sh" netbench "$out" >&2 || exit 1
. "$ROOT/tests/lib/dom0-boot.sh"
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 || exit 1
echo "dom0 line on both: console=hvc0 earlyprintk=xen; on ours also acpi=off pci=off swiotlb=1024 (tests/lib/dom0-boot.sh); -m 2048 -smp 2, dom0_mem=1024M"
dom0_bench bench-63-net "$out" 1800 'BENCH .*' | tee /dev/stderr |
python3 -c "$(cat <<'PY'
import os, re, sys
booted = {"xen": ["xen"], "ours": ["ours"]}.get(os.environ.get("BENCH_HYP", "both"), ["xen", "ours"])
r = {}
for line in sys.stdin:
    m = re.search(r"^(xen|ours) BENCH (ours|kernel) rtt min=([\d.]+) avg=([\d.]+) max=([\d.]+) tx_secs=([\d.]+) rx_secs=([\d.]+) mib=(\d+)", line)
    if m:
        mib = int(m.group(8))
        r[(m.group(1), m.group(2))] = {"rtt": float(m.group(4)), "rttmin": float(m.group(3)),
                                       "tx": mib / float(m.group(6)), "rx": mib / float(m.group(7))}
cols = [("xen", "ours"), ("xen", "kernel"), ("ours", "ours"), ("ours", "kernel")]
names = {("xen", "ours"): "Xen+netbackd", ("xen", "kernel"): "Xen+kernel",
         ("ours", "ours"): "ours+netbackd", ("ours", "kernel"): "ours+kernel"}
ref = ("xen", "kernel")
rows = [("ping dom0->domU avg (ms)", "rtt", False), ("ping dom0->domU min (ms)", "rttmin", False),
        ("TCP domU->dom0 (MiB/s)", "tx", True), ("TCP dom0->domU (MiB/s)", "rx", True)]
print("%-26s" % "row" + "".join("%15s" % names[c] for c in cols) + "  ratio vs Xen+kernel")
met, any_ratio = True, False
for name, key, higher in rows:
    cells = "".join(("%15.2f" % r[c][key]) if c in r else "%15s" % ("FAILED" if c[0] in booted else "not run") for c in cols)
    ratios = []
    for c in (("xen", "ours"), ("ours", "ours")):
        if c in r and ref in r and r[ref][key]:
            x = r[c][key] / r[ref][key]
            ratios.append("%s %.2fx" % (names[c], x))
            any_ratio = True
            if key != "rttmin":
                met &= x >= 1.2 if higher else x <= 0.8
    print("%-26s" % name + cells + "  " + ", ".join(ratios))
missing = [c for c in cols if c[0] in booted and c not in r]
for c in missing:
    print("FAILED: %s gave no figures (see build/test-logs/bench-63-net-*.serial.log)" % names[c])
if not any_ratio:
    print("net bench: no ratio (Xen's kernel netback or our netbackd gave no figures)"); sys.exit(1)
print("RESULT our netbackd vs Debian's xen-netback on Xen 4.17: throughput >= 1.2x and RTT <= 0.8x: %s"
      % ("MET" if met else "NOT MET"))
print("note: one run each, QEMU TCG on a shared host; dom0 wall clock (dom0->domU), domU clock (domU->dom0)")
sys.exit(1 if missing else 0)
PY
)"
