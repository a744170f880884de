/*
 * request.c — validation of one blkif request copied out of the ring.
 * Everything the frontend controls is checked here before any I/O: the
 * operation, segment counts against what we advertised, each segment's
 * sector range inside its page, and the transfer against the disk's end
 * (with overflow).  The rules follow Linux's xen-blkback: a malformed
 * request gets BLKIF_RSP_ERROR, an operation we do not offer
 * BLKIF_RSP_EOPNOTSUPP, and the ring carries on.
 */
#include <string.h>

#include "blkback.h"

/* sector + count inside the disk, without wrapping. */
static bool in_range(uint64_t sector, uint64_t count, uint64_t capacity)
{
    return sector <= capacity && count <= capacity - sector;
}

int blk_parse_segments(struct blk_req *r,
                       const struct blkif_request_segment *segs,
                       unsigned int n, const struct blk_geom *g)
{
    uint64_t total = 0;
    unsigned int i;

    if (n == 0 || n > BLK_MAX_SEGS || n > g->max_segs)
        return BLKIF_RSP_ERROR;
    for (i = 0; i < n; i++) {
        /* read each field once: an indirect page stays writable by the
         * frontend, a ring slot was copied */
        uint8_t first = segs[i].first_sect, last = segs[i].last_sect;

        if (first > last || last >= BLK_SECTORS_PER_PAGE)
            return BLKIF_RSP_ERROR;
        r->segs[i].gref = segs[i].gref;
        r->segs[i].offset = (uint16_t)(first * BLK_SECTOR);
        r->segs[i].len = (uint16_t)((last - first + 1u) * BLK_SECTOR);
        total += last - first + 1u;
    }
    if (!in_range(r->sector, total, g->sectors))
        return BLKIF_RSP_ERROR;
    r->nr_segs = n;
    r->nr_sectors = total;
    r->nr_indirect = 0;
    return BLKIF_RSP_OKAY;
}

int blk_parse_request(const struct blkif_request *raw,
                      const struct blk_geom *g, struct blk_req *r)
{
    const struct blkif_request_discard *d = (const void *)raw;
    const struct blkif_request_indirect *ind = (const void *)raw;
    unsigned int i, pages;

    r->id = raw->id;
    r->resp_op = raw->operation;
    r->op = raw->operation;
    r->secure = false;
    r->sector = raw->sector_number;
    r->nr_sectors = 0;
    r->nr_segs = 0;
    r->nr_indirect = 0;

    switch (raw->operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
        if (raw->operation == BLKIF_OP_WRITE && g->readonly)
            return BLKIF_RSP_ERROR;
        if (raw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
            return BLKIF_RSP_ERROR;
        return blk_parse_segments(r, raw->seg, raw->nr_segments, g);
    case BLKIF_OP_FLUSH_DISKCACHE:
        /* Linux's blkfront sends a FUA write as a flush carrying data. */
        if (raw->nr_segments == 0)
            return BLKIF_RSP_OKAY;
        if (g->readonly || raw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
            return BLKIF_RSP_ERROR;
        return blk_parse_segments(r, raw->seg, raw->nr_segments, g);
    case BLKIF_OP_DISCARD:
        if (!g->discard)
            return BLKIF_RSP_EOPNOTSUPP;
        if (g->readonly)
            return BLKIF_RSP_ERROR;
        r->sector = d->sector_number;
        r->nr_sectors = d->nr_sectors;
        r->secure = d->flag & BLKIF_DISCARD_SECURE;
        if (!in_range(r->sector, r->nr_sectors, g->sectors))
            return BLKIF_RSP_ERROR;
        return BLKIF_RSP_OKAY;
    case BLKIF_OP_INDIRECT:
        r->id = ind->id;
        r->sector = ind->sector_number;
        r->op = ind->indirect_op;
        /* Linux's blkfront expects the inner operation back (its blkback
         * answers so) and disables the disk on any other */
        r->resp_op = ind->indirect_op;
        if (r->op != BLKIF_OP_READ && r->op != BLKIF_OP_WRITE)
            return BLKIF_RSP_ERROR;
        if (r->op == BLKIF_OP_WRITE && g->readonly)
            return BLKIF_RSP_ERROR;
        if (ind->nr_segments == 0 || ind->nr_segments > g->max_segs ||
            ind->nr_segments > BLK_MAX_SEGS)
            return BLKIF_RSP_ERROR;
        pages = (ind->nr_segments + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) /
                BLKIF_SEGS_PER_INDIRECT_FRAME;
        for (i = 0; i < pages; i++)
            r->indirect_grefs[i] = ind->indirect_grefs[i];
        r->nr_indirect = pages;
        r->nr_segs = ind->nr_segments;
        return BLKIF_RSP_OKAY;
    default:
        /* WRITE_BARRIER (not offered), RESERVED_1, anything else */
        return BLKIF_RSP_EOPNOTSUPP;
    }
}
