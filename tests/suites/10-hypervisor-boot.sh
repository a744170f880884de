#!/usr/bin/env bash
# 10-hypervisor-boot.sh — the hypervisor boots and checks itself, in QEMU:
#   selftest via QEMU -kernel (multiboot1), with boot modules;
#   selftest with 4.5 GiB and 1 GiB pages (RAM above 4 GiB, 1 GiB direct map);
#   selftest via the GRUB2 ISO (multiboot2/module2), 2 GiB and 2 vCPUs as in
#   the reference setup;
#   the other processors brought up (-smp 4, multi-threaded TCG), and left
#   out as `maxcpus=` / `nosmp` say;
#   the fault dump (selftest=fault): vector, CR2, registers, symbolised trace;
#   BUG_ON -> panic (selftest=bug): message and a trace naming the function;
#   a bad command line: unknown/invalid options warned, boot goes on;
#   too many modules and an over-long option: truncated with a warning;
#   loglvl=error hides info messages but not the verdict;
#   tests/lib/qemu-run.py's verdict logic against a fake QEMU;
#   the image's multiboot headers (static check, tests/lib/check-multiboot.py).
# Each case runs under tests/lib/qemu-run.py with a timeout; logs go to
# build/test-logs/10-hypervisor-boot/.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
RUN=$ROOT/tests/lib/qemu-run.py
HV=$BUILD/hypervisor.elf
logs=$BUILD/test-logs/10-hypervisor-boot
tmp=$BUILD/tests/10-hypervisor-boot
mkdir -p "$logs" "$tmp"

# Always make (a no-op when up to date): the run must test the tree.
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=hypervisor FLAVOR=hyp \
        BUILD="$BUILD" >"$logs/build.log" 2>&1 || [ ! -f "$HV" ]; then
    echo "FAIL: hv-build hypervisor.elf could not be built (see $logs/build.log)"
    exit 0
fi

# Static: the multiboot headers where loaders look, consistent with the ELF.
# A copy with a broken multiboot1 checksum must be rejected (the check bites).
t0=$(date +%s.%N)
mbout=$(python3 "$ROOT/tests/lib/check-multiboot.py" "$HV" 2>&1)
python3 - "$HV" "$tmp/broken.elf" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
o = d.find(struct.pack("<I", 0x1BADB002))
d[o + 8] ^= 1
open(sys.argv[2], "wb").write(d)
PY
badout=$(python3 "$ROOT/tests/lib/check-multiboot.py" "$tmp/broken.elf" 2>&1)
if [[ $mbout == ok:* ]] && [[ $badout == "bad: multiboot1 checksum" ]]; then
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "PASS: hv-multiboot-headers (%.2fs)\n", b - a }'
else
    echo "FAIL: hv-multiboot-headers image: $mbout; corrupted copy: $badout"
fi

# Two small boot modules with known contents and strings.
printf 'module zero\n' > "$tmp/mod0"
head -c 10000 /dev/zero > "$tmp/mod1"

run() { "$RUN" "$@" 2>>"$logs/failures.txt"; }
: > "$logs/failures.txt"

# ---- tests/lib/qemu-run.py itself, against a fake QEMU (fast, no VM) ----
# The fake prints what FAKE_OUT says (\n-separated), sleeps FAKE_SLEEP,
# then exits with FAKE_RC; it records its PID so we can check it was reaped.
fake=$tmp/fake-qemu
cat > "$fake" <<'FAKE'
#!/bin/sh
echo $$ > "$FAKE_PIDFILE"
printf "%b" "${FAKE_PRE:-}"
[ -n "${FAKE_PRE_SLEEP:-}" ] && sleep "$FAKE_PRE_SLEEP"
printf "%b" "$FAKE_OUT"
[ -n "${FAKE_SLEEP:-}" ] && sleep "$FAKE_SLEEP"
exit "${FAKE_RC:-0}"
FAKE
chmod +x "$fake"
export FAKE_PIDFILE=$tmp/fake.pid
# runner_case NAME EXPECTED-REGEX [runner options] -- env assignments...
runner_case() {
    local name=$1 want=$2; shift 2
    local opts=() t0 out
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    t0=$(date +%s.%N)
    out=$(env "$@" "$RUN" --name x --log "$logs/runner-$name.log" "${opts[@]}" -- "$fake" 2>/dev/null)
    if [[ $out =~ $want ]]; then
        awk -v n="$name" -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "PASS: %s (%.2fs)\n", n, b - a }'
    else
        echo "FAIL: $name runner said '$out', expected /$want/"
    fi
}
runner_case runner-success '^PASS: x \(' --timeout 10 -- FAKE_OUT='(XEN) Test result: SUCCESS\n' FAKE_RC=1
runner_case runner-status-mismatch '^FAIL: x verdict SUCCESS but QEMU exit status 3' --timeout 10 -- \
    FAKE_OUT='Test result: SUCCESS\n' FAKE_RC=3
