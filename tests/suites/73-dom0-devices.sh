#!/usr/bin/env bash
# 73-dom0-devices.sh — dom0 drives the machine's devices: Debian's kernel
# boots as dom0 with ACPI and PCI on (no acpi=off pci=off) and QEMU's
# virtio-blk disk and virtio-net NIC, and tests/linux/dom0-devices.sh checks
# inside it: the PCI scan lists both, the disk (an ext4 image made here
# without root, mkfs.ext4 -d) mounts, a token is written with fsync; the
# NIC takes a DHCP lease on QEMU's user network and fetches a file from a
# server this script runs on the host's loopback (10.0.2.2 inside); 32 MiB
# to the disk while 16 MiB arrive over the NIC; the interrupts arrive as
# PIRQ events.  Boot 2 writes a second token with fsync and QEMU is killed
# while it keeps writing; boot 3 mounts (journal replay) and finds both.
# The lab (build/lab.iso with boot/run.sh's disk and NIC) keeps a file in
# /etc/xen across two boots and reaches the host through xenbr0.  The write
# boot also runs on the real Xen 4.17 (tests/lib/find-xen.sh) as the
# oracle with XEN=1 (make test-xen; `make test` leaves it out for CI time,
# with a SKIP line).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
L=$BUILD/linux
logs=$BUILD/test-logs/73-dom0-devices
mkdir -p "$logs"
TIMEOUT=${LINUX_TIMEOUT:-900}

if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp \
        BUILD="$BUILD" >"$logs/build.log" 2>&1; then
    echo "FAIL: dom0-devices/build the hypervisor did not build (see $logs/build.log)"
    exit 0
fi
if ! "$ROOT/boot/dom0-initramfs.sh" > "$logs/image.log" 2>&1; then
    echo "FAIL: dom0-devices/image could not build the Debian kernel + initramfs (see $logs/image.log)"
    exit 0
fi
mkfs=$(command -v mkfs.ext4 || echo /sbin/mkfs.ext4)

# The host side of the network check: a static HTTP server on an ephemeral
# loopback port, stopped by PID when the suite ends.
www=$logs/www
rm -rf "$www"; mkdir -p "$www"
token=t$$-$(date +%s)
echo "probe-$token" > "$www/probe"
head -c $((16 << 20)) /dev/zero > "$www/big"
rm -f "$logs/http.port"          # a stale one would name a dead server
python3 - "$www" "$logs/http.port" > "$logs/http.log" 2>&1 <<'PY' &
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
http_pid=$!
trap 'kill "$http_pid" 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$logs/http.port" ] && break; sleep 0.1; done
port=$(cat "$logs/http.port" 2>/dev/null)
[ -n "$port" ] || { echo "FAIL: dom0-devices/http the host's test server did not start (see $logs/http.log)"; exit 0; }

# A fresh 160 MiB ext4 image per hypervisor, made without root.
mkdisk() {
    rm -f "$1"; mkdir -p "$logs/seed"; echo "made by suite 73" > "$logs/seed/README"
    "$mkfs" -q -F -L dom0disk -d "$logs/seed" "$1" 160M >>"$logs/mkfs.log" 2>&1
}

# boot NAME DISK PHASE [qemu-run options --] -kernel HV -append HVARGS, with
# the dom0 line and initramfs appended; the in-dom0 checks become lines.
boot() {
    local name=$1 disk=$2 phase=$3 hv=$4 hvargs=$5; shift 5
    local extra="" dom0="console=hvc0 earlyprintk=xen swiotlb=1024"
    [ "$phase" = read ] && extra="devcrashed=${CRASHED:-0}"
    out=$("$RUN" --name "$name" --timeout "$TIMEOUT" --log "$logs/$name.log" "$@" \
          -- -m 2048 -drive "if=virtio,file=$disk,format=raw" -nic user,model=virtio-net-pci \
          -kernel "$hv" -append "$hvargs" \
          -initrd "$L/vmlinuz $dom0 test=dom0-devices devphase=$phase devtoken=$token devport=$port devfile=probe-$token $extra,$L/dom0.cpio.gz")
    sed -n "s/^\[ *[0-9.]*\] LINUX \(PASS\|FAIL\): \([^ ]*\) \(.*\)$/\1: $name\/\2 \3/p" "$logs/$name.log"
    echo "$out"
}

ours=$BUILD/hypervisor.elf
ours_args="console=com1 dom0_mem=1024M"
mkdisk "$logs/disk-ours.img"
boot dom0-devices-write "$logs/disk-ours.img" write "$ours" "$ours_args" \
    --expect 'Domain 0 shutdown: poweroff' --expect 'IO-APIC 0 at 0xfec00000'
# Killed by the runner 1 s after the verdict, while dom0 keeps writing.
boot dom0-devices-crash "$logs/disk-ours.img" crash "$ours" "$ours_args" \
    --grace 1 --expect 'dom0-devices: writing until killed'
CRASHED=1 boot dom0-devices-read "$logs/disk-ours.img" read "$ours" "$ours_args" \
    --expect 'Domain 0 shutdown: poweroff'

# The lab as `make run` boots it (boot/run.sh's devices: a virtio disk made
# by boot/lab-disk.sh, a virtio NIC on the user network), driven over the
# serial console: the disk holds /etc/xen and /var/lib/xen, xenbr0 gets a
# lease and reaches the host; a file written in one boot is there in the next.
if iso=$("$ROOT/boot/mklab.sh" 2>>"$logs/image.log"); then
    labdisk=$logs/lab-disk.img
    rm -f "$labdisk"
    if "$ROOT/boot/lab-disk.sh" "$labdisk" 1G 2>>"$logs/image.log"; then
        lab() {
            "$ROOT/tests/lib/console-session.py" --name "$1" --timeout 900 --log "$logs/$1.log" \
                --step 'lab-devices: /dev/vda mounted on /mnt/lab-disk' '' \
                --step 'lab-devices: xenbr0 has 10\.0\.2\.' '' \
                --step 'dom0:/# ' "$2" --step "$3" 'poweroff -f' \
                --final 'Domain 0 shutdown: poweroff' \
                -- -m 2048 -drive "if=virtio,file=$labdisk,format=raw" -nic user,model=virtio-net-pci -cdrom "$iso"
        }
        lab lab-disk-first "echo kept-$token > /etc/xen/kept; sync; wget -q -O - http://10.0.2.2:$port/probe" "probe-$token"
        lab lab-disk-again "cat /etc/xen/kept; ls /var/lib/xen/images" "kept-$token"
    else
        echo "FAIL: lab-disk boot/lab-disk.sh could not make the image (see $logs/image.log)"
    fi
else
    echo "FAIL: lab-disk could not build build/lab.iso (see $logs/image.log)"
fi

# The oracle: the same dom0 checks on Xen 4.17, its own dom0 line otherwise
# (the write boot: devices, disk, network, load).
if [ "${XEN:-0}" = 0 ]; then
    echo "SKIP: dom0-devices-xen the Xen 4.17 oracle runs with XEN=1 (make test-xen)"
elif ! xen=$("$ROOT/tests/lib/find-xen.sh" 2>"$logs/find-xen.log"); then
    echo "SKIP: dom0-devices-xen no Xen 4.17 to run on: $(tail -n1 "$logs/find-xen.log")"
else
    mkdisk "$logs/disk-xen.img"
    xen_args="console=com1 com1=115200 dom0_mem=1024M noreboot"
    boot dom0-devices-xen-write "$logs/disk-xen.img" write "$xen" "$xen_args"
fi
exit 0
