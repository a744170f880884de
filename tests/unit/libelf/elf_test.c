/*
 * elf_test.c — Criterion tests for hypervisor/common/libelf: parsing and
 * placement of valid PV kernels (Linux-shaped and tests/guests-shaped), the
 * SHT_NOTE and __xen_guest fallbacks, Xen's loader policy, loading through
 * the callback, and every malformed-input case we know of (each must fail
 * with the right error and a useful reason, never crash: the binary is
 * built with AddressSanitizer and UBSan).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xen/libelf.h>
#include "mkelf.h"

#define CAP (1u << 16)
#define LINUX_HV_FEATURES ((1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 11))

static uint8_t img_buf[CAP];
static struct elf_image img;

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void expect_reason(const char *needle)
{
    cr_expect(strstr(img.reason, needle) != NULL, "reason '%s' lacks '%s'", img.reason, needle);
}

/* ---- valid images -------------------------------------------------------- */

Test(libelf, linux_shaped_placement)
{
    size_t n = mkelf_linux(img_buf, CAP);

    cr_assert(n);
    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    cr_expect_eq(img.virt_base, 0xffffffff80000000ULL);
    cr_expect_eq(img.paddr_offset, 0);
    cr_expect_eq(img.virt_kstart, 0xffffffff81000000ULL);
    cr_expect_eq(img.virt_kend, 0xffffffff8100a000ULL);
    cr_expect_eq(img.virt_entry, 0xffffffff81000200ULL);
    cr_expect_eq(img.virt_hypercall, 0xffffffff81001000ULL);
    cr_expect_eq(img.p2m_base, 0x8000000000ULL);
    cr_assert_eq(img.nr_segs, 4);
    /* The percpu segment has p_vaddr 0: placed by p_paddr, not p_vaddr. */
    cr_expect_eq(img.segs[2].vaddr, 0xffffffff81004000ULL);
    cr_expect_str_eq(img.notes.guest_os, "linux");
    cr_expect_str_eq(img.notes.loader, "generic");
    cr_expect_str_eq(img.notes.xen_version, "xen-3.0");
    cr_expect_eq(img.notes.features_required, 1u << 0);
    cr_expect_eq(img.notes.features_supported, (1u << 0) | (1u << 4));
    cr_expect_eq(img.notes.supported_features & (1u << 11), 1u << 11);
    cr_expect(img.notes.mod_start_pfn);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, ELF_CHECK_DOM0), 0, "%s", img.reason);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), 0, "%s", img.reason);
}

Test(libelf, small_guest_shape)
{
    size_t n = mkelf_small(img_buf, CAP);

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    cr_expect_eq(img.virt_base, 0);
    cr_expect_eq(img.virt_kstart, 0x100000);
    cr_expect_eq(img.virt_kend, 0x104000);
    cr_expect_eq(img.virt_entry, 0x100010);     /* no ENTRY note: e_entry */
    cr_expect_eq(img.virt_hypercall, 0x101000);
    cr_expect_eq(img.p2m_base, ELF_UNSET);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), 0, "%s", img.reason);
    /* No SUPPORTED_FEATURES note at all: Xen lets it be dom0, so do we. */
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, ELF_CHECK_DOM0), 0, "%s", img.reason);
}

struct loadbuf {
    uint64_t base;
    uint8_t mem[0x20000];
    uint8_t written[0x20000];
    int calls;
    int fail_at;
};

static int load_cb(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct loadbuf *lb = ctx;

    if (++lb->calls == lb->fail_at)
        return -EIO;
    cr_assert(va >= lb->base && va + len <= lb->base + sizeof(lb->mem),
              "write outside the image: %#llx+%zu", (unsigned long long)va, len);
    for (size_t i = 0; i < len; i++) {
        cr_assert_eq(lb->written[va - lb->base + i], 0, "byte %#llx written twice",
                     (unsigned long long)(va + i));
        lb->written[va - lb->base + i] = 1;
    }
    if (src)
        memcpy(lb->mem + (va - lb->base), src, len);
    else
        memset(lb->mem + (va - lb->base), 0, len);
    return 0;
}

