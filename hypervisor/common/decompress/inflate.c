/*
 * inflate.c — gzip (RFC 1952) members holding deflate (RFC 1951) data,
 * decoded in one call into the caller's whole output buffer, which also
 * serves as the 32 KiB history window.
 *
 * Bits are read through a 64-bit buffer refilled with one 8-byte load
 * while at least 8 input bytes remain; one refill covers a whole
 * length/distance pair (at most 48 bits).  Near the end of the input the
 * refill feeds zero bytes it counts as "phantom": consuming any of them
 * means the data was truncated, which is checked at every block boundary
 * and at the end (a block cannot loop forever on phantom zeros: every
 * symbol writes output, which is bounded).
 *
 * Huffman codes are decoded through a 2^10-entry table for codes of up to
 * 10 bits (nearly all symbols); longer codes and invalid bit patterns fall
 * back to a canonical-code walk over the per-length counts.  Code sets are
 * validated as zlib does: over-subscribed sets are rejected; incomplete
 * ones only allowed when they hold a single one-bit code.
 */
#include "private.h"

#define GZ_FTEXT     0x01
#define GZ_FHCRC     0x02
#define GZ_FEXTRA    0x04
#define GZ_FNAME     0x08
#define GZ_FCOMMENT  0x10
#define GZ_FRESERVED 0xe0

#define INFL_FAST_MASK ((1u << INFL_FAST_BITS) - 1)

struct bits {
    const uint8_t *in, *end;
    uint64_t bb;            /* bit buffer, next bit in bit 0 */
    unsigned int cnt;       /* valid bits in bb */
    size_t phantom;         /* zero bytes fed past the end of the input */
};

static __always_inline_dc void refill(struct bits *b)
{
    if (likely(b->end - b->in >= 8)) {
        b->bb |= get_le64(b->in) << b->cnt;
        b->in += (63 - b->cnt) >> 3;
        b->cnt |= 56;
        return;
    }
    while (b->cnt <= 56) {
        if (b->in < b->end)
            b->bb |= (uint64_t)*b->in++ << b->cnt;
        else
            b->phantom++;
        b->cnt += 8;
    }
}

static __always_inline_dc uint32_t getbits(struct bits *b, unsigned int n)
{
    uint32_t v = (uint32_t)(b->bb & ((1ull << n) - 1));

    b->bb >>= n;
    b->cnt -= n;
    return v;
}

static bool overrun(const struct bits *b)
{
    return b->phantom * 8 > b->cnt;
}

/*
 * Build the decoding tables for n code lengths.  Returns 0, or -1 for an
 * over-subscribed or (disallowed) incomplete set.
 */
static int huff_build(struct infl_huff *h, const uint8_t *lens, unsigned int n)
{
    uint16_t offs[INFL_MAX_BITS + 2];
    unsigned int len, sym, i, idx;
    int left;
    uint32_t code;

    for (len = 0; len <= INFL_MAX_BITS; len++)
        h->count[len] = 0;
    for (sym = 0; sym < n; sym++)
        h->count[lens[sym]]++;
    h->count[0] = 0;
    h->max_len = 0;
    for (len = 1; len <= INFL_MAX_BITS; len++)
        if (h->count[len])
            h->max_len = (uint16_t)len;

    left = 1;
    for (len = 1; len <= INFL_MAX_BITS; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0)
            return -1;
    }
    if (left > 0 && h->max_len > 1)
        return -1;

    offs[1] = 0;
    for (len = 1; len <= INFL_MAX_BITS; len++)
        offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
    for (sym = 0; sym < n; sym++)
        if (lens[sym])
            h->symbol[offs[lens[sym]]++] = (uint16_t)sym;

    for (i = 0; i <= INFL_FAST_MASK; i++)
        h->fast[i] = 0;
    code = 0;
    idx = 0;
    for (len = 1; len <= INFL_FAST_BITS && len <= h->max_len; len++) {
        for (i = 0; i < h->count[len]; i++, code++) {
            uint32_t rev = 0, c = code, k;
            uint16_t e = (uint16_t)(len << 9 | h->symbol[idx++]);

            /* deflate sends Huffman codes most significant bit first */
            for (k = 0; k < len; k++, c >>= 1)
                rev = (rev << 1) | (c & 1);
            for (k = rev; k <= INFL_FAST_MASK; k += 1u << len)
                h->fast[k] = e;
        }
        code <<= 1;
    }
    return 0;
}

