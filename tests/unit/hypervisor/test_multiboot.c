/*
 * test_multiboot.c — multiboot1/multiboot2 parsing and memory-map
 * sanitising (hypervisor/arch/x86/boot/multiboot.c).  The information blocks are
 * built here in the exact layout GRUB2 and QEMU produce.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>
#include "harness.h"

static struct boot_info bi;

/* ---- multiboot2 builder ---- */
static uint8_t mb2[65536] __attribute__((aligned(8)));
static uint32_t mb2_len;

static void *mb2_tag(uint32_t type, uint32_t size)
{
    uint8_t *t = mb2 + mb2_len;

    memcpy(t, &type, 4);
    memcpy(t + 4, &size, 4);
    mb2_len += (size + 7) & ~7u;
    return t;
}

static void mb2_begin(void)
{
    memset(mb2, 0, sizeof(mb2));
    mb2_len = 8;
}

static void mb2_string(uint32_t type, const char *s)
{
    uint8_t *t = mb2_tag(type, 8 + strlen(s) + 1);

    memcpy(t + 8, s, strlen(s) + 1);
}

static void mb2_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t *t = mb2_tag(3, 16 + strlen(s) + 1);

    memcpy(t + 8, &start, 4);
    memcpy(t + 12, &end, 4);
    memcpy(t + 16, s, strlen(s) + 1);
}

static void mb2_meminfo(uint32_t lower, uint32_t upper)
{
    uint8_t *t = mb2_tag(4, 16);

    memcpy(t + 8, &lower, 4);
    memcpy(t + 12, &upper, 4);
}

struct e820 { uint64_t addr, len; uint32_t type; };

static void mb2_mmap_esize(const struct e820 *e, unsigned n, uint32_t esize)
{
    uint8_t *t = mb2_tag(6, 16 + n * esize);
    uint32_t ver = 0;

    memcpy(t + 8, &esize, 4);
    memcpy(t + 12, &ver, 4);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *x = t + 16 + i * esize;

        memcpy(x, &e[i].addr, 8);
        memcpy(x + 8, &e[i].len, 8);
        memcpy(x + 16, &e[i].type, 4);
    }
}

static void mb2_mmap(const struct e820 *e, unsigned n)
{
    mb2_mmap_esize(e, n, 24);
}

static uint32_t mb2_end(void)
{
    mb2_tag(0, 8);
    memcpy(mb2, &mb2_len, 4);
    return mb2_len;
}

/* A typical QEMU/SeaBIOS machine with 2 GiB. */
static const struct e820 pc_map[] = {
    { 0x0, 0x9fc00, 1 },
    { 0x9fc00, 0x400, 2 },
    { 0xf0000, 0x10000, 2 },
    { 0x100000, 0x7fee0000, 1 },
    { 0x7ffe0000, 0x20000, 2 },
    { 0xfeffc000, 0x4000, 2 },
    { 0xfffc0000, 0x40000, 2 },
};

static void assert_range(unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
    cr_assert_lt(i, bi.nr_memmap, "entry %u missing", i);
    cr_assert_eq(bi.memmap[i].addr, addr, "entry %u addr %#llx", i,
                 (unsigned long long)bi.memmap[i].addr);
    cr_assert_eq(bi.memmap[i].size, size, "entry %u size %#llx", i,
                 (unsigned long long)bi.memmap[i].size);
    cr_assert_eq(bi.memmap[i].type, type, "entry %u type", i);
}

static bool in_strings(const char *p)
{
    return p >= bi.strings && p < bi.strings + sizeof(bi.strings);
}

