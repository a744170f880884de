#!/usr/bin/env bash
# 65-saverestore.sh — xl save / restore of a PV guest, on our hypervisor and
# on the real Xen 4.17 (the oracle), with the same dom0 image
# (boot/xen-dom0/init-save.sh): a heartbeat guest (a counter each second
# and the md5 of 4 MiB it keeps) is saved, restored and counts on with the
# same checksum; `save -c` keeps it running and its file restores too; a
# truncated and a corrupt file are refused by name without leaving a
# domain; `xl clone` runs a second copy beside it.  On Xen the files also
# cross between our xl and Debian's xl 4.17
# both ways.  Each check inside dom0 becomes "PASS/FAIL: <bed>-<check>";
# each boot passes only with a SUCCESS verdict.
# SAVE_BEDS="ours xen" (make test-xen; `make test` runs "ours" for CI time) picks the beds; SAVE_ONLY=cross runs only
# the create and the cross-restore part (a diagnostic, not the suite).
# xl migrate to localhost (a fake ssh) runs on both beds: stop-and-copy on
# ours and on Debian's security Xen (no log-dirty mode), live with pre-copy
# rounds on a Xen with shadow paging:
#   SAVE_XEN_BIN=$(tests/lib/fetch-xen-shadow.sh) SAVE_BEDS=xen tests/suites/65-saverestore.sh
# (SAVE_ONLY=migrate: only the create and the migration part, a diagnostic.)
# With the "ours" bed, xl migrate also moves the guest between two QEMU
# machines running our hypervisor (two_host below; SAVE_2HOST=0 skips it,
# SAVE_ONLY=2host runs only it).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"

if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2; then
    echo "FAIL: saverestore: building the hypervisor or the dom0 tools failed"; exit 0
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: saverestore qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/save
if ! "$ROOT/boot/xen-dom0-initramfs.sh" save "$out" 2>"$logs/65-initramfs.err"; then
    if grep -q "apt-get download" "$logs/65-initramfs.err"; then
        echo "SKIP: saverestore cannot download Debian's Xen/Linux packages: $(tail -n1 "$logs/65-initramfs.err")"
    else
        echo "FAIL: saverestore building the dom0 initramfs failed: $(tail -n1 "$logs/65-initramfs.err")"
    fi
    exit 0
fi

[ "${SAVE_BEDS:-ours}" = ours ] &&
    echo "SKIP: save-xen the Xen 4.17 bed (and Debian's xl cross-restore) runs with SAVE_BEDS=\"ours xen\" (make test-xen)"
