#!/bin/sh
# run.sh — boot build/hypervisor.iso (GRUB2 -> multiboot2 -> hypervisor ->
# dom0 when the ISO carries one) in QEMU, interactively, on the serial
# console in this terminal.  Quit QEMU with Ctrl-a x (Ctrl-a c toggles
# QEMU's monitor).
#
# Environment: ISO (default build/hypervisor.iso), MEM (MiB, default 2048:
# the lab's dom0 takes 1024 of it, docs/lab.md has the figures),
# SMP (default 1), QEMU_EXTRA (more QEMU arguments, e.g. "-s" for gdb),
# DISK (the virtio disk dom0 keeps its data on, default build/lab-disk.img,
# made once by boot/lab-disk.sh; DISK=none: none), NET (user: a virtio NIC
# on QEMU's user network, the default; none: no NIC), MIGRATE_PORT (a host
# port forwarded to dom0's port 8002, where `migrate-nc -l` receives a
# migration: docs/toolstack.md),
# KERNEL=1 boots build/hypervisor.elf through QEMU's -kernel instead, with
# XEN_CMDLINE as its command line.
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
iso=${ISO:-$BUILD/hypervisor.iso}
mem=${MEM:-2048}
smp=${SMP:-1}

disk=${DISK:-$BUILD/lab-disk.img}

set -- -accel tcg -cpu qemu64,+rdrand -m "$mem" -smp "$smp" -nographic -no-reboot
if [ "$disk" != none ]; then
    [ -f "$disk" ] || "$ROOT/boot/lab-disk.sh" "$disk" || exit 1
    set -- "$@" -drive "if=virtio,file=$disk,format=raw"
fi
if [ "${NET:-user}" = none ]; then
    set -- "$@" -nic none
else
    fwd=
    [ -n "${MIGRATE_PORT:-}" ] && fwd=",hostfwd=tcp:127.0.0.1:$MIGRATE_PORT-:8002"
    set -- "$@" -nic "user,model=virtio-net-pci$fwd"
fi
if [ "${KERNEL:-0}" = 1 ]; then
    [ -f "$BUILD/hypervisor.elf" ] || { echo "run: $BUILD/hypervisor.elf not built (make)" >&2; exit 1; }
    set -- "$@" -kernel "$BUILD/hypervisor.elf" -append "${XEN_CMDLINE:-console=com1 loglvl=info}"
else
    [ -f "$iso" ] || { echo "run: $iso not built (make iso)" >&2; exit 1; }
    set -- "$@" -cdrom "$iso"
fi
echo "run: QEMU on this terminal's serial console; quit with Ctrl-a x" >&2
# shellcheck disable=SC2086
exec qemu-system-x86_64 "$@" ${QEMU_EXTRA:-}
