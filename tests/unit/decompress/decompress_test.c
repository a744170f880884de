/*
 * decompress_test.c — Criterion tests for the hypervisor's xz and gzip
 * decompressors, built for the host with AddressSanitizer so that any read
 * or write outside the buffers fails the test.
 *
 * Inputs are generated at test time with Debian's xz and gzip (and Python's
 * zlib for deflate block types gzip does not choose on its own), from data
 * made here: pseudo-text, real x86 code (Debian's libc, for the BCJ
 * filter), incompressible bytes, runs of zeros.  Output buffers are
 * allocated at exactly the expected size so an overshoot is caught.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/decompress.h>

/* Assertion failures leave buffers behind; leak reports would only add noise. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}

struct buf {
    uint8_t *p;
    size_t len;
};

static char dir[64];

static void setup(void)
{
    strcpy(dir, "/tmp/dctest.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd)) {
        /* leaving a temp dir behind is not a test failure */
    }
}

TestSuite(decompress, .init = setup, .fini = teardown, .timeout = 120);

static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static void put(const char *name, const void *data, size_t len)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static struct buf get_path(const char *path)
{
    struct buf b = { NULL, 0 };
    FILE *f = fopen(path, "rb");
    long n;

    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.len = (size_t)n;
    b.p = malloc(b.len ? b.len : 1);
    cr_assert_not_null(b.p);
    cr_assert_eq(fread(b.p, 1, b.len, f), b.len);
    fclose(f);
    return b;
}

static struct buf get(const char *name)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return get_path(path);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Pseudo-text: words from a small vocabulary, compressible like prose. */
static struct buf gen_text(size_t len)
{
    static const char *words[] = {
        "xen", "hypervisor", "domain", "page", "table", "grant", "event",
        "channel", "the", "of", "and", "a", "to", "in", "is", "virtual",
        "machine", "frame", "number", "kernel", "\n", "console", "ring",
    };
    struct buf b = { malloc(len ? len : 1), len };
    size_t i = 0;

    cr_assert_not_null(b.p);
    while (i < len) {
        const char *w = words[rnd() % (sizeof(words) / sizeof(words[0]))];

        while (*w && i < len)
            b.p[i++] = (uint8_t)*w++;
        if (i < len)
            b.p[i++] = ' ';
    }
    return b;
}

static struct buf gen_random(size_t len)
{
    struct buf b = { malloc(len ? len : 1), len };
    size_t i;

    cr_assert_not_null(b.p);
    for (i = 0; i < len; i++)
        b.p[i] = (uint8_t)rnd();
    return b;
}

/* Real x86 code: libc (always there on Debian), repeated to len. */
static struct buf gen_code(size_t len)
{
    struct buf a = get_path("/usr/lib/x86_64-linux-gnu/libc.so.6");
    struct buf b = { malloc(len), len };
    size_t i;

    cr_assert_not_null(b.p);
    for (i = 0; i < len; i++)
        b.p[i] = a.p[i % a.len];
    free(a.p);
    return b;
}

/*
 * Compress `data` with the shell command `cmd` (reading stdin, writing
 * stdout), then check size query and decompression into an exact buffer,
 * and that one byte less is refused.
 */
static void roundtrip_tail(struct buf data, const char *cmd, bool exact_size,
                           const void *tail, size_t tail_len, bool consumed)
{
    struct buf c, out;
    size_t size = 0, out_len = 0, used = 0;
    const char *why = "";
    void *ws = malloc(decompress_workspace_size());
    int rc;

    cr_assert_not_null(ws);
    put("in", data.p, data.len);
    cr_assert_eq(sh("%s < %s/in > %s/in.c", cmd, dir, dir), 0, "%s failed", cmd);
    c = get("in.c");
    if (tail_len) {
        c.p = realloc(c.p, c.len + tail_len);
        cr_assert_not_null(c.p);
        memcpy(c.p + c.len, tail, tail_len);
        c.len += tail_len;
    }

    rc = decompress_size(c.p, c.len, &size, &why);
    cr_assert_eq(rc, 0, "%s: size query: %s", cmd, why);
    if (exact_size)
        cr_assert_eq(size, data.len, "%s: size %zu, want %zu", cmd, size,
                     data.len);
    else
        cr_assert_eq((uint32_t)size, (uint32_t)data.len);

    out.len = data.len;
    out.p = malloc(out.len ? out.len : 1);
    cr_assert_not_null(out.p);
    rc = decompress_ex(c.p, c.len, out.p, out.len, &out_len, &used, ws,
                       decompress_workspace_size(), &why);
    cr_assert_eq(rc, 0, "%s: %s", cmd, why);
    cr_assert_eq(out_len, data.len);
    cr_assert_eq(used, consumed ? c.len : c.len - tail_len,
                 "%s: used %zu of %zu", cmd, used, c.len);
    cr_assert(memcmp(out.p, data.p, data.len) == 0, "%s: output differs", cmd);

    if (data.len) {
        rc = decompress_ex(c.p, c.len, out.p, out.len - 1, &out_len, NULL,
                           ws, decompress_workspace_size(), &why);
        cr_assert_eq(rc, -DECOMP_ENOSPC, "%s: short buffer gave %d (%s)",
                     cmd, rc, why);
    }
    free(out.p);
    free(c.p);
    free(ws);
}

