#!/bin/sh
# /init of the toolstack test dom0 (real Xen 4.17): our xenstored,
# xenconsoled and xl create, inspect, pause, shut down and destroy Debian
# PV domUs, and refuse bad configurations without leaving domains behind.
# Prints "T60 PASS: name" / "T60 FAIL: name reason" and a final
# "Test result: N passed, M failed" before powering off.
. /etc/testlib.sh
base_setup
echo "T60 dom0 up at $(up)s"
xl info > /tmp/info0 2>&1
free0=$(free_mem)
check "xl-info-free-memory" [ -n "$free0" ]
clog=/var/log/xen/console/guest-domu1.log

# toolstack_only=loop (a debugging aid for the soak and xenstored-restart
# parts): skip straight to the create/destroy loop.
if [ -z "${toolstack_only:-}" ]; then
# ---- domU 1: create, marker, list, pause/unpause, console, shutdown -w
t0=$(up)
xl create /etc/xen/domu.cfg > /tmp/create1.out 2>&1; rc=$?
t1=$(up)
cat /tmp/create1.out
echo "T60 xl create took $(sub "$t1" "$t0")s"
check "create-domu1" [ $rc -eq 0 ]
if wait_for $clog "DOMU-MARKER init-start" 600; then
    pass "domu1-marker-in-console-log"; echo "T60 marker $(sub "$(up)" "$t0")s after create start"
else
    fail "domu1-marker-in-console-log" "(no marker within 600s; log: $(tail -c 300 $clog 2>/dev/null | tr '\n' '|'))"
fi
# The guest's view of what our builder set up (boot/xen-dom0/domu-init.sh):
# no W+X alias of the bootstrap area left behind (libxc's layout: p2m at
# INIT_P2M, initrd unmapped), and a RAM map ending at memory=256 MiB
# (libxl's memmap limit), not at Xen's default a few MiB further.
wait_for $clog "DOMU-CHECK" 120
grep -a "DOMU-CHECK" $clog | sed 's/^/T60 /'
check "domu1-no-wx-mappings-left" grep -aq "DOMU-CHECK wx=passed" $clog
check "domu1-ram-map-ends-at-memory" grep -aqE "DOMU-CHECK .*ram-end=0*fffffff([^0-9a-f]|$)" $clog
xl list > /tmp/list1; cat /tmp/list1
id1=$(xl domid domu1 2>/dev/null)
check "xl-domid" [ -n "$id1" ]
check "xl-list-header" grep -q "^Name  *ID   Mem VCPUs	State	Time(s)$" /tmp/list1
check "xl-list-domu1-row" awk -v id="$id1" '$1=="domu1" && $2==id && $3==256 && $4==1 && $5 ~ /^[r-][b-]----$/ {ok=1} END{exit !ok}' /tmp/list1
check "xl-domname" [ "$(xl domname "$id1")" = domu1 ]
xl pause domu1
check "pause-state" sh -c "xl list domu1 | awk '\$1==\"domu1\" && \$5 ~ /^..p/ {ok=1} END{exit !ok}'"
xl unpause domu1
check "unpause-state" sh -c "xl list domu1 | awk '\$1==\"domu1\" && \$5 ~ /^..-/ {ok=1} END{exit !ok}'"
tty=$(xenstore-read /local/domain/$id1/console/tty 2>/dev/null)
check "console-tty-in-xenstore" [ -n "$tty" ]
# xl console: the backlog shows the marker, and a typed line is echoed back.
( sleep 2; printf 'hello-console\n'; sleep 4 ) | timeout 10 xl console domu1 > /tmp/console.out 2>&1
check "xl-console-shows-marker" grep -q "DOMU-MARKER init-start" /tmp/console.out
check "xl-console-input-echoed" grep -q "DOMU-ECHO hello-console" /tmp/console.out
tail -c 400 /tmp/console.out | tr -d '\r' | sed 's/^/console| /'
# A second domain of the same name is refused by name; nothing is created.
nd=$(nr_domains)
xl create /etc/xen/domu.cfg > /tmp/dup.out 2>&1; rc=$?
sed 's/^/dup| /' /tmp/dup.out
check "reject-duplicate-name" sh -c "[ $rc -ne 0 ] && grep -q 'domu1.*already exists' /tmp/dup.out && [ \$(xl list | tail -n +2 | wc -l) = $nd ]"
# ---- BEGIN xl command checks ----------------------------------------------
# The rest of xl's commands and output formats against the running domu1,
# then the per-domain monitor rebuilding it on reboot (on_reboot="restart").
xl info > /tmp/xlinfo; sed 's/^/info| /' /tmp/xlinfo
# host facts that do not depend on the Debian build: same keys, alignment
# and values as Xen's own `xl info` printed in this QEMU setup
check "xl-info-layout-and-values" sh -c 'grep -qx "xen_major              : 4" /tmp/xlinfo &&
    grep -qx "xen_minor              : 17" /tmp/xlinfo && grep -qx "xen_pagesize           : 4096" /tmp/xlinfo &&
    grep -qx "nr_cpus                : 2" /tmp/xlinfo && grep -qx "total_memory           : 2047" /tmp/xlinfo &&
    grep -q "^virt_caps              : pv" /tmp/xlinfo && grep -q "^xen_caps               : xen-3.0-x86_64" /tmp/xlinfo &&
    grep -qx "platform_params        : virt_start=0xffff800000000000" /tmp/xlinfo &&
    grep -qx "xend_config_format     : 4" /tmp/xlinfo && [ "$(wc -l < /tmp/xlinfo)" = 34 ]'
