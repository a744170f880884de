/*
 * io.c — executing validated block requests against the image.  Data moves
 * between the frontend's granted pages and a per-device bounce buffer with
 * one grant-copy batch per request (no grant mappings to track), and between
 * the buffer and the image with one pread/pwrite: a request's segments are
 * contiguous on disk.  With persistent grants (feature-persistent, which
 * Linux's blkfront uses when offered: it keeps a pool of granted pages and
 * copies through them) each page is mapped the first time it is seen and
 * kept, and a request whose pages are all mapped goes between them and the
 * image with one preadv/pwritev: no grant operation at all.  Durability: a
 * write is answered after pwrite() returned (the data is in dom0's page
 * cache and survives the daemon being killed), a flush after fdatasync()
 * returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "xen_ioctl.h"
#include "blkback.h"

int blk_io_init(struct blk_io *io)
{
    void *p = NULL;

    if (posix_memalign(&p, BLK_PAGE, BLK_MAX_BYTES))
        return -ENOMEM;
    io->buf = p;
    io->cseg = calloc(BLK_MAX_SEGS, sizeof(*io->cseg));
    io->iseg = calloc(BLK_MAX_INDIRECT_PAGES * BLKIF_SEGS_PER_INDIRECT_FRAME,
                      sizeof(*io->iseg));
    io->pg = calloc(BLK_MAX_PGRANTS, sizeof(*io->pg));
    io->pg_slot = calloc(BLK_PGRANT_SLOTS, sizeof(*io->pg_slot));
    io->pgb = calloc(BLK_MAX_PGRANTS, sizeof(*io->pgb));
    io->npg = io->npgb = 0;
    if (!io->cseg || !io->iseg || !io->pg || !io->pg_slot || !io->pgb) {
        blk_io_free(io);
        return -ENOMEM;
    }
    return 0;
}

void blk_io_drop_persistent(struct blk_io *io)
{
    for (unsigned int i = 0; i < io->npgb; i++) {
        uint8_t *pages[BLK_PGRANT_BATCH];
        struct blk_pgbatch *b = &io->pgb[i];

        for (unsigned int j = 0; j < b->n; j++)
            pages[j] = io->pg[b->first + j].page;
        if (io->ops.unmap)
            io->ops.unmap(io->ops.ctx, pages, b->n, b->handle);
    }
    io->npg = io->npgb = 0;
    if (io->pg_slot)
        memset(io->pg_slot, 0, BLK_PGRANT_SLOTS * sizeof(*io->pg_slot));
}

void blk_io_free(struct blk_io *io)
{
    if (io->pg)
        blk_io_drop_persistent(io);
    free(io->buf);
    free(io->cseg);
    free(io->iseg);
    free(io->pg);
    free(io->pg_slot);
    free(io->pgb);
    io->pgb = NULL;
    io->buf = NULL;
    io->cseg = NULL;
    io->iseg = NULL;
    io->pg = NULL;
    io->pg_slot = NULL;
}

/* ------------------------------------------------------------ persistent */

static unsigned int pg_hash(uint32_t gref)
{
    return (gref * 2654435761u) >> 20 & (BLK_PGRANT_SLOTS - 1);
}

/* The mapped page of gref, or NULL. */
static uint8_t *pg_find(const struct blk_io *io, uint32_t gref)
{
    for (unsigned int h = pg_hash(gref); io->pg_slot[h];
         h = (h + 1) & (BLK_PGRANT_SLOTS - 1))
        if (io->pg[io->pg_slot[h] - 1].gref == gref)
            return io->pg[io->pg_slot[h] - 1].page;
    return NULL;
}

static void pg_insert(struct blk_io *io, uint32_t gref, uint8_t *page)
{
    unsigned int h = pg_hash(gref);

    while (io->pg_slot[h])
        h = (h + 1) & (BLK_PGRANT_SLOTS - 1);
    io->pg[io->npg].gref = gref;
    io->pg[io->npg].page = page;
    io->pg_slot[h] = (uint16_t)++io->npg;
}

/* Maps grefs[0..n) (n <= BLK_PGRANT_BATCH, none mapped yet) as one batch;
 * false if the table has no room or any of them cannot be mapped. */