/* Decode one symbol; the caller has refilled.  -1 for an invalid code. */
static __always_inline_dc int huff_decode(struct bits *b,
                                          const struct infl_huff *h)
{
    uint32_t e = h->fast[b->bb & INFL_FAST_MASK];
    uint32_t code = 0, first = 0, index = 0, len;
    uint64_t bb;

    if (likely(e)) {
        b->bb >>= e >> 9;
        b->cnt -= e >> 9;
        return (int)(e & 0x1ff);
    }
    bb = b->bb;
    for (len = 1; len <= INFL_MAX_BITS; len++) {
        uint32_t count = h->count[len];

        code |= (uint32_t)(bb & 1);
        bb >>= 1;
        if (code - first < count) {
            b->bb = bb;
            b->cnt -= len;
            return h->symbol[index + code - first];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

static const uint16_t len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577
};
static const uint8_t dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};

struct infl_out {
    uint8_t *buf;
    size_t pos, limit;
    size_t start;             /* where this member's output began */
};

/* Decode Huffman-coded data up to the end-of-block code. */
static int infl_codes(struct infl_state *s, struct bits *b,
                      struct infl_out *o, const char **why)
{
    const struct infl_huff *lit = &s->lit, *dst = &s->dist;
    uint8_t *buf = o->buf;
    size_t pos = o->pos, limit = o->limit;
    int rc = 0;

    for (;;) {
        int sym;
        uint32_t len, dist;

        refill(b);
        sym = huff_decode(b, lit);
        if (sym < 256) {
            if (unlikely(sym < 0)) {
                rc = dc_fail(why, DECOMP_EINVAL,
                             "inflate: invalid literal/length code");
                break;
            }
            if (unlikely(pos >= limit)) {
                rc = dc_fail(why, DECOMP_ENOSPC,
                             "decompress: output buffer too small");
                break;
            }
            buf[pos++] = (uint8_t)sym;
            continue;
        }
        if (sym == 256)
            break;
        sym -= 257;
        if (unlikely(sym >= 29)) {
            rc = dc_fail(why, DECOMP_EINVAL, "inflate: invalid length symbol");
            break;
        }
        len = len_base[sym] + getbits(b, len_extra[sym]);
        sym = huff_decode(b, dst);
        if (unlikely(sym < 0 || sym >= 30)) {
            rc = dc_fail(why, DECOMP_EINVAL, "inflate: invalid distance code");
            break;
        }
        dist = dist_base[sym] + getbits(b, dist_extra[sym]);
        if (unlikely(dist > pos - o->start)) {
            rc = dc_fail(why, DECOMP_EINVAL,
                         "inflate: distance reaches before the start");
            break;
        }
        if (unlikely(len > limit - pos)) {
            rc = dc_fail(why, DECOMP_ENOSPC,
                         "decompress: output buffer too small");
            break;
        }
        {
            uint8_t *d = buf + pos;
            const uint8_t *src = d - dist;

            pos += len;
            if (dist >= 8 && limit - pos >= 8) {
                uint64_t t;

                for (;;) {
                    __builtin_memcpy(&t, src, 8);
                    __builtin_memcpy(d, &t, 8);
                    if (len <= 8)
                        break;
                    len -= 8;
                    d += 8;
                    src += 8;
                }
            } else {
                do {
                    *d++ = *src++;
                } while (--len);
            }
        }
        if (unlikely(b->phantom) && overrun(b))
            break;              /* reported by the caller */
    }
    o->pos = pos;
    return rc;
}

static int infl_fixed(struct infl_state *s)
{
    uint8_t lens[288];
    unsigned int i;

    for (i = 0; i < 144; i++)
        lens[i] = 8;
    for (; i < 256; i++)
        lens[i] = 9;
    for (; i < 280; i++)
        lens[i] = 7;
    for (; i < 288; i++)
        lens[i] = 8;
    if (huff_build(&s->lit, lens, 288))
        return -1;
    /* 32 codes make the set complete; symbols 30 and 31 are rejected */
    for (i = 0; i < 32; i++)
        lens[i] = 5;
    return huff_build(&s->dist, lens, 32);
}

static int infl_dynamic(struct infl_state *s, struct bits *b, const char **why)
{
    static const uint8_t order[19] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
    };
    uint8_t lens[286 + 30];
    unsigned int nlen, ndist, ncode, i, n;

    refill(b);
    nlen = getbits(b, 5) + 257;
    ndist = getbits(b, 5) + 1;
    ncode = getbits(b, 4) + 4;
    if (nlen > 286 || ndist > 30)
        return dc_fail(why, DECOMP_EINVAL, "inflate: too many length or distance codes");
    for (i = 0; i < 19; i++)
        lens[order[i]] = 0;
    for (i = 0; i < ncode; i++) {
        if (b->cnt < 3)
            refill(b);
        lens[order[i]] = (uint8_t)getbits(b, 3);
    }
    if (huff_build(&s->clen, lens, 19))
        return dc_fail(why, DECOMP_EINVAL, "inflate: bad code length code");

    for (i = 0; i < nlen + ndist;) {
        int sym;
        uint8_t val = 0;

        refill(b);
        sym = huff_decode(b, &s->clen);
        if (sym < 0)
            return dc_fail(why, DECOMP_EINVAL, "inflate: invalid code length code");
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return dc_fail(why, DECOMP_EINVAL,
                               "inflate: repeat with no previous length");
            val = lens[i - 1];
            n = 3 + getbits(b, 2);
        } else if (sym == 17) {
            n = 3 + getbits(b, 3);
        } else {
            n = 11 + getbits(b, 7);
        }
        if (i + n > nlen + ndist)
            return dc_fail(why, DECOMP_EINVAL, "inflate: code lengths overflow");
        while (n--)
            lens[i++] = val;
    }
    if (overrun(b))
        return dc_fail(why, DECOMP_EINVAL, "inflate: truncated input");
    if (lens[256] == 0)
        return dc_fail(why, DECOMP_EINVAL, "inflate: no end-of-block code");
    if (huff_build(&s->lit, lens, nlen))
        return dc_fail(why, DECOMP_EINVAL, "inflate: bad literal/length code");
    if (huff_build(&s->dist, lens + nlen, ndist))
        return dc_fail(why, DECOMP_EINVAL, "inflate: bad distance code");
    return 0;
}

