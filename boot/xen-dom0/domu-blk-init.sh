#!/bin/sh
# /init of the block test domU (busybox + xen-blkfront): exercises the PV
# disks dom0's blkback serves and prints "DOMU-BLK <what> ..." lines on hvc0
# for boot/xen-dom0/init-blk.sh to check.  The kernel command line picks
# the phase:
#   blkphase=write  xvda: 4 MiB random pattern at 1 MiB, fsync'd (dom0 then
#                   SIGKILLs blkback); waits for xvdd to be hot-attached
#                   (dom0 restarted blkback that way), re-reads xvda with
#                   the page cache dropped, writes xvdd, waits for its
#                   detach; xvdc (read-only) must refuse a write; ext2 on
#                   xvdb with a file whose checksum is printed.
#   blkphase=read   after destroy + recreate: xvda's pattern and xvdb's
#                   file read back.
#   blkphase=bench  /bin/blk-bench on xvda (ours) and xvdb (the kernel's
#                   xen-blkback), blkrounds=N rounds, BLKBENCH lines.
#   blkphase=hostile  no blkfront: /bin/blk-hostile drives xvda itself
#                   (boot/xen-dom0/blk-hostile.c) and prints HOSTILE lines.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
phase=$(sed -n 's/.*blkphase=\([a-z]*\).*/\1/p' /proc/cmdline)
say() { echo "DOMU-BLK $*"; }
# wait_dev NAME SECONDS [gone]
wait_dev() {
    i=0
    while [ $i -lt $(($2 * 10)) ]; do
        if [ "$3" = gone ]; then [ -b /dev/$1 ] || return 0
        else [ -b /dev/$1 ] && return 0; fi
        usleep 100000; i=$((i + 1))
    done
    return 1
}
region_md5() { dd if=/dev/$1 bs=1M skip=1 count=4 2>/dev/null | md5sum | cut -d' ' -f1; }
ext2_up() {
    for m in crc16 mbcache jbd2 crc32c_generic ext4; do insmod /lib/modules/$m.ko 2>/dev/null; done
    mkdir -p /mnt
}
if [ "$phase" = hostile ]; then
    insmod /lib/modules/xen-evtchn.ko
    insmod /lib/modules/xen-gntalloc.ko
    /bin/blk-hostile 51712
    say "done"
    while :; do sleep 3600; done
fi
insmod /lib/modules/xen-blkfront.ko || say "insmod xen-blkfront failed"
if [ "$phase" = bench ]; then
    # xvda: our blkback; xvdb: the kernel's xen-blkback on a loop device.
    # Rounds alternate which goes first.
    wait_dev xvda 60 && wait_dev xvdb 60 || say "bench disks missing"
    rounds=$(sed -n 's/.*blkrounds=\([0-9]*\).*/\1/p' /proc/cmdline)
    r=1
    while [ $r -le ${rounds:-2} ]; do
        if [ $((r % 2)) = 1 ]; then order="xvda:ours xvdb:kernel"; else order="xvdb:kernel xvda:ours"; fi
        for d in $order; do
            /bin/blk-bench /dev/${d%%:*} ${d#*:}-$r 10
        done
        r=$((r + 1))
    done
    say "done"
    while :; do sleep 3600; done
fi
for d in xvda xvdb xvdc; do
    wait_dev $d 60 || say "no /dev/$d"
done
say "phase=$phase disks: $(ls /dev | grep '^xvd' | tr '\n' ' ')"
say "xvda sectors $(cat /sys/block/xvda/size 2>/dev/null) ro $(cat /sys/block/xvdc/ro 2>/dev/null)"
case $phase in
write)
    dd if=/dev/urandom of=/tmp/a bs=1M count=4 2>/dev/null
    a=$(md5sum /tmp/a | cut -d' ' -f1)
    if dd if=/tmp/a of=/dev/xvda bs=1M seek=1 conv=fsync 2>/dev/null; then
        say "A-fsynced md5=$a"
    else
        say "A-write-failed"
    fi
    if wait_dev xvdd 180; then
        echo 3 > /proc/sys/vm/drop_caches
        say "A-reread md5=$(region_md5 xvda)"
        dd if=/dev/urandom of=/tmp/d bs=1M count=4 2>/dev/null
        if dd if=/tmp/d of=/dev/xvdd bs=1M seek=1 conv=fsync 2>/dev/null; then
            say "D-fsynced md5=$(md5sum /tmp/d | cut -d' ' -f1)"
        else
            say "D-write-failed"
        fi
        wait_dev xvdd 120 gone && say "xvdd-gone" || say "xvdd-still-there"
    else
        say "xvdd-never-appeared"
    fi
    # the backend advertises info=VDISK_READONLY: blkfront marks the disk
    # read-only and the kernel refuses the open (the backend's own refusal
    # of a write request is covered by the host tests)
    if dd if=/dev/zero of=/dev/xvdc bs=4k count=1 conv=fsync 2>/dev/null; then
        say "ro-write-accepted ro=$(cat /sys/block/xvdc/ro)"
    else
        say "ro-write-refused ro=$(cat /sys/block/xvdc/ro)"
    fi
    ext2_up
    if mke2fs -q /dev/xvdb >/dev/null 2>&1 && mount -t ext4 /dev/xvdb /mnt; then
        dd if=/dev/urandom of=/mnt/file bs=64k count=16 2>/dev/null
        sync
        f=$(md5sum /mnt/file | cut -d' ' -f1)
        umount /mnt && say "ext2 md5=$f" || say "ext2-umount-failed"
    else
        say "ext2-mkfs-or-mount-failed"
    fi
    ;;
read)
    say "read xvda md5=$(region_md5 xvda)"
    ext2_up
    if mount -t ext4 -o ro /dev/xvdb /mnt; then
        say "read ext2 md5=$(md5sum /mnt/file | cut -d' ' -f1)"
        umount /mnt
    else
        say "read ext2-mount-failed"
    fi
    ;;
esac
say "done"
while :; do sleep 3600; done