static void roundtrip(struct buf data, const char *cmd, bool exact)
{
    roundtrip_tail(data, cmd, exact, NULL, 0, false);
}

static void roundtrip_xz_all(struct buf d)
{
    roundtrip(d, "xz -c", true);
    roundtrip(d, "xz -c --check=crc32 --x86 --lzma2=dict=32MiB", true);
    roundtrip(d, "xz -c --check=crc64", true);
    roundtrip(d, "xz -c --check=none", true);
    roundtrip(d, "xz -c -0", true);
}

Test(decompress, xz_empty)
{
    struct buf d = { (uint8_t *)"", 0 };

    roundtrip_xz_all(d);
}

Test(decompress, xz_one_byte)
{
    struct buf d = { (uint8_t *)"A", 1 };

    roundtrip_xz_all(d);
}

Test(decompress, xz_text)
{
    struct buf d = gen_text(300000);

    roundtrip_xz_all(d);
    roundtrip(d, "xz -c -9e", true);
    roundtrip(d, "xz -c --lzma2=lc=0,lp=0,pb=0", true);
    roundtrip(d, "xz -c --lzma2=lc=1,lp=3,pb=4", true);
    roundtrip(d, "xz -c --lzma2=lc=4,lp=0,pb=2", true);
    roundtrip(d, "xz -c --lzma2=dict=4KiB", true);
    free(d.p);
}

Test(decompress, xz_incompressible)
{
    /* LZMA2 stores incompressible data in uncompressed chunks */
    struct buf d = gen_random(1 << 20);

    roundtrip_xz_all(d);
    free(d.p);
}

Test(decompress, xz_x86_code_bcj)
{
    struct buf d = gen_code(2 << 20);

    roundtrip(d, "xz -c --check=crc32 --x86 --lzma2=dict=32MiB", true);
    roundtrip(d, "xz -c --check=crc64 --x86=start=4096 --lzma2", true);
    free(d.p);
}

Test(decompress, xz_large_multi_block)
{
    struct buf d = gen_text(5 << 20);

    /* several MB, blocks with sizes in their headers, two threads' worth */
    roundtrip(d, "xz -c -3 --block-size=1MiB", true);
    roundtrip(d, "xz -c -3 -T2 --block-size=3MiB --check=crc64", true);
    free(d.p);
}

/* Regression: long runs made the chunk end without a final normalization. */
Test(decompress, xz_zeros_regression)
{
    struct buf d = { calloc(1, 1000000), 1000000 };

    roundtrip(d, "xz -c", true);
    roundtrip(d, "xz -c --x86 --lzma2", true);
    free(d.p);
}