static bool pg_map_batch(struct blk_io *io, const uint32_t *grefs, unsigned int n)
{
    uint8_t *pages[BLK_PGRANT_BATCH];
    uint64_t handle;

    if (io->npg + n > BLK_MAX_PGRANTS || !io->ops.map ||
        io->ops.map(io->ops.ctx, io->domid, grefs, n, pages, &handle))
        return false;
    io->pgb[io->npgb++] = (struct blk_pgbatch){ io->npg, n, handle };
    for (unsigned int j = 0; j < n; j++)
        pg_insert(io, grefs[j], pages[j]);
    return true;
}

/* The request's segments as an iovec over mapped pages, mapping the pages
 * not seen before in batches; false if one of them is not (and cannot
 * be) mapped: the request then goes through grant copy, which answers a
 * bad grant with an error. */
static bool pg_iov(struct blk_io *io, const struct blk_req *r, struct iovec *iov)
{
    uint32_t miss[BLK_PGRANT_BATCH];
    unsigned int nmiss = 0, i, j;

    if (!io->persistent)
        return false;
    for (i = 0; i < r->nr_segs; i++) {
        uint32_t gref = r->segs[i].gref;

        if (pg_find(io, gref))
            continue;
        for (j = 0; j < nmiss && miss[j] != gref; j++)
            ;
        if (j < nmiss)
            continue;                    /* already queued: a repeated page */
        miss[nmiss++] = gref;
        if (nmiss == BLK_PGRANT_BATCH) {
            if (!pg_map_batch(io, miss, nmiss))
                return false;
            nmiss = 0;
        }
    }
    if (nmiss && !pg_map_batch(io, miss, nmiss))
        return false;
    for (i = 0; i < r->nr_segs; i++) {
        iov[i].iov_base = pg_find(io, r->segs[i].gref) + r->segs[i].offset;
        iov[i].iov_len = r->segs[i].len;
    }
    return true;
}

