#!/usr/bin/env bash
# Suite 50: xl and its config parser without a hypervisor.
#  - tests/unit/dom0-tools (Criterion): the xl.cfg parser against golden
#    files captured from Debian's xl 4.17 and malformed inputs, the command
#    table and help, argument errors, list/info/uptime/list -l formatting;
#  - the built xl binary: `xl create -n` works on a host with no Xen at all
#    and prints the same JSON as Debian's xl.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT" || exit 1

for d in xenstore dom0-tools tests/unit/dom0-tools; do
    if ! log=$(make -s --no-print-directory -f Rules.mk obj="$d" FLAVOR=host BUILD="$BUILD" 2>&1); then
        echo "FAIL: xl/build-$d $(printf '%s' "$log" | grep -m1 -iE 'error|No rule' )"
    fi
done

"$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/dom0-tools/test-xl" xl-unit

XL=$BUILD/dom0-tools/bin/xl
G=$ROOT/tests/unit/dom0-tools/golden
mask() { sed -E 's/"uuid": "[0-9a-f-]+"/"uuid": "U"/'; }
t0=$(date +%s.%N)
if [ ! -x "$XL" ]; then
    echo "FAIL: xl/binary-create-n xl was not built"
else
    bad=""
    for cfg in "$G"/*.cfg; do
        b=$(basename "$cfg" .cfg)
        out=$(cd "$G" && "$XL" create -n "$b.cfg" 2>/dev/null) || { bad="$bad $b(rc=$?)"; continue; }
        if [ "$(printf '%s\n' "$out" | mask)" != "$(mask < "$G/ref/create-n-$b.out")" ]; then
            bad="$bad $b"
        fi
    done
    t1=$(date +%s.%N)
    if [ -z "$bad" ]; then
        printf 'PASS: xl/binary-create-n-matches-debian-xl (%.1fs)\n' "$(echo "$t1 - $t0" | bc)"
    else
        echo "FAIL: xl/binary-create-n-matches-debian-xl differs for:$bad"
    fi
    # a syntax error: non-zero exit, nothing on stdout, file:line:col on stderr
    out=$("$XL" create -n "$G/bad/syntax-error.cfg" 2>/tmp/xl50.$$); rc=$?
    err=$(cat /tmp/xl50.$$); rm -f /tmp/xl50.$$
    if [ $rc -ne 0 ] && [ -z "$out" ] && [[ "$err" == *"syntax-error.cfg:2:10: config parsing error near \`='"* ]]; then
        echo "PASS: xl/binary-create-n-syntax-error"
    else
        echo "FAIL: xl/binary-create-n-syntax-error rc=$rc err=$err"
    fi
fi
exit 0