for bed in ${SAVE_BEDS:-ours}; do
    [ "${SAVE_ONLY:-}" = 2host ] && continue
    serial=$logs/65-saverestore-$bed.serial.log
    case $bed in
    ours) kernel=$BUILD/hypervisor.elf; extra="acpi=off pci=off swiotlb=1024" ;;
    xen)  kernel=${SAVE_XEN_BIN:-$out/xen}; extra="xen_bed=1${SAVE_XEN_BIN:+ save_live=1}" ;;
    *) echo "FAIL: saverestore unknown bed $bed"; continue ;;
    esac
    t0=$(date +%s)
    verdict=$(nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "saverestore-$bed" --timeout 1500 \
        --log "$serial" --grace 5 -- \
        -m 2048 -smp 2 -nic none \
        -kernel "$kernel" \
        -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
        -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen $extra${SAVE_ONLY:+ save_only=$SAVE_ONLY},$out/dom0.cpio.gz")
    grep -aoE 'T60 (PASS|FAIL): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e "s/^\(PASS\|FAIL\): /&$bed-/"
    grep -aoE 'T60 (SKIP): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e "s/^SKIP: /&$bed-/"
    grep -aoE 'T60 (xl save|xl restore|heartbeat).*' "$serial" | sed "s/^T60 /# $bed: /" >&2
    echo "# $bed: $(( $(date +%s) - t0 )) s" >&2
    echo "$verdict"
done

# ---- xl migrate between two machines running our hypervisor: two QEMUs
# whose virtio NICs are linked by -netdev socket (the receiver's QEMU
# listens on a free host port) with a 65000-byte MTU, dom0s 192.168.77.1
# and .2; the sender migrates the heartbeat guest to 192.168.77.1:8002
# (migrate-nc -l there) with `xl migrate -s migrate-nc`
# (boot/xen-dom0/init-mig2host.sh).  MIG2_NET=user links them through two
# user networks and the host instead (a hostfwd to the receiver's dom0,
# the lab's way; about 10x slower under TCG: every 1500-byte frame is an
# interrupt in each dom0).  The sender starts once the receiver listens.
# SAVE_2HOST=0 leaves it out.
two_host() {
    local rlog=$logs/65-mig2-recv.serial.log slog=$logs/65-mig2-send.serial.log
    local hv=$BUILD/hypervisor.elf port rpid t0 rverdict sverdict ssum rsum rnet snet rargs sargs
    local hvargs="console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot"
    local dom0="$out/vmlinuz console=hvc0 earlyprintk=xen swiotlb=1024"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [ "${MIG2_NET:-socket}" = user ]; then
        rnet=(-nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$port-:8002")
        snet=(-nic user,model=virtio-net-pci)
        rargs=""; sargs="mig2to=10.0.2.2:$port"
    else
        rnet=(-netdev "socket,id=mig,listen=127.0.0.1:$port"
              -device virtio-net-pci,netdev=mig,host_mtu=65000,mac=52:54:00:77:00:01)
        snet=(-netdev "socket,id=mig,connect=127.0.0.1:$port"
              -device virtio-net-pci,netdev=mig,host_mtu=65000,mac=52:54:00:77:00:02)
        rargs="mig2ip=192.168.77.1/24"; sargs="mig2ip=192.168.77.2/24 mig2to=192.168.77.1:8002"
    fi
    t0=$(date +%s)
    rm -f "$rlog" "$slog" "$logs/65-mig2-recv.verdict"
    nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name saverestore-2host-receiver --timeout 2400 \
        --log "$rlog" --grace 5 -- -m 2048 -smp 2 "${rnet[@]}" \
        -kernel "$hv" -append "$hvargs" -initrd "$dom0 mig2=recv $rargs,$out/dom0.cpio.gz" \
        > "$logs/65-mig2-recv.verdict" &
    rpid=$!
    while kill -0 "$rpid" 2>/dev/null && ! grep -q 'T60 mig2 receiver listening' "$rlog" 2>/dev/null; do
        sleep 1
    done
    if ! grep -q 'T60 mig2 receiver listening' "$rlog" 2>/dev/null; then
        wait "$rpid"
        echo "FAIL: ours-2host-receiver-listens (the receiver's dom0 never listened; $rlog)"
        cat "$logs/65-mig2-recv.verdict"
        return
    fi
    pass "ours-2host-receiver-listens"
    sverdict=$(nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name saverestore-2host-sender \
        --timeout 1500 --log "$slog" --grace 5 -- -m 2048 -smp 2 "${snet[@]}" \
        -kernel "$hv" -append "$hvargs" -initrd "$dom0 mig2=send $sargs,$out/dom0.cpio.gz")
    # a sender that never connected leaves the receiver waiting: stop it
    grep -q 'T60 mig2 xl migrate took' "$slog" || kill -TERM "$rpid" 2>/dev/null
    wait "$rpid"
    rverdict=$(cat "$logs/65-mig2-recv.verdict")
    for f in "$slog" "$rlog"; do
        grep -aoE 'T60 (PASS|FAIL): .*' "$f" | sed -e 's/^T60 //' -e 's/\r$//' -e "s/^\(PASS\|FAIL\): /&ours-/"
    done
    grep -ahoE 'T60 mig2 .*' "$slog" "$rlog" | sed -e 's/\r$//' -e 's/^T60 /# ours: /' >&2
    ssum=$(sed -n 's/.*T60 mig2 send sum \([0-9a-f]\{32\}\) .*/\1/p' "$slog" | head -n1)
    rsum=$(sed -n 's/.*T60 mig2 recv sum \([0-9a-f]\{32\}\) .*/\1/p' "$rlog" | head -n1)
    if [ -n "$ssum" ] && [ "$ssum" = "$rsum" ]; then
        pass "ours-2host-same-checksum"
    else
        echo "FAIL: ours-2host-same-checksum (sender ${ssum:-none}, receiver ${rsum:-none})"
    fi
    echo "# ours two-host: $(( $(date +%s) - t0 )) s" >&2
    echo "$rverdict"
    echo "$sverdict"
}
pass() { echo "PASS: $1"; }

# migrate-nc itself, on the host with the image's busybox and a stand-in
# for xl that counts what it receives: it carries xl migrate-receive with
# its flags and the stream, and runs nothing else.
transport_check() {
    local bb=$BUILD/xen-toolstack/dom0-root-save/bin/busybox d=$logs/65-migrate-nc p got
    rm -rf "$d"; mkdir -p "$d/bin"
    ln -s "$bb" "$d/bin/nc"
    printf '#!%s sh
echo "args: $*"; wc -c
' "$bb" > "$d/bin/xl"; chmod 0755 "$d/bin/xl"
    free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
    serve_one() {   # PORT INPUT-FILE COMMAND...: one connection, what the server answered
        local port=$1 in=$2; shift 2
        PATH=$d/bin:$PATH timeout 60 "$bb" sh "$ROOT/boot/xen-dom0/migrate-nc" -l "$port" 2>>"$d/server.err" &
        local spid=$!
        for _ in $(seq 50); do
            PATH=$d/bin:$PATH "$bb" sh "$ROOT/boot/xen-dom0/migrate-nc" "127.0.0.1:$port" "$@" < "$in" 2>>"$d/client.err" && break
            sleep 0.2
        done
        wait "$spid"
    }
    head -c 300000 /dev/urandom > "$d/stream"
    got=$(serve_one "$(free_port)" "$d/stream" xl migrate-receive -e -vv)
    if [ "$got" = "$(printf 'args: migrate-receive -e -vv
300000')" ]; then
        pass "2host-transport-carries-the-stream"
    else
        echo "FAIL: 2host-transport-carries-the-stream (got \"$got\"; $d)"
    fi
    got=$(serve_one "$(free_port)" "$d/stream" rm -rf /)
    if [ -z "$got" ] && grep -q 'migrate-nc: refused "rm -rf /"' "$d/server.err"; then
        pass "2host-transport-runs-only-migrate-receive"
    else
        echo "FAIL: 2host-transport-runs-only-migrate-receive (got \"$got\"; $d/server.err)"
    fi
}
case " ${SAVE_BEDS:-ours} " in
*" ours "*)
    if [ "${SAVE_2HOST:-1}" = 0 ] || [ -n "${SAVE_ONLY:-}" -a "${SAVE_ONLY:-}" != 2host ]; then
        echo "SKIP: ours-2host the two-machine migration is left out (SAVE_2HOST=0 or SAVE_ONLY=${SAVE_ONLY:-})"
    else
        transport_check
        two_host
    fi ;;
esac
exit 0
