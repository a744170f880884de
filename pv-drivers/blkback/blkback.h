/*
 * blkback.h — the PV block backend daemon: one process serves every vbd
 * whose backend directory the toolstack writes under
 * /local/domain/0/backend/qdisk/<domid>/<devid> (Xen's path for a userspace
 * block backend).  Layers, each testable on its own:
 *   request.c  one ring slot -> a validated struct blk_req (pure)
 *   io.c       a blk_req against the image, data moved by grant copy
 *              (through struct blk_copy_ops, faked by the host tests)
 *   ring.c     the shared ring: index checks, fairness budget, responses
 *   device.c   xenstore: discovery, handshake, connect/disconnect
 *   main.c     the daemon: epoll over the xenstore fd and each event
 *              channel fd, signals, pid file
 */
#ifndef BLKBACK_H
#define BLKBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/blkif.h>

#include "../common/backend.h"

#define BLK_SECTOR          512u
#define BLK_PAGE            4096u
#define BLK_SECTORS_PER_PAGE (BLK_PAGE / BLK_SECTOR)
/* feature-max-indirect-segments (Linux's xen-blkback offers the same). */
#define BLK_MAX_SEGS        256u
#define BLK_MAX_INDIRECT_PAGES \
    ((BLK_MAX_SEGS + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) / BLKIF_SEGS_PER_INDIRECT_FRAME)
/* max-ring-page-order: rings of up to 16 pages. */
#define BLK_MAX_RING_ORDER  4u
#define BLK_MAX_RING_PAGES  (1u << BLK_MAX_RING_ORDER)
/* Largest transfer of one request, the size of each device's bounce buffer. */
#define BLK_MAX_BYTES       (BLK_MAX_SEGS * BLK_PAGE)

/* One data segment: bytes [offset, offset+len) of granted page gref. */
struct blk_seg {
    uint32_t gref;
    uint16_t offset;
    uint16_t len;
};

/* A request after validation; op is READ, WRITE, FLUSH_DISKCACHE or DISCARD. */
struct blk_req {
    uint64_t id;                /* echoed */
    uint8_t resp_op;            /* echoed: the slot's operation, an indirect
                                 * request's inner one */
    uint8_t op;                 /* what to do (an indirect request's inner op) */
    bool secure;                /* discard: BLKIF_DISCARD_SECURE */
    uint64_t sector;
    uint64_t nr_sectors;
    unsigned int nr_segs;
    unsigned int nr_indirect;   /* indirect pages still to fetch (0: segs valid) */
    uint32_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    struct blk_seg segs[BLK_MAX_SEGS];
};

/* What the parser checks requests against. */
struct blk_geom {
    uint64_t sectors;           /* capacity in 512-byte sectors */
    bool readonly;
    bool discard;               /* discard-enable */
    unsigned int max_segs;      /* indirect segments offered (<= BLK_MAX_SEGS) */
};

/*
 * request.c.  Returns BLKIF_RSP_OKAY with *r filled, or the status to answer
 * with (r->id/resp_op are always set so an error can be answered).  An
 * indirect request comes back with nr_indirect > 0: fetch those pages and
 * pass their descriptors to blk_parse_segments().
 */
int blk_parse_request(const struct blkif_request *raw,
                      const struct blk_geom *g, struct blk_req *r);
int blk_parse_segments(struct blk_req *r,
                       const struct blkif_request_segment *segs,
                       unsigned int n, const struct blk_geom *g);

/* io.c: how data reaches the frontend's pages. */
struct blk_copy_ops {
    /* IOCTL_GNTDEV_GRANT_COPY semantics: 0 when run, statuses per segment */
    int (*copy)(void *ctx, struct gntdev_grant_copy_segment *segs, size_t n);
    /* Persistent grants: maps n granted pages read/write in one go
     * (gntdev: one ioctl, one mmap, one batched hypercall) and keeps them;
     * pages[i] is where grefs[i] landed.  0, or -errno if any of them
     * cannot be mapped (then none is).  *handle is for unmap, of all n. */
    int (*map)(void *ctx, uint16_t domid, const uint32_t *grefs,
               unsigned int n, uint8_t **pages, uint64_t *handle);
    void (*unmap)(void *ctx, uint8_t **pages, unsigned int n, uint64_t handle);
    void *ctx;
};

