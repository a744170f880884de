# blk-image.sh — the block-backend additions to the toolstack test image
# (sourced by boot/xen-dom0-initramfs.sh in `blk' mode, bash): our blkback
# daemon beside xl in dom0, and a second domU initramfs whose /init
# (domu-blk-init.sh) drives xen-blkfront, with the ext4 modules for a
# filesystem on the PV disk (busybox's mke2fs makes it), the hostile
# frontend and the disk benchmark; loop and xen-blkback for dom0 (bench).
# Uses: ROOT BUILD U kver here R D out (set by the caller).
[ -x "$BUILD/pv-drivers/bin/blkback" ] || { log "pv-drivers/bin/blkback not built (make)"; exit 1; }
copy_prog "$R" "$BUILD/pv-drivers/bin/blkback" usr/sbin/blkback
DB=$BUILD/xen-toolstack/domu-root-blkfront
rm -rf "$DB"; cp -a "$D" "$DB"
install -m 0755 "$here/domu-blk-init.sh" "$DB/init"
# the hostile frontend (blkphase=hostile), static: the domU has no libc
XS_LIB=$BUILD/xenstore/libxenstore.a
gcc -static -O2 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
    -I"$ROOT/hypervisor/include" -I"$ROOT/xenstore/include" -I"$ROOT/dom0-tools/include" \
    -o "$BUILD/xen-toolstack/blk-hostile" "$here/blk-hostile.c" "$XS_LIB" -lpthread
install -m 0755 "$BUILD/xen-toolstack/blk-hostile" "$DB/bin/blk-hostile"
# the disk benchmark (bench 62)
gcc -static -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$BUILD/xen-toolstack/blk-bench" "$here/blk-bench.c"
install -m 0755 "$BUILD/xen-toolstack/blk-bench" "$DB/bin/blk-bench"
# dom0: the kernel's own backend and loop devices, the bench's reference
for m in loop xen-blkback; do
    f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
    [ -n "$f" ] || { log "module $m not found in linux-image $kver"; exit 1; }
    cp "$f" "$R/lib/modules/"
done
# insmod order = dependency order (no modules.dep in the initramfs)
for m in xen-blkfront crc16 mbcache jbd2 crc32c_generic ext4 xen-evtchn xen-gntalloc; do
    f=$(find "$U/lib/modules/$kver" -name "$m.ko" | head -n1)
    [ -n "$f" ] || { log "module $m not found in linux-image $kver"; exit 1; }
    cp "$f" "$DB/lib/modules/"
done
mkcpio "$DB" "$out/domu-blk.cpio.gz"
cp "$out/domu-blk.cpio.gz" "$R/boot/domu-blk.cpio.gz"
