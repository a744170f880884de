/*
 * ring.c — serving a blkif shared ring.  Requests are copied out of the
 * shared page before they are parsed; answers are written in order, so the
 * responses published always equal the requests consumed, and a frontend
 * that moves req_prod further than one ring ahead of our responses has
 * broken the protocol: the ring is halted (Linux's xen-blkback does the
 * same) and the device is disconnected by device.c.  A budget per call keeps
 * one flooding frontend from starving the other devices of the daemon.
 */
#include <errno.h>
#include <string.h>

#include "blkback.h"

void blk_ring_attach(struct blk_ring *r, void *sring, unsigned int pages)
{
    blkif_sring_t *s = sring;
    RING_IDX resume = __atomic_load_n(&s->rsp_prod, __ATOMIC_ACQUIRE);

    memset(r, 0, sizeof(*r));
    BACK_RING_ATTACH(&r->br, s, resume, (size_t)pages * BLK_PAGE);
}

static void respond(struct blk_ring *r, uint64_t id, uint8_t op, int16_t st)
{
    blkif_response_t *rsp = RING_GET_RESPONSE(&r->br, r->br.rsp_prod_pvt);

    rsp->id = id;
    rsp->operation = op;
    rsp->status = st;
    r->br.rsp_prod_pvt++;
}

int blk_ring_work(struct blk_ring *r, struct blk_io *io, unsigned int budget,
                  bool *notify, bool *more)
{
    blkif_back_ring_t *br = &r->br;
    unsigned int done = 0;
    int pushed_notify = 0;

    *notify = false;
    *more = false;
    if (r->halted)
        return -EPROTO;
    for (;;) {
        RING_IDX rp = __atomic_load_n(&br->sring->req_prod, __ATOMIC_ACQUIRE);
        RING_IDX rc = br->req_cons;

        if (rp - br->rsp_prod_pvt > RING_SIZE(br)) {
            r->halted = true;
            return -EPROTO;
        }
        while (rc != rp) {
            struct blkif_request req;
            struct blk_req parsed;
            int st;

            if (done == budget) {
                *more = true;
                goto push;
            }
            RING_COPY_REQUEST(br, rc, &req);
            br->req_cons = ++rc;
            st = blk_parse_request(&req, &io->geom, &parsed);
            if (st == BLKIF_RSP_OKAY)
                st = blk_io_execute(io, &parsed);
            if (st != BLKIF_RSP_OKAY)
                io->n_error++;
            respond(r, parsed.id, parsed.resp_op, (int16_t)st);
            done++;
        }
        /* Publish, then ask for an event on the next request and look
         * once more, so a request racing with req_event is not missed. */
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(br, pushed_notify);
        if (pushed_notify)
            *notify = true;
        {
            int again;
            RING_FINAL_CHECK_FOR_REQUESTS(br, again);
            if (!again)
                return (int)done;
        }
    }
push:
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(br, pushed_notify);
    if (pushed_notify)
        *notify = true;
    return (int)done;
}
