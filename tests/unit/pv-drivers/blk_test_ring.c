/*
 * blk_test_ring.c — blkback's ring and I/O paths (pv-drivers/blkback/
 * ring.c, io.c, request.c) against a fake frontend: a shared ring in plain
 * memory, granted pages in a fake grant table (blk_fake.h), and a real
 * image file (memfd).  Data written through the ring lands at the right
 * sectors and reads back; bad grants, read-only disks and malformed
 * requests get error responses without touching the image; a frontend
 * that breaks the ring indices halts it; a flood is served in budgets; a
 * restarted backend serves the requests left unanswered.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blk_fake.h"

#define DISK_SECTORS 4096   /* 2 MiB */

struct rig {
    struct fake_gnt *g;
    void *shared;
    unsigned int pages;
    blkif_front_ring_t front;
    struct blk_ring ring;
    struct blk_io io;
};

static void rig_init(struct rig *t, unsigned int pages, bool readonly)
{
    memset(t, 0, sizeof(*t));
    t->g = calloc(1, sizeof(*t->g));
    cr_assert(t->g);
    for (unsigned int i = 0; i < FAKE_PAGES; i++)
        t->g->granted[i] = true;
    cr_assert_eq(posix_memalign(&t->shared, BLK_PAGE, pages * BLK_PAGE), 0);
    memset(t->shared, 0, pages * BLK_PAGE);
    t->pages = pages;
    SHARED_RING_INIT((blkif_sring_t *)t->shared);
    FRONT_RING_INIT(&t->front, (blkif_sring_t *)t->shared, pages * BLK_PAGE);
    blk_ring_attach(&t->ring, t->shared, pages);
    cr_assert_eq(blk_io_init(&t->io), 0);
    t->io.fd = memfd_create("blk-test", 0);
    cr_assert(t->io.fd >= 0);
    cr_assert_eq(ftruncate(t->io.fd, DISK_SECTORS * 512), 0);
    t->io.domid = FAKE_DOMID;
    t->io.geom.sectors = DISK_SECTORS;
    t->io.geom.readonly = readonly;
    t->io.geom.discard = true;
    t->io.geom.max_segs = BLK_MAX_SEGS;
    t->io.ops.copy = fake_copy;
    t->io.ops.ctx = t->g;
}

static void rig_fini(struct rig *t)
{
    close(t->io.fd);
    blk_io_free(&t->io);
    free(t->shared);
    free(t->g);
}

static struct blkif_request *next_req(struct rig *t)
{
    struct blkif_request *r = RING_GET_REQUEST(&t->front, t->front.req_prod_pvt);

    memset(r, 0, sizeof(*r));
    t->front.req_prod_pvt++;
    return r;
}

/* Queue a one-page-per-segment read/write of nseg full pages from gref0. */
static void queue_rw(struct rig *t, uint8_t op, uint64_t id, uint64_t sector,
                     unsigned int nseg, uint32_t gref0)
{
    struct blkif_request *r = next_req(t);

    r->operation = op;
    r->id = id;
    r->sector_number = sector;
    r->nr_segments = (uint8_t)nseg;
    for (unsigned int i = 0; i < nseg; i++) {
        r->seg[i].gref = gref0 + i;
        r->seg[i].first_sect = 0;
        r->seg[i].last_sect = 7;
    }
}

/* Push, serve everything, return how many responses came back. */
static int serve_all(struct rig *t)
{
    bool notify, more;
    int total = 0, rc;

    RING_PUSH_REQUESTS(&t->front);
    do {
        rc = blk_ring_work(&t->ring, &t->io, 1000, &notify, &more);
        cr_assert(rc >= 0, "ring halted unexpectedly");
        total += rc;
    } while (more);
    return total;
}

static blkif_response_t next_rsp(struct rig *t)
{
    blkif_response_t r;

    cr_assert(t->front.rsp_cons != t->front.sring->rsp_prod, "no response");
    r = *RING_GET_RESPONSE(&t->front, t->front.rsp_cons);
    t->front.rsp_cons++;
    return r;
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 9));
}

