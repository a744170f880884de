# lib.sh - shell helpers shared by tests/suites/40-xenstore.sh and
# tests/bench/40-xenstore.sh: start/stop our xenstored and Debian's
# reference C xenstored (Xen 4.17, unpacked from xen-utils-4.17 with dpkg -x
# into build/xenstore-ref, never installed) on private sockets.
# Needs ROOT and BUILD set.  Source it; functions return non-zero on failure.

XS_BIN=$BUILD/xenstore
XS_REF=$BUILD/xenstore-ref
XS_REF_BIN=$XS_REF/root/usr/lib/xen-4.17/bin
XS_PIDS=()

xs_cleanup() {
    local p
    for p in "${XS_PIDS[@]}"; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    XS_PIDS=()
}

# Wait for a unix socket to appear while its daemon is alive.
xs_wait_sock() {  # sock pid
    local i
    for i in $(seq 1 200); do
        [ -S "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# Build what we run, every time (make is a no-op when up to date): building
# only what was missing let a failed rebuild leave an old test binary to run.
xs_build() {
    make -s -C "$ROOT" -f Rules.mk obj=xenstore FLAVOR=host >&2 || return 1
    make -s -C "$ROOT" -f Rules.mk obj=tests/unit/xenstore FLAVOR=host >&2 || return 1
}

# Debian's xen-utils-4.17 unpacked under build/xenstore-ref (cached), and
# our LD_PRELOAD shim that lets its xenstored run without Xen.
xs_ref_prepare() {
    local deb
    if [ ! -x "$XS_REF_BIN/xenstored" ]; then
        mkdir -p "$XS_REF/debs" "$XS_REF/root"
        if ! ls "$XS_REF"/debs/xen-utils-4.17_*.deb >/dev/null 2>&1; then
            (cd "$XS_REF/debs" && apt-get download xen-utils-4.17 >/dev/null 2>&1) ||
            (cd "$XS_REF/debs" && apt-get update >/dev/null 2>&1 &&
                apt-get download xen-utils-4.17 >/dev/null 2>&1) ||
            cp "$ROOT"/../shared/reference/xen/.work/debs/xen-utils-4.17_*.deb \
                "$XS_REF/debs/" 2>/dev/null
        fi
        deb=$(ls "$XS_REF"/debs/xen-utils-4.17_*.deb 2>/dev/null | head -1)
        [ -n "$deb" ] || { echo "cannot get xen-utils-4.17 (apt-get download failed)"; return 1; }
        dpkg -x "$deb" "$XS_REF/root" || return 1
    fi
    if [ ! -f "$XS_REF/refshim.so" ] ||
       [ "$ROOT/xenstore/test-support/refshim.c" -nt "$XS_REF/refshim.so" ]; then
        gcc -shared -fPIC -O2 -o "$XS_REF/refshim.so" \
            "$ROOT/xenstore/test-support/refshim.c" -ldl || return 1
    fi
    [ -x "$XS_REF_BIN/xenstored" ] && [ -x "$XS_REF_BIN/test-xenstore" ]
}

# Start our daemon: xs_start_ours DIR [extra args]; sets XS_PID, socket DIR/socket.
xs_start_ours() {
    local d=$1
    shift
    mkdir -p "$d"
    rm -f "$d/socket"
    "$XS_BIN/xenstored" -N --socket "$d/socket" "$@" >"$d/daemon.log" 2>&1 &
    XS_PID=$!
    XS_PIDS+=("$XS_PID")
    xs_wait_sock "$d/socket" "$XS_PID"
}

# Start Debian's C xenstored: xs_start_ref DIR; sets XS_PID, socket DIR/socket.
# Not -D: 4.17 needs dom0_init() to open its store.
xs_start_ref() {
    local d=$1
    mkdir -p "$d/shim"
    rm -f "$d/socket"
    XSREF_DIR=$d/shim XENSTORED_RUNDIR=$d XENSTORED_PATH=$d/socket \
        LD_PRELOAD=$XS_REF/refshim.so "$XS_REF_BIN/xenstored" -N \
        >"$d/daemon.log" 2>&1 &
    XS_PID=$!
    XS_PIDS+=("$XS_PID")
    xs_wait_sock "$d/socket" "$XS_PID"
}

xs_stop() {  # pid: SIGTERM, return the exit status
    local rc
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    rc=$?
    XS_PIDS=("${XS_PIDS[@]/$1}")
    return $rc
}
