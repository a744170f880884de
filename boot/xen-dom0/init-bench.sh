#!/bin/sh
# /init of the toolstack benchmark dom0 (real Xen 4.17): in one boot, time
# `xl create` -> domU init marker for our xl (cold kernel cache once, then
# warm) and for Debian's xl 4.17 with the same config and kernel.  Both use
# the same xenstored and console daemon, so only the toolstack differs.
# Prints "BENCH <who> create=<s> marker=<s>" lines (summarised by
# tests/bench/60-xl-create.sh) and a verdict.
. /etc/testlib.sh
base_setup
echo "BENCH dom0 up at $(up)s"
ok=1
# The hypervisor's own memory as a user sees it: total - free - what the
# domains hold (xl info / xl list, MiB), printed once before any domU.
xl info > /tmp/info-mem
xl list > /tmp/list-mem
awk -F: '/^total_memory/ { t = $2 } /^free_memory/ { f = $2 }
    END { printf "BENCH mem total=%d free=%d ", t, f }' /tmp/info-mem
awk 'NR > 1 { d += $3 } END { printf "domains=%d\n", d }' /tmp/list-mem
sed 's/^/BENCH info| /' /tmp/info-mem /tmp/list-mem
# xlbench=mem: that line is all this boot is for.
if [ "${xlbench:-}" = mem ]; then
    echo "Test result: SUCCESS"; sync
    printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
fi
# xlbench=diag on dom0's command line (init's environment): a diagnostic
# run, never the measured one: the guests boot without "quiet" (printk
# times in their console logs) and everything a comparison needs is dumped
# to the serial log: each guest's full console, its xenstore nodes;
# xlbench_extra=WORD adds one kernel parameter to the guests (e.g.
# initcall_debug; such output also needs loglevel=8 or ignore_loglevel).
diag=${xlbench:-}
# Rounds of (Debian, ours warm); xlbench_rounds=N on the command line.
rounds=${xlbench_rounds:-3}

# Before each run: the previous domain gone, Xen done scrubbing freed
# memory (on idle CPUs, which under TCG is host time taken from the next
# guest; 1 GiB of it after boot), dom0's CPUs idle for a second.  The same
# before every run of either toolstack.
settle() {
    sync
    s=$(bench-wait --settle 120) || echo "BENCH note: $label started unsettled"
    echo "BENCH $label settled after ${s}s"
}

