/*
 * net_test_rxcoal.c — rxcoal.c: which tap frames join into one GSO packet
 * for netfront, the headers and checksums of the joined packet, and vif.c's
 * rx path joining the frames it reads before delivering them.
 */
#include <criterion/criterion.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon.h"
#include "netback.h"
#include "net_fake.h"

#define HL 10u      /* the vnet header before each frame */

/* A TCP/IPv4 segment as dom0's stack hands it to the tap: vnet header
 * (partial checksum), MACs, IPv4 (no options, DF), TCP with doff words of
 * header (timestamps when 8), ACK (| more flags), pay bytes of payload
 * numbered from seq, the partial checksum the stack leaves.  Returns the
 * frame length after the vnet header. */
static size_t seg(uint8_t *b, uint32_t seq, size_t pay, uint8_t more, unsigned int doff)
{
    struct nb_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                             .csum_start = 34, .csum_offset = 16 };
    uint8_t *f = b + HL;
    size_t th = doff * 4u, len = 34 + th + pay, ip = len - 14;
    uint32_t s;

    memcpy(b, &h, HL);
    memset(f, 0, 34 + th);
    memcpy(f, "\x00\x16\x3e\x00\x00\x0a\xfe\xff\xff\xff\xff\xff\x08\x00", 14);
    f[14] = 0x45;
    f[16] = (uint8_t)(ip >> 8); f[17] = (uint8_t)ip;
    f[18] = 0x12; f[19] = (uint8_t)seq;       /* ids differ from frame to frame */
    f[20] = 0x40;                             /* DF */
    f[22] = 64; f[23] = 6;
    memcpy(f + 26, "\x0a\x63\x00\x01\x0a\x63\x00\x02", 8);
    f[34] = 0x9c; f[35] = 0x40; f[36] = 0x13; f[37] = 0x8a;
    f[38] = (uint8_t)(seq >> 24); f[39] = (uint8_t)(seq >> 16);
    f[40] = (uint8_t)(seq >> 8); f[41] = (uint8_t)seq;
    f[45] = 0x77;                              /* ack */
    f[46] = (uint8_t)(doff << 4);
    f[47] = (uint8_t)(0x10 | more);
    f[48] = 0x01; f[49] = 0xf5;                /* window */
    if (doff == 8) {
        memcpy(f + 54, "\x01\x01\x08\x0a\x00\x00\x10\x00\x00\x00\x20\x00", 12);
    }
    for (size_t i = 0; i < pay; i++)
        f[34 + th + i] = (uint8_t)((seq + i) * 7);
    /* IP header checksum, then the pseudo-header sum for the TCP length */
    s = 0;
    for (int i = 0; i < 20; i += 2)
        s += (uint32_t)f[14 + i] << 8 | f[15 + i];
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    f[24] = (uint8_t)(~s >> 8); f[25] = (uint8_t)~s;
    s = 6 + (uint32_t)(th + pay);
    for (int i = 26; i < 34; i += 2)
        s += (uint32_t)f[i] << 8 | f[i + 1];
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    f[50] = (uint8_t)(s >> 8); f[51] = (uint8_t)s;
    return len;
}

static uint32_t fold(uint32_t s)
{
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return s;
}

static uint32_t sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return fold(s);
}

static uint8_t a[HL + NB_MAX_FRAME], b[HL + NB_MAX_FRAME], want[HL + NB_MAX_FRAME];

