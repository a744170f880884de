#!/usr/bin/env bash
# 31-guests-ours.sh — every PV test guest in tests/guests/tests.list marked
# for "ours" boots on OUR hypervisor (build/hypervisor.elf) in QEMU TCG, as
# dom0 (plus, for domains=2, a second boot-time domain of the same image
# started with "domain=unprivileged"), and must produce its expected
# outcome.  One PASS/FAIL line per test with its time (tests/lib/qemu-run.py).
#
# Outcomes: SUCCESS = the verdict line and then "Hardware Dom0 halted" (the
# poweroff was honoured); crash = our crash report for dom0 and no verdict;
# reboot = the verdict, then "Hardware Dom0 shutdown: rebooting machine".
# Usage: tests/suites/31-guests-ours.sh [name-pattern]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
out=$BUILD/tests/guests
hv=$BUILD/hypervisor.elf
pat=${1:-}
logs=$BUILD/test-logs/guests-ours
mkdir -p "$logs"

if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/guests FLAVOR=host \
        BUILD="$BUILD" >"$logs/build.log" 2>&1; then
    echo "FAIL: guests-ours/build: tests/guests did not build (see $logs/build.log)"
    exit 0
fi
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp \
        BUILD="$BUILD" >"$logs/build-hv.log" 2>&1 || [ ! -f "$hv" ]; then
    echo "FAIL: guests-ours/build: the hypervisor did not build (see $logs/build-hv.log)"
    exit 0
fi

runner=$ROOT/tests/lib/qemu-run.py
cmdline="console=com1 loglvl=all guest_loglvl=all noreboot dom0_mem=64M"
while read -r name expect where tmo extra; do
    [ -z "$name" ] || [[ "$name" == \#* ]] && continue
    [ -n "$pat" ] && [[ "$name" != *"$pat"* ]] && continue
    [[ ",$where," == *,ours,* ]] || continue
    if [[ "${extra:-}" == *named=fuzz-long* && -z "${FUZZ_LONG:-}" ]]; then
        echo "SKIP: guests-ours/$name 10^6 calls belong to make fuzz-long, not make test"
        continue
    fi
    smp=1 append=$cmdline initrd="$out/$name.elf"
    [[ "${extra:-}" == *smp=2* ]] && smp=2
    [[ "${extra:-}" == *dom0vcpus=2* ]] && append="$append dom0_max_vcpus=2-2"
    # A second boot-time domain: the same image as an unprivileged domain.
    [[ "${extra:-}" == *domains=2* ]] && \
        initrd="$out/$name.elf,$out/$name.elf domain=unprivileged mem=32M"
    case $expect in
    crash)
        judge=(--mark "Hardware Dom0 crashed" --exit-on-mark --reject "Test result:") ;;
    reboot)
        judge=(--expect "Hardware Dom0 shutdown: rebooting machine" --grace 1) ;;
    *)
        judge=(--expect "Hardware Dom0 halted" --grace 0.5) ;;
    esac
    if [ ! -f "$out/$name.elf" ]; then
        echo "FAIL: guests-ours/$name guest image was not built"
        continue
    fi
    python3 "$runner" --name "guests-ours/$name" --timeout "${tmo:-30}" \
        --log "$logs/$name.log" "${judge[@]}" -- \
        -m 256 -smp "$smp" -nic none -kernel "$hv" -append "$append" \
        -initrd "$initrd" 2>>"$logs/failures.log" </dev/null
done < "$ROOT/tests/guests/tests.list"

# The fuzzer as dom0 next to a second boot-time domain: the small domU runs,
# powers off and is destroyed (its frames returned) while dom0 keeps issuing
# random hypercalls; dom0 then finishes and powers off.  Two verdict lines
# appear (one per domain), so the run ends on dom0's poweroff instead.  The
# domU's verdict comes seconds before dom0's: the grace after a verdict
# must not end the run first (at load ~10 the 10^5 calls take ~5 s and the
# default 3 s grace cut them off).
if [ -z "$pat" ] || [[ "fuzz_and_domu" == *"$pat"* ]]; then
    python3 "$runner" --name "guests-ours/fuzz_and_domu" --timeout 90 --grace 85 \
        --log "$logs/fuzz_and_domu.log" --mark "Hardware Dom0 halted" --exit-on-mark \
        --expect "d1: boot-time domain shut down \(poweroff\): destroyed" \
        --expect "^\(d1\) Test result: SUCCESS" --expect "^Test result: SUCCESS" \
        --reject "Test result: (FAILURE|ERROR)" -- \
        -m 256 -smp 1 -nic none -kernel "$hv" -append "$cmdline" \
        -initrd "$out/fuzz.elf,$out/console.elf domain=unprivileged mem=16M" \
        2>>"$logs/failures.log" </dev/null
