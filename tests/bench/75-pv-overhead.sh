#!/usr/bin/env bash
# 75-pv-overhead.sh — what a running Linux pays for being paravirtualised:
# the workload of tests/linux/pv-overhead.sh (fork+exec, a shell loop, pipe
# ping-pong, mmap/munmap churn, page faults, tmpfs file I/O, gzip) run by
# dom0's /init with Debian's kernel as packaged (vmlinuz, xz inside) on
#   ours     our hypervisor
#   xen      the real Xen 4.17 (tests/lib/find-xen.sh; BENCH_XEN=0 skips it)
#   direct   QEMU booting the same kernel and initramfs with no hypervisor
# Same QEMU machine options (-smp 1, TCG), the same guest memory (1 GiB:
# dom0_mem=1024M of a 2 GiB machine under a hypervisor, a 1 GiB machine
# direct) and the same kernel options apart from the console (all lines are
# printed).  Each part is timed inside the guest with its monotonic clock;
# the host's view of the whole workload (serial timestamps of its first and
# last lines) is printed next to it as a cross-check of the guest's clock.
# Also QEMU start -> the /init marker of the same boots.  Per row: the
# median over the runs that finished the workload, the range, and how many
# did; a row with none prints FAILED and no figure.  Ratios ours/direct and
# ours/Xen of the medians.  The rounds interleave the rows (ours, direct,
# xen, then again), so the host's load drifts over all of them alike.
# Env: RUNS (default 3), BENCH_XEN (default 1), XEN_REF (gunzipped Xen ELF).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
RUNS=${RUNS:-3}
L=$BUILD/linux
logs=$BUILD/bench-logs/75-pv-overhead
mkdir -p "$logs"
make -s -C "$ROOT" hypervisor >/dev/null || { echo "75-pv-overhead: cannot build the hypervisor" >&2; exit 1; }
"$ROOT/boot/dom0-initramfs.sh" >/dev/null 2>&1 || { echo "75-pv-overhead: cannot build the Linux image" >&2; exit 1; }

PARTS=(forkexec shell pipe mmap faults tmpfs gzip total host-total init)
# The kernel options every side shares; only the console differs.  ACPI and
# PCI stay on: Xen 4.17's dom0 stalls with acpi=off pci=off (docs/linux-dom0.md).
COMMON="swiotlb=1024 test=pv-overhead"
DOM0="console=hvc0 earlyprintk=xen $COMMON"
DIRECT="console=ttyS0 $COMMON"
HVARGS="console=com1 dom0_mem=1024M"
XENARGS="console=com1 com1=115200 dom0_mem=1024M noreboot"

# one NAME MEM QEMU-ARGS...: boot once; print "part value" lines, a failed
# part as "part -".  Values only from a run whose verdict is SUCCESS.
one() {
    local name=$1 mem=$2 log out; shift 2
    log=$logs/$name.log
    out=$("$RUN" --name "$name" --timeout 1200 --log "$log" -- -m "$mem" -smp 1 "$@" 2>/dev/null)
    case $out in PASS:*) ;; *) echo "run-failed ${out:-no verdict}"; return ;; esac
    local p v
    tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"
    for p in "${PARTS[@]}"; do
        case $p in
        host-total)
            v=$(awk '/pv-overhead: start/ { s = substr($0, 2) + 0 } /pv-overhead: total/ { e = substr($0, 2) + 0 }
                END { if (s && e) printf "%.3f", e - s }' "$log") ;;
        init) v=$(grep -m1 'dom0 init: marker' "$log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p') ;;
        total) v=$(sed -n 's/.*pv-overhead: total \([0-9.]*\).*/\1/p' "$log" | head -n1) ;;
        *) v=$(sed -n "s/.*pv-overhead: part $p \\([0-9.]*\\)\$/\\1/p" "$log" | head -n1) ;;
        esac
        echo "$p ${v:--}"
    done
}
# stats: "median min max" of the numbers on stdin, or "-".
stats() { sort -n | awk '{ v[++n] = $1 } END { if (!n) { print "-"; exit }
    m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    printf "%.3f %.3f %.3f\n", m, v[1], v[n] }'; }
