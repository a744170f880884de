#!/usr/bin/env bash
# debian-vmlinuz.sh — print the path of Debian's unmodified vmlinuz for
# tests that need the real kernel: $DEBIAN_VMLINUZ if set, else the shared
# reference build's (../shared/reference/xen), else boot/dom0-initramfs.sh's
# copy (apt-get download of linux-image-amd64's kernel, cached under
# build/).  Exits 1 with the reason on stderr if none can be had.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
for k in "${DEBIAN_VMLINUZ:-}" "$ROOT/../shared/reference/xen/.work/out/vmlinuz" "$BUILD/linux/vmlinuz"; do
    [ -n "$k" ] && [ -f "$k" ] && { echo "$k"; exit 0; }
done
log=$BUILD/test-logs/debian-vmlinuz.log
mkdir -p "$(dirname "$log")"
if "$ROOT/boot/dom0-initramfs.sh" >"$log" 2>&1 && [ -f "$BUILD/linux/vmlinuz" ]; then
    echo "$BUILD/linux/vmlinuz"; exit 0
fi
echo "cannot fetch Debian's kernel (see $log)" >&2
exit 1
