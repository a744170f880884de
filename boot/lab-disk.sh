#!/bin/sh
# lab-disk.sh — make the lab's persistent disk once: an empty 4 GiB ext4
# image (sparse: it takes what is written), made without root by
# mkfs.ext4.  boot/run.sh calls it when the image is missing; dom0 fills it
# on its first boot (boot/dom0/lab-devices.sh).  Never overwrites.
#   boot/lab-disk.sh [IMAGE] [SIZE]   (default build/lab-disk.img, 4G)
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
img=${1:-$BUILD/lab-disk.img}
size=${2:-${LAB_DISK_SIZE:-4G}}
if [ -e "$img" ]; then
    echo "lab-disk: $img exists, kept" >&2
    exit 0
fi
mkfs=$(command -v mkfs.ext4 || echo /sbin/mkfs.ext4)
mkdir -p "$(dirname "$img")"
"$mkfs" -q -L labdisk "$img.tmp" "$size" >&2 && mv "$img.tmp" "$img"
echo "lab-disk: made $img ($size ext4, sparse); delete it to start fresh" >&2
