#!/usr/bin/env bash
# 40-xenstore: our xenstored, libxenstore and xenstore-* tools.
#  - Criterion unit tests (store, paths, perms, transactions, watches,
#    quotas, wire parser, ring transport)
#  - Debian's xenstore-utils and Xen's prebuilt test-xenstore against our daemon
#  - our tools and Debian's tools against Debian's C xenstored 4.17: same output
#  - raw wire transcript, ours vs C xenstored
#  - an unprivileged guest over the fake shared ring: perms, quotas, watches
#  - hostile clients (quota flooding guest, a socket that never reads)
#  - floods from one connection (watch events at a stalled guest, pipelined
#    requests without reading answers): quotas hold, others are served
#  - CONTROL help/quota and INTRODUCE of dom0 byte for byte against C
#  - bounded fuzzing of the parser/dispatcher; clean SIGTERM; -T trace
# One PASS/FAIL/SKIP line per case.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
. "$ROOT/xenstore/test-support/lib.sh"

W=$(mktemp -d -t xs40.XXXXXX)
trap 'xs_cleanup; rm -rf "$W"' EXIT
GUEST=$BUILD/tests/unit/xenstore/xs-fakeguest
FUZZ_SECS=${XS_FUZZ_SECS:-30}

pass() { echo "PASS: xenstore/$1${2:+ ($2)}"; }
fail() { echo "FAIL: xenstore/$1 ${2:-}"; }
skip() { echo "SKIP: xenstore/$1 $2"; }
check() {  # name cond-rc [reason]
    if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "${3:-}"; fi
}
now() { date +%s.%N; }

if ! xs_build; then
    fail build "make -f Rules.mk obj=xenstore / obj=tests/unit/xenstore failed"
    exit 0
fi

# ---- unit tests ---------------------------------------------------------------
"$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/xenstore/xenstore-unit" xenstore-unit

# ---- our daemon with Debian's xenstore-utils ------------------------------------
OURS=$W/ours
if ! xs_start_ours "$OURS" -T "$OURS/trace"; then
    fail daemon-start "$(tail -5 "$OURS/daemon.log")"
    exit 0
fi
OURS_PID=$XS_PID
pass daemon-start

smoke() {  # tool-prefix socket -> prints "ok" lines or reasons
    local T=$1 out r=0
    export XENSTORED_PATH=$2
    "${T}write" /smoke/a 1 /smoke/b/c "two words" || { echo "write failed"; r=1; }
    [ "$("${T}read" /smoke/a)" = 1 ] || { echo "read"; r=1; }
    [ "$("${T}list" /smoke | tr '\n' ' ')" = "a b " ] || { echo "list"; r=1; }
    "${T}chmod" /smoke/a n0 r1 w2 || { echo "chmod"; r=1; }
    out=$("${T}ls" -p /smoke | head -1)
    case $out in *"(n0,r1,w2)"*) ;; *) echo "ls -p: $out"; r=1 ;; esac
    out=$(timeout 5 "${T}watch" -n 2 /smoke/b & sleep 0.3; "${T}write" /smoke/b/c x; wait)
    [ "$(echo "$out" | tr '\n' ' ')" = "/smoke/b /smoke/b/c " ] || { echo "watch: $out"; r=1; }
    "${T}exists" /smoke/b/c || { echo "exists"; r=1; }
    "${T}rm" /smoke || { echo "rm"; r=1; }
    "${T}exists" /smoke 2>/dev/null && { echo "still exists after rm"; r=1; }
    return $r
}

if command -v xenstore-read >/dev/null; then
    msg=$(smoke /usr/bin/xenstore- "$OURS/socket" 2>&1)
    check debian-xenstore-utils-vs-ours $? "$msg"
else
    fail debian-xenstore-utils-vs-ours "xenstore-utils not installed (boot/deps.d/xenstore.list)"
fi
msg=$(smoke "$XS_BIN/xenstore-" "$OURS/socket" 2>&1)
check our-tools-vs-ours $? "$msg"

REF_OK=0
if msg=$(xs_ref_prepare 2>&1); then
    REF_OK=1
else
    msg=$(echo "$msg" | tail -1)
fi