Test(rxcoal, next_segments_join_into_one_gso_packet)
{
    size_t alen = seg(a, 1000, 1448, 0, 8), blen = seg(b, 2448, 1448, 0, 8);
    struct nb_vnet_hdr h;
    uint8_t *f = a + HL;
    struct nb_l4 l4;

    cr_assert(nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen));
    cr_assert_eq(alen, 66 + 2 * 1448);
    memcpy(&h, a, HL);
    cr_assert_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    cr_assert_eq(h.gso_size, 1448);
    cr_assert_eq(h.hdr_len, 66);
    cr_assert_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    cr_assert_eq(h.csum_start, 34);
    cr_assert_eq(h.csum_offset, 16);
    /* the payload is the two segments' bytes in order */
    seg(want, 1000, 2 * 1448, 0, 8);
    cr_assert_arr_eq(f + 66, want + HL + 66, 2 * 1448);
    /* IP length and a valid IP header checksum */
    cr_assert_eq(f[16] << 8 | f[17], alen - 14);
    cr_assert_eq(sum(f + 14, 20), 0xffff);
    /* the partial checksum: the pseudo-header's for the new length, so the
     * receiver completing it gets the segment's real checksum */
    cr_assert_eq(f[50] << 8 | f[51], want[HL + 50] << 8 | want[HL + 51]);
    {
        uint16_t done = (uint16_t)~sum(f + 34, alen - 34);
        cr_assert_eq(nb_find_l4(f, alen, &l4), 0);
        cr_assert_eq(nb_fill_l4_csum(f, alen, &l4), 0);
        cr_assert_eq(f[50] << 8 | f[51], done);
    }
}

Test(rxcoal, joins_up_to_a_short_last_segment_and_takes_its_psh)
{
    size_t alen = seg(a, 0, 1448, 0, 5), blen;
    struct nb_vnet_hdr h;

    blen = seg(b, 1448, 1448, 0, 5);
    cr_assert(nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen));
    blen = seg(b, 2896, 1448, 0, 5);
    cr_assert(nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen), "a GSO packet grows");
    blen = seg(b, 4344, 100, 0x08, 5);
    cr_assert(nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen), "a short last one");
    cr_assert_eq(alen, 54 + 3 * 1448 + 100);
    cr_assert_eq(a[HL + 47], 0x18, "its PSH is the packet's");
    memcpy(&h, a, HL);
    cr_assert_eq(h.gso_size, 1448);
    blen = seg(b, 4444, 1448, 0, 5);
    cr_assert(!nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen), "nothing after a short one");
    cr_assert_eq(alen, 54 + 3 * 1448 + 100);
}

Test(rxcoal, refuses_what_gro_would_not_join)
{
    size_t alen0, alen, blen;
    static uint8_t a0[HL + 4000];

    alen0 = seg(a0, 1000, 1448, 0, 8);
#define TRY(why, mutate) do {                                           \
        memcpy(a, a0, HL + alen0);                                      \
        alen = alen0;                                                   \
        blen = seg(b, 2448, 1448, 0, 8);                                \
        mutate;                                                         \
        cr_assert(!nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen), why); \
        cr_assert_eq(alen, alen0, why);                                 \
        cr_assert_arr_eq(a, a0, HL + alen0, why);                       \
    } while (0)
    TRY("a gap in the sequence", blen = seg(b, 2449, 1448, 0, 8));
    TRY("an overlap", blen = seg(b, 2000, 1448, 0, 8));
    TRY("a longer segment", blen = seg(b, 2448, 1449, 0, 8));
    TRY("a pure ACK", blen = seg(b, 2448, 0, 0, 8));
    TRY("FIN", blen = seg(b, 2448, 1448, 0x01, 8));
    TRY("SYN", blen = seg(b, 2448, 1448, 0x02, 8));
    TRY("RST", blen = seg(b, 2448, 1448, 0x04, 8));
    TRY("URG", blen = seg(b, 2448, 1448, 0x20, 8));
    TRY("ECE", blen = seg(b, 2448, 1448, 0x40, 8));
    TRY("CWR", blen = seg(b, 2448, 1448, 0x80, 8));
    TRY("PSH on the first", (a[HL + 47] |= 0x08, a0[HL + 47] |= 0x08));
    a0[HL + 47] &= (uint8_t)~0x08;
    TRY("another port", b[HL + 37]++);
    TRY("another source", b[HL + 29]++);
    TRY("another MAC", b[HL + 5]++);
    TRY("another ack", b[HL + 45]++);
    TRY("another window", b[HL + 49]++);
    TRY("another timestamp", b[HL + 65]++);
    TRY("another TOS", b[HL + 15] = 4);
    TRY("another TTL", b[HL + 22]--);
    TRY("a fragment", b[HL + 20] = 0x20);
    TRY("no partial checksum", b[0] = VIRTIO_NET_HDR_F_DATA_VALID);
    TRY("a checksum elsewhere", b[6] = 40);
    TRY("already GSO", b[1] = VIRTIO_NET_HDR_GSO_TCPV4);
    TRY("IPv6", (b[HL + 13] = 0xdd, b[HL + 12] = 0x86));
    TRY("IP options", b[HL + 14] = 0x46);
    TRY("UDP", b[HL + 23] = 17);
    TRY("Ethernet padding", blen += 4);
    TRY("a truncated frame", blen -= 4);
    TRY("the first not TCP", (a[HL + 23] = 17, a0[HL + 23] = 17));
    a0[HL + 23] = 6;
    memcpy(a, a0, HL + alen0);
    alen = alen0;
    blen = seg(b, 2448, 1448, 0, 8);
    cr_assert(!nb_rx_coalesce(a, &alen, alen0 + 1447, b, blen), "beyond cap");
    cr_assert_eq(alen, alen0);
