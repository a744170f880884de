/*
 * net_test_batch.c — what a round of netbackd's service costs and how its
 * batches behave (pv-drivers/netback/vif.c, the real code, against the fake
 * frontend of net_fake.c): both rings' responses of one round share one
 * notification; a ring event does not read a tap that epoll watches; a pass
 * over the tap stops at the first empty read; batches running over the
 * rings' ends; a failed copy in a batch answers only that packet's slots
 * with errors.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "net_fake.h"

static struct nf_rig rig;
static uint8_t buf[NB_VNET_HLEN + NB_MAX_FRAME];

static void setup(void) { nf_setup(&rig); }
static void teardown(void) { nf_teardown(&rig); }
TestSuite(batch, .init = setup, .fini = teardown);

static void tap_send(const uint8_t *f, size_t len)
{
    memset(buf, 0, NB_VNET_HLEN);   /* no offload: a plain frame */
    memcpy(buf + NB_VNET_HLEN, f, len);
    cr_assert_eq(send(rig.peer, buf, NB_VNET_HLEN + len, 0),
                 (ssize_t)(NB_VNET_HLEN + len));
}

/* Both rings stand at index `at` (a frontend that has run a while), with
 * every notification wanted, as a re-attach finds them. */
static void rings_at(RING_IDX at)
{
    netif_tx_sring_t *t = rig.txs;
    netif_rx_sring_t *r = rig.rxs;

    t->req_prod = t->rsp_prod = at;
    r->req_prod = r->rsp_prod = at;
    t->req_event = t->rsp_event = at + 1;
    r->req_event = r->rsp_event = at + 1;
    rig.txf.req_prod_pvt = rig.txf.rsp_cons = at;
    rig.rxf.req_prod_pvt = rig.rxf.rsp_cons = at;
    BACK_RING_INIT(&rig.v.tx, t, 4096);
    BACK_RING_INIT(&rig.v.rx, r, 4096);
    cr_assert_eq(nb_vif_attach_rings(&rig.v), 0);
}

Test(batch, tx_and_rx_of_one_round_share_a_notification)
{
    struct netif_tx_request q = { .gref = 1, .offset = 0, .id = 4, .size = 60 };
    static uint8_t f[80];

    memset(f, 0x5a, sizeof(f));
    nf_post_tx(&rig, &q);
    nf_push_tx(&rig);
    nf_post_rx(&rig, 9, 2);
    nf_push_rx(&rig);
    tap_send(f, sizeof(f));
    nb_vif_serve(&rig.v, true, true);
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 1);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 1);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 0)->status, 80);
    cr_assert_eq(nf_notifies, 1, "one notification for both rings");
    cr_assert_eq(rig.v.st.notifies, 1);
    cr_assert_eq(rig.v.st.rounds, 1);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 60);
}

Test(batch, an_event_leaves_a_watched_tap_to_epoll)
{
    struct netif_tx_request q = { .gref = 1, .offset = 0, .id = 1, .size = 60 };
    static uint8_t f[100];

    nb_vif_tap_ready(&rig.v);            /* empty: now watched by epoll */
    cr_assert(rig.v.tap_polled);
    cr_assert_eq(rig.v.st.tap_reads, 1);
    nf_post_rx(&rig, 3, 5);
    nf_push_rx(&rig);
    tap_send(f, sizeof(f));
    nf_post_tx(&rig, &q);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(rig.v.st.tap_reads, 1, "the event read no tap");
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 1);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 0);
    nb_vif_tap_ready(&rig.v);            /* what epoll then reports */
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 1);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 0)->status, 100);
}

Test(batch, an_event_serves_frames_held_for_pages)
{
    static uint8_t f[100];

    nb_vif_tap_ready(&rig.v);
    tap_send(f, sizeof(f));
    nb_vif_tap_ready(&rig.v);            /* no page posted: held */
    cr_assert_eq(rig.v.rx_pending, 1);
    cr_assert(!rig.v.tap_polled);
    nf_post_rx(&rig, 3, 5);
    nf_push_rx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 1);
    cr_assert_eq(rig.v.rx_pending, 0);
    cr_assert(rig.v.tap_polled);
}

Test(batch, a_tap_pass_stops_at_the_first_empty_read)
{
    static uint8_t f[3][200];

    for (int i = 0; i < 3; i++) {
        memset(f[i], 0x10 + i, sizeof(f[i]));
        nf_post_rx(&rig, (uint16_t)i, 10u + (uint32_t)i);
    }
    nf_push_rx(&rig);
    for (int i = 0; i < 3; i++)
        tap_send(f[i], sizeof(f[i]));
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 3);
    cr_assert_eq(rig.v.st.tap_reads, 4, "three frames and one empty read");
    cr_assert_eq(rig.v.st.copy_calls, 1);
    cr_assert_eq(rig.v.st.copy_segs, 3);
    cr_assert_eq(nf_notifies, 1);
    for (int i = 0; i < 3; i++)
        cr_assert_arr_eq(nf_page[10 + i], f[i], sizeof(f[i]));
}

/* 18 packets over 20 slots from index 250: the 5th (3 slots) straddles the
 * ring's end, and a batch holds 16 packets, so two copy calls. */