/* feature-persistent: the grants a frontend keeps are mapped once and
 * stay mapped while it is connected, up to this many per device (Linux's
 * blkback default: blkfront's 32-slot ring times 32 + 1 pages each). */
#define BLK_MAX_PGRANTS     1056u
#define BLK_PGRANT_SLOTS    4096u   /* hash table, a power of two */
#define BLK_PGRANT_BATCH    64u     /* pages mapped by one map call */
struct blk_pgrant {
    uint32_t gref;
    uint8_t *page;
};
/* One map call's pages: pg[first .. first+n) */
struct blk_pgbatch {
    unsigned int first, n;
    uint64_t handle;
};

struct blk_io {
    int fd;                     /* the image */
    bool is_blkdev;
    uint16_t domid;             /* the frontend's domain */
    struct blk_geom geom;
    struct blk_copy_ops ops;
    uint8_t *buf;               /* BLK_MAX_BYTES, page aligned */
    struct gntdev_grant_copy_segment *cseg;     /* BLK_MAX_SEGS entries */
    struct blkif_request_segment *iseg;         /* indirect descriptors */
    /* persistent grants (when the frontend took feature-persistent) */
    bool persistent;
    struct blk_pgrant *pg;                      /* BLK_MAX_PGRANTS */
    uint16_t *pg_slot;                          /* index + 1, 0 = free */
    unsigned int npg;
    struct blk_pgbatch *pgb;                    /* BLK_MAX_PGRANTS */
    unsigned int npgb;
    /* counters, for the log, the tests and the published statistics */
    unsigned long long n_read, n_write, n_flush, n_discard, n_error;
    unsigned long long n_rd_sect, n_wr_sect;
    unsigned long long n_zero_copy;             /* served from mapped pages */
};

int blk_io_init(struct blk_io *io);     /* allocates buf and cseg */
void blk_io_free(struct blk_io *io);    /* drops the persistent grants too */
/* Unmaps every persistent grant (at disconnect: the frontend may end its
 * grants once it is closed). */
void blk_io_drop_persistent(struct blk_io *io);
/* Executes a parsed request: a BLKIF_RSP_* status.  Writes return only after
 * pwrite() did, flushes only after fdatasync(). */
int blk_io_execute(struct blk_io *io, struct blk_req *r);
/* Fetches an indirect request's segment pages and parses them. */
int blk_io_fetch_indirect(struct blk_io *io, struct blk_req *r);

/* ring.c */
struct blk_ring {
    blkif_back_ring_t br;
    bool halted;                /* the frontend broke the ring protocol */
};

/* Attaches to a shared ring of `pages' pages, resuming after the last
 * response it holds (a restarted daemon redoes unanswered requests). */
void blk_ring_attach(struct blk_ring *r, void *sring, unsigned int pages);
/*
 * Serves up to `budget' requests.  Returns how many were answered, or
 * -EPROTO once the frontend's indices are impossible (the ring is halted
 * and stays so).  *notify: the frontend wants an event; *more: requests are
 * left (budget exhausted).
 */
int blk_ring_work(struct blk_ring *r, struct blk_io *io, unsigned int budget,
                  bool *notify, bool *more);

/* stats.c: Linux blkback's statistics/ files for xl top. */
#define BLK_STATS_DIR "/run/xen/blkback"
/* oo_req, rd_req, wr_req, rd_sect, wr_sect of io, in that order */
void blk_stats_of(const struct blk_io *io, uint64_t out[5]);
/* Writes dir/vbd-<domid>-<devid>/statistics/<name>; 0 or -errno. */
int blk_stats_publish(const char *dir, unsigned int domid, unsigned int devid,
                      const uint64_t v[5]);
void blk_stats_remove(const char *dir, unsigned int domid, unsigned int devid);

#endif /* BLKBACK_H */
