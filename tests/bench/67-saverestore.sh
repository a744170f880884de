#!/usr/bin/env bash
# 67-saverestore.sh — xl save and xl restore of the same 256 MiB heartbeat
# PV guest (boot/xen-dom0/init-save.sh, savebench mode): our hypervisor
# with our xl, against the real Xen 4.17 with Debian's xl 4.17 (the
# reference) measured in the same run, same dom0 image, same kernel and
# guest, same QEMU machine; Xen with our xl is shown too.  Per run: save
# time, restore time, file size, and whether the guest carried on with its
# checksum (a run where it did not is reported as failed, not as a figure).
# Each round of ours is compared with the same round of the reference and
# best with best; the goal is met only if every ratio is <= 0.5.
# Then the same number of localhost migrations (`xl migrate -s <fake ssh>
# hb localhost`): total time, and the guest-visible downtime measured the
# same way on both sides: the longest time the guest's heartbeat counter
# stood still as dom0 sees it (sampled every 0.2 s, minus the 1 s beat
# period; init-save.sh).  Goal: downtime <= 0.5x.  Printed beside it: the
# longest gap on the guest's own clock (minus the median gap) and our xl's
# own figure.  The guest's clock is not the measure: after a migration by
# Debian's xl on Xen it jumped (gaps of 50-227 s around commands of 4-92
# s), while on ours the two differed by 0.1-3.6 s (docs/toolstack.md).  Debian's xl always migrates live, which needs
# log-dirty mode, which the bookworm-security Xen build lacks (no shadow
# paging): the Xen bed boots Debian's bookworm/main build with shadow
# paging (tests/lib/fetch-xen-shadow.sh; SAVEBENCH_XEN_BIN overrides).
# Ours has no log-dirty mode: our xl migrates it with the guest paused (the
# rows say live=no), so its downtime is the whole transfer.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
rounds=${SAVEBENCH_ROUNDS:-3}
case $rounds in ''|*[!0-9]*) echo "SAVEBENCH_ROUNDS must be a number" >&2; exit 2;; esac
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 &&
make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2 || exit 1
out=$BUILD/xen-toolstack/save
"$ROOT/boot/xen-dom0-initramfs.sh" save "$out" >&2 || exit 1
xen_bin=${SAVEBENCH_XEN_BIN:-$("$ROOT/tests/lib/fetch-xen-shadow.sh")} ||
    { echo "bench 67: no Xen build with shadow paging; the Xen bed's migrations will fail" >&2; xen_bin=$out/xen; }
echo "Xen bed: $xen_bin"
# SAVEBENCH_BEDS=ours profiles ours alone (no ratio is printed then).
for bed in ${SAVEBENCH_BEDS:-ours xen}; do
    case $bed in
    ours) kernel=$BUILD/hypervisor.elf; extra="acpi=off pci=off swiotlb=1024" ;;
    xen)  kernel=$xen_bin; extra="xen_bed=1" ;;
    esac
    nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "savebench-$bed" --timeout $((900 + 600 * rounds)) \
        --log "$logs/bench-67-saverestore-$bed.serial.log" --grace 5 -- \
        -m 2048 -smp 2 -nic none -kernel "$kernel" \
        -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
        -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen $extra savebench=$rounds,$out/dom0.cpio.gz" >&2
done
python3 - "$logs/bench-67-saverestore-ours.serial.log" "$logs/bench-67-saverestore-xen.serial.log" <<'PY'
import re, sys
runs = {}
failed = []
for bed, path in zip(("ours", "xen"), sys.argv[1:]):
    try:
        text = open(path, errors="replace").read()
    except OSError:
        failed.append("%s: no serial log" % bed)
        continue
    for m in re.finditer(r"T65B (\S+) round=(\d+) save_s=([\d.]+) restore_s=([\d.]+) size=(\d+) guest=(\w+)", text):
        key = "%s hypervisor, %s" % (bed, m.group(1))
        if m.group(6) != "ok":
            failed.append("%s round %s: the guest did not carry on" % (key, m.group(2)))
            continue
        runs.setdefault(key, []).append((float(m.group(3)), float(m.group(4)), int(m.group(5))))
    for m in re.finditer(r"T65B (\S+) (round \d+ )?(\w+ failed.*|no heartbeat.*)", text):
        failed.append("%s %s" % (bed, m.group(0)[5:].strip()))
