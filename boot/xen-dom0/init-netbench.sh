#!/bin/sh
# /init of the network bench's dom0 (real Xen 4.17, tests/bench/63-net.sh):
# the same Debian domU (256 MiB, 1 vCPU, xen-netfront) served by our
# netbackd, then by Debian's in-kernel xen-netback, in the same boot, each
# through our xl and the vif-bridge script on xenbr0.  For each: ping RTT
# dom0 -> domU (10 pings after one to warm ARP), NB_MIB (32) MiB domU ->
# dom0 timed by the domU until its nc exits, NB_MIB MiB dom0 -> domU timed
# by dom0 (busybox nc, receivers' stdin a held fifo, as
# ../shared/reference/xen measures Xen).  Prints "BENCH <backend> ..." lines:
# the figures, and what explains them — each side's offloads (netfeat),
# dom0's TCP while it sends to the guest (tcp_probe, TCPAutoCorking), the
# vifs' counters, netbackd's cost line.
. /etc/testlib.sh
info() { echo "BENCH $*"; }
base_setup
mib=32
for m in llc stp bridge tun; do insmod /lib/modules/$m.ko || info "insmod $m failed"; done
ip link set lo up
brctl addbr xenbr0 && brctl setfd xenbr0 0 && brctl stp xenbr0 off
ip addr add 10.99.0.1/24 dev xenbr0 && ip link set xenbr0 up
mkfifo /tmp/hold
cat > /etc/xen/nb.cfg <<EOC
name = "nb"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/domu.cpio.gz"
memory = 256
vcpus = 1
vif = [ 'mac=00:16:3e:00:00:0a,bridge=xenbr0' ]
extra = "console=hvc0 quiet nt_ip=10.99.0.2 nt_dom0=10.99.0.1 nt_bench=$mib"
on_poweroff = "destroy"
EOC
clog=/var/log/xen/console/guest-nb.log

# dom0's TCP as the sender (dom0 -> domU): the kernel's tcp:tcp_probe
# tracepoint at each ACK, summed up (srtt in us, cwnd in segments)
T=/sys/kernel/tracing
# TcpExt's TCPAutoCorking: sends TCP held back to coalesce small writes,
# which it does only while its earlier packets are still queued below it
autocork() {
    awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["TCPAutoCorking"] }' /proc/net/netstat
}
probe_on() {
    cork0=$(autocork)
    [ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null || return 0
    echo 8192 > $T/buffer_size_kb; echo > $T/trace
    echo 'dport == 5002' > $T/events/tcp/tcp_probe/filter
    echo 1 > $T/events/tcp/tcp_probe/enable
}
probe_off() {
    [ -e $T/events/tcp/tcp_probe/enable ] || { info "$1 tcpprobe none autocorked $(($(autocork) - cork0))"; return 0; }
    echo 0 > $T/events/tcp/tcp_probe/enable
    info "$1 autocorked $(($(autocork) - cork0))"
    info "$1 tcpprobe $(sed -n 's/.* snd_cwnd=\([0-9]*\) ssthresh=\([0-9]*\) snd_wnd=\([0-9]*\) srtt=\([0-9]*\) .*/\1 \3 \4/p' $T/trace |
        awk '{ n++; c += $1; w += $2; r += $3; if ($3 > rm) rm = $3; if (!rn || $3 < rn) rn = $3; if ($1 > cm) cm = $1 }
             END { if (n) printf "acks=%d cwnd_avg=%.1f cwnd_max=%d snd_wnd_avg=%.0f srtt_us_avg=%.0f srtt_us_min=%d srtt_us_max=%d", n, c/n, cm, w/n, r/n, rn, rm }')"
}

run() {   # label
    rm -f $clog
    nc -l -p 5001 <> /tmp/hold > /dev/null &
    ncpid=$!
    xl create /etc/xen/nb.cfg > /tmp/create.out 2>&1 || { info "$1 create-failed $(tr '\n' ' ' < /tmp/create.out)"; kill $ncpid; return; }
    if ! wait_for $clog "DOMU-NET bench-ready" 300; then
        info "$1 no-ready $(tail -c 300 $clog | tr '\n\r' '  ')"; xl destroy nb; kill $ncpid; return
    fi
    ping -c 1 -w 10 10.99.0.2 > /dev/null 2>&1
    # the offloads in force on each side (what decides TCP segments)
    info "$1 features dom0 $(netfeat xenbr0 $(ls /sys/class/net | grep '^vif') | tr '\n' ';')"
    info "$1 features domU $(grep -a 'DOMU-NET features' $clog | tr -d '\r' | sed 's/.*features //')"
    rtt=$(ping -c 10 -w 60 10.99.0.2 | sed -n 's#.*= \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\) ms#min=\1 avg=\2 max=\3#p')
    wait_for $clog "DOMU-NET bench-tx" 600
    tx=$(grep -a "DOMU-NET bench-tx" $clog | tr -d '\r' | sed 's/.*secs=\([0-9.]*\).*/\1/')
    wait $ncpid 2>/dev/null
    probe_on
    t0=$(up)
    dd if=/dev/zero bs=65536 count=$((mib * 16)) 2>/dev/null | nc 10.99.0.2 5002
    t1=$(up)
    probe_off "$1"
    rx=$(sub "$t1" "$t0")
    wait_for $clog "DOMU-NET bench-rx-done" 30
    info "$1 rtt $rtt tx_secs=$tx rx_secs=$rx mib=$mib"
    # the vif's own counters (tx: towards the guest): drops there mean
    # retransmissions, whichever backend serves it
    for i in /sys/class/net/vif*; do
        [ -d "$i/statistics" ] || continue
        st=
        for c in tx_packets tx_bytes tx_dropped rx_packets rx_bytes rx_dropped; do
            st="$st $c=$(cat $i/statistics/$c)"
        done
        info "$1 vifstats ${i##*/}$st"
    done
    xl destroy nb
    t0=$(up); while xl domid nb > /dev/null 2>&1 && ! past "$t0" 30; do sleep 1; done
}

netbackd --log-file=/var/log/xen/netbackd.log --pid-file=/run/xen/netbackd.pid
t0=$(up); while [ ! -s /run/xen/netbackd.pid ] && ! past "$t0" 10; do usleep 50000; done
run ours
kill "$(cat /run/xen/netbackd.pid)"
t0=$(up); while [ -e /run/xen/netbackd.pid ] && ! past "$t0" 10; do usleep 50000; done
insmod /lib/modules/xen-netback.ko || info "insmod xen-netback failed"
run kernel
sed 's/^/netbackd| /' /var/log/xen/netbackd.log
# what the packets cost netbackd (its counters, logged at disconnect)
grep -a 'cost:' /var/log/xen/netbackd.log | sed 's/.*netbackd: /BENCH netbackd-cost /'
echo "Test result: SUCCESS (bench done)"
sync
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