Test(blk_ring, write_then_read_back)
{
    struct rig t;
    uint8_t disk[3 * BLK_PAGE];
    blkif_response_t rsp;

    rig_init(&t, 1, false);
    for (int i = 0; i < 3; i++)
        fill(t.g->page[i], BLK_PAGE, (unsigned)i + 1);
    queue_rw(&t, BLKIF_OP_WRITE, 11, 40, 3, 0);
    cr_assert_eq(serve_all(&t), 1);
    rsp = next_rsp(&t);
    cr_assert_eq(rsp.id, 11);
    cr_assert_eq(rsp.operation, BLKIF_OP_WRITE);
    cr_assert_eq(rsp.status, BLKIF_RSP_OKAY);
    /* in the image at sector 40, in segment order */
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 40 * 512), (ssize_t)sizeof(disk));
    for (int i = 0; i < 3; i++)
        cr_assert_arr_eq(disk + i * BLK_PAGE, t.g->page[i], BLK_PAGE);
    /* read into other pages */
    queue_rw(&t, BLKIF_OP_READ, 12, 40, 3, 10);
    cr_assert_eq(serve_all(&t), 1);
    rsp = next_rsp(&t);
    cr_assert_eq(rsp.status, BLKIF_RSP_OKAY);
    for (int i = 0; i < 3; i++)
        cr_assert_arr_eq(t.g->page[10 + i], t.g->page[i], BLK_PAGE);
    cr_assert_eq(t.io.n_write, 1);
    cr_assert_eq(t.io.n_read, 1);
    cr_assert_eq(t.io.n_wr_sect, 3 * BLK_SECTORS_PER_PAGE);
    cr_assert_eq(t.io.n_rd_sect, 3 * BLK_SECTORS_PER_PAGE);
    rig_fini(&t);
}

/* The counters xl top reads, in Linux blkback's statistics/ layout. */
Test(blk_ring, statistics_files)
{
    struct rig t;
    char dir[] = "/tmp/blkstats.XXXXXX", f[256], buf[32];
    uint64_t v[5];
    FILE *fp;

    cr_assert_not_null(mkdtemp(dir));
    rig_init(&t, 1, false);
    queue_rw(&t, BLKIF_OP_WRITE, 1, 0, 2, 0);
    queue_rw(&t, BLKIF_OP_READ, 2, 0, 1, 4);
    queue_rw(&t, BLKIF_OP_READ, 3, 8, 1, 5);
    cr_assert_eq(serve_all(&t), 3);
    blk_stats_of(&t.io, v);
    cr_assert_eq(v[0], 0, "oo_req: no request ever waits for a slot");
    cr_assert_eq(v[1], 2);
    cr_assert_eq(v[2], 1);
    cr_assert_eq(v[3], 2 * BLK_SECTORS_PER_PAGE);
    cr_assert_eq(v[4], 2 * BLK_SECTORS_PER_PAGE);
    cr_assert_eq(blk_stats_publish(dir, 7, 51712, v), 0);
    snprintf(f, sizeof(f), "%s/vbd-7-51712/statistics/rd_sect", dir);
    fp = fopen(f, "r");
    cr_assert_not_null(fp);
    cr_assert_not_null(fgets(buf, sizeof(buf), fp));
    fclose(fp);
    cr_assert_str_eq(buf, "16\n");
    snprintf(f, sizeof(f), "%s/vbd-7-51712/statistics/rd_sect.tmp", dir);
    cr_assert_neq(access(f, F_OK), 0, "no temporary file left");
    blk_stats_remove(dir, 7, 51712);
    snprintf(f, sizeof(f), "%s/vbd-7-51712", dir);
    cr_assert_neq(access(f, F_OK), 0, "removed with the device");
    cr_assert_eq(rmdir(dir), 0, "nothing else left behind");
    rig_fini(&t);
}