xl list -v domu1 > /tmp/xlv; cat /tmp/xlv
check "xl-list-v-uuid" awk -v id="$id1" '$1=="domu1" && $2==id && length($7)==36 && $7 ~ /^[0-9a-f-]+$/ && $8=="-" {ok=1} END{exit !ok}' /tmp/xlv
xl list -l domu1 > /tmp/xll
check "xl-list-l-json" sh -c "grep -q '\"domid\": $id1,' /tmp/xll && grep -q '\"name\": \"domu1\"' /tmp/xll && grep -q '\"kernel\": \"/boot/vmlinuz\"' /tmp/xll"
check "xl-uptime" sh -c "xl uptime domu1 | awk -v id=$id1 '\$1==\"domu1\" && \$2==id && \$3 ~ /:[0-5][0-9]:[0-5][0-9]\$/ {ok=1} END{exit !ok}'"
check "xl-info-single-key" sh -c "xl info xen_version | grep -qx '4\.17\.[0-9]*'"
xl mem-max domu1 300m; rc=$?
check "xl-mem-max" sh -c "[ $rc -eq 0 ] && [ \"\$(xenstore-read /local/domain/$id1/memory/static-max)\" = 307200 ]"
check "xl-mem-max-below-current-refused" sh -c "! xl mem-max domu1 1m 2>/dev/null"
nd=$(nr_domains)
check "xl-create-dry-run" sh -c "xl create -n /etc/xen/domu.cfg 2>/dev/null | grep -q '\"target_memkb\": 262144' && [ \$(xl list | tail -n +2 | wc -l) = $nd ]"
t0=$(up)
xl reboot domu1 > /tmp/reboot.out 2>&1; rc=$?
cat /tmp/reboot.out
check "xl-reboot-request" [ $rc -eq 0 ]
newid=""
while ! past "$t0" 150; do
    newid=$(xl domid domu1 2>/dev/null)
    [ -n "$newid" ] && [ "$newid" != "$id1" ] && \
        [ "$(xenstore-read /local/domain/$newid/control/feature-poweroff 2>/dev/null)" = 1 ] && break
    sleep 1
done
sed 's/^/monitor| /' /var/log/xen/xl-domu1.log 2>/dev/null
echo "T60 reboot: domu1 id $id1 -> ${newid:-none} after $(sub "$(up)" "$t0")s"
check "monitor-restarts-domu1-on-reboot" sh -c "[ -n '$newid' ] && [ '$newid' != '$id1' ] && xl list domu1 >/dev/null"
[ -n "$newid" ] && id1=$newid
# ---- END xl command checks ------------------------------------------------
t0=$(up)
# generous: a loaded 2-core TCG host took >90 s
timeout 300 xl shutdown -w domu1 > /tmp/shutdown.out 2>&1; rc=$?
cat /tmp/shutdown.out
check "shutdown-w-returns" [ $rc -eq 0 ]
check "shutdown-domu1-gone" sh -c "! xl domid domu1 >/dev/null 2>&1"
echo "T60 shutdown -w took $(sub "$(up)" "$t0")s"

# ---- domU 2: create (cached kernel), destroy
clog2=/var/log/xen/console/guest-domu2.log
t0=$(up)
xl create /etc/xen/domu.cfg 'name="domu2"' > /tmp/create2.out 2>&1; rc=$?
echo "T60 xl create (2nd) took $(sub "$(up)" "$t0")s"
cat /tmp/create2.out
check "create-domu2" [ $rc -eq 0 ]
# Its boot is not awaited (domu1's reboot already booted a cached kernel):
# the console daemon must have picked it up, then it is destroyed running.
t0=$(up)
while [ ! -e $clog2 ] && ! past "$t0" 30; do usleep 100000; done
check "domu2-console-served" [ -e $clog2 ]
# Destroyed while `xl console` is attached: the console command ends.
( sleep 120 ) | xl console domu2 > /tmp/console2.out 2>&1 &
cpid=$!
sleep 2
kill -0 $cpid 2>/dev/null && attached=1 || attached=0
xl destroy domu2; rc=$?
check "destroy-domu2" [ $rc -eq 0 ]
check "destroy-domu2-gone" sh -c "! xl domid domu2 >/dev/null 2>&1"
t0=$(up)
while kill -0 $cpid 2>/dev/null && ! past "$t0" 60; do usleep 200000; done
check "console-ends-when-domain-destroyed" sh -c "[ $attached = 1 ] && ! kill -0 $cpid 2>/dev/null"
kill $cpid 2>/dev/null

