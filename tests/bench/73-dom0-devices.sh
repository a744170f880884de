#!/usr/bin/env bash
# 73-dom0-devices.sh — dom0 driving the machine's devices: the same Debian
# kernel and initramfs (tests/linux/dom0-devices.sh, devphase=bench) on
#   ours     our hypervisor, dom0_mem=1024M on a 2 GiB machine
#   xen      the real Xen 4.17, the same (tests/lib/find-xen.sh)
#   direct   QEMU booting the kernel with no hypervisor, a 1 GiB machine
#            (the limit)
# measures, inside Linux: 256 MiB written to QEMU's virtio-blk disk
# (O_DIRECT, fsync inside the timing) and read back (O_DIRECT); 64 MiB
# fetched from an HTTP server on the host's loopback through QEMU's user
# network (10.0.2.2 inside), and 64 MiB sent to a sink there.  Each side
# boots RUNS times (default 3), alternating sides; a row prints the median
# MB/s and the range of the runs that produced it, and how many did; a side
# with no run giving the figure prints FAILED.  Goals: >= 0.9x direct and
# >= 1.2x Xen on each row.  Both command lines are printed.
# Env: RUNS, XEN_REF (a Xen 4.17 ELF).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
RUNS=${RUNS:-3}
L=$BUILD/linux
logs=$BUILD/bench-logs/73-dom0-devices
mkdir -p "$logs"
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp \
        BUILD="$BUILD" >"$logs/build.log" 2>&1; then
    echo "73-dom0-devices: the hypervisor did not build (see $logs/build.log)" >&2; exit 1
fi
"$ROOT/boot/dom0-initramfs.sh" >"$logs/image.log" 2>&1 ||
    { echo "73-dom0-devices: cannot build the Linux image (see $logs/image.log)" >&2; exit 1; }
XEN_REF=${XEN_REF:-$("$ROOT/tests/lib/find-xen.sh" 2>"$logs/find-xen.log")}
mkfs=$(command -v mkfs.ext4 || echo /sbin/mkfs.ext4)

# The host side: an HTTP server for /big64 and a sink that counts what a
# connection sends (up to 64 MiB or its end) and answers with the count.
www=$logs/www
rm -rf "$www"; mkdir -p "$www"
head -c $((64 << 20)) /dev/zero > "$www/big64"
echo "probe-bench" > "$www/probe"
rm -f "$logs/ports"
python3 - "$www" "$logs/ports" > "$logs/servers.log" 2>&1 <<'PY' &
import functools, http.server, socketserver, sys, threading
class Sink(socketserver.BaseRequestHandler):
    def handle(self):
        n = 0
        while n < 64 << 20:
            b = self.request.recv(1 << 16)
            if not b:
                break
            n += len(b)
        self.request.sendall(b"%d\n" % n)
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
sink = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Sink)
threading.Thread(target=sink.serve_forever, daemon=True).start()
open(sys.argv[2], "w").write("%d %d" % (web.server_address[1], sink.server_address[1]))
web.serve_forever()
PY
srv_pid=$!
trap 'kill "$srv_pid" 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$logs/ports" ] && break; sleep 0.1; done
read -r port sinkport < "$logs/ports" 2>/dev/null
[ -n "${sinkport:-}" ] || { echo "73-dom0-devices: the host's servers did not start (see $logs/servers.log)" >&2; exit 1; }

linux_args="swiotlb=1024 test=dom0-devices devphase=bench devport=$port devfile=probe-bench devsink=$sinkport"
ours_args="console=com1 dom0_mem=1024M"
xen_args="console=com1 com1=115200 dom0_mem=1024M noreboot"

# one SIDE N: a fresh 512 MiB ext4 image, one boot; the figure lines go to
# $logs/SIDE-N.rows as "name MB/s".
one() {
    local side=$1 n=$2 disk=$logs/disk-$1.img log=$logs/$1-$2.log
    rm -f "$disk"
    "$mkfs" -q -F -L benchdisk "$disk" 512M >>"$logs/mkfs.log" 2>&1 || { : > "$logs/$side-$n.rows"; return; }
    local dev=(-drive "if=virtio,file=$disk,format=raw" -nic user,model=virtio-net-pci)
    case $side in
    ours) "$RUN" --name "$side-$n" --timeout 900 --log "$log" --expect 'Domain 0 shutdown: poweroff' -- \
              -m 2048 "${dev[@]}" -kernel "$BUILD/hypervisor.elf" -append "$ours_args" \
              -initrd "$L/vmlinuz console=hvc0 earlyprintk=xen $linux_args,$L/dom0.cpio.gz" ;;
    xen)  "$RUN" --name "$side-$n" --timeout 900 --log "$log" -- \
              -m 2048 "${dev[@]}" -kernel "$XEN_REF" -append "$xen_args" \
              -initrd "$L/vmlinuz console=hvc0 earlyprintk=xen $linux_args,$L/dom0.cpio.gz" ;;
    direct) "$RUN" --name "$side-$n" --timeout 900 --log "$log" -- \
              -m 1024 "${dev[@]}" -kernel "$L/vmlinuz" -initrd "$L/dom0.cpio.gz" \
              -append "console=ttyS0 $linux_args" ;;
    esac >>"$logs/runs.log" 2>&1
    sed -n 's/.*LINUX BENCH: \([a-z-]*\) \([0-9.]*\) MB\/s.*/\1 \2/p' "$log" > "$logs/$side-$n.rows"
    grep -a 'LINUX FAIL' "$log" | sed "s/^/  $side run $n: /"
}

sides=(ours direct)
if [ -n "$XEN_REF" ] && [ -f "$XEN_REF" ]; then sides+=(xen)
else echo "73-dom0-devices: no Xen 4.17 to compare with ($(tail -n1 "$logs/find-xen.log" 2>/dev/null)): its column is FAILED"; fi
for n in $(seq 1 "$RUNS"); do
    for side in "${sides[@]}"; do one "$side" "$n"; done
done

# stat SIDE ROW: "median min max count" over the runs that gave the row.
stat() {
    cat "$logs/$1"-*.rows 2>/dev/null | awk -v r="$2" '$1 == r { print $2 }' | sort -n |
        awk '{ v[++n] = $1 } END { if (!n) { print "- - - 0"; exit }
            m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            print m, v[1], v[n], n }'
}
echo "73-dom0-devices: MB/s, median [range] over the runs giving the row (of $RUNS per side)"
echo "  ours:   hypervisor '$ours_args', -m 2048; dom0 'console=hvc0 earlyprintk=xen $linux_args'"
echo "  xen:    hypervisor '$xen_args', -m 2048; dom0 the same"
echo "  direct: no hypervisor, -m 1024; Linux 'console=ttyS0 $linux_args'"
printf '  %-11s %-24s %-24s %-24s %-9s %s\n' row ours xen direct ours/dir ours/xen
for row in disk-write disk-read net-rx net-tx; do
    cells=() ; meds=()
    for side in ours xen direct; do
        read -r m lo hi c <<<"$(stat "$side" "$row")"
        if [ "$c" = 0 ]; then cells+=("FAILED"); meds+=("-")
        else cells+=("$m [$lo-$hi] n=$c"); meds+=("$m"); fi
    done
    ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
    printf '  %-11s %-24s %-24s %-24s %-9s %s\n' "$row" "${cells[0]}" "${cells[1]}" "${cells[2]}" \
        "$(ratio "${meds[0]}" "${meds[2]}")" "$(ratio "${meds[0]}" "${meds[1]}")"
done
echo "  goals: ours/direct >= 0.9, ours/xen >= 1.2 on each row"