Test(batch, tx_batch_runs_over_the_ring_end)
{
    struct netif_tx_request q;
    unsigned int slot = 0, pkt;
    uint16_t id = 0;

    rings_at(250);
    for (pkt = 0; pkt < 18; pkt++) {
        unsigned int nslots = pkt == 4 ? 3 : 1;
        for (unsigned int k = 0; k < nslots; k++, slot++) {
            uint32_t gref = 1 + slot;
            memset(nf_page[gref], (int)(0x40 + slot), 4096);
            q = (struct netif_tx_request){ .gref = gref, .offset = 0,
                                           .id = id++, .size = 100 };
            if (nslots > 1 && k == 0) {
                q.size = 300;
                q.flags = NETTXF_more_data;
            } else if (nslots > 1 && k == 1) {
                q.flags = NETTXF_more_data;
            }
            nf_post_tx(&rig, &q);
        }
    }
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert(rig.v.connected);
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 270);
    for (unsigned int i = 0; i < 20; i++) {
        struct netif_tx_response *r = RING_GET_RESPONSE(&rig.txf, 250 + i);
        cr_assert_eq(r->id, i);
        cr_assert_eq(r->status, NETIF_RSP_OKAY);
    }
    slot = 0;
    for (pkt = 0; pkt < 18; pkt++) {
        ssize_t len = nf_tap_read(&rig, buf, sizeof(buf));
        if (pkt == 4) {
            cr_assert_eq(len, NB_VNET_HLEN + 300);
            for (unsigned int k = 0; k < 3; k++)
                cr_assert_eq(buf[NB_VNET_HLEN + 100 * k + 50], 0x40 + slot + k);
            slot += 3;
        } else {
            cr_assert_eq(len, NB_VNET_HLEN + 100);
            cr_assert_eq(buf[NB_VNET_HLEN], 0x40 + slot);
            slot++;
        }
    }
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1);
    cr_assert_eq(nf_copies, 2, "16 packets per copy call");
    cr_assert_eq(nf_notifies, 1, "one notification for the round");
    cr_assert_eq(rig.v.st.tx_packets, 18);
}

/* Five 5000-byte frames into ten pages posted from index 250: the third
 * frame's two slots are 254 and 255, the fourth's wrap to 0 and 1. */
Test(batch, rx_batch_runs_over_the_ring_end)
{
    static uint8_t f[5][5000];

    rings_at(250);
    for (int i = 0; i < 10; i++)
        nf_post_rx(&rig, (uint16_t)(100 + i), 20u + (uint32_t)i);
    nf_push_rx(&rig);
    for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 5000; k++)
            f[i][k] = (uint8_t)(k * (i + 3));
        tap_send(f[i], sizeof(f[i]));
    }
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 260);
    for (int i = 0; i < 10; i++) {
        struct netif_rx_response *r = RING_GET_RESPONSE(&rig.rxf, 250u + (unsigned)i);
        cr_assert_eq(r->id, 100 + i);
        cr_assert_eq(r->status, i % 2 ? 5000 - 4096 : 4096);
        cr_assert_eq(r->flags & NETRXF_more_data, i % 2 ? 0 : NETRXF_more_data);
    }
    for (int i = 0; i < 5; i++) {
        cr_assert_arr_eq(nf_page[20 + 2 * i], f[i], 4096);
        cr_assert_arr_eq(nf_page[21 + 2 * i], f[i] + 4096, 5000 - 4096);
    }
    cr_assert_eq(nf_copies, 1);
    cr_assert_eq(nf_notifies, 1);
    cr_assert_eq(rig.v.st.rx_packets, 5);
}

/* One bad page in the middle frame of a batch: that frame's slots answer
 * an error, the frames before and after it land. */
Test(batch, rx_failed_copy_answers_only_its_frame)
{
    static uint8_t f[3][5000];

    nf_post_rx(&rig, 1, 10);
    nf_post_rx(&rig, 2, 11);
    nf_post_rx(&rig, 3, 12);
    nf_post_rx(&rig, 4, 4000);           /* not a grant of this guest */
    nf_post_rx(&rig, 5, 14);
    nf_post_rx(&rig, 6, 15);
    nf_push_rx(&rig);
    for (int i = 0; i < 3; i++) {
        memset(f[i], 0x70 + i, sizeof(f[i]));
        tap_send(f[i], sizeof(f[i]));
    }
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 6);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 0)->status, 4096);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 1)->status, 5000 - 4096);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 2)->status, NETIF_RSP_ERROR);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 3)->status, NETIF_RSP_ERROR);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 4)->status, 4096);
    cr_assert_eq(RING_GET_RESPONSE(&rig.rxf, 5)->status, 5000 - 4096);
    cr_assert_arr_eq(nf_page[10], f[0], 4096);
    cr_assert_arr_eq(nf_page[14], f[2], 4096);
    cr_assert_eq(rig.v.st.rx_packets, 2);
    cr_assert_eq(rig.v.st.rx_dropped, 1);
    cr_assert_eq(nf_copies, 1);
    cr_assert(rig.v.connected);
}

/* Bad grants in the 2nd and 4th of five packets of a batch: only their
 * slots are errors, the other three frames reach the tap in order. */
Test(batch, tx_failed_copies_answer_only_their_packets)
{
    for (uint16_t i = 0; i < 5; i++) {
        struct netif_tx_request q = { .gref = i % 2 ? 5000u : 1u + i,
                                      .offset = 0, .id = (uint16_t)(i + 1),
                                      .size = (uint16_t)(60 + i) };
        nf_post_tx(&rig, &q);
    }
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    for (unsigned int i = 0; i < 5; i++) {
        cr_assert_eq(RING_GET_RESPONSE(&rig.txf, i)->id, i + 1);
        cr_assert_eq(RING_GET_RESPONSE(&rig.txf, i)->status,
                     i % 2 ? NETIF_RSP_ERROR : NETIF_RSP_OKAY);
    }
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 60);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 62);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 64);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1);
    cr_assert_eq(rig.v.st.tx_dropped, 2);
    cr_assert_eq(nf_copies, 1);
    cr_assert(rig.v.connected);
}
