#!/usr/bin/env bash
# xen-dom0-initramfs.sh — build a dom0 initramfs for the REAL Xen 4.17 that
# runs our toolstack: busybox, the Xen modules from Debian's kernel, our
# xenstored (Debian's oxenstored if ours is not built), our xenconsoled and
# xl, a Debian kernel + busybox initramfs for the domUs, and a scripted /init.
#
#   boot/xen-dom0-initramfs.sh [test|mem|bench|blk|net|netbench|save|sched|smp] [OUTDIR]
#
# test  : /init = boot/xen-dom0/init-test.sh (PASS/FAIL lines, "Test result:")
# net   : /init = boot/xen-dom0/init-net.sh; also ships netbackd, the vif
#         hotplug script, tun and bridge modules, and a domU image with
#         xen-netfront whose /init is boot/xen-dom0/domu-net-init.sh.
# netbench: as net, plus Debian's xen-netback module; /init =
#         boot/xen-dom0/init-netbench.sh (tests/bench/63-net.sh).
# mem   : /init = boot/xen-dom0/init-mem.sh (xl mem-set, mem-max, top;
#         tests/suites/64-dynres.sh)
# bench : /init = boot/xen-dom0/init-bench.sh
# sched : /init = boot/xen-dom0/init-sched.sh (vCPUs and the scheduler:
#         tests/suites/66-sched.sh)
# smp   : /init = boot/xen-dom0/init-smp.sh (tests/bench/76-smp.sh and
#         tests/soak/smp-soak.sh); the domU image's /init is
#         boot/xen-dom0/domu-smp-init.sh with the static smp-work load
#         (boot/xen-dom0/smp-work.c) and our xenstore client.
# blk   : /init = boot/xen-dom0/init-blk.sh; adds blkback and a blkfront
#         domU image (boot/xen-dom0/blk-image.sh).
# save  : /init = boot/xen-dom0/init-save.sh; adds the heartbeat domU image
#         (boot/xen-dom0/domu-hb-init.sh as /boot/domu-hb.cpio.gz), and for
#         the two-machine migration the virtio NIC's modules, migrate-nc
#         and init-mig2host.sh.
# All ship Debian's xl (as /usr/lib/xen/bin/debian-xl) and its libraries:
# the bench compares the two toolstacks, the test drives a guest with each.
# Outputs in OUTDIR (default $BUILD/xen-toolstack/<mode>): xen (gunzipped
# multiboot ELF), vmlinuz, dom0.cpio.gz.  Packages come from
# boot/fetch-debs.sh (apt-get download; nothing is installed).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
mode=${1:-test}
out=${2:-$BUILD/xen-toolstack/$mode}
here=$ROOT/boot/xen-dom0
log() { echo "[xen-dom0-initramfs] $*" >&2; }
. "$ROOT/boot/initramfs-lib.sh"     # busybox_root, mkcpio, copy_prog, unpack_debs
case $mode in test|mem|bench|blk|net|netbench|save|sched|smp) ;; *) echo "usage: $0 [test|mem|bench|blk|net|netbench|save|sched|smp] [OUTDIR]" >&2; exit 2;; esac
net=; case $mode in net|netbench) net=1;; esac
for t in dpkg cpio gzip ldd awk gcc; do
    command -v $t >/dev/null || { log "missing host tool: $t"; exit 1; }
done

# Debian's toolstack comes along in both modes: the reference (bench and
# test), and oxenstored standing in if ours is not built.
pkgs=(xen-hypervisor-4.17-amd64 linux-image busybox-static
      xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17 libxenstore4
      libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxentoollog1
      libxendevicemodel1 libxenhypfs1 libxentoolcore1 libyajl2 libgcc-s1 libuuid1
      zlib1g liblzma5 libzstd1 libc6)
mapfile -t debs < <("$ROOT/boot/fetch-debs.sh" "${pkgs[@]}")

# Unpack once per set of packages.
unpacked=$BUILD/xen-toolstack/root-$mode
unpack_debs "$unpacked" "${debs[@]}"
U=$unpacked
kver=$(ls "$U/lib/modules" | head -n1)
mkdir -p "$out"
zcat "$U"/boot/xen-4.17-amd64.gz > "$out/xen"
cp "$U/boot/vmlinuz-$kver" "$out/vmlinuz"

