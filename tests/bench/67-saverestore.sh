#!/usr/bin/env bash
# 67-saverestore.sh — xl save and xl restore of the same 256 MiB heartbeat
# PV guest (boot/xen-dom0/init-save.sh, savebench mode): our hypervisor
# with our xl, against the real Xen 4.17 with Debian's xl 4.17 (the
# reference) measured in the same run, same dom0 image, same kernel and
# guest, same QEMU machine; Xen with our xl is shown too.  Per run: save
# time, restore time, file size, and whether the guest carried on with its
# checksum (a run where it did not is reported as failed, not as a figure).
# Each round of ours is compared with the same round of the reference and
# best with best; the goal is met only if every ratio is <= 0.5.  Live migration
# figures (total time, downtime) are not measured: there is no `xl migrate`.
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
# SAVEBENCH_BEDS=ours profiles ours alone (no ratio is printed then).
for bed in ${SAVEBENCH_BEDS:-ours xen}; do
    case $bed in
    ours) kernel=$BUILD/hypervisor.elf; extra="acpi=off pci=off swiotlb=1024" ;;
    xen)  kernel=$out/xen; extra="xen_bed=1" ;;
    esac
    nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "savebench-$bed" --timeout $((900 + 400 * rounds)) \
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
print("note: wall clock in dom0 under QEMU TCG on a shared host (load: %s)" % open("/proc/loadavg").read().split()[0])
PY
