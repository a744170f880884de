/*
 * blk-hostile.c — a hostile blkif frontend, run as a program inside a test
 * domU (suite 62): it takes a vbd that xl attached but no xen-blkfront
 * claimed, grants its own ring (/dev/xen/gntalloc), binds an event channel
 * (/dev/xen/evtchn), writes the frontend nodes over /dev/xen/xenbus, and
 * then sends what Linux's blkfront never would.  Each check prints
 * "HOSTILE PASS: name" or "HOSTILE FAIL: name why"; the last line is
 * "HOSTILE done".
 *
 *   blk-hostile <devid>
 *
 * Checks: a normal write/read round trip works; bad grant, sector past
 * the end, too many segments, a bad sector range, an unknown operation, an
 * oversized indirect request and a discard past the end each get an error
 * response; a flood of ~4 rings of requests is answered in full; a
 * producer index beyond the ring makes the backend disconnect (state
 * Closing) without answering.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>
#include <public/io/blkif.h>
#include <public/io/xenbus.h>
#include "xen_ioctl.h"

struct ioctl_gntalloc_alloc_gref {
    uint16_t domid;
    uint16_t flags;
    uint32_t count;
    uint64_t index;
    uint32_t gref_ids[1];
};
#define GNTALLOC_FLAG_WRITABLE 1
#define IOCTL_GNTALLOC_ALLOC_GREF \
    _IOC(_IOC_NONE, 'G', 5, sizeof(struct ioctl_gntalloc_alloc_gref))

#define NPAGES 4            /* ring + 3 data pages */
static struct xs_handle *xs;
static char fe[96], be[160];
static blkif_front_ring_t front;
static uint32_t gref[NPAGES];
static uint8_t *page[NPAGES];
static int npass, nfail, efd, port;

static void result(const char *name, int ok, const char *why)
{
    if (ok) {
        npass++;
        printf("HOSTILE PASS: %s\n", name);
    } else {
        nfail++;
        printf("HOSTILE FAIL: %s %s\n", name, why);
    }
    fflush(stdout);
}

static int rd_int(const char *dir, const char *node)
{
    char p[256], *v;
    unsigned int len;
    int r;

    snprintf(p, sizeof(p), "%s/%s", dir, node);
    v = xs_read(xs, XBT_NULL, p, &len);
    if (!v)
        return -1;
    r = atoi(v);
    free(v);
    return r;
}

