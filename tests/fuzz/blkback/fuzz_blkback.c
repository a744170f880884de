/*
 * fuzz_blkback.c — libFuzzer target of blkback's request handling: the
 * input is a frontend.  Its first bytes pick the disk (read-only, discard,
 * indirect segment limit, persistent grants or grant copy) and the
 * producer index; the rest fills the
 * shared ring page slot by slot and then the granted pages (indirect
 * descriptors included).  The real request.c/io.c/ring.c serve it against
 * a small memfd image through the fake grant table of the host tests.
 * Invariants: no crash or sanitizer report; a halted ring answers nothing;
 * otherwise every consumed request got exactly one response with a status
 * Linux's blkfront knows, and the image never grows.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../unit/pv-drivers/blk_fake.h"

#define IMG_SECTORS 256

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fake_gnt g;
    static uint8_t shared[BLK_PAGE] __attribute__((aligned(4096)));
    static struct blk_io io;
    static int fd = -1;
    blkif_sring_t *s = (void *)shared;
    struct blk_ring ring;
    bool notify, more;
    RING_IDX prod, cons0;
    struct stat st;
    size_t off, n;
    int rc, rounds;

    if (fd < 0) {
        fd = memfd_create("fuzz-blk", 0);
        if (fd < 0 || ftruncate(fd, IMG_SECTORS * 512) || blk_io_init(&io))
            abort();
    }
    if (size < 6)
        return 0;
    memset(&g, 0, sizeof(g));
    for (unsigned int i = 0; i < FAKE_PAGES; i++)
        g.granted[i] = (data[0] >> (i % 8)) & 1 ? (i % 3 != 0) : true;
    io.fd = fd;
    io.is_blkdev = false;
    io.domid = FAKE_DOMID;
    io.geom.sectors = IMG_SECTORS;
    io.geom.readonly = data[1] & 1;
    io.geom.discard = data[1] & 2;
    io.geom.max_segs = 1u + (data[1] >> 2) % BLK_MAX_SEGS;
    io.ops.copy = fake_copy;
    io.ops.map = fake_map;
    io.ops.unmap = fake_unmap;
    io.ops.ctx = &g;
    /* persistent grants (mapped pages, preadv/pwritev) or grant copy */
    blk_io_drop_persistent(&io);
    io.persistent = data[2] & 0x80;

    memset(shared, 0, sizeof(shared));
    SHARED_RING_INIT(s);
    /* a resumed ring (restart) at an arbitrary index */
    cons0 = (RING_IDX)data[2] << 24 | (RING_IDX)data[3];
    s->rsp_prod = cons0;
    prod = cons0 + (RING_IDX)(int8_t)data[4];
    s->req_prod = prod;
    off = 5;
    n = size - off < sizeof(shared) - 64 ? size - off : sizeof(shared) - 64;
    memcpy(shared + 64, data + off, n);
    off += n;
    for (unsigned int p = 0; p < FAKE_PAGES && off < size; p++) {
        n = size - off < BLK_PAGE ? size - off : BLK_PAGE;
        memcpy(g.page[p], data + off, n);
        off += n;
    }

    blk_ring_attach(&ring, shared, 1);
    check(ring.br.req_cons == cons0, "attach resumes at rsp_prod");
    for (rounds = 0; rounds < 4; rounds++) {
        RING_IDX before = ring.br.rsp_prod_pvt;

        rc = blk_ring_work(&ring, &io, 1 + data[4] % 40, &notify, &more);
        if (rc == -EPROTO) {
            check(ring.halted, "EPROTO halts");
            check(s->rsp_prod == before, "a halted ring answers nothing");
            break;
        }
        check(rc >= 0, "work returns a count");
        check(ring.br.rsp_prod_pvt - before == (RING_IDX)rc, "one response per request");
        check(ring.br.req_cons == ring.br.rsp_prod_pvt, "consumed == answered");
        check(s->rsp_prod == ring.br.rsp_prod_pvt, "responses published");
        for (RING_IDX i = before; i != ring.br.rsp_prod_pvt; i++) {
            int16_t st = RING_GET_RESPONSE(&ring.br, i)->status;
            check(st == BLKIF_RSP_OKAY || st == BLKIF_RSP_ERROR ||
                  st == BLKIF_RSP_EOPNOTSUPP, "known status");
        }
        if (!more)
            break;
    }
    check(fstat(fd, &st) == 0 && st.st_size == IMG_SECTORS * 512, "image size kept");
    check(io.npg <= BLK_MAX_PGRANTS, "persistent table bounded");
    blk_io_drop_persistent(&io);
    for (unsigned int i = 0; i < FAKE_PAGES; i++)
        check(g.mapped[i] == 0, "every persistent grant unmapped once");
    return 0;
}