runner_case runner-reset-after-verdict '^PASS: x \(' --timeout 10 -- FAKE_OUT='Test result: SUCCESS\n' FAKE_RC=0
runner_case runner-two-verdicts '^FAIL: x 2 verdict lines' --timeout 10 -- \
    FAKE_OUT='Test result: SUCCESS\nTest result: SUCCESS\n' FAKE_RC=1
runner_case runner-failure '^FAIL: x verdict FAILURE' --timeout 10 -- FAKE_OUT='Test result: FAILURE\n' FAKE_RC=3
runner_case runner-error '^FAIL: x verdict ERROR' --timeout 10 -- FAKE_OUT='Test result: ERROR\n' FAKE_RC=7
runner_case runner-skip '^SKIP: x no disk here$' --timeout 10 -- FAKE_OUT='Test result: SKIP no disk here\n' FAKE_RC=5
runner_case runner-no-verdict '^FAIL: x QEMU exited \(status 0\) without a verdict' --timeout 10 -- FAKE_OUT='hello\n'
runner_case runner-timeout '^FAIL: x timeout after 1s' --timeout 1 -- FAKE_OUT='hello\n' FAKE_SLEEP=30
runner_case runner-expect-missing '^FAIL: x expected output not seen: /wanted/' --timeout 10 --expect wanted -- \
    FAKE_OUT='Test result: SUCCESS\n' FAKE_RC=1
runner_case runner-reject '^FAIL: x unwanted output /bad/' --timeout 10 --reject bad -- \
    FAKE_OUT='a bad line\nTest result: SUCCESS\n' FAKE_RC=1
runner_case runner-mark '^PASS: x \(.*mark=(0\.[3-9]|[1-9])' --timeout 10 --mark banner --exit-on-mark -- \
    FAKE_PRE='boot\n' FAKE_PRE_SLEEP=0.3 FAKE_OUT='Xen banner\n' FAKE_SLEEP=30
# A QEMU that hangs after its verdict is killed after the grace period.
t0=$(date +%s.%N)
out=$(FAKE_OUT='Test result: SUCCESS\n' FAKE_SLEEP=60 "$RUN" --name x --timeout 30 --grace 0.5 \
      --log "$logs/runner-hang.log" -- "$fake" 2>/dev/null)
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
if [[ $out == "PASS: x ("* ]] && ! kill -0 "$(cat "$FAKE_PIDFILE")" 2>/dev/null && \
   awk -v e="$el" 'BEGIN { exit !(e < 10) }'; then
    echo "PASS: runner-kills-hung-qemu (${el}s)"
else
    echo "FAIL: runner-kills-hung-qemu runner said '$out' after ${el}s, fake pid $(cat "$FAKE_PIDFILE") alive?"
fi

run --name hv-selftest-kernel --timeout 120 --log "$logs/selftest-kernel.log" \
    --expect 'Xen version 4\.17' \
    --expect 'Bootloader: qemu \(multiboot1\)' \
    --expect 'Command line: selftest loglvl=all dom0_mem=1024M,max:2G$' \
    --expect 'dom0_mem: 1024 MiB \(min 0 MiB, max 2048 MiB; 0 = unset\)' \
    --expect 'Module 0: 0x[0-9a-f]+-0x[0-9a-f]+ \(0 KiB\) "dom0 arg1 arg2=x"$' \
    --expect 'Module 1: .*\(9 KiB\) ""$' \
    --expect 'selftest: 0 failures' \
    -- -m 1024 -kernel "$HV" -append "selftest loglvl=all dom0_mem=1024M,max:2G" \
       -initrd "$tmp/mod0 dom0 arg1 arg2=x,$tmp/mod1"

run --name hv-selftest-kernel-4g-1gpages --timeout 180 --log "$logs/selftest-4g.log" \
    --expect '\(usable\)' --expect '0000000100000000 - 0000000160000000 \(usable\)' \
    --expect 'Direct map: .*\(1 GiB/2 MiB pages\)' \
    --expect 'selftest: 0 failures' \
    -- -m 4608 -cpu qemu64,+rdrand,+pdpe1gb -kernel "$HV" -append "selftest"

# The APs: every MADT processor started (INIT-SIPI-SIPI) and online before
# the self tests, under multi-threaded TCG; maxcpus= and nosmp leave some out.
run --name hv-smp4-bringup --timeout 180 --log "$logs/smp4.log" \
    --expect 'ACPI: MADT lists 4 enabled processors' \
    --expect 'SMP: 4 processors up$' \
    --reject 'did not come up|did not finish' \
    --expect 'selftest: 0 failures' \
    -- -m 512 -smp 4 -accel tcg,thread=multi -kernel "$HV" -append "selftest"
run --name hv-smp-maxcpus --timeout 180 --log "$logs/smp-maxcpus.log" \
    --expect 'SMP: 2 of 4 processors up \(maxcpus\)$' \
    --expect 'selftest: 0 failures' \
    -- -m 512 -smp 4 -kernel "$HV" -append "selftest maxcpus=2"
run --name hv-smp-nosmp --timeout 180 --log "$logs/smp-nosmp.log" \
    --expect 'SMP: 1 of 2 processors up \(nosmp\)$' \
    --expect 'selftest: 0 failures' \
    -- -m 512 -smp 2 -kernel "$HV" -append "selftest nosmp"

