#!/usr/bin/env bash
# Benchmark 20: our xz decompressor (host build, -O2) against Debian's
# liblzma (`xz -dc`) on the Debian kernel's bzImage payload, measured in the
# same run: wall time as MB/s of output, and — since under QEMU TCG the
# hypervisor pays per guest instruction — instruction counts from callgrind
# for ours built with the hypervisor's code-generation flags vs xz, on the
# first BENCH_IR_MB (default 16) MB of the kernel recompressed the way
# Linux's build does (--check=crc32 --x86 --lzma2=dict=32MiB).
#   BENCH_CALLGRIND=0 skips the instruction counts (they take ~1 minute).
#   BENCH_TCG=1 adds the figure that matters for dom0 boot under QEMU TCG:
#   the Debian kernel boots directly under TCG with an initramfs holding
#   busybox-static and our decompressor (hypervisor code-gen flags); the cost
#   of one decompression is the QEMU process's CPU time over a boot that
#   decompresses BENCH_TCG_REPS times minus a boot that does nothing.  The
#   reference is busybox's unxz, which is xz-embedded, the decoder family
#   Xen's own xz code comes from (it has no BCJ filter, so both decode the
#   kernel recompressed without --x86).  Noisy on a loaded machine: repeat.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
bin=$BUILD/tests/unit/decompress
work=$(mktemp -d /tmp/decompress-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=tests/unit/decompress \
    FLAVOR=host BUILD="$BUILD" || { echo "bench 20: build failed"; exit 1; }

kernel=${DECOMP_KERNEL:-}
if [ -z "$kernel" ]; then
    for k in "$BUILD"/kernel/vmlinuz "$BUILD"/dom0/vmlinuz "$BUILD"/vmlinuz \
             "$ROOT"/../shared/reference/xen/.work/out/vmlinuz; do
        [ -f "$k" ] && { kernel=$k; break; }
    done
fi
if [ -n "$kernel" ]; then
    python3 - "$kernel" "$work/payload.xz" <<'EOF' || exit 1
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert d[0x202:0x206] == b'HdrS', 'not a bzImage'
off = (d[0x1f1] + 1) * 512 + struct.unpack_from('<I', d, 0x248)[0]
ln = struct.unpack_from('<I', d, 0x24c)[0]
open(sys.argv[2], 'wb').write(d[off:off + ln - 4])
EOF
    what="Debian kernel payload ($kernel)"
else
    # No kernel: x86 code of the same flavour, compressed like Linux does.
    cat /usr/lib/x86_64-linux-gnu/*.so* 2>/dev/null | head -c 64000000 >"$work/raw"
    xz -c --check=crc32 --x86 --lzma2=dict=32MiB "$work/raw" >"$work/payload.xz"
    what="no kernel found: 64 MB of Debian's shared libraries"
fi
in_sz=$(stat -c %s "$work/payload.xz")
out_sz=$(xz -dc "$work/payload.xz" | wc -c)
echo "input: $what, $in_sz -> $out_sz bytes"

best() {   # best wall time of 3 runs of "$@", in seconds; "-" if a run failed
    local b=999 t0 t1 t i
    for i in 1 2 3; do
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; echo -; return; }
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc)
        b=$(echo "if ($t < $b) $t else $b" | bc)
    done
    echo "$b"
}
ours=$(best "$bin/dcat" -n "$work/payload.xz")
ref=$(best xz -dc "$work/payload.xz")
printf '%-34s %8s %10s\n' "decompressor (whole process)" "seconds" "MB/s"
row() {   # a failed side is printed as FAILED, never as a figure
    if [ "$2" = - ]; then printf '%-34s %19s\n' "$1" "FAILED"
    else printf '%-34s %8.3f %10.1f\n' "$1" "$2" "$(echo "$out_sz / $2 / 1000000" | bc -l)"; fi
}
row "ours (dcat, -O2, best of 3)" "$ours"
row "reference: xz -dc (liblzma, best of 3)" "$ref"
if [ "$ours" = - ] || [ "$ref" = - ]; then
    echo "time ratio ours/reference: no figure (a side failed)"
else
    printf 'time ratio ours/reference: %.2f\n' "$(echo "$ours / $ref" | bc -l)"
fi

if [ "${BENCH_CALLGRIND:-1}" = 0 ] || ! command -v valgrind >/dev/null; then
    echo "instruction counts: skipped (BENCH_CALLGRIND=0 or no valgrind)"
else
    mb=${BENCH_IR_MB:-16}
    xz -dc "$work/payload.xz" | head -c $((mb * 1000000)) | \
        xz -c --check=crc32 --x86 --lzma2=dict=32MiB >"$work/sample.xz"
    ir() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
    }
    ir_ours=$(ir "$bin/dcat-hypflags" -n "$work/sample.xz")
    ir_ref=$(ir xz -dc "$work/sample.xz")
    if [ -z "$ir_ours" ] || [ -z "$ir_ref" ]; then
        echo "instruction counts: callgrind gave no figure"
    else
        echo "instructions for the first $mb MB of output (whole process, callgrind):"
        printf '  ours (hypervisor code-gen flags) %14d  %.1f per output byte\n' "$ir_ours" \
            "$(echo "$ir_ours / ($mb * 1000000)" | bc -l)"
        printf '  reference: xz -dc (liblzma)      %14d  %.1f per output byte\n' "$ir_ref" \
            "$(echo "$ir_ref / ($mb * 1000000)" | bc -l)"
        printf 'instruction ratio ours/reference: %.2f\n' "$(echo "$ir_ours / $ir_ref" | bc -l)"
    fi
fi

[ "${BENCH_TCG:-0}" = 1 ] || exit 0
bb=$(command -v busybox || true)
if [ -z "$bb" ] || ! file -L "$bb" | grep -q 'statically linked' || [ -z "$kernel" ]; then
    echo "TCG figures: skipped (need busybox-static and the Debian kernel)"
    exit 0
fi
reps=${BENCH_TCG_REPS:-3}
ird=$work/initramfs
mkdir -p "$ird/bin" "$ird/proc"
cp "$bb" "$ird/bin/busybox"
gcc -O2 -static -D_GNU_SOURCE -I"$ROOT/hypervisor/include" "$ROOT/tests/unit/decompress/dcat.c" \
    "$bin"/hypflags/*.o -o "$ird/dcat" || { echo "TCG figures: static link failed"; exit 0; }
xz -dc "$work/payload.xz" | xz -c --check=crc32 --lzma2=dict=32MiB >"$ird/p.xz"
cat >"$ird/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
for i in $(/bin/busybox seq $(/bin/busybox cat /reps)); do
    case $(/bin/busybox cat /what) in
    ours) /dcat -n /p.xz || echo "TCGBENCH-FAIL" ;;
    unxz) /bin/busybox unxz -c /p.xz >/dev/null || echo "TCGBENCH-FAIL" ;;
    esac
done
echo TCGBENCH-DONE
/bin/busybox poweroff -f
EOF
chmod +x "$ird/init"
echo "$reps" >"$ird/reps"
tcg_cpu() {   # QEMU CPU seconds for a boot doing "$1" $reps times
    echo "$1" >"$ird/what"
    (cd "$ird" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/ird.cpio.gz"
    /usr/bin/time -f "QEMUCPU %U %S" -o "$work/cpu" timeout 1200 qemu-system-x86_64 \
        -accel tcg -cpu qemu64,+rdrand -m 1024 -nographic -no-reboot -kernel "$kernel" \
        -initrd "$work/ird.cpio.gz" -append "console=ttyS0 quiet rdinit=/init" \
        >"$work/tcg-$1.log" 2>&1
    if ! grep -q TCGBENCH-DONE "$work/tcg-$1.log" || grep -q TCGBENCH-FAIL "$work/tcg-$1.log"; then
        echo "fail"; return
    fi
    awk '/QEMUCPU/ { print $2 + $3 }' "$work/cpu"
}
c0=$(tcg_cpu none); c1=$(tcg_cpu ours); c2=$(tcg_cpu unxz)
if [ "$c0" = fail ] || [ "$c1" = fail ] || [ "$c2" = fail ]; then
    echo "TCG figures: a guest run failed"
    exit 0
fi
o=$(echo "($c1 - $c0) / $reps" | bc -l); r=$(echo "($c2 - $c0) / $reps" | bc -l)
echo "under QEMU TCG (QEMU CPU seconds per decompression of the kernel, no BCJ):"
printf '  ours (hypervisor code-gen flags) %6.2f s\n' "$o"
printf '  reference: busybox unxz          %6.2f s\n' "$r"
printf 'TCG ratio ours/reference: %.2f\n' "$(echo "$o / $r" | bc -l)"
