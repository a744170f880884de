#!/bin/sh
# mkiso.sh — build a GRUB2 (BIOS) ISO that boots the hypervisor through
# multiboot2, with any boot modules (dom0 kernel, initramfs) given.
#
# Usage: boot/mkiso.sh [-o OUT.iso] [-k HYPERVISOR.elf] [-a "hypervisor args"]
#                      [-m "FILE [module args]"]... [-t GRUB_TIMEOUT]
# The same through the environment (so `make iso VAR=...` works):
#   ISO=build/hypervisor.iso  HV=build/hypervisor.elf  XEN_CMDLINE="..."
#   MODULES="file1 args;file2 args"     modules separated by ';'
#   DOM0_KERNEL, DOM0_CMDLINE, DOM0_INITRD  (used when MODULES is unset)
#   GRUB_TIMEOUT (default 0: boot at once)
# Module files are copied in as /boot/modN; GRUB passes each module's args
# (without the file name) as its string; --nounzip keeps compressed kernels
# and initramfs images as they are.
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
iso=${ISO:-$BUILD/hypervisor.iso}
hv=${HV:-$BUILD/hypervisor.elf}
cmdline=${XEN_CMDLINE:-console=com1 com1=115200 loglvl=info}
timeout=${GRUB_TIMEOUT:-0}
mods=${MODULES:-}
if [ -z "$mods" ] && [ -n "${DOM0_KERNEL:-}" ]; then
    mods="$DOM0_KERNEL ${DOM0_CMDLINE:-console=hvc0}"
    [ -n "${DOM0_INITRD:-}" ] && mods="$mods;$DOM0_INITRD"
fi
while getopts "o:k:a:m:t:" opt; do
    case $opt in
    o) iso=$OPTARG ;;
    k) hv=$OPTARG ;;
    a) cmdline=$OPTARG ;;
    m) mods="${mods:+$mods;}$OPTARG" ;;
    t) timeout=$OPTARG ;;
    *) echo "usage: $0 [-o out.iso] [-k hypervisor.elf] [-a args] [-m 'file args']... [-t timeout]" >&2
       exit 2 ;;
    esac
done

[ -f "$hv" ] || { echo "mkiso: $hv not built (run make)" >&2; exit 1; }
grubdir=/usr/lib/grub/i386-pc
[ -d "$grubdir" ] || { echo "mkiso: $grubdir missing (install grub-pc-bin: make deps)" >&2; exit 1; }
command -v grub-mkrescue >/dev/null || { echo "mkiso: grub-mkrescue missing (make deps)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/mkiso.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
# The ISO tree is $stage/root; grub-mkrescue's log stays outside it (a file
# growing inside the tree while xorriso reads it fails the build).
iso_root=$stage/root
mkdir -p "$iso_root/boot/grub"
cp "$hv" "$iso_root/boot/hypervisor.elf"

modlines=""
n=0
old_ifs=$IFS
IFS=';'
for m in $mods; do
    IFS=$old_ifs
    # shellcheck disable=SC2086
    set -- $m
    [ $# -ge 1 ] || continue
    f=$1; shift
    [ -f "$f" ] || { echo "mkiso: module file $f not found" >&2; exit 1; }
    cp "$f" "$iso_root/boot/mod$n"
    modlines="$modlines    module2 --nounzip /boot/mod$n $*
"
    n=$((n + 1))
    IFS=';'
done
IFS=$old_ifs

# Substitute without sed metacharacter trouble: awk reads the values from
# the environment.
CMDLINE=$cmdline MODLINES=$modlines TIMEOUT=$timeout awk '
    /@MODULES@/ { printf "%s", ENVIRON["MODLINES"]; next }
    { gsub(/@CMDLINE@/, ENVIRON["CMDLINE"]); gsub(/@TIMEOUT@/, ENVIRON["TIMEOUT"]); print }
' "$ROOT/boot/grub.cfg.in" > "$iso_root/boot/grub/grub.cfg"

mkdir -p "$(dirname "$iso")"
# Only the modules the menu needs: a smaller core image loads faster.
if ! grub-mkrescue -d "$grubdir" -o "$iso.tmp" \
        --install-modules="multiboot2 normal serial terminal echo boot $(cd "$grubdir" && echo part_*.mod | sed "s/\.mod//g")" \
        --fonts= --locales= --themes= "$iso_root" >"$stage/log" 2>&1; then
    cat "$stage/log" >&2
    rm -f "$iso.tmp"
    exit 1
fi
mv "$iso.tmp" "$iso"
echo "  ISO     $iso ($n module$( [ $n = 1 ] || echo s), cmdline: $cmdline)"
