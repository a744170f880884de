/*
 * lzma2.c — LZMA2 chunk parser and LZMA decoder writing straight into the
 * caller's whole output buffer, which is also the dictionary (so matches
 * copy within the buffer, and nothing is ever copied out of a window).
 *
 * Speed under QEMU TCG is what matters here (dom0's kernel is 66 MB of
 * LZMA output).  Under TCG every guest branch ends a translated block,
 * which spills the guest registers, and every memory access goes through
 * the soft TLB; plain ALU instructions are cheap.  Measured by booting
 * Debian's kernel under TCG and timing this code in its initramfs (see
 * tests/bench/20-decompress.sh, BENCH_TCG=1), trading branches for
 * arithmetic paid off even at 20% more instructions:
 *   - bits that only feed arithmetic (bit trees: literals, lengths, distance
 *     slots, reverse trees) are decoded without a branch on the bit, and the
 *     trees are fully unrolled;
 *   - the range coder, the position, state and rep0 stay in locals across
 *     the symbol loop; the other reps and the properties stay in *st;
 *   - there are two copies of the loop: a fast one that runs while at least
 *     LZMA_IN_MARGIN input bytes remain in the chunk (no symbol can consume
 *     that many, so no per-byte input check) and a checked one for the
 *     chunk's tail, which reads zeros past the end and reports the overrun
 *     after the symbol;
 *   - match copies move 32 or 8 bytes at a time when source and
 *     destination are far enough apart.
 *
 * Validation follows what xz does: chunk sequencing (dictionary reset first,
 * properties before the first LZMA chunk after a reset), lc + lp <= 4,
 * distances within both the data since the last dictionary reset and the
 * dictionary size, matches that would run past the chunk's declared
 * uncompressed size, the range coder ending at exactly the chunk's declared
 * compressed size with code == 0.
 */
#include "private.h"

#define RC_TOP          (1u << 24)
#define RC_BITS         11
#define RC_ONE          (1u << RC_BITS)
#define RC_MOVE         5
#define RC_INIT_BYTES   5
#define LZMA_MATCH_MIN  2

/*
 * A symbol consumes at most one input byte per decoded bit; the longest
 * symbol (match with a 30-bit distance and a 8-bit high length) decodes
 * well under 64 bits.
 */
#define LZMA_IN_MARGIN  64

enum {
    LZ_OK = 0,
    LZ_ERR_DIST = 1,     /* distance beyond dictionary */
    LZ_ERR_LEN = 2,      /* match runs past the chunk */
    LZ_ERR_OVERRUN = 3,  /* read past the chunk's compressed data */
};

static void lzma_reset(struct lzma_dec *s)
{
    uint16_t *p = (uint16_t *)&s->p;
    size_t n = offsetof(struct lzma_probs, literal) / sizeof(uint16_t) +
               ((size_t)LZMA_LIT_SIZE << (s->lc + s->lp));
    size_t i;

    s->state = 0;
    s->rep0 = s->rep1 = s->rep2 = s->rep3 = 0;
    for (i = 0; i < n; i++)
        p[i] = RC_ONE / 2;
}

static __always_inline_dc uint32_t rc_byte(const uint8_t **in,
                                           const uint8_t *in_end,
                                           const bool checked)
{
    const uint8_t *ip = (*in)++;

    if (!checked)
        return *ip;
    return ip < in_end ? *ip : 0;
}

/* The range coder lives in these locals of lzma_loop(). */
#define RC_NORMALIZE()                                                  \
    do {                                                                \
        if (range < RC_TOP) {                                           \
            range <<= 8;                                                \
            code = (code << 8) | rc_byte(&in, in_end, checked);         \
        }                                                               \
    } while (0)

/* Decode one bit with probability *prob; evaluates to the bit. */
#define RC_BIT(prob)                                                    \
    ({                                                                  \
        uint16_t *p_ = (prob);                                          \
        uint32_t pv_ = *p_, bound_, bit_;                               \
        RC_NORMALIZE();                                                 \
        bound_ = (range >> RC_BITS) * pv_;                              \
        if (code < bound_) {                                            \
            range = bound_;                                             \
            *p_ = (uint16_t)(pv_ + ((RC_ONE - pv_) >> RC_MOVE));        \
            bit_ = 0;                                                   \
        } else {                                                        \
            range -= bound_;                                            \
            code -= bound_;                                             \
            *p_ = (uint16_t)(pv_ - (pv_ >> RC_MOVE));                   \
            bit_ = 1;                                                   \
        }                                                               \
        bit_;                                                           \
    })

