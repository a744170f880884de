#!/usr/bin/env bash
# mklab.sh — the lab `make run` boots: build/lab.iso, a GRUB2 ISO with the
# hypervisor and Debian's Linux as dom0 (its ELF as vmlinux.gz), whose
# initramfs is boot/dom0-initramfs.sh's busybox root plus the toolstack:
# xl, xenstored, xenconsoled, the xenstore-* tools, blkback (started by xl
# for a disk= line), netbackd and the vif-bridge script,
# /etc/init.d/xencommons (started by /init before the shell: it also starts
# netbackd on bridge xenbr0), Debian's kernel as /boot/vmlinuz-<release>
# (+ /boot/vmlinuz) for guests and a ready demo guest (/etc/xen/demo.cfg
# with /var/lib/xen/images/demo-initrd.gz; /etc/xen/demo-disk.cfg gives it
# a disk and a vif).  Prints the
# ISO's path.  Debian's vmlinuz boots dom0 as well
# (DOM0_KERNEL=build/linux/vmlinuz); the gzip'd ELF boots ~3 s sooner under
# TCG (inflate instead of xz: see boot/dom0-initramfs.sh).
#
# Env: LAB_OVERLAY=DIR   DIR's files are copied over dom0's root filesystem
#                        (e.g. DIR/etc/rc.local, run by /init before the shell)
#      LAB_ISO=FILE      where to write the ISO (default build/lab.iso); its
#                        dom0 initramfs stays in build/lab/<FILE name>/dom0.cpio.gz
#      DOM0_MEM          dom0's memory (default 1024M), XEN_EXTRA (more
#                        hypervisor options), DOM0_KERNEL (see above)
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
log() { echo "[mklab] $*" >&2; }
die() { echo "mklab: $*" >&2; exit 1; }
. "$ROOT/boot/initramfs-lib.sh"     # busybox_root, mkcpio, copy_prog

overlay=${LAB_OVERLAY:-}
if [ -n "$overlay" ]; then
    [ -d "$overlay" ] || die "LAB_OVERLAY=$overlay is not a directory"
    overlay=$(cd "$overlay" && pwd)
