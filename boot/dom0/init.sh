#!/bin/sh
# /init of the dom0 initramfs (busybox sh).  Mounts the basics, prints the
# init marker with the kernel's uptime, then either runs the test named by
# test=NAME on the kernel command line (/tests/NAME.sh, which ends the
# machine) or gives an interactive shell on the console.
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

hostname dom0
echo
echo "Debian $(uname -r) dom0 shell.  'poweroff -f' stops the machine."
while true; do
    setsid cttyhack /bin/sh -l
    echo "dom0 init: shell exited, starting another"
done