/*
 * The same without a branch on the bit, for bit trees where the bit only
 * feeds arithmetic.  In 64 bits code - bound is negative exactly when the
 * bit is 0, so its sign gives a mask m (all ones for 0); then
 *   range = bit ? range - bound : bound
 *   prob += bit ? -(prob >> 5) : (2048 - prob) >> 5
 * are written with the mask, the latter as prob - ((prob - (m & 2017)) >> 5)
 * with an arithmetic shift (2017 = 2048 - 31 rounds the 0 case the same way).
 */
#define RC_BIT_BL(prob)                                                 \
    ({                                                                  \
        uint16_t *p_ = (prob);                                          \
        uint32_t pv_ = *p_, bound_;                                     \
        uint64_t t_, m_;                                                \
        RC_NORMALIZE();                                                 \
        bound_ = (range >> RC_BITS) * pv_;                              \
        t_ = (uint64_t)code - bound_;                                   \
        m_ = (uint64_t)((int64_t)t_ >> 63);                             \
        code = (uint32_t)(t_ + (bound_ & m_));                          \
        range = (range - bound_) +                                      \
                ((bound_ + bound_ - range) & (uint32_t)m_);             \
        *p_ = (uint16_t)(pv_ - (uint32_t)                               \
              ((int32_t)(pv_ - ((uint32_t)m_ & 2017)) >> RC_MOVE));     \
        (uint32_t)m_ + 1;                                               \
    })

/* Bit tree of nbits, most significant bit first; result in [0, 2^nbits). */
#define RC_TREE(probs, nbits)                                           \
    ({                                                                  \
        uint16_t *t_ = (probs);                                         \
        uint32_t s_ = 1;                                                \
        unsigned int n_;                                                \
        _Pragma("GCC unroll 8")                                         \
        for (n_ = 0; n_ < (nbits); n_++)                                \
            s_ = (s_ << 1) + RC_BIT_BL(&t_[s_]);                        \
        s_ - (1u << (nbits));                                           \
    })

/* Bit tree read least significant bit first. */
#define RC_TREE_REV(probs, nbits)                                       \
    ({                                                                  \
        uint16_t *t_ = (probs);                                         \
        uint32_t s_ = 1, r_ = 0, b_;                                    \
        unsigned int n_;                                                \
        _Pragma("GCC unroll 4")                                         \
        for (n_ = 0; n_ < (nbits); n_++) {                              \
            b_ = RC_BIT_BL(&t_[s_]);                                    \
            s_ = (s_ << 1) + b_;                                        \
            r_ |= b_ << n_;                                             \
        }                                                               \
        r_;                                                             \
    })

#define RC_LEN(lp)                                                      \
    ({                                                                  \
        struct lzma_len_probs *l_ = (lp);                               \
        uint32_t len_;                                                  \
        if (!RC_BIT(&l_->choice))                                       \
            len_ = LZMA_MATCH_MIN + RC_TREE(l_->low[pos_state], 3);     \
        else if (!RC_BIT(&l_->choice2))                                 \
            len_ = LZMA_MATCH_MIN + 8 + RC_TREE(l_->mid[pos_state], 3); \
        else                                                            \
            len_ = LZMA_MATCH_MIN + 16 + RC_TREE(l_->high, 8);          \
        len_;                                                           \
    })

struct lzma_io {
    const uint8_t *in;
    const uint8_t *in_end;
    uint32_t range, code;
    uint8_t *buf;
    size_t pos;          /* absolute position in buf */
    size_t end;          /* end of this chunk's output */
    size_t buf_limit;    /* nothing may be written at or past this */
    size_t dict_start;   /* position of the last dictionary reset */
    uint32_t dict_size;
};

/*
 * Copy a match of len bytes from dist + 1 bytes back.  The 8-byte path may
 * write up to 7 bytes past pos + len (never past buf_limit): later output
 * overwrites them.
 */
