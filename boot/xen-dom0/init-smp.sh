#!/bin/sh
# /init of the SMP bench and soak dom0 (xen-dom0-initramfs.sh smp), the
# same image on our hypervisor and on the real Xen 4.17.  The kernel command
# line says which:
#   smpmode=bench (tests/bench/76-smp.sh): "SMPBENCH dom0-init" first of
#     all (the host times QEMU start -> dom0 /init from it), then, in the
#     order smp_order= gives (default 2:1; no comma: QEMU splits -initrd's
#     list at commas), one domU per vCPU count (256 MiB, vcpus=2 or 1)
#     running smp_reps= times 2 processes of smp_work= integer rounds
#     (domu-smp-init.sh); its "DOMU-WORK" lines come back as
#     "SMPBENCH vcpus=V DOMU-WORK ...".
#   smpmode=soak (tests/soak/smp-soak.sh): 4 domUs of 2 vCPUs each doing CPU,
#     memory and console/xenstore work for soak_min= minutes while dom0
#     adds xenstore and xl traffic; then checks that each still advances its
#     counters, that no guest log shows a crash or lockup, and that after
#     destroying them no domain is left and free_memory is back where it was.
# Prints "T60 PASS: name" / "T60 FAIL: name reason" and "Test result:".
echo "SMPBENCH dom0-init"
. /etc/testlib.sh
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | head -n1; }
base_setup
echo "T60 dom0 up at $(up)s, $(grep -c '^processor' /proc/cpuinfo) vCPUs"
cdir=/var/log/xen/console
# log_grep FILE: the lines of a guest console log telling of a crash or a
# lockup (kernel messages reach the console even with "quiet").
bad_re='Kernel panic|Oops|BUG:|general protection|soft lockup|hard LOCKUP|rcu.*stall|blocked for more than|DOMU-MEM CORRUPT|DOMU-XS write failed|segfault|Call Trace'

bench() {
    iters=$(arg smp_work); iters=${iters:-400000000}
    reps=$(arg smp_reps); reps=${reps:-2}
    order=$(arg smp_order | tr : ' '); order=${order:-2 1}
    wait=$(arg smp_wait); wait=${wait:-1800}
    for v in $order; do
        n=work$v
        xl create /etc/xen/domu.cfg "name=\"$n\"" "vcpus=$v" 'memory=256' \
            "extra=\"console=hvc0 quiet smp_work=$iters smp_reps=$reps\"" > /tmp/c.out 2>&1; rc=$?
        cat /tmp/c.out
        check "create-$n" [ $rc -eq 0 ]
        # smp_wait= seconds (the host sizes it to the work; generous: a
        # loaded host under emulation), the guest's last line every 2 min
        t0=$(up)
        while ! wait_for $cdir/guest-$n.log "DOMU-WORK-DONE" 120 && ! past "$t0" "$wait"; do
            echo "T60 $n at $(sub "$(up)" "$t0")s: $(tail -n1 $cdir/guest-$n.log | tr -d '\r')"
        done
        check "$n-finished" grep -aq "DOMU-WORK-DONE" $cdir/guest-$n.log
        grep -aq "DOMU-WORK-DONE" $cdir/guest-$n.log ||
            { xl vcpu-list; tail -c 3000 $cdir/guest-$n.log | tr -d '\r' | sed "s/^/$n-console| /"; }
        grep -a "DOMU-WORK" $cdir/guest-$n.log | tr -d '\r' | sed "s/^/SMPBENCH vcpus=$v /"
        if grep -aE "$bad_re" $cdir/guest-$n.log >/dev/null; then
            grep -aE "$bad_re" $cdir/guest-$n.log | head -n 20 | sed "s/^/$n-console| /"
            fail "$n-log-clean" "(crash or lockup lines above)"
        fi
        xl destroy $n
    done
}

