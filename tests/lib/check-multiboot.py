#!/usr/bin/env python3
"""check-multiboot.py ELF — static check of the hypervisor image's multiboot
headers against its ELF program header: both headers present where loaders
look (multiboot1 in the first 8 KiB, 4-aligned; multiboot2 in the first
32 KiB, 8-aligned), checksums right, and the address fields (which make
loaders copy the file as a flat image) consistent with the single PT_LOAD
segment: load_addr = p_paddr, load_end - load_addr <= p_filesz, bss_end -
load_addr = p_memsz, header_addr - load_addr = header offset - p_offset,
entry inside the segment.  Prints "ok: ..." or the first problem; exit 0/1.
Standard library only."""
import struct
import sys


def fail(msg):
    print("bad: " + msg)
    sys.exit(1)


def main(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        fail("not an ELF64 file")
    e_phoff, = struct.unpack_from("<Q", data, 0x20)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 0x36)
    loads = []
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = \
            struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == 1:
            loads.append((p_offset, p_paddr, p_filesz, p_memsz))
    if len(loads) != 1:
        fail("%d PT_LOAD segments, the flat-image load needs exactly 1" % len(loads))
    off, paddr, filesz, memsz = loads[0]

    def check_addrs(kind, hoff, header_addr, load_addr, load_end, bss_end, entry):
        if load_addr != paddr:
            fail("%s load_addr %#x != p_paddr %#x" % (kind, load_addr, paddr))
        if header_addr - load_addr != hoff - off:
            fail("%s header_addr %#x does not match its file offset %#x" % (kind, header_addr, hoff))
        if not 0 < load_end - load_addr <= filesz:
            fail("%s load_end %#x outside the file data (%#x bytes)" % (kind, load_end, filesz))
        if bss_end - load_addr != memsz:
            fail("%s bss_end %#x != load_addr + p_memsz %#x" % (kind, bss_end, load_addr + memsz))
        if not load_addr <= entry < load_addr + filesz:
            fail("%s entry %#x outside the image" % (kind, entry))

    mb1 = next((o for o in range(0, min(8192, len(data)) - 32, 4)
                if struct.unpack_from("<I", data, o)[0] == 0x1BADB002), None)
    if mb1 is None:
        fail("no multiboot1 header in the first 8 KiB")
    magic, flags, csum, h, l, le, be, ent = struct.unpack_from("<8I", data, mb1)
    if (magic + flags + csum) & 0xffffffff:
        fail("multiboot1 checksum")
    if not flags & 0x10000:
        fail("multiboot1 flag bit 16 (address fields) not set")
    check_addrs("multiboot1", mb1, h, l, le, be, ent)

    mb2 = next((o for o in range(0, min(32768, len(data)) - 16, 8)
                if struct.unpack_from("<I", data, o)[0] == 0xE85250D6), None)
    if mb2 is None:
        fail("no multiboot2 header in the first 32 KiB")
    magic, arch, length, csum = struct.unpack_from("<4I", data, mb2)
    if (magic + arch + length + csum) & 0xffffffff:
        fail("multiboot2 checksum")
    tags, pos, addr, entry = {}, mb2 + 16, None, None
    while pos < mb2 + length:
        ttype, tflags, tsize = struct.unpack_from("<HHI", data, pos)
        if ttype == 0:
            break
        if tsize < 8:
            fail("multiboot2 tag %d has size %d" % (ttype, tsize))
        if ttype == 2:
            addr = struct.unpack_from("<4I", data, pos + 8)
        elif ttype == 3:
            entry, = struct.unpack_from("<I", data, pos + 8)
        tags[ttype] = tsize
        pos += (tsize + 7) & ~7
    else:
        fail("multiboot2 header has no end tag")
    if addr is None or entry is None:
        fail("multiboot2 header lacks the address or entry tag")
    check_addrs("multiboot2", mb2, addr[0], addr[1], addr[2], addr[3], entry)
    if entry != ent:
        fail("multiboot1 and multiboot2 entries differ")
    print("ok: multiboot1 at %#x, multiboot2 at %#x, image %#x-%#x (+bss to %#x), entry %#x"
          % (mb1, mb2, paddr, paddr + filesz, paddr + memsz, entry))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: check-multiboot.py hypervisor.elf", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
