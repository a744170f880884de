/*
 * public/io/blkif.h — the PV block device protocol (Linux's xen-blkfront
 * talks it to a backend).  The frontend grants the ring page(s) and its
 * data pages to the backend; requests name the pages by grant reference and
 * 512-byte sector ranges inside them.  Layout: x86_64 native ("x86_64-abi"),
 * the only protocol our backend accepts.
 *
 * xenstore (backend directory) advertises: sectors, sector-size, info
 * (VDISK_*), feature-flush-cache, feature-discard (+ discard-granularity,
 * discard-alignment, discard-secure), feature-max-indirect-segments,
 * max-ring-page-order.  The frontend answers with ring-ref (or
 * ring-page-order + ring-ref0..N-1), event-channel and protocol.
 */
#ifndef PUBLIC_IO_BLKIF_H
#define PUBLIC_IO_BLKIF_H

#include <stdint.h>
#include "ring.h"
#include "../grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ             0
#define BLKIF_OP_WRITE            1
#define BLKIF_OP_WRITE_BARRIER    2   /* not offered by our backend */
#define BLKIF_OP_FLUSH_DISKCACHE  3   /* data reaches stable storage */
#define BLKIF_OP_RESERVED_1       4
#define BLKIF_OP_DISCARD          5
#define BLKIF_OP_INDIRECT         6   /* segments listed in granted pages */

/* Segments carried in the request itself, and indirect pages per request. */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST        11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST  8

/* One page (or part of it) of a transfer: sectors first..last inclusive. */
struct blkif_request_segment {
    grant_ref_t gref;
    uint8_t     first_sect, last_sect;
};

/* Segment descriptors that fit in one indirect page (8 bytes each). */
#define BLKIF_SEGS_PER_INDIRECT_FRAME \
    (4096 / sizeof(struct blkif_request_segment))

struct blkif_request {
    uint8_t        operation;         /* BLKIF_OP_* */
    uint8_t        nr_segments;
    blkif_vdev_t   handle;
    uint64_t       id;                /* echoed in the response */
    blkif_sector_t sector_number;     /* first 512-byte sector */
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

struct blkif_request_discard {
    uint8_t        operation;         /* BLKIF_OP_DISCARD */
    uint8_t        flag;              /* BLKIF_DISCARD_SECURE or 0 */
#define BLKIF_DISCARD_SECURE (1 << 0)
    blkif_vdev_t   handle;
    uint64_t       id;
    blkif_sector_t sector_number;
    uint64_t       nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;

struct blkif_request_indirect {
    uint8_t        operation;         /* BLKIF_OP_INDIRECT */
    uint8_t        indirect_op;       /* BLKIF_OP_READ or _WRITE */
    uint16_t       nr_segments;
    uint64_t       id;
    blkif_sector_t sector_number;
    blkif_vdev_t   handle;
    grant_ref_t    indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;

struct blkif_response {
    uint64_t id;
    uint8_t  operation;
    int16_t  status;                  /* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_EOPNOTSUPP  -2
#define BLKIF_RSP_ERROR       -1
#define BLKIF_RSP_OKAY         0

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* `info' bits. */
#define VDISK_CDROM        0x1
#define VDISK_REMOVABLE    0x2
#define VDISK_READONLY     0x4

#endif /* PUBLIC_IO_BLKIF_H */
