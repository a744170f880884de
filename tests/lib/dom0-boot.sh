# dom0-boot.sh — boot one of boot/xen-dom0-initramfs.sh's dom0 images on
# the real Xen 4.17 or on OUR hypervisor and print qemu-run.py's verdict
# line (sourced by bash suites that run the same checks on both, so Xen is
# the oracle for each check).
#
#   dom0_boot HYP NAME OUT SERIAL TIMEOUT [DOM0_ARGS...]
#
# HYP is xen (OUT/xen, the image's own Debian Xen) or ours
# ($BUILD/hypervisor.elf).  Same machine for both: 2 GiB, 2 CPUs, dom0
# 1 GiB.  On ours dom0's kernel also gets the lab's options
# (docs/linux-dom0.md: no ACPI/PCI to probe, a small swiotlb pool), as suite
# 61 does; they change nothing the checks look at.  QEMU runs under
# nice -n 10: the host is shared.  DOM0_HV_ARGS (hypervisor options, e.g.
# dom0_max_vcpus=2) and DOM0_QEMU_ARGS (e.g. -accel tcg,thread=multi) are
# added on both hypervisors when set.
dom0_boot() {
    local hyp=$1 name=$2 out=$3 serial=$4 timeout=$5 kernel extra
    shift 5
    case $hyp in
    xen)  kernel=$out/xen ;;
    ours) kernel=$BUILD/hypervisor.elf ;;
    *)    echo "FAIL: $name unknown hypervisor '$hyp'"; return 0 ;;
    esac
    extra=$(dom0_boot_extra "$hyp")
    nice -n 10 python3 "$ROOT/tests/lib/qemu-run.py" --name "$name" --timeout "$timeout" \
        --log "$serial" --grace 5 -- \
        -m 2048 -smp 2 -nic none ${DOM0_QEMU_ARGS:-} \
        -kernel "$kernel" \
        -append "console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot${DOM0_HV_ARGS:+ $DOM0_HV_ARGS}" \
        -initrd "$out/vmlinuz console=hvc0 earlyprintk=xen $extra $*,$out/dom0.cpio.gz"
}

# dom0_boot_extra HYP: the dom0 kernel options dom0_boot adds on HYP (for
# benches that print both sides' options).
dom0_boot_extra() {
    [ "$1" = ours ] && echo "acpi=off pci=off swiotlb=1024"
    return 0
}

# dom0_hyps VAR_VALUE: the hypervisors a suite boots ("xen ours" unless the
# named variable says xen or ours), one per line.
dom0_hyps() {
    case ${1:-both} in
    xen|ours) echo "$1" ;;
    *) printf 'xen\nours\n' ;;
    esac
}

# dom0_bench NAME OUT TIMEOUT PATTERN [DOM0_ARGS...]: a bench's boots, one
# per hypervisor BENCH_HYP names (xen, ours or both, the default); serial
# logs in $BUILD/test-logs/NAME-HYP.serial.log, verdicts on stderr; stdout
# gets "HYP TEXT" for each serial line's part matching the extended regex
# PATTERN (what the bench's table is made of).
dom0_bench() {
    local name=$1 out=$2 timeout=$3 pat=$4 h serial
    shift 4
    for h in $(dom0_hyps "${BENCH_HYP:-both}"); do
        serial=$BUILD/test-logs/$name-$h.serial.log
        dom0_boot "$h" "$name-$h" "$out" "$serial" "$timeout" "$@" >&2
        grep -aoE "$pat" "$serial" | sed "s/\r$//; s/^/$h /"
    done
}
