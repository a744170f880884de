/*
 * mkseeds.c — writes the seed corpus for the libelf fuzzers into a
 * directory: the Linux-shaped and tests/guests-shaped ELF images from
 * tests/unit/libelf/mkelf.c, a notes-in-sections and a __xen_guest image,
 * and a small synthetic bzImage.
 * Usage: mkseeds <elf-dir> <bzimage-dir> <layout-dir>
 */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#include "mkelf.h"

static uint8_t buf[1 << 16];

static int put(const char *dir, const char *name, const void *p, size_t n)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n) {
        perror(path);
        if (f)
            fclose(f);
        return 1;
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    static const struct mk_seg segs[] = { { 0, 0x100000, 0x100000, 0x200, 0x1000, 7 } };
    static const struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(6, "linux") };
    struct mk_spec sec = { .entry = 0x100000, .segs = segs, .nsegs = 1, .notes = notes,
                           .nnotes = 2, .notes_in_section = true };
    struct mk_spec legacy = { .entry = 0x100000, .segs = segs, .nsegs = 1,
                              .xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x0,"
                                           "HYPERCALL_PAGE=0x100,FEATURES=!dom0" };
    uint64_t lay[7] = { 262144, 0xffffffff80000000ULL, 0xffffffff81000000ULL,
                        0xffffffff84000000ULL, 20 << 20, 0x8000000000ULL, 6 };
    size_t n;
    int rc = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: %s <elf-dir> <bzimage-dir> <layout-dir>\n", argv[0]);
        return 2;
    }
    n = mkelf_linux(buf, sizeof(buf));
    rc |= put(argv[1], "linux.elf", buf, n);
    n = mkelf_small(buf, sizeof(buf));
    rc |= put(argv[1], "small.elf", buf, n);
    n = mkelf(buf, sizeof(buf), &sec);
    rc |= put(argv[1], "sections.elf", buf, n);
    n = mkelf(buf, sizeof(buf), &legacy);
    rc |= put(argv[1], "legacy.elf", buf, n);

    memset(buf, 0, 4096);
    buf[0x1f1] = 3;
    buf[0x1fe] = 0x55; buf[0x1ff] = 0xaa;
    memcpy(buf + 0x202, "HdrS", 4);
    buf[0x206] = 0x0f; buf[0x207] = 0x02;
    buf[0x248] = 0x10;                          /* payload_offset */
    buf[0x24c] = 0x40;                          /* payload_length */
    memcpy(buf + 2048 + 0x10, "\xfd" "7zXZ", 6);
    rc |= put(argv[2], "bzimage", buf, 2048 + 0x10 + 0x40);

    rc |= put(argv[3], "linux-dom0", lay, sizeof(lay));
    lay[0] = 16384; lay[1] = 0; lay[2] = 0x100000; lay[3] = 0x104000; lay[4] = 0; lay[6] = 8;
    rc |= put(argv[3], "small-domu", lay, sizeof(lay));
    return rc;
}