Test(multiboot2, grub2_shaped_info_block)
{
    mb2_begin();
    mb2_string(1, "console=com1 dom0_mem=512M loglvl=all");
    mb2_string(2, "GRUB 2.06-13+deb12u1");
    mb2_meminfo(639, 2096000);
    mb2_tag(5, 20);                          /* BIOS boot device: skipped */
    mb2_mmap(pc_map, 7);
    mb2_module(0x200000, 0x9a0000, "/boot/vmlinuz root=/dev/ram0 console=hvc0");
    mb2_module(0xa00000, 0x1200000, "initrd");
    mb2_tag(8, 38);                          /* framebuffer: skipped */
    mb2_tag(14, 28);                         /* ACPI RSDP: skipped */
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_str_eq(bi.cmdline, "console=com1 dom0_mem=512M loglvl=all");
    cr_assert_str_eq(bi.loader_name, "GRUB 2.06-13+deb12u1");
    cr_assert(in_strings(bi.cmdline) && in_strings(bi.loader_name));
    cr_assert_eq(bi.mem_lower_kb, 639);
    cr_assert_eq(bi.mem_upper_kb, 2096000);
    cr_assert_eq(bi.nr_modules, 2);
    cr_assert_eq(bi.modules[0].start, 0x200000);
    cr_assert_eq(bi.modules[0].end, 0x9a0000);
    cr_assert_str_eq(bi.modules[0].cmdline, "/boot/vmlinuz root=/dev/ram0 console=hvc0",
                     "multiboot2 keeps the first word");
    cr_assert_str_eq(bi.modules[1].cmdline, "initrd");
    cr_assert(in_strings(bi.modules[1].cmdline));
    cr_assert_eq(bi.nr_memmap, 7);
    for (unsigned i = 0; i < 7; i++)
        assert_range(i, pc_map[i].addr, pc_map[i].len, pc_map[i].type);
    cr_assert_eq(bootinfo_ram_bytes(&bi), 0x9fc00 + 0x7fee0000);
}

Test(multiboot2, parse_without_end_tag_fails)
{
    mb2_begin();
    mb2_string(1, "x");
    memcpy(mb2, &mb2_len, 4);
    cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL);
}

Test(multiboot2, minimal_block_gives_empty_strings)
{
    mb2_begin();
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_not_null(bi.cmdline);
    cr_assert_str_eq(bi.cmdline, "");
    cr_assert_str_eq(bi.loader_name, "");
    cr_assert_eq(bi.nr_modules, 0);
    cr_assert_eq(bi.nr_memmap, 0);
}

Test(multiboot2, truncated_buffer)
{
    uint32_t total;

    mb2_begin();
    mb2_string(1, "console=com1");
    mb2_mmap(pc_map, 7);
    total = mb2_end();
    cr_assert_eq(multiboot2_parse_buf(mb2, total, &bi), 0);
    for (uint32_t len = 0; len < total; len++)
        cr_assert_eq(multiboot2_parse_buf(mb2, len, &bi), -EINVAL, "len %u", len);
}

Test(multiboot2, bad_total_size)
{
    uint32_t total, bad;

    mb2_begin();
    mb2_string(1, "console=com1");
    total = mb2_end();
    for (bad = 0; bad < 16; bad++) {
        memcpy(mb2, &bad, 4);
        cr_assert_eq(multiboot2_parse_buf(mb2, sizeof(mb2), &bi), -EINVAL, "total %u", bad);
    }
    /* Shorter than the tags: the end tag is no longer inside. */
    bad = total - 8;
    memcpy(mb2, &bad, 4);
    cr_assert_eq(multiboot2_parse_buf(mb2, sizeof(mb2), &bi), -EINVAL);
    /* Bigger than what is readable. */
    bad = sizeof(mb2) + 8;
    memcpy(mb2, &bad, 4);
    cr_assert_eq(multiboot2_parse_buf(mb2, sizeof(mb2), &bi), -EINVAL);
}

Test(multiboot2, tag_running_past_the_end)
{
    uint8_t *t;
    uint32_t big;

    mb2_begin();
    t = mb2_tag(1, 16);
    memcpy(t + 8, "abcdefg", 8);
    mb2_end();
    big = mb2_len;              /* claims to cover more than is left */
    memcpy(t + 4, &big, 4);
    cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL);
    big = 0xfffffff9u;          /* would wrap a 32-bit offset */
    memcpy(t + 4, &big, 4);
    cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL);
}

Test(multiboot2, zero_and_tiny_tag_sizes)
{
    for (uint32_t sz = 0; sz < 8; sz++) {
        uint8_t *t;

        mb2_begin();
        t = mb2_tag(1, 16);
        memcpy(t + 8, "abcdefg", 8);
        mb2_end();
        memcpy(t + 4, &sz, 4);
        cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL, "size %u", sz);
    }
}

