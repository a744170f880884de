#!/usr/bin/env bash
# Benchmark 20: our xz decompressor (host build, -O2) against Debian's
# liblzma (`xz -dc`) on the Debian kernel's bzImage payload, measured in the
# same run: wall time as MB/s of output, and — since under QEMU TCG the
# hypervisor pays per guest instruction — instruction counts from callgrind
# for ours built with the hypervisor's code-generation flags vs xz, on the
# first BENCH_IR_MB (default 16) MB of the kernel recompressed the way
# Linux's build does (--check=crc32 --x86 --lzma2=dict=32MiB).
#   BENCH_CALLGRIND=0 skips the instruction counts (they take ~1 minute).
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
             /work/shared/reference/xen/.work/out/vmlinuz; do
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

best() {   # best wall time of 3 runs of "$@", in seconds
    local b=999 t0 t1 t i
    for i in 1 2 3; do
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; echo 999; return; }
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc)
        b=$(echo "if ($t < $b) $t else $b" | bc)
    done
    echo "$b"
}
ours=$(best "$bin/dcat" -n "$work/payload.xz")
ref=$(best xz -dc "$work/payload.xz")
printf '%-34s %8s %10s\n' "decompressor (whole process)" "seconds" "MB/s"
printf '%-34s %8.3f %10.1f\n' "ours (dcat, -O2)" "$ours" "$(echo "$out_sz / $ours / 1000000" | bc -l)"
printf '%-34s %8.3f %10.1f\n' "reference: xz -dc (liblzma)" "$ref" "$(echo "$out_sz / $ref / 1000000" | bc -l)"
printf 'time ratio ours/reference: %.2f\n' "$(echo "$ours / $ref" | bc -l)"

if [ "${BENCH_CALLGRIND:-1}" = 0 ] || ! command -v valgrind >/dev/null; then
    echo "instruction counts: skipped (BENCH_CALLGRIND=0 or no valgrind)"
    exit 0
fi
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
    exit 0
fi
echo "instructions for the first $mb MB of output (whole process, callgrind):"
printf '  ours (hypervisor code-gen flags) %14d  %.1f per output byte\n' "$ir_ours" "$(echo "$ir_ours / ($mb * 1000000)" | bc -l)"
printf '  reference: xz -dc (liblzma)      %14d  %.1f per output byte\n' "$ir_ref" "$(echo "$ir_ref / ($mb * 1000000)" | bc -l)"
printf 'instruction ratio ours/reference: %.2f\n' "$(echo "$ir_ours / $ir_ref" | bc -l)"