# ---------------------------------------------------------------- domU initramfs
D=$BUILD/xen-toolstack/domu-root-$mode
rm -rf "$D"; busybox_root "$D"
if [ -n "$net" ]; then
    install -m 0755 "$here/domu-net-init.sh" "$D/init"
    f=$(find "$U/lib/modules/$kver" -name xen-netfront.ko | head -n1)
    [ -n "$f" ] || { log "module xen-netfront not found in linux-image $kver"; exit 1; }
    cp "$f" "$D/lib/modules/"
    # `ethtool -k` in short, for the bench's record of the offloads in force
    gcc -O2 -static -Wall -Wextra -Werror -o "$BUILD/xen-toolstack/netfeat" "$here/netfeat.c"
    install -m 0755 "$BUILD/xen-toolstack/netfeat" "$D/bin/netfeat"
elif [ "$mode" = smp ]; then
    install -m 0755 "$here/domu-smp-init.sh" "$D/init"
    gcc -O2 -static -Wall -Wextra -Werror -o "$BUILD/xen-toolstack/smp-work" "$here/smp-work.c"
    install -m 0755 "$BUILD/xen-toolstack/smp-work" "$D/bin/smp-work"
    [ -x "$BUILD/xenstore/xenstore" ] ||
        { log "$BUILD/xenstore/xenstore not built (make -f Rules.mk obj=xenstore)"; exit 1; }
    copy_prog "$D" "$BUILD/xenstore/xenstore" usr/bin/xenstore
    for t in read write; do ln -sf xenstore "$D/usr/bin/xenstore-$t"; done
else
    install -m 0755 "$here/domu-init.sh" "$D/init"
    # the hostile guest's floods (no libc: a few KiB)
    gcc -Os -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie -s \
        -Wall -Wextra -Werror -o "$BUILD/xen-toolstack/hostile" "$here/hostile.c"
    install -m 0755 "$BUILD/xen-toolstack/hostile" "$D/bin/hostile"
fi
# Linux runs /sbin/poweroff for a xenbus shutdown request; without an init
# daemon busybox's poweroff would signal PID 1, so power off directly.
rm -f "$D/sbin/poweroff"
printf '#!/bin/sh\nexec /bin/busybox poweroff -f\n' > "$D/sbin/poweroff"; chmod 0755 "$D/sbin/poweroff"
mkcpio "$D" "$out/domu.cpio.gz"
if [ "$mode" = save ]; then
    install -m 0755 "$here/domu-hb-init.sh" "$D/init"
    mkcpio "$D" "$out/domu-hb.cpio.gz"
fi

# ---------------------------------------------------------------- dom0 initramfs
R=$BUILD/xen-toolstack/dom0-root-$mode
rm -rf "$R"; busybox_root "$R"
mkdir -p "$R"/etc/xen "$R"/var/log/xen/console "$R"/var/lib/xen "$R"/boot "$R"/usr/lib/xen/bin "$R"/var/lock
for m in xen-privcmd xenfs xen-evtchn xen-gntdev; do
    f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
    [ -n "$f" ] || { log "module $m not found in linux-image $kver"; exit 1; }
    cp "$f" "$R/lib/modules/"
done
if [ -n "$net" ]; then
    # the bridge (llc, stp first) and tun for netbackd's taps, in load order;
    # the bench compares with Debian's in-kernel backend
    mods="llc stp bridge tun"; [ "$mode" = netbench ] && mods="$mods xen-netback"
    for m in $mods; do
        f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
        [ -n "$f" ] || { log "module $m not found in linux-image $kver"; exit 1; }
        cp "$f" "$R/lib/modules/"
    done
    [ -x "$BUILD/pv-drivers/bin/netbackd" ] ||
        { log "$BUILD/pv-drivers/bin/netbackd not built (make -f Rules.mk obj=pv-drivers)"; exit 1; }
    copy_prog "$R" "$BUILD/pv-drivers/bin/netbackd" usr/sbin/netbackd
    install -m 0755 "$BUILD/xen-toolstack/netfeat" "$R/bin/netfeat"
    mkdir -p "$R/etc/xen/scripts"
    install -m 0755 "$ROOT/pv-drivers/netback/vif-bridge" "$R/etc/xen/scripts/vif-bridge"
fi
B=$BUILD/dom0-tools
for f in "$B/bin/xl" "$B/xenconsoled"; do
    [ -x "$f" ] || { log "$f not built (make -f Rules.mk obj=dom0-tools)"; exit 1; }