# ---- domU 3: two vCPUs.  Linux starts the second with VCPUOP_initialise
# (IOPL 1 in its eflags, kept as the vCPU's virtual IOPL) and VCPUOP_up;
# both must come online and the guest reach init.
clog3=/var/log/xen/console/guest-domu3.log
xl create /etc/xen/domu.cfg 'name="domu3"' 'vcpus=2' 'on_crash="preserve"' > /tmp/create3.out 2>&1; rc=$?
cat /tmp/create3.out
check "create-domu3-vcpus-2" [ $rc -eq 0 ]
# (600 s: a 2-vCPU guest on a loaded 2-core host was seen to need over 300)
wait_for $clog3 "DOMU-CHECK" 600
grep -a "DOMU-CHECK" $clog3 | sed 's/^/T60 domu3 /'
check "domu3-two-cpus-online" grep -aq "DOMU-CHECK .*cpus=2" $clog3
check "xl-list-domu3-two-vcpus" sh -c "xl list domu3 | awk '\$1==\"domu3\" && \$4==2 {ok=1} END{exit !ok}'"
# The guest crashes itself (sysrq c): on_crash="preserve" keeps it, shown
# crashed, until destroyed; dom0 carries on.
# Typed again until it takes: on a loaded host the console may attach late.
t0=$(up); st=""
while ! past "$t0" 300; do
    ( sleep 3; printf 'DOMU-CRASH\n'; sleep 5 ) | timeout 20 xl console domu3 > /tmp/crash.out 2>&1
    w0=$(up)
    while ! past "$w0" 30; do
        st=$(xl list domu3 2>/dev/null | awk '$1=="domu3" {print $5}')
        case $st in *c*) break 2;; esac
        sleep 1
    done
    tail -c 300 /tmp/crash.out | tr -d '\r' | sed 's/^/crash-console| /'
done
echo "T60 domu3 state after its crash: '$st'"
check "on-crash-preserve-keeps-crashed-domain" sh -c "case '$st' in *c*) true;; *) false;; esac"
case $st in *c*) ;; *) tail -c 1500 $clog3 | tr -d '\r' | sed 's/^/domu3-console| /';; esac
xl destroy domu3
check "destroy-domu3-gone" sh -c "! xl domid domu3 >/dev/null 2>&1"

# ---- Debian's own xl (xen-utils-4.17: libxenlight, libxenctrl, libxenguest)
# against our xenstored and xenconsoled: create, list, destroy.
DXL=/usr/lib/xen/bin/debian-xl
clog4=/var/log/xen/console/guest-deb1.log
t0=$(up)
$DXL create /etc/xen/domu.cfg 'name="deb1"' > /tmp/create4.out 2>&1; rc=$?
sed 's/^/debian-xl| /' /tmp/create4.out
echo "T60 debian xl create took $(sub "$(up)" "$t0")s (rc $rc)"
check "debian-xl-create" [ $rc -eq 0 ]
if [ $rc -eq 0 ] && wait_for $clog4 "DOMU-MARKER init-start" 600; then
    pass "debian-xl-domu-marker"; echo "T60 marker (debian xl) $(sub "$(up)" "$t0")s after create start"
else
    fail "debian-xl-domu-marker" "(no marker; log: $(tail -c 300 $clog4 2>/dev/null | tr '\n' '|'))"
fi
$DXL list > /tmp/dlist 2>&1; sed 's/^/debian-xl| /' /tmp/dlist
check "debian-xl-list-row" awk '$1=="deb1" && $3==256 && $4==1 {ok=1} END{exit !ok}' /tmp/dlist
check "our-xl-lists-debian-xl-domain" sh -c "xl domid deb1 >/dev/null"
# Its console client (xenconsole on the pty our xenconsoled announced)
# shows the guest's output.  Typed input is not checked: xenconsole reads
# stdin only when stdin and stdout are terminals (its non-interactive mode),
# and busybox here has no `script` to give it one.
( sleep 3; printf 'hello-debian\n'; sleep 4 ) | timeout 12 $DXL console deb1 > /tmp/dconsole.out 2>&1
tail -c 300 /tmp/dconsole.out | tr -d '\r' | sed 's/^/debian-xl console| /'
check "debian-xl-console-shows-marker" grep -q "DOMU-MARKER init-start" /tmp/dconsole.out
# reboot: the guest shuts down with reason reboot and Debian's own monitor
# (the `xl create` child libxl keeps) builds it again under a new id.
did=$(xl domid deb1 2>/dev/null)
: > $clog4
$DXL reboot deb1 > /tmp/dreboot 2>&1; rc=$?
sed 's/^/debian-xl| /' /tmp/dreboot
t0=$(up); nid=$did
while ! past "$t0" 120; do
    nid=$(xl domid deb1 2>/dev/null)
    [ -n "$nid" ] && [ "$nid" != "$did" ] && break
    sleep 1