if [ $REF_OK = 1 ]; then
    out=$(XENSTORED_PATH=$OURS/socket timeout 120 "$XS_REF_BIN/test-xenstore" -i 10 2>&1)
    check debian-test-xenstore-vs-ours $? "$(echo "$out" | grep -i fail | head -3)"
    # Debian's binaries on our libxenstore.so.4 (same symbol versions)
    out=$(LD_LIBRARY_PATH=$XS_BIN XENSTORED_PATH=$OURS/socket timeout 120 \
        "$XS_REF_BIN/test-xenstore" -i 10 2>&1)
    rc=$?
    msg2=$(LD_LIBRARY_PATH=$XS_BIN smoke /usr/bin/xenstore- "$OURS/socket" 2>&1)
    rc2=$?
    lib=$(LD_LIBRARY_PATH=$XS_BIN ldd "$XS_REF_BIN/test-xenstore" | grep -c "$XS_BIN/libxenstore.so.4")
    check debian-binaries-on-our-libxenstore-so "$([ $rc = 0 ] && [ $rc2 = 0 ] && [ "$lib" = 1 ]; echo $?)" \
        "test-xenstore rc=$rc $(echo "$out" | grep -i fail | head -2) smoke: $msg2 linked: $lib"
else
    fail debian-test-xenstore-vs-ours "$msg"
fi

# ---- the same tool script against both daemons ------------------------------------
toolscript() {  # tool-prefix socket: every command's stdout, stderr and status
    local T=$1 n=0
    export XENSTORED_PATH=$2
    run() {
        n=$((n + 1))
        local o e rc
        o=$("$@" 2>"$W/err"); rc=$?
        e=$(sed "s|^.*/xenstore|xenstore|" "$W/err")
        printf '%02d $ %s\n%s\n[stderr] %s\n[rc=%d]\n' "$n" "${*#$T}" "$o" "$e" "$rc"
    }
    run "${T}write" /cmp/a 1 /cmp/b/c "two words" /cmp/long \
        "a value long enough to be truncated by xenstore-ls at eighty columns ........"
    run "${T}read" /cmp/a
    run "${T}read" -p /cmp/a /cmp/b/c
    run "${T}read" /cmp/missing
    run "${T}write" /cmp/esc 'tab\there\\x41\101\x7f'
    run "${T}read" /cmp/esc
    run "${T}read" -R /cmp/esc
    run "${T}write" -R /cmp/raw 'a\tb'
    run "${T}read" /cmp/raw
    run "${T}list" /cmp
    run "${T}list" -p /cmp
    run "${T}list" /
    run "${T}list" -p /
    run "${T}ls" /cmp
    run "${T}ls" -f /cmp
    run "${T}ls" -p /cmp
    run "${T}ls" -f -p /cmp
    run "${T}ls" /cmp/nope
    run "${T}exists" /cmp/a
    run "${T}exists" /cmp/nope
    run "${T}chmod" /cmp/a n0 r1 w2 b3
    run "${T}chmod" -r /cmp n0 r5
    run "${T}chmod" -u /cmp/b/c b0
    run "${T}ls" -f -p /
    run "${T}chmod" /cmp/a x1
    run "${T}rm" /cmp/nope
    run "${T}rm" /cmp/x/y
    run "${T}write" /cmp/t/u/v 1
    run "${T}rm" -t /cmp/t/u/v
    run "${T}list" /cmp
    run "${T}write" /cmp/odd
    run "${T}read"
    run "${T}rm" /cmp
    run "${T}exists" /cmp
    run "${T}ls"
}