soak() {
    mins=$(arg soak_min); mins=${mins:-10}
    sleep 2
    free0=$(free_mem); nd0=$(nr_domains)
    echo "T60 soak: $mins min, 4 guests x 2 vCPUs; free_memory $free0 MiB, $nd0 domain(s) before"
    # dom0's one vCPU against 8 always-busy guest vCPUs: at the default
    # weight it gets a ninth of the machine and, under emulation on a loaded
    # host, xenconsoled and xl crawl (a create took 10 min, the guests'
    # console logs lagged behind).  As a Xen administrator would, dom0 gets
    # weight 2048 (the guests keep 256).
    xl sched-credit2 -d Domain-0 -w 2048
    check "dom0-weight-2048" sh -c "xl sched-credit2 -d Domain-0 | grep -qE '^Domain-0 +0 +2048 +0\$'"
    for i in 1 2 3 4; do
        xl create /etc/xen/domu.cfg "name=\"soak$i\"" 'vcpus=2' 'memory=160' \
            'extra="console=hvc0 quiet smp_soak"' > /tmp/c.out 2>&1; rc=$?
        cat /tmp/c.out
        check "create-soak$i" [ $rc -eq 0 ]
    done
    # One deadline for the four boots, which share the CPUs: at host load
    # 8-10 the guests reached /init at uptime 340 s and 407 s, and a third
    # had not ticked 180 s after the second.
    tb=$(up)
    for i in 1 2 3 4; do
        w=$(awk "BEGIN{w = 1500 - ($(up) - $tb); print (w > 1) ? int(w) : 1}")
        wait_for $cdir/guest-soak$i.log "DOMU-TICK" $w
        check "soak$i-started" grep -aq "DOMU-TICK" $cdir/guest-soak$i.log
        grep -a "DOMU-MARKER" $cdir/guest-soak$i.log | tr -d '\r' | sed "s/^/T60 soak$i: /"
    done
    # dom0's share of the event work: xenstore writes and reads in every
    # guest's directory, xl list / vcpu-list, every ~2 s until the end.
    t0=$(up); k=0
    while ! past "$t0" $((mins * 60)); do
        k=$((k + 1))
        for i in 1 2 3 4; do
            d=$(xl domid soak$i 2>/dev/null) || continue
            xenstore-write /local/domain/$d/data/dom0-poke "$k"
            [ "$(xenstore-read /local/domain/$d/data/dom0-poke)" = "$k" ] ||
                echo "T60 soak: xenstore read-back of soak$i's dom0-poke failed at $k"
        done
        if [ $((k % 5)) = 0 ]; then
            xl list > /tmp/l.out 2>&1 || { echo "T60 soak: xl list failed"; cat /tmp/l.out; }
            xl vcpu-list > /tmp/vl.out 2>&1 || { echo "T60 soak: xl vcpu-list failed"; cat /tmp/vl.out; }
        fi
        if [ $((k % 150)) = 0 ]; then
            echo "T60 soak: $(sub "$(up)" "$t0") s"; cat /tmp/l.out
            for i in 1 2 3 4; do
                echo "T60 soak$i: $(grep -a DOMU-TICK $cdir/guest-soak$i.log | tail -n1 | tr -d '\r')"
            done
        fi
        sleep 2
    done
    xl list; xl vcpu-list
    # No hang: every guest's console tick, xenstore tick and memory pass
    # count still move (looked at twice, 20 s apart).
    snap() {
        for i in 1 2 3 4; do
            d=$(xl domid soak$i 2>/dev/null)
            c=$(grep -ac "DOMU-TICK" $cdir/guest-soak$i.log)
            x=$(xenstore-read /local/domain/$d/data/soak-tick 2>/dev/null)
            m=$(grep -a "DOMU-MEM pass=" $cdir/guest-soak$i.log | tail -n1 | tr -d '\r' | sed 's/.*pass=//')
            echo "soak$i ${c:-0} ${x:-0} ${m:-0}"
        done
    }
    snap > /tmp/s1; sleep 20; snap > /tmp/s2
    for i in 1 2 3 4; do
        read -r _ c1 x1 m1 <<EOS
$(grep "^soak$i " /tmp/s1)
EOS
        read -r _ c2 x2 m2 <<EOS
$(grep "^soak$i " /tmp/s2)
EOS
        echo "T60 soak$i: console ticks $c1->$c2, xenstore tick $x1->$x2, memory passes $m1->$m2"
        check "soak$i-console-ticks-advance" [ "$c2" -gt "$c1" ]
        check "soak$i-xenstore-tick-advances" [ "$x2" -gt "$x1" ]
        check "soak$i-memory-passes-advance" [ "$m2" -gt "$m1" ]
        # a tick every 2 s: far fewer means the guest was held up
        check "soak$i-ticked-through-the-soak" [ "$c2" -ge $((mins * 60 / 2 / 3)) ]
        if grep -aE "$bad_re" $cdir/guest-soak$i.log >/dev/null; then
            grep -aE "$bad_re" $cdir/guest-soak$i.log | head -n 20 | tr -d '\r' | sed "s/^/soak$i-console| /"
            fail "soak$i-log-clean" "(crash or lockup lines above)"
        else
            pass "soak$i-log-clean"
        fi
    done
    if dmesg | grep -E "$bad_re" >/dev/null; then
        dmesg | grep -E "$bad_re" | head -n 20 | sed 's/^/dom0-dmesg| /'
        fail "dom0-log-clean" "(crash or lockup lines above)"
    else
        pass "dom0-log-clean"
    fi
    for i in 1 2 3 4; do
        xl destroy soak$i; check "destroy-soak$i" [ $? -eq 0 ]
    done
    # No leak: the dying domains go, and their memory comes back (the
    # wait the toolstack suites allow a dying domain).
    t1=$(up)
    while { [ "$(nr_domains)" != "$nd0" ] || [ "$(free_mem)" != "$free0" ]; } && ! past "$t1" 120; do
        sleep 1
    done
    xl list
    echo "T60 soak: free_memory $(free_mem) MiB after (was $free0), $(nr_domains) domain(s)"
    check "no-domain-left" [ "$(nr_domains)" = "$nd0" ]
    check "free-memory-back" [ "$(free_mem)" = "$free0" ]
}

case $(arg smpmode) in
bench) bench ;;
soak) soak ;;
*) fail "smpmode" "(smpmode=bench or soak on the kernel command line)" ;;
esac
xl list
finish
