#!/bin/sh
# /init of the dom0 initramfs (busybox sh).  Mounts the basics, prints the
# init marker with the kernel's uptime, then either runs the test named by
# test=NAME on the kernel command line (/tests/NAME.sh, which ends the
# machine) or brings up the lab: its disk and network
# (/etc/init.d/lab-devices, when the image has it), the toolstack's daemons through
# /etc/init.d/xencommons (when the image has it: the lab ISO does), then
# /etc/rc.local (a user's overlay may bring one), then an interactive shell
# on the console.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
read -r up _ < /proc/uptime
echo "dom0 init: marker (uptime ${up}s)"

for arg in $(cat /proc/cmdline); do
    case $arg in
    test=*) test=${arg#test=} ;;
    esac
done
if [ -n "${test:-}" ]; then
    if [ -x "/tests/$test.sh" ]; then
        "/tests/$test.sh"
    else
        echo "dom0 init: no test '$test' in /tests"
        echo "Test result: ERROR"
    fi
    sync
    poweroff -f
fi

hostname "$(cat /etc/hostname 2>/dev/null || echo dom0)"
# The boot's messages have been shown; from here only errors reach the
# console (as with `quiet`), so kernel notices do not land in the middle of
# a guest's console session.  `dmesg` still has them all.
dmesg -n 4
# The lab's disk and network first: /etc/xen and /var/lib/xen may live on
# the disk, and the toolstack reads them.
[ -x /etc/init.d/lab-devices ] && /etc/init.d/lab-devices start
if [ -x /etc/init.d/xencommons ]; then
    /etc/init.d/xencommons start || echo "dom0 init: xencommons failed: the toolstack may not work"
fi
# the network backend and its bridge (needs xenstored), and the demo
# guest's disk: a sparse file, RAM is used only as the guest writes it
if [ -x /etc/init.d/netbackd ]; then
    /etc/init.d/netbackd start || echo "dom0 init: netbackd failed: guests' vifs will not connect"
fi
if [ -f /etc/xen/demo-disk.cfg ] && [ ! -e /var/lib/xen/images/demo-disk.img ]; then
    mkdir -p /var/lib/xen/images && truncate -s 64M /var/lib/xen/images/demo-disk.img
fi
# As Debian's rc-local: run after the daemons are up, output on the console.
# Not executable (e.g. the overlay lost its mode bits) still runs, through sh.
if [ -f /etc/rc.local ]; then
    echo "dom0 init: running /etc/rc.local"
    if [ -x /etc/rc.local ]; then /etc/rc.local; else sh /etc/rc.local; fi
    rc=$?
    [ $rc -eq 0 ] || echo "dom0 init: /etc/rc.local exited with status $rc"
fi
echo
if [ -x /usr/sbin/xl ]; then
    echo "Debian $(uname -r) dom0 shell, with the toolstack (xl, xenstored, xenconsoled)."
    [ -f /etc/xen/demo.cfg ] &&
        echo "Try 'xl create -c /etc/xen/demo.cfg' (Ctrl+] returns here), 'xl list', 'xl destroy demo'."
    echo "'poweroff -f' stops the machine."
else
    echo "Debian $(uname -r) dom0 shell.  'poweroff -f' stops the machine."
fi
while true; do
    setsid cttyhack /bin/sh -l
    echo "dom0 init: shell exited, starting another"
done
