#!/bin/sh
# dom0-checks.sh — what the Linux dom0 integration test checks from inside
# the guest (busybox sh).  One line per check, "LINUX PASS: name (figures)" or
# "LINUX FAIL: name why", then the verdict line the runner reads.
# Kernel command-line parameters it reads:
#   expect_kernel=RELEASE   uname -r must match (the packaged kernel)
#   expect_mem=MiB          the domain's reservation (dom0_mem) must be exactly
#                           this; MemTotal within 20% below it
#   expect_cpus=N           dom0 must have N vCPUs online (0..N-1)
#   checks=parallel         only the vCPU count and the work on all vCPUs at once
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
fails=0
pass() { echo "LINUX PASS: $1 ($2)"; }
fail() { echo "LINUX FAIL: $1 $2"; fails=$((fails + 1)); }
for arg in $(cat /proc/cmdline); do
    case $arg in
    expect_kernel=*) expect_kernel=${arg#expect_kernel=} ;;
    expect_mem=*) expect_mem=${arg#expect_mem=} ;;
    expect_cpus=*) expect_cpus=${arg#expect_cpus=} ;;
    checks=*) checks=${arg#checks=} ;;
    esac
done

r=$(uname -r)
if [ -n "${expect_kernel:-}" ] && [ "$r" != "$expect_kernel" ]; then
    fail uname "got $r, expected $expect_kernel"
else
    pass uname "$r"
fi

total_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
total_mb=$((total_kb / 1024))
# Under Xen the balloon driver reports the domain's reservation exactly; the
# kernel's MemTotal is that minus what it keeps for itself (the PV p2m and
# the balloon's bookkeeping cost more than on bare metal: >= 80% here).
cur=/sys/devices/system/xen_memory/xen_memory0/info/current_kb
if [ -n "${expect_mem:-}" ]; then
    lo=$((expect_mem * 80 / 100))
    if [ -r "$cur" ]; then
        cur_mb=$(($(cat "$cur") / 1024))
        if [ "$cur_mb" -eq "$expect_mem" ]; then
            pass reservation "balloon current_kb = ${cur_mb} MiB"
        else
            fail reservation "balloon current_kb = ${cur_mb} MiB, expected ${expect_mem} MiB"
        fi
    fi
    if [ "$total_mb" -le "$expect_mem" ] && [ "$total_mb" -ge "$lo" ]; then
        pass memory "MemTotal ${total_mb} MiB for ${expect_mem} MiB"
    else
        fail memory "MemTotal ${total_mb} MiB, expected ${lo}..${expect_mem} MiB"
    fi
else
    pass memory "MemTotal ${total_mb} MiB"
fi
free | sed 's/^/    /'

# vCPUs: Linux must have brought every vCPU the hypervisor gave it online.
online=$(cat /sys/devices/system/cpu/online 2>/dev/null)
if [ -n "${expect_cpus:-}" ]; then
    want=0; [ "$expect_cpus" -gt 1 ] && want="0-$((expect_cpus - 1))"
    if [ "$online" = "$want" ]; then
        pass vcpus "online $online"
    else
        fail vcpus "online '$online', expected '$want'"
    fi
fi

run() {     # run NAME CMD...: the command's own line becomes the figures
    name=$1; shift
    out=$("$@" 2>&1) && pass "$name" "$out" || fail "$name" "$out"
}
if [ "${checks:-all}" = all ]; then
    run forkexec /bin/stress forkexec 500 /bin/true
    run pingpong /bin/stress pingpong 2000
    run mem256x3 /bin/stress mem 256 3
    run mmap /bin/stress mmap 1000
fi
# With several vCPUs, the same work on all of them at once (IPIs, remote
# TLB flushes of the shared address spaces, events between vCPUs).
if [ "${expect_cpus:-1}" -gt 1 ]; then
    run parallel sh -c '/bin/stress forkexec 100 /bin/true & a=$!
        /bin/stress mmap 250 & b=$!
        /bin/stress pingpong 500 && wait $a && wait $b'
fi

bad=$(dmesg | grep -E 'BUG|WARNING|Oops' | head -n 5)
if [ -n "$bad" ]; then
    fail dmesg "kernel complained:"
    echo "$bad" | sed 's/^/    /'
else
    pass dmesg "no BUG, WARNING or Oops"
fi

if [ "$fails" -eq 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
