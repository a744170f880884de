#!/bin/sh
# /init of the lab's demo guest (busybox initramfs under Debian's kernel,
# /var/lib/xen/images/demo-initrd.gz in dom0): an interactive shell on the
# Xen console (hvc0), which `xl create -c` or `xl console` attaches to.
# `xl shutdown` makes Linux run /sbin/poweroff (a `poweroff -f` wrapper:
# there is no init daemon to signal); `poweroff -f` typed here works too.
# Debian's xen-blkfront and xen-netfront are loaded, so disk= and vif=
# lines in the guest's config give it /dev/xvd* and ethN; demo_ip=ADDR/LEN
# on the kernel command line (demo-disk.cfg) configures eth0.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
hostname "$(cat /etc/hostname 2>/dev/null || echo demo)"
ip link set lo up 2>/dev/null
for m in xen-blkfront xen-netfront; do
    [ -e /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
# the frontends connect in the background: wait (10 s at most) for the
# devices xenbus lists to appear, so the banner can name them
n=0
while [ $n -lt 100 ]; do
    want=0 have=0
    for d in /sys/bus/xen/devices/vbd-* /sys/bus/xen/devices/vif-*; do
        [ -e "$d" ] || continue
        want=$((want + 1))
        [ -n "$(ls "$d/block" 2>/dev/null)$(ls "$d/net" 2>/dev/null)" ] && have=$((have + 1))
    done
    [ $have -ge $want ] && break
    usleep 100000; n=$((n + 1))
done
demo_ip=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^demo_ip=//p' | tail -n1)
if [ -n "$demo_ip" ] && [ -e /sys/class/net/eth0 ]; then
    ip addr add "$demo_ip" dev eth0 && ip link set eth0 up
fi
for b in /sys/block/xvd*; do
    [ -e "$b" ] && echo "demo guest: disk /dev/${b##*/} ($(( $(cat $b/size) / 2048 )) MiB)"
done
for e in /sys/class/net/eth*; do
    [ -e "$e" ] || continue
    a=; [ "${e##*/}" = eth0 ] && a=$demo_ip
    echo "demo guest: network ${e##*/} $(cat $e/address) ${a:-(no address)}"
done
read -r up _ < /proc/uptime
echo "demo guest: init up after ${up}s"
echo
echo "Debian $(uname -r) PV guest '$(hostname)': a busybox shell."
echo "Ctrl+] returns to dom0 ('xl console <name>' comes back); 'poweroff -f' here or"
echo "'xl shutdown <name>' in dom0 ends it."
while true; do
    setsid cttyhack /bin/sh -l
    echo "demo guest: shell exited, starting another"
done
