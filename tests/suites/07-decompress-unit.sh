#!/usr/bin/env bash
# Suite 07: the hypervisor's xz/gzip decompressors on the host.
#   1. Criterion unit tests (ASan/UBSan build): round trips against Debian's
#      xz and gzip, corruption and truncation, API errors.
#   2. The real Debian kernel: our decompression of its bzImage payload must
#      equal `xz -dc` (SKIP with the reason when no kernel is around).
#   3. Bounded libFuzzer runs (FUZZ_SECONDS each, default 20) of the xz,
#      gzip and raw-LZMA2 targets from a seed corpus generated here.
# Longer fuzzing by hand (crashes land in build/tests/fuzz/decompress/):
#   make -f Rules.mk obj=tests/fuzz/decompress FLAVOR=host
#   FUZZ_SECONDS=3600 tests/suites/07-decompress-unit.sh
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
unit=$BUILD/tests/unit/decompress
fuzz=$BUILD/tests/fuzz/decompress
work=$(mktemp -d /tmp/decompress-suite.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Build what this suite needs (quick when up to date).
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk \
        obj=tests/unit/decompress FLAVOR=host BUILD="$BUILD" >"$work/build.log" 2>&1; then
    echo "FAIL: decompress/build unit tests: $(tail -n 3 "$work/build.log" | tr '\n' ' ')"
fi
"$ROOT/tests/lib/criterion.sh" "$unit/decompress_test" decompress

# --- the Debian kernel -------------------------------------------------------
kernel=${DECOMP_KERNEL:-}
if [ -z "$kernel" ]; then
    kernel=$("$ROOT/tests/lib/debian-vmlinuz.sh" 2>"$work/vmlinuz.err")
fi
if [ -z "$kernel" ]; then
    echo "FAIL: decompress/debian-kernel $(cat "$work/vmlinuz.err") (or set DECOMP_KERNEL=path)"
elif [ ! -x "$unit/dcat" ]; then
    echo "FAIL: decompress/debian-kernel dcat was not built"
else
    t0=$(date +%s.%N)
    # The payload per the bzImage setup header, minus Linux's appended size.
    if python3 - "$kernel" "$work/payload" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert d[0x202:0x206] == b'HdrS', 'not a bzImage'
off = (d[0x1f1] + 1) * 512 + struct.unpack_from('<I', d, 0x248)[0]
ln = struct.unpack_from('<I', d, 0x24c)[0]
open(sys.argv[2], 'wb').write(d[off:off + ln - 4])
EOF
    then
        ref=$(xz -dc "$work/payload" | md5sum | cut -d' ' -f1)
        ours=$("$unit/dcat" -x "$kernel" | md5sum | cut -d' ' -f1)
        t1=$(date +%s.%N)
        if [ -n "$ref" ] && [ "$ref" = "$ours" ] && \
           [ "$ref" != d41d8cd98f00b204e9800998ecf8427e ]; then
            printf 'PASS: decompress/debian-kernel (%.1fs)\n' "$(echo "$t1 - $t0" | bc)"
        else
            echo "FAIL: decompress/debian-kernel output md5 $ours, xz -dc gives $ref"
        fi
    else
        echo "FAIL: decompress/debian-kernel cannot locate the payload in $kernel"
    fi
fi

# --- bounded fuzzing -----------------------------------------------------------
if ! command -v clang >/dev/null; then
    echo "SKIP: decompress/fuzz clang not installed (boot/deps.d/decompress.list)"
    exit 0
fi
if ! make -s --no-print-directory -C "$ROOT" -f Rules.mk \
        obj=tests/fuzz/decompress FLAVOR=host BUILD="$BUILD" >"$work/fbuild.log" 2>&1; then
    echo "FAIL: decompress/fuzz build: $(tail -n 3 "$work/fbuild.log" | tr '\n' ' ')"
    exit 0
fi

# Seed corpus: small valid inputs of every kind the decoders handle.
mkdir -p "$work/seed" "$work/xz" "$work/gzip" "$work/lzma2"
python3 - "$work/seed" <<'EOF'
import os, random, sys
r = random.Random(7)
words = [b'xen', b'domain', b'page', b'grant', b'event', b'\n', b'the', b'of']
d = sys.argv[1]
open(os.path.join(d, 'text'), 'wb').write(b' '.join(r.choice(words) for _ in range(800)))
open(os.path.join(d, 'rand'), 'wb').write(bytes(r.getrandbits(8) for _ in range(700)))
open(os.path.join(d, 'zero'), 'wb').write(bytes(3000))
open(os.path.join(d, 'one'), 'wb').write(b'x')
open(os.path.join(d, 'empty'), 'wb').write(b'')
code = open('/usr/lib/x86_64-linux-gnu/libc.so.6', 'rb').read()[0x30000:0x31000]
open(os.path.join(d, 'code'), 'wb').write(code)
EOF
n=0
for f in "$work"/seed/*; do
    b=$(basename "$f")
    for opt in "--check=crc32 --x86 --lzma2" "--check=crc64" "--check=none -0" "-9e"; do
        n=$((n + 1))
        xz -c $opt <"$f" >"$work/xz/$b.$n.xz"
    done
    gzip -c -9 <"$f" >"$work/gzip/$b.9.gz"
    gzip -c -1 <"$f" >"$work/gzip/$b.1.gz"
    { printf '\010'; xz -c --format=raw --lzma2=dict=64KiB <"$f"; } >"$work/lzma2/$b.lz2"
done

for t in xz gzip lzma2; do
    mkdir -p "$fuzz/artifacts-$t"
    t0=$(date +%s)
    "$fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$fuzz/artifacts-$t/" \
        "$work/$t" >"$work/fuzz-$t.log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz-$t.log" | grep -o '[0-9]*$')
    if [ $rc -eq 0 ] && { [ -z "$runs" ] || [ "$runs" -eq 0 ]; }; then
        echo "FAIL: decompress/fuzz-$t no run count in its summary (log $work/fuzz-$t.log)"
        tail -n 30 "$work/fuzz-$t.log" >&2
    elif [ $rc -eq 0 ]; then
        echo "PASS: decompress/fuzz-$t $runs runs ($(( $(date +%s) - t0 ))s)"
    else
        echo "FAIL: decompress/fuzz-$t exit $rc: $(grep -m1 -E 'ERROR|SUMMARY|deadly' "$work/fuzz-$t.log") (artifacts in $fuzz/artifacts-$t)"
        tail -n 30 "$work/fuzz-$t.log" >&2
    fi
done
exit 0
