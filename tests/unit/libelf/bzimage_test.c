/*
 * bzimage_test.c — Criterion tests for the bzImage setup-header parser and
 * the compressed-format detection in hypervisor/common/libelf/bzimage.c.
 * Images are synthesised here: a setup area with the header fields at
 * their documented offsets, then a payload with a compressor's magic and
 * the 4-byte decompressed-size trailer Linux appends.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <xen/libelf.h>

static uint8_t bz[16384];
static char reason[160];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* setup_sects 3 -> protected-mode code at 2048; payload 0x100 bytes in. */
static size_t make_bz(uint16_t version, uint8_t sects, const uint8_t *magic, size_t mlen)
{
    size_t pm = ((size_t)(sects ? sects : 4) + 1) * 512, poff = 0x100, plen = 1000;

    memset(bz, 0, sizeof(bz));
    bz[0x1f1] = sects;
    put16(bz + 0x1fe, 0xaa55);
    memcpy(bz + 0x202, "HdrS", 4);
    put16(bz + 0x206, version);
    put32(bz + 0x248, (uint32_t)poff);
    put32(bz + 0x24c, (uint32_t)plen);
    memcpy(bz + pm + poff, magic, mlen);
    put32(bz + pm + poff + plen - 4, 66u << 20);    /* decompressed size trailer */
    return pm + poff + plen + 64;
}

static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

Test(bzimage, debian_like_xz_payload)
{
    struct bzimage_info bi;
    size_t n = make_bz(0x020f, 3, xz_magic, sizeof(xz_magic));

    cr_assert_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), 1, "%s", reason);
    cr_expect_eq(bi.version, 0x020f);
    cr_expect_eq(bi.setup_size, 2048);
    cr_expect_eq(bi.payload_offset, 2048 + 0x100);
    cr_expect_eq(bi.payload_length, 1000);
    cr_expect_eq(bi.payload_format, KFMT_XZ);
    cr_expect_eq(bi.decompressed_size, 66u << 20);
    cr_expect_str_eq(kernel_format_name(bi.payload_format), "xz");
}

Test(bzimage, zero_setup_sects_means_four)
{
    struct bzimage_info bi;
    static const uint8_t gz[] = { 0x1f, 0x8b, 0x08 };
    size_t n = make_bz(0x0208, 0, gz, sizeof(gz));

    cr_assert_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), 1, "%s", reason);
    cr_expect_eq(bi.setup_size, 5 * 512);
    cr_expect_eq(bi.payload_format, KFMT_GZIP);
}

Test(bzimage, not_a_bzimage)
{
    struct bzimage_info bi;
    size_t n = make_bz(0x020f, 3, xz_magic, sizeof(xz_magic));

    bz[0x202] = 'X';
    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), 0);
    cr_expect_eq(bzimage_parse(bz, 0x100, &bi, "kernel", reason, sizeof(reason)), 0);
    cr_expect_eq(bzimage_parse(NULL, 0, &bi, "kernel", reason, sizeof(reason)), 0);
}

Test(bzimage, old_protocol_refused)
{
    struct bzimage_info bi;
    size_t n = make_bz(0x0206, 3, xz_magic, sizeof(xz_magic));

    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), -ENOEXEC);
    cr_expect(strstr(reason, "2.06") && strstr(reason, "2.08"), "reason: %s", reason);
    cr_expect(strncmp(reason, "kernel: ", 8) == 0);
}

Test(bzimage, payload_outside_file)
{
    struct bzimage_info bi;
    size_t n = make_bz(0x020f, 3, xz_magic, sizeof(xz_magic));

    put32(bz + 0x24c, 0xffffffffu);
    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), -ENOEXEC);
    cr_expect(strstr(reason, "not inside"), "reason: %s", reason);
    put32(bz + 0x24c, 1000);
    put32(bz + 0x248, 0xfffffff0u);
    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), -ENOEXEC);
    put32(bz + 0x248, 0x100);
    put32(bz + 0x24c, 2);                       /* shorter than the size trailer */
    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), -ENOEXEC);
}

Test(bzimage, unknown_payload_format)
{
    struct bzimage_info bi;
    static const uint8_t junk[] = { 0x12, 0x34, 0x56, 0x78 };
    size_t n = make_bz(0x020f, 3, junk, sizeof(junk));

    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), -EOPNOTSUPP);
    cr_expect(strstr(reason, "12 34 56 78"), "reason: %s", reason);
}

Test(bzimage, missing_boot_flag)
{
    struct bzimage_info bi;
    size_t n = make_bz(0x020f, 3, xz_magic, sizeof(xz_magic));

    bz[0x1fe] = 0;
    cr_expect_eq(bzimage_parse(bz, n, &bi, "kernel", reason, sizeof(reason)), -ENOEXEC);
}

Test(bzimage, format_detection)
{
    static const struct { uint8_t m[6]; size_t len; enum kernel_format f; } cases[] = {
        { { 0x7f, 'E', 'L', 'F' }, 4, KFMT_ELF },
        { { 0x1f, 0x8b }, 2, KFMT_GZIP },
        { { 'B', 'Z', 'h' }, 3, KFMT_BZIP2 },
        { { 0x5d, 0, 0 }, 3, KFMT_LZMA },
        { { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, KFMT_XZ },
        { { 0x89, 'L', 'Z', 'O' }, 4, KFMT_LZO },
        { { 0x02, 0x21, 0x4c, 0x18 }, 4, KFMT_LZ4 },
        { { 0x28, 0xb5, 0x2f, 0xfd }, 4, KFMT_ZSTD },
        { { 0x00, 0x00 }, 2, KFMT_UNKNOWN },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_expect_eq(kernel_format_detect(cases[i].m, cases[i].len), cases[i].f, "case %zu", i);
        if (cases[i].len > 1 && cases[i].f != KFMT_UNKNOWN)
            cr_expect_eq(kernel_format_detect(cases[i].m, cases[i].len - 1), KFMT_UNKNOWN,
                         "truncated case %zu", i);
    }
    cr_expect_eq(kernel_format_detect(NULL, 10), KFMT_UNKNOWN);
}
