#!/usr/bin/env bash
# 41-xenstore-syscalls benchmark: what one request costs in system calls,
# context switches and CPU time, on Debian's C xenstored 4.17 (reference)
# and on ours, with the same client.  Wall-clock ratios on a shared host
# move by tens of percent between runs (bench 40); these counts barely move,
# so they show where a row's time goes and whether a change removed work.
#   ref        Debian's libxenstore  -> Debian's C xenstored
#   ours       Debian's libxenstore  -> our xenstored
#   ours+lib   our libxenstore       -> our xenstored
# Each row is xenstore/test-support/xsrow.c repeating one operation; perf
# stat is attached to the daemon and to the client after the row's setup
# and counts the loop only (tracepoints raw_syscalls:sys_enter and
# syscalls:sys_enter_<name>, software events context-switches, task-clock).
# Figures are per operation (tx = 12 requests, dir10k = one xs_directory of
# 10,000 children, watch = a WRITE plus the event read by a second handle).
# The us/op column is wall clock, for orientation only.  Needs perf with
# tracepoint access (root); without it every row prints SKIP.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
. "$ROOT/xenstore/test-support/lib.sh"

W=$(mktemp -d -t xsrow.XXXXXX)
PERF_PIDS=()
trap 'kill "${PERF_PIDS[@]}" 2>/dev/null; xs_cleanup; rm -rf "$W"' EXIT
ROWS=${XS_ROWS:-"read:5000 overwrite:5000 dir10:5000 dir10k:20 tx:500 watch:2000"}
SRC=$ROOT/xenstore/test-support/xsrow.c

xs_build || { echo "build failed"; exit 1; }
xs_ref_prepare || { echo "reference xenstored unavailable"; exit 1; }
gcc -O2 -Wall -o "$W/xsrow-deb" "$SRC" -lxenstore || exit 1
gcc -O2 -Wall -o "$W/xsrow-ours" -I"$ROOT/xenstore/include" -I"$ROOT/hypervisor/include" \
    "$SRC" "$XS_BIN/libxenstore.a" -lpthread || exit 1

# The system calls either daemon or client makes per request, whichever exist here.
names="epoll_wait poll read write recvfrom sendto readv writev epoll_ctl rt_sigaction futex"
EV=raw_syscalls:sys_enter,context-switches,task-clock
for s in $names; do
    [ -d /sys/kernel/tracing/events/syscalls/sys_enter_"$s" ] ||
        [ -d /sys/kernel/debug/tracing/events/syscalls/sys_enter_"$s" ] &&
        EV=$EV,syscalls:sys_enter_$s
done
if ! command -v perf >/dev/null || ! perf stat -e "$EV" -o /dev/null true 2>/dev/null; then
    for r in $ROWS; do echo "SKIP: ${r%%:*}: perf cannot count syscall tracepoints here"; done
    exit 0
fi

# per-op figures from a perf stat -x, file: "name=value ..." (value/ops)
per_op() {  # file ops
    awk -F, -v n="$2" '
        /^[0-9.]+,/ {
            k = $3; sub(/^.*sys_enter_/, "", k); sub(/^raw_syscalls:sys_enter$/, "syscalls", k)
            if (k == "task-clock") printf " cpu_us=%.1f", $1 * 1000 / n
            else if (k == "context-switches") printf " switches=%.2f", $1 / n
            else if ($1 / n >= 0.01) printf " %s=%.2f", k, $1 / n
        }
        /^<not counted>/ { bad = 1 }
        END { if (bad) printf " (some events not counted)" }' "$1"
}

row() {  # label daemon(ref|ours) client(deb|ours) row ops
    local d=$W/$1-$4 cp p1 p2 rc
    if [ "$2" = ref ]; then xs_start_ref "$d"; else xs_start_ours "$d"; fi || {
        echo "FAILED: $1 $4: cannot start the daemon"; return 1; }
    mkfifo "$d/go"
    exec 3<>"$d/go"
    XENSTORED_PATH=$d/socket "$W/xsrow-$3" "$4" "$5" <"$d/go" >"$d/out" 2>&1 &
    cp=$!
    for _ in $(seq 1 1200); do
        grep -q '^ready' "$d/out" && break
        kill -0 $cp 2>/dev/null || break
        sleep 0.05
    done
    if ! grep -q '^ready' "$d/out"; then
        echo "FAILED: $1 $4: setup: $(tail -n1 "$d/out")"
        exec 3>&-; kill $cp 2>/dev/null; wait $cp 2>/dev/null; xs_stop "$XS_PID"; return 1
    fi
    perf stat -x, -e "$EV" -p "$XS_PID" -o "$d/perf-daemon" & p1=$!
    perf stat -x, -e "$EV" -p "$cp" -o "$d/perf-client" & p2=$!
    PERF_PIDS=("$p1" "$p2")
    sleep 1    # perf attaches asynchronously
    echo go >&3
    wait $cp; rc=$?
    exec 3>&-
    kill -INT $p1 $p2 2>/dev/null; wait $p1 $p2 2>/dev/null
    PERF_PIDS=()
    xs_stop "$XS_PID"
    if [ $rc != 0 ]; then
        echo "FAILED: $1 $4: $(tail -n1 "$d/out")"
        return 1
    fi
    printf "| %-9s | %-8s | %9s | daemon:%s\n" "$4" "$1" \
        "$(sed -n 's/.*: \([0-9.]*\) us\/op.*/\1/p' "$d/out")" "$(per_op "$d/perf-daemon" "$5")"
    printf "| %-9s | %-8s | %9s | client:%s\n" "" "" "" "$(per_op "$d/perf-client" "$5")"
}

echo "per operation; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "| %-9s | %-8s | %9s | %s\n" row config "us/op" "system calls, context switches, CPU us per op"
for r in $ROWS; do
    for cfg in "ref ref deb" "ours ours deb" "ours+lib ours ours"; do
        # shellcheck disable=SC2086
        row $cfg "${r%%:*}" "${r##*:}"
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