fi
iso=${LAB_ISO:-$BUILD/lab.iso}
case $iso in /*) ;; *) iso=$PWD/$iso ;; esac

# The toolstack must be built first (make run does `make all` before this).
X=$BUILD/dom0-tools XS=$BUILD/xenstore
for f in "$X/bin/xl" "$X/xenconsoled" "$XS/xenstored" "$XS/xenstore" "$BUILD/pv-drivers/bin/blkback" \
         "$BUILD/pv-drivers/bin/netbackd"; do
    [ -x "$f" ] || die "$f not built (run make)"
done

"$ROOT/boot/dom0-initramfs.sh" >/dev/null
L=$BUILD/linux
U=$L/root                     # Debian's packages, unpacked by dom0-initramfs.sh
kver=$(cat "$L/kernel.release")
here=$ROOT/boot/dom0
W=$BUILD/lab/$(basename "$iso" .iso)
mkdir -p "$W"

# ---- the demo guest's initramfs: busybox, a shell on hvc0
D=$W/demo-root
rm -rf "$D"; busybox_root "$D"
install -m 0755 "$here/demo-init.sh" "$D/init"
# the PV frontends, so a guest given disk= and vif= lines sees /dev/xvd*
# and ethN (demo-disk.cfg); /init loads them
for m in xen-blkfront xen-netfront; do
    f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
    [ -n "$f" ] || die "module $m not found in linux-image $kver"
    cp "$f" "$D/lib/modules/"
done
echo demo > "$D/etc/hostname"
echo 'PS1="\h:\w# "' > "$D/etc/profile"
# Linux runs /sbin/poweroff for xl shutdown; without an init daemon
# busybox's poweroff would signal PID 1, so power off directly.
rm -f "$D/sbin/poweroff"
printf '#!/bin/sh\nexec /bin/busybox poweroff -f\n' > "$D/sbin/poweroff"
chmod 0755 "$D/sbin/poweroff"
mkcpio "$D" "$W/demo-initrd.gz"

# ---- dom0's root: the test image's + the toolstack + the demo guest
R=$W/dom0-root
rm -rf "$R"
cp -a "$L/dom0-root" "$R"
mkdir -p "$R"/etc/xen "$R"/etc/init.d "$R"/var/lib/xen/images "$R"/var/log/xen/console "$R"/boot
ln -sfn ../run "$R/var/run"
copy_prog "$R" "$X/bin/xl" usr/sbin/xl
copy_prog "$R" "$X/xenconsoled" usr/sbin/xenconsoled
copy_prog "$R" "$XS/xenstored" usr/sbin/xenstored
copy_prog "$R" "$XS/xenstore" usr/bin/xenstore
# the block backend, where xl looks for it and starts it for a disk= line
copy_prog "$R" "$BUILD/pv-drivers/bin/blkback" usr/lib/xen/bin/blkback
# the network backend (xencommons starts it and makes xenbr0), the vif
# hotplug script xl runs, and the tap and bridge modules it needs (in load
# order: llc and stp before bridge)
copy_prog "$R" "$BUILD/pv-drivers/bin/netbackd" usr/sbin/netbackd
mkdir -p "$R/etc/xen/scripts"
install -m 0755 "$ROOT/pv-drivers/netback/vif-bridge" "$R/etc/xen/scripts/vif-bridge"
for m in llc stp bridge tun; do
    f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
    [ -n "$f" ] || die "module $m not found in linux-image $kver"
    cp "$f" "$R/lib/modules/"
done
for t in read write ls list rm exists chmod watch; do ln -sf xenstore "$R/usr/bin/xenstore-$t"; done
# xl migrate's transport between two labs (docs/toolstack.md)
install -m 0755 "$ROOT/boot/xen-dom0/migrate-nc" "$R/usr/bin/migrate-nc"
install -m 0755 "$here/xencommons.sh" "$R/etc/init.d/xencommons"
install -m 0755 "$here/lab-devices.sh" "$R/etc/init.d/lab-devices"
install -m 0755 "$here/netbackd.sh" "$R/etc/init.d/netbackd"
cp "$L/vmlinuz" "$R/boot/vmlinuz-$kver"
ln -sfn "vmlinuz-$kver" "$R/boot/vmlinuz"
install -m 0644 "$here/demo.cfg" "$R/etc/xen/demo.cfg"
install -m 0644 "$here/demo-disk.cfg" "$R/etc/xen/demo-disk.cfg"
cp "$W/demo-initrd.gz" "$R/var/lib/xen/images/demo-initrd.gz"
echo dom0 > "$R/etc/hostname"
echo 'PS1="\h:\w# "' > "$R/etc/profile"
if [ -n "$overlay" ]; then
    # Files replace the image's (never written through a shared inode).
    cp -a --remove-destination "$overlay/." "$R/"
    log "overlay $overlay: $(cd "$overlay" && find . ! -type d | wc -l) files"
fi
mkcpio "$R" "$W/dom0.cpio.gz"
log "dom0 initramfs $W/dom0.cpio.gz ($(stat -c %s "$W/dom0.cpio.gz") bytes, kernel $kver)"

ISO=$iso \
XEN_CMDLINE="console=com1 com1=115200 loglvl=info dom0_mem=${DOM0_MEM:-1024M} ${XEN_EXTRA:-}" \
DOM0_KERNEL=${DOM0_KERNEL:-$L/vmlinux.gz} \
DOM0_CMDLINE="console=hvc0 earlyprintk=xen swiotlb=1024" \
DOM0_INITRD=$W/dom0.cpio.gz \
    "$ROOT/boot/mkiso.sh" >/dev/null
echo "$iso"