static __always_inline_dc void lz_copy(uint8_t *buf, size_t pos, size_t dist,
                                       uint32_t len, size_t buf_limit)
{
    uint8_t *d = buf + pos;
    const uint8_t *s = d - dist - 1;

    /*
     * Far enough apart and with room: whole 32-byte pieces, which covers
     * most matches in one straight run of code (cheap under QEMU TCG,
     * where every branch ends a translated block).
     */
    if (dist >= 31 && buf_limit - pos >= (size_t)len + 32) {
        uint64_t a, b, c, e;

        for (;;) {
            __builtin_memcpy(&a, s, 8);
            __builtin_memcpy(&b, s + 8, 8);
            __builtin_memcpy(&c, s + 16, 8);
            __builtin_memcpy(&e, s + 24, 8);
            __builtin_memcpy(d, &a, 8);
            __builtin_memcpy(d + 8, &b, 8);
            __builtin_memcpy(d + 16, &c, 8);
            __builtin_memcpy(d + 24, &e, 8);
            if (len <= 32)
                break;
            len -= 32;
            d += 32;
            s += 32;
        }
        return;
    }
    if (dist >= 7 && buf_limit - pos >= (size_t)len + 8) {
        uint64_t t;

        for (;;) {
            __builtin_memcpy(&t, s, 8);
            __builtin_memcpy(d, &t, 8);
            if (len <= 8)
                break;
            len -= 8;
            d += 8;
            s += 8;
        }
        return;
    }
    do {
        *d++ = *s++;
    } while (--len);
}

static __always_inline_dc int lzma_loop(struct lzma_dec *st,
                                        struct lzma_io *io,
                                        const uint8_t *in_stop,
                                        const bool checked)
{
    /*
     * Few locals, so that the hot ones stay in registers (the hypervisor
     * keeps a frame pointer, leaving 14): positions count from the last
     * dictionary reset, which makes them the LZMA2 position directly, and
     * the rarely used reps and properties stay in *st.
     */
    struct lzma_probs *pr = &st->p;
    const uint8_t *in = io->in;
    const uint8_t *in_end = checked ? io->in_end : in_stop;
    uint32_t range = io->range, code = io->code;
    uint8_t *dict = io->buf + io->dict_start;
    size_t pos = io->pos - io->dict_start;
    uint32_t state = st->state, rep0 = st->rep0;
    int rc = LZ_OK;

    while (pos < io->end - io->dict_start && (checked || in < in_end)) {
        uint32_t pos_state = (uint32_t)pos & ((1u << st->pb) - 1);
        uint32_t len;

        if (!RC_BIT(&pr->is_match[state][pos_state])) {
            /* literal */
            /* no branch: at pos 0 read dict[0] (in bounds) and mask it */
            uint32_t nz = pos != 0;
            uint32_t prev = dict[pos - nz] & (0u - nz);
            uint16_t *lp = pr->literal + LZMA_LIT_SIZE *
                ((((uint32_t)pos & ((1u << st->lp) - 1)) << st->lc) +
                 (prev >> (8 - st->lc)));
            uint32_t sym = 1;

            if (state < 7) {
                unsigned int i;

                _Pragma("GCC unroll 8")
                for (i = 0; i < 8; i++)
                    sym = (sym << 1) + RC_BIT_BL(&lp[sym]);
                state = state < 4 ? 0 : state - 3;
            } else {
                /*
                 * After a match the literal is coded relative to the
                 * byte at rep0; the offset tracks whether the bits so far
                 * agreed with it.  rep0 < pos holds: the match that set
                 * it was checked.
                 */
                uint32_t match_byte = dict[pos - rep0 - 1];
                uint32_t offset = 0x100, mbit, bit;
                unsigned int i;

                _Pragma("GCC unroll 8")
                for (i = 0; i < 8; i++) {
                    match_byte <<= 1;
                    mbit = match_byte & offset;
                    bit = RC_BIT_BL(&lp[offset + mbit + sym]);
                    sym = (sym << 1) + bit;
                    offset &= (0u - bit) ^ ~mbit;
                }
                state = state < 10 ? state - 3 : state - 6;
            }
            dict[pos++] = (uint8_t)sym;
            goto next;
        }

        if (!RC_BIT(&pr->is_rep[state])) {
            /* new match: length, then distance */
            uint32_t slot, dist;

            len = RC_LEN(&pr->match_len);
            state = state < 7 ? 7 : 10;
            slot = RC_TREE(pr->dist_slot[len - LZMA_MATCH_MIN < 3 ?
                                         len - LZMA_MATCH_MIN : 3], 6);
            if (slot < 4) {
                dist = slot;
            } else {
                uint32_t nd = (slot >> 1) - 1;

                dist = (2 | (slot & 1)) << nd;
                if (slot < LZMA_DIST_MODEL_END) {
                    dist += RC_TREE_REV(pr->dist_special + dist - slot - 1, nd);
                } else {
                    uint32_t direct = 0, n = nd - LZMA_ALIGN_BITS;

                    do {
                        uint32_t t;

                        RC_NORMALIZE();
                        range >>= 1;
                        code -= range;
                        t = 0u - (code >> 31);
                        code += range & t;
                        direct = (direct << 1) + (t + 1);
                    } while (--n);
                    dist += direct << LZMA_ALIGN_BITS;
                    dist += RC_TREE_REV(pr->dist_align, LZMA_ALIGN_BITS);
                }
            }
            st->rep3 = st->rep2;
            st->rep2 = st->rep1;
            st->rep1 = rep0;
            rep0 = dist;
        } else if (!RC_BIT(&pr->is_rep0[state])) {
            if (!RC_BIT(&pr->is_rep0_long[state][pos_state])) {
                /* short rep: one byte from rep0 */
                if (unlikely(rep0 >= pos || rep0 >= io->dict_size)) {
                    rc = LZ_ERR_DIST;
                    break;
                }
                state = state < 7 ? 9 : 11;
                dict[pos] = dict[pos - rep0 - 1];
                pos++;
                goto next;
            }
            len = RC_LEN(&pr->rep_len);
            state = state < 7 ? 8 : 11;
        } else {
            uint32_t dist;

            if (!RC_BIT(&pr->is_rep1[state])) {
                dist = st->rep1;
            } else {
                if (!RC_BIT(&pr->is_rep2[state])) {
                    dist = st->rep2;
                } else {
                    dist = st->rep3;
                    st->rep3 = st->rep2;
                }
                st->rep2 = st->rep1;
            }
            st->rep1 = rep0;
            rep0 = dist;
            len = RC_LEN(&pr->rep_len);
            state = state < 7 ? 8 : 11;
        }

        /* rep0 is the distance - 1 (0xffffffff, the end marker, fails too) */
        if (unlikely(rep0 >= pos || rep0 >= io->dict_size)) {
            rc = LZ_ERR_DIST;
            break;
        }
        if (unlikely(len > io->end - io->dict_start - pos)) {
            rc = LZ_ERR_LEN;
            break;
        }
        lz_copy(dict, pos, rep0, len, io->buf_limit - io->dict_start);
        pos += len;
next:
        if (checked && unlikely(in > in_end)) {
            rc = LZ_ERR_OVERRUN;
            break;
        }
    }

    io->in = in;
    io->range = range;
    io->code = code;
    io->pos = pos + io->dict_start;
    st->state = state;
    st->rep0 = rep0;
    return rc;
}