if [ $REF_OK = 1 ]; then
    REF=$W/ref
    if xs_start_ref "$REF"; then
        REF_PID=$XS_PID
        toolscript /usr/bin/xenstore- "$REF/socket" > "$W/deb-ref.txt"
        toolscript "$XS_BIN/xenstore-" "$REF/socket" > "$W/ours-ref.txt"
        # a fresh daemon of ours, so both stores start out the same
        xs_start_ours "$W/cmp"
        CMP_PID=$XS_PID
        toolscript /usr/bin/xenstore- "$W/cmp/socket" > "$W/deb-ours.txt"
        toolscript "$XS_BIN/xenstore-" "$W/cmp/socket" > "$W/ours-ours.txt"
        d=$(diff "$W/deb-ref.txt" "$W/ours-ref.txt" | head -8 | tr '\n' ' ')
        check our-tools-match-debian-tools-on-c-xenstored "$([ -z "$d" ]; echo $?)" "$d"
        d=$(diff "$W/deb-ref.txt" "$W/deb-ours.txt" | head -8 | tr '\n' ' ')
        check debian-tools-same-answers-ours-vs-c-xenstored "$([ -z "$d" ]; echo $?)" "$d"
        d=$(diff "$W/deb-ref.txt" "$W/ours-ours.txt" | head -8 | tr '\n' ' ')
        check our-stack-matches-debian-stack "$([ -z "$d" ]; echo $?)" "$d"
        # raw protocol transcript; probes named "...!" are documented differences
        python3 "$ROOT/xenstore/test-support/wireprobe.py" "$REF/socket" \
            > "$W/probe-ref.txt" 2>&1
        python3 "$ROOT/xenstore/test-support/wireprobe.py" "$W/cmp/socket" \
            > "$W/probe-ours.txt" 2>&1
        n=$(wc -l < "$W/probe-ours.txt")
        d=$(diff <(grep -v '^[^ ]*! ' "$W/probe-ref.txt") \
                 <(grep -v '^[^ ]*! ' "$W/probe-ours.txt") | head -6 | tr '\n' ' ')
        check wire-transcript-matches-c-xenstored "$([ -z "$d" ] && [ "$n" -gt 100 ]; echo $?)" \
            "$d (lines: $n)"
        xs_stop "$REF_PID"
        xs_stop "$CMP_PID"
    else
        fail reference-start "$(tail -3 "$REF/daemon.log")"
    fi
else
    fail our-tools-match-debian-tools-on-c-xenstored "reference unavailable: $msg"
fi

# ---- libxenstore client: xsbench's workload incl. the 10k-child directory ------------
XSBENCH_SRC=$ROOT/../shared/reference/xenstore/xsbench.c
if [ ! -f "$XSBENCH_SRC" ]; then
    skip libxenstore-xsbench-10k-dir "no $XSBENCH_SRC (../shared beside the checkout)"
elif gcc -O2 -o "$W/xsbench" -I"$ROOT/xenstore/include" -I"$ROOT/hypervisor/include" \
        "$XSBENCH_SRC" "$XS_BIN/libxenstore.a" -lpthread 2>"$W/cc.err"; then
    t0=$(now)
    out=$(XENSTORED_PATH=$OURS/socket timeout 120 "$W/xsbench" -n 10000 -t 200 -w 200 -c 4 -o 500 -d 2 2>&1)
    rc=$?
    check libxenstore-xsbench-10k-dir "$([ $rc = 0 ] && echo "$out" | grep -q '10000 children/listing'; echo $?)" \
        "rc=$rc $(echo "$out" | grep -E 'FAIL' | head -2 | tr '\n' ' ')"
else
    fail libxenstore-xsbench-10k-dir "$(head -3 "$W/cc.err")"
fi

# ---- an unprivileged guest over the fake ring ------------------------------------------
G=$W/guest
mkdir -p "$G/rings"
if xs_start_ours "$G" --fake-ring-dir "$G/rings" -E 20 -W 5 -t 2; then
    GPID=$XS_PID
    export XENSTORED_PATH=$G/socket
    "$XS_BIN/xenstore-write" /local/domain/5 "" /secret s
    "$XS_BIN/xenstore-chmod" /local/domain/5 n5 r0
    "$XS_BIN/xenstore-watch" -n 2 @introduceDomain > "$W/intro.txt" &
    wpid=$!
    sleep 0.3
    "$GUEST" --introduce 5
    check guest-introduce $? "XS_INTRODUCE failed"
    wait $wpid
    check introduce-domain-watch "$([ "$(tr '\n' ' ' < "$W/intro.txt")" = "@introduceDomain @introduceDomain " ]; echo $?)" \
        "$(cat "$W/intro.txt")"
    cat > "$W/g1.in" <<'EOF'
