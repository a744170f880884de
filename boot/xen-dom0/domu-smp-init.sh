#!/bin/sh
# /init of the SMP bench and soak domU (xen-dom0-initramfs.sh smp), busybox
# plus /bin/smp-work (boot/xen-dom0/smp-work.c) and our xenstore client.
# What it does comes from the kernel command line:
#   smp_work=N smp_reps=R   the bench: R times, 2 processes of N integer
#                           rounds each, timed by the guest's clock
#                           ("DOMU-WORK ..." lines), then "DOMU-WORK-DONE"
#   smp_soak                the soak: integer work forever, a memory toucher
#                           (48 MiB, forking), and every 2 s a tick on the
#                           console and in xenstore (data/soak-tick)
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
read -r up _ < /proc/uptime
echo "DOMU-MARKER init-start up=$up cpus=$(grep -c '^processor' /proc/cpuinfo)"
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | head -n1; }

work=$(arg smp_work)
if [ -n "$work" ]; then
    reps=$(arg smp_reps); reps=${reps:-1}
    i=0
    while [ $i -lt "$reps" ]; do
        smp-work spin "$work" 2
        i=$((i + 1))
    done
    echo "DOMU-WORK-DONE"
fi

if grep -qw smp_soak /proc/cmdline; then
    smp-work burn &
    smp-work touch 48 &
    n=0
    while :; do
        n=$((n + 1))
        read -r up _ < /proc/uptime
        echo "DOMU-TICK $n up=$up"
        xenstore-write data/soak-tick "$n" || echo "DOMU-XS write failed at tick $n"
        sleep 2
    done
fi
while :; do sleep 3600; done