#undef TRY
}

Test(rxcoal, stops_at_sixteen_pages)
{
    size_t alen = seg(a, 0, 1448, 0, 5), blen;
    unsigned int joined = 0;

    for (uint32_t seq = 1448; joined < 100; seq += 1448) {
        blen = seg(b, seq, 1448, 0, 5);
        if (!nb_rx_coalesce(a, &alen, NB_MAX_FRAME, b, blen))
            break;
        joined++;
    }
    /* 45 segments of 1448 + 54 bytes of headers fit 16 pages; 46 not */
    cr_assert_eq(joined + 1, (16 * 4096 - 54) / 1448);
    cr_assert_leq(alen, 16 * 4096);
    cr_assert_leq(alen - 14, 0xffff);
}

/* ---------------------------------------------------------- vif.c */

static struct nf_rig rig;
static void setup(void) { nf_setup(&rig); }
static void teardown(void) { nf_teardown(&rig); }
TestSuite(rxvif, .init = setup, .fini = teardown);

static void tap_put(const uint8_t *p, size_t len)
{
    cr_assert_eq(send(rig.peer, p, HL + len, 0), (ssize_t)(HL + len));
}

static struct netif_rx_response *rsp(unsigned int i)
{
    return RING_GET_RESPONSE(&rig.v.rx, i);
}