done
echo "T60 debian xl reboot: id $did -> '$nid'"
check "debian-xl-reboot-new-domain" sh -c "[ $rc -eq 0 ] && [ -n '$nid' ] && [ '$nid' != '$did' ]"
check "debian-xl-reboot-marker" wait_for $clog4 "DOMU-MARKER init-start" 600
$DXL shutdown -w deb1 > /tmp/dshutdown 2>&1; rc=$?
sed 's/^/debian-xl| /' /tmp/dshutdown
check "debian-xl-shutdown-w" sh -c "[ $rc -eq 0 ] && ! xl domid deb1 >/dev/null 2>&1"
# destroy, on a guest created paused (no boot needed)
$DXL create -p /etc/xen/domu.cfg 'name="deb2"' > /tmp/create5.out 2>&1 || sed 's/^/debian-xl| /' /tmp/create5.out
$DXL destroy deb2 > /tmp/ddestroy 2>&1; rc=$?
sed 's/^/debian-xl| /' /tmp/ddestroy
check "debian-xl-destroy" sh -c "[ $rc -eq 0 ] && ! xl domid deb2 >/dev/null 2>&1"

# ---- on_crash="destroy" and "restart": the guest crashes itself (sysrq c
# typed on its console); the monitor destroys it, or builds it again.
# crash_guest NAME: type DOMU-CRASH until the domain it was is gone.
crash_guest() {
    _id=$(xl domid "$1" 2>/dev/null); _t0=$(up)
    while ! past "$_t0" 300; do
        ( sleep 3; printf 'DOMU-CRASH\n'; sleep 5 ) | timeout 20 xl console "$1" > /tmp/crash.out 2>&1
        _w0=$(up)
        while ! past "$_w0" 30; do
            [ "$(xl domid "$1" 2>/dev/null)" != "$_id" ] && return 0
            sleep 1
        done
    done
    return 1
}
for act in destroy restart; do
    n=crash$act
    clogc=/var/log/xen/console/guest-$n.log
    rm -f $clogc
    xl create /etc/xen/domu.cfg "name=\"$n\"" "on_crash=\"$act\"" > /tmp/createc.out 2>&1 || cat /tmp/createc.out
    wait_for $clogc "DOMU-MARKER init-start" 600 || echo "T60 $n: no marker before the crash"
    id=$(xl domid $n 2>/dev/null)
    : > $clogc
    crash_guest $n; rc=$?
    nid=$(xl domid $n 2>/dev/null)
    echo "T60 $n: id $id -> '$nid'"
    if [ $act = destroy ]; then
        check "on-crash-destroy-removes-domain" sh -c "[ $rc = 0 ] && [ -z '$nid' ] && ! xenstore-exists /local/domain/$id"
    else
        check "on-crash-restart-new-domain" sh -c "[ $rc = 0 ] && [ -n '$nid' ] && [ '$nid' != '$id' ]"
        check "on-crash-restart-reaches-init" wait_for $clogc "DOMU-MARKER init-start" 600
        xl destroy $n
    fi
    grep -h "crash\|has shut down" /var/log/xen/xl-$n.log 2>/dev/null | sed "s/^/T60 $n monitor| /"
done