/* Drop buffered bits to the byte boundary and hand back unread bytes. */
static int bits_to_bytes(struct bits *b)
{
    size_t unread;

    getbits(b, b->cnt & 7);
    unread = b->cnt >> 3;
    if (b->phantom > unread)
        return -1;
    b->in -= unread - b->phantom;
    b->bb = 0;
    b->cnt = 0;
    b->phantom = 0;
    return 0;
}

static int infl_stored(struct bits *b, struct infl_out *o, const char **why)
{
    uint32_t len;

    if (bits_to_bytes(b))
        return dc_fail(why, DECOMP_EINVAL, "inflate: truncated input");
    if (b->end - b->in < 4)
        return dc_fail(why, DECOMP_EINVAL, "inflate: truncated stored block");
    len = get_le16(b->in);
    if ((len ^ 0xffff) != get_le16(b->in + 2))
        return dc_fail(why, DECOMP_EINVAL,
                       "inflate: stored block length check failed");
    b->in += 4;
    if ((size_t)(b->end - b->in) < len)
        return dc_fail(why, DECOMP_EINVAL, "inflate: truncated stored block");
    if (o->limit - o->pos < len)
        return dc_fail(why, DECOMP_ENOSPC, "decompress: output buffer too small");
    __builtin_memcpy(o->buf + o->pos, b->in, len);
    o->pos += len;
    b->in += len;
    return 0;
}

/* Raw deflate from in[0..len); *used gets the bytes up to the last block. */
static int inflate_raw(struct infl_state *s, const uint8_t *in, size_t len,
                       struct infl_out *o, size_t *used, const char **why)
{
    struct bits b = { .in = in, .end = in + len };
    uint32_t last, type;
    int rc;