write name guest5
read name
read /local/domain/5/name
getperms name
read /secret
write /secret x
read /secret/none
dir /
watch device dev
event
txstart
write device/x 1
txend T
event
setperms name n0
setperms name n5 r0 r1 r2 r3
setperms name n5 r0 r1 r2 r3 r4
EOF
    timeout 30 "$GUEST" "$G/rings" 5 < "$W/g1.in" > "$W/g1.out" 2>&1
    expect=$(printf '%s\n' "WRITE OK|" "READ guest5" "READ guest5" "GET_PERMS n5|r0|" \
        "ERROR EACCES|" "ERROR EACCES|" "ERROR EACCES|" "ERROR EACCES|" "WATCH OK|" \
        "WATCH_EVENT device|dev|" "TRANSACTION_START" "WRITE OK|" "TRANSACTION_END OK|" \
        "WATCH_EVENT device/x|dev|" "ERROR EPERM|" "SET_PERMS OK|" "ERROR ENOSPC|")
    d=$(diff <(echo "$expect") "$W/g1.out" | tr '\n' ' ')
    check guest-ring-perms-watches-transactions "$([ -z "$d" ]; echo $?)" "$d"
    # quotas from the command line: -E 20 nodes, -W 5 watches, -t 2 transactions
    printf '%s\n' "flood-writes 40 q" "flood-watches 10" txstart txstart txstart > "$W/g2.in"
    timeout 60 "$GUEST" "$G/rings" 5 < "$W/g2.in" > "$W/g2.out" 2>&1
    ok=$(grep -c -e 'flood-writes ok=1[0-9] err=2[0-9]* last=ERROR ENOSPC|' \
        -e 'flood-watches ok=[0-5] err=[0-9]* last=ERROR E2BIG|' "$W/g2.out")
    check guest-quotas-from-command-line "$([ "$ok" = 2 ]; echo $?)" "$(tr '\n' ' ' < "$W/g2.out")"
    # dom0 is not subject to them
    for i in $(seq 1 30); do echo "/d0/n$i x"; done | xargs "$XS_BIN/xenstore-write"
    check dom0-not-limited-by-quotas $? "dom0 write failed"
    "$XS_BIN/xenstore-watch" -n 2 @releaseDomain > "$W/rel.txt" &
    wpid=$!
    sleep 0.3
    "$GUEST" --release 5
    wait $wpid
    # the released guest's nodes now belong to dom0
    out=$("$XS_BIN/xenstore-ls" -p /local/domain/5 | head -1)
    check guest-release "$([ "$(tr '\n' ' ' < "$W/rel.txt")" = "@releaseDomain @releaseDomain " ] &&
        [[ $out == *"(n0,"* ]]; echo $?)" "events: $(tr '\n' ' ' < "$W/rel.txt") perms: $out"
    kill -0 "$GPID" 2>/dev/null
    check daemon-alive-after-guest-tests $?
    xs_stop "$GPID"
else
    fail guest-daemon-start "$(tail -3 "$G/daemon.log")"
fi

# ---- hostile clients ---------------------------------------------------------------------
H=$W/hostile
mkdir -p "$H/rings"
if xs_start_ours "$H" --fake-ring-dir "$H/rings"; then
    HPID=$XS_PID
    export XENSTORED_PATH=$H/socket
    "$XS_BIN/xenstore-write" /local/domain/6 ""
    "$XS_BIN/xenstore-chmod" /local/domain/6 n6
    "$GUEST" --introduce 6
    # guest 6 floods writes and watches far past its quotas ...
    printf '%s\n' "flood-watches 300" "flood-writes 3000 f" "flood-writes 3000 g" \
        > "$W/h.in"
    timeout 120 "$GUEST" "$H/rings" 6 < "$W/h.in" > "$W/h.out" 2>&1 &
    fpid=$!
    # ... and a dom0 socket client sends requests and never reads the replies
    python3 - "$H/socket" <<'EOF' &
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.setblocking(False)
msg = struct.pack("<4I", 2, 1, 0, 2) + b"/\0"
sent = 0
end = time.time() + 6
while time.time() < end:
    try:
        s.send(msg * 256)
        sent += 256
    except BlockingIOError:
        time.sleep(0.01)
time.sleep(30)
EOF
    ppid=$!
    # meanwhile another client keeps getting answers
    worst=0 errs=0
    for i in $(seq 1 200); do
        t0=$(now)
        "$XS_BIN/xenstore-write" /probe/k "$i" >/dev/null 2>&1 || errs=$((errs + 1))
        [ "$("$XS_BIN/xenstore-read" /probe/k 2>/dev/null)" = "$i" ] || errs=$((errs + 1))
        ms=$(echo "($(now) - $t0) * 1000 / 1" | bc)
        [ "$ms" -gt "$worst" ] && worst=$ms
    done
    wait $fpid
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$HPID"/status 2>/dev/null)
    kill $ppid 2>/dev/null; wait $ppid 2>/dev/null
    flood=$(tr '\n' ' ' < "$W/h.out")
    ok=1
    [ "$errs" = 0 ] && [ "$worst" -lt 2000 ] && [ -n "$rss" ] && [ "$rss" -lt 200000 ] &&
        [[ $flood == *"last=ERROR E2BIG|"* ]] && [[ $flood == *"last=ERROR ENOSPC|"* ]] && ok=0
    check hostile-clients-do-not-stall-others $ok \
        "errors=$errs worst=${worst}ms rss=${rss}kB flood: $flood"
    xs_stop "$HPID"