Test(blk_ring, partial_pages_land_in_place)
{
    struct rig t;
    struct blkif_request *r;
    uint8_t disk[6 * 512];

    rig_init(&t, 1, false);
    fill(t.g->page[3], BLK_PAGE, 9);
    fill(t.g->page[4], BLK_PAGE, 10);
    r = next_req(&t);
    r->operation = BLKIF_OP_WRITE;
    r->id = 1;
    r->sector_number = 100;
    r->nr_segments = 2;
    r->seg[0] = (struct blkif_request_segment){ .gref = 3, .first_sect = 2, .last_sect = 5 };
    r->seg[1] = (struct blkif_request_segment){ .gref = 4, .first_sect = 7, .last_sect = 7 };
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 100 * 512), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, t.g->page[3] + 2 * 512, 4 * 512);
    cr_assert_arr_eq(disk + 4 * 512, t.g->page[4] + 7 * 512, 512);
    /* sector 105 untouched */
    for (int i = 5 * 512; i < 6 * 512; i++)
        cr_assert_eq(disk[i], 0);
    rig_fini(&t);
}

Test(blk_ring, bad_grant_is_an_error_and_writes_nothing)
{
    struct rig t;
    uint8_t disk[2 * BLK_PAGE], zero[2 * BLK_PAGE] = { 0 };
    blkif_response_t rsp;

    rig_init(&t, 1, false);
    fill(t.g->page[0], BLK_PAGE, 1);
    t.g->granted[1] = false;            /* revoked */
    queue_rw(&t, BLKIF_OP_WRITE, 5, 0, 2, 0);
    queue_rw(&t, BLKIF_OP_WRITE, 6, 8, 1, FAKE_PAGES + 100);   /* never granted */
    queue_rw(&t, BLKIF_OP_READ, 7, 0, 2, 0);                   /* read into revoked */
    cr_assert_eq(serve_all(&t), 3);
    rsp = next_rsp(&t);
    cr_assert_eq(rsp.id, 5);
    cr_assert_eq(rsp.status, BLKIF_RSP_ERROR);
    rsp = next_rsp(&t);
    cr_assert_eq(rsp.id, 6);
    cr_assert_eq(rsp.status, BLKIF_RSP_ERROR);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 0), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, zero, sizeof(disk));
    cr_assert_eq(t.io.n_error, 3);
    rig_fini(&t);
}

Test(blk_ring, wrong_domain_grant_refused)
{
    struct rig t;

    rig_init(&t, 1, false);
    t.io.domid = FAKE_DOMID + 1;    /* the backend copies as another domain's */
    queue_rw(&t, BLKIF_OP_READ, 1, 0, 1, 0);
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    rig_fini(&t);
}

Test(blk_ring, read_only_disk_refuses_writes)
{
    struct rig t;
    uint8_t disk[BLK_PAGE], zero[BLK_PAGE] = { 0 };
    struct blkif_request *r;

    rig_init(&t, 1, true);
    fill(t.g->page[0], BLK_PAGE, 3);
    queue_rw(&t, BLKIF_OP_WRITE, 1, 0, 1, 0);
    r = next_req(&t);
    r->operation = BLKIF_OP_DISCARD;
    ((struct blkif_request_discard *)r)->nr_sectors = 8;
    queue_rw(&t, BLKIF_OP_READ, 3, 0, 1, 0);
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY, "reads still work");
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 0), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, zero, sizeof(disk));
    rig_fini(&t);
}

Test(blk_ring, flush_and_fua_write)
{
    struct rig t;
    struct blkif_request *r;
    uint8_t disk[BLK_PAGE];

    rig_init(&t, 1, false);
    r = next_req(&t);
    r->operation = BLKIF_OP_FLUSH_DISKCACHE;
    r->id = 77;
    fill(t.g->page[2], BLK_PAGE, 4);
    queue_rw(&t, BLKIF_OP_FLUSH_DISKCACHE, 78, 16, 1, 2);     /* carries data */
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(t.io.n_flush, 2);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 16 * 512), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, t.g->page[2], BLK_PAGE);
    rig_fini(&t);
}