    do {
        refill(&b);
        if (overrun(&b))
            return dc_fail(why, DECOMP_EINVAL, "inflate: truncated input");
        last = getbits(&b, 1);
        type = getbits(&b, 2);
        switch (type) {
        case 0:
            rc = infl_stored(&b, o, why);
            break;
        case 1:
            rc = infl_fixed(s) ? dc_fail(why, DECOMP_EINVAL, "inflate: internal table error") : 0;
            if (!rc)
                rc = infl_codes(s, &b, o, why);
            break;
        case 2:
            rc = infl_dynamic(s, &b, why);
            if (!rc)
                rc = infl_codes(s, &b, o, why);
            break;
        default:
            rc = dc_fail(why, DECOMP_EINVAL, "inflate: invalid block type");
            break;
        }
        if (rc)
            return rc;
        if (overrun(&b))
            return dc_fail(why, DECOMP_EINVAL, "inflate: truncated input");
    } while (!last);

    if (bits_to_bytes(&b))
        return dc_fail(why, DECOMP_EINVAL, "inflate: truncated input");
    *used = (size_t)(b.in - in);
    return 0;
}

/* Skip a zero-terminated header string; -1 if it runs off the input. */
static int skip_string(const uint8_t *in, size_t len, size_t *pos)
{
    while (*pos < len)
        if (in[(*pos)++] == 0)
            return 0;
    return -1;
}

static int gzip_member(struct infl_state *s, const uint8_t *in, size_t len,
                       struct infl_out *o, size_t *used, const char **why)
{
    size_t pos = 10, dlen;
    uint8_t flg;
    int rc;

    if (len < 18)
        return dc_fail(why, DECOMP_EINVAL, "gzip: truncated member");
    if (in[2] != 8)
        return dc_fail(why, DECOMP_EOPNOTSUPP,
                       "gzip: compression method is not deflate");
    flg = in[3];
    if (flg & GZ_FRESERVED)
        return dc_fail(why, DECOMP_EOPNOTSUPP, "gzip: reserved header flags set");
    if (flg & GZ_FEXTRA) {
        if (len - pos < 2 || len - pos - 2 < get_le16(in + pos))
            return dc_fail(why, DECOMP_EINVAL, "gzip: truncated extra field");
        pos += 2 + (size_t)get_le16(in + pos);
    }
    if ((flg & GZ_FNAME) && skip_string(in, len, &pos))
        return dc_fail(why, DECOMP_EINVAL, "gzip: truncated file name");
    if ((flg & GZ_FCOMMENT) && skip_string(in, len, &pos))
        return dc_fail(why, DECOMP_EINVAL, "gzip: truncated comment");
    if (flg & GZ_FHCRC) {
        if (len - pos < 2)
            return dc_fail(why, DECOMP_EINVAL, "gzip: truncated header CRC");
        if ((decomp_crc32(0, in, pos) & 0xffff) != get_le16(in + pos))
            return dc_fail(why, DECOMP_EINVAL, "gzip: header CRC16 mismatch");
        pos += 2;
    }

    o->start = o->pos;
    rc = inflate_raw(s, in + pos, len - pos, o, &dlen, why);
    if (rc)
        return rc;
    pos += dlen;
    if (len - pos < 8)
        return dc_fail(why, DECOMP_EINVAL, "gzip: truncated trailer");
    if (decomp_crc32(0, o->buf + o->start, o->pos - o->start) !=
        get_le32(in + pos))
        return dc_fail(why, DECOMP_EINVAL, "gzip: CRC32 mismatch");
    if ((uint32_t)(o->pos - o->start) != get_le32(in + pos + 4))
        return dc_fail(why, DECOMP_EINVAL, "gzip: ISIZE mismatch");
    *used = pos + 8;
    return 0;
}

int gzip_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
                    size_t out_max, size_t *out_len, size_t *in_used,
                    void *ws, size_t ws_len, const char **why)
{
    union decomp_ws *w = ws;
    struct infl_out o = { .buf = out, .pos = 0, .limit = out_max };
    size_t pos = 0, used;
    int rc;

    if (ws_len < sizeof(*w))
        return dc_fail(why, DECOMP_ENOMEM, "gzip: workspace too small");
    if (in_len < 2 || in[0] != 0x1f || in[1] != 0x8b)
        return dc_fail(why, DECOMP_ENOEXEC, "gzip: no gzip magic");
    do {
        rc = gzip_member(&w->infl, in + pos, in_len - pos, &o, &used, why);
        if (rc)
            return rc;
        pos += used;
    } while (in_len - pos >= 2 && in[pos] == 0x1f && in[pos + 1] == 0x8b);
    *out_len = o.pos;
    *in_used = pos;
    return 0;
}
