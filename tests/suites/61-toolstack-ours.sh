#!/usr/bin/env bash
# 61-toolstack-ours.sh — the toolstack test image of suite 60 (Debian's Linux
# as dom0 running our xenstored, xenconsoled and xl; Debian PV domUs) booted
# on OUR hypervisor instead of the real Xen 4.17.  The image, its /init
# (boot/xen-dom0/init-test.sh) and therefore every check are the same as in
# suite 60: Xen is the oracle, each check must pass on both.  Each check
# inside dom0 becomes one "PASS/FAIL: ours-<check>" line here; the boot
# itself passes only with a SUCCESS verdict.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
logs=$BUILD/test-logs; mkdir -p "$logs"
serial=$logs/61-toolstack-ours.serial.log

# Every suite builds what it runs: the hypervisor and the dom0 tools.
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 ||
   ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=dom0-tools FLAVOR=host >&2; then
    echo "FAIL: toolstack-ours: building the hypervisor or the dom0 tools failed"; exit 0
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP: toolstack-ours qemu-system-x86_64 not installed (make deps)"; exit 0
fi
out=$BUILD/xen-toolstack/test
if ! "$ROOT/boot/xen-dom0-initramfs.sh" test "$out" 2>"$logs/61-initramfs.err"; then
    if grep -q "apt-get download" "$logs/61-initramfs.err"; then
        echo "SKIP: toolstack-ours cannot download Debian's Linux packages: $(tail -n1 "$logs/61-initramfs.err")"
    else
        echo "FAIL: toolstack-ours building the dom0 initramfs failed: $(tail -n1 "$logs/61-initramfs.err")"
    fi
    exit 0
fi

# TOOLSTACK_LOOP=N: rounds of the create/destroy loop (3 by default; `make
# toolstack-soak` runs 200).  TOOLSTACK_SIX=1: also six 128 MiB guests side
# by side (the soak target).  TOOLSTACK_SOAK=1: each round waits for the
# guest's init marker, and dom0's leftovers after the loop are checked (the
# soak target).  TOOLSTACK_XSRESTART (1 by default, ~40 s on a quiet host;
# 0 leaves it out): last, xenstored is killed and started again while xl
# lists and creates guests, and the guest made before the kill, destroyed
# by its id, must go (docs/toolstack.md).
# TOOLSTACK_HOSTILE=1 (`make toolstack-hostile`): a guest flooding xenstore
# past its quotas and then its console, next to a guest that keeps its
# service (docs/toolstack.md).  The timeout grows with them.
loop=${TOOLSTACK_LOOP:-3}
six=${TOOLSTACK_SIX:-0}
soak=${TOOLSTACK_SOAK:-0}
xsr=${TOOLSTACK_XSRESTART:-1}
hostile=${TOOLSTACK_HOSTILE:-0}
# TOOLSTACK_ONLY=loop: only the loop and what follows it (debugging the soak).
only=${TOOLSTACK_ONLY:+ toolstack_only=$TOOLSTACK_ONLY}
timeout=$((2400 + loop * (20 + soak * 60) + six * 1800 + xsr * 900 + hostile * 1800))

# The same machine as suite 60 (2 GiB, 2 CPUs, dom0 1 GiB).  dom0's kernel
# options beyond suite 60's are the lab's (docs/linux-dom0.md: no ACPI/PCI
# to probe, a small swiotlb pool); they change nothing the checks look at.
verdict=$(nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name toolstack-ours-boot --timeout "$timeout" \
    --log "$serial" --grace 5 -- \
    -m 2048 -smp 2 -nic none \
    -kernel "$BUILD/hypervisor.elf" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot" \
    -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen acpi=off pci=off swiotlb=1024 toolstack_loop=$loop toolstack_six=$six toolstack_soak=$soak toolstack_xsrestart=$xsr toolstack_hostile=$hostile$only,$out/dom0.cpio.gz")

grep -aoE 'T60 (PASS|FAIL): .*' "$serial" | sed -e 's/^T60 //' -e 's/\r$//' -e 's/^\(PASS\|FAIL\): /&ours-/'
grep -aoE 'T60 (xl create|marker|shutdown|free_memory|reboot|soak|xsrestart|hostile|xenconsoled).*' "$serial" | sed 's/^T60 /# /' >&2
# The hypervisor's own memory (docs/architecture.md): the boot modules
# went back to the heap once dom0 was built, and what it keeps of the 2 GiB
# (frame table, M2P, image, first MiB) stays within 22 MiB (Xen: ~23).
kept=$(grep -aoE 'the hypervisor keeps [0-9]+ KiB' "$serial" | grep -oE '[0-9]+' | head -n1)
freed=$(grep -aoE 'boot modules freed: [0-9]+ KiB' "$serial" | grep -oE '[0-9]+' | head -n1)
if [ -z "$kept" ] || [ -z "$freed" ]; then
    echo "FAIL: ours-hypervisor-memory no 'Memory: boot modules freed' line at boot"
elif [ "$freed" -lt 20000 ] || [ "$kept" -gt 22528 ]; then
    echo "FAIL: ours-hypervisor-memory modules freed ${freed} KiB (dom0's kernel + initramfs are over 20000), kept ${kept} KiB (limit 22528)"
else
    echo "PASS: ours-hypervisor-memory (modules freed ${freed} KiB, kept ${kept} KiB)"
fi
echo "$verdict"
exit 0