else
    fail hostile-daemon-start "$(tail -3 "$H/daemon.log")"
fi

# ---- floods from one connection: quotas hold, the others keep their service ----------
# guest 7 watches a node and stops reading its ring while dom0 makes 5000
# changes under that watch (events past its memory quota, 64 KiB here, are
# dropped, the guest is not disconnected); guest 8 pipelines requests and
# reads no answer (after 20 outstanding answers we stop taking them); a
# well-behaved guest 9 and dom0's tools are served meanwhile.
F=$W/flood
mkdir -p "$F/rings"
if xs_start_ours "$F" --fake-ring-dir "$F/rings" -Q memory=65536 -V; then
    FPID=$XS_PID
    export XENSTORED_PATH=$F/socket
    for d in 7 8 9; do
        "$XS_BIN/xenstore-write" /local/domain/$d ""
        "$XS_BIN/xenstore-chmod" /local/domain/$d n$d
        "$GUEST" --introduce $d
    done
    printf '%s\n' "watch busy w" "stall 8" "drain" "read busy" > "$W/f7.in"
    timeout 90 "$GUEST" "$F/rings" 7 < "$W/f7.in" > "$W/f7.out" 2>&1 &
    g7=$!
    printf '%s\n' "pipeline 5000" "stall 8" "drain" "read name-8" > "$W/f8.in"
    timeout 90 "$GUEST" "$F/rings" 8 < "$W/f8.in" > "$W/f8.out" 2>&1 &
    g8=$!
    "$XS_BIN/xenstore-write" /local/domain/8/name-8 eight
    for i in $(seq 1 100); do   # the watch is in place before the flood starts
        grep -q "WATCH OK" "$W/f7.out" 2>/dev/null && break
        sleep 0.1
    done
    python3 - "$F/socket" > "$W/f0.out" 2>&1 <<'EOF' &
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
buf, ok, answered = b"", 0, 0
for batch in range(50):
    out = b""
    for i in range(100):
        p = b"/local/domain/7/busy\0v%d" % (batch * 100 + i)
        out += struct.pack("<4I", 11, batch * 100 + i, 0, len(p)) + p
    s.sendall(out)
    got = 0
    while got < 100:
        while len(buf) < 16 or len(buf) < 16 + struct.unpack("<4I", buf[:16])[3]:
            d = s.recv(65536)
            if not d:
                print("closed answered=%d ok=%d" % (answered, ok)); sys.exit(1)
            buf += d
        t, r, tx, ln = struct.unpack("<4I", buf[:16])
        body, buf = buf[16:16 + ln], buf[16 + ln:]
        got += 1
        answered += 1
        ok += t == 11 and body == b"OK\0"
