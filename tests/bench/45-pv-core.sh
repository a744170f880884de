#!/usr/bin/env bash
# 45-pv-core.sh — PV core costs from one guest in one run
# (tests/guests/cases/bench_pvcore.c): null hypercall vs null system call
# (guest user -> guest kernel -> user), grant copy vs in-guest memcpy of a
# 4 KiB page, mmu_update batch throughput, and the interdomain event channel
# round trip with block/wake (two boot-time domains, ours only).  The same
# guest runs as dom0 of the real Xen 4.17 in the same run for the
# single-domain rows.  Figures: TSC cycles and pvclock ns per operation,
# best of 5 rounds inside the guest; everything under QEMU TCG, so absolute
# numbers are emulation costs — the ratios are the point.
# Goals: hypercall / syscall <= 1.5; grant copy / memcpy
# throughput >= 0.8.  Env: XEN_REF (reference Xen ELF).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
HV=$BUILD/hypervisor.elf
G=$BUILD/tests/guests/bench_pvcore.elf
XEN_REF=${XEN_REF:-$("$ROOT/tests/lib/find-xen.sh" 2>/dev/null)}
logs=$BUILD/bench-logs/45-pv-core
mkdir -p "$logs"
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/guests FLAVOR=host \
        BUILD="$BUILD" >"$logs/build.log" 2>&1 || [ ! -f "$G" ]; then
    echo "45-pv-core: the benchmark guest did not build (see $logs/build.log)" >&2; exit 1
fi
[ -f "$HV" ] || { echo "45-pv-core: $HV not built (make)" >&2; exit 1; }

cmdline="console=com1 loglvl=all guest_loglvl=all noreboot dom0_mem=64M"
"$RUN" --name bench-ours --timeout 120 --log "$logs/ours.log" \
    --expect "Hardware Dom0 halted" --grace 0.5 -- \
    -m 256 -smp 1 -nic none -kernel "$HV" -append "$cmdline" \
    -initrd "$G pair,$G domain=unprivileged mem=32M" >/dev/null 2>&1 </dev/null
have_xen=0
if [ -f "$XEN_REF" ]; then
    "$RUN" --name bench-xen --timeout 120 --log "$logs/xen.log" \
        --expect "Hardware Dom0 halted" --grace 0.5 -- \
        -m 512 -smp 1 -nic none -kernel "$XEN_REF" \
        -append "$cmdline com1=115200" -initrd "$G" >/dev/null 2>&1 </dev/null
    have_xen=1
else
    echo "(reference Xen not found at $XEN_REF: no same-run reference)"
fi

# fig LOG KEY FIELD: the cycles (3) or ns (4) per op of "BENCH KEY c ns".
fig() {
    [ -f "$1" ] || { echo -; return; }
    awk -v k="$2" -v f="$3" '{ sub(/^\[[ 0-9.]+\] /, ""); sub(/^\(d0\) /, "") }
        $1 == "BENCH" && $2 == k { v = $f } END { print (v == "" ? "-" : v) }' "$1"
}
div() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'; }
# Both sides' verdicts: a side whose guest did not succeed gives no figures.
verdict_ours=FAILED verdict_xen=not-run
grep -aq "Test result: SUCCESS" "$logs/ours.log" && verdict_ours=SUCCESS
if [ $have_xen = 1 ]; then
    verdict_xen=FAILED
    grep -aq "Test result: SUCCESS" "$logs/xen.log" && verdict_xen=SUCCESS
fi
echo "ours: 256 MiB machine, $cmdline, dom0 + one 32M domU: $verdict_ours"
echo "xen:  512 MiB machine, $cmdline com1=115200, dom0 only: $verdict_xen"
for side in ours xen; do
    log=$logs/$side.log
    eval "[ \"\$verdict_$side\" = SUCCESS ]" || log=/nonexistent
    for k in hypercall syscall memcpy_page gcopy_page gcopy_8 mmu_entry evtchn_rtt; do
        eval "${side}_${k}_c=\$(fig $log $k 3) ${side}_${k}_n=\$(fig $log $k 4)"
    done
