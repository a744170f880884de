/*
 * net_test_vif.c — netbackd's data path (pv-drivers/netback/vif.c, the real
 * code) between a fake frontend and a socketpair standing for the tap:
 * transmit packet assembly (one slot, several slots, GSO/checksum extra),
 * bad grants, hostile slot chains and ring indices, and the receive path
 * (one page, a GSO frame over several pages with its extra, waiting for
 * posted pages).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "net_fake.h"

static struct nf_rig rig;
static uint8_t buf[NB_VNET_HLEN + NB_MAX_FRAME];

static void setup(void) { nf_setup(&rig); }
static void teardown(void) { nf_teardown(&rig); }
TestSuite(vif, .init = setup, .fini = teardown);

static struct netif_tx_response *txrsp(unsigned int i)
{
    return RING_GET_RESPONSE(&rig.txf, i);
}

static struct netif_rx_response *rxrsp(unsigned int i)
{
    return RING_GET_RESPONSE(&rig.rxf, i);
}

Test(vif, tx_one_slot_packet_reaches_the_tap)
{
    struct netif_tx_request q = { .gref = 1, .offset = 100, .id = 9, .size = 60 };
    struct nb_vnet_hdr h;

    for (int i = 0; i < 60; i++)
        nf_page[1][100 + i] = (uint8_t)(i + 1);
    nf_post_tx(&rig, &q);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 60);
    memcpy(&h, buf, sizeof(h));
    cr_assert_eq(h.flags, 0);
    cr_assert_eq(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    cr_assert_arr_eq(buf + NB_VNET_HLEN, nf_page[1] + 100, 60);
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 1);
    cr_assert_eq(txrsp(0)->id, 9);
    cr_assert_eq(txrsp(0)->status, NETIF_RSP_OKAY);
    cr_assert_eq(nf_notifies, 1, "the frontend asked to be notified");
    cr_assert_eq(rig.v.st.tx_packets, 1);
    cr_assert_eq(rig.v.st.tx_gso, 0);
    cr_assert(rig.v.connected);
}

Test(vif, tx_multi_slot_packet_is_assembled_in_order)
{
    struct netif_tx_request q[3] = {
        { .gref = 1, .offset = 3996, .flags = NETTXF_more_data, .id = 1, .size = 5000 },
        { .gref = 2, .offset = 0, .flags = NETTXF_more_data, .id = 2, .size = 4000 },
        { .gref = 3, .offset = 96, .flags = 0, .id = 3, .size = 900 },
    };

    for (int i = 0; i < 4096; i++) {
        nf_page[1][i] = (uint8_t)(i * 3);
        nf_page[2][i] = (uint8_t)(i * 5);
        nf_page[3][i] = (uint8_t)(i * 7);
    }
    for (int i = 0; i < 3; i++)
        nf_post_tx(&rig, &q[i]);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 5000);
    /* first slot: 5000 - 4000 - 900 = 100 bytes, up to its page's end */
    cr_assert_arr_eq(buf + NB_VNET_HLEN, nf_page[1] + 3996, 100);
    cr_assert_arr_eq(buf + NB_VNET_HLEN + 100, nf_page[2], 4000);
    cr_assert_arr_eq(buf + NB_VNET_HLEN + 4100, nf_page[3] + 96, 900);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(txrsp((unsigned)i)->id, q[i].id);
        cr_assert_eq(txrsp((unsigned)i)->status, NETIF_RSP_OKAY);
    }
    cr_assert_eq(nf_copies, 1, "one grant copy call for the batch");
}

Test(vif, tx_gso_extra_becomes_the_vnet_header)
{
    struct netif_tx_request q = { .gref = 4, .offset = 0, .id = 11, .size = 1500,
                                  .flags = NETTXF_extra_info | NETTXF_csum_blank };
    struct netif_extra_info x = { .type = XEN_NETIF_EXTRA_TYPE_GSO };
    struct nb_vnet_hdr h;

    x.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
    x.u.gso.size = 1448;
    nf_tcp4_frame(nf_page[4], 1500);
    nf_post_tx(&rig, &q);
    nf_post_tx_extra(&rig, &x);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 1500);
    memcpy(&h, buf, sizeof(h));
    cr_assert_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    cr_assert_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    cr_assert_eq(h.gso_size, 1448);
    cr_assert_eq(h.csum_start, 34);
    cr_assert_eq(h.csum_offset, 16);
    cr_assert_eq(h.hdr_len, 54);
    cr_assert_eq(txrsp(0)->id, 11);
    cr_assert_eq(txrsp(0)->status, NETIF_RSP_OKAY);
    cr_assert_eq(txrsp(1)->status, NETIF_RSP_NULL, "the extra slot");
    cr_assert_eq(rig.v.st.tx_gso, 1, "counted as a TCP segment");
}

