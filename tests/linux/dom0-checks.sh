#!/bin/sh
# dom0-checks.sh — what the Linux dom0 integration test checks from inside
# the guest (busybox sh).  One line per check, "LINUX PASS: name (figures)" or
# "LINUX FAIL: name why", then the verdict line the runner reads.
# Kernel command-line parameters it reads:
#   expect_kernel=RELEASE   uname -r must match (the packaged kernel)
#   expect_mem=MiB          MemTotal must be within 12% below it (dom0_mem)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
fails=0
pass() { echo "LINUX PASS: $1 ($2)"; }
fail() { echo "LINUX FAIL: $1 $2"; fails=$((fails + 1)); }
for arg in $(cat /proc/cmdline); do
    case $arg in
    expect_kernel=*) expect_kernel=${arg#expect_kernel=} ;;
    expect_mem=*) expect_mem=${arg#expect_mem=} ;;
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
if [ -n "${expect_mem:-}" ]; then
    lo=$((expect_mem * 88 / 100))
    if [ "$total_mb" -le "$expect_mem" ] && [ "$total_mb" -ge "$lo" ]; then
        pass memory "MemTotal ${total_mb} MiB for ${expect_mem} MiB"
    else
        fail memory "MemTotal ${total_mb} MiB, expected ${lo}..${expect_mem} MiB"
    fi
else
    pass memory "MemTotal ${total_mb} MiB"
fi
free | sed 's/^/    /'

run() {     # run NAME CMD...: the command's own line becomes the figures
    name=$1; shift
    out=$("$@" 2>&1) && pass "$name" "$out" || fail "$name" "$out"
}
run forkexec /bin/stress forkexec 500 /bin/true
run pingpong /bin/stress pingpong 2000
run mem256x3 /bin/stress mem 256 3
run mmap /bin/stress mmap 1000

bad=$(dmesg | grep -E 'BUG|WARNING|Oops' | head -n 5)
if [ -n "$bad" ]; then
    fail dmesg "kernel complained:"
    echo "$bad" | sed 's/^/    /'
else
    pass dmesg "no BUG, WARNING or Oops"
fi

if [ "$fails" -eq 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
