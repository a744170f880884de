#!/usr/bin/env bash
# 72-lab.sh — the lab `make run` boots (boot/mklab.sh: GRUB2 -> hypervisor ->
# Debian's Linux as dom0 with the toolstack), driven over the serial console
# as a newcomer would use it: xencommons started xenstored and xenconsoled
# before the shell, `xl info`/`xl list` answer, `xl create -c
# /etc/xen/demo.cfg` lands in the demo guest's shell and runs a command
# there, Ctrl+] comes back to dom0, `xl list` shows the guest, its console
# log has the command's output, `xl console` attaches again (and Ctrl+]
# detaches again), `xl shutdown -w` and `xl destroy` remove it, netbackd
# runs, a guest made from /etc/xen/demo-disk.cfg sees its disk (/dev/xvda,
# 64 MiB) and its vif (eth0 with a generated MAC and its address) and
# answers dom0's ping across xenbr0, and free memory comes back.  The ISO is built with a small LAB_OVERLAY (a file and an
# /etc/rc.local that uses xl), which must be in dom0's root and must have
# run before the shell.
# Each check typed in dom0 prints "CHECK <name>: ok|FAILED"; each becomes
# one PASS/FAIL line here, and a check never reached is a FAIL.
# The same session then runs with the same dom0 kernel and initramfs on the
# real Xen 4.17 (lab-xen/*: the oracle for every check; ~1 min on a quiet
# host, ~4 on a loaded one); LAB_XEN=0 leaves it out, with a SKIP line.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs/72-lab
mkdir -p "$logs"

if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: lab qemu-system-x86_64 not installed (make deps)"; exit 0
fi
if ! make -s --no-print-directory -C "$ROOT" all > "$logs/build.log" 2>&1; then
    echo "FAIL: lab/build make all failed (see $logs/build.log)"; exit 0
fi

# The overlay a user would give with LAB_OVERLAY=DIR.
ov=$BUILD/tests/lab-overlay
rm -rf "$ov"; mkdir -p "$ov/etc/lab"
echo lab-overlay-marker > "$ov/etc/lab/overlay.txt"
cat > "$ov/etc/rc.local" <<'EOF'
#!/bin/sh
# xl needs xenstored: this runs after xencommons, before the shell.
echo "rc.local: overlay ran, xl list shows $(xl list | tail -n +2 | wc -l) domain(s)"
EOF
chmod 0755 "$ov/etc/rc.local"
if ! iso=$(LAB_OVERLAY=$ov LAB_ISO=$BUILD/lab-test.iso "$ROOT/boot/mklab.sh" 2> "$logs/image.log"); then
    echo "FAIL: lab/image boot/mklab.sh failed: $(tail -n1 "$logs/image.log")"; exit 0
fi

P='dom0:/# '        # dom0's prompt; the demo guest's is 'demo:/# '
checks=(rc-local-ran xenstored-running xenconsoled-running overlay-file xl-info xl-list
        boot-kernel demo-cfg guest-shell demo-in-xl-list console-log console-reattach shutdown-w
        gone-after-shutdown create-detached destroy gone-after-destroy
        netbackd-running demo-disk-create guest-disk guest-vif ping-guest destroy-disk-guest
        free-memory-back)