static int lzma_fast(struct lzma_dec *st, struct lzma_io *io,
                     const uint8_t *in_stop)
{
    return lzma_loop(st, io, in_stop, false);
}

static int lzma_checked(struct lzma_dec *st, struct lzma_io *io)
{
    return lzma_loop(st, io, NULL, true);
}

/* Decode one LZMA chunk of exactly in_len bytes into [io->pos, io->end). */
static int lzma_chunk(struct lzma_dec *st, struct lzma_io *io,
                      const uint8_t *in, size_t in_len, const char **why)
{
    int rc;

    if (in_len < RC_INIT_BYTES || in[0] != 0)
        return dc_fail(why, DECOMP_EINVAL,
                       "lzma2: bad range coder start in LZMA chunk");
    io->in = in + RC_INIT_BYTES;
    io->in_end = in + in_len;
    io->range = 0xffffffffu;
    io->code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
               (uint32_t)in[3] << 8 | in[4];

    rc = LZ_OK;
    if (in_len > LZMA_IN_MARGIN + RC_INIT_BYTES)
        rc = lzma_fast(st, io, io->in_end - LZMA_IN_MARGIN);
    if (rc == LZ_OK && io->pos < io->end)
        rc = lzma_checked(st, io);

    switch (rc) {
    case LZ_OK:
        break;
    case LZ_ERR_DIST:
        return dc_fail(why, DECOMP_EINVAL,
                       "lzma: match distance beyond the dictionary");
    case LZ_ERR_LEN:
        return dc_fail(why, DECOMP_EINVAL,
                       "lzma: match runs past the end of its chunk");
    default:
        return dc_fail(why, DECOMP_EINVAL,
                       "lzma: compressed data ends inside an LZMA chunk");
    }
    /* the encoder's flush leaves the coder normalized: so must we */
    if (io->range < RC_TOP && io->in < io->in_end) {
        io->range <<= 8;
        io->code = (io->code << 8) | *io->in++;
    }
    if (io->range < RC_TOP || io->in != io->in_end || io->code != 0)
        return dc_fail(why, DECOMP_EINVAL,
                       "lzma: LZMA chunk does not end where its header says");
    return 0;
}

