#!/bin/sh
# /init of the test domU (busybox): prints the init marker on hvc0, then
# echoes every console line back so `xl console` can be checked both ways.
# A xenbus shutdown request runs /sbin/poweroff (a `poweroff -f` wrapper).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
read -r up _ < /proc/uptime
echo "DOMU-MARKER init-start up=$up"
while read -r line; do
    echo "DOMU-ECHO $line"
done
# stdin closed (not expected on hvc0): stay alive for the toolstack to end us
while :; do sleep 3600; done