print("answered=%d ok=%d" % (answered, ok))
EOF
    f0=$!
    printf '%s\n' "flood-writes 20 k" "read k19" > "$W/f9.in"
    timeout 90 "$GUEST" "$F/rings" 9 < "$W/f9.in" > "$W/f9.out" 2>&1 &
    g9=$!
    # guest 8 is stalled once it has printed how much it got in
    for i in $(seq 1 300); do
        grep -q "pipeline sent=" "$W/f8.out" 2>/dev/null && break
        sleep 0.1
    done
    # CONTROL quota 8 (xenstore-control needs a Xen host: ask on the wire)
    q8=$(python3 - "$F/socket" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
p = b"quota\0" + b"8\0"
s.sendall(struct.pack("<4I", 0, 1, 0, len(p)) + p)
b = b""
while len(b) < 16 or len(b) < 16 + struct.unpack("<4I", b[:16])[3]:
    b += s.recv(65536)
print(b[16:].rstrip(b"\0").decode())
EOF
)
    outst=$(echo "$q8" | awk '/^outstanding/ {print $3}')
    worst=0 errs=0
    for i in $(seq 1 50); do
        t0=$(now)
        "$XS_BIN/xenstore-write" /probe/k "$i" >/dev/null 2>&1 || errs=$((errs + 1))
        [ "$("$XS_BIN/xenstore-read" /probe/k 2>/dev/null)" = "$i" ] || errs=$((errs + 1))
        ms=$(echo "($(now) - $t0) * 1000 / 1" | bc)
        [ "$ms" -gt "$worst" ] && worst=$ms
    done
    wait $f0 $g7 $g8 $g9
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$FPID"/status 2>/dev/null)
    f0o=$(cat "$W/f0.out")
    ev7=$(sed -n 's/^drain replies=0 events=\([0-9]*\)$/\1/p' "$W/f7.out")
    sent8=$(sed -n 's/^pipeline sent=\([0-9]*\)$/\1/p' "$W/f8.out")
    ok=1
    [ "$f0o" = "answered=5000 ok=5000" ] && [ -n "$ev7" ] && [ "$ev7" -gt 0 ] &&
        [ "$ev7" -lt 5000 ] && grep -q "^READ v4999$" "$W/f7.out" &&
        grep -q "watch event(s) dropped" "$F/daemon.log" &&
        [ -n "$sent8" ] && [ "$sent8" -lt 5000 ] && [ -n "$outst" ] && [ "$outst" -le 20 ] &&
        grep -q "^drain replies=$sent8 events=0$" "$W/f8.out" &&
        grep -q "^READ eight$" "$W/f8.out" &&
        grep -q "^flood-writes ok=20 err=0" "$W/f9.out" && grep -q "^READ f" "$W/f9.out" &&
        [ "$errs" = 0 ] && [ "$worst" -lt 2000 ] && [ -n "$rss" ] && [ "$rss" -lt 100000 ] && ok=0
    check floods-quotas-hold-others-served $ok \
        "dom0: $f0o; g7: $(tr '\n' ' ' < "$W/f7.out"); g8: $(tr '\n' ' ' < "$W/f8.out") outstanding=$outst; g9: $(cut -c1-40 "$W/f9.out" | tr '\n' ' '); tools errors=$errs worst=${worst}ms rss=${rss}kB"
    [ $ok = 0 ] && echo "    floods: guest 7 got $ev7 of 5000 events (rest dropped), guest 8 got $sent8 requests in (outstanding $outst), tools worst ${worst}ms"
    xs_stop "$FPID"
else
    fail flood-daemon-start "$(tail -3 "$F/daemon.log")"
fi

# ---- options, trace, clean exit ------------------------------------------------------
export XENSTORED_PATH=$OURS/socket
grep -q 'IN .* WRITE (/smoke/a 1' "$OURS/trace" 2>/dev/null &&
    grep -q 'OUT .* WRITE (OK' "$OURS/trace"
check trace-file-T $? "no requests in $OURS/trace"
kill -0 "$OURS_PID" 2>/dev/null
check daemon-survived-everything $?
xs_stop "$OURS_PID"
rc=$?
check sigterm-clean-exit "$([ $rc = 0 ] && [ ! -e "$OURS/socket" ]; echo $?)" "rc=$rc socket left: $(ls "$OURS")"
E=$W/env
mkdir -p "$E"
unset XENSTORED_PATH
XENSTORED_RUNDIR=$E "$XS_BIN/xenstored" -N >/dev/null 2>&1 &
epid=$!
XS_PIDS+=("$epid")
xs_wait_sock "$E/socket" $epid && XENSTORED_RUNDIR=$E "$XS_BIN/xenstore-exists" /tool
check socket-from-XENSTORED_RUNDIR $?
xs_stop $epid

# ---- fuzzing ----------------------------------------------------------------------------
if [ -x "$BUILD/tests/unit/xenstore/fuzz-xenstore" ]; then
    out=$("$ROOT/tests/fuzz/xenstore/run.sh" "$FUZZ_SECS" 2>&1)
    rc=$?
    runs=$(echo "$out" | awk '/number_of_executed_units/ {print $2}')
    if [ "$rc" = 0 ] && { [ -z "$runs" ] || [ "$runs" -eq 0 ]; }; then
        fail "fuzz-parser-dispatcher-${FUZZ_SECS}s" "no run count in the fuzzer's summary (see build/tests/fuzz/xenstore/fuzz.log)"
    else
        check "fuzz-parser-dispatcher-${FUZZ_SECS}s" "$rc" \
            "crash: $(ls "$BUILD/tests/fuzz/xenstore/crashes" | head -1) (see build/tests/fuzz/xenstore/fuzz.log)"
    fi
    echo "    fuzz: ${runs:-?} inputs in ${FUZZ_SECS}s"
else
    skip fuzz-parser-dispatcher "clang has no libFuzzer (-fsanitize=fuzzer), target not built"
fi
exit 0
