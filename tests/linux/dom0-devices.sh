#!/bin/sh
# dom0-devices.sh — dom0 drives the machine's PCI devices (busybox sh): QEMU's
# virtio-blk disk and virtio-net NIC, found by the PCI scan with ACPI on,
# their interrupts delivered as PIRQ events.  One line per check,
# "LINUX PASS: name (figures)" or "LINUX FAIL: name why", then the verdict.
# Kernel command-line parameters it reads:
#   devphase=write|crash|read|bench
#                          bench (tests/bench/73-dom0-devices.sh): 256 MiB
#                          written (O_DIRECT, fsync) and read back
#                          (O_DIRECT) on the disk, 64 MiB fetched from and
#                          sent to the host over the NIC, each timed as a
#                          "LINUX BENCH: name MB/s" line; runs bare too
#                          (no Xen: no PIRQ check);
#                          write: mount the disk, write + fsync /devtest
#                          holding the token, then 32 MiB to the disk while
#                          16 MiB come from the host over the NIC (interrupts
#                          under load); crash: write + fsync /devtest2, then
#                          keep writing until the runner kills QEMU (after
#                          "dom0-devices: writing until killed"); read: the
#                          files of the earlier boots are there (after a
#                          crash the mount replays the journal)
#   devtoken=WORD          the token (the runner picks a fresh one per run)
#   devcrashed=1           read: /devtest2 must hold the token too
#   devport=PORT           fetch http://10.0.2.2:PORT/probe (QEMU's user
#                          network maps 10.0.2.2 to the host's loopback) after
#                          udhcpc; absent: no network checks
#   devfile=WORD           what /probe must contain (/big: 16 MiB of zeros;
#                          bench: /big64, 64 MiB)
#   devsink=PORT           bench: a host port that counts what it is sent
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
fails=0
pass() { echo "LINUX PASS: $1 ($2)"; }
fail() { echo "LINUX FAIL: $1 $2"; fails=$((fails + 1)); }
for arg in $(cat /proc/cmdline); do
    case $arg in
    devphase=*) phase=${arg#devphase=} ;;
    devtoken=*) token=${arg#devtoken=} ;;
    devport=*) port=${arg#devport=} ;;
    devfile=*) probe=${arg#devfile=} ;;
    devcrashed=*) crashed=${arg#devcrashed=} ;;
    devsink=*) sink=${arg#devsink=} ;;
    esac
done

# The PCI scan: QEMU's virtio devices by vendor 0x1af4 (transitional
# device ids 0x1001 block, 0x1000 network; modern 0x1042 / 0x1041).
n=0; list=""
for d in /sys/bus/pci/devices/*; do
    [ -r "$d/vendor" ] || continue
    n=$((n + 1))
    list="$list ${d##*/}=$(cat "$d/vendor"):$(cat "$d/device")"
done
echo "dom0-devices: PCI$list"
has() { echo "$list" | grep -q "=0x1af4:\\($1\\)"; }
if [ "$n" -gt 0 ] && has '0x1001\|0x1042' && has '0x1000\|0x1041'; then
    pass pci-scan "$n devices, virtio-blk and virtio-net among them"
else
    fail pci-scan "$n PCI devices, virtio-blk/virtio-net not both found:$list"
fi

# Debian builds the virtio transport, the drivers and ext4 as modules; the
# initramfs has no modules.dep, so this is the dependency order.
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
         virtio_blk failover net_failover virtio_net crc16 crc32c_generic mbcache jbd2 ext4; do
    [ -e "/sys/module/$m" ] || insmod "/lib/modules/$m.ko" || fail insmod "$m"
done

now() { cut -d' ' -f1 /proc/uptime; }
# bench NAME BYTES T0: one figure line, MB/s (10^6 bytes) since T0
bench() {
    awk -v n="$2" -v t0="$3" -v t1="$(now)" -v name="$1" 'BEGIN {
        d = t1 - t0; if (d <= 0) d = 0.01
        printf "LINUX BENCH: %s %.1f MB/s (%d bytes in %.2f s)\n", name, n / d / 1e6, n, d }'
}

# Interrupts of a driver's lines, summed over CPUs, from /proc/interrupts
# (Xen's PIRQs show as "xen-pirq").
irqs() {
    awk -v pat="$1" '$0 ~ pat && /xen-pirq/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts
}

i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mkdir -p /mnt
if [ ! -b /dev/vda ]; then
    fail disk "no /dev/vda after loading virtio_blk"
