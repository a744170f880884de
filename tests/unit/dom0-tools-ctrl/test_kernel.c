/*
 * test_kernel.c — kernel loading for the PV builder: plain ELF, bzImage
 * with xz/gzip/zstd payloads, the decompressed-kernel cache, and the
 * messages for files that are not kernels.  No hypervisor needed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "builder.h"
#include "mkkernel.h"

static void load_ok(const char *path, const char *cache, const uint8_t *want, size_t want_len,
                    bool want_cached)
{
    struct pv_kernel k;
    struct pv_kernel_opts o = { cache };
    struct errbuf eb;
    eb_clear(&eb);
    int rc = pv_kernel_load(path, &o, &k, &eb);
    cr_assert_eq(rc, 0, "load %s: %s", path, eb.msg);
    cr_assert_eq(k.elf_size, want_len);
    cr_assert_eq(memcmp(k.elf, want, want_len), 0);
    cr_assert_eq(k.from_cache, want_cached, "%s: from_cache %d", path, k.from_cache);
    struct elf_image *img = malloc(sizeof(*img));
    cr_assert_eq(pv_kernel_parse(&k, img, &eb), 0, "%s", eb.msg);
    cr_assert_eq(img->virt_base, 0xffffffff80000000ULL);
    cr_assert_eq(img->virt_kstart, 0xffffffff81000000ULL);
    free(img);
    pv_kernel_free(&k);
}

static void load_fails(const char *path, const char *expect_substr)
{
    struct pv_kernel k;
    struct pv_kernel_opts o = { NULL };
    struct errbuf eb;
    eb_clear(&eb);
    int rc = pv_kernel_load(path, &o, &k, &eb);
    cr_assert_lt(rc, 0, "%s loaded although it should not", path);
    cr_assert_eq(eb.err, rc);
    cr_assert(strstr(eb.msg, expect_substr) != NULL, "message \"%s\" lacks \"%s\"", eb.msg, expect_substr);
    cr_assert(strstr(eb.msg, path) != NULL, "message \"%s\" does not name %s", eb.msg, path);
}

Test(ctrl_kernel, plain_elf)
{
    size_t n;
    uint8_t *e = mk_pv_elf(&n);
    load_ok(mk_file("vmlinux", e, n), NULL, e, n, false);
    free(e);
}

Test(ctrl_kernel, bzimage_xz_gzip_zstd)
{
    size_t n, bn;
    uint8_t *e = mk_pv_elf(&n);
    static const char *names[] = { "bz-xz", "bz-gzip", "bz-zstd" };
    for (int c = MK_XZ; c <= MK_ZSTD; c++) {
        uint8_t *bz = mk_bzimage(e, n, (enum mk_comp)c, &bn);
        load_ok(mk_file(names[c], bz, bn), NULL, e, n, false);
        free(bz);
    }
    free(e);
}

Test(ctrl_kernel, cache_hit_and_invalidation)
{
    size_t n, bn;
    char cache[256], path[256];
    uint8_t *e = mk_pv_elf(&n);
    uint8_t *bz = mk_bzimage(e, n, MK_XZ, &bn);
    snprintf(cache, sizeof(cache), "%s/cache", mk_tmpdir());
    snprintf(path, sizeof(path), "%s", mk_file("vmlinuz", bz, bn));
    load_ok(path, cache, e, n, false);
    load_ok(path, cache, e, n, true);
    /* Replace the file with different bytes: the stale entry must not be used. */
    e[0x1800] ^= 0xff;
    free(bz);
    bz = mk_bzimage(e, n, MK_GZIP, &bn);
    unlink(path);
    mk_file("vmlinuz", bz, bn);
    load_ok(path, cache, e, n, false);
    load_ok(path, cache, e, n, true);
    free(bz);
    free(e);
}

Test(ctrl_kernel, corrupt_payload)
{
    size_t n, bn;
    uint8_t *e = mk_pv_elf(&n);
    uint8_t *bz = mk_bzimage(e, n, MK_XZ, &bn);
    for (size_t i = 1100; i < 1200 && i < bn; i++)
        bz[i] ^= 0x5a;
    load_fails(mk_file("bad-xz", bz, bn), "payload");
    free(bz);
    bz = mk_bzimage(e, n, MK_GZIP, &bn);
    bz[bn - 20] ^= 0xff;        /* breaks the deflate stream or its CRC */
    load_fails(mk_file("bad-gz", bz, bn), "payload");
    free(bz);
    free(e);
}

Test(ctrl_kernel, not_kernels)
{
    char junk[4096];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i * 31 + 7);
    load_fails(mk_file("junk", junk, sizeof(junk)), "not an ELF or bzImage");
    load_fails(mk_file("empty", "", 0), "not an ELF or bzImage");
    char missing[256];
    snprintf(missing, sizeof(missing), "%s/does-not-exist", mk_tmpdir());
    load_fails(missing, "ENOENT");
    load_fails(mk_tmpdir(), "EISDIR");
}

Test(ctrl_kernel, elf_without_xen_notes_or_truncated)
{
    size_t n;
    uint8_t *e = mk_pv_elf(&n);
    uint8_t *c = malloc(n);
    memcpy(c, e, n);
    ((uint16_t *)(c + 56))[0] = 1;      /* e_phnum = 1: the note segment is gone */
    struct pv_kernel k;
    struct errbuf eb;
    eb_clear(&eb);
    const char *p = mk_file("nonotes", c, n);
    cr_assert_lt(pv_kernel_load(p, NULL, &k, &eb), 0);
    cr_assert(strstr(eb.msg, p) != NULL, "%s", eb.msg);
    /* Truncations at every header boundary: errors, never crashes. */
    for (size_t cut = 1; cut < 0x1800; cut += 97) {
        eb_clear(&eb);
        cr_assert_lt(pv_kernel_load(mk_file("trunc", e, cut), NULL, &k, &eb), 0, "cut %zu", cut);
    }
    free(c);
    free(e);
}
