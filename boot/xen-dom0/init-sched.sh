#!/bin/sh
# /init of the scheduler test dom0 (xen-dom0-initramfs.sh sched; suite 66),
# the same on the real Xen 4.17 (the oracle) and on ours: `xl info`'s CPUs,
# sched-credit2 / sched-credit output, a 2-vCPU Debian domU seen by
# vcpu-list, re-pinned by vcpu-pin, its vCPU 1 taken away and given back by
# vcpu-set (the guest's cpu1/online follows), then CPU-bound guests pinned
# to CPU 0: weights 256 vs 512 share it about 1:2, and cap=50 holds one near
# half of it (CPU time from `xl list`, over sched_window= seconds, 12 by
# default; make test's bounds hold on a loaded host yet fail 1:1 or an
# uncapped guest, sched_strict on the command line asks for 15%).
# Prints "T60 PASS: name" / "T60 FAIL: name reason" and "Test result:".
. /etc/testlib.sh
base_setup
echo "T60 dom0 up at $(up)s"
xl info > /tmp/info 2>&1; grep -E "nr_cpus|cores_per|threads_per|xen_scheduler" /tmp/info
check "xl-info-nr-cpus" sh -c "grep -qx 'nr_cpus                : 2' /tmp/info"
check "xl-info-scheduler-credit2" sh -c "grep -qx 'xen_scheduler          : credit2' /tmp/info"

xl sched-credit2 > /tmp/sc 2>&1; cat /tmp/sc
check "sched-credit2-pool-line" sh -c "sed -n 1p /tmp/sc | grep -qx 'Cpupool Pool-0: ratelimit=1000us'"
check "sched-credit2-header" sh -c "sed -n 2p /tmp/sc | grep -qx 'Name                                ID Weight  Cap'"
check "sched-credit2-dom0-row" sh -c "sed -n 3p /tmp/sc | grep -qE '^Domain-0 +0 +256 +0\$'"
xl sched-credit > /tmp/scc 2>&1; rc=$?
check "sched-credit-lists-nothing-under-credit2" sh -c "[ $rc = 0 ] && [ ! -s /tmp/scc ]"
xl sched-credit -d 0 > /tmp/scc 2>&1; rc=$?; cat /tmp/scc
check "sched-credit-d-refused-under-credit2" sh -c "[ $rc != 0 ] && grep -q 'returned credit2 not credit' /tmp/scc"

# ---- a 2-vCPU Debian domU
clog=/var/log/xen/console/guest-smp.log
xl create /etc/xen/domu.cfg 'name="smp"' 'vcpus=2' 'extra="console=hvc0 quiet domu_cpuwatch"' > /tmp/c.out 2>&1; rc=$?
cat /tmp/c.out
check "create-smp-vcpus-2" [ $rc -eq 0 ]
# Generous: with the host at load 13-18 a guest's second CPU was not up
# within 300 s; in an earlier run on the shared host it took 82 s.
wait_for $clog "DOMU-CPU1 online=1" 600
check "smp-cpu1-online" grep -aq "DOMU-CPU1 online=1" $clog
xl vcpu-list > /tmp/vl 2>&1; cat /tmp/vl
# Xen 4.17's xl: printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", ...)
hdr=$(printf '%-32s %5s %5s %5s %5s %9s %s' Name ID VCPU CPU State 'Time(s)' 'Affinity (Hard / Soft)')
check "vcpu-list-header" [ "$(sed -n 1p /tmp/vl)" = "$hdr" ]
check "vcpu-list-dom0-rows" sh -c "[ \$(awk '\$1==\"Domain-0\" && \$2==0' /tmp/vl | wc -l) -ge 1 ]"
check "vcpu-list-smp-rows" sh -c "[ \$(awk '\$1==\"smp\" && \$5 ~ /^[r-][b-]-\$/ && \$7==\"all\" && \$8==\"/\" && \$9==\"all\"' /tmp/vl | wc -l) = 2 ]"
check "vcpu-list-line-format" sh -c "grep -qE '^smp {29} +[0-9]+     1 +[01]   [r-][b-]- +[0-9]+\\.[0-9]  all / all\$' /tmp/vl"

