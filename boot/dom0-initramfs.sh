#!/usr/bin/env bash
# dom0-initramfs.sh — Debian's kernel and a busybox initramfs for Linux dom0
# on our hypervisor (and the same pair for QEMU direct boot, the reference).
#
#   boot/dom0-initramfs.sh [OUTDIR]        (default $BUILD/linux)
#
# Outputs: vmlinuz (Debian's bzImage, unmodified), vmlinux (its ELF payload,
# extracted once so tests can skip the in-hypervisor decompression),
# vmlinux.gz (that ELF gzip-compressed: the lab ISO's boot image, below),
# dom0.cpio.gz (busybox-static, /init = boot/dom0/init.sh, the tests in
# tests/linux/*.sh under /tests, the stress program, the Xen driver modules),
# kernel.release (what `uname -r` must print).  The lab's initramfs is
# dom0-root plus the toolstack (boot/mklab.sh).  Packages come from
# boot/fetch-debs.sh (apt-get download; nothing is installed).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
out=${1:-$BUILD/linux}
log() { echo "[dom0-initramfs] $*" >&2; }
. "$ROOT/boot/initramfs-lib.sh"

mapfile -t debs < <("$ROOT/boot/fetch-debs.sh" linux-image busybox-static)
U=$BUILD/linux/root
unpack_debs "$U" "${debs[@]}"
kver=$(ls "$U/lib/modules" | head -n1)
mkdir -p "$out"
cp "$U/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$kver" > "$out/kernel.release"

# The ELF inside the bzImage: xz stream after the setup code.
if [ ! -s "$out/vmlinux" ] || [ "$out/vmlinux" -ot "$out/vmlinuz" ]; then
    off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$out/vmlinuz" | head -n1 | cut -d: -f1)
    [ -n "$off" ] || { log "no xz payload in $out/vmlinuz"; exit 1; }
    # xz stops after its stream, so tail may die of SIGPIPE: judge the output.
    { tail -c +$((off + 1)) "$out/vmlinuz" | xz -dc --single-stream > "$out/vmlinux.tmp"; } || true
    [ "$(head -c 4 "$out/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
        { log "the payload of $out/vmlinuz is not an ELF"; exit 1; }
    mv "$out/vmlinux.tmp" "$out/vmlinux"
fi
# The boot image the lab ISO carries: the same ELF, gzip-compressed.  Debian
# ships xz, which is small but slow to decode (~4 s in the hypervisor under
# QEMU TCG); inflate is ~5x faster, and the raw 66 MB ELF is slow to read
# through GRUB's BIOS disk access.  Same kernel bytes, another container:
# made once, like xl's decompressed-kernel cache.
if [ ! -s "$out/vmlinux.gz" ] || [ "$out/vmlinux.gz" -ot "$out/vmlinux" ]; then
    gzip -9nc "$out/vmlinux" > "$out/vmlinux.gz.tmp" && mv "$out/vmlinux.gz.tmp" "$out/vmlinux.gz"
fi

make -s -f "$ROOT/Rules.mk" obj=tests/linux FLAVOR=host BUILD="$BUILD" >/dev/null

R=$BUILD/linux/dom0-root
rm -rf "$R"; busybox_root "$R"
install -m 0755 "$ROOT/boot/dom0/init.sh" "$R/init"
install -m 0755 "$BUILD/tests/linux/stress" "$R/bin/stress"
mkdir -p "$R/tests"
for t in "$ROOT"/tests/linux/*.sh; do install -m 0755 "$t" "$R/tests/"; done
# The Xen drivers, then what dom0 needs for QEMU's virtio disk and NIC
# (Debian builds the virtio transport, its drivers, ext4 and the bridge as
# modules).
for m in xen-privcmd xenfs xen-evtchn xen-gntdev \
         virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
         virtio_blk failover net_failover virtio_net crc16 crc32c_generic mbcache jbd2 ext4 \
         llc stp bridge; do
    f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
    [ -n "$f" ] && cp "$f" "$R/lib/modules/"
done
mkcpio "$R" "$out/dom0.cpio.gz"
log "kernel $kver: $out/{vmlinuz,vmlinux,vmlinux.gz,dom0.cpio.gz} ($(stat -c %s "$out/dom0.cpio.gz") bytes)"
