#!/bin/sh
# /etc/init.d/lab-devices — the lab dom0's own devices, started by /init
# before the toolstack (docs/lab.md):
#   disk: QEMU's virtio disk (build/lab-disk.img, ext4) is mounted on
#     /mnt/lab-disk, and /etc/xen and /var/lib/xen live on it (bind mounts):
#     the first boot copies the image's files there; later boots add only
#     files the disk lacks, so what users changed or created stays theirs;
#   network: the virtio NIC joins the bridge xenbr0 (Xen's default bridged
#     setup, where guests' vifs go) and xenbr0 takes a DHCP lease from QEMU's
#     user network (10.0.2.0/24, the host is 10.0.2.2); udhcpc keeps
#     running to renew it.
# Without a PCI bus (acpi=off pci=off) or without the devices (run.sh
# DISK=none NET=none) everything stays in RAM, as before.
say() { echo "lab-devices: $*"; }
[ "${1:-start}" = start ] || exit 0
load() {
    for m in "$@"; do
        [ -e "/sys/module/$m" ] || insmod "/lib/modules/$m.ko" 2>/dev/null || { say "cannot load $m"; return 1; }
    done
}
# virtio PCI devices by id: transitional 0x1001 block / 0x1000 network,
# modern 0x1042 / 0x1041.
has_virtio() {
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat "$d/vendor" 2>/dev/null)" = 0x1af4 ] || continue
        case $(cat "$d/device") in $1|$2) return 0 ;; esac
    done
    return 1
}
wait_for() { i=0; while [ ! -e "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; [ -e "$1" ]; }

if ! ls /sys/bus/pci/devices 2>/dev/null | grep -q .; then
    say "no PCI devices (dom0 booted acpi=off pci=off?): data stays in RAM"
    exit 0
fi
load virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci || exit 0

if ! has_virtio 0x1001 0x1042; then
    say "no virtio disk: /etc/xen and /var/lib/xen stay in RAM"
elif load virtio_blk crc16 crc32c_generic mbcache jbd2 ext4 && wait_for /dev/vda; then
    mkdir -p /mnt/lab-disk
    if mount -t ext4 /dev/vda /mnt/lab-disk; then
        for dir in /etc/xen /var/lib/xen; do
            mkdir -p "/mnt/lab-disk$dir"
            # The image's files the disk lacks (never overwriting).
            (cd "$dir" && find . ! -type d) | while read -r f; do
                [ -e "/mnt/lab-disk$dir/$f" ] && continue
                mkdir -p "$(dirname "/mnt/lab-disk$dir/$f")" && cp -a "$dir/$f" "/mnt/lab-disk$dir/$f"
            done
            mount --bind "/mnt/lab-disk$dir" "$dir"
        done
        sync
        say "/dev/vda mounted on /mnt/lab-disk ($(df -h /mnt/lab-disk | awk 'NR == 2 { print $4 }') free); /etc/xen and /var/lib/xen live there"
    else
        say "/dev/vda is not an ext4 filesystem: data stays in RAM"
    fi
else
    say "the virtio disk did not appear: data stays in RAM"
fi

if ! has_virtio 0x1000 0x1041; then
    say "no virtio NIC: no network"
    exit 0
fi
load failover net_failover virtio_net && wait_for /sys/class/net/eth0 || { say "no eth0: no network"; exit 0; }
ip link set lo up
ip link set eth0 up
if=eth0
if load llc stp bridge && brctl addbr xenbr0 2>/dev/null && brctl addif xenbr0 eth0; then
    ip link set xenbr0 up
    if=xenbr0
fi
cat > /run/udhcpc.script <<'SCRIPT'
#!/bin/sh
case $1 in
bound|renew)
    # Only the lease's own address is replaced: xenbr0 also carries the
    # guests' subnet (/etc/init.d/netbackd), which a flush would drop.
    [ -s /run/udhcpc.ip ] && ip addr del "$(cat /run/udhcpc.ip)" dev "$interface" 2>/dev/null
    ip addr add "$ip/${mask:-24}" dev "$interface" && echo "$ip/${mask:-24}" > /run/udhcpc.ip
    for r in $router; do ip route add default via "$r" dev "$interface"; break; done
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
    echo "lab-devices: $interface has $ip (gateway ${router:-none})" ;;
esac
SCRIPT
chmod +x /run/udhcpc.script
udhcpc -i "$if" -s /run/udhcpc.script -b -t 10 -T 2 -p /run/udhcpc.pid >/run/udhcpc.log 2>&1
i=0
while ! ip -4 addr show dev "$if" | grep -q inet && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep 'lab-devices:' /run/udhcpc.log || say "$if: no DHCP lease yet (udhcpc keeps trying)"
exit 0
