#!/usr/bin/env bash
# run-on-xen.sh — the oracle run: boots every test guest listed for "xen" in
# tests/guests/tests.list as dom0 of the real Xen 4.17 under QEMU TCG, one
# after another, and prints one PASS/FAIL/SKIP line per test.
#
# Usage: tests/guests/run-on-xen.sh [name-pattern]
# Xen binary: $XEN_BIN, else the reference build's out/xen (when its build log
# says rc=0; XEN_NO_REFERENCE=1 ignores it), else Debian's
# xen-hypervisor-4.17-amd64 fetched with apt-get download (boot/fetch-debs.sh)
# and unpacked into build/tests/guests/xen-ref/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
out=$BUILD/tests/guests
pat=${1:-}
logs=$BUILD/test-logs/guests-xen
mkdir -p "$logs"

find_xen() { "$ROOT/tests/lib/find-xen.sh"; }

# Build the guests unless the caller already did (make tests-build).
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/guests FLAVOR=host \
        BUILD="$BUILD" >"$logs/build.log" 2>&1; then
    echo "FAIL: guests/build: tests/guests did not build (see $logs/build.log)"
    exit 0
fi

xen=$(find_xen) || xen=""
if [ -z "$xen" ]; then
    while read -r name expect where _; do
        [ -z "$name" ] || [[ "$name" == \#* ]] && continue
        [[ ",$where," == *,xen,* ]] || continue
        echo "SKIP: guests-xen/$name no Xen 4.17 binary (reference build absent, apt-get download failed)"
    done < "$here/tests.list"
    exit 0
fi

# Xen halts (not powers off) the machine when dom0 shuts down, so the run
# stops a moment after the verdict; "Hardware Dom0 halted" proves the
# guest's SCHEDOP_shutdown(poweroff) was honoured.
runner=$ROOT/tests/lib/qemu-run.py
xen_cmdline="console=com1 com1=115200 loglvl=all guest_loglvl=all noreboot dom0_mem=64M"
while read -r name expect where tmo extra; do
    [ -z "$name" ] || [[ "$name" == \#* ]] && continue
    [ -n "$pat" ] && [[ "$name" != *"$pat"* ]] && continue
    if [[ ",$where," != *,xen,* ]]; then
        continue     # ours-only tests: see tests.list
    fi
    smp=1 append=$xen_cmdline
    [[ "${extra:-}" == *smp=2* ]] && smp=2
    [[ "${extra:-}" == *dom0vcpus=2* ]] && append="$append dom0_max_vcpus=2-2"
    case $expect in
    crash)
        judge=(--mark "Dom0 crashed|Domain 0 crashed|Domain 0 \(vcpu#[0-9]+\) crashed"
               --exit-on-mark --reject "Test result:") ;;
    reboot)
        judge=(--expect "Dom0 shutdown: rebooting machine" --grace 1) ;;
    *)
        judge=(--expect "Hardware Dom0 halted" --grace 0.2) ;;
    esac
    if [ ! -f "$out/$name.elf" ]; then
        echo "FAIL: guests-xen/$name guest image was not built"
        continue
    fi
    line=$(python3 "$runner" --name "guests-xen/$name" --timeout "${tmo:-30}" \
        --log "$logs/$name.log" "${judge[@]}" -- \
        -m 512 -smp "$smp" -nic none -kernel "$xen" -append "$append" \
        -initrd "$out/$name.elf" 2>>"$logs/failures.log" </dev/null)
    rc=$?
    # A runner that dies without its one line must not make a test vanish.
    case $line in
    PASS:*|FAIL:*|SKIP:*) printf '%s\n' "$line" ;;
    *) echo "FAIL: guests-xen/$name the runner printed no result (exit status $rc)" ;;
    esac
done < "$here/tests.list"
exit 0