xl vcpu-pin smp 1 0; rc1=$?
xl vcpu-pin smp 0 all 1; rc2=$?
xl vcpu-list smp > /tmp/vl 2>&1; cat /tmp/vl
check "vcpu-pin-hard" sh -c "[ $rc1 = 0 ] && awk '\$1==\"smp\" && \$3==1 && \$4==0 && \$7==\"0\" && \$9==\"all\" {ok=1} END{exit !ok}' /tmp/vl"
check "vcpu-pin-soft" sh -c "[ $rc2 = 0 ] && awk '\$1==\"smp\" && \$3==0 && \$7==\"all\" && \$9==\"1\" {ok=1} END{exit !ok}' /tmp/vl"
# (with `all` xl only says "Could not set affinity." and exits 0, as Xen's)
xl vcpu-pin smp 0 5 > /tmp/pin.out 2>&1; rc=$?; cat /tmp/pin.out
check "vcpu-pin-to-missing-cpu-refused" sh -c "[ $rc != 0 ] && grep -q 'Could not set affinity for vcpu .0' /tmp/pin.out"
xl vcpu-pin smp all all all
check "vcpu-pin-all-back" sh -c "[ \$(xl vcpu-list smp | awk '\$7==\"all\" && \$9==\"all\"' | wc -l) = 2 ]"

xl sched-credit2 -d smp -w 512 -c 50; rc=$?
xl sched-credit2 -d smp > /tmp/sc 2>&1; cat /tmp/sc
check "sched-credit2-set-weight-cap" sh -c "[ $rc = 0 ] && sed -n 2p /tmp/sc | grep -qE '^smp +[0-9]+ +512 +50\$'"
xl sched-credit2 -d smp -w 70000 > /tmp/e1 2>&1; r1=$?
xl sched-credit2 -d smp -c 201 > /tmp/e2 2>&1; r2=$?
cat /tmp/e1 /tmp/e2
check "sched-credit2-out-of-range-refused" sh -c "[ $r1 != 0 ] && [ $r2 != 0 ] && xl sched-credit2 -d smp | grep -qE '^smp +[0-9]+ +512 +50\$'"
xl sched-credit2 -d smp -w 256 -c 0


# ---- CPU-bound guests on CPU 0 (smp stays, idle): weights, then a cap
spin() {    # name, extra xl.cfg settings...
    n=$1; shift
    xl create /etc/xen/domu.cfg "name=\"$n\"" 'memory=128' 'cpus="0"' \
        'extra="console=hvc0 quiet domu_spin"' "$@" > /tmp/c.out 2>&1 || cat /tmp/c.out
}
cputime() { xl list "$1" 2>/dev/null | awk -v n="$1" '$1==n {print $6}'; }
spin w256 'cpu_weight=256'
spin w512 'cpu_weight=512'
wait_for /var/log/xen/console/guest-w256.log "DOMU-SPIN" 300
wait_for /var/log/xen/console/guest-w512.log "DOMU-SPIN" 300
check "cpu_weight-from-xl.cfg" sh -c "xl sched-credit2 -d w512 | grep -qE '^w512 +[0-9]+ +512 +0\$'"
# SCHED_WINDOW seconds of measurement (dom0 command line sched_window=N;
# 12 by default: enough for 1:2 within the tolerance, short for make test).
win=$(sed -n 's/.*sched_window=\([0-9]*\).*/\1/p' /proc/cmdline); win=${win:-12}
sleep 3
a0=$(cputime w256); b0=$(cputime w512); t0=$(up)
sleep "$win"
a1=$(cputime w256); b1=$(cputime w512); t1=$(up)
ratio=$(awk "BEGIN{a=$a1-$a0; b=$b1-$b0; if (a <= 0) print 0; else printf \"%.3f\", b/a}")
busy=$(awk "BEGIN{printf \"%.2f\", ($a1-$a0+$b1-$b0)/($t1-$t0)}")
echo "T60 weights 256 vs 512 on CPU 0: $a0->$a1 s and $b0->$b1 s over $(sub "$t1" "$t0") s: ratio $ratio, CPU 0 busy $busy"
xl vcpu-list
# Under make test the bounds only tell a working policy from a broken one
# (equal weights give 1.0, a weightless FIFO about 1.0 too); sched_strict
# (make sched-long) asks for 1:2 within 15%.
if grep -qw sched_strict /proc/cmdline; then
    check "weights-256-512-share-1-to-2" awk "BEGIN{exit !($ratio >= 1.70 && $ratio <= 2.30)}"
