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
# measure NAME QEMU-ARGS...: prints "<median> <runs that reached the banner>"
# (median "-" when none did: a failed run is never a figure).
measure() {
    local name=$1; shift
    local times=() i out
    for i in $(seq 1 "$RUNS"); do
        out=$("$RUN" --name "$name-$i" --timeout 60 --log "$logs/$name-$i.log" \
              --mark "$BANNER" --exit-on-mark -- -m 1024 "$@" 2>/dev/null)
        [[ $out =~ mark=([0-9.]+)s ]] && times+=("${BASH_REMATCH[1]}")
    done
    if [ ${#times[@]} -eq 0 ]; then echo "- 0"; return; fi
    printf '%s\n' "${times[@]}" | sort -n | awk -v n=${#times[@]} '{ v[NR] = $1 } END {
        if (NR % 2) m = v[(NR + 1) / 2]; else m = sprintf("%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2)
        print m, n }'
}
# show "<median> <n>": the figure with its run count, or FAILED.
show() { set -- $1; [ "$1" = - ] && [ "${2:-0}" = 0 ] && [ -n "${3:-}" ] && { echo "$3"; return; }
         [ "$1" = - ] && { echo "FAILED(0/$RUNS)"; return; }; echo "$1($2/$RUNS)"; }
med() { set -- $1; echo "$1"; }
ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

iso=$logs/ours.iso
"$ROOT/boot/mkiso.sh" -o "$iso" -a "console=com1" >/dev/null
ours_k=$(measure ours-kernel -kernel "$HV" -append "console=com1")
ours_i=$(measure ours-iso -cdrom "$iso")
xen_k="- 0 not-run" xen_i="- 0 not-run"
if [ -f "$XEN_REF" ]; then
    xen_k=$(measure xen-kernel -kernel "$XEN_REF" -append "console=com1 com1=115200 noreboot")
    if HV=$XEN_REF "$ROOT/boot/mkiso.sh" -o "$logs/xen.iso" -k "$XEN_REF" \
            -a "console=com1 com1=115200 noreboot" >/dev/null 2>&1; then
        xen_i=$(measure xen-iso -cdrom "$logs/xen.iso")
    fi
else
    echo "(reference Xen not found at $XEN_REF: no same-run reference)"
fi

printf '%-40s %14s %14s %7s\n' "metric (s, median (runs ok/runs))" ours xen-4.17 ratio
printf '%-40s %14s %14s %7s\n' "QEMU start -> banner via -kernel" "$(show "$ours_k")" "$(show "$xen_k")" "$(ratio "$(med "$ours_k")" "$(med "$xen_k")")"
printf '%-40s %14s %14s %7s\n' "QEMU start -> banner via GRUB2 ISO" "$(show "$ours_i")" "$(show "$xen_i")" "$(ratio "$(med "$ours_i")" "$(med "$xen_i")")"
ok=$(med "$ours_k")
if [ "$ok" != - ] && awk -v t="$ok" 'BEGIN { exit !(t <= 1.0) }'; then
    echo "target: banner <= 1 s via -kernel: met ($ok s)"
else
    echo "target: banner <= 1 s via -kernel: NOT met (${ok/-/no run reached the banner})"
fi
