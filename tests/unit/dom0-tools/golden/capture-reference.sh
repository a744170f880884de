#!/bin/bash
# Regenerates the reference outputs in golden/ref/ from Debian's xl 4.17,
# run in a real Xen 4.17 dom0 under QEMU (the shared reference build in
# ../shared/reference/xen/.work, beside the checkout).  The unit tests compare our xl against
# these files; run this only to refresh them (takes ~1-2 min of TCG).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REF=${REF:-$(cd "$HERE/../../../.." && pwd)/../shared/reference/xen/.work}
T=${TMPDIR:-/tmp}/xlref.$$
trap 'rm -rf "$T"' EXIT
mkdir -p "$T"
cp -a "$REF/dom0-root" "$T/root"
mkdir -p "$T/root/etc/xen/golden/bad" "$T/domu"
cp "$HERE"/*.cfg "$T/root/etc/xen/golden/"
cp "$HERE"/bad/*.cfg "$T/root/etc/xen/golden/bad/"
# A domU that stays up until asked to stop, so pause/shutdown can be seen.
(cd "$T/domu" && zcat "$REF/out/domu.cpio.gz" | cpio -id --quiet)
cat > "$T/domu/init" <<'DOMU'
#!/bin/sh
mount -t proc proc /proc
echo "DOMU-MARKER init-start"
trap 'echo DOMU-MARKER stopping; poweroff -f' USR2 TERM INT
while :; do sleep 1; done
DOMU
chmod +x "$T/domu/init"
(cd "$T/domu" && find . | cpio -o -H newc --quiet | gzip -1) > "$T/root/boot/sleep.cpio.gz"
cat > "$T/root/etc/xen/sleep.cfg" <<'CFG'
name = "sleeper"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/sleep.cpio.gz"
memory = 128
vcpus = 1
extra = "console=hvc0 quiet"
CFG
cp "$HERE/capture-init.sh" "$T/root/init"
chmod +x "$T/root/init"
(cd "$T/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$T/dom0.cpio.gz"
timeout 600 qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand -m 2048 -smp 2 -nographic \
    -no-reboot -nic none -kernel "$REF/out/xen" \
    -append "console=com1 com1=115200 dom0_mem=1024M loglvl=error guest_loglvl=none noreboot" \
    -initrd "$REF/out/vmlinuz console=hvc0 quiet loglevel=1,$T/dom0.cpio.gz" \
    </dev/null > "$T/serial.log" 2>&1 || true
cp "$T/serial.log" "${SERIAL_LOG:-/tmp/xlref-serial.log}"
mkdir -p "$HERE/ref"
python3 - "$T/serial.log" "$HERE/ref" <<'PY'
import base64, sys, os
log, outdir = sys.argv[1], sys.argv[2]
cur = None; part = None; bufs = {}
for line in open(log, errors="replace"):
    line = line.rstrip("\r\n")
    if line.startswith("@@CAP "):
        f = line.split()
        cur = f[1]; bufs[cur] = {"rc": f[2], "out": "", "err": ""}; part = "out"
    elif line == "@@ERR" and cur:
        part = "err"
    elif line == "@@END" and cur:
        b = bufs[cur]
        for k in ("out", "err"):
            open(os.path.join(outdir, cur + "." + k), "wb").write(base64.b64decode(b[k]))
        open(os.path.join(outdir, cur + ".rc"), "w").write(b["rc"] + "\n")
        cur = None
    elif line.startswith("@@B ") and cur:
        bufs[cur][part] += line[4:]
print("captured", len(bufs))
PY