else
    check "weights-512-runs-ahead-of-256" awk "BEGIN{exit !($ratio >= 1.25 && $ratio <= 3.50)}"
fi
xl destroy w512

# The weight-256 guest alone on CPU 0, capped at 50 while it runs (one boot
# fewer than a third guest).
xl sched-credit2 -d w256 -c 50
sleep 3
a0=$(cputime w256); t0=$(up)
sleep "$win"
a1=$(cputime w256); t1=$(up)
share=$(awk "BEGIN{printf \"%.3f\", ($a1-$a0)/($t1-$t0)}")
echo "T60 cap=50 alone on CPU 0: $a0->$a1 s over $(sub "$t1" "$t0") s: $share of a CPU"
# Alone and uncapped it would take the whole CPU (0.96 measured); make
# test only asks that the cap holds it well below that and lets it run.
if grep -qw sched_strict /proc/cmdline; then
    check "cap-50-holds-half-a-cpu" awk "BEGIN{exit !($share >= 0.40 && $share <= 0.60)}"
else
    check "cap-50-holds-it-below-a-cpu" awk "BEGIN{exit !($share >= 0.15 && $share <= 0.75)}"
fi
xl destroy w256

# ---- vcpu-set on the 2-vCPU guest, last (a guest that does not follow
# would otherwise hold up the rest)
xl vcpu-set smp 1; rc=$?
wait_for $clog "DOMU-CPU1 online=absent" 240
check "vcpu-set-1-guest-offlines-cpu1" sh -c "[ $rc = 0 ] && grep -aq 'DOMU-CPU1 online=absent' $clog"
grep -aq 'DOMU-CPU1 online=absent' $clog || { xl vcpu-list smp; tail -c 2000 $clog | tr -d '\r' | sed 's/^/smp-console| /'; }
check "vcpu-set-1-availability" [ "$(xenstore-read /local/domain/$(xl domid smp)/cpu/1/availability)" = offline ]
sleep 2
xl vcpu-list smp > /tmp/vl 2>&1; cat /tmp/vl
check "vcpu-list-shows-vcpu1-down" sh -c "awk '\$1==\"smp\" && \$3==1 && \$4==\"-\" && \$5==\"--p\" {ok=1} END{exit !ok}' /tmp/vl"
xl vcpu-set smp 2; rc=$?
check "vcpu-set-2-availability" sh -c "[ $rc = 0 ] && [ \"\$(xenstore-read /local/domain/$(xl domid smp)/cpu/1/availability)\" = online ]"
# The guest bringing cpu1 back: on the command line as sched_replug (left
# out on ours only with SCHED_REPLUG=0).
if grep -qw sched_replug /proc/cmdline; then
    t0=$(up)
    while [ "$(grep -ac 'DOMU-CPU1 online=1' $clog)" -lt 2 ] && ! past "$t0" 240; do sleep 1; done
    check "vcpu-set-2-guest-onlines-cpu1" sh -c "[ $rc = 0 ] && [ \$(grep -ac 'DOMU-CPU1 online=1' $clog) -ge 2 ]"
    [ "$(grep -ac 'DOMU-CPU1 online=1' $clog)" -ge 2 ] || { xl vcpu-list smp; tail -c 3000 $clog | tr -d '\r' | sed 's/^/smp-console| /'; }
else
    echo "T60 SKIP: vcpu-set-2-guest-onlines-cpu1 left out (SCHED_REPLUG=0)"
fi
xl vcpu-set smp 3 > /tmp/vs.out 2>&1; rc=$?; cat /tmp/vs.out
check "vcpu-set-above-maxvcpus-refused" [ $rc != 0 ]
xl destroy smp

xl list
if [ $nfail -eq 0 ]; then v=SUCCESS; else v=FAILURE; fi
echo "Test result: $v ($npass passed, $nfail failed)"
sync
if [ $nfail -eq 0 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