static void wr(const char *node, const char *fmt, unsigned long v)
{
    char p[256], val[64];

    snprintf(p, sizeof(p), "%s/%s", fe, node);
    snprintf(val, sizeof(val), fmt, v);
    if (!xs_write(xs, XBT_NULL, p, val, (unsigned)strlen(val)))
        printf("HOSTILE note: write %s failed: %s\n", p, strerror(errno));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int wait_be_state(int want, double secs)
{
    double t0 = now();
    while (now() - t0 < secs) {
        if (rd_int(be, "state") == want)
            return 1;
        usleep(20000);
    }
    return 0;
}

static struct blkif_request *req(uint8_t op, uint64_t id, uint64_t sector)
{
    struct blkif_request *r = RING_GET_REQUEST(&front, front.req_prod_pvt++);
    memset(r, 0, sizeof(*r));
    r->operation = op;
    r->id = id;
    r->sector_number = sector;
    return r;
}

/* Pushes and waits until every outstanding request is answered; returns
 * the status of the last response (or 99 on timeout). */
static void kick(void)
{
    struct ioctl_evtchn_notify n = { .port = (unsigned)port };

    RING_PUSH_REQUESTS(&front);
    ioctl(efd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int push_wait(double secs)
{
    double t0 = now();
    int st = 99;

    kick();
    while (front.rsp_cons != front.req_prod_pvt && now() - t0 < secs) {
        while (front.rsp_cons != front.sring->rsp_prod) {
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            st = RING_GET_RESPONSE(&front, front.rsp_cons)->status;
            front.rsp_cons++;
        }
        if (front.rsp_cons != front.req_prod_pvt)
            usleep(2000);
    }
    return front.rsp_cons == front.req_prod_pvt ? st : 99;
}

static void seg(struct blkif_request *r, unsigned int i, uint32_t g, int first, int last)
{
    r->seg[i].gref = g;
    r->seg[i].first_sect = (uint8_t)first;
    r->seg[i].last_sect = (uint8_t)last;
    if (r->nr_segments < i + 1)
        r->nr_segments = (uint8_t)(i + 1);
}

int main(int argc, char **argv)
{
    struct ioctl_gntalloc_alloc_gref *alloc;
    struct ioctl_evtchn_bind_unbound_port ub = { .remote_domain = 0 };
    char path[200], *bp;
    unsigned int len, i;
    int gfd, st;
    long sectors;
    void *mem;

    if (argc != 2) {
        fprintf(stderr, "usage: blk-hostile <devid>\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xs = xs_open(0);
    if (!xs) {
        printf("HOSTILE FAIL: xenstore %s\nHOSTILE done\n", strerror(errno));
        return 1;
    }
    {
        char *dom = xs_read(xs, XBT_NULL, "domid", &len);
        snprintf(fe, sizeof(fe), "device/vbd/%s", argv[1]);
        free(dom);
    }
    snprintf(path, sizeof(path), "%s/backend", fe);
    bp = xs_read(xs, XBT_NULL, path, &len);
    if (!bp) {
        printf("HOSTILE FAIL: no %s\nHOSTILE done\n", path);
        return 1;
    }
    snprintf(be, sizeof(be), "%s", bp);
    free(bp);
    result("backend-initwait", wait_be_state(XenbusStateInitWait, 30), "(state never 2)");
    sectors = rd_int(be, "sectors");

    gfd = open("/dev/xen/gntalloc", O_RDWR);
    efd = open("/dev/xen/evtchn", O_RDWR);
    if (gfd < 0 || efd < 0) {
        printf("HOSTILE FAIL: open gntalloc/evtchn: %s\nHOSTILE done\n", strerror(errno));
        return 1;
    }
    alloc = calloc(1, sizeof(*alloc) + NPAGES * sizeof(uint32_t));
    alloc->domid = 0;
    alloc->flags = GNTALLOC_FLAG_WRITABLE;
    alloc->count = NPAGES;
    if (ioctl(gfd, IOCTL_GNTALLOC_ALLOC_GREF, alloc) < 0) {
        printf("HOSTILE FAIL: gntalloc: %s\nHOSTILE done\n", strerror(errno));
        return 1;
    }
    mem = mmap(NULL, NPAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gfd,
               (off_t)alloc->index);
    if (mem == MAP_FAILED) {
        printf("HOSTILE FAIL: mmap: %s\nHOSTILE done\n", strerror(errno));
        return 1;
    }
    for (i = 0; i < NPAGES; i++) {
        gref[i] = alloc->gref_ids[i];
        page[i] = (uint8_t *)mem + i * 4096;
    }
    SHARED_RING_INIT((blkif_sring_t *)page[0]);
    FRONT_RING_INIT(&front, (blkif_sring_t *)page[0], 4096);
    port = ioctl(efd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
    if (port < 0) {
        printf("HOSTILE FAIL: evtchn: %s\nHOSTILE done\n", strerror(errno));
        return 1;
    }
    wr("ring-ref", "%lu", gref[0]);
    wr("event-channel", "%lu", (unsigned long)port);
    wr("protocol", "x86_64-abi", 0);
    wr("state", "%lu", XenbusStateInitialised);
    result("backend-connected", wait_be_state(XenbusStateConnected, 30), "(state never 4)");

    /* a well-formed round trip: our frontend is a real one */
    for (i = 0; i < 4096; i++)
        page[1][i] = (uint8_t)(i * 13 + 5);
    seg(req(BLKIF_OP_WRITE, 1, 8), 0, gref[1], 0, 7);
    st = push_wait(20);
    memset(page[2], 0, 4096);
    seg(req(BLKIF_OP_READ, 2, 8), 0, gref[2], 0, 7);
    result("write-read-round-trip", st == 0 && push_wait(20) == 0 &&
           !memcmp(page[1], page[2], 4096), "(data differs or error)");

    seg(req(BLKIF_OP_READ, 3, 0), 0, 123456, 0, 7);
    result("bad-grant-ref", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    seg(req(BLKIF_OP_READ, 4, (uint64_t)sectors), 0, gref[2], 0, 7);
    result("sector-past-end", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    seg(req(BLKIF_OP_READ, 5, (uint64_t)-4), 0, gref[2], 0, 7);
    result("sector-wraps", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    {
        struct blkif_request *r = req(BLKIF_OP_READ, 6, 0);
        for (i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
            seg(r, i, gref[2], 0, 0);
        r->nr_segments = 40;
    }
    result("too-many-segments", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    seg(req(BLKIF_OP_READ, 7, 0), 0, gref[2], 6, 2);
    result("bad-sector-range", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    seg(req(BLKIF_OP_READ, 8, 0), 0, gref[2], 0, 9);
    result("range-past-page", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    req(99, 9, 0);
    result("unknown-operation", push_wait(20) == BLKIF_RSP_EOPNOTSUPP, "(not EOPNOTSUPP)");
    {
        struct blkif_request_indirect *ind = (void *)req(BLKIF_OP_INDIRECT, 10, 0);
        ind->indirect_op = BLKIF_OP_READ;
        ind->nr_segments = 4000;
        ind->indirect_grefs[0] = gref[3];
    }
    result("indirect-too-many-segments", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");
    {
        struct blkif_request_discard *d = (void *)req(BLKIF_OP_DISCARD, 11, (uint64_t)sectors - 8);
        d->nr_sectors = 64;
    }
    result("discard-past-end", push_wait(20) == BLKIF_RSP_ERROR, "(not ERROR)");

    /* a flood: ~4 rings' worth, pushed as fast as the ring allows */
    {
        unsigned int sent = 0, total = 4 * RING_SIZE(&front);
        double t0 = now();
        int ok = 1;
        while (sent < total && now() - t0 < 120) {
            while (sent < total && !RING_FULL(&front)) {
                seg(req(BLKIF_OP_READ, 1000 + sent, (sent * 8) % (unsigned long)(sectors - 8)),
                    0, gref[2], 0, 7);
                sent++;
            }
            kick();
            while (front.rsp_cons != front.sring->rsp_prod) {
                __atomic_thread_fence(__ATOMIC_ACQUIRE);
                if (RING_GET_RESPONSE(&front, front.rsp_cons)->status != 0)
                    ok = 0;
                front.rsp_cons++;
            }
            usleep(1000);
        }
        result("flood-answered", ok && push_wait(60) == 0 && sent == total, "(lost or failed)");
    }

    /* the producer index jumps past the ring: the backend must disconnect */
    {
        RING_IDX answered = front.sring->rsp_prod;
        front.sring->req_prod = front.req_prod_pvt + RING_SIZE(&front) + 7;
        ioctl(efd, IOCTL_EVTCHN_NOTIFY, &(struct ioctl_evtchn_notify){ .port = (unsigned)port });
        /* (not kick(): that would publish req_prod_pvt over the bogus index) */
        result("bogus-index-disconnects", wait_be_state(XenbusStateClosing, 30) &&
               front.sring->rsp_prod == answered, "(backend did not go Closing)");
    }
    wr("state", "%lu", XenbusStateClosed);
    printf("HOSTILE summary %d passed %d failed\nHOSTILE done\n", npass, nfail);
    return nfail != 0;
}
