# smp-image.sh — what the SMP bench (tests/bench/76-smp.sh) and the SMP soak
# (tests/soak/smp-soak.sh) share: build the hypervisor, our dom0 tools and
# the `smp` dom0 image (boot/xen-dom0-initramfs.sh smp, /init
# boot/xen-dom0/init-smp.sh), and boot it with tests/lib/dom0-boot.sh on
# multi-threaded TCG (one host thread per emulated CPU: without it two
# vCPUs could never run at once).
#
#   smp_image NAME      builds; sets SMP_OUT (the image's directory); on
#                       failure prints why on stderr and returns 1
#   smp_boot HYP NAME SERIAL TIMEOUT HV_ARGS DOM0_ARGS...
#                       one boot (HYP xen or ours), qemu-run.py's verdict
#                       line on stdout
. "$ROOT/tests/lib/dom0-boot.sh"

smp_image() {
    local name=$1 logs=$BUILD/test-logs c
    mkdir -p "$logs"
    for c in hypervisor:hyp xenstore:host dom0-tools:host; do
        make -s --no-print-directory -C "$ROOT" -f Rules.mk obj=${c%%:*} FLAVOR=${c#*:} \
            >>"$logs/$name-build.log" 2>&1 ||
            { echo "$name: building ${c%%:*} failed (see $logs/$name-build.log)" >&2; return 1; }
    done
    SMP_OUT=$BUILD/xen-toolstack/smp
    "$ROOT/boot/xen-dom0-initramfs.sh" smp "$SMP_OUT" >"$logs/$name-image.log" 2>&1 ||
        { echo "$name: building the dom0 image failed: $(tail -n1 "$logs/$name-image.log")" >&2; return 1; }
}

SMP_QEMU_ARGS="-accel tcg,thread=multi"
smp_boot() {
    local hyp=$1 name=$2 serial=$3 timeout=$4 hv=$5
    shift 5
    DOM0_QEMU_ARGS=$SMP_QEMU_ARGS DOM0_HV_ARGS=$hv dom0_boot "$hyp" "$name" "$SMP_OUT" "$serial" "$timeout" "$@"
}
