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
    t0=$(up)
    while ! grep -q "$2" "$1" 2>/dev/null; do
        past "$t0" "$3" && return 1
        usleep 20000
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
    t0=$(up)
    while [ ! -s /run/xen/xenstored.pid ] && ! past "$t0" 20; do usleep 10000; done
    # What xen-init-dom0 does for dom0's own entries.
    xenstore-write /local/domain/0/name Domain-0 /local/domain/0/domid 0
    xenconsoled --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xen/xenconsoled.pid
}
