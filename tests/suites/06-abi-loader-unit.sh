#!/usr/bin/env bash
# Suite 06: public ABI headers, the ELF/Xen-notes loader, the PV start-of-day
# layout and the CPUID policy.
#  - our public headers compile alone, freestanding and on the host;
#  - tests/unit/abi: sizes, offsets and constants against Debian's libxen-dev;
#  - tests/unit/libelf: loader, bzImage header, layout, CPUID policy;
#  - tests/fuzz/libelf: the ELF/notes and bzImage parsers under libFuzzer,
#    about 15 s in total.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT" || exit 1

# Build what we need (quietly; a build failure is a test failure, not a crash).
for d in tests/unit/abi tests/unit/libelf tests/fuzz/libelf; do
    if ! log=$(make -s --no-print-directory -f Rules.mk obj="$d" FLAVOR=host BUILD="$BUILD" 2>&1); then
        echo "FAIL: build-$d $(printf '%s' "$log" | grep -m1 -i error)"
    fi
done

# Every public header on its own: gcc hosted, gcc freestanding as the
# hypervisor builds, and clang.
t0=$(date +%s.%N)
bad=""
gccinc=$(gcc -print-file-name=include)
for h in $(cd hypervisor/include && find public -name '*.h' | sort); do
    for flav in host hyp clang; do
        cc=gcc
        case $flav in
        host)  flags="-std=gnu11 -Wall -Wextra -Werror" ;;
        hyp)   flags="-std=gnu11 -Wall -Wextra -Werror -ffreestanding -nostdinc -isystem $gccinc -D__XEN__ -mno-sse -mgeneral-regs-only" ;;
        clang) command -v clang >/dev/null || { noclang=1; continue; }
               cc=clang flags="-std=gnu11 -Wall -Wextra -Werror" ;;
        esac
        # shellcheck disable=SC2086
        if ! echo "#include <$h>" | $cc -x c $flags -Ihypervisor/include -c -o /dev/null - 2>/dev/null; then
            bad="$bad $h($flav)"
        fi
    done
done
t1=$(date +%s.%N)
[ -n "${noclang:-}" ] && echo "SKIP: abi/public-headers-clang clang not installed (boot/deps.d/abi.list lists it)"
if [ -z "$bad" ]; then
    printf 'PASS: abi/public-headers-standalone (%.1fs)\n' "$(echo "$t1 - $t0" | bc)"
else
    echo "FAIL: abi/public-headers-standalone:$bad"
fi

"$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/abi/abi_test" abi-layout
"$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/libelf/libelf_test" libelf
# The real Debian kernel (tests/lib/debian-vmlinuz.sh: the reference build's
# or our own apt-get download): the bzImage header, then the xz payload
# extracted with Debian's xz and the ELF parsed, checked as a dom0 kernel and
# laid out for a 2 GiB dom0.
vmlinuz=$("$ROOT/tests/lib/debian-vmlinuz.sh" 2>/tmp/abi-vmlinuz.$$.err)
why=$(cat /tmp/abi-vmlinuz.$$.err 2>/dev/null); rm -f /tmp/abi-vmlinuz.$$.err
elfinfo=$BUILD/tests/unit/libelf/elfinfo
if [ -z "$vmlinuz" ]; then
    echo "FAIL: libelf/debian-vmlinuz $why"
elif ! command -v xz >/dev/null; then
    echo "SKIP: libelf/debian-vmlinuz xz not installed (boot/deps.d/abi.list lists it)"
elif [ ! -x "$elfinfo" ]; then
    echo "FAIL: libelf/debian-vmlinuz elfinfo was not built"
else
    t0=$(date +%s.%N)
    if ! hdr=$("$elfinfo" "$vmlinuz" 2>&1); then
        echo "FAIL: libelf/debian-vmlinuz bzImage header: $hdr"
    else
        read -r kind off len fmt _ <<<"$hdr"
        out=$BUILD/tests/unit/libelf/vmlinux
        if [ "$kind" != bzimage ] || [ "$fmt" != xz ]; then
            echo "FAIL: libelf/debian-vmlinuz expected an xz bzImage, got: $hdr"
        elif ! { [ "$out" -nt "$vmlinuz" ] ||
                 { dd if="$vmlinuz" iflag=skip_bytes,count_bytes skip="$off" count="$len" \
                      status=none | xz -dc --single-stream >"$out.tmp" 2>/dev/null && mv "$out.tmp" "$out"; }; }; then
            rm -f "$out.tmp"
            echo "FAIL: libelf/debian-vmlinuz extracting the xz payload failed"
        elif ! info=$("$elfinfo" "$out" 2>&1); then
            echo "FAIL: libelf/debian-vmlinuz $(printf '%s' "$info" | head -1)"
        else
            t1=$(date +%s.%N)
            want="guest_os=linux virt_base=0xffffffff80000000 paddr_offset=0 init_p2m=0x8000000000"
            bad=""
            for w in $want; do
                grep -qx "$w" <<<"$info" || bad="$bad $w"
            done
            if [ -z "$bad" ]; then
                printf 'PASS: libelf/debian-vmlinuz (%.1fs)\n' "$(echo "$t1 - $t0" | bc)"
            else
                echo "FAIL: libelf/debian-vmlinuz missing:$bad"
            fi
        fi
    fi
fi

tests/fuzz/libelf/run.sh
exit 0
