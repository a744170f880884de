#!/bin/sh
# pv-overhead.sh — the Linux workload of tests/bench/75-pv-overhead.sh, run
# as dom0's /init test (test=pv-overhead) on our hypervisor, on Xen 4.17 and
# with the same kernel booted directly by QEMU.  The parts are the kinds of
# work where a PV kernel pays the hypervisor: process creation, context
# switches, page faults and page-table churn, tmpfs file I/O and a small
# compression job.  Each part is timed with the guest's own monotonic clock
# and printed as "pv-overhead: part NAME SECONDS"; a part that fails prints
# "pv-overhead: part NAME FAILED ..." and the verdict is FAILURE, so the
# bench never prints a figure for it.  Sizes are chosen for ~1-4 s each on
# a bare QEMU TCG guest on a quiet host; pv_scale=N on the kernel command line multiplies
# them.
scale=1
for arg in $(cat /proc/cmdline); do
    case $arg in
    pv_scale=*) scale=${arg#pv_scale=} ;;
    esac
done
fail=0
T0=$(stress now)
# part NAME CMD...: run CMD, print its duration or its failure.
part() {
    name=$1; shift
    t0=$(stress now)
    if "$@" > /tmp/part.out 2>&1; then
        t1=$(stress now)
        echo "pv-overhead: part $name $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
    else
        echo "pv-overhead: part $name FAILED: $(tail -n 3 /tmp/part.out | tr '\n' ' ')"
        fail=1
    fi
}
# The compression job: gzip busybox's 2 MiB and check the round trip.
compress() {
    cat /bin/busybox > /tmp/in &&
    gzip -6 -c /tmp/in > /tmp/in.gz &&
    gzip -dc /tmp/in.gz > /tmp/out &&
    cmp /tmp/in /tmp/out &&
    rm -f /tmp/in /tmp/in.gz /tmp/out
}
# A shell loop: fork of the shell itself, pipelines, short-lived busybox tools.
shell_loop() {
    i=0
    while [ $i -lt $((50 * scale)) ]; do
        echo "$i" | grep -q . || return 1
        i=$((i + 1))
    done
}
echo "pv-overhead: start (scale $scale)"
part forkexec stress forkexec $((150 * scale)) /bin/true
part shell shell_loop
part pipe stress pingpong $((2500 * scale))
part mmap stress mmap $((500 * scale))
part faults stress mem 32 $((2 * scale))
mkdir -p /tmp/files
part tmpfs sh -c "cd /tmp/files && stress files $((100 * scale)) 64"
part gzip compress
T1=$(stress now)
echo "pv-overhead: total $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.3f", b - a }')"
if [ $fail = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
