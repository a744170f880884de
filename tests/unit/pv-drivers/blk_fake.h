/*
 * blk_fake.h — a fake grant table and frontend for the blkback host tests
 * and fuzzer: granted pages are plain arrays indexed by grant reference,
 * and fake_copy() implements IOCTL_GNTDEV_GRANT_COPY's contract over them
 * (per-segment status, foreign side limited to its page, wrong domain or
 * unknown reference refused), so the real request/io/ring code runs as in
 * dom0.  fake_map()/fake_unmap() stand for gntdev's mappings of persistent
 * grants and count them.
 */
#ifndef BLK_FAKE_H
#define BLK_FAKE_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xen_ioctl.h"
#include "blkback.h"

#define FAKE_PAGES 64
#define FAKE_DOMID 7

struct fake_gnt {
    uint8_t page[FAKE_PAGES][BLK_PAGE];
    bool granted[FAKE_PAGES];
    unsigned int calls, segs;
    unsigned int maps, unmaps;          /* persistent grant map/unmap calls */
    unsigned int mapped_pages;          /* pages those maps covered */
    int mapped[FAKE_PAGES];             /* live mappings of each page */
};

static inline int fake_one(struct fake_gnt *g, uint32_t ref, uint16_t domid,
                           uint16_t off, uint16_t len, uint8_t **p)
{
    if (domid != FAKE_DOMID || ref >= FAKE_PAGES || !g->granted[ref])
        return GNTST_bad_gntref;
    if ((unsigned)off + len > BLK_PAGE)
        return GNTST_general_error;
    *p = g->page[ref] + off;
    return GNTST_okay;
}

static inline int fake_copy(void *ctx, struct gntdev_grant_copy_segment *s,
                            size_t n)
{
    struct fake_gnt *g = ctx;
    size_t i;

    g->calls++;
    for (i = 0; i < n; i++, g->segs++) {
        uint8_t *src = s[i].source.virt, *dst = s[i].dest.virt;
        int st = GNTST_okay;

        if (s[i].flags & GNTCOPY_source_gref)
            st = fake_one(g, s[i].source.foreign.ref, s[i].source.foreign.domid,
                          s[i].source.foreign.offset, s[i].len, &src);
        if (st == GNTST_okay && (s[i].flags & GNTCOPY_dest_gref))
            st = fake_one(g, s[i].dest.foreign.ref, s[i].dest.foreign.domid,
                          s[i].dest.foreign.offset, s[i].len, &dst);
        if (st == GNTST_okay)
            memmove(dst, src, s[i].len);
        s[i].status = (int16_t)st;
    }
    return 0;
}

/* gntdev's map of n pages, as IOCTL_GNTDEV_MAP_GRANT_REF + mmap: the
 * granted pages themselves; all refused if one reference is not granted
 * to us (mmap fails as a whole).  Counts calls and live mappings. */
static inline int fake_map(void *ctx, uint16_t domid, const uint32_t *grefs,
                           unsigned int n, uint8_t **pages, uint64_t *handle)
{
    struct fake_gnt *g = ctx;

    g->maps++;
    for (unsigned int i = 0; i < n; i++)
        if (domid != FAKE_DOMID || grefs[i] >= FAKE_PAGES || !g->granted[grefs[i]])
            return -EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        g->mapped[grefs[i]]++;
        g->mapped_pages++;
        pages[i] = g->page[grefs[i]];
    }
    *handle = n;
    return 0;
}

static inline void fake_unmap(void *ctx, uint8_t **pages, unsigned int n,
                              uint64_t handle)
{
    struct fake_gnt *g = ctx;

    g->unmaps++;
    if (handle != n)
        abort();                        /* unmapped with another batch's size */
    for (unsigned int i = 0; i < n; i++) {
        size_t ref = (size_t)(pages[i] - g->page[0]) / BLK_PAGE;
        if (ref < FAKE_PAGES && pages[i] == g->page[ref])
            g->mapped[ref]--;
    }
}

#endif /* BLK_FAKE_H */
