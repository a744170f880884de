#!/usr/bin/env bash
# 70-linux-boot.sh — Debian's Linux as dom0: QEMU start -> hypervisor banner,
# -> Linux's first line, -> the /init marker, median of RUNS runs, for
#   ours      our hypervisor booting Debian's vmlinuz (bzImage, xz inside)
#   ours-gz   the same kernel as the lab ISO carries it: its ELF extracted
#             and gzip'd once at build time (boot/dom0-initramfs.sh), so the
#             hypervisor inflates instead of un-xz-ing (what `make run` boots)
#   ours-elf  the same with the pre-extracted vmlinux ELF (no decompression)
#   direct    QEMU booting the same kernel and initramfs with no hypervisor
#             (the limit)
#   xen       real Xen 4.17 with the same pair (only with BENCH_XEN=1)
# and the ratios set as goals: /init within 1.1x of direct and <= 0.6x
# Xen's.  Memory: 2 GiB machine, dom0_mem=1024M (the reference setup); the
# direct boot gets a 1 GiB machine and dom0's acpi=off pci=off swiotlb=1024,
# so both sides boot the same kernel with the same memory and options (both
# lines are printed).  A median counts only the runs that reached the /init
# marker and says how many did; a row with none prints FAILED, no figure.
# Env: RUNS (default 3), BENCH_XEN=1, XEN_REF (gunzipped Xen ELF).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
RUNS=${RUNS:-3}
L=$BUILD/linux
logs=$BUILD/bench-logs/70-linux-boot
mkdir -p "$logs"
"$ROOT/boot/dom0-initramfs.sh" >/dev/null 2>&1 || { echo "70-linux-boot: cannot build the Linux image" >&2; exit 1; }

MARKS=('Xen version 4\.|Xen 4\.17' 'Linux version 6\.' 'dom0 init: marker')
# one NAME QEMU-ARGS...: run once, print "banner linux init" times (or -).
MEM=2048
one() {
    local name=$1 log; shift
    log=$logs/$name.log
    "$RUN" --name "$name" --timeout 180 --log "$log" --mark "${MARKS[2]}" --exit-on-mark \
        -- -m "$MEM" "$@" >/dev/null 2>&1
    local m t out=()
    for m in "${MARKS[@]}"; do
        t=$(grep -m1 -E "$m" "$log" 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
        out+=("${t:--}")
    done
    echo "${out[*]}"
}
median() { sort -n | awk '$1 != "-" { v[++n] = $1 } END { if (!n) { print "-"; exit }
    if (n % 2) print v[(n + 1) / 2]; else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
# measure NAME ARGS...: sets B L I (medians over the runs that reached the
# /init marker: a failed run's earlier marks are no figure) and N (how many).
measure() {
    local name=$1 i r; shift
    local bs=() ls=() is=()
    for i in $(seq 1 "$RUNS"); do
        read -r b l in <<<"$(one "$name-$i" "$@")"
        [ "$in" = - ] && continue
        bs+=("$b"); ls+=("$l"); is+=("$in")
    done
    N=${#is[@]}
    if [ "$N" -eq 0 ]; then B=- Lx=- I=-; return; fi
    B=$(printf '%s\n' "${bs[@]}" | median); Lx=$(printf '%s\n' "${ls[@]}" | median)
    I=$(printf '%s\n' "${is[@]}" | median)
}
ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

DOM0="console=hvc0 earlyprintk=xen acpi=off pci=off swiotlb=1024"  # docs/linux-dom0.md
HVARGS="console=com1 dom0_mem=1024M"
DIRECT="console=ttyS0 acpi=off pci=off swiotlb=1024"
declare -A RB RL RI RN
measure ours -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" -initrd "$L/vmlinuz $DOM0,$L/dom0.cpio.gz"
RB[ours]=$B RL[ours]=$Lx RI[ours]=$I RN[ours]=$N
measure ours-gz -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" -initrd "$L/vmlinux.gz $DOM0,$L/dom0.cpio.gz"
RB[ours-gz]=$B RL[ours-gz]=$Lx RI[ours-gz]=$I RN[ours-gz]=$N
measure ours-elf -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" -initrd "$L/vmlinux $DOM0,$L/dom0.cpio.gz"
RB[ours-elf]=$B RL[ours-elf]=$Lx RI[ours-elf]=$I RN[ours-elf]=$N
MEM=1024 measure direct -kernel "$L/vmlinuz" -initrd "$L/dom0.cpio.gz" -append "$DIRECT"
RB[direct]=- RL[direct]=$Lx RI[direct]=$I RN[direct]=$N
rows=(ours ours-gz ours-elf direct)
if [ "${BENCH_XEN:-0}" = 1 ]; then
    XEN_REF=${XEN_REF:-$("$ROOT/tests/lib/find-xen.sh" 2>/dev/null)}
    if [ -f "$XEN_REF" ]; then
        # The reference's own dom0 line: Xen's dom0 stalls with acpi=off pci=off.
        measure xen -kernel "$XEN_REF" -append "console=com1 com1=115200 dom0_mem=1024M noreboot" \
            -initrd "$L/vmlinuz console=hvc0 earlyprintk=xen,$L/dom0.cpio.gz"
        RB[xen]=$B RL[xen]=$Lx RI[xen]=$I RN[xen]=$N
        rows+=(xen)
    else
        echo "(BENCH_XEN=1 but no reference Xen at $XEN_REF)"
    fi
fi

echo "ours:   2 GiB machine, hypervisor $HVARGS, dom0 $DOM0"
echo "direct: 1 GiB machine, kernel $DIRECT"
printf '%-10s %10s %12s %12s %8s\n' "(s, median)" banner linux-1st-line init-marker "runs ok"
for r in "${rows[@]}"; do
    if [ "${RN[$r]}" -eq 0 ]; then
        printf '%-10s %36s %8s\n' "$r" "FAILED: no run reached /init (see $logs/$r-1.log)" "0/$RUNS"
        continue
    fi
    printf '%-10s %10s %12s %12s %8s\n' "$r" "${RB[$r]}" "${RL[$r]}" "${RI[$r]}" "${RN[$r]}/$RUNS"
done
for r in ours ours-gz ours-elf; do
    line="$r /init vs direct: $(ratio "${RI[$r]}" "${RI[direct]}") (goal <= 1.1)"
    [ -n "${RI[xen]:-}" ] && line="$line; vs Xen 4.17: $(ratio "${RI[$r]}" "${RI[xen]}") (goal <= 0.6)"
    echo "$line"
done
exit 0