elif ! mount -t ext4 /dev/vda /mnt; then
    fail disk-mount "mount -t ext4 /dev/vda failed"
else
    pass disk-mount "/dev/vda, $(awk '$1 == "/dev/vda" { print $4 }' /proc/mounts)"
    case ${phase:-} in
    write)
        echo "${token:-none}" > /mnt/devtest.tmp && dd if=/mnt/devtest.tmp of=/mnt/devtest conv=fsync 2>/dev/null &&
            rm /mnt/devtest.tmp && sync
        got=$(cat /mnt/devtest 2>/dev/null)
        if [ "$got" = "${token:-none}" ]; then
            pass disk-write "token written with fsync"
        else
            fail disk-write "read back '$got' after writing '${token:-none}'"
        fi ;;
    crash)
        echo "${token:-none}" > /mnt/devtest2.tmp && dd if=/mnt/devtest2.tmp of=/mnt/devtest2 conv=fsync 2>/dev/null &&
            rm /mnt/devtest2.tmp && sync
        if [ "$(cat /mnt/devtest 2>/dev/null)" = "${token:-none}" ] &&
           [ "$(cat /mnt/devtest2 2>/dev/null)" = "${token:-none}" ]; then
            pass disk-before-crash "the first boot's token there, a second one written with fsync"
        else
            fail disk-before-crash "tokens '$(cat /mnt/devtest 2>/dev/null)' '$(cat /mnt/devtest2 2>/dev/null)'"
        fi
        # Unsynced writes in flight when QEMU dies.
        ( i=0; while :; do dd if=/dev/urandom of=/mnt/churn$((i % 4)) bs=64k count=16 2>/dev/null; i=$((i + 1)); done ) &
        sleep 2
        echo "dom0-devices: writing until killed"
        if [ $fails -eq 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
        while :; do sleep 1; done ;;
    bench)
        # O_DIRECT both ways, so dom0's page cache does not stand in for the
        # device; the write's fsync is inside the timed part.
        t0=$(now)
        if dd if=/dev/zero of=/mnt/bench bs=1M count=256 oflag=direct conv=fsync 2>/dev/null; then
            bench disk-write $((256 << 20)) "$t0"
        else
            fail disk-write "dd of 256 MiB to /mnt/bench failed"
        fi
        echo 3 > /proc/sys/vm/drop_caches
        t0=$(now)
        n=$(dd if=/mnt/bench bs=1M iflag=direct 2>/dev/null | wc -c)
        if [ "$n" = $((256 << 20)) ]; then
            bench disk-read "$n" "$t0"
        else
            fail disk-read "read $n of $((256 << 20)) bytes back"
        fi
        rm -f /mnt/bench ;;
    read)
        got=$(cat /mnt/devtest 2>/dev/null)
        if [ "$got" = "${token:-none}" ]; then
            pass disk-persist "the first boot's token '$got' is there"
        else
            fail disk-persist "found '$got', expected '${token:-none}'"
        fi
        if [ "${crashed:-0}" = 1 ]; then
            got=$(cat /mnt/devtest2 2>/dev/null)
            if [ "$got" = "${token:-none}" ] && dmesg | grep -q 'EXT4-fs (vda).*recover\|EXT4-fs (vda): mounted'; then
                pass disk-after-crash "mounted after QEMU was killed mid-write; the fsync'd token is there ($(dmesg | grep -c 'EXT4-fs (vda): recover') journal recovery line(s))"
            else
                fail disk-after-crash "found '$got' in /devtest2, expected '${token:-none}'"
            fi
        fi ;;
    esac
fi

if [ -n "${port:-}" ]; then
    # udhcpc only negotiates; its script applies the lease.
    cat > /tmp/udhcpc.script <<'EOF'
#!/bin/sh
case $1 in
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do ip route add default via "$r" dev "$interface"; break; done
    echo "dom0-devices: $interface got $ip via ${router:-none}" ;;