fi  # toolstack_only
# ---- a short create/destroy loop (the guest is destroyed while its kernel
# starts): each round gives every page back and leaves no xenstore node.
# toolstack_soak=1 (`make toolstack-soak`): each round waits for the guest's
# init marker before destroying it, and what dom0's daemons hold (xenstore
# paths, user event channels, grant/foreign mappings, open files, console
# logs) and free_memory must be exactly as before the loop.
nloop=${toolstack_loop:-3}
soak=${toolstack_soak:-0}
doms0=$(xenstore-list /local/domain | wc -l)
# held: one line of counts; the full xenstore path list goes to $1.
held() {
    _xsd=$(cat /run/xen/xenstored.pid); _xcd=$(cat /run/xen/xenconsoled.pid)
    xenstore-ls -f / 2>/dev/null | sed 's/ = .*//' | sort > "$1"
    echo "nodes=$(wc -l < "$1") evtchn=$(grep -c 'evtchn:' /proc/interrupts)" \
         "maps=$(cat /proc/$_xsd/maps /proc/$_xcd/maps | grep -c 'gntdev\|privcmd')" \
         "fds=$(( $(ls /proc/$_xsd/fd | wc -l) + $(ls /proc/$_xcd/fd | wc -l) ))" \
         "logs=$(ls -l /proc/$_xcd/fd 2>/dev/null | grep -c /var/log/xen/console/)"
}
# The soak's reference is taken after round 1: the first guest ever made
# creates the /vm and /libxl parents and the daemons open their device
# handles once (seen: 2 nodes and 2 files more after a first create).
soak_ref() {
    # The monitors of guests destroyed just before may still be tidying up
    # (their xenstore connections count): wait for them to exit first.
    _s0=$(up); while pidof xl > /dev/null && ! past "$_s0" 60; do sleep 1; done
    lfree0=$(free_mem); lheld0="domains=$(nr_domains) $(held /tmp/paths0)"
    echo "T60 soak reference after round 1: free_memory $lfree0 $lheld0"
}
i=1; ok=0; mk=0
while [ $i -le "$nloop" ]; do
    if [ "$soak" = 1 ]; then
        lclog=/var/log/xen/console/guest-loop$i.log; rm -f $lclog
        t0=$(up)
        if xl create /etc/xen/domu.cfg "name=\"loop$i\"" > /tmp/loop.out 2>&1; then
            if wait_for $lclog "DOMU-MARKER init-start" 600; then
                mk=$((mk + 1))
            else
                echo "T60 soak round $i: no marker within 600s"
            fi
            xl destroy "loop$i" && ok=$((ok + 1))
        else
            sed "s/^/T60 soak round $i create| /" /tmp/loop.out
        fi
        [ $((i % 20)) = 0 ] && echo "T60 soak round $i: $(sub "$(up)" "$t0")s, free_memory $(free_mem), domains=$(nr_domains) $(held /tmp/pathsN)"
        rm -f $lclog
        [ $i = 1 ] && soak_ref
    else
        xl create /etc/xen/domu.cfg "name=\"loop$i\"" > /tmp/loop.out 2>&1 && xl destroy "loop$i" && ok=$((ok + 1))
    fi
    i=$((i + 1))
done
echo "T60 create/destroy loop: $ok of $nloop rounds"
check "create-destroy-loop" [ "$ok" = "$nloop" ]
check "loop-leaves-no-xenstore-domain" [ "$(xenstore-list /local/domain | wc -l)" = "$doms0" ]
if [ "$soak" = 1 ]; then
    check "soak-every-round-reached-marker" [ "$mk" = "$nloop" ]
    # Destroy returns before every daemon has seen @releaseDomain: allow 20 s.
    t0=$(up)
    while :; do
        lfreeN=$(free_mem); lheldN="domains=$(nr_domains) $(held /tmp/pathsN)"
        [ "$lfreeN" = "$lfree0" ] && [ "$lheldN" = "$lheld0" ] && break
        past "$t0" 20 && break
        sleep 1
    done
    echo "T60 soak after: free_memory $lfreeN $lheldN"
    diff /tmp/paths0 /tmp/pathsN | grep '^[-+]/' | head -n 20 | sed 's/^/T60 soak xenstore diff| /'
    check "soak-free-memory-exact" [ "$lfreeN" = "$lfree0" ]
    check "soak-no-domain-and-nothing-held-more" [ "$lheldN" = "$lheld0" ]
    [ "$lheldN" = "$lheld0" ] || xl list | sed 's/^/T60 soak left| /'
fi

# ---- consolidation (toolstack_six=1 on dom0's command line; `make
# toolstack-soak`): six guests of 128 MiB side by side, each reaching its
# init marker and answering on its console, then all destroyed.
if [ "${toolstack_six:-0}" = 1 ]; then
    i=1; made=0
    while [ $i -le 6 ]; do
        rm -f /var/log/xen/console/guest-six$i.log
        xl create /etc/xen/domu.cfg "name=\"six$i\"" 'memory=128' > /tmp/six.out 2>&1 && made=$((made + 1))
        i=$((i + 1))
    done
    check "six-guests-created" [ $made = 6 ]
    i=1; up6=0
    while [ $i -le 6 ]; do
        wait_for /var/log/xen/console/guest-six$i.log "DOMU-MARKER init-start" 900 && up6=$((up6 + 1))
        i=$((i + 1))
    done
    echo "T60 six guests: $up6 reached their marker"
    check "six-guests-reach-init" [ $up6 = 6 ]
    i=1; echoed=0
    while [ $i -le 6 ]; do
        ( sleep 2; printf "hello-six$i\n"; sleep 3 ) | timeout 10 xl console six$i > /tmp/six-con.out 2>&1
        grep -q "DOMU-ECHO hello-six$i" /tmp/six-con.out && echoed=$((echoed + 1))
        i=$((i + 1))
    done
    check "six-guests-answer-on-console" [ $echoed = 6 ]
    xl list
    i=1
    while [ $i -le 6 ]; do xl destroy six$i; i=$((i + 1)); done
    check "six-guests-destroyed" sh -c "! xl list | grep -q '^six'"