Test(blk_ring, discard_punches_a_hole)
{
    struct rig t;
    struct blkif_request *r;
    struct blkif_request_discard *d;
    uint8_t disk[BLK_PAGE], zero[BLK_PAGE] = { 0 };
    struct stat before, after;

    rig_init(&t, 1, false);
    for (int i = 0; i < 8; i++)
        fill(t.g->page[i], BLK_PAGE, (unsigned)i + 20);
    queue_rw(&t, BLKIF_OP_WRITE, 1, 0, 8, 0);
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    fstat(t.io.fd, &before);
    r = next_req(&t);
    d = (void *)r;
    d->operation = BLKIF_OP_DISCARD;
    d->id = 2;
    d->sector_number = 8;
    d->nr_sectors = 16;
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    fstat(t.io.fd, &after);
    cr_assert_lt(after.st_blocks, before.st_blocks, "no space freed");
    cr_assert_eq(after.st_size, before.st_size);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 8 * 512), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, zero, BLK_PAGE);
    /* neighbours intact */
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 0), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, t.g->page[0], BLK_PAGE);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 24 * 512), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, t.g->page[3], BLK_PAGE);
    rig_fini(&t);
}

Test(blk_ring, indirect_write_and_read)
{
    struct rig t;
    struct blkif_request *r;
    struct blkif_request_indirect *ind;
    struct blkif_request_segment *segs;
    const unsigned int n = 40;

    rig_init(&t, 1, false);
    /* page 0 holds the descriptors; data pages 1..40 */
    segs = (void *)t.g->page[0];
    for (unsigned int i = 0; i < n; i++) {
        segs[i] = (struct blkif_request_segment){ .gref = 1 + i, .first_sect = 0, .last_sect = 7 };
        fill(t.g->page[1 + i], BLK_PAGE, 100 + i);
    }
    r = next_req(&t);
    ind = (void *)r;
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = BLKIF_OP_WRITE;
    ind->id = 55;
    ind->sector_number = 512;
    ind->nr_segments = (uint16_t)n;
    ind->indirect_grefs[0] = 0;
    serve_all(&t);
    {
        blkif_response_t rsp = next_rsp(&t);
        cr_assert_eq(rsp.status, BLKIF_RSP_OKAY);
        /* blkfront disables the disk unless it gets the inner op back */
        cr_assert_eq(rsp.operation, BLKIF_OP_WRITE);
        cr_assert_eq(rsp.id, 55);
    }
    for (unsigned int i = 0; i < n; i++) {
        uint8_t disk[BLK_PAGE];
        cr_assert_eq(pread(t.io.fd, disk, BLK_PAGE, (512 + 8 * i) * 512), BLK_PAGE);
        cr_assert_arr_eq(disk, t.g->page[1 + i], BLK_PAGE, "segment %u", i);
    }
    /* a descriptor with a bad sector range inside the indirect page */
    segs[7].last_sect = 9;
    r = next_req(&t);
    ind = (void *)r;
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = BLKIF_OP_READ;
    ind->id = 56;
    ind->nr_segments = (uint16_t)n;
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    /* an indirect page that is not granted */
    t.g->granted[0] = false;
    segs[7].last_sect = 7;
    r = next_req(&t);
    ind = (void *)r;
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = BLKIF_OP_READ;
    ind->id = 57;
    ind->nr_segments = (uint16_t)n;
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    rig_fini(&t);
}

Test(blk_ring, bogus_producer_index_halts_the_ring)
{
    struct rig t;
    bool notify, more;
    RING_IDX before;

    rig_init(&t, 1, false);
    queue_rw(&t, BLKIF_OP_READ, 1, 0, 1, 0);
    serve_all(&t);
    next_rsp(&t);
    before = t.front.sring->rsp_prod;
    /* claim more outstanding requests than the ring has slots */
    t.front.sring->req_prod = t.ring.br.rsp_prod_pvt + RING_SIZE(&t.ring.br) + 1;
    cr_assert_eq(blk_ring_work(&t.ring, &t.io, 1000, &notify, &more), -EPROTO);
    cr_assert(t.ring.halted);
    cr_assert_eq(t.front.sring->rsp_prod, before, "nothing answered");
    /* and it stays halted, whatever the frontend does next */
    t.front.sring->req_prod = t.ring.br.rsp_prod_pvt + 1;
    cr_assert_eq(blk_ring_work(&t.ring, &t.io, 1000, &notify, &more), -EPROTO);
    /* a producer index behind our responses is just as impossible */
    rig_fini(&t);
    rig_init(&t, 1, false);
    t.front.sring->req_prod = (RING_IDX)-5;
    cr_assert_eq(blk_ring_work(&t.ring, &t.io, 1000, &notify, &more), -EPROTO);
    rig_fini(&t);
}