fi

# A kernel that cannot be loaded (here: a text file) is refused with the
# reason, and the hypervisor keeps running into its idle loop.
if [ -z "$pat" ] || [[ "refused_kernel" == *"$pat"* ]]; then
    bad=$logs/not-a-kernel.txt
    echo "this is not a kernel" > "$bad"
    python3 "$runner" --name "guests-ours/refused_kernel" --timeout 30 \
        --log "$logs/refused_kernel.log" --mark "No domain could be built" --exit-on-mark \
        --expect "d0: kernel refused: not an ELF image" -- \
        -m 128 -smp 1 -nic none -kernel "$hv" -append "$cmdline" -initrd "$bad" \
        2>>"$logs/failures.log" </dev/null
fi

# Debian's Linux 6.1 (vmlinuz: bzImage + xz) boots as dom0 to a shell on
# hvc0 (rdinit=/bin/sh), and a command typed on the serial line reaches it
# through CONSOLEIO_read (VIRQ_CONSOLE) and is answered.  Kernel and
# initramfs: $PVLAB_LINUX_KERNEL / $PVLAB_LINUX_INITRD, else the shared
# reference build's (when it finished), else boot/dom0-initramfs.sh's
# (fetched from Debian's archive); SKIP only if none can be had.
if [ -z "$pat" ] || [[ "linux_dom0" == *"$pat"* ]]; then
    ref=$ROOT/../shared/reference/xen/.work/out
    lk=${PVLAB_LINUX_KERNEL:-} li=${PVLAB_LINUX_INITRD:-}
    # The reference build finished when its last product, dom0.cpio.gz, is there.
    if [ -z "$lk" ] && [ -s "$ref/vmlinuz" ] && [ -s "$ref/dom0.cpio.gz" ]; then
        lk=$ref/vmlinuz li=$ref/dom0.cpio.gz
    fi
    # Else our own copy of the pair (apt-get download, cached under build/).
    if [ -z "$lk" ] && "$ROOT/boot/dom0-initramfs.sh" >"$logs/linux-image.log" 2>&1; then
        lk=$BUILD/linux/vmlinuz li=$BUILD/linux/dom0.cpio.gz
    fi
    if [ -z "$lk" ] || [ ! -f "$lk" ] || [ ! -f "$li" ]; then
        echo "SKIP: guests-ours/linux_dom0 no Debian kernel + initramfs (set PVLAB_LINUX_KERNEL/INITRD)"
    else
        HV="$hv" LK="$lk" LI="$li" CMDLINE="$cmdline" LOG="$logs/linux_dom0.log" \
        timeout 260 python3 - <<'PY'
import os, select, subprocess, sys, time
cmd = ["qemu-system-x86_64", "-nographic", "-no-reboot", "-accel", "tcg",
       "-cpu", "qemu64,+rdrand", "-m", "1024", "-smp", "1", "-nic", "none",
       "-kernel", os.environ["HV"], "-append", os.environ["CMDLINE"] + " dom0_mem=512M",
       "-initrd", os.environ["LK"] + " console=hvc0 acpi=off pci=off swiotlb=1024 rdinit=/bin/sh," + os.environ["LI"]]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
buf, t0, sent, why = b"", time.time(), None, None
while time.time() - t0 < 240:
    r, _, _ = select.select([p.stdout], [], [], 1)
    if r:
        d = p.stdout.read1(4096)
        if not d:
            why = "QEMU exited"
            break
        buf += d
    if b"Kernel panic" in buf or b"domain_crash" in buf:
        why = "dom0 crashed"
        break
    if sent is None and b"job control turned off" in buf:
        time.sleep(1)
        p.stdin.write(b"echo PVLAB_$((6*7))\n")
        p.stdin.flush()
        sent = time.time() - t0
    if b"PVLAB_42" in buf:
        break
else:
    why = "timeout (shell %s)" % ("reached" if sent else "not reached")
p.kill()
p.wait()
open(os.environ["LOG"], "wb").write(buf)
t = time.time() - t0
if why:
    print("FAIL: guests-ours/linux_dom0 %s after %.1fs (log: %s)" % (why, t, os.environ["LOG"]))
else:
    print("PASS: guests-ours/linux_dom0 (%.2fs) shell=%.1fs" % (t, sent))
PY
    fi
fi
exit 0