print("%-36s %6s %16s %16s %9s" % ("run", "rounds", "save s (range)", "restore s", "file MiB"))
for k, v in runs.items():
    print("%-36s %6d %7.2f - %6.2f %7.2f - %6.2f %9.1f" % (k, len(v), min(r[0] for r in v), max(r[0] for r in v),
          min(r[1] for r in v), max(r[1] for r in v), v[0][2] / 1048576))
for f in failed:
    print("FAILED: " + f)
ours, ref = runs.get("ours hypervisor, ours-xl"), runs.get("xen hypervisor, debian-xl")
if not ours or not ref:
    print("save/restore bench: incomplete run (see the serial logs)"); sys.exit(1)
# Round i of ours against round i of the reference (same position in the
# run), then best against best.
pairs = list(zip(ours, ref))
for what, idx in (("save", 0), ("restore", 1)):
    rs = [o[idx] / x[idx] for o, x in pairs]
    best = min(r[idx] for r in ours) / min(r[idx] for r in ref)
    print("RESULT %s, ours (our hypervisor + our xl) vs Xen 4.17 + Debian's xl: per round %s, "
          "best vs best %.2fx, goal <= 0.5x: %s" % (what, " ".join("%.2fx" % r for r in rs), best,
                                                   "MET" if max(rs + [best]) <= 0.5 else "NOT MET"))
# Migration rows: "T65B <label> migrate round=N total_s= downtime_s= xl_downtime_s= live= guest="
mig = {}
for bed, path in zip(("ours", "xen"), sys.argv[1:]):
    try:
        text = open(path, errors="replace").read()
    except OSError:
        continue
    for m in re.finditer(r"T65B (\S+) migrate round=(\d+) total_s=([\d.]+) guest_gap_s=(\S+) stall_s=([\d.]+) "
                         r"xl_downtime_s=(\S+) live=(\w+) guest=(\w+)", text):
        key = "%s hypervisor, %s" % (bed, m.group(1))
        if m.group(8) != "ok":
            print("FAILED: %s migrate round %s: the guest did not carry on" % (key, m.group(2)))
            continue
        # (total, downtime = the heartbeat's stall seen from dom0, the gap
        # on the guest's own clock, xl's own figure, live)
        mig.setdefault(key, []).append((float(m.group(3)), float(m.group(5)), m.group(4), m.group(6), m.group(7)))
print("%-36s %6s %16s %16s %5s %s" % ("migration", "rounds", "total s (range)", "downtime s", "live",
                                     "guest clock's gap / xl's own downtime"))
for k, v in mig.items():
    print("%-36s %6d %7.2f - %6.2f %7.2f - %6.2f %5s %s" % (k, len(v), min(r[0] for r in v), max(r[0] for r in v),
          min(r[1] for r in v), max(r[1] for r in v), v[0][4], " ".join("%s/%s" % (r[2], r[3]) for r in v)))
mo, mr = mig.get("ours hypervisor, ours-xl"), mig.get("xen hypervisor, debian-xl")
if mo and mr:
    for what, idx in (("migration total", 0), ("migration downtime", 1)):
        rs = ["%.2fx" % (o[idx] / x[idx]) if x[idx] > 0 else "n/a" for o, x in zip(mo, mr)]
        best = min(r[idx] for r in mo) / min(r[idx] for r in mr) if min(r[idx] for r in mr) > 0 else None
        goal = "" if idx == 0 else ", goal <= 0.5x: %s" % ("MET" if best is not None and best <= 0.5 and
                                                          all(r != "n/a" and float(r[:-1]) <= 0.5 for r in rs) else "NOT MET")
        print("RESULT %s, ours vs Xen 4.17 + Debian's xl: per round %s, best vs best %s%s" %
              (what, " ".join(rs), "%.2fx" % best if best is not None else "n/a", goal))
else:
    print("migration bench: no complete pair of runs (see the FAILED lines and the serial logs)")
print("note: wall clock in dom0 under QEMU TCG on a shared host (load: %s)" % open("/proc/loadavg").read().split()[0])
PY
