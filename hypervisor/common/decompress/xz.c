/*
 * xz.c — the .xz container (stream header, blocks, index, footer, stream
 * padding, concatenated streams), the x86 BCJ filter, and the uncompressed
 * size query that walks the indexes backwards from the end.
 *
 * Whole-buffer design: a block's LZMA2 data is decoded straight into the
 * output buffer, then the BCJ filter (when the block has one) converts that
 * block's output in place in a single pass, and only then is the block's
 * check computed, because the check covers the final (unfiltered) data.
 *
 * Every size and offset read from the input is validated against the input
 * length before use; the index must agree with the blocks actually decoded
 * (count, and a CRC32 over every record's unpadded and uncompressed size),
 * and the footer's backward size with the index's real size.
 */
#include "private.h"

#define XZ_HEADER_SIZE      12
#define XZ_FOOTER_SIZE      12
#define XZ_CHECK_NONE       0
#define XZ_CHECK_CRC32      1
#define XZ_CHECK_CRC64      4
#define XZ_CHECK_SHA256     10
#define XZ_FILTER_X86       0x04
#define XZ_FILTER_LZMA2     0x21
#define XZ_VLI_MAX          (~0ull >> 1)
#define XZ_TRAILING_SEARCH  64

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

/* Check sizes by check id, as the format defines them (ids 0-15). */
static const uint8_t xz_check_sizes[16] = {
    0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64
};

static bool is_magic(const uint8_t *p)
{
    unsigned int i;

    for (i = 0; i < sizeof(xz_magic); i++)
        if (p[i] != xz_magic[i])
            return false;
    return true;
}

/* Multibyte integer: 7 bits a byte, at most 9 bytes, no redundant zero. */
static int vli_get(const uint8_t *in, size_t len, size_t *pos, uint64_t *val)
{
    uint64_t v = 0;
    unsigned int i;

    for (i = 0; i < 9; i++) {
        uint8_t b;

        if (*pos >= len)
            return -1;
        b = in[(*pos)++];
        if (i && b == 0)
            return -1;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *val = v;
            return 0;
        }
    }
    return -1;
}

/* Stream flags: byte 0 must be 0, byte 1 holds the check id in 4 bits. */
static int stream_flags(const uint8_t *f, unsigned int *check,
                        const char **why)
{
    if (f[0] != 0 || (f[1] & 0xf0))
        return dc_fail(why, DECOMP_EOPNOTSUPP,
                       "xz: unsupported stream flags");
    *check = f[1] & 0x0f;
    return 0;
}

/*
 * The x86 BCJ filter, decoding direction: E8/E9 (call/jmp rel32) operands
 * were made absolute by the encoder; make them relative again.  prev_mask
 * remembers which of the previous bytes were E8/E9 opcode candidates so
 * that byte sequences which cannot be real instructions stay untouched,
 * exactly as the encoder decided.  The last four bytes cannot hold a whole
 * instruction and stay as they are.
 */
