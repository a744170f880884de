#!/usr/bin/env bash
# 30-guests-xen.sh — the PV test guests against the real Xen 4.17 (the
# oracle run): every guest in tests/guests/tests.list marked for xen boots as
# dom0 of Xen in QEMU TCG and must produce its expected outcome.  First, a
# quick cross-check that our own ELF loader (libelf's elfinfo, built by
# make tests-build) reads every guest image as a dom0-capable PV kernel at
# 1 MiB with a hypercall page, so the images will load on our hypervisor too.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
here=$ROOT/tests/guests

make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/guests FLAVOR=host \
    BUILD="$BUILD" >/dev/null 2>&1   # run-on-xen.sh reports a failed build

elfinfo=$BUILD/tests/unit/libelf/elfinfo
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/libelf FLAVOR=host \
        BUILD="$BUILD" >/dev/null 2>&1 || [ ! -x "$elfinfo" ]; then
    echo "FAIL: guests-loader/images elfinfo ($elfinfo) could not be built"
else
    t0=$(date +%s.%N) bad="" n=0
    for elf in "$BUILD"/tests/guests/*.elf; do
        [ -f "$elf" ] || continue
        n=$((n + 1))
        info=$("$elfinfo" "$elf" 2>&1) || { bad="$bad $(basename "$elf"):refused"; continue; }
        for want in xen_version=xen-3.0 loader=generic virt_base=0 virt_kstart=0x100000 \
                    hypercall_page=yes supported_features=0x800 segments=1; do
            grep -qx "$want" <<<"$info" || bad="$bad $(basename "$elf"):!$want"
        done
    done
    if [ "$n" -eq 0 ]; then
        echo "FAIL: guests-loader/images no guest image was built"
    elif [ -n "$bad" ]; then
        echo "FAIL: guests-loader/images$bad"
    else
        awk -v n="$n" -v a="$t0" -v b="$(date +%s.%N)" \
            'BEGIN { printf "PASS: guests-loader/images (%d images, %.2fs)\n", n, b - a }'
    fi
fi

exec "$here/run-on-xen.sh" "$@"
