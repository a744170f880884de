#!/usr/bin/env bash
# 60-xl-create.sh — `xl create` -> domU init marker on the real Xen 4.17
# (QEMU TCG), our xl against Debian's xl 4.17, same config, same Debian
# kernel and initramfs, same boot (boot/xen-dom0/init-bench.sh).
# Ours is measured with a cold decompressed-kernel cache once (first create
# after boot: the bzImage's xz payload is unpacked in dom0), then warm (what
# every later create of the same kernel costs) in XLBENCH_ROUNDS (3) rounds
# interleaved with Debian's xl, alternating which goes first, after the same
# settling pause.  Each side's best run is compared (the host is shared and
# its load drifts); the guest's own uptime at its marker is printed beside
# each run to show how fast that guest's boot itself went.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/bench-60-xl-create.serial.log
# XLBENCH_DIAG=1: a diagnostic run (guests boot verbose, their consoles and
# xenstore nodes go to the serial log); its figures are not the benchmark's.
rounds=${XLBENCH_ROUNDS:-3}
case $rounds in ''|*[!0-9]*) echo "XLBENCH_ROUNDS must be a number" >&2; exit 2;; esac
diag=" xlbench_rounds=$rounds"
if [ -n "${XLBENCH_DIAG:-}" ]; then diag="$diag xlbench=diag"; serial=$logs/bench-60-xl-create.diag.serial.log; fi
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 || exit 1
out=$BUILD/xen-toolstack/bench
"$ROOT/boot/xen-dom0-initramfs.sh" bench "$out" >&2 || exit 1
python3 "$ROOT/tests/lib/qemu-run.py" --name xl-create-bench --timeout $((600 + 300 * rounds)) --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none -kernel "$out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen$diag,$out/dom0.cpio.gz" >&2
grep -aoE '(BENCH .*|xc: \[.*)' "$serial" | grep -av 'guest: DOMU' | sed 's/\r$//' >&2
python3 - "$serial" <<'PY'
import re, statistics, sys
runs, order = {}, []
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"BENCH (\S+) create=([\d.]+) marker=([\d.]+)", line)
    if m:
        runs[m.group(1)] = {"create": float(m.group(2)), "marker": float(m.group(3))}
        order.append(m.group(1))
    m = re.search(r"BENCH (\S+) guest: DOMU-MARKER init-start up=([\d.]+)", line)
    if m and m.group(1) in runs:
        runs[m.group(1)]["up"] = float(m.group(2))
deb = [k for k in order if k.startswith("debian")]
warm = [k for k in order if k.startswith("ours-warm")]
if not deb or not warm or "ours-cold" not in runs:
    print("xl create bench: incomplete run (see %s)" % sys.argv[1]); sys.exit(1)
print("%-28s %10s %15s %14s %16s" % ("run (in boot order)", "xl create", "create->marker",
                                    "guest uptime", "create->guest t0"))
for k in order:
    r = runs[k]
    up = r.get("up", float("nan"))
    print("%-28s %9.2fs %14.2fs %13.2fs %15.2fs" % (k + (" (Debian xl 4.17)" if k.startswith("debian") else ""),
          r["create"], r["marker"], up, r["marker"] - up))
def best(keys, what): return min(runs[k][what] for k in keys)
def med(keys, what): return statistics.median(runs[k][what] for k in keys)
dc, dm = best(deb, "create"), best(deb, "marker")
wc, wm = best(warm, "create"), best(warm, "marker")
oc, om = runs["ours-cold"]["create"], runs["ours-cold"]["marker"]
print("best of %d Debian runs: create %.2fs, create->marker %.2fs; median %.2fs" % (len(deb), dc, dm, med(deb, "marker")))
print("best of %d warm runs of ours: create %.2fs, create->marker %.2fs; median %.2fs" % (len(warm), wc, wm, med(warm, "marker")))
print("ratio cold (first create after boot) / best Debian: create %.2fx  create->marker %.2fx" % (oc / dc, om / dm))
print("ratio of medians, warm / Debian: create->marker %.2fx" % (med(warm, "marker") / med(deb, "marker")))
verdict = "MET" if wm / dm <= 0.5 else "NOT MET"
print("RESULT xl create -> domU init marker, ours (kernel cached) best %.2fs vs Debian xl best %.2fs: "
      "ratio %.2fx, goal <= 0.5x: %s" % (wm, dm, wm / dm, verdict))
print("note: dom0 wall clock under QEMU TCG on a shared host; 'guest uptime' is the domU's own clock at "
      "its marker (how fast that boot went), 'create->guest t0' the time before the guest's clock started")
PY
