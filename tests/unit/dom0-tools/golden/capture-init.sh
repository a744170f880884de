#!/bin/sh
# dom0 /init used by capture-reference.sh: runs Debian's xl through the cases
# our unit tests compare against and prints each result base64-encoded.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run/xen /run/xenstored /var/log/xen/console /var/lib/xen /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mkdir -p /run/xen /run/xenstored
. /etc/anchor.conf
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do insmod /lib/modules/$m.ko; done
mount -t xenfs xenfs /proc/xen
$XENSTORED --pid-file /run/xen/xenstored.pid
n=0; while [ ! -s /run/xen/xenstored.pid ] && [ $n -lt 300 ]; do usleep 10000; n=$((n+1)); done
xen-init-dom0 >/dev/null 2>&1
xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
cd /etc/xen/golden

# cap NAME CMD...: run, then print stdout/stderr base64 between markers
cap() {
  name=$1; shift
  "$@" >/tmp/o 2>/tmp/e </dev/null; rc=$?
  echo "@@CAP $name $rc"
  base64 /tmp/o | sed 's/^/@@B /'
  echo "@@ERR"
  base64 /tmp/e | sed 's/^/@@B /'
  echo "@@END"
}
wait_marker() { n=0; while ! grep -q "$2" /var/log/xen/console/guest-$1.log 2>/dev/null && [ $n -lt 600 ]; do usleep 100000; n=$((n+1)); done; }

cap noargs xl
cap help xl help
cap help-h xl -h
cap unknown xl bogus
for c in create list destroy shutdown reboot pause unpause console info dmesg domid domname uptime mem-max; do
  cap help-$c xl help $c
  cap dash-h-$c xl $c -h
done
cap list xl list
cap list-v xl list -v
cap list-l xl list -l
cap list-dom0 xl list 0
cap list-name xl list Domain-0
cap list-missing xl list nosuch
cap info xl info
cap info-name xl info free_memory
cap domid xl domid Domain-0
cap domid-missing xl domid nosuch
cap domid-noarg xl domid
cap domname xl domname 0
cap domname-missing xl domname 42
cap domname-bad xl domname abc
cap uptime xl uptime
cap uptime-s xl uptime -s
cap destroy-missing xl destroy nosuch
cap destroy-dom0 xl destroy 0
cap pause-missing xl pause nosuch
cap unpause-missing xl unpause 77
cap shutdown-missing xl shutdown nosuch
cap shutdown-noarg xl shutdown
cap reboot-missing xl reboot nosuch
cap memmax-missing xl mem-max nosuch 100m
cap memmax-bad xl mem-max 0 lots
cap console-missing xl console nosuch
cap dmesg-bad xl dmesg -z
for f in *.cfg; do cap create-n-${f%.cfg} xl create -n $f; done
for f in bad/*.cfg; do b=${f#bad/}; cap create-n-bad-${b%.cfg} xl create -n $f; done
cap create-n-override xl create -n minimal.cfg 'memory=300' 'extra="x y"' 'vcpus=2'
cap create-n-missingfile xl create -n /nonexistent.cfg
cap create-n-nocfg xl create -n
cap create-n-quiet xl -q create -n minimal.cfg
# real domains
cap create-p xl create -p /etc/xen/sleep.cfg
cap list-paused xl list
cap list-v-paused xl list -v
cap list-l-paused xl list -l sleeper
cap domid-sleeper xl domid sleeper
cap unpause xl unpause sleeper
wait_marker sleeper init-start
sleep 1
cap list-running xl list
cap pause xl pause sleeper
cap list-paused2 xl list sleeper
cap pause-again xl pause sleeper
cap unpause2 xl unpause sleeper
cap memmax xl mem-max sleeper 200m
cap list-after-memmax xl list sleeper
cap memmax-low xl mem-max sleeper 1
cap uptime-two xl uptime
cap shutdown-w xl shutdown -w sleeper
cap list-after-shutdown xl list
cap console-log cat /var/log/xen/console/guest-sleeper.log
cap create-second xl create /etc/xen/sleep.cfg 'name="second"'
wait_marker second init-start
cap create-dup xl create /etc/xen/sleep.cfg 'name="second"'
cap reboot xl reboot second
sleep 8
cap list-after-reboot xl list
cap destroy xl destroy second
cap list-after-destroy xl list
cap create-nokernel xl create /etc/xen/sleep.cfg 'name="nok"' 'kernel="/boot/missing"'
cap create-notkernel xl create /etc/xen/sleep.cfg 'name="notk"' 'kernel="/etc/passwd"'
cap create-toobig xl create /etc/xen/sleep.cfg 'name="big"' 'memory=4000'
cap list-after-neg xl list
cap info-after xl info
cap dmesg xl dmesg
echo "@@DONE"
poweroff -f