Test(vif, tx_bad_grant_drops_only_that_packet)
{
    struct netif_tx_request bad = { .gref = 999, .offset = 0, .id = 1, .size = 60 };
    struct netif_tx_request good = { .gref = 1, .offset = 0, .id = 2, .size = 60 };

    nf_post_tx(&rig, &bad);
    nf_post_tx(&rig, &good);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(txrsp(0)->id, 1);
    cr_assert_eq(txrsp(0)->status, NETIF_RSP_ERROR);
    cr_assert_eq(txrsp(1)->id, 2);
    cr_assert_eq(txrsp(1)->status, NETIF_RSP_OKAY);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 60);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1, "only one frame");
    cr_assert(rig.v.connected);
    cr_assert_eq(rig.v.st.tx_dropped, 1);
}

Test(vif, tx_slot_crossing_its_page_disconnects)
{
    struct netif_tx_request q = { .gref = 1, .offset = 4000, .id = 1, .size = 200 };

    nf_post_tx(&rig, &q);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert(!rig.v.connected);
    cr_assert_str_eq(nf_last_state, "5");
    cr_assert(strstr(nf_last_error, "crosses its page"), "%s", nf_last_error);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1);
}

Test(vif, tx_req_prod_beyond_the_ring_disconnects)
{
    ((netif_tx_sring_t *)rig.txs)->req_prod = 100000;
    nb_vif_kick(&rig.v);
    cr_assert(!rig.v.connected);
    cr_assert(strstr(nf_last_error, "beyond the ring"), "%s", nf_last_error);
}

Test(vif, tx_too_many_slots_dropped_then_fatal)
{
    struct netif_tx_request q = { .gref = 1, .offset = 0, .size = 19 * 10,
                                  .flags = NETTXF_more_data };
    unsigned int i;

    /* 19 slots: more than a backend must take, answered with errors */
    for (i = 0; i < 19; i++) {
        q.id = (uint16_t)i;
        q.flags = i < 18 ? NETTXF_more_data : 0;
        if (i)
            q.size = 10;
        nf_post_tx(&rig, &q);
    }
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert(rig.v.connected);
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 19);
    for (i = 0; i < 19; i++)
        cr_assert_eq(txrsp(i)->status, NETIF_RSP_ERROR);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1);
    /* 21 chained slots: a frontend no backend can trust any more */
    q.size = 210;
    for (i = 0; i < 21; i++) {
        q.flags = NETTXF_more_data;
        nf_post_tx(&rig, &q);
        q.size = 10;
    }
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert(!rig.v.connected);
}

Test(vif, tx_incomplete_packet_waits_for_its_slots)
{
    struct netif_tx_request a = { .gref = 1, .offset = 0, .id = 1, .size = 100,
                                  .flags = NETTXF_more_data };
    struct netif_tx_request b = { .gref = 2, .offset = 0, .id = 2, .size = 40 };

    nf_post_tx(&rig, &a);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert(rig.v.connected);
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 0, "nothing answered yet");
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->req_event, 2, "woken by the next slot");
    nf_post_tx(&rig, &b);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 100);
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 2);
}

static void tap_send(const struct nb_vnet_hdr *h, const uint8_t *f, size_t len)
{
    memcpy(buf, h, NB_VNET_HLEN);
    memcpy(buf + NB_VNET_HLEN, f, len);
    cr_assert_eq(send(rig.peer, buf, NB_VNET_HLEN + len, 0),
                 (ssize_t)(NB_VNET_HLEN + len));
}

Test(vif, rx_frame_lands_in_the_posted_page)
{
    static uint8_t f[3000];
    struct nb_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                             .csum_start = 34, .csum_offset = 16 };

    nf_tcp4_frame(f, sizeof(f));
    nf_post_rx(&rig, 3, 10);
    nf_post_rx(&rig, 4, 11);
    nf_push_rx(&rig);
    tap_send(&h, f, sizeof(f));
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 1);
    cr_assert_eq(rxrsp(0)->id, 3);
    cr_assert_eq(rxrsp(0)->offset, 0);
    cr_assert_eq(rxrsp(0)->status, 3000);
    cr_assert_eq(rxrsp(0)->flags, NETRXF_csum_blank | NETRXF_data_validated);
    cr_assert_arr_eq(nf_page[10], f, sizeof(f));
    cr_assert_eq(rig.v.st.rx_packets, 1);
    cr_assert_eq(nf_notifies, 1);
}