esac
EOF
    chmod +x /tmp/udhcpc.script
    i=0
    while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    ip link set lo up
    if ! ip link set eth0 up 2>/dev/null; then
        fail net-dhcp "no eth0 after loading virtio_net"
    elif ! udhcpc -i eth0 -s /tmp/udhcpc.script -n -q -t 10 -T 3 >/tmp/udhcpc.log 2>&1; then
        fail net-dhcp "udhcpc got no lease: $(tr '\n' ' ' < /tmp/udhcpc.log)"
    else
        cat /tmp/udhcpc.log
        addr=$(ip -4 addr show dev eth0 | awk '/inet / { print $2 }')
        if [ -n "$addr" ]; then
            pass net-dhcp "eth0 $addr"
        else
            fail net-dhcp "udhcpc ended but eth0 has no IPv4 address"
        fi
        # A plain HTTP/1.0 request over nc: the reply's last line is the body.
        got=$(printf 'GET /probe HTTP/1.0\r\nHost: 10.0.2.2\r\n\r\n' |
              nc -w 20 10.0.2.2 "$port" 2>/tmp/nc.err | tr -d '\r' | tail -n 1)
        if [ -n "${probe:-}" ] && [ "$got" = "$probe" ]; then
            pass net-tcp "fetched the host's /probe through 10.0.2.2:$port"
        else
            fail net-tcp "GET 10.0.2.2:$port/probe got '$got' $(cat /tmp/nc.err)"
        fi
    fi
fi

# The network rows of the bench: 64 MiB from the host's HTTP server, then
# 64 MiB to its sink (which answers with the count it received).
if [ "${phase:-}" = bench ]; then
    if [ -n "${port:-}" ] && ip -4 addr show dev eth0 2>/dev/null | grep -q 'inet '; then
        t0=$(now)
        n=$(printf 'GET /big64 HTTP/1.0\r\nHost: 10.0.2.2\r\n\r\n' | nc -w 60 10.0.2.2 "$port" | wc -c)
        if [ "$n" -gt $((64 << 20)) ]; then
            bench net-rx "$n" "$t0"
        else
            fail net-rx "got $n bytes of /big64 (> $((64 << 20)) expected)"
        fi
        if [ -n "${sink:-}" ]; then
            t0=$(now)
            got=$(dd if=/dev/zero bs=64k count=1024 2>/dev/null | nc -w 60 10.0.2.2 "$sink" | tr -dc 0-9)
            if [ "$got" = $((64 << 20)) ]; then
                bench net-tx "$got" "$t0"
            else
                fail net-tx "the host's sink counted '${got}' bytes of $((64 << 20))"
            fi
        fi
    else
        fail net "no network for the bench"
    fi
    grep -q ' /mnt ' /proc/mounts && umount /mnt
    if [ $fails -eq 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
    exit 0
fi

# Interrupts under load: 32 MiB to the disk (fsync'd) while 16 MiB come
# from the host through the NIC; both must complete.
if [ "${phase:-}" = write ] && [ -n "${port:-}" ] && grep -q ' /mnt ' /proc/mounts; then
    before=$(irqs virtio)
    t0=$(cut -d' ' -f1 /proc/uptime)
    ( printf 'GET /big HTTP/1.0\r\nHost: 10.0.2.2\r\n\r\n' | nc -w 60 10.0.2.2 "$port" | wc -c > /tmp/net.bytes
      cut -d' ' -f1 /proc/uptime > /tmp/net.done ) &
    np=$!
    dd if=/dev/zero of=/mnt/bulk bs=1M count=32 conv=fsync 2>/dev/null
    td=$(cut -d' ' -f1 /proc/uptime)
    wait $np
    nb=$(cat /tmp/net.bytes 2>/dev/null || echo 0)
    tn=$(cat /tmp/net.done 2>/dev/null || echo "$t0")
    db=$(wc -c < /mnt/bulk)
    rm -f /mnt/bulk
    if [ "$db" = 33554432 ] && [ "$nb" -gt 16777216 ]; then
        pass load "32 MiB to the disk in $(awk "BEGIN { print $td - $t0 }") s while $nb bytes came from the NIC in $(awk "BEGIN { print $tn - $t0 }") s, $(( $(irqs virtio) - before )) interrupts"
    else
        fail load "disk wrote $db of 33554432 bytes, the NIC got $nb bytes (> 16777216 expected)"
    fi
fi
grep -q ' /mnt ' /proc/mounts && { umount /mnt || fail disk-umount "umount /mnt failed"; }

c=$(irqs virtio)
if [ "$c" -gt 0 ]; then
    pass irqs "$c virtio interrupts as PIRQ events"
else
    fail irqs "no virtio interrupt counted on a xen-pirq line"
fi
grep -E 'CPU|virtio|pirq' /proc/interrupts

if [ $fails -eq 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
