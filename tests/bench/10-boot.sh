#!/usr/bin/env bash
# 10-boot.sh — boot-time benchmark: QEMU start -> hypervisor banner
# ("Xen version 4."), median of RUNS runs, via QEMU -kernel (multiboot1) and
# via the GRUB2 ISO (multiboot2).  The reference is real Xen 4.17 measured
# the same way in the same run (tests/lib/find-xen.sh: the shared reference
# build's gunzipped Xen ELF, else Debian's package); the ratio is ours / Xen's (< 1 = faster).
# Target: <= 1 s via -kernel.
# Env: RUNS (default 5), XEN_REF (path of the reference Xen binary).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
HV=$BUILD/hypervisor.elf
RUNS=${RUNS:-5}
XEN_REF=${XEN_REF:-$("$ROOT/tests/lib/find-xen.sh" 2>/dev/null)}
logs=$BUILD/bench-logs/10-boot
mkdir -p "$logs"
[ -f "$HV" ] || { echo "10-boot: $HV not built (make)" >&2; exit 1; }

BANNER='Xen version 4\.'
# measure NAME QEMU-ARGS...: prints the median banner time in seconds, or "-".
measure() {
    local name=$1; shift
    local times=() i out
    for i in $(seq 1 "$RUNS"); do
        out=$("$RUN" --name "$name-$i" --timeout 60 --log "$logs/$name-$i.log" \
              --mark "$BANNER" --exit-on-mark -- -m 1024 "$@" 2>/dev/null)
        [[ $out =~ mark=([0-9.]+)s ]] && times+=("${BASH_REMATCH[1]}")
    done
    if [ ${#times[@]} -eq 0 ]; then echo "-"; return; fi
    printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

iso=$logs/ours.iso
"$ROOT/boot/mkiso.sh" -o "$iso" -a "console=com1" >/dev/null
ours_k=$(measure ours-kernel -kernel "$HV" -append "console=com1")
ours_i=$(measure ours-iso -cdrom "$iso")
xen_k=- xen_i=-
if [ -f "$XEN_REF" ]; then
    xen_k=$(measure xen-kernel -kernel "$XEN_REF" -append "console=com1 com1=115200 noreboot")
    if HV=$XEN_REF "$ROOT/boot/mkiso.sh" -o "$logs/xen.iso" -k "$XEN_REF" \
            -a "console=com1 com1=115200 noreboot" >/dev/null 2>&1; then
        xen_i=$(measure xen-iso -cdrom "$logs/xen.iso")
    fi
else
    echo "(reference Xen not found at $XEN_REF: no same-run reference)"
fi

printf '%-46s %9s %9s %7s\n' "metric (median of $RUNS runs, seconds)" ours xen-4.17 ratio
printf '%-46s %9s %9s %7s\n' "QEMU start -> banner via -kernel" "$ours_k" "$xen_k" "$(ratio "$ours_k" "$xen_k")"
printf '%-46s %9s %9s %7s\n' "QEMU start -> banner via GRUB2 ISO" "$ours_i" "$xen_i" "$(ratio "$ours_i" "$xen_i")"
if [ "$ours_k" != - ] && awk -v t="$ours_k" 'BEGIN { exit !(t <= 1.0) }'; then
    echo "target: banner <= 1 s via -kernel: met ($ours_k s)"
else
    echo "target: banner <= 1 s via -kernel: NOT met ($ours_k s)"
fi
