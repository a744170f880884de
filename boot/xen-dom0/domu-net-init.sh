#!/bin/sh
# /init of suite 63's domUs (busybox): loads xen-netfront, configures eth0
# from the kernel command line (nt_ip=, nt_dom0=, nt_peer=, nt_ip1=) and
# reports on hvc0 with "DOMU-NET ..." lines that dom0 reads from the
# console log: the interface and its MAC, pings of dom0 and of a peer domU,
# a 4 MiB TCP transfer to dom0 (md5), one from dom0 (md5), and eth1 coming
# and going (network-attach/-detach).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n1; }
ip=$(arg nt_ip); dom0=$(arg nt_dom0); peer=$(arg nt_peer); ip1=$(arg nt_ip1)
bench=$(arg nt_bench)   # MiB each way: the bench's transfers instead of the checks
echo "DOMU-NET start ip=$ip"
insmod /lib/modules/xen-netfront.ko || echo "DOMU-NET insmod-failed"
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 300 ]; do usleep 100000; n=$((n + 1)); done
ip link set lo up
ip addr add "$ip/24" dev eth0 && ip link set eth0 up
echo "DOMU-NET up eth0 $(cat /sys/class/net/eth0/address 2>/dev/null)"

up() { read -r u _ < /proc/uptime; echo "$u"; }
if [ -n "$bench" ]; then
    mkfifo /tmp/hold
    ( nc -l -p 5002 <> /tmp/hold > /dev/null; echo "DOMU-NET bench-rx-done" ) &
    until ping -c 1 -w 5 "$dom0" > /dev/null 2>&1; do :; done
    echo "DOMU-NET features $(netfeat eth0)"
    echo "DOMU-NET bench-ready"
    # domU -> dom0, timed by the domU's clock until nc exits (all delivered)
    t0=$(up)
    dd if=/dev/zero bs=65536 count=$((bench * 16)) 2>/dev/null | nc "$dom0" 5001
    t1=$(up)
    echo "DOMU-NET bench-tx secs=$(awk "BEGIN{print $t1 - $t0}") tx_bytes_eth0=$(cat /sys/class/net/eth0/statistics/tx_bytes)"
    while :; do sleep 3600; done
fi

# dom0 -> domU: one connection on port 5002
# (stdin a fifo held open: busybox nc half-closes at stdin EOF, and the
# sender stops at that FIN)
mkfifo /tmp/hold
( nc -l -p 5002 <> /tmp/hold > /tmp/rx
  echo "DOMU-NET recv $(md5sum < /tmp/rx | cut -d' ' -f1) $(wc -c < /tmp/rx)"
  echo "DOMU-NET rxpkts $(cat /sys/class/net/eth0/statistics/rx_packets)" ) &

if [ -n "$dom0" ]; then
    ok=fail
    for i in 1 2 3 4 5; do
        ping -c 2 -w 10 "$dom0" > /tmp/ping.out 2>&1 && { ok=ok; break; }
    done
    echo "DOMU-NET ping-dom0 $ok $(tail -n1 /tmp/ping.out)"
    # domU -> dom0: 4 MiB to dom0's listener on port 5001
    dd if=/dev/urandom of=/tmp/tx bs=65536 count=64 2>/dev/null
    echo "DOMU-NET sent $(md5sum < /tmp/tx | cut -d' ' -f1) $(wc -c < /tmp/tx)"
    rc=1
    for i in 1 2 3 4 5 6 7 8 9 10; do
        nc "$dom0" 5001 < /tmp/tx && { rc=0; break; }
        sleep 1
    done
    echo "DOMU-NET send-rc $rc"
fi
if [ -n "$peer" ]; then
    ok=fail
    for i in $(seq 1 30); do
        ping -c 1 -w 3 "$peer" > /tmp/ping.out 2>&1 && { ok=ok; break; }
    done
    echo "DOMU-NET ping-peer $ok $(tail -n1 /tmp/ping.out)"
fi

# eth1 appears with network-attach and goes with network-detach
had=0
while :; do
    if [ -e /sys/class/net/eth1 ]; then
        if [ $had = 0 ]; then
            had=1
            [ -n "$ip1" ] && ip addr add "$ip1/24" dev eth1
            ip link set eth1 up
            echo "DOMU-NET up eth1 $(cat /sys/class/net/eth1/address 2>/dev/null)"
        fi
    elif [ $had = 1 ]; then
        had=0
        echo "DOMU-NET gone eth1"
    fi
    usleep 300000
done