/* preadv/pwritev of the whole iovec (short transfers continued). */
static int rw_iov(int fd, struct iovec *iov, unsigned int n, off_t off,
                  bool write)
{
    while (n) {
        ssize_t k = write ? pwritev(fd, iov, (int)n, off)
                          : preadv(fd, iov, (int)n, off);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? -errno : -EIO;   /* 0: the image shrank */
        off += k;
        while (n && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n) {
            iov->iov_base = (uint8_t *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    return 0;
}

/* Runs a prepared copy batch: 0 if every segment was copied. */
static int run_copy(struct blk_io *io, size_t n)
{
    size_t i;

    if (io->ops.copy(io->ops.ctx, io->cseg, n))
        return -EIO;
    for (i = 0; i < n; i++)
        if (io->cseg[i].status != GNTST_okay)
            return -EFAULT;
    return 0;
}

/* Grant copy of the request's segments: to the frontend (read) or from it. */
static int copy_segments(struct blk_io *io, const struct blk_req *r, bool to_guest)
{
    size_t off = 0;
    unsigned int i;

    for (i = 0; i < r->nr_segs; i++) {
        struct gntdev_grant_copy_segment *c = &io->cseg[i];
        const struct blk_seg *s = &r->segs[i];

        memset(c, 0, sizeof(*c));
        if (to_guest) {
            c->source.virt = io->buf + off;
            c->dest.foreign.ref = s->gref;
            c->dest.foreign.offset = s->offset;
            c->dest.foreign.domid = io->domid;
            c->flags = GNTCOPY_dest_gref;
        } else {
            c->source.foreign.ref = s->gref;
            c->source.foreign.offset = s->offset;
            c->source.foreign.domid = io->domid;
            c->dest.virt = io->buf + off;
            c->flags = GNTCOPY_source_gref;
        }
        c->len = s->len;
        off += s->len;
    }
    return run_copy(io, r->nr_segs);
}

int blk_io_fetch_indirect(struct blk_io *io, struct blk_req *r)
{
    size_t left = (size_t)r->nr_segs * sizeof(struct blkif_request_segment);
    unsigned int i;

    if (r->nr_indirect == 0 || r->nr_indirect > BLK_MAX_INDIRECT_PAGES)
        return BLKIF_RSP_ERROR;
    for (i = 0; i < r->nr_indirect; i++) {
        struct gntdev_grant_copy_segment *c = &io->cseg[i];
        size_t len = left < BLK_PAGE ? left : BLK_PAGE;

        memset(c, 0, sizeof(*c));
        c->source.foreign.ref = r->indirect_grefs[i];
        c->source.foreign.offset = 0;
        c->source.foreign.domid = io->domid;
        c->dest.virt = (uint8_t *)io->iseg + (size_t)i * BLK_PAGE;
        c->flags = GNTCOPY_source_gref;
        c->len = (uint16_t)len;
        left -= len;
    }
    if (run_copy(io, r->nr_indirect))
        return BLKIF_RSP_ERROR;
    return blk_parse_segments(r, io->iseg, r->nr_segs, &io->geom);
}

static int pread_all(int fd, uint8_t *buf, size_t len, off_t off)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)         /* the image shrank under us */
            return -EIO;
        buf += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

static int pwrite_all(int fd, const uint8_t *buf, size_t len, off_t off)
{
    while (len) {
        ssize_t n = pwrite(fd, buf, len, off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        buf += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

static int do_read(struct blk_io *io, struct blk_req *r)
{
    size_t len = (size_t)r->nr_sectors * BLK_SECTOR;
    struct iovec iov[BLK_MAX_SEGS];

    if (pg_iov(io, r, iov)) {
        if (rw_iov(io->fd, iov, r->nr_segs, (off_t)(r->sector * BLK_SECTOR), false))
            return BLKIF_RSP_ERROR;
        io->n_zero_copy++;
        io->n_read++;
        io->n_rd_sect += r->nr_sectors;
        return BLKIF_RSP_OKAY;
    }
    if (pread_all(io->fd, io->buf, len, (off_t)(r->sector * BLK_SECTOR)) ||
        copy_segments(io, r, true))
        return BLKIF_RSP_ERROR;
    io->n_read++;
    io->n_rd_sect += r->nr_sectors;
    return BLKIF_RSP_OKAY;
}

static int do_write(struct blk_io *io, struct blk_req *r)
{
    size_t len = (size_t)r->nr_sectors * BLK_SECTOR;

    struct iovec iov[BLK_MAX_SEGS];

    if (io->geom.readonly)
        return BLKIF_RSP_ERROR;
    if (pg_iov(io, r, iov)) {
        if (rw_iov(io->fd, iov, r->nr_segs, (off_t)(r->sector * BLK_SECTOR), true))
            return BLKIF_RSP_ERROR;
        io->n_zero_copy++;
        io->n_write++;
        io->n_wr_sect += r->nr_sectors;
        return BLKIF_RSP_OKAY;
    }
    if (copy_segments(io, r, false) ||
        pwrite_all(io->fd, io->buf, len, (off_t)(r->sector * BLK_SECTOR)))
        return BLKIF_RSP_ERROR;
    io->n_write++;
    io->n_wr_sect += r->nr_sectors;
    return BLKIF_RSP_OKAY;
}

static int do_discard(struct blk_io *io, struct blk_req *r)
{
    uint64_t off = r->sector * BLK_SECTOR, len = r->nr_sectors * BLK_SECTOR;
    int rc;

    if (!len)
        return BLKIF_RSP_OKAY;
    if (io->is_blkdev) {
        uint64_t range[2] = { off, len };
        rc = ioctl(io->fd, BLKDISCARD, range) < 0 ? -errno : 0;
    } else {
        rc = fallocate(io->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       (off_t)off, (off_t)len) < 0 ? -errno : 0;
    }
    if (rc == -EOPNOTSUPP || rc == -ENOTTY)
        return BLKIF_RSP_EOPNOTSUPP;
    if (rc)
        return BLKIF_RSP_ERROR;
    io->n_discard++;
    return BLKIF_RSP_OKAY;
}

int blk_io_execute(struct blk_io *io, struct blk_req *r)
{
    int st;

    if (r->nr_indirect) {
        st = blk_io_fetch_indirect(io, r);
        if (st != BLKIF_RSP_OKAY)
            return st;
    }
    switch (r->op) {
    case BLKIF_OP_READ:
        return do_read(io, r);
    case BLKIF_OP_WRITE:
        return do_write(io, r);
    case BLKIF_OP_FLUSH_DISKCACHE:
        if (r->nr_segs) {
            st = do_write(io, r);
            if (st != BLKIF_RSP_OKAY)
                return st;
        }
        while (fdatasync(io->fd) < 0)
            if (errno != EINTR)
                return BLKIF_RSP_ERROR;
        io->n_flush++;
        return BLKIF_RSP_OKAY;
    case BLKIF_OP_DISCARD:
        return do_discard(io, r);
    default:
        return BLKIF_RSP_EOPNOTSUPP;
    }
}