Test(libelf, load_writes_every_byte_once)
{
    static struct loadbuf lb;
    size_t n = mkelf_linux(img_buf, CAP);
    uint64_t span;

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    memset(&lb, 0, sizeof(lb));
    memset(lb.mem, 0xcc, sizeof(lb.mem));
    lb.base = img.virt_kstart;
    cr_assert_eq(elf_load(&img, load_cb, &lb), 0, "%s", img.reason);
    span = img.virt_kend - img.virt_kstart;
    for (uint64_t i = 0; i < span; i++)
        cr_assert_eq(lb.written[i], 1, "byte %#llx of the image not written",
                     (unsigned long long)i);
    cr_expect_eq(lb.written[span], 0);
    /* text: fill 0x10 counting up; percpu: 0x800 bytes then zeroed bss */
    cr_expect_eq(lb.mem[0], 0x10);
    cr_expect_eq(lb.mem[1], 0x11);
    cr_expect_eq(lb.mem[0x4000], 0x30);
    cr_expect_eq(lb.mem[0x47ff], (uint8_t)(0x30 + 0x7ff));
    cr_expect_eq(lb.mem[0x4800], 0);
    cr_expect_eq(lb.mem[0x5000], 0x40);
    cr_expect_eq(lb.mem[0x6200], 0);            /* data bss */
    cr_expect_eq(lb.mem[0x9fff], 0);
}

Test(libelf, load_propagates_callback_error)
{
    static struct loadbuf lb;
    size_t n = mkelf_linux(img_buf, CAP);

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0);
    memset(&lb, 0, sizeof(lb));
    lb.base = img.virt_kstart;
    lb.fail_at = 3;
    cr_expect_eq(elf_load(&img, load_cb, &lb), -EIO);
    expect_reason("failed");
}

Test(libelf, gaps_between_segments_are_zeroed)
{
    static struct loadbuf lb;
    static const struct mk_seg segs[] = {
        { 0, 0x200000, 0x200000, 0x100, 0x100, 1 },
        { 0, 0x203000, 0x203000, 0x100, 0x200, 2 },
    };
    static const struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(8, "generic") };
    struct mk_spec spec = { .entry = 0x200000, .segs = segs, .nsegs = 2, .notes = notes, .nnotes = 2 };
    size_t n = mkelf(img_buf, CAP, &spec);

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    memset(&lb, 0, sizeof(lb));
    memset(lb.mem, 0xcc, sizeof(lb.mem));
    lb.base = img.virt_kstart;
    cr_assert_eq(elf_load(&img, load_cb, &lb), 0);
    cr_expect_eq(lb.mem[0x100], 0);
    cr_expect_eq(lb.mem[0x2fff], 0);
    cr_expect_eq(lb.mem[0x3000], 2);
    cr_expect_eq(lb.mem[0x31ff], 0);
    cr_expect_eq(lb.mem[0x3200], 0xcc);         /* past the end: untouched */
}

Test(libelf, notes_from_sections_when_no_pt_note)
{
    static const struct mk_seg segs[] = { { 0, 0x100000, 0x100000, 0x1000, 0x1000, 0 } };
    static const uint64_t vb = 0;
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(6, "linux"), MK_NOTE_U64(3, &vb),
    };
    struct mk_spec spec = { .entry = 0x100000, .segs = segs, .nsegs = 1, .notes = notes,
                            .nnotes = 3, .notes_in_section = true };
    size_t n = mkelf(img_buf, CAP, &spec);

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    cr_expect_str_eq(img.notes.guest_os, "linux");
    cr_expect_eq(elf_xen_check(&img, 0, 0), 0, "%s", img.reason);
}

Test(libelf, legacy_xen_guest_section)
{
    static const struct mk_seg segs[] = {
        /* legacy: p_paddr holds virtual addresses (PADDR_OFFSET defaults to VIRT_BASE) */
        { 0, 0xc0100000, 0xc0100000, 0x3000, 0x3000, 0 },
    };
    struct mk_spec spec = {
        .entry = 0xc0100000, .segs = segs, .nsegs = 1,
        .xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,"
                     "HYPERCALL_PAGE=0x101,LOADER=generic,FEATURES=!writable_page_tables",
    };
    size_t n = mkelf(img_buf, CAP, &spec);

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    cr_expect(img.notes.legacy_guest_section);
    cr_expect_eq(img.virt_base, 0xc0000000);
    cr_expect_eq(img.paddr_offset, 0xc0000000);
    cr_expect_eq(img.virt_kstart, 0xc0100000);
    cr_expect_eq(img.virt_hypercall, 0xc0101000);
    cr_expect_str_eq(img.notes.xen_version, "xen-3.0");
    cr_expect_eq(img.notes.features_required, 1u);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), 0, "%s", img.reason);
}