Test(decompress, xz_concatenated_padded_and_trailing)
{
    static const uint8_t linux_size[4] = { 0xe0, 0x93, 0x04, 0x00 };
    static const uint8_t zeros[8] = { 0 };
    struct buf d = gen_text(50000), c, out;
    size_t size, out_len, used;
    const char *why;
    int rc;

    /* Linux appends the uncompressed size after the payload */
    roundtrip_tail(d, "xz -c --check=crc32", true, linux_size, 4, false);
    /* stream padding is consumed */
    roundtrip_tail(d, "xz -c", true, zeros, 8, true);

    /* two streams with padding between them decode to both */
    put("in", d.p, d.len);
    cr_assert_eq(sh("cd %s && xz -c in > a.xz && head -c 1000 in | "
                    "xz -c --check=none > b.xz && head -c 4 /dev/zero > pad && "
                    "cat a.xz pad b.xz > ab.xz", dir), 0);
    c = get("ab.xz");
    rc = decompress_size(c.p, c.len, &size, &why);
    cr_assert_eq(rc, 0, "%s", why);
    cr_assert_eq(size, d.len + 1000);
    out.p = malloc(size);
    rc = decompress(c.p, c.len, out.p, size, &out_len, &why);
    cr_assert_eq(rc, 0, "%s", why);
    cr_assert_eq(out_len, size);
    cr_assert(!memcmp(out.p, d.p, d.len) && !memcmp(out.p + d.len, d.p, 1000));
    rc = decompress_ex(c.p, c.len, out.p, size, &out_len, &used,
                       malloc(decompress_workspace_size()),
                       decompress_workspace_size(), &why);
    cr_assert_eq(rc, 0);
    cr_assert_eq(used, c.len);
    free(out.p);
    free(c.p);
    free(d.p);
}

static void expect_error(const char *cmd, struct buf d, int err,
                         const char *why_part)
{
    struct buf c, out = { malloc(d.len + 1), d.len + 1 };
    size_t out_len;
    const char *why = NULL;
    int rc;

    put("in", d.p, d.len);
    cr_assert_eq(sh("%s < %s/in > %s/in.c", cmd, dir, dir), 0);
    c = get("in.c");
    rc = decompress(c.p, c.len, out.p, out.len, &out_len, &why);
    cr_assert_eq(rc, -err, "%s: got %d (%s)", cmd, rc, why ? why : "");
    cr_assert_not_null(why);
    cr_assert_not_null(strstr(why, why_part), "%s: reason '%s'", cmd, why);
    free(c.p);
    free(out.p);
}

Test(decompress, xz_unsupported_rejected_with_reason)
{
    struct buf d = gen_text(10000);

    expect_error("xz -c --check=sha256", d, DECOMP_EOPNOTSUPP, "SHA-256");
    expect_error("xz -c --delta=dist=4 --lzma2", d, DECOMP_EOPNOTSUPP, "filter");
    expect_error("xz -c --arm --lzma2", d, DECOMP_EOPNOTSUPP, "filter");
    expect_error("xz -c --format=lzma", d, DECOMP_ENOEXEC, "neither");
    free(d.p);
}

Test(decompress, gzip_roundtrips)
{
    struct buf e = { (uint8_t *)"", 0 }, one = { (uint8_t *)"Z", 1 };
    struct buf t = gen_text(400000), r = gen_random(300000);
    struct buf code = gen_code(5 << 20);

    roundtrip(e, "gzip -c", false);
    roundtrip(one, "gzip -c", false);
    roundtrip(t, "gzip -c -1", false);
    roundtrip(t, "gzip -c -9", false);
    roundtrip(t, "gzip -c -n", false);
    roundtrip(r, "gzip -c", false);        /* stored blocks */
    roundtrip(code, "gzip -c -6", false);  /* several MB */
    free(t.p);
    free(r.p);
    free(code.p);
}

/* Python's zlib: fixed-Huffman blocks, and header fields gzip never sets. */
Test(decompress, gzip_fixed_blocks_and_header_fields)
{
    struct buf t = gen_text(100000);

    roundtrip(t, "python3 -c \"import sys,zlib,struct;"
              "d=sys.stdin.buffer.read();"
              "c=zlib.compressobj(9,zlib.DEFLATED,-15,9,zlib.Z_FIXED);"
              "z=c.compress(d)+c.flush();"
              "h=bytes([0x1f,0x8b,8,0x1e,0,0,0,0,0,3])+struct.pack('<H',3)"
              "+b'abc'+b'name\\0'+b'comment\\0';"
              "h+=struct.pack('<H',zlib.crc32(h)&0xffff);"
              "sys.stdout.buffer.write(h+z+struct.pack('<II',"
              "zlib.crc32(d),len(d)&0xffffffff))\"", false);
    /*
     * Many small blocks of every kind (stored, fixed, dynamic, Huffman-only,
     * RLE): one raw deflate stream per slice, ended by a full flush so the
     * next starts on a byte boundary, then an empty final block.
     */
    roundtrip(t, "python3 -c \"import sys,zlib,struct;"
              "d=sys.stdin.buffer.read();o=b'';S=[0,zlib.Z_FIXED,"
              "zlib.Z_HUFFMAN_ONLY,zlib.Z_RLE];"
              "exec('for i in range(0,len(d),7000):\\n"
              " c=zlib.compressobj(i//7000%10,zlib.DEFLATED,-15,8,S[i//7000%4])\\n"
              " o+=c.compress(d[i:i+7000])+c.flush(zlib.Z_FULL_FLUSH)');"
              "o+=zlib.compressobj(6,zlib.DEFLATED,-15).flush();"
              "h=bytes([0x1f,0x8b,8,0,0,0,0,0,0,3]);"
              "sys.stdout.buffer.write(h+o+struct.pack('<II',"
              "zlib.crc32(d),len(d)&0xffffffff))\"", false);
    free(t.p);
}