fi

# ---- memory comes back (Xen may still be scrubbing for a moment)
t0=$(up); freeN=$(free_mem)
while [ "$freeN" != "$free0" ] && ! past "$t0" 20; do sleep 1; freeN=$(free_mem); done
check "free-memory-restored" [ "$freeN" = "$free0" ]
echo "T60 free_memory before $free0 after $freeN"

if [ -z "${toolstack_only:-}" ]; then
# ---- negative cases: each fails with a message naming the cause, no domain left
n0=$(nr_domains)
neg() {   # name cfg regexp
    xl create "/etc/xen/$2" > /tmp/neg.out 2>&1; rc=$?
    sed 's/^/neg| /' /tmp/neg.out
    if [ $rc -ne 0 ] && grep -qi -e "$3" /tmp/neg.out && [ "$(nr_domains)" = "$n0" ]; then
        pass "$1"
    else
        fail "$1" "(rc=$rc, want /$3/, domains $(nr_domains) vs $n0)"
    fi
}
neg "reject-syntax-error" bad-syntax.cfg "bad-syntax.cfg:3"
neg "reject-missing-kernel" no-kernel.cfg "does-not-exist.*ENOENT\|does-not-exist.*No such file"
neg "reject-non-kernel" not-kernel.cfg "not-a-kernel.bin: not an ELF or bzImage"
neg "reject-too-much-memory" too-big.cfg "100000.*free\|memory"
neg "reject-kernel-too-big-for-memory" kernel-too-big.cfg "layout needs .* but the domain has .*(16 MiB)"

xl list
xl dmesg > /tmp/dmesg.out 2>&1
check "xl-dmesg" grep -q "Xen version 4.17" /tmp/dmesg.out

fi  # toolstack_only
# ---- hostile guests (toolstack_hostile=1; docs/toolstack.md): a guest
# floods xenstore past its quotas, then its console (each line an event on
# xenconsoled's channel), while a second guest keeps its service.  The
# flooder is refused by xenstored's quotas (ENOSPC for nodes, E2BIG for
# watches) and rate limited by xenconsoled; dom0 answers; both daemons stay
# up; the victim answers on its console and shuts down through xenstore;
# destroying the flooder leaves nothing.
if [ "${toolstack_hostile:-0}" = 1 ]; then
    T="timeout 120"
    hfree0=$(free_mem); hnd0=$(nr_domains)
    # xenconsoled again, in the foreground: its notes (the rate limit) go
    # to a file instead of a daemon's /dev/null.
    oldxcd=$(cat /run/xen/xenconsoled.pid); kill "$oldxcd"
    t0=$(up); while kill -0 "$oldxcd" 2>/dev/null && ! past "$t0" 20; do usleep 50000; done
    xenconsoled -i --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xen/xenconsoled.pid \
        2> /var/log/xen/xenconsoled.err &
    xcd=$!; xsd=$(cat /run/xen/xenstored.pid)
    vlog=/var/log/xen/console/guest-victim.log hlog=/var/log/xen/console/guest-hostile.log
    rm -f $vlog $hlog
    $T xl create /etc/xen/domu.cfg 'name="victim"' memory=128 > /tmp/hv.out 2>&1 || sed 's/^/victim| /' /tmp/hv.out
    check "hostile-victim-reaches-init" wait_for $vlog "DOMU-MARKER init-start" 600
    vid=$(xl domid victim 2>/dev/null)
    $T xl create /etc/xen/domu.cfg 'name="hostile"' memory=128 \
        'extra="console=hvc0 quiet domu_hostile"' > /tmp/hh.out 2>&1 || sed 's/^/hostile| /' /tmp/hh.out
    hid=$(xl domid hostile 2>/dev/null)
    wait_for $hlog "DOMU-XSFLOOD watches" 900
    grep -a "DOMU-XSFLOOD" $hlog | tr -d '\r' | sed 's/^/T60 hostile: /'
    # The guest owns a few nodes already (control/, data/, ...) and its
    # kernel's own watches share its one connection: it is refused within
    # the 1000-node and the 128-watch quotas (Linux answers a watch request
    # itself: xenstored's E2BIG comes back as the write's errno).
    check "hostile-xenstore-nodes-quota" sh -c "grep -aqE 'DOMU-XSFLOOD nodes tried=(9[0-9][0-9]|1000|1001) last=ENOSPC' $hlog"
    check "hostile-xenstore-watches-quota" sh -c "grep -aqE 'DOMU-XSFLOOD watches tried=1[0-2][0-9] last=(E2BIG|WRITE-REFUSED:Argument_list_too_long)' $hlog"
    wait_for $hlog "DOMU-FLOOD start" 300
    check "hostile-console-rate-limited" wait_for /var/log/xen/xenconsoled.err \
        "dom $hid (hostile): console events over" 120
    sed 's/^/T60 xenconsoled| /' /var/log/xen/xenconsoled.err
    # While it floods: dom0's tools answer, the victim's console and
    # xenstore serve it (xl shutdown goes through its control/shutdown).
    check "hostile-dom0-xl-list-answers" sh -c "$T xl list > /tmp/hl.out 2>&1 && grep -q '^hostile ' /tmp/hl.out"
    check "hostile-dom0-xenstore-ls-answers" sh -c "$T xenstore-ls /local/domain/0 > /dev/null"
    ( sleep 2; printf 'hello-victim\n'; sleep 6 ) | timeout 30 xl console victim > /tmp/hvc.out 2>&1
    check "hostile-victim-console-answers" grep -q "DOMU-ECHO hello-victim" /tmp/hvc.out
    echo "T60 hostile: flooder's console log $(wc -c < $hlog) bytes"
    check "hostile-victim-shuts-down" $T xl shutdown -w victim
    check "hostile-daemons-alive" sh -c "kill -0 $xsd && kill -0 $xcd"
    check "hostile-flooder-destroyed" $T xl destroy hostile
    t0=$(up)
    while { [ "$(nr_domains)" != "$hnd0" ] || [ "$(free_mem)" != "$hfree0" ]; } && ! past "$t0" 30; do sleep 1; done
    xl list | sed 's/^/T60 hostile left| /'
    check "hostile-no-domain-left" [ "$(nr_domains)" = "$hnd0" ]
    check "hostile-every-page-back" [ "$(free_mem)" = "$hfree0" ]
    check "hostile-no-flooder-node-left" sh -c "! xenstore-exists /local/domain/$hid"