Test(multiboot2, misaligned_or_null_block)
{
    mb2_begin();
    mb2_end();
    cr_assert_eq(multiboot2_parse(NULL, &bi), -EINVAL);
    cr_assert_eq(multiboot2_parse_buf(mb2 + 4, sizeof(mb2) - 4, &bi), -EINVAL);
    cr_assert_not_null(bi.cmdline, "bi is consistent even on failure");
}

Test(multiboot2, too_many_modules)
{
    char name[32];

    mb2_begin();
    for (unsigned i = 0; i < BOOT_MAX_MODULES + 3; i++) {
        snprintf(name, sizeof(name), "mod%u arg", i);
        mb2_module(0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000 + 0x8000, name);
    }
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), -E2BIG);
    cr_assert_eq(bi.nr_modules, BOOT_MAX_MODULES);
    for (unsigned i = 0; i < BOOT_MAX_MODULES; i++) {
        snprintf(name, sizeof(name), "mod%u arg", i);
        cr_assert_str_eq(bi.modules[i].cmdline, name);
        cr_assert_eq(bi.modules[i].start, 0x1000000 + i * 0x10000);
    }
    cr_assert(harness_log_contains("modules"));
}

Test(multiboot2, module_with_end_before_start)
{
    mb2_begin();
    mb2_module(0x2000, 0x1000, "bad");
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL);
}

Test(multiboot2, short_module_and_meminfo_tags)
{
    mb2_begin();
    mb2_tag(3, 12);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL);
    mb2_begin();
    mb2_tag(4, 12);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL);
}

Test(multiboot2, unterminated_string_stays_inside_tag)
{
    uint8_t *t;

    mb2_begin();
    t = mb2_tag(1, 8 + 5);
    memcpy(t + 8, "abcde", 5);          /* no NUL; padding follows */
    t[13] = 'X';                        /* padding byte: must not be read */
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_str_eq(bi.cmdline, "abcde");
}

Test(multiboot2, first_cmdline_wins_and_leading_blanks_dropped)
{
    mb2_begin();
    mb2_string(1, "   noreboot");
    mb2_string(1, "second");
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_str_eq(bi.cmdline, "noreboot");
}

Test(multiboot2, meminfo_only_gives_basic_ranges)
{
    mb2_begin();
    mb2_meminfo(640, 130048);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_eq(bi.nr_memmap, 2);
    assert_range(0, 0, 640 << 10, BOOT_MEM_RAM);
    assert_range(1, 0x100000, 130048ULL << 10, BOOT_MEM_RAM);
}

Test(multiboot2, mmap_bad_entry_size)
{
    static const uint32_t bad[] = { 0, 8, 20, 23 };

    for (unsigned i = 0; i < 4; i++) {
        uint8_t *t;

        mb2_begin();
        t = mb2_tag(6, 16 + 48);
        memcpy(t + 8, &bad[i], 4);
        mb2_end();
        cr_assert_eq(multiboot2_parse(mb2, &bi), -EINVAL, "entry size %u", bad[i]);
    }
}

Test(multiboot2, mmap_larger_entries_and_partial_tail)
{
    uint8_t *t;

    mb2_begin();
    mb2_mmap_esize(pc_map, 4, 32);      /* a later entry version */
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_eq(bi.nr_memmap, 4);
    assert_range(3, 0x100000, 0x7fee0000, 1);

    /* A trailing fragment shorter than an entry is ignored. */
    mb2_begin();
    t = mb2_tag(6, 16 + 24 + 10);
    uint32_t es = 24;
    memcpy(t + 8, &es, 4);
    memcpy(t + 16, &pc_map[3].addr, 8);
    memcpy(t + 24, &pc_map[3].len, 8);
    memcpy(t + 32, &pc_map[3].type, 4);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    cr_assert_eq(bi.nr_memmap, 1);
}