Test(blk_ring, flood_is_served_in_budgets)
{
    struct rig t;
    bool notify, more;
    unsigned int i, n;

    rig_init(&t, 1, false);
    n = RING_SIZE(&t.front);
    for (i = 0; i < n; i++)
        queue_rw(&t, BLKIF_OP_READ, i, i * 8, 1, i % FAKE_PAGES);
    RING_PUSH_REQUESTS(&t.front);
    cr_assert_eq(blk_ring_work(&t.ring, &t.io, 8, &notify, &more), 8);
    cr_assert(more);
    cr_assert_eq(t.front.sring->rsp_prod, 8, "answered requests published");
    cr_assert_eq(blk_ring_work(&t.ring, &t.io, 1000, &notify, &more), (int)n - 8);
    cr_assert(!more);
    for (i = 0; i < n; i++) {
        blkif_response_t r = next_rsp(&t);
        cr_assert_eq(r.id, i, "in order");
        cr_assert_eq(r.status, BLKIF_RSP_OKAY);
    }
    rig_fini(&t);
}

Test(blk_ring, garbage_requests_all_answered)
{
    struct rig t;
    unsigned int i, n;

    rig_init(&t, 1, false);
    n = RING_SIZE(&t.front);
    srand(1);
    for (i = 0; i < n; i++) {
        struct blkif_request *r = next_req(&t);
        uint8_t *b = (uint8_t *)r;
        for (size_t k = 0; k < sizeof(*r); k++)
            b[k] = (uint8_t)rand();
        r->id = i;
    }
    cr_assert_eq(serve_all(&t), (int)n);
    for (i = 0; i < n; i++)
        cr_assert_eq(next_rsp(&t).id, i);
    rig_fini(&t);
}

Test(blk_ring, notify_only_when_asked)
{
    struct rig t;
    bool notify, more;

    rig_init(&t, 1, false);
    queue_rw(&t, BLKIF_OP_READ, 1, 0, 1, 0);
    RING_PUSH_REQUESTS(&t.front);
    t.front.sring->rsp_event = 1;           /* wants the first response */
    blk_ring_work(&t.ring, &t.io, 100, &notify, &more);
    cr_assert(notify);
    queue_rw(&t, BLKIF_OP_READ, 2, 0, 1, 0);
    RING_PUSH_REQUESTS(&t.front);
    t.front.sring->rsp_event = 100;         /* not interested yet */
    blk_ring_work(&t.ring, &t.io, 100, &notify, &more);
    cr_assert(!notify);
    /* and asked to be woken for the next request */
    cr_assert_eq(t.front.sring->req_event, t.ring.br.req_cons + 1);
    rig_fini(&t);
}

Test(blk_ring, multi_page_ring)
{
    struct rig t;
    unsigned int i, n;

    rig_init(&t, 4, false);
    n = RING_SIZE(&t.front);
    cr_assert_eq(n, 128);
    cr_assert_eq(RING_SIZE(&t.ring.br), 128);
    for (i = 0; i < n; i++)
        queue_rw(&t, BLKIF_OP_READ, i, 0, 1, 0);
    cr_assert_eq(serve_all(&t), (int)n);
    for (i = 0; i < n; i++)
        cr_assert_eq(next_rsp(&t).id, i);
    rig_fini(&t);
}

Test(blk_ring, restarted_backend_serves_unanswered_requests)
{
    struct rig t;
    struct blk_ring again;
    bool notify, more;

    rig_init(&t, 1, false);
    queue_rw(&t, BLKIF_OP_READ, 1, 0, 1, 0);
    queue_rw(&t, BLKIF_OP_READ, 2, 0, 1, 0);
    serve_all(&t);
    /* two more requests published; the backend "dies" before answering */
    queue_rw(&t, BLKIF_OP_READ, 3, 0, 1, 0);
    queue_rw(&t, BLKIF_OP_READ, 4, 0, 1, 0);
    RING_PUSH_REQUESTS(&t.front);
    blk_ring_attach(&again, t.shared, 1);
    cr_assert_eq(again.br.req_cons, 2);
    cr_assert_eq(blk_ring_work(&again, &t.io, 100, &notify, &more), 2);
    for (unsigned int id = 1; id <= 4; id++)
        cr_assert_eq(next_rsp(&t).id, id);
    rig_fini(&t);
}