static void bcj_x86(uint8_t *buf, size_t size, uint32_t start)
{
    static const bool mask_ok[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
    static const uint8_t mask_bit[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    const uint64_t ones = 0x0101010101010101ull;
    uint32_t prev_mask = 0, prev_pos = (uint32_t)-5;
    size_t i = 0, limit;

    if (size < 5)
        return;
    limit = size - 5;
    for (;;) {
        uint32_t now, off, src, dest;
        uint8_t b;

        /*
         * Bytes other than E8/E9 change no state, so find the next
         * candidate eight bytes at a time: (w & FE..) ^ E8.. has a zero
         * byte exactly where w has E8 or E9, and the lowest byte the
         * zero-byte test flags is always a real one.
         */
        while (size - i >= 8) {
            uint64_t x = (get_le64(buf + i) & (0xfe * ones)) ^ (0xe8 * ones);
            uint64_t z = (x - ones) & ~x & (0x80 * ones);

            if (z) {
                i += (size_t)__builtin_ctzll(z) >> 3;
                goto found;
            }
            i += 8;
        }
        while (i < size && (buf[i] & 0xfe) != 0xe8)
            i++;
found:
        if (i > limit)
            break;
        now = start + (uint32_t)i;
        off = now - prev_pos;
        prev_pos = now;
        if (off > 5) {
            prev_mask = 0;
        } else {
            while (off--) {
                prev_mask &= 0x77;
                prev_mask <<= 1;
            }
        }
        b = buf[i + 4];
        if ((b == 0 || b == 0xff) && mask_ok[(prev_mask >> 1) & 7] &&
            (prev_mask >> 1) < 0x10) {
            src = get_le32(buf + i + 1);
            for (;;) {
                uint32_t sh;

                dest = src - (now + 5);
                if (prev_mask == 0)
                    break;
                sh = mask_bit[prev_mask >> 1] * 8;
                b = (uint8_t)(dest >> (24 - sh));
                if (!(b == 0 || b == 0xff))
                    break;
                src = dest ^ ((1u << (32 - sh)) - 1);
            }
            dest &= 0x01ffffff;
            dest |= 0u - (dest & 0x01000000);
            buf[i + 1] = (uint8_t)dest;
            buf[i + 2] = (uint8_t)(dest >> 8);
            buf[i + 3] = (uint8_t)(dest >> 16);
            buf[i + 4] = (uint8_t)(dest >> 24);
            i += 5;
            prev_mask = 0;
        } else {
            i++;
            prev_mask |= 1;
            if (b == 0 || b == 0xff)
                prev_mask |= 0x10;
        }
    }
}

struct xz_block_hdr {
    size_t size;                 /* header size in bytes */
    uint64_t csize, usize;       /* XZ_VLI_MAX+1 when absent */
    uint32_t dict_size;
    bool bcj;
    uint32_t bcj_start;
};

static int block_header(const uint8_t *in, size_t len, struct xz_block_hdr *h,
                        const char **why)
{
    size_t pos, end;
    unsigned int nfilters, i, flags;
    uint64_t id, psize;

    h->size = ((size_t)in[0] + 1) * 4;
    if (h->size > len)
        return dc_fail(why, DECOMP_EINVAL, "xz: truncated block header");
    end = h->size - 4;
    if (decomp_crc32(0, in, end) != get_le32(in + end))
        return dc_fail(why, DECOMP_EINVAL, "xz: block header CRC32 mismatch");
    flags = in[1];
    if (flags & 0x3c)
        return dc_fail(why, DECOMP_EOPNOTSUPP,
                       "xz: unsupported block header flags");
    nfilters = (flags & 3) + 1;
    pos = 2;
    h->csize = h->usize = XZ_VLI_MAX + 1;
    h->bcj = false;
    h->bcj_start = 0;
    if ((flags & 0x40) && (vli_get(in, end, &pos, &h->csize) || !h->csize))
        return dc_fail(why, DECOMP_EINVAL,
                       "xz: bad compressed size in block header");
    if ((flags & 0x80) && vli_get(in, end, &pos, &h->usize))
        return dc_fail(why, DECOMP_EINVAL,
                       "xz: bad uncompressed size in block header");

    for (i = 0; i < nfilters; i++) {
        const uint8_t *props;
        bool last = i == nfilters - 1;

        if (vli_get(in, end, &pos, &id) || vli_get(in, end, &pos, &psize) ||
            psize > end - pos)
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: malformed filter flags in block header");
        props = in + pos;
        pos += psize;
        if (id == XZ_FILTER_LZMA2) {
            if (!last)
                return dc_fail(why, DECOMP_EINVAL,
                               "xz: LZMA2 is not the last filter");
            if (psize != 1 || props[0] > 40)
                return dc_fail(why, DECOMP_EINVAL,
                               "xz: bad LZMA2 filter properties");
            h->dict_size = props[0] == 40 ? 0xffffffffu :
                (2u | (props[0] & 1u)) << (props[0] / 2 + 11);
        } else if (id == XZ_FILTER_X86) {
            if (last)
                return dc_fail(why, DECOMP_EINVAL,
                               "xz: x86 BCJ cannot be the last filter");
            if (h->bcj)
                return dc_fail(why, DECOMP_EOPNOTSUPP,
                               "xz: more than one x86 BCJ filter");
            if (psize == 4)
                h->bcj_start = get_le32(props);
            else if (psize != 0)
                return dc_fail(why, DECOMP_EINVAL,
                               "xz: bad x86 BCJ filter properties");
            h->bcj = true;
        } else if (last) {
            return dc_fail(why, DECOMP_EOPNOTSUPP,
                           "xz: unsupported filter (only LZMA2 and x86 BCJ)");
        } else {
            return dc_fail(why, DECOMP_EOPNOTSUPP,
                           "xz: unsupported filter (only x86 BCJ may precede LZMA2)");
        }
    }
    for (; pos < end; pos++)
        if (in[pos])
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: non-zero padding in block header");
    return 0;
}

/* What the index must agree with: number of records and their hash. */
struct xz_index_sum {
    uint64_t count;
    uint64_t blocks_size;        /* sum of blocks' sizes rounded up to 4 */
    uint64_t usize;
    uint32_t hash;
};

static void index_add(struct xz_index_sum *s, uint64_t unpadded,
                      uint64_t usize)
{
    uint8_t rec[16];
    unsigned int i;

    for (i = 0; i < 8; i++) {
        rec[i] = (uint8_t)(unpadded >> (8 * i));
        rec[8 + i] = (uint8_t)(usize >> (8 * i));
    }
    s->count++;
    s->blocks_size += (unpadded + 3) & ~3ull;
    s->usize += usize;
    s->hash = decomp_crc32(s->hash, rec, sizeof(rec));
}

/* Parse an index at in[0..len); *size gets its real size. */
static int index_parse(const uint8_t *in, size_t len, struct xz_index_sum *s,
                       size_t *size, const char **why)
{
    size_t pos = 1;
    uint64_t n, i, unpadded, usize;

    s->count = s->blocks_size = s->usize = 0;
    s->hash = 0;
    if (!len || in[0] != 0 || vli_get(in, len, &pos, &n))
        return dc_fail(why, DECOMP_EINVAL, "xz: malformed index");
    for (i = 0; i < n; i++) {
        if (vli_get(in, len, &pos, &unpadded) ||
            vli_get(in, len, &pos, &usize))
            return dc_fail(why, DECOMP_EINVAL, "xz: malformed index record");
        /* header (>= 8) + data (>= 1) + check; below that is impossible */
        if (unpadded < 5 || unpadded > XZ_VLI_MAX - 3 ||
            s->blocks_size + ((unpadded + 3) & ~3ull) < s->blocks_size ||
            s->usize + usize < s->usize)
            return dc_fail(why, DECOMP_EINVAL, "xz: bad index record");
        index_add(s, unpadded, usize);
    }
    for (; pos & 3; pos++)
        if (pos >= len || in[pos])
            return dc_fail(why, DECOMP_EINVAL, "xz: bad index padding");
    if (len - pos < 4 || decomp_crc32(0, in, pos) != get_le32(in + pos))
        return dc_fail(why, DECOMP_EINVAL, "xz: index CRC32 mismatch");
    *size = pos + 4;
    return 0;
}

/* Validate the footer at f; *index_size gets the backward size. */
static int footer_parse(const uint8_t *f, unsigned int *check,
                        size_t *index_size, const char **why)
{
    if (f[10] != 'Y' || f[11] != 'Z')
        return dc_fail(why, DECOMP_EINVAL, "xz: stream footer magic missing");
    if (decomp_crc32(0, f + 4, 6) != get_le32(f))
        return dc_fail(why, DECOMP_EINVAL, "xz: stream footer CRC32 mismatch");
    *index_size = ((size_t)get_le32(f + 4) + 1) * 4;
    return stream_flags(f + 8, check, why);
}

static int block_check(const uint8_t *data, size_t len, unsigned int check,
                       const uint8_t *want)
{
    switch (check) {
    case XZ_CHECK_NONE:
        return 0;
    case XZ_CHECK_CRC32:
        return decomp_crc32(0, data, len) == get_le32(want) ? 0 : -1;
    case XZ_CHECK_CRC64:
        return decomp_crc64(0, data, len) == get_le64(want) ? 0 : -1;
    default:
        return -1;
    }
}

/* Decode one stream starting at in[0]; *used gets its size. */
static int xz_stream(const uint8_t *in, size_t len, struct lzma2_out *o,
                     struct lzma_dec *lz, size_t *used, const char **why)
{
    struct xz_index_sum blocks = { 0 }, index;
    struct xz_block_hdr h;
    unsigned int check, fcheck;
    size_t pos, csize_len, index_size, bsize, check_size;
    int rc;

    if (len < XZ_HEADER_SIZE + XZ_FOOTER_SIZE)
        return dc_fail(why, DECOMP_EINVAL, "xz: truncated stream");
    if (decomp_crc32(0, in + 6, 2) != get_le32(in + 8))
        return dc_fail(why, DECOMP_EINVAL, "xz: stream header CRC32 mismatch");
    rc = stream_flags(in + 6, &check, why);
    if (rc)
        return rc;
    if (check != XZ_CHECK_NONE && check != XZ_CHECK_CRC32 &&
        check != XZ_CHECK_CRC64)
        return dc_fail(why, DECOMP_EOPNOTSUPP,
                       check == XZ_CHECK_SHA256 ?
                       "xz: SHA-256 check not supported (use crc32/crc64)" :
                       "xz: unsupported check type");
    check_size = xz_check_sizes[check];
    pos = XZ_HEADER_SIZE;

    for (;;) {
        size_t start = o->pos;

        if (pos >= len)
            return dc_fail(why, DECOMP_EINVAL, "xz: truncated stream");
        if (in[pos] == 0)
            break;                         /* index indicator */
        rc = block_header(in + pos, len - pos, &h, why);
        if (rc)
            return rc;
        pos += h.size;
        rc = lzma2_decode(lz, h.dict_size, in + pos, len - pos, &csize_len,
                          o, why);
        if (rc)
            return rc;
        if (h.csize <= XZ_VLI_MAX && h.csize != csize_len)
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: block compressed size differs from its header");
        if (h.usize <= XZ_VLI_MAX && h.usize != o->pos - start)
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: block uncompressed size differs from its header");
        pos += csize_len;
        for (; pos & 3; pos++)
            if (pos >= len || in[pos])
                return dc_fail(why, DECOMP_EINVAL, "xz: bad block padding");
        if (len - pos < check_size)
            return dc_fail(why, DECOMP_EINVAL, "xz: truncated block check");
        if (h.bcj)
            bcj_x86(o->buf + start, o->pos - start, h.bcj_start);
        if (block_check(o->buf + start, o->pos - start, check, in + pos))
            return dc_fail(why, DECOMP_EINVAL,
                           check == XZ_CHECK_CRC64 ?
                           "xz: block check (CRC64) mismatch" :
                           "xz: block check (CRC32) mismatch");
        pos += check_size;
        bsize = h.size + csize_len + check_size;
        index_add(&blocks, bsize, o->pos - start);
    }

    rc = index_parse(in + pos, len - pos, &index, &index_size, why);
    if (rc)
        return rc;
    if (index.count != blocks.count || index.hash != blocks.hash)
        return dc_fail(why, DECOMP_EINVAL,
                       "xz: index does not match the blocks");
    pos += index_size;
    if (len - pos < XZ_FOOTER_SIZE)
        return dc_fail(why, DECOMP_EINVAL, "xz: truncated stream footer");
    rc = footer_parse(in + pos, &fcheck, &bsize, why);
    if (rc)
        return rc;
    if (bsize != index_size)
        return dc_fail(why, DECOMP_EINVAL,
                       "xz: footer backward size differs from the index size");
    if (in[pos + 8] != in[6] || in[pos + 9] != in[7])
        return dc_fail(why, DECOMP_EINVAL,
                       "xz: stream footer flags differ from the header");
    *used = pos + XZ_FOOTER_SIZE;
    return 0;
}

int xz_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t out_max, size_t *out_len, size_t *in_used,
                  void *ws, size_t ws_len, const char **why)
{
    union decomp_ws *w = ws;
    struct lzma2_out o = { .buf = out, .pos = 0, .limit = out_max };
    size_t pos = 0, used;
    int rc;

    if (ws_len < sizeof(*w))
        return dc_fail(why, DECOMP_ENOMEM, "xz: workspace too small");
    if (in_len < sizeof(xz_magic) || !is_magic(in))
        return dc_fail(why, DECOMP_ENOEXEC, "xz: no xz magic");

    for (;;) {
        rc = xz_stream(in + pos, in_len - pos, &o, &w->lzma, &used, why);
        if (rc)
            return rc;
        pos += used;
        /* stream padding: zero bytes in groups of four, then maybe more */
        while (in_len - pos >= 4 && !in[pos] && !in[pos + 1] &&
               !in[pos + 2] && !in[pos + 3])
            pos += 4;
        if (in_len - pos < sizeof(xz_magic) || !is_magic(in + pos))
            break;
    }
    *out_len = o.pos;
    *in_used = pos;
    return 0;
}

/* Find the footer of the last stream: the end may have padding or junk. */
static int find_last_footer(const uint8_t *in, size_t in_len, size_t *end)
{
    size_t e = in_len & ~(size_t)3, k;
    unsigned int check;
    size_t isz;

    /* stream padding, as the format allows */
    if (e == in_len)
        while (e >= 4 && !in[e - 1] && !in[e - 2] && !in[e - 3] && !in[e - 4])
            e -= 4;
    if (e >= XZ_HEADER_SIZE + XZ_FOOTER_SIZE &&
        !footer_parse(in + e - XZ_FOOTER_SIZE, &check, &isz, NULL)) {
        *end = e;
        return 0;
    }
    /* junk after the stream, such as Linux's appended size */
    for (k = 0; k <= XZ_TRAILING_SEARCH && k < in_len; k++) {
        e = in_len - k;
        if (e >= XZ_HEADER_SIZE + XZ_FOOTER_SIZE &&
            !footer_parse(in + e - XZ_FOOTER_SIZE, &check, &isz, NULL)) {
            *end = e;
            return 0;
        }
    }
    return -1;
}

int xz_uncompressed_size(const uint8_t *in, size_t in_len, size_t *out_size,
                         const char **why)
{
    struct xz_index_sum idx;
    uint64_t total = 0;
    size_t end, isz, isz2, start;
    unsigned int check;
    int rc;

    if (in_len < XZ_HEADER_SIZE + XZ_FOOTER_SIZE || !is_magic(in))
        return dc_fail(why, DECOMP_EINVAL, "xz: too short or no xz magic");
    if (find_last_footer(in, in_len, &end))
        return dc_fail(why, DECOMP_EINVAL, "xz: no valid stream footer found");

    for (;;) {
        rc = footer_parse(in + end - XZ_FOOTER_SIZE, &check, &isz, why);
        if (rc)
            return rc;
        if (isz > end - XZ_FOOTER_SIZE - XZ_HEADER_SIZE)
            return dc_fail(why, DECOMP_EINVAL, "xz: index size out of range");
        start = end - XZ_FOOTER_SIZE - isz;
        rc = index_parse(in + start, isz, &idx, &isz2, why);
        if (rc)
            return rc;
        if (isz2 != isz)
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: footer backward size differs from the index size");
        if (idx.blocks_size > start - XZ_HEADER_SIZE)
            return dc_fail(why, DECOMP_EINVAL, "xz: index block sizes too large");
        start -= idx.blocks_size + XZ_HEADER_SIZE;
        if (!is_magic(in + start) ||
            in[start + 6] != in[end - 4] || in[start + 7] != in[end - 3] ||
            decomp_crc32(0, in + start + 6, 2) != get_le32(in + start + 8))
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: index does not lead back to a stream header");
        if (total + idx.usize < total)
            return dc_fail(why, DECOMP_EINVAL, "xz: uncompressed size overflows");
        total += idx.usize;
        if (start == 0)
            break;
        /* an earlier stream, then padding in groups of four zero bytes */
        end = start;
        while (end >= 4 && !in[end - 1] && !in[end - 2] && !in[end - 3] &&
               !in[end - 4])
            end -= 4;
        if (end < XZ_HEADER_SIZE + XZ_FOOTER_SIZE)
            return dc_fail(why, DECOMP_EINVAL,
                           "xz: data before a stream is not a stream");
    }
    if (total > (size_t)-1)
        return dc_fail(why, DECOMP_EINVAL, "xz: uncompressed size too large");
    *out_size = (size_t)total;
    return 0;
}
