#!/bin/sh
# /init of the toolstack benchmark dom0 (real Xen 4.17): in one boot, time
# `xl create` -> domU init marker for our xl (cold kernel cache, then warm)
# and for Debian's xl 4.17 with the same config and kernel.  Both use the
# same xenstored and console daemon, so only the toolstack differs.
# Prints "BENCH <who> create=<s> marker=<s>" lines and a verdict.
. /etc/testlib.sh
base_setup
echo "BENCH dom0 up at $(up)s"
ok=1
# run_one <label> <name> <xl command...>
run_one() {
    label=$1; name=$2; shift 2
    clog=/var/log/xen/console/guest-$name.log
    rm -f "$clog"
    t0=$(up)
    "$@" create /etc/xen/domu.cfg "name=\"$name\"" > /tmp/create-$name.out 2>&1; rc=$?
    t1=$(up)
    sed "s/^/$label| /" /tmp/create-$name.out
    if [ $rc -ne 0 ]; then echo "BENCH $label FAILED create rc=$rc"; ok=0; return; fi
    if wait_for "$clog" "DOMU-MARKER init-start" 240; then
        t2=$(up)
        echo "BENCH $label create=$(sub "$t1" "$t0") marker=$(sub "$t2" "$t0")"
        # the guest's own uptime at its marker, and what dom0 was busy with
        echo "BENCH $label guest: $(grep -a -m1 'DOMU-MARKER init-start' "$clog")"
        echo "BENCH $label dom0 load: $(cat /proc/loadavg)"
        top -b -n1 | sed -n '7,12p' | sed "s/^/BENCH $label top| /"
    else
        echo "BENCH $label FAILED no marker"; ok=0
    fi
    "$@" destroy "$name" >/dev/null 2>&1 || xl destroy "$name"
    t0=$(up)
    while xl domid "$name" >/dev/null 2>&1 && ! past "$t0" 30; do usleep 50000; done
}
# Interleaved, because the host's load drifts during a run (other QEMUs):
# the summary compares the best of each kind.
rm -rf /var/lib/xen/kernel-cache
XC_TRACE=1 run_one ours-cold ours1 xl
run_one debian deb1 /usr/lib/xen/bin/debian-xl
XC_TRACE=1 run_one ours-warm ours2 xl
run_one debian2 deb2 /usr/lib/xen/bin/debian-xl
XC_TRACE=1 run_one ours-warm2 ours3 xl
if [ $ok = 1 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
sync
if [ $ok = 1 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