/* ------------------------------------------------------------ persistent */

static void persistent_on(struct rig *t)
{
    t->io.persistent = true;
    t->io.ops.map = fake_map;
    t->io.ops.unmap = fake_unmap;
}

/* Pages are mapped the first time, a request's new pages in one batch, and
 * kept; data goes between them and the image without any grant copy;
 * dropping unmaps each batch, hence each page, exactly once. */
Test(blk_ring, persistent_grants_mapped_once_no_copies)
{
    struct rig t;
    uint8_t disk[3 * BLK_PAGE];

    rig_init(&t, 1, false);
    persistent_on(&t);
    for (int i = 0; i < 3; i++)
        fill(t.g->page[i], BLK_PAGE, (unsigned)i + 5);
    queue_rw(&t, BLKIF_OP_WRITE, 1, 64, 3, 0);
    queue_rw(&t, BLKIF_OP_READ, 2, 64, 3, 10);
    cr_assert_eq(serve_all(&t), 2);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 64 * 512), (ssize_t)sizeof(disk));
    for (int i = 0; i < 3; i++) {
        cr_assert_arr_eq(disk + i * BLK_PAGE, t.g->page[i], BLK_PAGE);
        cr_assert_arr_eq(t.g->page[10 + i], t.g->page[i], BLK_PAGE);
    }
    cr_assert_eq(t.g->calls, 0, "no grant copy");
    cr_assert_eq(t.g->maps, 2, "one batch per request");
    cr_assert_eq(t.g->mapped_pages, 6);
    /* the same pages again: no new mapping */
    fill(t.g->page[0], BLK_PAGE, 77);
    queue_rw(&t, BLKIF_OP_WRITE, 3, 200, 1, 0);
    queue_rw(&t, BLKIF_OP_READ, 4, 200, 1, 11);
    cr_assert_eq(serve_all(&t), 2);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_arr_eq(t.g->page[11], t.g->page[0], BLK_PAGE);
    cr_assert_eq(t.g->maps, 2, "pages 0 and 11 were kept");
    cr_assert_eq(t.io.npg, 6);
    cr_assert_eq(t.io.n_zero_copy, 4);
    blk_io_drop_persistent(&t.io);
    cr_assert_eq(t.g->unmaps, 2, "one unmap per batch");
    for (int i = 0; i < FAKE_PAGES; i++)
        cr_assert_eq(t.g->mapped[i], 0, "page %d still mapped", i);
    cr_assert_eq(t.io.npg, 0);
    rig_fini(&t);
}

Test(blk_ring, persistent_partial_pages_land_in_place)
{
    struct rig t;
    struct blkif_request *r;
    uint8_t disk[6 * 512];

    rig_init(&t, 1, false);
    persistent_on(&t);
    fill(t.g->page[3], BLK_PAGE, 9);
    fill(t.g->page[4], BLK_PAGE, 10);
    r = next_req(&t);
    r->operation = BLKIF_OP_WRITE;
    r->id = 1;
    r->sector_number = 100;
    r->nr_segments = 2;
    r->seg[0] = (struct blkif_request_segment){ .gref = 3, .first_sect = 2, .last_sect = 5 };
    r->seg[1] = (struct blkif_request_segment){ .gref = 4, .first_sect = 7, .last_sect = 7 };
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 100 * 512), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, t.g->page[3] + 2 * 512, 4 * 512);
    cr_assert_arr_eq(disk + 4 * 512, t.g->page[4] + 7 * 512, 512);
    for (int i = 5 * 512; i < 6 * 512; i++)
        cr_assert_eq(disk[i], 0);
    /* and back into another page's middle */
    memset(t.g->page[20], 0xee, BLK_PAGE);
    r = next_req(&t);
    r->operation = BLKIF_OP_READ;
    r->id = 2;
    r->sector_number = 101;
    r->nr_segments = 1;
    r->seg[0] = (struct blkif_request_segment){ .gref = 20, .first_sect = 1, .last_sect = 2 };
    serve_all(&t);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_arr_eq(t.g->page[20] + 512, t.g->page[3] + 3 * 512, 2 * 512);
    cr_assert_eq(t.g->page[20][511], 0xee);
    cr_assert_eq(t.g->page[20][3 * 512], 0xee);
    cr_assert_eq(t.g->calls, 0);
    rig_fini(&t);
}