# chk NAME CMD...: runs CMD and prints the verdict (the typed line's echo
# shows "$n: $r", never "NAME: ok", so only the result matches).
chk='chk() { n=$1; shift; if "$@" >/dev/null 2>&1; then r=ok; else r=FAILED; fi; echo "CHECK $n: $r"; }'
# Each step waits for the previous command's last output, so nothing is
# typed while a command that reads the console (xl create -c) runs.  If
# `xl create -c` fails, dom0's prompt comes back instead of the guest's and
# the session goes on (guest-shell then fails) instead of waiting it out.
ck() { echo "CHECK $1: (ok|FAILED)"; }
# Ctrl+] is sent only once the guest's whole answer line has come (its
# newline too): sent on the bare word, it detached before the line ended,
# and dom0's prompt followed on the same line (seen on Xen 4.17).
# lab_session NAME LOG FINAL_REGEX QEMU_ARGS...
lab_session() {
    local name=$1 log=$2 final=$3; shift 3
    nice -n 10 "$ROOT/tests/lib/console-session.py" --name "$name" --timeout 600 --log "$log" \
        --step 'xencommons: xenstored started' '' \
        --step 'xencommons: xenconsoled started' '' \
        --step 'rc.local: overlay ran' '' \
        --step "$P" "$chk; echo \"chk-\$((6*7))\"" \
        --step 'chk-42' 'chk xenstored-running pidof xenstored; chk xenconsoled-running pidof xenconsoled' \
        --step "$(ck xenconsoled-running)" 'chk overlay-file grep -qx lab-overlay-marker /etc/lab/overlay.txt' \
        --step "$(ck overlay-file)" "chk xl-info sh -c 'xl info | grep -q \"^xen_major *: 4\$\"'; chk xl-list sh -c 'xl list | grep -q \"^Domain-0 *0 \"'" \
        --step "$(ck xl-list)" 'chk boot-kernel sh -c "test -f /boot/vmlinuz-$(uname -r) && test -L /boot/vmlinuz"; chk demo-cfg test -f /etc/xen/demo.cfg' \
        --step "$(ck demo-cfg)" 'f0=$(xl info free_memory); echo "free_memory before: $f0"' \
        --step "free_memory before: [0-9]+\\s+$P" 'xl create -c /etc/xen/demo.cfg' \
        --step "demo:/# |$P" 'echo "guest-$(hostname)-$((6*7))"' \
        --keys 'guest-[a-z0-9]+-42\r*\n' '\x1d' \
        --step "$P" 'xl list; chk demo-in-xl-list sh -c "xl list | grep -q \"^demo \""' \
        --step "$(ck demo-in-xl-list)" 'chk console-log grep -q guest-demo-42 /var/log/xen/console/guest-demo.log' \
        --step "$(ck console-log)\\s+$P" 'xl console demo' \
        --step '' '' \
        --step "demo:/# |$P" 'echo "again-$(hostname)-$((6*7))"' \
        --keys 'again-[a-z0-9]+-42\r*\n' '\x1d' \
        --step "$P" 'chk console-reattach grep -q again-demo-42 /var/log/xen/console/guest-demo.log' \
        --step "$(ck console-reattach)" 'chk shutdown-w xl shutdown -w demo; chk gone-after-shutdown sh -c "! xl domid demo"' \
        --step "$(ck gone-after-shutdown)" "chk create-detached xl create /etc/xen/demo.cfg 'name=\"demo2\"'" \
        --step "$(ck create-detached)" 'xl list; chk destroy xl destroy demo2; chk gone-after-destroy sh -c "! xl domid demo2"' \
        --step "$(ck gone-after-destroy)" 'chk netbackd-running pidof netbackd; chk demo-disk-create xl create /etc/xen/demo-disk.cfg' \
        --step "$(ck demo-disk-create)" 'l=/var/log/xen/console/guest-demo-disk.log; i=0; while ! grep -q "init up after" $l && [ $i -lt 300 ]; do sleep 1; i=$((i+1)); done; grep -a "demo guest:" $l' \
        --step "demo guest: init up after.*\\s+$P" 'chk guest-disk grep -q "demo guest: disk /dev/xvda (64 MiB)" $l; chk guest-vif grep -q "demo guest: network eth0 00:16:3e:.* 192.168.99.2/24" $l' \
        --step "$(ck guest-vif)" 'chk ping-guest ping -c 3 -w 60 192.168.99.2; chk destroy-disk-guest xl destroy demo-disk' \
        --step "$(ck destroy-disk-guest)" 'i=0; while [ "$(xl info free_memory)" != "$f0" ] && [ $i -lt 20 ]; do sleep 1; i=$((i+1)); done; echo "free_memory after: $(xl info free_memory)"; [ "$(xl info free_memory)" = "$f0" ] || { xl list; xl debug-keys q; xl dmesg | tail -n 40; }; chk free-memory-back test "$(xl info free_memory)" = "$f0"' \
        --step "$(ck free-memory-back)" 'poweroff -f' \
        --final "$final" -- "$@"
}

