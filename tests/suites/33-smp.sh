#!/usr/bin/env bash
# 33-smp.sh — the hypervisor on several CPUs (QEMU -smp with multi-threaded
# TCG, so the CPUs really run at once): the SMP test guest
# (tests/guests/cases/smp.c: vCPU bring-up, IPIs between the guest's vCPUs,
# a remote TLB flush seen by another vCPU, system time read by different
# vCPUs: ours never goes back, which the guest itself does not require since
# Xen 4.17 does not give it) as dom0 with
#   2 vCPUs on 2 CPUs, 4 vCPUs on 4 CPUs, and 4 vCPUs on 2 CPUs (more vCPUs
#   than CPUs: they share);
# dom0_max_vcpus=<max> gives one vCPU per CPU up to max (8 on 4 CPUs: 4).
# Also int3_xmodify on 2 CPUs: an int3 another vCPU rewrites reaches the
# guest as #BP, never #GP.
# (suite 31 runs the same guest on 2 CPUs with single-threaded TCG, and
# suite 30 on the real Xen 4.17.)
# Logs: build/test-logs/33-smp/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
out=$BUILD/tests/guests
hv=$BUILD/hypervisor.elf
logs=$BUILD/test-logs/33-smp
mkdir -p "$logs"

if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/guests FLAVOR=host \
        BUILD="$BUILD" >"$logs/build.log" 2>&1 || [ ! -f "$out/smp.elf" ]; then
    echo "FAIL: smp/build: tests/guests did not build (see $logs/build.log)"
    exit 0
fi
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp \
        BUILD="$BUILD" >"$logs/build-hv.log" 2>&1 || [ ! -f "$hv" ]; then
    echo "FAIL: smp/build: the hypervisor did not build (see $logs/build-hv.log)"
    exit 0
fi

runner=$ROOT/tests/lib/qemu-run.py
cmdline="console=com1 loglvl=all guest_loglvl=all noreboot dom0_mem=64M"

# name, CPUs, extra hypervisor options, then expectations for the runner.
guest() {
    local name=$1 cpus=$2 opts=$3
    shift 3
    python3 "$runner" --name "smp/$name" --timeout 300 --log "$logs/$name.log" \
        --expect "Hardware Dom0 halted" --grace 0.5 --reject "did not come up" \
        --expect 'system time across vCPUs: [0-9]+ of [0-9]+ readings went back, by at most [01] ns' "$@" -- \
        -m 256 -smp "$cpus" -accel tcg,thread=multi -nic none -kernel "$hv" \
        -append "$cmdline $opts" -initrd "$out/smp.elf" 2>>"$logs/failures.log" </dev/null
}
: > "$logs/failures.log"

guest guest-2cpu-2vcpu 2 "dom0_max_vcpus=2" \
    --expect 'd0: dom0 kernel, 64 MiB, 2 vCPUs' --expect 'TLB_FLUSH_MULTI: vCPU 1 sees the new frame' \
    --expect 'INVLPG_MULTI: vCPU 1 sees the new frame'
guest guest-4cpu-4vcpu 4 "dom0_max_vcpus=8" \
    --expect 'SMP: 4 processors up' --expect 'd0: dom0 kernel, 64 MiB, 4 vCPUs' \
    --expect '^4 vCPUs$'
guest guest-2cpu-4vcpu 2 "dom0_max_vcpus=4-4" \
    --expect 'd0: dom0 kernel, 64 MiB, 4 vCPUs' --expect '^4 vCPUs$'
# dom0_max_vcpus=<max>: one vCPU per CPU, capped at max.
guest guest-4cpu-maxvcpus2 4 "dom0_max_vcpus=2" \
    --expect 'd0: dom0 kernel, 64 MiB, 2 vCPUs' --expect '^2 vCPUs$'
# An int3 that the other vCPU takes away again (Linux's text_poke_bp())
# must still arrive as #BP (tests/guests/cases/int3_xmodify.c): with both
# CPUs really running at once the old DPL 0 int3 gate let ~1500 of ~30000
# through as #GP, single-threaded (suite 31) ~20.
python3 "$runner" --name "smp/int3-xmodify-2cpu" --timeout 300 --log "$logs/int3-xmodify.log" \
    --expect "Hardware Dom0 halted" --grace 0.5 \
    --expect '20000 flips by vCPU 0: [1-9][0-9]* int3 as #BP, 0 as #GP' -- \
    -m 256 -smp 2 -accel tcg,thread=multi -nic none -kernel "$hv" \
    -append "$cmdline dom0_max_vcpus=2" -initrd "$out/int3_xmodify.elf" \
    2>>"$logs/failures.log" </dev/null
