#!/usr/bin/env bash
# 63-net.sh — the PV network backend on the real Xen 4.17 (QEMU TCG): our
# netbackd against Debian's in-kernel xen-netback, same boot, same Debian
# domU (xen-netfront), same xl and bridge (boot/xen-dom0/init-netbench.sh):
# ping RTT dom0 -> domU, 32 MiB TCP domU -> dom0 and dom0 -> domU with
# busybox nc.  One run of each backend; the host is shared, so the figures
# move from run to run.  Goal: >= 1.2x the kernel's throughput,
# <= 0.8x its RTT.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/bench-63-net.serial.log
for c in xenstore dom0-tools pv-drivers; do
    make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=$c FLAVOR=host >&2 || exit 1
done
out=$BUILD/xen-toolstack/netbench
"$ROOT/boot/xen-dom0-initramfs.sh" netbench "$out" >&2 || exit 1
python3 "$ROOT/tests/lib/qemu-run.py" --name net-bench --timeout 1800 --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen,$out/dom0.cpio.gz" >&2
grep -aoE 'BENCH .*' "$serial" | sed 's/\r$//' >&2
python3 - "$serial" <<'PY'
import re, sys
r = {}
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"BENCH (ours|kernel) rtt min=([\d.]+) avg=([\d.]+) max=([\d.]+) tx_secs=([\d.]+) rx_secs=([\d.]+) mib=(\d+)", line)
    if m:
        mib = int(m.group(7))
        r[m.group(1)] = {"rtt": float(m.group(3)), "rttmin": float(m.group(2)),
                         "tx": mib / float(m.group(5)), "rx": mib / float(m.group(6))}
if set(r) != {"ours", "kernel"}:
    print("net bench: incomplete run (see %s)" % sys.argv[1]); sys.exit(1)
o, k = r["ours"], r["kernel"]
print("%-34s %12s %16s %8s" % ("row", "netbackd", "xen-netback", "ratio"))
rows = [("ping dom0->domU avg (ms)", "rtt", False), ("ping dom0->domU min (ms)", "rttmin", False),
        ("TCP domU->dom0 (MiB/s)", "tx", True), ("TCP dom0->domU (MiB/s)", "rx", True)]
met = True
for name, key, higher in rows:
    ratio = o[key] / k[key] if k[key] else float("nan")
    print("%-34s %12.2f %16.2f %7.2fx" % (name, o[key], k[key], ratio))
    if key == "rttmin":
        continue
    met &= ratio >= 1.2 if higher else ratio <= 0.8
print("RESULT netbackd vs Debian's xen-netback on Xen 4.17: throughput >= 1.2x and RTT <= 0.8x: %s"
      % ("MET" if met else "NOT MET"))
print("note: one run each, QEMU TCG on a shared host; dom0 wall clock (dom0->domU), domU clock (domU->dom0)")
PY
