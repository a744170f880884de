/*
 * decompress.c — the format dispatcher (xz or gzip by magic), the size
 * query, the static-workspace convenience entry point, and the CRC32/CRC64
 * checksums both formats verify.
 *
 * The checksums run over every output byte (66 MB for Debian's kernel), and
 * under QEMU TCG instruction count is what costs, so they use slicing-by-8:
 * one 8-byte load and eight table lookups per 8 bytes instead of a lookup
 * and a shift per byte.  The tables are computed on first use; a race
 * between two first users only writes identical values twice.
 */
#include "private.h"

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

enum decomp_format decompress_detect(const void *in, size_t in_len)
{
    const uint8_t *p = in;

    if (!in)
        return DECOMP_FMT_UNKNOWN;
    if (in_len >= sizeof(xz_magic) && p[0] == xz_magic[0] &&
        p[1] == xz_magic[1] && p[2] == xz_magic[2] && p[3] == xz_magic[3] &&
        p[4] == xz_magic[4] && p[5] == xz_magic[5])
        return DECOMP_FMT_XZ;
    if (in_len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return DECOMP_FMT_GZIP;
    return DECOMP_FMT_UNKNOWN;
}

const char *decompress_format_name(enum decomp_format fmt)
{
    switch (fmt) {
    case DECOMP_FMT_XZ:
        return "xz";
    case DECOMP_FMT_GZIP:
        return "gzip";
    default:
        return "unknown";
    }
}

int decompress_size(const void *in, size_t in_len, size_t *out_size,
                    const char **why)
{
    const uint8_t *p = in;

    if (!out_size)
        return dc_fail(why, DECOMP_EINVAL, "decompress: no size pointer");
    switch (decompress_detect(in, in_len)) {
    case DECOMP_FMT_XZ:
        return xz_uncompressed_size(p, in_len, out_size, why);
    case DECOMP_FMT_GZIP:
        /* 10-byte header, at least 2 bytes of deflate data, 8-byte trailer */
        if (in_len < 20)
            return dc_fail(why, DECOMP_EINVAL, "gzip: input too short");
        *out_size = get_le32(p + in_len - 4);
        return 0;
    default:
        return dc_fail(why, DECOMP_ENOEXEC,
                       "decompress: input is neither xz nor gzip");
    }
}

size_t decompress_workspace_size(void)
{
    return sizeof(union decomp_ws);
}

int decompress_ex(const void *in, size_t in_len, void *out, size_t out_max,
                  size_t *out_len, size_t *in_used, void *ws, size_t ws_len,
                  const char **why)
{
    size_t used_dummy;

    if (!out_len || (!out && out_max))
        return dc_fail(why, DECOMP_EINVAL, "decompress: bad arguments");
    *out_len = 0;
    if (!in_used)
        in_used = &used_dummy;
    *in_used = 0;
    if (!ws || ws_len < sizeof(union decomp_ws) || ((uintptr_t)ws & 7))
        return dc_fail(why, DECOMP_ENOMEM,
                       "decompress: workspace missing, small or unaligned");

    switch (decompress_detect(in, in_len)) {
    case DECOMP_FMT_XZ:
        return xz_decompress(in, in_len, out, out_max, out_len, in_used,
                             ws, ws_len, why);
    case DECOMP_FMT_GZIP:
        return gzip_decompress(in, in_len, out, out_max, out_len, in_used,
                               ws, ws_len, why);
    default:
        return dc_fail(why, DECOMP_ENOEXEC,
                       "decompress: input is neither xz nor gzip");
    }
}

static union decomp_ws static_ws;
static bool static_ws_busy;

int decompress(const void *in, size_t in_len, void *out, size_t out_max,
               size_t *out_len, const char **why)
{
    int rc;

    if (__atomic_test_and_set(&static_ws_busy, __ATOMIC_ACQUIRE))
        return dc_fail(why, DECOMP_EBUSY, "decompress: already running");
    rc = decompress_ex(in, in_len, out, out_max, out_len, NULL, &static_ws,
                       sizeof(static_ws), why);
    __atomic_clear(&static_ws_busy, __ATOMIC_RELEASE);
    return rc;
}

/* ---- checksums ---- */

#define CRC32_POLY 0xedb88320u                /* IEEE 802.3, reflected */
#define CRC64_POLY 0xc96c5795d7870f42ull      /* ECMA-182, reflected */

static uint32_t crc32_tab[8][256];
static uint64_t crc64_tab[8][256];
static bool crc32_ready, crc64_ready;

static void crc32_init(void)
{
    unsigned int i, k;

    for (i = 0; i < 256; i++) {
        uint32_t c = i;

        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (CRC32_POLY & (0u - (c & 1)));
        crc32_tab[0][i] = c;
    }
    for (i = 0; i < 256; i++)
        for (k = 1; k < 8; k++)
            crc32_tab[k][i] = (crc32_tab[k - 1][i] >> 8) ^
                              crc32_tab[0][crc32_tab[k - 1][i] & 0xff];
    __atomic_store_n(&crc32_ready, true, __ATOMIC_RELEASE);
}

static void crc64_init(void)
{
    unsigned int i, k;

    for (i = 0; i < 256; i++) {
        uint64_t c = i;

        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (CRC64_POLY & (0ull - (c & 1)));
        crc64_tab[0][i] = c;
    }
    for (i = 0; i < 256; i++)
        for (k = 1; k < 8; k++)
            crc64_tab[k][i] = (crc64_tab[k - 1][i] >> 8) ^
                              crc64_tab[0][crc64_tab[k - 1][i] & 0xff];
    __atomic_store_n(&crc64_ready, true, __ATOMIC_RELEASE);
}

uint32_t decomp_crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t c = ~crc;

    if (!__atomic_load_n(&crc32_ready, __ATOMIC_ACQUIRE))
        crc32_init();
    for (; len && ((uintptr_t)p & 7); len--)
        c = crc32_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    for (; len >= 8; len -= 8, p += 8) {
        uint32_t a = get_le32(p) ^ c, b = get_le32(p + 4);

        c = crc32_tab[7][a & 0xff] ^ crc32_tab[6][(a >> 8) & 0xff] ^
            crc32_tab[5][(a >> 16) & 0xff] ^ crc32_tab[4][a >> 24] ^
            crc32_tab[3][b & 0xff] ^ crc32_tab[2][(b >> 8) & 0xff] ^
            crc32_tab[1][(b >> 16) & 0xff] ^ crc32_tab[0][b >> 24];
    }
    for (; len; len--)
        c = crc32_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

uint64_t decomp_crc64(uint64_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint64_t c = ~crc;

    if (!__atomic_load_n(&crc64_ready, __ATOMIC_ACQUIRE))
        crc64_init();
    for (; len && ((uintptr_t)p & 7); len--)
        c = crc64_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    for (; len >= 8; len -= 8, p += 8) {
        uint64_t a = get_le64(p) ^ c;

        c = crc64_tab[7][a & 0xff] ^ crc64_tab[6][(a >> 8) & 0xff] ^
            crc64_tab[5][(a >> 16) & 0xff] ^ crc64_tab[4][(a >> 24) & 0xff] ^
            crc64_tab[3][(a >> 32) & 0xff] ^ crc64_tab[2][(a >> 40) & 0xff] ^
            crc64_tab[1][(a >> 48) & 0xff] ^ crc64_tab[0][a >> 56];
    }
    for (; len; len--)
        c = crc64_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}
