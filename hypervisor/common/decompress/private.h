/*
 * private.h — definitions shared by the decompressor files only: the
 * workspace layout and the error-return helper.  Callers use
 * xen/decompress.h.
 */
#ifndef DECOMPRESS_PRIVATE_H
#define DECOMPRESS_PRIVATE_H

#include <xen/types.h>
#include <xen/decompress.h>

#define __always_inline_dc inline __attribute__((always_inline))

/* Set *why and return -err: every error path reads `return fail(why, ...)`. */
static inline int dc_fail(const char **why, int err, const char *reason)
{
    if (why)
        *why = reason;
    return -err;
}

/* Little helpers (no libc, and the hypervisor's lib.h may not be there). */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the decompressors load little-endian fields with plain loads"
#endif

static inline uint32_t get_le32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint16_t get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint64_t get_le64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * LZMA decoder state.  Probabilities for the largest literal coder LZMA2
 * allows (lc + lp <= 4) are reserved, so no size depends on the input.
 */
#define LZMA_STATES         12
#define LZMA_POS_STATES_MAX 16
#define LZMA_LIT_SIZE       0x300
#define LZMA_LCLP_MAX       4
#define LZMA_DIST_STATES    4
#define LZMA_DIST_SLOTS     64
#define LZMA_DIST_MODEL_END 14
#define LZMA_FULL_DISTANCES 128
#define LZMA_ALIGN_BITS     4

struct lzma_len_probs {
    uint16_t choice;
    uint16_t choice2;
    uint16_t low[LZMA_POS_STATES_MAX][8];
    uint16_t mid[LZMA_POS_STATES_MAX][8];
    uint16_t high[256];
};

struct lzma_probs {
    uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t is_rep[LZMA_STATES];
    uint16_t is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES];
    uint16_t is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t dist_slot[LZMA_DIST_STATES][LZMA_DIST_SLOTS];
    uint16_t dist_special[LZMA_FULL_DISTANCES - LZMA_DIST_MODEL_END];
    uint16_t dist_align[1 << LZMA_ALIGN_BITS];
    struct lzma_len_probs match_len;
    struct lzma_len_probs rep_len;
    uint16_t literal[LZMA_LIT_SIZE << LZMA_LCLP_MAX];
};

struct lzma_dec {
    uint32_t state;
    uint32_t rep0, rep1, rep2, rep3;
    uint32_t lc, lp, pb;
    struct lzma_probs p;
};

/* LZMA2 over the whole output buffer; out_pos is updated. */
struct lzma2_out {
    uint8_t *buf;        /* start of the whole output buffer */
    size_t pos;          /* next byte to write */
    size_t limit;        /* may not write at or beyond this */
};
int lzma2_decode(struct lzma_dec *s, uint32_t dict_size, const uint8_t *in,
                 size_t in_len, size_t *in_used, struct lzma2_out *o,
                 const char **why);

/* inflate: a fast table for codes up to INFL_FAST_BITS, canonical beyond. */
#define INFL_FAST_BITS  10
#define INFL_MAX_BITS   15

struct infl_huff {
    uint16_t fast[1 << INFL_FAST_BITS];  /* len << 9 | symbol; 0 = slow path */
    uint16_t count[INFL_MAX_BITS + 1];   /* codes of each length */
    uint16_t symbol[288];                /* symbols in canonical order */
    uint16_t max_len;
};

struct infl_state {
    struct infl_huff lit;
    struct infl_huff dist;
    struct infl_huff clen;
};

union decomp_ws {
    struct lzma_dec lzma;
    struct infl_state infl;
};

#endif /* DECOMPRESS_PRIVATE_H */