/* Regression (found by fuzz-libelf/elf): a wild __xen_guest sh_offset made
 * the parser form an out-of-range pointer before checking it. */
Test(libelf, xen_guest_section_offset_out_of_range)
{
    static const struct mk_seg segs[] = { { 0, 0x100000, 0x100000, 0x1000, 0x1000, 0 } };
    struct mk_spec spec = { .entry = 0x100000, .segs = segs, .nsegs = 1,
                            .xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0" };
    size_t n = mkelf(img_buf, CAP, &spec);
    uint64_t shoff = 0;

    for (int i = 0; i < 8; i++)
        shoff |= (uint64_t)img_buf[40 + i] << (8 * i);
    put64(img_buf + shoff + 3 * 64 + 24, 0xffffffffffffff00ULL);   /* [3] __xen_guest */
    cr_expect_eq(elf_parse(&img, img_buf, n, "kernel"), -ENOEXEC);
    expect_reason("__xen_guest section runs past the end of the file");
}

Test(libelf, unknown_optional_feature_is_ignored)
{
    static const struct mk_seg segs[] = { { 0, 0x100000, 0x100000, 0x1000, 0x1000, 0 } };
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(8, "generic"),
        MK_NOTE_STR(10, "frobnicate|dom0||writable_descriptor_tables"),
    };
    struct mk_spec spec = { .entry = 0x100000, .segs = segs, .nsegs = 1, .notes = notes, .nnotes = 3 };
    size_t n = mkelf(img_buf, CAP, &spec);

    cr_assert_eq(elf_parse(&img, img_buf, n, "kernel"), 0, "%s", img.reason);
    cr_expect_eq(img.notes.features_supported, (1u << 11) | (1u << 1));
    cr_expect_eq(img.notes.features_required, 0);
}

/* ---- malformed images ------------------------------------------------------- */

static int parse_linux_modified(void (*mod)(uint8_t *, size_t *), size_t *n)
{
    *n = mkelf_linux(img_buf, CAP);
    mod(img_buf, n);
    return elf_parse(&img, img_buf, *n, "kernel");
}

static void trunc_header(uint8_t *b, size_t *n) { (void)b; *n = 40; }
static void trunc_phdrs(uint8_t *b, size_t *n) { (void)b; *n = 64 + 56 * 2; }
static void bad_magic(uint8_t *b, size_t *n) { (void)n; b[1] = 'X'; }
static void elf32(uint8_t *b, size_t *n) { (void)n; b[4] = 1; }
static void big_endian(uint8_t *b, size_t *n) { (void)n; b[5] = 2; }
static void wrong_machine(uint8_t *b, size_t *n) { (void)n; b[18] = 3; }
static void not_exec(uint8_t *b, size_t *n) { (void)n; b[16] = 1; }
static void no_phdrs(uint8_t *b, size_t *n) { (void)n; b[56] = 0; b[57] = 0; }
static void phentsize(uint8_t *b, size_t *n) { (void)n; b[54] = 32; }
static void too_many_phdrs(uint8_t *b, size_t *n) { (void)n; b[56] = 0xff; b[57] = 0xff; }
static void phoff_huge(uint8_t *b, size_t *n) { (void)n; put64(b + 32, ~0ULL - 8); }

static void seg3_past_end(uint8_t *b, size_t *n)
{
    put64(b + mkelf_phdr_offset(3) + 32, *n);            /* filesz = whole file */
    put64(b + mkelf_phdr_offset(3) + 40, *n + 0x10000);
}
static void seg_offset_wraps(uint8_t *b, size_t *n)
{
    (void)n;
    put64(b + mkelf_phdr_offset(1) + 8, ~0ULL - 0x10);
}
static void filesz_gt_memsz(uint8_t *b, size_t *n)
{
    (void)n;
    put64(b + mkelf_phdr_offset(0) + 40, 0x100);
}
static void huge_memsz(uint8_t *b, size_t *n)
{
    (void)n;
    put64(b + mkelf_phdr_offset(3) + 40, 1ULL << 40);
}
static void paddr_wraps(uint8_t *b, size_t *n)
{
    (void)n;
    put64(b + mkelf_phdr_offset(3) + 24, ~0ULL - 0x100);
}
static void overlap(uint8_t *b, size_t *n)
{
    (void)n;
    put64(b + mkelf_phdr_offset(1) + 24, 0x1002000);      /* into the text segment */
}
static void span_over_1g(uint8_t *b, size_t *n)
{
    (void)n;
    put64(b + mkelf_phdr_offset(3) + 24, 0x1000000 + (1ULL << 30));
}
static void no_load(uint8_t *b, size_t *n)
{
    (void)n;
    for (unsigned int i = 0; i < 4; i++)
        b[mkelf_phdr_offset(i)] = 6;                      /* PT_PHDR */
}