Test(rxvif, a_stream_read_from_the_tap_reaches_the_guest_joined)
{
    size_t l0, l1, l2, l3, total;
    struct netif_extra_info *x;

    l0 = seg(a, 0, 1448, 0, 5);
    tap_put(a, l0);
    l1 = seg(b, 1448, 1448, 0, 5);
    tap_put(b, l1);
    l2 = seg(b, 2896, 1448, 0x08, 5);
    tap_put(b, l2);
    l3 = seg(b, 9999, 300, 0x08, 5);        /* not the next bytes */
    tap_put(b, l3);
    for (uint16_t i = 0; i < 6; i++)
        nf_post_rx(&rig, (uint16_t)(40 + i), 40u + i);
    nf_push_rx(&rig);
    nb_vif_tap_ready(&rig.v);
    /* one packet of 3 segments (4398 bytes: page, extra, page), then the
     * frame that did not join on its own */
    total = 54 + 3 * 1448;
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 4);
    cr_assert_eq(rsp(0)->id, 40);
    cr_assert_eq(rsp(0)->status, 4096);
    cr_assert_eq(rsp(0)->flags, NETRXF_csum_blank | NETRXF_data_validated |
                 NETRXF_extra_info | NETRXF_more_data);
    x = (struct netif_extra_info *)rsp(1);
    cr_assert_eq(x->type, XEN_NETIF_EXTRA_TYPE_GSO);
    cr_assert_eq(x->u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
    cr_assert_eq(x->u.gso.size, 1448);
    cr_assert_eq(rsp(2)->id, 42);
    cr_assert_eq(rsp(2)->status, (int16_t)(total - 4096));
    cr_assert_eq(rsp(2)->flags, 0);
    seg(want, 0, 3 * 1448, 0x08, 5);
    cr_assert_arr_eq(nf_page[40] + 54, want + HL + 54, 4096 - 54);
    cr_assert_arr_eq(nf_page[42], want + HL + 4096, total - 4096);
    cr_assert_eq(rsp(3)->id, 43);
    cr_assert_eq(rsp(3)->status, (int16_t)l3);
    cr_assert_arr_eq(nf_page[43], b + HL, l3);
    cr_assert_eq(rig.v.st.rx_packets, 2);
    cr_assert_eq(rig.v.st.rx_gso, 1);
    cr_assert_eq(rig.v.st.rx_coalesced, 2);
    cr_assert_eq(rig.v.st.tap_reads, 5, "four frames and the empty read");
    cr_assert_eq(nf_notifies, 1);
}

Test(rxvif, no_joining_for_a_frontend_without_gso)
{
    size_t l0, l1;

    rig.v.fe_gso4 = false;
    l0 = seg(a, 0, 1448, 0, 5);
    tap_put(a, l0);
    l1 = seg(b, 1448, 1448, 0, 5);
    tap_put(b, l1);
    for (uint16_t i = 0; i < 2; i++)
        nf_post_rx(&rig, i, 50u + i);
    nf_push_rx(&rig);
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 2);
    cr_assert_eq(rsp(0)->status, (int16_t)l0);
    cr_assert_eq(rsp(0)->flags, NETRXF_csum_blank | NETRXF_data_validated);
    cr_assert_eq(rsp(1)->status, (int16_t)l1);
    cr_assert_eq(rig.v.st.rx_coalesced, 0);
}

Test(rxvif, a_joined_packet_waits_for_its_pages)
{
    size_t l0, l1;

    l0 = seg(a, 0, 1448, 0, 5);
    tap_put(a, l0);
    l1 = seg(b, 1448, 1448, 0, 5);
    tap_put(b, l1);
    nf_post_rx(&rig, 1, 50);
    nf_post_rx(&rig, 2, 51);
    nf_push_rx(&rig);
    nb_vif_tap_ready(&rig.v);
    /* 2950 bytes in one page plus the extra: fits two slots */
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 2);
    cr_assert_eq(rsp(0)->status, (int16_t)(54 + 2 * 1448));
    cr_assert_eq(rig.v.st.rx_coalesced, 1);
    /* now a joined packet of 3 pages + extra with only one slot posted */
    for (uint32_t k = 0; k < 5; k++) {
        size_t l = seg(b, 2896 + k * 1448, 1448, 0, 5);
        tap_put(b, l);
    }
    nf_post_rx(&rig, 3, 52);
    nf_push_rx(&rig);
    nb_vif_tap_ready(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 2, "held");
    cr_assert_eq(rig.v.rx_pending, 1);
    cr_assert_eq(rig.v.rxlen[0], 54 + 5 * 1448);
    for (uint16_t i = 4; i < 7; i++)
        nf_post_rx(&rig, i, 49u + i);
    nf_push_rx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(((netif_rx_sring_t *)rig.rxs)->rsp_prod, 2 + 3);
    cr_assert_eq(rig.v.st.rx_coalesced, 1 + 4);
    cr_assert_eq(rig.v.st.rx_packets, 2);
}