int lzma2_decode(struct lzma_dec *s, uint32_t dict_size, const uint8_t *in,
                 size_t in_len, size_t *in_used, struct lzma2_out *o,
                 const char **why)
{
    size_t ip = 0, dict_start = o->pos;
    bool need_dict_reset = true, need_props = true;
    struct lzma_io io;
    int rc;

    for (;;) {
        uint32_t ctl, usize, csize;

        if (ip >= in_len)
            return dc_fail(why, DECOMP_EINVAL,
                           "lzma2: data ends before the end marker");
        ctl = in[ip++];
        if (ctl == 0x00)
            break;

        if (ctl >= 0xe0 || ctl == 0x01) {
            need_props = true;
            need_dict_reset = false;
            dict_start = o->pos;
        } else if (need_dict_reset) {
            return dc_fail(why, DECOMP_EINVAL,
                           "lzma2: first chunk does not reset the dictionary");
        }

        if (ctl < 0x80) {
            /* uncompressed chunk */
            if (ctl > 0x02)
                return dc_fail(why, DECOMP_EINVAL,
                               "lzma2: invalid chunk control byte");
            if (in_len - ip < 2)
                return dc_fail(why, DECOMP_EINVAL,
                               "lzma2: truncated chunk header");
            usize = ((uint32_t)in[ip] << 8 | in[ip + 1]) + 1;
            ip += 2;
            if (in_len - ip < usize)
                return dc_fail(why, DECOMP_EINVAL,
                               "lzma2: truncated uncompressed chunk");
            if (o->limit - o->pos < usize)
                return dc_fail(why, DECOMP_ENOSPC,
                               "decompress: output buffer too small");
            __builtin_memcpy(o->buf + o->pos, in + ip, usize);
            o->pos += usize;
            ip += usize;
            continue;
        }

        if (in_len - ip < 4)
            return dc_fail(why, DECOMP_EINVAL, "lzma2: truncated chunk header");
        usize = (((ctl & 0x1f) << 16) | (uint32_t)in[ip] << 8 | in[ip + 1]) + 1;
        csize = ((uint32_t)in[ip + 2] << 8 | in[ip + 3]) + 1;
        ip += 4;
        if (ctl >= 0xc0) {
            uint32_t props, lc, lp, pb;

            if (ip >= in_len)
                return dc_fail(why, DECOMP_EINVAL,
                               "lzma2: truncated chunk header");
            props = in[ip++];
            if (props >= 9 * 5 * 5)
                return dc_fail(why, DECOMP_EINVAL,
                               "lzma2: invalid lc/lp/pb properties");
            lc = props % 9;
            lp = (props / 9) % 5;
            pb = props / 45;
            if (lc + lp > LZMA_LCLP_MAX)
                return dc_fail(why, DECOMP_EINVAL,
                               "lzma2: lc + lp exceeds 4");
            s->lc = lc;
            s->lp = lp;
            s->pb = pb;
            need_props = false;
            lzma_reset(s);
        } else if (need_props) {
            return dc_fail(why, DECOMP_EINVAL,
                           "lzma2: LZMA chunk without properties after a reset");
        } else if (ctl >= 0xa0) {
            lzma_reset(s);
        }

        if (in_len - ip < csize)
            return dc_fail(why, DECOMP_EINVAL, "lzma2: truncated LZMA chunk");
        if (o->limit - o->pos < usize)
            return dc_fail(why, DECOMP_ENOSPC,
                           "decompress: output buffer too small");
        io.buf = o->buf;
        io.pos = o->pos;
        io.end = o->pos + usize;
        io.buf_limit = o->limit;
        io.dict_start = dict_start;
        io.dict_size = dict_size;
        rc = lzma_chunk(s, &io, in + ip, csize, why);
        if (rc)
            return rc;
        o->pos = io.pos;
        ip += csize;
    }
    *in_used = ip;
    return 0;
}
