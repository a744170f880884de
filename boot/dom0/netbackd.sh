#!/bin/sh
# /etc/init.d/netbackd of the lab's dom0 (busybox sh): the network side of
# the split drivers.  On a Debian Xen host the bridge comes from
# /etc/network/interfaces and the kernel's xen-netback serves the vifs; here
# this script makes bridge xenbr0 (dom0's address on it: 192.168.99.1/24,
# LAB_BRIDGE_ADDR in /etc/default/netbackd changes it) and starts netbackd
# (pv-drivers/netback), which serves every vif xl creates; xl runs
# /etc/xen/scripts/vif-bridge to put each vif's tap on its bridge.  Run by
# /init after xencommons (netbackd needs xenstored).  The block backend
# needs no start here: xl starts blkback for a disk= line.
#
#   /etc/init.d/netbackd start|stop|status
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
LAB_BRIDGE=xenbr0
LAB_BRIDGE_ADDR=192.168.99.1/24
[ -r /etc/default/netbackd ] && . /etc/default/netbackd
PIDFILE=/var/run/xen/netbackd.pid
say() { echo "netbackd: $*"; }
running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

do_start() {
    # the bridge and tap drivers (modules in Debian's kernel, in load order)
    for m in llc stp bridge tun; do
        grep -q "^$m " /proc/modules 2>/dev/null && continue
        [ -e "/lib/modules/$m.ko" ] && { insmod "/lib/modules/$m.ko" || say "cannot load $m"; }
    done
    ip link set lo up
    if [ ! -d "/sys/class/net/$LAB_BRIDGE/bridge" ]; then
        brctl addbr "$LAB_BRIDGE" || { say "cannot create bridge $LAB_BRIDGE"; return 1; }
        # no forwarding delay and no STP: a vif forwards as soon as it
        # joins (through sysfs: this busybox's brctl has no setfd/stp)
        echo 0 > "/sys/class/net/$LAB_BRIDGE/bridge/forward_delay"
        echo 0 > "/sys/class/net/$LAB_BRIDGE/bridge/stp_state"
    fi
    # The bridge may already exist: lab-devices puts the virtio NIC on
    # xenbr0 and takes a DHCP lease there.  The guests' subnet is added
    # beside that lease, never in its place.
    if ! ip -4 addr show dev "$LAB_BRIDGE" | grep -q " ${LAB_BRIDGE_ADDR%/*}/"; then
        ip addr add "$LAB_BRIDGE_ADDR" dev "$LAB_BRIDGE"
    fi
    ip link set "$LAB_BRIDGE" up
    say "bridge $LAB_BRIDGE up ($LAB_BRIDGE_ADDR)"
    if running; then
        say "already running (pid $(cat $PIDFILE))"
        return 0
    fi
    mkdir -p /var/run/xen /var/log/xen
    rm -f "$PIDFILE"
    netbackd --log-file=/var/log/xen/netbackd.log --pid-file="$PIDFILE" ||
        { say "did not start (see /var/log/xen/netbackd.log)"; return 1; }
    _n=0
    while ! running && [ $_n -lt 200 ]; do usleep 50000; _n=$((_n + 1)); done
    running || { say "did not start (see /var/log/xen/netbackd.log)"; return 1; }
    say "started (pid $(cat $PIDFILE))"
}

do_stop() {
    # connected vifs lose their backend until netbackd runs again
    if running; then
        kill "$(cat $PIDFILE)" && say "stopped"
    fi
}

do_status() {
    if running; then say "running (pid $(cat $PIDFILE))"; else say "not running"; return 3; fi
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
restart) do_stop; sleep 1; do_start ;;
*) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
