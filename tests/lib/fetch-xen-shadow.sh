#!/usr/bin/env bash
# fetch-xen-shadow.sh — print the path of Debian 12's bookworm/main Xen
# 4.17 hypervisor build (4.17.5+72-g01140da4e8-1, CONFIG_SHADOW_PAGING=y),
# downloaded with apt-get download (never installed) and unpacked under
# build/tests/guests/xen-shadow/.  The bookworm-security build that
# find-xen.sh gives has no shadow paging, so no PV log-dirty mode and no
# live migration; this one has both.  Exits 1 with a reason on stderr.
# Usage: SAVE_XEN_BIN=$(tests/lib/fetch-xen-shadow.sh) SAVE_BEDS=xen tests/suites/65-saverestore.sh
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
ver=${XEN_SHADOW_VERSION:-4.17.5+72-g01140da4e8-1}
dir=$BUILD/tests/guests/xen-shadow
mkdir -p "$dir"
if [ ! -s "$dir/xen" ]; then
    ( cd "$dir" && ls xen-hypervisor-4.17-amd64_*.deb >/dev/null 2>&1 ||
        apt-get download "xen-hypervisor-4.17-amd64=$ver" >&2 ) ||
        { echo "cannot download xen-hypervisor-4.17-amd64=$ver (apt-get update?)" >&2; exit 1; }
    rm -rf "$dir/root" && dpkg -x "$dir"/xen-hypervisor-4.17-amd64_*.deb "$dir/root" || exit 1
    grep -q '^CONFIG_SHADOW_PAGING=y' "$dir"/root/boot/xen-4.17*-amd64.config ||
        { echo "xen-hypervisor-4.17-amd64=$ver has no CONFIG_SHADOW_PAGING" >&2; exit 1; }
    zcat "$dir"/root/boot/xen-4.17*-amd64.gz > "$dir/xen.tmp" && mv "$dir/xen.tmp" "$dir/xen" || exit 1
fi
echo "$dir/xen"