done
[ $verdict_ours = SUCCESS ] || echo "ours: the guest did not succeed, no figures (see $logs/ours.log)"
[ $verdict_xen = FAILED ] && echo "xen: the guest did not succeed, no figures (see $logs/xen.log)"

printf '%-40s %12s %10s %12s %10s\n' "per operation (best of 5)" "ours cyc" "ours ns" "xen cyc" "xen ns"
row() { printf '%-40s %12s %10s %12s %10s\n' "$1" "$2" "$3" "$4" "$5"; }
row "null hypercall (xen_version)" "$ours_hypercall_c" "$ours_hypercall_n" "$xen_hypercall_c" "$xen_hypercall_n"
row "null syscall (user->kernel->user)" "$ours_syscall_c" "$ours_syscall_n" "$xen_syscall_c" "$xen_syscall_n"
row "memcpy 4 KiB in the guest" "$ours_memcpy_page_c" "$ours_memcpy_page_n" "$xen_memcpy_page_c" "$xen_memcpy_page_n"
row "grant copy 4 KiB (16 per call)" "$ours_gcopy_page_c" "$ours_gcopy_page_n" "$xen_gcopy_page_c" "$xen_gcopy_page_n"
row "grant copy 8 bytes (16 per call)" "$ours_gcopy_8_c" "$ours_gcopy_8_n" "$xen_gcopy_8_c" "$xen_gcopy_8_n"
row "mmu_update entry (256 per call)" "$ours_mmu_entry_c" "$ours_mmu_entry_n" "$xen_mmu_entry_c" "$xen_mmu_entry_n"
row "interdomain event round trip" "$ours_evtchn_rtt_c" "$ours_evtchn_rtt_n" "n/a (dom0 only)" "-"

mmu_rate() { [ "$1" = - ] && { echo -; return; }; awk -v n="$1" 'BEGIN { printf "%.0f\n", 1e9 / n }'; }
echo
printf '%-52s %10s %10s %s\n' "ratio" ours xen goal
hs_o=$(div "$ours_hypercall_c" "$ours_syscall_c") hs_x=$(div "$xen_hypercall_c" "$xen_syscall_c")
gc_o=$(div "$ours_memcpy_page_c" "$ours_gcopy_page_c") gc_x=$(div "$xen_memcpy_page_c" "$xen_gcopy_page_c")
printf '%-52s %10s %10s %s\n' "null hypercall / null syscall (cycles)" "$hs_o" "$hs_x" "<= 1.5"
printf '%-52s %10s %10s %s\n' "grant copy / memcpy throughput" "$gc_o" "$gc_x" ">= 0.8"
printf '%-52s %10s %10s %s\n' "mmu_update entries per second" "$(mmu_rate "$ours_mmu_entry_n")" \
    "$(mmu_rate "$xen_mmu_entry_n")" "-"
printf '%-52s %10s %10s %s\n' "ours / xen: null hypercall (cycles)" "$(div "$ours_hypercall_c" "$xen_hypercall_c")" "" ""
printf '%-52s %10s %10s %s\n' "ours / xen: null syscall (cycles)" "$(div "$ours_syscall_c" "$xen_syscall_c")" "" ""
printf '%-52s %10s %10s %s\n' "ours / xen: grant copy (cycles)" "$(div "$ours_gcopy_page_c" "$xen_gcopy_page_c")" "" ""
printf '%-52s %10s %10s %s\n' "ours / xen: mmu_update entry (cycles)" "$(div "$ours_mmu_entry_c" "$xen_mmu_entry_c")" "" ""
for g in "hs:$hs_o:le:1.5" "gc:$gc_o:ge:0.8"; do
    IFS=: read -r n v op lim <<<"$g"
    name=$([ "$n" = hs ] && echo "hypercall/syscall <= 1.5" || echo "grant copy/memcpy >= 0.8")
    if [ "$v" = - ]; then echo "goal $name: no figure"; continue; fi
    if awk -v v="$v" -v l="$lim" -v op="$op" 'BEGIN { exit !(op == "le" ? v <= l : v >= l) }'; then
        echo "goal $name: met ($v)"
    else
        echo "goal $name: NOT met ($v)"
    fi
done
exit 0