Test(multiboot2, mmap_sanitised)
{
    /* Unsorted, overlapping, a zero-sized entry, a hole, a reserved
     * range inside RAM, adjacent RAM pieces, an unknown type. */
    static const struct e820 m[] = {
        { 0x100000, 0x100000, 1 },
        { 0x0, 0x9f000, 1 },
        { 0x200000, 0x200000, 1 },          /* adjacent: merged */
        { 0x300000, 0x1000, 2 },            /* punches RAM */
        { 0x5000, 0, 2 },                   /* zero-sized: dropped */
        { 0x9e000, 0x2000, 2 },             /* overlaps RAM end */
        { 0xe0000, 0x20000, 7 },            /* unknown: reserved */
        { 0x1000000, 0x1000, 3 },           /* ACPI, alone */
        { 0x1000800, 0x1000, 4 },           /* NVS overlapping ACPI: wins */
    };

    mb2_begin();
    mb2_mmap(m, 9);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    assert_range(0, 0x0, 0x9e000, 1);
    assert_range(1, 0x9e000, 0x2000, 2);
    assert_range(2, 0xe0000, 0x20000, 2);
    assert_range(3, 0x100000, 0x200000, 1);
    assert_range(4, 0x300000, 0x1000, 2);
    assert_range(5, 0x301000, 0xff000, 1);
    assert_range(6, 0x1000000, 0x800, 3);
    assert_range(7, 0x1000800, 0x1000, 4);
    cr_assert_eq(bi.nr_memmap, 8);
}

Test(multiboot2, mmap_overflowing_keeps_every_reserved_range)
{
    static struct e820 m[300];
    unsigned n = 0, reserved = 0;

    /* 150 disjoint reserved ranges interleaved with 150 RAM ranges. */
    for (unsigned i = 0; i < 150; i++) {
        m[n++] = (struct e820){ 0x100000ULL * i, 0x80000, 1 };
        m[n++] = (struct e820){ 0x100000ULL * i + 0x90000, 0x1000, 2 };
    }
    mb2_begin();
    mb2_mmap(m, n);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), -E2BIG,
                 "150 reserved ranges cannot fit 128 slots");
    /* Only reserved ranges kept, RAM sacrificed first. */
    for (unsigned i = 0; i < bi.nr_memmap; i++)
        reserved += bi.memmap[i].type == 2;
    cr_assert_eq(reserved, bi.nr_memmap);

    /* 100 reserved + 100 RAM: every reserved range survives. */
    n = 0;
    for (unsigned i = 0; i < 100; i++) {
        m[n++] = (struct e820){ 0x100000ULL * i, 0x80000, 1 };
        m[n++] = (struct e820){ 0x100000ULL * i + 0x90000, 0x1000, 2 };
    }
    mb2_begin();
    mb2_mmap(m, n);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), 0);
    reserved = 0;
    for (unsigned i = 0; i < bi.nr_memmap; i++)
        reserved += bi.memmap[i].type == 2;
    cr_assert_eq(reserved, 100);
    cr_assert_leq(bi.nr_memmap, BOOT_MAX_MEMMAP);
    for (unsigned i = 1; i < bi.nr_memmap; i++)
        cr_assert_gt(bi.memmap[i].addr, bi.memmap[i - 1].addr, "sorted");
}

