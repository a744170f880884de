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
# and the ratios the issue sets goals for: /init within 1.1x of direct and
# <= 0.6x Xen's.  Memory: 2 GiB machine, dom0_mem=1024M (the reference setup).
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
one() {
    local name=$1 log; shift
    log=$logs/$name.log
    "$RUN" --name "$name" --timeout 180 --log "$log" --mark "${MARKS[2]}" --exit-on-mark \
        -- -m 2048 "$@" >/dev/null 2>&1
    local m t out=()
    for m in "${MARKS[@]}"; do
        t=$(grep -m1 -E "$m" "$log" 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
        out+=("${t:--}")
    done
    echo "${out[*]}"
}
median() { sort -n | awk '$1 != "-" { v[++n] = $1 } END { if (!n) { print "-"; exit }
    if (n % 2) print v[(n + 1) / 2]; else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
# measure NAME ARGS...: sets B L I (medians)
measure() {
    local name=$1 i r; shift
    local bs=() ls=() is=()
    for i in $(seq 1 "$RUNS"); do
        read -r b l in <<<"$(one "$name-$i" "$@")"
        bs+=("$b"); ls+=("$l"); is+=("$in")
    done
    B=$(printf '%s\n' "${bs[@]}" | median); Lx=$(printf '%s\n' "${ls[@]}" | median)
    I=$(printf '%s\n' "${is[@]}" | median)
}
ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

DOM0="console=hvc0 earlyprintk=xen acpi=off pci=off swiotlb=1024"  # docs/linux-dom0.md
HVARGS="console=com1 dom0_mem=1024M"
declare -A RB RL RI
measure ours -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" -initrd "$L/vmlinuz $DOM0,$L/dom0.cpio.gz"
RB[ours]=$B RL[ours]=$Lx RI[ours]=$I
measure ours-gz -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" -initrd "$L/vmlinux.gz $DOM0,$L/dom0.cpio.gz"
RB[ours-gz]=$B RL[ours-gz]=$Lx RI[ours-gz]=$I
measure ours-elf -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" -initrd "$L/vmlinux $DOM0,$L/dom0.cpio.gz"
RB[ours-elf]=$B RL[ours-elf]=$Lx RI[ours-elf]=$I
measure direct -kernel "$L/vmlinuz" -initrd "$L/dom0.cpio.gz" -append "console=ttyS0"
RB[direct]=- RL[direct]=$Lx RI[direct]=$I
rows=(ours ours-gz ours-elf direct)
if [ "${BENCH_XEN:-0}" = 1 ]; then
    XEN_REF=${XEN_REF:-$("$ROOT/tests/lib/find-xen.sh" 2>/dev/null)}
    if [ -f "$XEN_REF" ]; then
        # The reference's own dom0 line: Xen's dom0 stalls with acpi=off pci=off.
        measure xen -kernel "$XEN_REF" -append "console=com1 com1=115200 dom0_mem=1024M noreboot" \
            -initrd "$L/vmlinuz console=hvc0 earlyprintk=xen,$L/dom0.cpio.gz"
        RB[xen]=$B RL[xen]=$Lx RI[xen]=$I
        rows+=(xen)
    else
        echo "(BENCH_XEN=1 but no reference Xen at $XEN_REF)"
    fi
fi

printf '%-10s %10s %12s %12s\n' "(s, median of $RUNS)" banner linux-1st-line init-marker
for r in "${rows[@]}"; do
    printf '%-10s %10s %12s %12s\n' "$r" "${RB[$r]}" "${RL[$r]}" "${RI[$r]}"
done
for r in ours ours-gz ours-elf; do
    line="$r /init vs direct: $(ratio "${RI[$r]}" "${RI[direct]}") (goal <= 1.1)"
    [ -n "${RI[xen]:-}" ] && line="$line; vs Xen 4.17: $(ratio "${RI[$r]}" "${RI[xen]}") (goal <= 0.6)"
    echo "$line"
done
[ "${RI[ours]}" = - ] && echo "ours: no /init marker (see $logs/ours-1.log)"
exit 0
