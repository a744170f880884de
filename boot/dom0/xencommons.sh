#!/bin/sh
# /etc/init.d/xencommons of the lab's dom0 (busybox sh): what Debian's
# xencommons does on a Xen host, in the same order, so the toolstack finds
# what it expects.  Loads the Xen drivers Debian builds as modules, mounts
# xenfs on /proc/xen (its xsd_kva/xsd_port are how xenstored finds dom0's
# ring), creates the run/log/lib directories, starts xenstored, writes
# dom0's own entries (xen-init-dom0's job) and starts xenconsoled logging
# each guest's console to /var/log/xen/console/guest-<name>.log.
#
#   /etc/init.d/xencommons start|stop|status
# Overridable in /etc/default/xencommons (as on Debian): XENSTORED,
# XENSTORED_ARGS, XENCONSOLED_TRACE (none|guest|hv|all, default guest).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
XENSTORED=/usr/sbin/xenstored
XENSTORED_ARGS=
XENCONSOLED_TRACE=guest
[ -r /etc/default/xencommons ] && . /etc/default/xencommons
RUNDIR=/var/run/xen
say() { echo "xencommons: $*"; }

# wait_pid FILE SECONDS: until FILE names a live process.
wait_pid() {
    _n=0
    while [ "$_n" -lt $(($2 * 20)) ]; do
        if [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; then return 0; fi
        usleep 50000
        _n=$((_n + 1))
    done
    return 1
}

running() { [ -s "$RUNDIR/$1.pid" ] && kill -0 "$(cat "$RUNDIR/$1.pid")" 2>/dev/null; }

do_start() {
    rc=0
    # Debian's kernel has these as modules; a kernel with them built in has
    # nothing to load (insmod would fail with EEXIST: not an error here).
    for m in xen-privcmd xenfs xen-evtchn xen-gntdev; do
        grep -q "^$(echo $m | tr - _) " /proc/modules 2>/dev/null && continue
        if [ -e "/lib/modules/$m.ko" ]; then
            insmod "/lib/modules/$m.ko" || { say "cannot load $m"; rc=1; }
        fi
    done
    if ! grep -q " /proc/xen xenfs " /proc/mounts; then
        mount -t xenfs xenfs /proc/xen || { say "cannot mount xenfs on /proc/xen"; return 1; }
    fi
    if ! grep -q control_d /proc/xen/capabilities 2>/dev/null; then
        say "not dom0 on a Xen-compatible hypervisor (/proc/xen/capabilities: $(cat /proc/xen/capabilities 2>/dev/null))"
        return 1
    fi
    mkdir -p "$RUNDIR" /var/run/xenstored /var/lib/xen /var/log/xen/console

    if running xenstored; then
        say "xenstored already running (pid $(cat $RUNDIR/xenstored.pid))"
    else
        rm -f "$RUNDIR/xenstored.pid"
        # shellcheck disable=SC2086
        $XENSTORED --pid-file "$RUNDIR/xenstored.pid" $XENSTORED_ARGS
        if ! wait_pid "$RUNDIR/xenstored.pid" 30; then
            say "xenstored did not start ($XENSTORED)"
            return 1
        fi
        say "xenstored started (pid $(cat $RUNDIR/xenstored.pid))"
    fi
    # xen-init-dom0: dom0's name and id (xl list, libxl's name lookups) and
    # the pool's name, written once.
    xenstore-exists /local/domain/0/domid || xenstore-write /local/domain/0/domid 0
    xenstore-exists /local/domain/0/name || xenstore-write /local/domain/0/name Domain-0
    xenstore-exists /local/pool/0/name || xenstore-write /local/pool/0/name Pool-0

    if running xenconsoled; then
        say "xenconsoled already running (pid $(cat $RUNDIR/xenconsoled.pid))"
    else
        rm -f "$RUNDIR/xenconsoled.pid"
        xenconsoled --pid-file="$RUNDIR/xenconsoled.pid" --log="$XENCONSOLED_TRACE" \
            --log-dir=/var/log/xen/console
        if ! wait_pid "$RUNDIR/xenconsoled.pid" 30; then
            say "xenconsoled did not start"
            return 1
        fi
        say "xenconsoled started (pid $(cat $RUNDIR/xenconsoled.pid), --log=$XENCONSOLED_TRACE)"
    fi
    return $rc
}

do_stop() {
    # As Debian's: xenconsoled goes; xenstored stays (guests' state lives there).
    if running xenconsoled; then
        kill "$(cat $RUNDIR/xenconsoled.pid)" && rm -f "$RUNDIR/xenconsoled.pid"
        say "xenconsoled stopped"
    fi
}

do_status() {
    st=0
    for d in xenstored xenconsoled; do
        if running $d; then say "$d running (pid $(cat $RUNDIR/$d.pid))"; else say "$d not running"; st=3; fi
    done
    return $st
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
restart) do_stop; do_start ;;
*) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