Test(decompress, gzip_multi_member_and_trailing)
{
    struct buf t = gen_text(20000), c, out;
    const uint8_t linux_size[4] = { 20000 & 0xff, 20000 >> 8, 0, 0 };
    size_t out_len;
    const char *why;
    int rc;

    /* Linux appends the size after a gzip payload too */
    roundtrip_tail(t, "gzip -c", false, linux_size, 4, false);
    put("in", t.p, t.len);
    cr_assert_eq(sh("cd %s && gzip -c in > a.gz && cat a.gz a.gz > aa.gz", dir), 0);
    c = get("aa.gz");
    out.p = malloc(2 * t.len);
    rc = decompress(c.p, c.len, out.p, 2 * t.len, &out_len, &why);
    cr_assert_eq(rc, 0, "%s", why);
    cr_assert_eq(out_len, 2 * t.len);
    cr_assert(!memcmp(out.p, t.p, t.len) && !memcmp(out.p + t.len, t.p, t.len));
    free(out.p);
    free(c.p);
    free(t.p);
}

/*
 * Corruption: every byte flipped in turn, then every truncation.  A flip
 * must give an error or (for bytes nothing depends on, such as gzip's
 * MTIME) the original output; a truncation must always fail.
 */
static void corrupt_all(const char *cmd, size_t n)
{
    struct buf d = gen_text(n), c, out = { malloc(n), n };
    size_t out_len, i, errors = 0;
    const char *why;
    void *ws = malloc(decompress_workspace_size());
    int rc;

    put("in", d.p, d.len);
    cr_assert_eq(sh("%s < %s/in > %s/in.c", cmd, dir, dir), 0);
    c = get("in.c");
    for (i = 0; i < c.len * 8; i += 3) {
        c.p[i / 8] ^= (uint8_t)(1u << (i % 8));
        why = NULL;
        rc = decompress_ex(c.p, c.len, out.p, out.len, &out_len, NULL, ws,
                           decompress_workspace_size(), &why);
        c.p[i / 8] ^= (uint8_t)(1u << (i % 8));
        if (rc) {
            cr_assert_not_null(why);
            errors++;
        } else {
            cr_assert_eq(out_len, d.len, "%s: flip bit %zu: %zu bytes", cmd,
                         i, out_len);
            cr_assert(!memcmp(out.p, d.p, d.len),
                      "%s: flip bit %zu went unnoticed", cmd, i);
        }
    }
    cr_assert_gt(errors, c.len * 8 / 3 / 2);
    for (i = 0; i < c.len; i++) {
        uint8_t *t = malloc(i ? i : 1);   /* exact size: ASan sees overreads */

        memcpy(t, c.p, i);
        why = NULL;
        rc = decompress_ex(t, i, out.p, out.len, &out_len, NULL, ws,
                           decompress_workspace_size(), &why);
        cr_assert_neq(rc, 0, "%s: truncated to %zu accepted", cmd, i);
        cr_assert_not_null(why);
        free(t);
    }
    free(ws);
    free(c.p);
    free(d.p);
    free(out.p);
}

Test(decompress, xz_corruption_and_truncation)
{
    corrupt_all("xz -c --check=crc32 --x86 --lzma2", 6000);
    corrupt_all("xz -c --check=crc64", 3000);
}

