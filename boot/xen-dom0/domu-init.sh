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
# What the builder set up, as the guest sees it (suite 60 checks these):
# Linux's W+X audit of its own mappings, and where its RAM map ends.
wx=unknown
dmesg | grep -q "Checked W+X mappings: passed" && wx=passed
dmesg | grep -q "Found insecure W+X mapping" && wx=insecure
ram=$(grep "System RAM" /proc/iomem | tail -n1 | sed 's/^ *[0-9a-f]*-\([0-9a-f]*\) .*/\1/')
echo "DOMU-CHECK wx=$wx ram-end=$ram cpus=$(grep -c '^processor' /proc/cpuinfo)"
grep -m1 '^flags' /proc/cpuinfo | sed 's/^/DOMU-CPU /'
# "memwatch" on the kernel command line: print MemTotal (kB) whenever it
# changes, so the toolstack tests see ballooning on the console.
if grep -qw memwatch /proc/cmdline; then
    (last=; while :; do
        m=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
        [ "$m" != "$last" ] && echo "DOMU-MEMTOTAL $m" && last=$m
        sleep 1
    done) &
fi
# Asked for on the kernel command line (the scheduler tests, suite 66):
# domu_spin keeps one CPU busy; domu_cpuwatch reports every change of
# cpu1's online state (xl vcpu-set): Linux unregisters a vCPU the toolstack
# takes away ("absent") and registers it again offline when it is given
# back; onlining it then is userspace's job (udev's), done here.
case " $(cat /proc/cmdline) " in
*" domu_spin "*) echo "DOMU-SPIN started"; ( while :; do :; done ) & ;;
esac
case " $(cat /proc/cmdline) " in
*" domu_cpuwatch "*)
    ( last=; while :; do
        c=$(cat /sys/devices/system/cpu/cpu1/online 2>/dev/null)
        [ -n "$c" ] || c=absent
        [ "$c" != "$last" ] && echo "DOMU-CPU1 online=$c"
        [ "$c" = 0 ] && echo 1 > /sys/devices/system/cpu/cpu1/online
        last=$c; sleep 1
      done ) & ;;
esac
# domu_hostile (suite 61's hostile mode): a guest attacking dom0's daemons
# through the interfaces every guest has (/bin/hostile, hostile.c): xenstore
# until its nodes quota and then its watches quota refuse it, then its
# console for good, until the toolstack destroys it.
case " $(cat /proc/cmdline) " in
*" domu_hostile "*) exec /bin/hostile ;;
esac
# "DOMU-CRASH" typed on the console makes the guest crash itself (the
# toolstack tests check on_crash).
while read -r line; do
    echo "DOMU-ECHO $line"
    [ "$line" = DOMU-CRASH ] && echo c > /proc/sysrq-trigger
done
# stdin closed (not expected on hvc0): stay alive for the toolstack to end us
while :; do sleep 3600; done