struct bad_case {
    const char *name;
    void (*mod)(uint8_t *, size_t *);
    int err;
    const char *reason;
};

static const struct bad_case bad_cases[] = {
    { "truncated header", trunc_header, -ENOEXEC, "too small" },
    { "truncated phdr table", trunc_phdrs, -ENOEXEC, "program header table runs past" },
    { "bad magic", bad_magic, -ENOEXEC, "bad magic" },
    { "ELF32", elf32, -ENOEXEC, "64-bit" },
    { "big endian", big_endian, -ENOEXEC, "little-endian" },
    { "wrong machine", wrong_machine, -ENOEXEC, "x86-64" },
    { "not executable", not_exec, -ENOEXEC, "not an executable" },
    { "no program headers", no_phdrs, -ENOEXEC, "no program headers" },
    { "bad phentsize", phentsize, -ENOEXEC, "program header size" },
    { "too many phdrs", too_many_phdrs, -E2BIG, "too many program headers" },
    { "phoff overflow", phoff_huge, -ENOEXEC, "program header table runs past" },
    { "segment past end", seg3_past_end, -ENOEXEC,
      "kernel: ELF program header 3 runs past the end of the file" },
    { "segment offset wraps", seg_offset_wraps, -ENOEXEC, "program header 1 runs past the end" },
    { "filesz > memsz", filesz_gt_memsz, -ENOEXEC, "exceeds memory size" },
    { "huge memsz", huge_memsz, -E2BIG, "too large" },
    { "paddr wraps", paddr_wraps, -ENOEXEC, "wraps" },
    { "overlapping segments", overlap, -ENOEXEC, "overlap" },
    { "span over 1 GiB", span_over_1g, -E2BIG, "more than 1 GiB" },
    { "no PT_LOAD", no_load, -ENOEXEC, "no loadable segment" },
};

Test(libelf, malformed_images_rejected)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        size_t n;
        int rc = parse_linux_modified(bad_cases[i].mod, &n);

        cr_expect_eq(rc, bad_cases[i].err, "%s: rc %d (%s)", bad_cases[i].name, rc, img.reason);
        cr_expect(strstr(img.reason, bad_cases[i].reason) != NULL, "%s: reason '%s' lacks '%s'",
                  bad_cases[i].name, img.reason, bad_cases[i].reason);
        cr_expect(strncmp(img.reason, "kernel: ", 8) == 0, "%s: reason '%s' not prefixed",
                  bad_cases[i].name, img.reason);
    }
}

Test(libelf, every_truncation_fails_cleanly)
{
    size_t full = mkelf_linux(img_buf, CAP);

    /* Each prefix either fails, or (once all referenced data is present) parses. */
    for (size_t n = 0; n < full; n++) {
        uint8_t *copy = malloc(n ? n : 1);

        memcpy(copy, img_buf, n);
        int rc = elf_parse(&img, copy, n, "kernel");
        if (rc == 0)
            cr_expect(n >= 0x1000, "a %zu-byte prefix parsed", n);
        else
            cr_expect(img.reason[0] != '\0', "no reason at length %zu", n);
        free(copy);
    }
}

Test(libelf, null_image)
{
    cr_expect_eq(elf_parse(&img, NULL, 100, "kernel"), -EINVAL);
}

/* Build a small image with the given notes (valid segment, entry inside). */
static int parse_with_notes(const struct mk_note *notes, unsigned int nn)
{
    static const struct mk_seg segs[] = { { 0, 0x100000, 0x100000, 0x2000, 0x2000, 0 } };
    struct mk_spec spec = { .entry = 0x100000, .segs = segs, .nsegs = 1, .notes = notes, .nnotes = nn };
    size_t n = mkelf(img_buf, CAP, &spec);

    cr_assert(n);
    return elf_parse(&img, img_buf, n, "kernel");
}

