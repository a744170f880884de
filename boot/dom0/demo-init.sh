#!/bin/sh
# /init of the lab's demo guest (busybox initramfs under Debian's kernel,
# /var/lib/xen/images/demo-initrd.gz in dom0): an interactive shell on the
# Xen console (hvc0), which `xl create -c` or `xl console` attaches to.
# `xl shutdown` makes Linux run /sbin/poweroff (a `poweroff -f` wrapper:
# there is no init daemon to signal); `poweroff -f` typed here works too.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
hostname "$(cat /etc/hostname 2>/dev/null || echo demo)"
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
