/*
 * blk_test_request.c — the blkif request parser (pv-drivers/blkback/
 * request.c): everything a frontend controls is validated before any I/O,
 * with Linux's xen-blkback answers (ERROR for malformed, EOPNOTSUPP for
 * operations not offered).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "blkback.h"

static const struct blk_geom geom = {
    .sectors = 2048, .readonly = false, .discard = true, .max_segs = BLK_MAX_SEGS,
};

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned int nseg)
{
    struct blkif_request r;
    unsigned int i;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.nr_segments = (uint8_t)nseg;
    r.id = 0x1122334455667788ULL;
    r.sector_number = sector;
    for (i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r.seg[i].gref = 100 + i;
        r.seg[i].first_sect = 0;
        r.seg[i].last_sect = 7;
    }
    return r;
}

Test(blk_request, read_write_segments)
{
    struct blkif_request raw = rw(BLKIF_OP_WRITE, 16, 3);
    struct blk_req r;

    raw.seg[1].first_sect = 2;
    raw.seg[1].last_sect = 5;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_OKAY);
    cr_assert_eq(r.op, BLKIF_OP_WRITE);
    cr_assert_eq(r.id, 0x1122334455667788ULL);
    cr_assert_eq(r.nr_segs, 3);
    cr_assert_eq(r.nr_sectors, 8 + 4 + 8);
    cr_assert_eq(r.segs[1].gref, 101);
    cr_assert_eq(r.segs[1].offset, 2 * 512);
    cr_assert_eq(r.segs[1].len, 4 * 512);
    cr_assert_eq(r.nr_indirect, 0);
}

Test(blk_request, segment_counts)
{
    struct blkif_request raw = rw(BLKIF_OP_READ, 0, 0);
    struct blk_req r;

    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "no segments");
    raw = rw(BLKIF_OP_READ, 0, BLKIF_MAX_SEGMENTS_PER_REQUEST);
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_OKAY);
    raw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "12 segments");
    raw.nr_segments = 255;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
}

Test(blk_request, sector_ranges_inside_page)
{
    struct blkif_request raw = rw(BLKIF_OP_READ, 0, 1);
    struct blk_req r;

    raw.seg[0].first_sect = 5;
    raw.seg[0].last_sect = 4;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "first > last");
    raw.seg[0].first_sect = 0;
    raw.seg[0].last_sect = 8;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "past the page");
    raw.seg[0].first_sect = 7;
    raw.seg[0].last_sect = 7;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_OKAY);
    cr_assert_eq(r.segs[0].offset, 3584);
    cr_assert_eq(r.segs[0].len, 512);
}

Test(blk_request, disk_end_and_wrap)
{
    struct blkif_request raw = rw(BLKIF_OP_READ, 2048 - 8, 1);
    struct blk_req r;

    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_OKAY, "last page");
    raw.sector_number = 2048 - 7;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "one past");
    raw.sector_number = 2048;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
    raw.sector_number = UINT64_MAX - 3;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "wraps");
}

Test(blk_request, read_only_refuses_writes)
{
    struct blk_geom ro = geom;
    struct blkif_request raw = rw(BLKIF_OP_WRITE, 0, 1);
    struct blkif_request_discard *d = (void *)&raw;
    struct blk_req r;

    ro.readonly = true;
    cr_assert_eq(blk_parse_request(&raw, &ro, &r), BLKIF_RSP_ERROR);
    raw.operation = BLKIF_OP_READ;
    cr_assert_eq(blk_parse_request(&raw, &ro, &r), BLKIF_RSP_OKAY);
    raw.operation = BLKIF_OP_FLUSH_DISKCACHE;
    cr_assert_eq(blk_parse_request(&raw, &ro, &r), BLKIF_RSP_ERROR, "flush with data");
    raw.nr_segments = 0;
    cr_assert_eq(blk_parse_request(&raw, &ro, &r), BLKIF_RSP_OKAY, "plain flush");
    memset(&raw, 0, sizeof(raw));
    d->operation = BLKIF_OP_DISCARD;
    d->nr_sectors = 8;
    cr_assert_eq(blk_parse_request(&raw, &ro, &r), BLKIF_RSP_ERROR);
}

Test(blk_request, discard)
{
    struct blkif_request raw;
    struct blkif_request_discard *d = (void *)&raw;
    struct blk_geom nodisc = geom;
    struct blk_req r;

    memset(&raw, 0, sizeof(raw));
    d->operation = BLKIF_OP_DISCARD;
    d->id = 9;
    d->sector_number = 8;
    d->nr_sectors = 2040;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_OKAY);
    cr_assert_eq(r.nr_sectors, 2040);
    cr_assert_eq(r.id, 9);
    d->nr_sectors = 2041;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
    d->nr_sectors = UINT64_MAX;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
    nodisc.discard = false;
    d->nr_sectors = 8;
    cr_assert_eq(blk_parse_request(&raw, &nodisc, &r), BLKIF_RSP_EOPNOTSUPP);
}

Test(blk_request, unknown_operations_echo_id)
{
    static const uint8_t ops[] = { BLKIF_OP_WRITE_BARRIER, BLKIF_OP_RESERVED_1, 7, 200 };
    struct blkif_request raw = rw(0, 0, 1);
    struct blk_req r;
    unsigned int i;

    for (i = 0; i < sizeof(ops); i++) {
        raw.operation = ops[i];
        cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_EOPNOTSUPP);
        cr_assert_eq(r.id, raw.id);
        cr_assert_eq(r.resp_op, ops[i]);
    }
}

Test(blk_request, indirect_header)
{
    struct blkif_request raw;
    struct blkif_request_indirect *ind = (void *)&raw;
    struct blk_geom small = geom;
    struct blk_req r;

    memset(&raw, 0, sizeof(raw));
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = BLKIF_OP_WRITE;
    ind->id = 42;
    ind->sector_number = 64;
    ind->nr_segments = 40;
    ind->indirect_grefs[0] = 5;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_OKAY);
    cr_assert_eq(r.op, BLKIF_OP_WRITE);
    cr_assert_eq(r.resp_op, BLKIF_OP_WRITE, "the inner op, as blkfront checks");
    cr_assert_eq(r.id, 42);
    cr_assert_eq(r.nr_indirect, 1);
    cr_assert_eq(r.indirect_grefs[0], 5);
    ind->nr_segments = 0;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
    ind->nr_segments = BLK_MAX_SEGS + 1;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "over advertised");
    ind->nr_segments = 4096;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
    small.max_segs = 32;
    ind->nr_segments = 33;
    cr_assert_eq(blk_parse_request(&raw, &small, &r), BLKIF_RSP_ERROR);
    ind->nr_segments = 8;
    ind->indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR);
    ind->indirect_op = BLKIF_OP_INDIRECT;
    cr_assert_eq(blk_parse_request(&raw, &geom, &r), BLKIF_RSP_ERROR, "nested");
}

Test(blk_request, abi_sizes)
{
    /* the x86_64 layout Linux's blkfront uses */
    cr_assert_eq(sizeof(struct blkif_request), 112);
    cr_assert_eq(sizeof(struct blkif_response), 16);
    cr_assert_eq(sizeof(struct blkif_request_segment), 8);
    cr_assert_eq(offsetof(struct blkif_request_indirect, indirect_grefs), 28);
    cr_assert_eq(__CONST_RING_SIZE(blkif, 4096), 32);
    cr_assert_eq(__CONST_RING_SIZE(blkif, 4096 * 16), 512);
}