Test(multiboot2, strings_overflow)
{
    static char longs[BOOT_STRINGS_SIZE + 100];

    memset(longs, 'a', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = '\0';
    mb2_begin();
    mb2_string(1, longs);
    mb2_end();
    cr_assert_eq(multiboot2_parse(mb2, &bi), -ENOSPC);
    cr_assert_not_null(bi.cmdline);
}

/* ---- sanitiser on its own ---- */
Test(memmap, nested_and_wrapping_ranges)
{
    memset(&bi, 0, sizeof(bi));
    bi.memmap[0] = (struct boot_memrange){ 0x0, 0x100000000ULL, 1 };
    bi.memmap[1] = (struct boot_memrange){ 0x1000, 0x1000, 2 };
    bi.memmap[2] = (struct boot_memrange){ 0x1800, 0x100, 5 };      /* bad RAM inside */
    bi.memmap[3] = (struct boot_memrange){ 0xfffffffffffff000ULL, 0x2000, 2 }; /* wraps */
    bi.nr_memmap = 4;
    bootinfo_sanitise_memmap(&bi);
    assert_range(0, 0x0, 0x1000, 1);
    assert_range(1, 0x1000, 0x800, 2);
    assert_range(2, 0x1800, 0x100, 5);
    assert_range(3, 0x1900, 0x700, 2);
    assert_range(4, 0x2000, 0x100000000ULL - 0x2000, 1);
    assert_range(5, 0xfffffffffffff000ULL, 0xfff, 2);
    cr_assert_eq(bi.nr_memmap, 6);
}

Test(memmap, identical_duplicates_merge)
{
    memset(&bi, 0, sizeof(bi));
    for (unsigned i = 0; i < 10; i++)
        bi.memmap[i] = (struct boot_memrange){ 0x100000, 0x100000, 1 };
    bi.nr_memmap = 10;
    bootinfo_sanitise_memmap(&bi);
    cr_assert_eq(bi.nr_memmap, 1);
    assert_range(0, 0x100000, 0x100000, 1);
    cr_assert_eq(bootinfo_ram_bytes(&bi), 0x100000);
}

/* ---- multiboot1 ---- */
#define PHYS_SIZE 0x20000
static uint8_t phys[PHYS_SIZE];

static const void *phys_map(uint64_t pa, size_t len)
{
    if (pa >= PHYS_SIZE || len > PHYS_SIZE - pa)
        return NULL;
    return phys + pa;
}

static void put32(uint64_t pa, uint32_t v) { memcpy(phys + pa, &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(phys + pa, &v, 8); }
static void putstr(uint64_t pa, const char *s) { memcpy(phys + pa, s, strlen(s) + 1); }

#define MBI 0x1000

/* QEMU's -kernel loader: name "qemu", image name first in the command line
 * and each module string ("file args" as given to -initrd). */
static void mb1_qemu(void)
{
    memset(phys, 0, sizeof(phys));
    put32(MBI + 0, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9));
    put32(MBI + 4, 639);
    put32(MBI + 8, 130048);
    put32(MBI + 16, 0x2000);
    putstr(0x2000, "/build/xen.gz console=com1 dom0_mem=256M");
    put32(MBI + 20, 3);
    put32(MBI + 24, 0x3000);
    put32(0x3000, 0x100000); put32(0x3004, 0x500000); put32(0x3008, 0x2100);
    putstr(0x2100, "/build/vmlinuz root=/dev/ram0  console=hvc0");
    put32(0x3010, 0x500000); put32(0x3014, 0x900000); put32(0x3018, 0x2200);
    putstr(0x2200, "/build/initrd.img");
    put32(0x3020, 0x900000); put32(0x3024, 0x901000); put32(0x3028, 0);
    put32(MBI + 44, 3 * 24);
    put32(MBI + 48, 0x4000);
    for (unsigned i = 0; i < 3; i++) {
        static const uint64_t a[] = { 0, 0x9fc00, 0x100000 };
        static const uint64_t l[] = { 0x9fc00, 0x400, 0x7f00000 };
        static const uint32_t ty[] = { 1, 2, 1 };

        put32(0x4000 + i * 24, 20);
        put64(0x4000 + i * 24 + 4, a[i]);
        put64(0x4000 + i * 24 + 12, l[i]);
        put32(0x4000 + i * 24 + 20, ty[i]);
    }
    put32(MBI + 64, 0x2300);
    putstr(0x2300, "qemu");
}

Test(multiboot1, qemu_loader_strips_first_words)
{
    mb1_qemu();
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), 0);
    cr_assert_str_eq(bi.loader_name, "qemu");
    cr_assert_str_eq(bi.cmdline, "console=com1 dom0_mem=256M");
    cr_assert_eq(bi.mem_lower_kb, 639);
    cr_assert_eq(bi.mem_upper_kb, 130048);
    cr_assert_eq(bi.nr_modules, 3);
    cr_assert_eq(bi.modules[0].start, 0x100000);
    cr_assert_eq(bi.modules[0].end, 0x500000);
    cr_assert_str_eq(bi.modules[0].cmdline, "root=/dev/ram0  console=hvc0");
    cr_assert_str_eq(bi.modules[1].cmdline, "", "file name only: nothing left");
    cr_assert_str_eq(bi.modules[2].cmdline, "", "no string at all");
    cr_assert(in_strings(bi.modules[0].cmdline) && in_strings(bi.modules[2].cmdline));
    cr_assert_eq(bi.nr_memmap, 3);
    assert_range(0, 0, 0x9fc00, 1);
    assert_range(1, 0x9fc00, 0x400, 2);
    assert_range(2, 0x100000, 0x7f00000, 1);
}