iso=$tmp/selftest.iso
if ISO=$iso "$ROOT/boot/mkiso.sh" -o "$iso" -a "selftest loglvl=all" \
        -m "$tmp/mod0 dom0 console=hvc0" -m "$tmp/mod1" >"$logs/mkiso.log" 2>&1; then
    run --name hv-selftest-grub-iso --timeout 180 --log "$logs/selftest-iso.log" \
        --expect 'Bootloader: GRUB 2.* \(multiboot2\)' \
        --expect 'Command line: selftest loglvl=all$' \
        --expect 'Module 0: .*"dom0 console=hvc0"$' \
        --expect 'Module 1: .*\(9 KiB\) ""$' \
        --expect 'selftest: 0 failures' \
        -- -m 2048 -smp 2 -cdrom "$iso"
    # Regression: mkiso.sh once packed its own (growing) log into the ISO.
    t0=$(date +%s.%N)
    listing=$(xorriso -indev "$iso" -ls / /boot 2>/dev/null | tr -d "'" | grep -v '^$' | tr '\n' ' ')
    want="/: boot boot.catalog /boot: grub hypervisor.elf mod0 mod1 "
    if [ "$listing" = "$want" ]; then
        awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "PASS: hv-iso-contents (%.2fs)\n", b - a }'
    else
        echo "FAIL: hv-iso-contents unexpected ISO tree: $listing"
    fi
else
    echo "FAIL: hv-selftest-grub-iso boot/mkiso.sh failed: $(tail -n 3 "$logs/mkiso.log" | tr '\n' ' ')"
fi

run --name hv-fault-dump --timeout 120 --log "$logs/fault-dump.log" \
    --expect 'selftest: writing to 0xbadc0de0000' \
    --expect 'Hypervisor exception: vector 14 \(page fault\), error code 0x0002, cr2 00000badc0de0000' \
    --expect 'RIP: +e008:\[<ffff82d0[0-9a-f]{8}>\] selftest_fault_write\+0x[0-9a-f]+/0x[0-9a-f]+' \
    --expect 'rax: [0-9a-f]{16} +rbx: [0-9a-f]{16} +rcx: [0-9a-f]{16}' \
    --expect 'r15: [0-9a-f]{16} +cr0: [0-9a-f]{16}' \
    --expect 'cr2: 00000badc0de0000' \
    --expect 'Xen call trace:' \
    --expect '\[<ffff82d0[0-9a-f]{8}>\] R selftest_fault_write\+' \
    --expect '\[<ffff82d0[0-9a-f]{8}>\] F run_selftests\+' \
    --expect '\[<ffff82d0[0-9a-f]{8}>\] F __start_xen\+' \
    --expect 'FATAL PAGE FAULT' \
    --expect '\[error_code=0002\]' \
    --expect 'Faulting linear address: 00000badc0de0000' \
    -- -m 512 -kernel "$HV" -append "selftest=fault"

run --name hv-bug-panic --timeout 120 --log "$logs/bug-panic.log" \
    --expect 'selftest: triggering BUG_ON' \
    --expect '\[<ffff82d0[0-9a-f]{8}>\] R panic\+' \
    --expect '\[<ffff82d0[0-9a-f]{8}>\] F selftest_bug\+' \
    --expect '\[<ffff82d0[0-9a-f]{8}>\] F __start_xen\+' \
    --expect 'Panic on CPU 0:' \
    --expect 'Xen BUG at .*selftest\.c:[0-9]+: selftest_fault_expected' \
    -- -m 512 -kernel "$HV" -append "selftest=bug"

run --name hv-bad-cmdline --timeout 120 --log "$logs/bad-cmdline.log" \
    --expect 'parameter "bogus_option" unknown' \
    --expect 'parameter "loglvl" has invalid value "chatty"' \
    --expect 'parameter "dom0_mem" has invalid value "lots"' \
    --expect '3 unknown or invalid command-line options ignored' \
    --expect 'selftest: 0 failures' \
    -- -m 512 -kernel "$HV" -append "bogus_option=1 loglvl=chatty selftest dom0_mem=lots noreboot"

# Too many modules (18 > 16) and a 3000-character option: truncated, warned,
# boot goes on.
mods=$(for i in $(seq 0 17); do printf '%s m%d,' "$tmp/mod0" "$i"; done)
run --name hv-too-many-modules --timeout 120 --log "$logs/too-many-modules.log" \
    --expect 'Boot info truncated \(-7\)' \
    --expect 'Module 15: .*"m15"$' --reject 'Module 16:' \
    --expect '1 unknown or invalid command-line option ignored' \
    --expect 'selftest: 0 failures' \
    -- -m 512 -kernel "$HV" -append "selftest $(head -c 3000 /dev/zero | tr '\0' x)" \
       -initrd "${mods%,}"

run --name hv-loglvl-error --timeout 120 --log "$logs/loglvl-error.log" \
    --reject 'Physical RAM map' --reject 'selftest: starting' \
    -- -m 512 -kernel "$HV" -append "selftest loglvl=error"
exit 0
