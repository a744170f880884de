#!/usr/bin/env python3
"""mkseeds.py — writes starting corpora for the hypervisor fuzzers.

Usage: mkseeds.py <outdir>   creates <outdir>/multiboot/ and <outdir>/cmdline/
with well-formed inputs (a GRUB2-shaped multiboot2 block, a QEMU-shaped
multiboot1 memory image, typical command lines), so that a short fuzzing run
starts from valid structure instead of having to discover it.
"""
import os
import struct
import sys


def mb2_tag(tag_type, payload):
    data = struct.pack("<II", tag_type, 8 + len(payload)) + payload
    return data + b"\0" * (-len(data) % 8)


def mb2_block(extra_modules=0):
    tags = mb2_tag(1, b"console=com1 dom0_mem=512M\0")
    tags += mb2_tag(2, b"GRUB 2.06\0")
    tags += mb2_tag(4, struct.pack("<II", 639, 2096000))
    entries = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
               (0x100000, 0x7fee0000, 1), (0xfffc0000, 0x40000, 2)]
    mmap = struct.pack("<II", 24, 0)
    for addr, size, kind in entries:
        mmap += struct.pack("<QQII", addr, size, kind, 0)
    tags += mb2_tag(6, mmap)
    for i in range(2 + extra_modules):
        tags += mb2_tag(3, struct.pack("<II", 0x200000 + i * 0x100000, 0x280000 + i * 0x100000)
                        + b"/boot/vmlinuz root=/dev/ram0\0")
    tags += mb2_tag(0, b"")
    return struct.pack("<II", 8 + len(tags), 0) + tags


def mb1_image():
    mem = bytearray(0x400)
    flags = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)
    struct.pack_into("<IIII", mem, 0, flags, 639, 130048, 0)
    struct.pack_into("<III", mem, 16, 0x100, 2, 0x200)          # cmdline, mods
    struct.pack_into("<II", mem, 44, 3 * 24, 0x280)              # mmap
    struct.pack_into("<I", mem, 64, 0x140)                       # loader name
    mem[0x100:0x100 + 28] = b"/xen.gz console=com1 noreboot"[:28]
    mem[0x11c] = 0
    mem[0x140:0x145] = b"qemu\0"
    mem[0x160:0x180] = b"/vmlinuz root=/dev/ram0 quiet\0\0\0"
    struct.pack_into("<IIII", mem, 0x200, 0x100000, 0x200000, 0x160, 0)
    struct.pack_into("<IIII", mem, 0x210, 0x200000, 0x300000, 0, 0)
    for i, (addr, size, kind) in enumerate([(0, 0x9fc00, 1), (0x9fc00, 0x400, 2),
                                            (0x100000, 0x7f00000, 1)]):
        struct.pack_into("<IQQI", mem, 0x280 + i * 24, 20, addr, size, kind)
    return bytes(mem)


def main():
    out = sys.argv[1]
    for sub in ("multiboot", "cmdline"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    seeds = {
        "multiboot/mb2-grub": b"\x01" + mb2_block(),
        "multiboot/mb2-many-modules": b"\x01" + mb2_block(20),
        "multiboot/mb1-qemu": b"\x00" + mb1_image(),
        "cmdline/typical": b"console=com1 com1=115200,8n1 dom0_mem=512M loglvl=all noreboot",
        "cmdline/all-kinds": b"flag no-flag flag=off u8=255 u16=0x10 u32=010 u64=18446744073709551615 "
                             b"dom0_mem=2G console=vga,com1 loglvl=yes no-loglvl -- rest",
        "cmdline/bad": b"u8=256 dom0_mem=12X console=0123456789abcdefghij bogus= =x no-",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
