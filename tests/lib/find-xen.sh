#!/usr/bin/env bash
# find-xen.sh — print the path of the real Xen 4.17 used as the oracle and
# the same-run reference (guest tests on Xen, benchmarks): $XEN_BIN if set,
# else the shared reference build's out/xen (../shared/reference/xen, when
# its build finished: out/dom0.cpio.gz, its last product, is there), else Debian's xen-hypervisor-4.17-amd64 downloaded
# with apt-get download (boot/fetch-debs.sh; never installed), unpacked under
# build/tests/guests/xen-ref/.  Exits 1 with a reason on stderr if none.
# Usage: XEN=$(tests/lib/find-xen.sh) || ...
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
ref=$ROOT/../shared/reference/xen/.work/out/xen
if [ -n "${XEN_BIN:-}" ] && [ -f "$XEN_BIN" ]; then echo "$XEN_BIN"; exit 0; fi
if [ -z "${XEN_NO_REFERENCE:-}" ] && [ -s "$ref" ] && [ -s "$(dirname "$ref")/dom0.cpio.gz" ]; then
    echo "$ref"; exit 0
fi
dir=$BUILD/tests/guests/xen-ref
log=$BUILD/test-logs/fetch-xen.log
mkdir -p "$dir" "$(dirname "$log")"
if [ ! -s "$dir/xen" ]; then
    deb=$("$ROOT/boot/fetch-debs.sh" xen-hypervisor-4.17-amd64 2>>"$log" | tail -n1)
    [ -n "$deb" ] && [ -f "$deb" ] ||
        { echo "could not fetch xen-hypervisor-4.17-amd64 (see $log)" >&2; exit 1; }
    rm -rf "$dir/root" && dpkg -x "$deb" "$dir/root" || exit 1
    zcat "$dir"/root/boot/xen-4.17*-amd64.gz > "$dir/xen.tmp" && mv "$dir/xen.tmp" "$dir/xen" || exit 1
fi
echo "$dir/xen"