done
copy_prog "$R" "$B/bin/xl" usr/sbin/xl
copy_prog "$R" "$B/xenconsoled" usr/sbin/xenconsoled
if [ -x "$BUILD/xenstore/xenstored" ]; then
    copy_prog "$R" "$BUILD/xenstore/xenstored" usr/sbin/xenstored
    copy_prog "$R" "$BUILD/xenstore/xenstore" usr/bin/xenstore
    echo "XENSTORED='/usr/sbin/xenstored --pid-file /run/xen/xenstored.pid'" > "$R/etc/toolstack.conf"
else
    XB=usr/lib/xen-4.17/bin
    LP="$U/lib/x86_64-linux-gnu:$U/usr/lib/x86_64-linux-gnu"
    copy_prog "$R" "$U/$XB/oxenstored" usr/sbin/oxenstored "$LP"
    copy_prog "$R" "$U/usr/bin/xenstore" usr/bin/xenstore "$LP"
    cp "$U/etc/xen/oxenstored.conf" "$R/etc/xen/"
    echo "XENSTORED='/usr/sbin/oxenstored --pid-file /run/xen/xenstored.pid'" > "$R/etc/toolstack.conf"
fi
for t in read write ls list rm exists chmod watch; do ln -sf xenstore "$R/usr/bin/xenstore-$t"; done
XB=usr/lib/xen-4.17/bin
LP="$U/lib/x86_64-linux-gnu:$U/usr/lib/x86_64-linux-gnu"
copy_prog "$R" "$U/$XB/xl" usr/lib/xen/bin/debian-xl "$LP"
copy_prog "$R" "$U/$XB/xen-init-dom0" usr/lib/xen/bin/xen-init-dom0 "$LP"
# Debian's `xl console` execs its console client from libxl's libexec dir.
copy_prog "$R" "$U/$XB/xenconsole" "$XB/xenconsole" "$LP"
# Debian's xl save/restore hands the stream to libxl-save-helper (libxenguest).
[ "$mode" = save ] && copy_prog "$R" "$U/$XB/libxl-save-helper" usr/lib/xen-4.17/bin/libxl-save-helper "$LP"
if [ "$mode" = save ]; then
    # migration between two machines (suite 65's two-host part): QEMU's
    # virtio NIC (Debian builds the transport and the driver as modules)
    # and the nc transport that plays ssh's role
    for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
             failover net_failover virtio_net; do
        f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
        [ -n "$f" ] || { log "module $m not found in linux-image $kver"; exit 1; }
        cp "$f" "$R/lib/modules/"
    done
    install -m 0755 "$here/migrate-nc" "$R/usr/bin/migrate-nc"
    install -m 0644 "$here/init-mig2host.sh" "$R/etc/init-mig2host.sh"
fi
# glibc dlopen()s libgcc_s for pthread_cancel: Debian's xl aborts without it.
cp -L "$U/lib/x86_64-linux-gnu/libgcc_s.so.1" "$R/lib/x86_64-linux-gnu/"
cp "$U/etc/xen/xl.conf" "$R/etc/xen/"
if [ "$mode" = bench ]; then
    # the bench's marker wait (inotify: no polling load in dom0)
    XS_LIB=$BUILD/xenstore/libxenstore.a; [ -e "$XS_LIB" ] || XS_LIB=-lxenstore
    gcc -O2 -Wall -Wextra -Werror -I"$ROOT/dom0-tools/include" -o "$BUILD/xen-toolstack/bench-wait" \
        "$here/bench-wait.c" "$BUILD/dom0-tools/libctrl.a" "$XS_LIB" -lpthread -llzma -lz -lzstd
    copy_prog "$R" "$BUILD/xen-toolstack/bench-wait" usr/bin/bench-wait
fi
[ "$mode" = blk ] && . "$here/blk-image.sh"
cp "$out/vmlinuz" "$R/boot/vmlinuz"
cp "$out/domu.cpio.gz" "$R/boot/domu.cpio.gz"
[ "$mode" = save ] && cp "$out/domu-hb.cpio.gz" "$R/boot/domu-hb.cpio.gz"
cp "$here"/*.cfg "$R/etc/xen/"
head -c 4096 /dev/urandom > "$R/boot/not-a-kernel.bin"
ln -sfn ../run "$R/var/run"
install -m 0755 "$here/init-$mode.sh" "$R/init"
install -m 0644 "$here/lib.sh" "$R/etc/testlib.sh"
mkcpio "$R" "$out/dom0.cpio.gz"
log "$mode: $out (kernel $kver, dom0 initramfs $(stat -c %s "$out/dom0.cpio.gz") bytes)"
