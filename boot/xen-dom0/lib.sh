# lib.sh — helpers for the dom0 test scripts (sourced, busybox sh).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
up() { read -r u _ < /proc/uptime; echo "$u"; }
sub() { awk "BEGIN{printf \"%.2f\", $1 - $2}"; }
past() { awk "BEGIN{exit !($(up) > $1 + $2)}"; }
npass=0; nfail=0
# Result lines carry a prefix the host script looks for among kernel messages.
pass() { npass=$((npass + 1)); echo "T60 PASS: $1 ($(up)s)"; }
fail() { nfail=$((nfail + 1)); echo "T60 FAIL: $1 $2"; }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "(command: $*)"; fi; }
# wait_for FILE REGEX SECONDS
wait_for() {
    _w0=$(up)
    while ! grep -q "$2" "$1" 2>/dev/null; do
        past "$_w0" "$3" && return 1
        usleep 50000
    done
    return 0
}
free_mem() { xl info | awk -F: '/^free_memory/ { gsub(/ /, "", $2); print $2 }'; }
# nr of domains xl list shows (header excluded)
nr_domains() { xl list | tail -n +2 | wc -l; }
base_setup() {
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev
    mkdir -p /dev/pts /dev/shm
    mount -t devpts devpts /dev/pts
    mount -t tmpfs tmpfs /run
    mkdir -p /run/xen /var/log/xen/console /var/lib/xen /tmp
    for m in xen-privcmd xenfs xen-evtchn xen-gntdev; do
        insmod /lib/modules/$m.ko || echo "T60 insmod $m failed"
    done
    mount -t xenfs xenfs /proc/xen
    . /etc/toolstack.conf
    $XENSTORED
    _b0=$(up)
    while [ ! -s /run/xen/xenstored.pid ] && ! past "$_b0" 20; do usleep 10000; done
    # dom0's own entries: Debian's xen-init-dom0 when shipped (bench), else
    # the same nodes by hand.
    if [ -x /usr/lib/xen/bin/xen-init-dom0 ]; then
        /usr/lib/xen/bin/xen-init-dom0 >/dev/null 2>&1 || echo "T60 note: xen-init-dom0 failed"
    fi
    xenstore-exists /local/domain/0/name || xenstore-write /local/domain/0/name Domain-0
    xenstore-exists /local/domain/0/domid || xenstore-write /local/domain/0/domid 0
    xenstore-exists /local/pool/0/name || xenstore-write /local/pool/0/name Pool-0
    xenconsoled --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xen/xenconsoled.pid
}
# finish: the verdict line from the checks' count, QEMU's exit status
# through isa-debug-exit (our hypervisor; Xen 4.17 ignores the port), power off.
finish() {
    if [ $nfail -eq 0 ]; then _v=SUCCESS; else _v=FAILURE; fi
    echo "Test result: $_v ($npass passed, $nfail failed)"
    sync
    if [ $nfail -eq 0 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
}