Test(libelf, policy_missing_xen_version)
{
    static const struct mk_note notes[] = { MK_NOTE_STR(6, "linux"), MK_NOTE_STR(8, "generic") };

    cr_assert_eq(parse_with_notes(notes, 2), 0, "%s", img.reason);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), -EINVAL);
    expect_reason("XEN_VERSION");
}

Test(libelf, policy_plain_elf_without_notes)
{
    cr_assert_eq(parse_with_notes(NULL, 0), 0, "%s", img.reason);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), -EINVAL);
    expect_reason("not a Xen PV kernel");
}

Test(libelf, policy_wrong_xen_version)
{
    static const struct mk_note notes[] = { MK_NOTE_STR(5, "xen-2.0"), MK_NOTE_STR(8, "generic") };

    cr_assert_eq(parse_with_notes(notes, 2), 0);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), -EINVAL);
    expect_reason("xen-2.0");
}

Test(libelf, policy_missing_loader_and_guest_os)
{
    static const struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(6, "netbsd") };

    cr_assert_eq(parse_with_notes(notes, 2), 0);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), -EINVAL);
    expect_reason("LOADER");
}

Test(libelf, unknown_required_feature_refused)
{
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(8, "generic"),
        MK_NOTE_STR(10, "writable_page_tables|!time_travel"),
    };

    cr_expect_eq(parse_with_notes(notes, 3), -EOPNOTSUPP);
    expect_reason("time_travel");
}

Test(libelf, required_feature_not_offered)
{
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(8, "generic"),
        MK_NOTE_STR(10, "!auto_translated_physmap"),
    };

    cr_assert_eq(parse_with_notes(notes, 3), 0, "%s", img.reason);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), -EOPNOTSUPP);
    expect_reason("auto_translated_physmap");
}

Test(libelf, dom0_needs_supported_features_bit_11)
{
    static const uint32_t sf = 1u << 1;          /* note present, dom0 bit clear */
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(6, "linux"), MK_NOTE_U32(17, &sf),
    };

    cr_assert_eq(parse_with_notes(notes, 3), 0, "%s", img.reason);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, 0), 0, "domU must be fine: %s",
                 img.reason);
    cr_expect_eq(elf_xen_check(&img, LINUX_HV_FEATURES, ELF_CHECK_DOM0), -EINVAL);
    expect_reason("dom0");
}

Test(libelf, paddr_offset_without_virt_base)
{
    static const uint64_t off = 0x1000;
    static const struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_U64(4, &off) };

    cr_expect_eq(parse_with_notes(notes, 2), -EINVAL);
    expect_reason("PADDR_OFFSET");
}

Test(libelf, entry_outside_image)
{
    static const uint64_t e = 0x500000;
    static const struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_U64(1, &e) };

    cr_expect_eq(parse_with_notes(notes, 2), -EINVAL);
    expect_reason("entry point");
}

Test(libelf, virt_base_above_image)
{
    static const uint64_t vb = 0x200000, off = 0x200000;   /* image lands at 0x100000 */
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_U64(3, &vb), MK_NOTE_U64(4, &off),
    };

    cr_expect_eq(parse_with_notes(notes, 3), -EINVAL);
    expect_reason("VIRT_BASE");
}

Test(libelf, image_wraps_address_space)
{
    /* image at paddr 0x100000, 0x2000 long: starts at 2^64 - 4 KiB, ends past 2^64 */
    static const uint64_t vb = 0xffffffffffeff000ULL, off = 0;
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_U64(3, &vb), MK_NOTE_U64(4, &off),
    };

    cr_expect_eq(parse_with_notes(notes, 3), -EINVAL);
    expect_reason("wraps");
}

Test(libelf, init_p2m_inside_image)
{
    static const uint64_t p2m = 0x101000, entry = 0x100000;
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_U64(15, &p2m), MK_NOTE_U64(1, &entry),
    };

    cr_expect_eq(parse_with_notes(notes, 3), -EINVAL);
    expect_reason("INIT_P2M");
}

Test(libelf, hypercall_page_checks)
{
    static const uint64_t unaligned = 0x100800, outside = 0x300000, last = 0x101000;
    struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(8, "generic"), MK_NOTE_U64(2, &unaligned),
    };

    cr_assert_eq(parse_with_notes(notes, 3), 0);
    cr_expect_eq(elf_xen_check(&img, 0, 0), -EINVAL);
    expect_reason("not page-aligned");
    notes[2].desc = &outside;
    cr_assert_eq(parse_with_notes(notes, 3), 0);
    cr_expect_eq(elf_xen_check(&img, 0, 0), -EINVAL);
    expect_reason("outside the image");
    notes[2].desc = &last;                       /* the image's last page: fine */
    cr_assert_eq(parse_with_notes(notes, 3), 0);
    cr_expect_eq(elf_xen_check(&img, 0, 0), 0, "%s", img.reason);
}

