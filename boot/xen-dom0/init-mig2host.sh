# init-mig2host.sh — one end of a migration between two machines (suite
# 65's two-host part), sourced by init-save.sh when the kernel command
# line has mig2=recv or mig2=send; it powers the machine off at the end.
# dom0's virtio NIC takes the address mig2ip= gives (default 10.0.2.15/24
# with the route through 10.0.2.2, QEMU's user network), `migrate-nc -l`
# waits on the receiver's port 8002, and the sender creates the heartbeat
# guest and runs
#   xl migrate -s migrate-nc hb <mig2to=HOST:PORT>
# (suite 65 links the two QEMUs' NICs directly with -netdev socket; through
# two user networks, the host and a hostfwd it works the same).  The receiver
# prints the guest's heartbeat checksum for the host to compare with the
# sender's; the sender checks that it has no domain and all its memory
# back.

# Debian's virtio transport and NIC driver (modules), then the address:
# mig2ip=, or the one QEMU's DHCP would give (its hostfwd forwards there).
mig2_net_up() {
    _ip=$(sed -n 's/.*mig2ip=\([0-9./]*\).*/\1/p' /proc/cmdline)
    for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
             failover net_failover virtio_net; do
        [ -e /sys/module/$m ] || insmod /lib/modules/$m.ko || fail "mig2-$role-insmod-$m" ""
    done
    _t0=$(up)
    while [ ! -e /sys/class/net/eth0 ] && ! past "$_t0" 20; do usleep 100000; done
    ip link set lo up
    if ip link set eth0 up && ip addr add "${_ip:-10.0.2.15/24}" dev eth0 &&
       { [ -n "$_ip" ] || ip route add default via 10.0.2.2 dev eth0; }; then
        pass "mig2-$role-net-up"
        echo "T60 mig2 $role eth0 $(ip -4 addr show dev eth0 | awk '/inet / { print $2 }') mtu $(cat /sys/class/net/eth0/mtu)"
    else
        fail "mig2-$role-net-up" "(no eth0 from the virtio NIC, or its address not set)"
    fi
}

role=$(sed -n 's/.*mig2=\([a-z]*\).*/\1/p' /proc/cmdline)
case $role in
recv)
    mig2_net_up
    migrate-nc -l 8002 > /tmp/recv.out 2>&1 &
    rpid=$!
    echo "T60 mig2 receiver listening on port 8002 at $(up)s"
    # until the migration ends (xl migrate-receive exits: nc runs it)
    wait $rpid; rc=$?
    sed 's/^/mig2-recv| /' /tmp/recv.out
    echo "T60 mig2 receive ended at $(up)s"
    check "mig2-recv-rc" [ $rc -eq 0 ]
    check "mig2-recv-name-kept" xl domid hb
    check "mig2-recv-no-incoming-left" sh -c "! xl list | grep -q -- --incoming"
    # xenconsoled names the log when it first sees the domain (hb--incoming)
    clog=/var/log/xen/console/guest-hb--incoming.log; mark=0
    _t0=$(up); while [ ! -s $clog ] && ! past "$_t0" 30; do usleep 200000; done
    [ -s $clog ] || clog=/var/log/xen/console/guest-hb.log
    _t0=$(up); while [ -z "$(hb_last)" ] && ! past "$_t0" 120; do usleep 200000; done
    first=$(hb_lines | head -n1 | awk '{print $2}')
    if [ -n "$first" ] && hb_wait $((first + 1)) 180; then pass "mig2-recv-hb-counts-on"; else
        fail "mig2-recv-hb-counts-on" "(first $first, last $(hb_last); $clog: $(tail -c 300 $clog 2>/dev/null | tr '\n' '|'))"; fi
    check "mig2-recv-hb-not-restarted" [ "${first:-0}" -gt 1 ]
    echo "T60 mig2 recv sum $(hb_sum) first ${first:-none} last $(hb_last)"
    xl list | sed 's/^/mig2-recv-list| /'
    xl destroy hb 2>/dev/null
    finish ;;
send)
    to=$(sed -n 's/.*mig2to=\([0-9.:]*\).*/\1/p' /proc/cmdline)
    mig2_net_up
    free0=$(free_mem)
    set_mark
    xl create /etc/xen/hb.cfg > /tmp/create.out 2>&1; rc=$?
    sed 's/^/mig2-create| /' /tmp/create.out
    check "mig2-send-create-hb" [ $rc -eq 0 ]
    if hb_wait 3 600; then pass "mig2-send-hb-beats"; else
        fail "mig2-send-hb-beats" "(log: $(tail -c 300 $clog | tr '\n' '|'))"; fi
    echo "T60 mig2 send sum $(hb_sum) at $(hb_last), free_memory before the guest $free0 MiB"
    t0=$(up)
    xl migrate -s migrate-nc hb "$to" > /tmp/mig.out 2>&1; rc=$?
    t1=$(up)
    grep -v "^Saving: \|^Restoring: " /tmp/mig.out | sed 's/^/mig2-send| /'
    echo "T60 mig2 xl migrate took $(sub "$t1" "$t0")s: $(grep -a '^Migrated domain' /tmp/mig.out)"
    check "mig2-send-rc" [ $rc -eq 0 ]
    check "mig2-send-downtime-printed" grep -q "total [0-9.]* s, downtime [0-9.]* s" /tmp/mig.out
    # the source's domain goes once it is destroyed: no domain but
    # Domain-0, and every page of the guest free again
    _t0=$(up)
    while { [ "$(nr_domains)" -ne 1 ] || [ "$(free_mem)" != "$free0" ]; } && ! past "$_t0" 60; do
        usleep 200000; done
    xl list | sed 's/^/mig2-send-list| /'
    check "mig2-send-no-domain-left" [ "$(nr_domains)" -eq 1 ]
    check "mig2-send-memory-back" [ "$(free_mem)" = "$free0" ]
    echo "T60 mig2 send free_memory $(free_mem) MiB (before the guest $free0 MiB)"
    finish ;;
*)
    fail "mig2-role" "(mig2=$role: neither recv nor send)"
    finish ;;
esac
