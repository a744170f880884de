#!/usr/bin/env bash
# 60-xl-create.sh — `xl create` -> domU init marker on the real Xen 4.17
# (QEMU TCG), our xl against Debian's xl 4.17, same config, same Debian
# kernel and initramfs, same boot (boot/xen-dom0/init-bench.sh).
# Ours is measured twice: with a cold decompressed-kernel cache (first
# create after boot: the bzImage's xz payload is unpacked in dom0) and warm
# (what every later create of the same kernel costs).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/bench-60-xl-create.serial.log
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 || exit 1
out=$BUILD/xen-toolstack/bench
"$ROOT/boot/xen-dom0-initramfs.sh" bench "$out" >&2 || exit 1
python3 "$ROOT/tests/lib/qemu-run.py" --name xl-create-bench --timeout 900 --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen,$out/dom0.cpio.gz" >&2
grep -aoE '(BENCH .*|xc: \[.*)' "$serial" | sed 's/\r$//' >&2
python3 - "$serial" <<'PY'
import re, sys
runs, guest = {}, {}
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"BENCH (\S+) create=([\d.]+) marker=([\d.]+)", line)
    if m:
        runs[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    m = re.search(r"BENCH (\S+) guest: DOMU-MARKER init-start up=([\d.]+)", line)
    if m:
        guest[m.group(1)] = float(m.group(2))
deb = [runs[k] for k in ("debian", "debian2") if k in runs]
if not deb or "ours-cold" not in runs:
    print("xl create bench: incomplete run (see %s)" % sys.argv[1]); sys.exit(1)
print("%-30s %10s %16s %18s" % ("", "xl create", "create->marker", "guest uptime@mark"))
for k in ("ours-cold", "ours-warm", "ours-warm2", "debian", "debian2"):
    if k in runs:
        c, m = runs[k]
        print("%-30s %9.2fs %15.2fs %17.2fs" % (k if not k.startswith("debian") else k + " (Debian xl 4.17)",
              c, m, guest.get(k, float("nan"))))
dc, dm = min(d[0] for d in deb), min(d[1] for d in deb)
warm = [runs[k] for k in ("ours-warm", "ours-warm2") if k in runs]
oc, om = runs["ours-cold"]
print("ratio cold  (first create after boot) / best Debian: create %.2fx  create->marker %.2fx" % (oc / dc, om / dm))
if warm:
    wc, wm = min(w[0] for w in warm), min(w[1] for w in warm)
    print("ratio warm  (kernel cached), best / best Debian:    create %.2fx  create->marker %.2fx  (goal <= 0.5x)" % (wc / dc, wm / dm))
print("note: all times are dom0 wall clock under QEMU TCG on a shared host; guest uptime at the marker shows how much the host load moved between runs")
PY