Test(vif, rx_gso_frame_spans_pages_with_its_extra)
{
    static uint8_t f[9000];
    struct nb_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                             .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1448,
                             .hdr_len = 54, .csum_start = 34, .csum_offset = 16 };
    struct netif_extra_info *x;

    nf_tcp4_frame(f, sizeof(f));
    for (uint16_t i = 0; i < 5; i++)
        nf_post_rx(&rig, (uint16_t)(20 + i), 20u + i);
    nf_push_rx(&rig);
    tap_send(&h, f, sizeof(f));
    nb_vif_tap_ready(&rig.v);
    /* data, extra, data, data: 4 slots for 9000 bytes */
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 4);
    cr_assert_eq(rxrsp(0)->id, 20);
    cr_assert_eq(rxrsp(0)->status, 4096);
    cr_assert_eq(rxrsp(0)->flags, NETRXF_csum_blank | NETRXF_data_validated |
                 NETRXF_extra_info | NETRXF_more_data);
    x = (struct netif_extra_info *)rxrsp(1);
    cr_assert_eq(x->type, XEN_NETIF_EXTRA_TYPE_GSO);
    cr_assert_eq(x->u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
    cr_assert_eq(x->u.gso.size, 1448);
    cr_assert_eq(x->flags, 0);
    cr_assert_eq(rxrsp(2)->id, 22);
    cr_assert_eq(rxrsp(2)->status, 4096);
    cr_assert_eq(rxrsp(2)->flags, NETRXF_more_data);
    cr_assert_eq(rxrsp(3)->id, 23);
    cr_assert_eq(rxrsp(3)->status, 9000 - 8192);
    cr_assert_eq(rxrsp(3)->flags, 0);
    cr_assert_arr_eq(nf_page[20], f, 4096);
    cr_assert_arr_eq(nf_page[22], f + 4096, 4096);
    cr_assert_arr_eq(nf_page[23], f + 8192, 9000 - 8192);
    cr_assert_eq(rig.v.st.rx_gso, 1, "counted as a TCP segment");
}

Test(vif, rx_waits_for_pages_then_delivers)
{
    static uint8_t f[100];
    struct nb_vnet_hdr h = { 0 };

    memset(f, 0xab, sizeof(f));
    tap_send(&h, f, sizeof(f));
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 0);
    cr_assert_eq(rig.v.rx_pending, 1, "held until a page is posted");
    cr_assert(!rig.v.tap_polled, "the tap is left alone meanwhile");
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->req_event, 1);
    nf_post_rx(&rig, 7, 30);
    nf_push_rx(&rig);
    nb_vif_kick(&rig.v);     /* the frontend's event */
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 1);
    cr_assert_eq(rxrsp(0)->id, 7);
    cr_assert_eq(rxrsp(0)->status, 100);
    cr_assert_arr_eq(nf_page[30], f, 100);
    cr_assert(rig.v.tap_polled);
}

Test(vif, rx_bad_grant_answers_an_error)
{
    static uint8_t f[200];
    struct nb_vnet_hdr h = { 0 };

    nf_post_rx(&rig, 1, 5000);
    nf_post_rx(&rig, 2, 31);
    nf_push_rx(&rig);
    tap_send(&h, f, sizeof(f));
    tap_send(&h, f, sizeof(f));
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 2);
    cr_assert_eq(rxrsp(0)->status, NETIF_RSP_ERROR);
    cr_assert_eq(rxrsp(1)->status, 200);
    cr_assert(rig.v.connected);
}

Test(vif, rx_req_prod_beyond_the_ring_disconnects)
{
    ((netif_rx_sring_t *)rig.rxs)->req_prod = 5000;
    nb_vif_kick(&rig.v);
    cr_assert(!rig.v.connected);
}

/* A restarted netbackd attaches where the frontend's rings stand: after the
 * last responses, so a request the old daemon consumed but never answered
 * is served again, and the next response lands at the right index. */
Test(vif, reattach_resumes_after_the_last_response)
{
    struct netif_tx_request q = { .gref = 1, .id = 1, .size = 60 };

    for (int i = 0; i < 3; i++) {
        q.id = (uint16_t)(i + 1);
        nf_post_tx(&rig, &q);
    }
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);                   /* the old daemon answers 3 */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 60);
    q.id = 4;
    nf_post_tx(&rig, &q);
    nf_push_tx(&rig);                      /* ... and dies before the 4th */
    /* a new daemon: fresh back rings over the same shared pages */
    BACK_RING_INIT(&rig.v.tx, (netif_tx_sring_t *)rig.txs, 4096);
    BACK_RING_INIT(&rig.v.rx, (netif_rx_sring_t *)rig.rxs, 4096);
    cr_assert_eq(nb_vif_attach_rings(&rig.v), 0);
    cr_assert_eq(rig.v.tx.req_cons, 3);
    cr_assert_eq(rig.v.tx.rsp_prod_pvt, 3);
    cr_assert_eq(rig.v.rx.req_cons, 0);
    nb_vif_kick(&rig.v);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 60, "the 4th is sent");
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1, "and nothing twice");
    cr_assert_eq(((netif_tx_sring_t *)rig.txs)->rsp_prod, 4);
    cr_assert_eq(txrsp(3)->id, 4);
    cr_assert_eq(txrsp(3)->status, NETIF_RSP_OKAY);
}

Test(vif, reattach_refuses_indices_a_ring_apart)
{
    netif_tx_sring_t *s = rig.txs;

    s->req_prod = 1000;                    /* rsp_prod 0: 1000 outstanding */
    cr_assert_eq(nb_vif_attach_rings(&rig.v), -EINVAL);
    s->req_prod = 300;
    s->rsp_prod = 290;
    cr_assert_eq(nb_vif_attach_rings(&rig.v), 0);
    cr_assert_eq(rig.v.tx.req_cons, 290);
}
