#!/bin/sh
# mklab.sh — the lab `make run` boots: build/lab.iso, a GRUB2 ISO with the
# hypervisor and Debian's Linux as dom0 (its ELF as vmlinux.gz + the busybox
# initramfs of boot/dom0-initramfs.sh), which starts an interactive shell on
# the serial console.  Prints the ISO's path.  Debian's vmlinuz works as
# well (DOM0_KERNEL=build/linux/vmlinuz); the gzip'd ELF boots ~3 s sooner
# under TCG (inflate instead of xz: see boot/dom0-initramfs.sh).
# Env: DOM0_MEM (default 1024M), XEN_EXTRA (more hypervisor options).
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
"$ROOT/boot/dom0-initramfs.sh" >/dev/null
ISO=$BUILD/lab.iso \
XEN_CMDLINE="console=com1 com1=115200 loglvl=info dom0_mem=${DOM0_MEM:-1024M} ${XEN_EXTRA:-}" \
DOM0_KERNEL=${DOM0_KERNEL:-$BUILD/linux/vmlinux.gz} \
DOM0_CMDLINE="console=hvc0 earlyprintk=xen acpi=off pci=off swiotlb=1024" \
DOM0_INITRD=$BUILD/linux/dom0.cpio.gz \
    "$ROOT/boot/mkiso.sh" >/dev/null
echo "$BUILD/lab.iso"