declare -A VAL MED RANGE OK
# run_row ROW RUN MEM QEMU-ARGS...: one boot of ROW; a run counts only if it
# finished the workload.
run_row() {
    local row=$1 i=$2 mem=$3 p v res; shift 3
    res=$(one "$row-$i" "$mem" "$@")
    if [[ $res == run-failed* ]]; then
        echo "($row run $i failed: ${res#run-failed } — see $logs/$row-$i.log)"
        return
    fi
    OK[$row]=$((OK[$row] + 1))
    while read -r p v; do
        [ "$v" = - ] || VAL[$row,$p]+="$v"$'\n'
    done <<<"$res"
}
# summarise ROW: medians and ranges of its finished runs.
summarise() {
    local row=$1 p m lo hi
    for p in "${PARTS[@]}"; do
        read -r m lo hi <<<"$(printf '%s' "${VAL[$row,$p]}" | grep . | stats)"
        MED[$row,$p]=$m
        RANGE[$row,$p]=$([ "$m" = - ] && echo - || echo "$lo-$hi")
    done
}
ratio() { { [ "$1" = - ] || [ "$2" = - ] || [ -z "$1" ] || [ -z "$2" ]; } && { echo -; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

rows=(ours direct)
xen_note=""
if [ "${BENCH_XEN:-1}" = 1 ]; then
    XEN_REF=${XEN_REF:-$("$ROOT/tests/lib/find-xen.sh" 2>/dev/null)}
    if [ -n "$XEN_REF" ] && [ -f "$XEN_REF" ]; then
        rows+=(xen)
    else
        xen_note="SKIP: xen row: no reference Xen 4.17 found (tests/lib/find-xen.sh)"
    fi
else
    xen_note="SKIP: xen row: BENCH_XEN=0"
fi
for r in "${rows[@]}"; do
    OK[$r]=0
    for p in "${PARTS[@]}"; do VAL[$r,$p]=""; done
done
# Rounds interleave the rows, so a change in the host's load spreads over
# all of them instead of landing on one.
for i in $(seq 1 "$RUNS"); do
    run_row ours "$i" 2048 -kernel "$BUILD/hypervisor.elf" -append "$HVARGS" \
        -initrd "$L/vmlinuz $DOM0,$L/dom0.cpio.gz"
    run_row direct "$i" 1024 -kernel "$L/vmlinuz" -initrd "$L/dom0.cpio.gz" -append "$DIRECT"
    [ -n "${OK[xen]+set}" ] &&
        run_row xen "$i" 2048 -kernel "$XEN_REF" -append "$XENARGS" -initrd "$L/vmlinuz $DOM0,$L/dom0.cpio.gz"
done
for r in "${rows[@]}"; do summarise "$r"; done

echo "ours:   2 GiB machine, -smp 1, hypervisor '$HVARGS', dom0 '$DOM0'"
[ -n "${OK[xen]:-}" ] && echo "xen:    2 GiB machine, -smp 1, Xen 4.17 '$XENARGS', dom0 '$DOM0'"
echo "direct: 1 GiB machine, -smp 1, kernel '$DIRECT'"
[ -n "$xen_note" ] && echo "$xen_note"
echo "kernel: Debian $(cat "$L/kernel.release") vmlinuz as packaged; seconds, median (min-max) of the runs that finished"
printf '%-10s' part
for r in "${rows[@]}"; do printf ' %-24s' "$r (${OK[$r]}/$RUNS ok)"; done
printf ' %10s' ours/direct
[ -n "${OK[xen]:-}" ] && printf ' %8s' ours/xen
echo
for p in "${PARTS[@]}"; do
    printf '%-10s' "$p"
    for r in "${rows[@]}"; do
        if [ "${OK[$r]}" -eq 0 ]; then printf ' %-24s' FAILED
        elif [ "${MED[$r,$p]}" = - ]; then printf ' %-24s' "FAILED (no figure)"
        else printf ' %-24s' "${MED[$r,$p]} (${RANGE[$r,$p]})"; fi
    done
    printf ' %10s' "$(ratio "${MED[ours,$p]}" "${MED[direct,$p]}")"
    [ -n "${OK[xen]:-}" ] && printf ' %8s' "$(ratio "${MED[ours,$p]}" "${MED[xen,$p]}")"
    echo
done
echo "goals: total ours/direct <= 1.25, ours/xen <= 0.8; init (QEMU start -> /init, vmlinuz as packaged) ours/direct <= 1.0"
echo "(host-total: the host's serial timestamps of the workload's first and last lines; init: QEMU start -> the /init marker)"
exit 0
