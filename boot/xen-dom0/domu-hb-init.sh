#!/bin/sh
# /init of the save/restore test domU (busybox): fills 4 MiB of tmpfs (guest
# RAM) with random bytes once, then prints a heartbeat on hvc0 every second:
# "HB <counter> <md5 of that region>".  A guest that was saved and restored
# carries on counting with the same checksum; lost or misplaced memory
# changes the sum or stops the count.  Each beat is followed by
# "HBT <counter> <the guest's CLOCK_REALTIME, s.us>": bench 67 measures a
# migration's downtime on the guest's own clock (Linux resyncs it from the
# hypervisor's wallclock on resume), free of console latency.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /mem
mount -t tmpfs -o size=8m tmpfs /mem
dd if=/dev/urandom of=/mem/region bs=4096 count=1024 2>/dev/null
echo "DOMU-MARKER init-start"
n=0
while :; do
    n=$((n + 1))
    echo "HB $n $(md5sum < /mem/region | cut -c1-32)"
    echo "HBT $n $(adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 } END { printf "%d.%06d", s, u }')"
    sleep 1
done