Test(libelf, bad_note_values)
{
    static const uint8_t three[3] = { 1, 2, 3 };
    static const char unterminated[4] = { 'x', 'e', 'n', '-' };
    struct mk_note num[] = { { NULL, 3, three, 3 } };
    struct mk_note str[] = { { NULL, 5, unterminated, 4 } };

    cr_expect_eq(parse_with_notes(num, 1), -ENOEXEC);
    expect_reason("VIRT_BASE has a 3-byte value");
    /* Like Xen (and Linux's FEATURES note needs it), no terminator is needed. */
    cr_expect_eq(parse_with_notes(str, 1), 0, "%s", img.reason);
    cr_expect_str_eq(img.notes.xen_version, "xen-");
}

Test(libelf, long_note_string_truncated)
{
    static const char longname[] = "linux-with-a-very-long-guest-os-name-that-goes-on-and-on-and-on-"
                                   "and-on";
    struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), MK_NOTE_STR(6, longname),
                               { NULL, 10, "!writable_page_tables|dom0", 26 } };

    cr_assert_eq(parse_with_notes(notes, 3), 0, "%s", img.reason);
    cr_expect_eq(strlen(img.notes.guest_os), ELF_NOTE_STR_MAX - 1);
    cr_expect(strncmp(img.notes.guest_os, longname, ELF_NOTE_STR_MAX - 1) == 0);
    cr_expect_eq(img.notes.features_required, 1u);
    cr_expect_eq(img.notes.features_supported, 1u | (1u << 11));
}

Test(libelf, note_running_past_segment)
{
    size_t n = mkelf_small(img_buf, CAP);
    /* The first note is at the start of the PT_NOTE segment; inflate its descsz. */
    uint64_t note_off = 64 + 2 * 56;

    img_buf[note_off + 4] = 0xff;
    img_buf[note_off + 5] = 0xff;
    cr_expect_eq(elf_parse(&img, img_buf, n, "kernel"), -ENOEXEC);
    expect_reason("runs past its segment");
}

Test(libelf, numeric_note_sizes)
{
    static const uint8_t one = 0x01;
    static const uint16_t two = 0x0102;
    static const uint32_t four = 0x01020304;
    struct mk_note notes[] = { MK_NOTE_STR(5, "xen-3.0"), { NULL, 16, &one, 1 }, { NULL, 17, &two, 2 },
                               { NULL, 14, &four, 4 } };

    cr_assert_eq(parse_with_notes(notes, 4), 0, "%s", img.reason);
    cr_expect(img.notes.mod_start_pfn);
    cr_expect_eq(img.notes.supported_features, 0x0102);
    cr_expect(img.notes.suspend_cancel);
}

Test(libelf, feature_names)
{
    cr_expect_str_eq(elf_xen_feature_name(11), "dom0");
    cr_expect_str_eq(elf_xen_feature_name(0), "writable_page_tables");
    cr_expect_null(elf_xen_feature_name(31));
    cr_expect_null(elf_xen_feature_name(40));
}

Test(libelf, hypercall_page_stubs)
{
    static uint8_t page[4096];
    static const uint8_t stub0[14] = { 0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0, 0x0f, 0x05,
                                       0x41, 0x5b, 0x59, 0xc3 };
    static const uint8_t iret[11] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };

    memset(page, 0, sizeof(page));
    xen_hypercall_page_init(page);
    cr_expect_arr_eq(page, stub0, sizeof(stub0));
    cr_expect_eq(page[14], 0xcc, "padding is int3");
    cr_expect_eq(page[31], 0xcc);
    /* stub 17 (xen_version): number in the mov immediate */
    cr_expect_eq(page[17 * 32 + 3], 0xb8);
    cr_expect_eq(page[17 * 32 + 4], 17);
    cr_expect_eq(page[17 * 32 + 13], 0xc3);
    cr_expect_arr_eq(page + 23 * 32, iret, sizeof(iret));
    cr_expect_eq(page[23 * 32 + 11], 0xcc, "iret stub does not return");
    cr_expect_eq(page[127 * 32 + 4], 127);
}