# run_one <label> <name> <xl command...>
run_one() {
    label=$1; name=$2; shift 2
    clog=/var/log/xen/console/guest-$name.log
    rm -f "$clog"
    set -- "$@" create /etc/xen/domu.cfg "name=\"$name\""
    [ "$diag" = diag ] && set -- "$@" "extra=\"console=hvc0 ${xlbench_extra:-}\""
    settle
    t0=$(up)
    "$@" > /tmp/create-$name.out 2>&1; rc=$?
    t1=$(up)
    sed "s/^/$label| /" /tmp/create-$name.out
    if [ $rc -ne 0 ]; then echo "BENCH $label FAILED create rc=$rc"; ok=0; return; fi
    # bench-wait blocks on inotify (a polling loop would load dom0 while
    # the guest boots) and prints dom0's uptime when the marker appeared.
    if t2=$(bench-wait "$clog" "DOMU-MARKER init-start" 240); then
        echo "BENCH $label create=$(sub "$t1" "$t0") marker=$(sub "$t2" "$t0")"
        # the guest's own uptime at its marker, and what dom0 was busy with
        echo "BENCH $label guest: $(grep -a -m1 'DOMU-MARKER init-start' "$clog")"
        echo "BENCH $label dom0 load: $(cat /proc/loadavg)"
        if [ "$diag" = diag ]; then
            id=$(xl domid "$name")
            sleep 5     # let the guest finish its boot messages
            { xenstore-ls -f -p /local/domain/$id; xenstore-ls -f -p /libxl/$id
              xenstore-ls -f -p "$(xenstore-read /local/domain/$id/vm)"; } 2>&1 | sed "s/^/DIAG $label xs| /"
            sed "s/^/DIAG $label guest| /" "$clog"
            # Xen's view of every domain (TSC mode and emulated rdtsc counts,
            # domain and vCPU state) on the serial console as (XEN) lines
            echo "DIAG $label debug-keys (domain $id)"
            /usr/lib/xen/bin/debian-xl debug-keys s
            /usr/lib/xen/bin/debian-xl debug-keys q
            sleep 2
        fi
    else
        echo "BENCH $label FAILED no marker"; ok=0
    fi
    "$1" destroy "$name" >/dev/null 2>&1 || xl destroy "$name"
    t0=$(up)
    while xl domid "$name" >/dev/null 2>&1 && ! past "$t0" 30; do usleep 100000; done
}
# xlbench=hosting (tests/bench/65-hosting.sh): one toolstack only, the
# same image booted on the real Xen 4.17 (xlbench_xl=debian: Debian's xl)
# and on ours (xlbench_xl=ours: our xl, a cold create, then warm ones).
if [ "$diag" = hosting ]; then
    if [ "${xlbench_xl:-ours}" = debian ]; then
        i=1
        while [ $i -le "$rounds" ]; do run_one debian$i deb$i /usr/lib/xen/bin/debian-xl; i=$((i + 1)); done
    else
        rm -rf /var/lib/xen/kernel-cache
        XC_TRACE=1 run_one ours-cold ours0 xl
        i=1
        while [ $i -le "$rounds" ]; do XC_TRACE=1 run_one ours-warm$i ours$i xl; i=$((i + 1)); done
    fi
    # every guest gone (a destroyed domain may stay dying for a moment)
    t0=$(up)
    while [ "$(xl list | tail -n +2 | wc -l)" != 1 ] && ! past "$t0" 60; do sleep 1; done
    if [ "$(xl list | tail -n +2 | wc -l)" != 1 ]; then
        echo "BENCH cleanup FAILED domains left after 60 s"; xl list | sed 's/^/BENCH left| /'; ok=0
    fi
    if [ $ok = 1 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
    sync
    if [ $ok = 1 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
fi
# xlbench=minmem (tests/bench/66-minmem.sh): the smallest memory= with
# which the guest (Debian's kernel + the bench initramfs) reaches its init
# marker, largest first; each try prints what free memory it took beyond
# memory= (the hypervisor's own cost of a domain) and how long it took.
if [ "$diag" = minmem ]; then
    for mem in $(echo "${xlbench_mems:-128:96:88:84:82:80:64}" | tr ':' ' '); do
        name=min$mem; clog=/var/log/xen/console/guest-$name.log; rm -f "$clog"
        settle
        f0=$(free_mem); t0=$(up)
        xl create /etc/xen/domu.cfg "name=\"$name\"" "memory=$mem" > /tmp/create-$name.out 2>&1; rc=$?
        f1=$(free_mem)
        sed "s/^/$name| /" /tmp/create-$name.out
        if [ $rc -ne 0 ]; then echo "BENCH minmem $mem create-failed"; continue; fi
        if t2=$(bench-wait "$clog" "DOMU-MARKER init-start" 180); then
            echo "BENCH minmem $mem marker=$(sub "$t2" "$t0") took=$((f0 - f1))"
        else
            echo "BENCH minmem $mem no-marker took=$((f0 - f1))"
            tail -c 600 "$clog" | tr -d '\r' | sed "s/^/$name console| /"
        fi
        xl destroy "$name"
    done
    sleep 10; xl list | sed 's/^/BENCH minmem left| /'
    echo "Test result: SUCCESS"; sync
    printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
fi
# The first create after boot unpacks the kernel into the cache (cold);
# then rounds of both toolstacks, interleaved because the host's load
# drifts during a run (other QEMUs), and alternating which goes first.
rm -rf /var/lib/xen/kernel-cache
XC_TRACE=1 run_one ours-cold ours0 xl
i=1
while [ $i -le "$rounds" ]; do
    if [ $((i % 2)) = 1 ]; then
        run_one debian$i deb$i /usr/lib/xen/bin/debian-xl
        XC_TRACE=1 run_one ours-warm$i ours$i xl
    else
        XC_TRACE=1 run_one ours-warm$i ours$i xl
        run_one debian$i deb$i /usr/lib/xen/bin/debian-xl
    fi
    i=$((i + 1))
done
if [ $ok = 1 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
sync
if [ $ok = 1 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