# report PREFIX LOG: one PASS/FAIL line per check.
# Two checks are read from the order of the console's lines: rc.local's
# output after both daemons started and before dom0's first prompt, and the
# guest's answer (guest-demo-42: its hostname, not dom0's) after `xl create
# -c` and before Ctrl+] brought dom0's prompt back.
report() {
    local pre=$1 log=$2 c r
    at() { grep -anF -- "$1" "$log" | head -n1 | cut -d: -f1; }
    l_xs=$(at 'xencommons: xenstored started'); l_xc=$(at 'xencommons: xenconsoled started')
    l_rc=$(at 'rc.local: overlay ran, xl list shows 1 domain'); l_p=$(at "$P")
    l_cr=$(at 'Parsing config from /etc/xen/demo.cfg')
    # the answer is a line of its own (a later typed command also names it)
    l_g=$(awk '{ sub(/\r+$/, "") } $0 == "guest-demo-42" { print NR; exit }' "$log")
    l_back=$(awk -v from="${l_g:-0}" -v p="$P" 'NR > from && index($0, p) {print NR; exit}' "$log")
    lt() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }
    verdict() { if "$@"; then echo ok; else echo FAILED; fi; }
    declare -A by_order
    by_order[rc-local-ran]=$(verdict eval 'lt "$l_xs" "$l_rc" && lt "$l_xc" "$l_rc" && lt "$l_rc" "$l_p"')
    by_order[guest-shell]=$(verdict eval 'lt "$l_cr" "$l_g" && lt "$l_g" "$l_back"')
    for c in "${checks[@]}"; do
        if [ -n "${by_order[$c]:-}" ]; then
            r=${by_order[$c]}
        else
            r=$(grep -aoE "CHECK $c: (ok|FAILED)" "$log" | head -n1 | sed 's/.*: //')
        fi
        case $r in
        ok) echo "PASS: $pre/$c" ;;
        FAILED) echo "FAIL: $pre/$c (see $log)" ;;
        *) echo "FAIL: $pre/$c not reached (see $log)" ;;
        esac
    done
    grep -aoE 'free_memory (before|after): [0-9]+' "$log" | sed "s|^|# $pre: |" >&2
}

# Ours: the ISO exactly as `make run` boots it (boot/run.sh's QEMU options).
lab_session lab-session "$logs/console.log" 'Domain 0 shutdown: poweroff' \
    -m 2048 -smp 1 -nic none -cdrom "$iso"
report lab "$logs/console.log"

# Xen 4.17: the same dom0 kernel (Debian's vmlinuz) and the ISO's initramfs,
# with the dom0 line Xen's dom0 needs (ACPI and PCI on: docs/linux-dom0.md).
if [ "${LAB_XEN:-1}" = 0 ]; then
    echo "SKIP: lab-xen LAB_XEN=0 leaves out the same session on the real Xen 4.17"
elif ! xen=$("$ROOT/tests/lib/find-xen.sh" 2> "$logs/find-xen.err"); then
    echo "SKIP: lab-xen no Xen 4.17 to boot: $(tail -n1 "$logs/find-xen.err")"
else
    lab_session lab-xen-session "$logs/console-xen.log" 'Entering ACPI S5 state' \
        -m 2048 -smp 1 -nic none -kernel "$xen" \
        -append "console=com1 com1=115200 dom0_mem=1024M noreboot" \
        -initrd "$BUILD/linux/vmlinuz console=hvc0 earlyprintk=xen,$BUILD/lab/$(basename "$iso" .iso)/dom0.cpio.gz"
    report lab-xen "$logs/console-xen.log"
fi
exit 0
