#!/usr/bin/env bash
# 70-linux-dom0.sh — Debian 12's own kernel (linux-image-amd64, unmodified)
# boots as dom0 on our hypervisor with a scripted busybox initramfs
# (boot/dom0-initramfs.sh) and runs tests/linux/dom0-checks.sh inside: kernel
# release, memory vs dom0_mem, 500 fork+exec, pipe ping-pong, 256 MiB x 3,
# mmap churn, a clean dmesg; then `poweroff -f`.  Each in-guest check becomes
# one PASS/FAIL line here; the boot itself passes only with a SUCCESS verdict
# and the hypervisor reporting dom0's clean poweroff.  A second boot gives
# dom0 two vCPUs on two CPUs and runs fork+exec, mmap churn and a ping-pong
# on both at once.
# Also: `make run`'s lab (build/lab.iso: GRUB2 -> hypervisor -> dom0 shell)
# takes typed commands on the serial console and powers off on request; a
# module that is not a kernel (the initramfs) is refused by name.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
L=$BUILD/linux
logs=$BUILD/test-logs/70-linux
mkdir -p "$logs"
TIMEOUT=${LINUX_TIMEOUT:-1200}

if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp \
        BUILD="$BUILD" >"$logs/build.log" 2>&1; then
    echo "FAIL: linux-dom0/build the hypervisor did not build (see $logs/build.log)"
    exit 0
fi
if ! "$ROOT/boot/dom0-initramfs.sh" > "$logs/image.log" 2>&1; then
    echo "FAIL: linux-dom0/image could not build the Debian kernel + initramfs (see $logs/image.log)"
    exit 0
fi
kver=$(cat "$L/kernel.release")
mem=1024

# Debian's vmlinuz exactly as a GRUB user would give it (bzImage, xz inside).
out=$("$RUN" --name linux-dom0 --timeout "$TIMEOUT" --log "$logs/dom0.log" \
      --expect 'Domain 0 shutdown: poweroff' --mark 'dom0 init: marker' \
      -- -m 2048 -kernel "$BUILD/hypervisor.elf" -append "console=com1 dom0_mem=${mem}M" \
      -initrd "$L/vmlinuz console=hvc0 earlyprintk=xen acpi=off pci=off swiotlb=1024 test=dom0-checks expect_kernel=$kver expect_mem=$mem,$L/dom0.cpio.gz")
checks_of() {   # checks_of NAME LOG: the guest's check lines as suite lines
    sed -n "s/^\[ *[0-9.]*\] LINUX \(PASS\|FAIL\): \([^ ]*\) \(.*\)$/\1: $1\/\2 \3/p" "$2"
    if ! grep -q 'LINUX PASS: dmesg' "$2" && ! grep -q 'LINUX FAIL: dmesg' "$2"; then
        echo "FAIL: $1/checks did not run to the end (see $2)"
    fi
}
checks_of linux-dom0 "$logs/dom0.log"
echo "$out"

# dom0 with two vCPUs on two CPUs (dom0_max_vcpus=2, which the default of
# one per CPU also gives; docs/smp.md): both come online and fork+exec, mmap churn and a pipe
# ping-pong run on both at once (IPIs, remote TLB flushes, events between
# vCPUs).  Its power-off can take seconds after the verdict on a loaded
# host: the runner waits for it (--grace).
out=$("$RUN" --name linux-dom0-2cpu --timeout "$TIMEOUT" --log "$logs/dom0-2cpu.log" --grace 60 \
      --expect 'Domain 0 shutdown: poweroff' --mark 'dom0 init: marker' \
      -- -m 2048 -smp 2 -kernel "$BUILD/hypervisor.elf" -append "console=com1 dom0_mem=${mem}M dom0_max_vcpus=2" \
      -initrd "$L/vmlinuz console=hvc0 earlyprintk=xen acpi=off pci=off swiotlb=1024 test=dom0-checks expect_kernel=$kver expect_mem=$mem expect_cpus=2 checks=parallel,$L/dom0.cpio.gz")
checks_of linux-dom0-2cpu "$logs/dom0-2cpu.log"
echo "$out"

# The lab as `make run` boots it (same ISO, same QEMU options as boot/run.sh),
# driven through the serial console as a person would.  Its kernel is the
# build-time gzip'd ELF, and the hypervisor must name that format.
if iso=$("$ROOT/boot/mklab.sh" 2>>"$logs/image.log"); then
    "$ROOT/tests/lib/console-session.py" --name linux-lab-shell --timeout 600 --log "$logs/lab-shell.log" \
        --step 'Decompressing the gzip kernel payload' '' \
        --step 'dom0 shell' '' \
        --step '# ' 'uname -r; echo shell-ok-$((6*7))' \
        --step "$kver" '' --step 'shell-ok-42' 'poweroff -f' \
        --final 'Domain 0 shutdown: poweroff' \
        -- -m 2048 -nic none -cdrom "$iso"
else
    echo "FAIL: linux-lab-shell could not build build/lab.iso (see $logs/image.log)"
fi

# Negative: the initramfs given as the kernel must be refused by name, and
# the hypervisor must keep running.
"$RUN" --name linux-not-a-kernel --timeout 120 --log "$logs/not-a-kernel.log" \
    --mark 'No domain could be built' --exit-on-mark \
    --expect 'kernel refused: .*not an ELF' \
    -- -m 1024 -kernel "$BUILD/hypervisor.elf" -append "console=com1 dom0_mem=512M" \
    -initrd "$L/dom0.cpio.gz console=hvc0"
exit 0