Test(decompress, xz_corruption_without_check)
{
    /* no check: flips may decode to other data, but never crash */
    struct buf d = gen_text(5000), c, out = { malloc(5000), 5000 };
    size_t out_len, i;
    const char *why;

    put("in", d.p, d.len);
    cr_assert_eq(sh("xz -c --check=none < %s/in > %s/in.c", dir, dir), 0);
    c = get("in.c");
    for (i = 0; i < c.len * 8; i++) {
        c.p[i / 8] ^= (uint8_t)(1u << (i % 8));
        decompress(c.p, c.len, out.p, out.len, &out_len, &why);
        c.p[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    free(c.p);
    free(d.p);
    free(out.p);
}

Test(decompress, gzip_corruption_and_truncation)
{
    corrupt_all("gzip -c", 6000);
    corrupt_all("gzip -c -1", 2000);
}

Test(decompress, bad_check_reported)
{
    struct buf d = gen_text(20000), c, out = { malloc(20000), 20000 };
    size_t out_len;
    const char *why;
    int rc;

    put("in", d.p, d.len);
    /* xz: the block's CRC32 sits right before the 0x00 index indicator;
     * with one block it is at a fixed distance from the footer */
    cr_assert_eq(sh("xz -c --check=crc32 < %s/in > %s/in.c", dir, dir), 0);
    c = get("in.c");
    c.p[c.len - 12 - 12 - 4] ^= 0x40;
    rc = decompress(c.p, c.len, out.p, out.len, &out_len, &why);
    cr_assert_eq(rc, -DECOMP_EINVAL);
    cr_assert_str_eq(why, "xz: block check (CRC32) mismatch");
    free(c.p);

    cr_assert_eq(sh("gzip -c < %s/in > %s/in.c", dir, dir), 0);
    c = get("in.c");
    c.p[c.len - 8] ^= 1;
    rc = decompress(c.p, c.len, out.p, out.len, &out_len, &why);
    cr_assert_eq(rc, -DECOMP_EINVAL);
    cr_assert_str_eq(why, "gzip: CRC32 mismatch");
    c.p[c.len - 8] ^= 1;
    c.p[c.len - 1] ^= 1;
    rc = decompress(c.p, c.len, out.p, out.len, &out_len, &why);
    cr_assert_eq(rc, -DECOMP_EINVAL);
    cr_assert_str_eq(why, "gzip: ISIZE mismatch");
    free(c.p);
    free(d.p);
    free(out.p);
}

Test(decompress, api_arguments)
{
    static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t out[16], ws_small[64];
    size_t out_len, size;
    const char *why;

    cr_assert_eq(decompress_detect(junk, sizeof(junk)), DECOMP_FMT_UNKNOWN);
    cr_assert_eq(decompress_detect(NULL, 0), DECOMP_FMT_UNKNOWN);
    cr_assert_eq(decompress(junk, sizeof(junk), out, sizeof(out), &out_len,
                            &why), -DECOMP_ENOEXEC);
    cr_assert_eq(decompress_size(junk, sizeof(junk), &size, &why),
                 -DECOMP_ENOEXEC);
    cr_assert_eq(decompress(junk, 0, out, sizeof(out), &out_len, &why),
                 -DECOMP_ENOEXEC);
    cr_assert_eq(decompress(junk, sizeof(junk), out, sizeof(out), NULL, &why),
                 -DECOMP_EINVAL);
    cr_assert_eq(decompress_ex("\x1f\x8b", 2, out, sizeof(out), &out_len,
                               NULL, ws_small, sizeof(ws_small), &why),
                 -DECOMP_ENOMEM);
    cr_assert_eq(decompress("\x1f\x8b", 2, out, sizeof(out), &out_len, NULL),
                 -DECOMP_EINVAL);
    cr_assert_str_eq(decompress_format_name(DECOMP_FMT_XZ), "xz");
    cr_assert_str_eq(decompress_format_name(DECOMP_FMT_GZIP), "gzip");
}

Test(decompress, crc_known_values)
{
    /* the standard check values of the two polynomials over "123456789" */
    cr_assert_eq(decomp_crc32(0, "123456789", 9), 0xcbf43926u);
    cr_assert_eq(decomp_crc64(0, "123456789", 9), 0x995dc9bbdf1939faull);
    /* incremental use and unaligned starts agree with one call */
    cr_assert_eq(decomp_crc32(decomp_crc32(0, "12345", 5), "6789", 4),
                 0xcbf43926u);
    cr_assert_eq(decomp_crc64(decomp_crc64(0, "1", 1), "23456789", 8),
                 0x995dc9bbdf1939faull);
}