fi
# ---- xenstored killed and restarted under load (toolstack_xsrestart=1, the
# last checks: they leave a new xenstored with only dom0's and the new
# guests' state).  While xl lists and creates/destroys paused guests in a
# loop, xenstored gets SIGKILL and is started again.  Every command either
# succeeds or names xenstored; a domain whose xenstore state died with the
# old daemon is destroyed by its id; afterwards a guest is created and
# reaches init (xenconsoled reconnected), and no domain or page is left.
if [ "${toolstack_xsrestart:-0}" = 1 ]; then
    T="timeout 120"
    xfree0=$(free_mem); xnd0=$(nr_domains)
    xl list | awk 'NR > 1 { print $(NF-4) }' > /tmp/xsr-ids0
    $T xl create -p /etc/xen/domu.cfg 'name="xsr0"' memory=128 > /tmp/xsr0.out 2>&1 || sed 's/^/xsr0| /' /tmp/xsr0.out
    xid0=$(xl domid xsr0 2>/dev/null)
    rm -f /tmp/xsr.*
    ( j=1
      while [ ! -e /tmp/xsr.stop ]; do
          $T xl list > /tmp/xsr.l$j 2>&1; echo $? > /tmp/xsr.l$j.rc
          if $T xl create -p /etc/xen/domu.cfg "name=\"xsl$j\"" memory=128 > /tmp/xsr.c$j 2>&1; then
              echo 0 > /tmp/xsr.c$j.rc
              $T xl destroy "xsl$j" > /tmp/xsr.d$j 2>&1; echo $? > /tmp/xsr.d$j.rc
          else
              echo $? > /tmp/xsr.c$j.rc
          fi
          : > /tmp/xsr.round$j
          j=$((j + 1))
      done ) &
    xload=$!
    # Kill it once the load has done a round or two (not a pass/fail timing).
    t0=$(up); while [ ! -e /tmp/xsr.round2 ] && ! past "$t0" 120; do usleep 100000; done
    kill -9 "$(cat /run/xen/xenstored.pid)"
    echo "T60 xsrestart: xenstored killed at $(up)s"
    $T xl list > /tmp/xsr.down 2>&1; rc=$?
    sed 's/^/xsr down| /' /tmp/xsr.down
    check "xsrestart-list-while-down-names-xenstored" grep -q "cannot connect to xenstored" /tmp/xsr.down
    $T xl create -p /etc/xen/domu.cfg 'name="xsrdown"' memory=128 > /tmp/xsr.cdown 2>&1; rc=$?
    sed 's/^/xsr down| /' /tmp/xsr.cdown
    check "xsrestart-create-while-down-fails-naming-xenstored" sh -c "[ $rc -ne 0 ] && grep -q 'xenstored' /tmp/xsr.cdown"
    # Started again as base_setup does (pid file, dom0's own nodes).
    rm -f /run/xen/xenstored.pid
    $XENSTORED
    t0=$(up); while [ ! -s /run/xen/xenstored.pid ] && ! past "$t0" 30; do usleep 100000; done
    $T xenstore-write /local/domain/0/name Domain-0 /local/domain/0/domid 0 /local/pool/0/name Pool-0
    check "xsrestart-new-xenstored-serves" sh -c "[ \"\$($T xenstore-read /local/domain/0/name)\" = Domain-0 ]"
    # The guest made before the kill lost its name with the old daemon: xl
    # says so (Xen's "invalid domain identifier" line, then why).
    $T xl destroy xsr0 > /tmp/xsr.byname 2>&1; rc=$?
    sed 's/^/xsr by name| /' /tmp/xsr.byname
    check "xsrestart-lost-name-names-xenstored" sh -c "[ $rc -ne 0 ] && grep -q 'xenstored was restarted' /tmp/xsr.byname"
    # Let the load run against the new daemon for a round, then stop it.
    j0=$(ls /tmp/xsr.round* | wc -l); t0=$(up)
    while [ "$(ls /tmp/xsr.round* | wc -l)" -le $((j0 + 1)) ] && ! past "$t0" 300; do usleep 100000; done
    touch /tmp/xsr.stop; wait $xload
    nbad=0; nok=0; nall=0
    for f in /tmp/xsr.[lcd]*.rc; do
        nall=$((nall + 1))
        if [ "$(cat "$f")" = 0 ]; then nok=$((nok + 1)); continue; fi
        grep -qi "xenstore" "${f%.rc}" && continue
        nbad=$((nbad + 1)); echo "T60 xsrestart: ${f%.rc} rc=$(cat "$f"): $(head -c 200 "${f%.rc}" | tr '\n' '|')"
    done
    echo "T60 xsrestart: load ran $nall commands, $nok succeeded, $nbad failed without naming xenstored"
    check "xsrestart-load-commands-succeed-or-name-xenstored" [ "$nbad" = 0 ]
    # A guest created now reaches init (its console log needs xenconsoled,
    # which lost its xenstored connection) and is destroyed.
    rm -f /var/log/xen/console/guest-xsrnew.log
    $T xl create /etc/xen/domu.cfg 'name="xsrnew"' memory=128 > /tmp/xsr.new 2>&1; rc=$?
    sed 's/^/xsr new| /' /tmp/xsr.new
    check "xsrestart-create-after-restart" [ $rc = 0 ]
    check "xsrestart-new-guest-reaches-init" wait_for /var/log/xen/console/guest-xsrnew.log "DOMU-MARKER init-start" 600
    $T xl destroy xsrnew
    # Left: xsr0 (made before the kill) and each load guest that was
    # created but whose destroy failed (naming xenstored); a failed create
    # leaves nothing.  Their names died with the old daemon: xl list's ID
    # column (5th from the end) names them, and they are destroyed by id.
    orphans=1
    for f in /tmp/xsr.d*.rc; do [ -e "$f" ] && [ "$(cat "$f")" != 0 ] && orphans=$((orphans + 1)); done
    xl list > /tmp/xsr.left 2>&1; sed 's/^/xsr left| /' /tmp/xsr.left
    new_ids() { xl list 2>/dev/null | awk 'NR > 1 { print $(NF-4) }' | grep -vxF -f /tmp/xsr-ids0; }
    check "xsrestart-only-orphans-left" [ "$(new_ids | wc -l)" = "$orphans" ]
    for id in $(new_ids); do
        $T xl destroy "$id" || echo "T60 xsrestart: destroying domain $id failed"
    done
    echo "T60 xsrestart: the guest created before the kill was domain '$xid0', $orphans orphan(s)"
    t0=$(up)
    while { [ -n "$(new_ids)" ] || [ "$(free_mem)" != "$xfree0" ]; } && ! past "$t0" 30; do sleep 1; done
    check "xsrestart-no-domain-left" [ -z "$(new_ids)" ]
    check "xsrestart-every-page-back" [ "$(free_mem)" = "$xfree0" ]
    echo "T60 xsrestart: free_memory before $xfree0 after $(free_mem)"
fi
if [ $nfail -eq 0 ]; then v=SUCCESS; else v=FAILURE; fi
echo "Test result: $v ($npass passed, $nfail failed)"
sync
# QEMU's isa-debug-exit device (port 0xf4) ends the run with the verdict as
# its exit status ((code << 1) | 1: 0 = success, 1 = failure).
if [ $nfail -eq 0 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