Test(multiboot1, grub2_keeps_kernel_cmdline_but_strips_modules)
{
    mb1_qemu();
    putstr(0x2300, "GRUB 2.06");
    putstr(0x2000, "  console=com1 noreboot");
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), 0);
    cr_assert_str_eq(bi.cmdline, "console=com1 noreboot");
    cr_assert_str_eq(bi.modules[0].cmdline, "root=/dev/ram0  console=hvc0");
}

Test(multiboot1, no_loader_name_strips_cmdline)
{
    mb1_qemu();
    put32(MBI, (1 << 2));
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), 0);
    cr_assert_str_eq(bi.loader_name, "");
    cr_assert_str_eq(bi.cmdline, "console=com1 dom0_mem=256M");
    cr_assert_eq(bi.nr_modules, 0);
    cr_assert_eq(bi.nr_memmap, 0);
}

Test(multiboot1, basic_memory_without_map)
{
    mb1_qemu();
    put32(MBI, (1 << 0));
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), 0);
    cr_assert_eq(bi.nr_memmap, 2);
    assert_range(0, 0, 639 << 10, 1);
    assert_range(1, 0x100000, 130048ULL << 10, 1);
}

Test(multiboot1, unmappable_pointers)
{
    mb1_qemu();
    cr_assert_eq(multiboot1_parse(PHYS_SIZE - 8, phys_map, &bi), -EINVAL, "info block");
    cr_assert_eq(multiboot1_parse(MBI, NULL, &bi), -EINVAL);
    mb1_qemu();
    put32(MBI + 24, PHYS_SIZE - 16);        /* 3 modules need 48 bytes */
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL, "module list");
    mb1_qemu();
    put32(MBI + 16, 0x7fffffff);
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL, "cmdline");
    mb1_qemu();
    put32(0x3008, PHYS_SIZE + 5);
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL, "module string");
    mb1_qemu();
    put32(MBI + 48, PHYS_SIZE - 24);        /* map of 72 bytes */
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL, "memory map");
}

Test(multiboot1, string_running_off_memory)
{
    mb1_qemu();
    memset(phys + PHYS_SIZE - 64, 'x', 64);  /* no NUL before the end */
    put32(MBI + 16, PHYS_SIZE - 64);
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL);
}

Test(multiboot1, bad_mmap_entry_size)
{
    mb1_qemu();
    put32(0x4000 + 24, 12);
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL);
    mb1_qemu();
    put32(0x4000 + 48, 0x10000);            /* runs past mmap_length */
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -EINVAL);
}

Test(multiboot1, too_many_modules)
{
    mb1_qemu();
    put32(MBI + 20, 40);
    put32(MBI + 24, 0x5000);
    for (unsigned i = 0; i < 40; i++) {
        put32(0x5000 + i * 16, 0x1000000 + i * 0x1000);
        put32(0x5000 + i * 16 + 4, 0x1000000 + i * 0x1000 + 0x800);
        put32(0x5000 + i * 16 + 8, 0x2100);
    }
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -E2BIG);
    cr_assert_eq(bi.nr_modules, BOOT_MAX_MODULES);
    cr_assert_eq(bi.modules[15].start, 0x1000000 + 15 * 0x1000);
    cr_assert_str_eq(bi.modules[15].cmdline, "root=/dev/ram0  console=hvc0");
    cr_assert_eq(bi.nr_memmap, 3, "the memory map is still parsed");
}

Test(multiboot1, huge_module_count_does_not_overflow)
{
    mb1_qemu();
    /* Only the first 16 entries are ever mapped or read. */
    put32(MBI + 20, 0xffffffffu);
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), -E2BIG);
    cr_assert_eq(bi.nr_modules, BOOT_MAX_MODULES);
    cr_assert_eq(bi.modules[5].start, 0);
}

Test(multiboot1, flags_zero)
{
    memset(phys, 0, sizeof(phys));
    cr_assert_eq(multiboot1_parse(MBI, phys_map, &bi), 0);
    cr_assert_str_eq(bi.cmdline, "");
    cr_assert_eq(bi.nr_modules + bi.nr_memmap, 0);
}