/* A grant that cannot be mapped sends the request through grant copy,
 * which refuses it: an error, nothing written. */
Test(blk_ring, persistent_bad_grant_is_an_error)
{
    struct rig t;
    uint8_t disk[2 * BLK_PAGE], zero[2 * BLK_PAGE] = { 0 };

    rig_init(&t, 1, false);
    persistent_on(&t);
    fill(t.g->page[0], BLK_PAGE, 1);
    t.g->granted[1] = false;
    queue_rw(&t, BLKIF_OP_WRITE, 5, 0, 2, 0);
    queue_rw(&t, BLKIF_OP_READ, 6, 0, 1, FAKE_PAGES + 3);
    cr_assert_eq(serve_all(&t), 2);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_ERROR);
    cr_assert_eq(pread(t.io.fd, disk, sizeof(disk), 0), (ssize_t)sizeof(disk));
    cr_assert_arr_eq(disk, zero, sizeof(disk));
    cr_assert_eq(t.io.n_zero_copy, 0);
    rig_fini(&t);
}

/* A full table: further pages go through grant copy, correctly. */
Test(blk_ring, persistent_table_full_falls_back_to_copy)
{
    struct rig t;

    rig_init(&t, 1, false);
    persistent_on(&t);
    t.io.npg = BLK_MAX_PGRANTS;          /* as if a frontend had used them all */
    fill(t.g->page[2], BLK_PAGE, 3);
    queue_rw(&t, BLKIF_OP_WRITE, 1, 8, 1, 2);
    queue_rw(&t, BLKIF_OP_READ, 2, 8, 1, 30);
    cr_assert_eq(serve_all(&t), 2);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_eq(next_rsp(&t).status, BLKIF_RSP_OKAY);
    cr_assert_arr_eq(t.g->page[30], t.g->page[2], BLK_PAGE);
    cr_assert_eq(t.g->maps, 0);
    cr_assert_eq(t.g->calls, 2);
    t.io.npg = 0;
    rig_fini(&t);
}

/* Indirect requests: 200 segments, some pages repeated; new pages are
 * mapped in batches of at most BLK_PGRANT_BATCH, each page once. */
Test(blk_ring, persistent_batches_and_repeated_pages)
{
    struct rig t;
    struct blk_req r = { .op = BLKIF_OP_WRITE, .resp_op = BLKIF_OP_WRITE };
    uint8_t disk[BLK_PAGE];

    rig_init(&t, 1, false);
    persistent_on(&t);
    for (int i = 0; i < FAKE_PAGES; i++)
        fill(t.g->page[i], BLK_PAGE, (unsigned)i);
    r.sector = 0;
    r.nr_segs = 200;
    r.nr_sectors = 200 * 8;
    for (unsigned int i = 0; i < r.nr_segs; i++)
        r.segs[i] = (struct blk_seg){ .gref = i % FAKE_PAGES, .offset = 0, .len = BLK_PAGE };
    cr_assert_eq(blk_io_execute(&t.io, &r), BLKIF_RSP_OKAY);
    cr_assert_eq(t.g->mapped_pages, FAKE_PAGES, "each page once");
    cr_assert_eq(t.g->maps, 1, "64 new pages: one batch");
    cr_assert_eq(t.g->calls, 0);
    for (unsigned int i = 0; i < r.nr_segs; i += 37) {
        cr_assert_eq(pread(t.io.fd, disk, BLK_PAGE, (off_t)i * BLK_PAGE), BLK_PAGE);
        cr_assert_arr_eq(disk, t.g->page[i % FAKE_PAGES], BLK_PAGE, "segment %u", i);
    }
    blk_io_drop_persistent(&t.io);
    for (int i = 0; i < FAKE_PAGES; i++)
        cr_assert_eq(t.g->mapped[i], 0);
    rig_fini(&t);
}
