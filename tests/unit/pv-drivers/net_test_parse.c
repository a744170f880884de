/*
 * net_test_parse.c — netbackd's pure parts: the tx slot parser
 * (txparse.c), the checksum/GSO translation (csum.c) and the xenbus state
 * machine (xenbus.c).
 */
#include <criterion/criterion.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "netback.h"
#include "net_fake.h"

static struct netif_tx_request R(uint32_t gref, uint16_t off, uint16_t flags,
                                 uint16_t id, uint16_t size)
{
    return (struct netif_tx_request){ gref, off, flags, id, size };
}

static struct netif_tx_request X(uint8_t type, uint8_t flags, uint8_t gso_type,
                                 uint16_t gso_size)
{
    struct netif_extra_info x = { .type = type, .flags = flags };
    struct netif_tx_request r;

    x.u.gso.type = gso_type;
    x.u.gso.size = gso_size;
    memcpy(&r, &x, sizeof(x));
    return r;
}

Test(txparse, empty_ring_is_incomplete)
{
    struct nb_tx_packet p;
    cr_assert_eq(nb_tx_parse(NULL, 0, &p, NULL), NB_TX_INCOMPLETE);
}

Test(txparse, single_slot)
{
    struct netif_tx_request s[] = { R(5, 10, NETTXF_data_validated, 3, 60) };
    struct nb_tx_packet p;

    cr_assert_eq(nb_tx_parse(s, 1, &p, NULL), NB_TX_OK);
    cr_assert_eq(p.nslots, 1);
    cr_assert_eq(p.ndata, 1);
    cr_assert_eq(p.size, 60);
    cr_assert_eq(p.data[0].len, 60);
    cr_assert_eq(p.data[0].gref, 5);
    cr_assert_eq(p.flags, NETTXF_data_validated);
}

Test(txparse, chain_sizes_and_order)
{
    struct netif_tx_request s[] = {
        R(1, 0, NETTXF_more_data | NETTXF_extra_info, 1, 9000),
        X(XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4, 1448),
        R(2, 0, NETTXF_more_data, 2, 4096),
        R(3, 0, 0, 3, 4000),
        R(9, 0, 0, 9, 60),          /* the next packet: not consumed */
    };
    struct nb_tx_packet p;

    cr_assert_eq(nb_tx_parse(s, 5, &p, NULL), NB_TX_OK);
    cr_assert_eq(p.nslots, 4);
    cr_assert_eq(p.ndata, 3);
    cr_assert_eq(p.nextras, 1);
    cr_assert_eq(p.data[0].len, 9000 - 4096 - 4000);
    cr_assert_eq(p.data[1].len, 4096);
    cr_assert_eq(p.data[2].len, 4000);
    cr_assert(p.gso);
    cr_assert_eq(p.gso_size, 1448);
    cr_assert_eq(memcmp(p.kind, "dxdd", 4), 0);
    cr_assert_eq(p.ids[0], 1);
    cr_assert_eq(p.ids[2], 2);
    cr_assert_eq(p.ids[3], 3);
}

Test(txparse, incomplete_chain_waits)
{
    struct netif_tx_request s[] = { R(1, 0, NETTXF_more_data, 1, 100) };
    struct netif_tx_request e[] = { R(1, 0, NETTXF_extra_info, 1, 100) };
    struct nb_tx_packet p;

    cr_assert_eq(nb_tx_parse(s, 1, &p, NULL), NB_TX_INCOMPLETE);
    cr_assert_eq(nb_tx_parse(e, 1, &p, NULL), NB_TX_INCOMPLETE);
}

Test(txparse, malformed_packets_are_dropped_whole)
{
    struct nb_tx_packet p;
    const char *why;
    struct netif_tx_request big[] = {          /* later slots exceed the total */
        R(1, 0, NETTXF_more_data, 1, 100), R(2, 0, 0, 2, 200), R(3, 0, 0, 3, 60) };
    struct netif_tx_request runt[] = { R(1, 0, 0, 1, 10) };
    struct netif_tx_request gso0[] = {
        R(1, 0, NETTXF_extra_info, 1, 100), X(XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4, 0) };
    struct netif_tx_request gsot[] = {
        R(1, 0, NETTXF_extra_info, 1, 100), X(XEN_NETIF_EXTRA_TYPE_GSO, 0, 9, 1000) };

    cr_assert_eq(nb_tx_parse(big, 3, &p, &why), NB_TX_DROP);
    cr_assert_eq(p.nslots, 2, "the whole chain, not the next packet");
    cr_assert(strstr(why, "exceed"));
    cr_assert_eq(nb_tx_parse(runt, 1, &p, &why), NB_TX_DROP);
    cr_assert_eq(p.nslots, 1);
    cr_assert_eq(nb_tx_parse(gso0, 2, &p, &why), NB_TX_DROP);
    cr_assert_eq(p.nslots, 2);
    cr_assert_eq(nb_tx_parse(gsot, 2, &p, &why), NB_TX_DROP);
}

Test(txparse, slot_limits)
{
    struct netif_tx_request s[NB_FATAL_SLOTS + 2];
    struct nb_tx_packet p;
    unsigned int i;

    for (i = 0; i < NB_FATAL_SLOTS + 2; i++)
        s[i] = R(1, 0, NETTXF_more_data, (uint16_t)i, i ? 10 : 1000);
    /* exactly XEN_NETIF_NR_SLOTS_MIN slots: accepted */
    s[NB_MAX_SLOTS - 1].flags = 0;
    cr_assert_eq(nb_tx_parse(s, NB_MAX_SLOTS, &p, NULL), NB_TX_OK);
    cr_assert_eq(p.ndata, NB_MAX_SLOTS);
    /* one more: dropped */
    s[NB_MAX_SLOTS - 1].flags = NETTXF_more_data;
    s[NB_MAX_SLOTS].flags = 0;
    cr_assert_eq(nb_tx_parse(s, NB_MAX_SLOTS + 1, &p, NULL), NB_TX_DROP);
    cr_assert_eq(p.nslots, NB_MAX_SLOTS + 1);
    /* a chain longer than NB_FATAL_SLOTS: fatal */
    s[NB_MAX_SLOTS].flags = NETTXF_more_data;
    cr_assert_eq(nb_tx_parse(s, NB_FATAL_SLOTS + 2, &p, NULL), NB_TX_FATAL);
}

Test(txparse, fatal_shapes)
{
    struct nb_tx_packet p;
    struct netif_tx_request cross[] = { R(1, 4090, 0, 1, 60) };
    struct netif_tx_request cross2[] = { R(1, 0, NETTXF_more_data, 1, 200), R(2, 4000, 0, 2, 100) };
    struct netif_tx_request xnone[] = { R(1, 0, NETTXF_extra_info, 1, 100), X(0, 0, 0, 0) };
    struct netif_tx_request xbig[] = { R(1, 0, NETTXF_extra_info, 1, 100), X(XEN_NETIF_EXTRA_TYPE_MAX, 0, 0, 0) };
    struct netif_tx_request xrep[] = {
        R(1, 0, NETTXF_extra_info, 1, 100),
        X(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 1, 1000),
        X(XEN_NETIF_EXTRA_TYPE_GSO, 0, 1, 1000) };

    cr_assert_eq(nb_tx_parse(cross, 1, &p, NULL), NB_TX_FATAL);
    cr_assert_eq(nb_tx_parse(cross2, 2, &p, NULL), NB_TX_FATAL);
    cr_assert_eq(nb_tx_parse(xnone, 2, &p, NULL), NB_TX_FATAL);
    cr_assert_eq(nb_tx_parse(xbig, 2, &p, NULL), NB_TX_FATAL);
    cr_assert_eq(nb_tx_parse(xrep, 3, &p, NULL), NB_TX_FATAL);
}

/* ------------------------------------------------------------ csum */

Test(csum, finds_tcp_over_ipv4_vlan_and_ipv6)
{
    uint8_t f[200];
    struct nb_l4 l4;

    nf_tcp4_frame(f, 100);
    cr_assert_eq(nb_find_l4(f, 100, &l4), 0);
    cr_assert_eq(l4.l3_off, 14);
    cr_assert_eq(l4.l4_off, 34);
    cr_assert_eq(l4.proto, 6);
    cr_assert_eq(l4.l4_hlen, 20);
    /* 802.1Q tag */
    memmove(f + 18, f + 14, 100);
    f[12] = 0x81; f[13] = 0x00; f[14] = 0; f[15] = 5; f[16] = 0x08; f[17] = 0x00;
    cr_assert_eq(nb_find_l4(f, 104, &l4), 0);
    cr_assert_eq(l4.l4_off, 38);
    /* IPv6 + hop-by-hop options + UDP */
    memset(f, 0, sizeof(f));
    f[12] = 0x86; f[13] = 0xdd; f[14] = 0x60; f[20] = 0;   /* next: hop-by-hop */
    f[54] = 17; f[55] = 0;                                 /* 8 bytes, next UDP */
    cr_assert_eq(nb_find_l4(f, 100, &l4), 0);
    cr_assert(l4.ipv6);
    cr_assert_eq(l4.l4_off, 62);
    cr_assert_eq(l4.proto, 17);
}

Test(csum, rejects_truncated_and_non_ip)
{
    uint8_t f[100];
    struct nb_l4 l4;

    nf_tcp4_frame(f, 100);
    cr_assert_neq(nb_find_l4(f, 40, &l4), 0);
    f[14] = 0x4f;                        /* IHL 60 bytes > frame */
    cr_assert_neq(nb_find_l4(f, 60, &l4), 0);
    nf_tcp4_frame(f, 100);
    f[20] = 0x00; f[21] = 0x10;          /* a later fragment */
    cr_assert_neq(nb_find_l4(f, 100, &l4), 0);
    nf_tcp4_frame(f, 100);
    f[12] = 0x08; f[13] = 0x06;          /* ARP */
    cr_assert_neq(nb_find_l4(f, 100, &l4), 0);
}

Test(csum, tx_flags_to_vnet_header)
{
    uint8_t f[100];
    struct nb_tx_packet p = { .flags = NETTXF_csum_blank };
    struct nb_vnet_hdr h;

    nf_tcp4_frame(f, 100);
    cr_assert_eq(nb_tx_vnet_hdr(&p, f, 100, &h), 0);
    cr_assert_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    cr_assert_eq(h.csum_start, 34);
    cr_assert_eq(h.csum_offset, 16);
    p.flags = NETTXF_data_validated;
    cr_assert_eq(nb_tx_vnet_hdr(&p, f, 100, &h), 0);
    cr_assert_eq(h.flags, VIRTIO_NET_HDR_F_DATA_VALID);
    /* GSO v6 announced on a v4 frame: refused */
    p.flags = NETTXF_csum_blank;
    p.gso = true;
    p.gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
    p.gso_size = 1000;
    cr_assert_neq(nb_tx_vnet_hdr(&p, f, 100, &h), 0);
    /* csum_blank on ARP: refused */
    p.gso = false;
    f[12] = 0x08; f[13] = 0x06;
    cr_assert_neq(nb_tx_vnet_hdr(&p, f, 100, &h), 0);
}

Test(csum, rx_vnet_header_to_flags)
{
    struct nb_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                             .gso_type = VIRTIO_NET_HDR_GSO_TCPV6, .gso_size = 1428 };
    struct netif_extra_info x;
    uint16_t fl;

    cr_assert_eq(nb_rx_from_vnet(&h, true, true, &fl, &x), 0);
    cr_assert_eq(fl, NETRXF_csum_blank | NETRXF_data_validated | NETRXF_extra_info);
    cr_assert_eq(x.type, XEN_NETIF_EXTRA_TYPE_GSO);
    cr_assert_eq(x.u.gso.type, XEN_NETIF_GSO_TYPE_TCPV6);
    cr_assert_eq(x.u.gso.size, 1428);
    cr_assert_neq(nb_rx_from_vnet(&h, true, false, &fl, &x), 0, "v6 not negotiated");
    h.gso_type = 0;
    h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    cr_assert_eq(nb_rx_from_vnet(&h, false, false, &fl, &x), 0);
    cr_assert_eq(fl, NETRXF_data_validated);
}

Test(csum, software_checksum_matches_a_known_segment)
{
    uint8_t f[60];
    struct nb_l4 l4;
    uint32_t s = 0;

    nf_tcp4_frame(f, 60);
    cr_assert_eq(nb_find_l4(f, 60, &l4), 0);
    cr_assert_eq(nb_fill_l4_csum(f, 60, &l4), 0);
    /* verifying: the one's-complement sum over pseudo-header + segment is 0xffff */
    for (int i = 26; i < 34; i += 2)
        s += (uint32_t)(f[i] << 8 | f[i + 1]);
    s += 6 + 26;
    for (int i = 34; i < 60; i += 2)
        s += (uint32_t)(f[i] << 8 | f[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    cr_assert_eq(s, 0xffff);
}

/* ------------------------------------------------------------ xenbus */

static struct nb_xb_out step(enum nb_xbstate be, bool conn, int fe, bool online,
                             bool hp)
{
    struct nb_xb_in in = { .be = be, .connected = conn, .fe = fe,
                           .online = online, .hotplug_ok = hp };
    return nb_xb_step(&in);
}

Test(xenbus, waits_for_the_frontend_and_the_script)
{
    struct nb_xb_out o = step(NB_XB_INITWAIT, false, NB_XB_INITIALISING, true, false);
    cr_assert(!o.connect && o.set_state == -1 && !o.remove);
    o = step(NB_XB_INITWAIT, false, NB_XB_CONNECTED, true, false);
    cr_assert(!o.connect, "hotplug-status not connected yet");
    o = step(NB_XB_INITWAIT, false, NB_XB_CONNECTED, true, true);
    cr_assert(o.connect);
    cr_assert_eq(o.set_state, NB_XB_CONNECTED);
    o = step(NB_XB_CONNECTED, true, NB_XB_CONNECTED, true, true);
    cr_assert(!o.connect && !o.disconnect && o.set_state == -1, "steady");
}

Test(xenbus, frontend_closing_and_reconnecting)
{
    struct nb_xb_out o = step(NB_XB_CONNECTED, true, NB_XB_CLOSING, true, true);
    cr_assert(o.disconnect);
    cr_assert_eq(o.set_state, NB_XB_CLOSING);
    o = step(NB_XB_CLOSING, false, NB_XB_CLOSED, true, true);
    cr_assert_eq(o.set_state, NB_XB_CLOSED);
    cr_assert(!o.remove, "online: the device stays for a new frontend");
    o = step(NB_XB_CLOSED, false, NB_XB_INITIALISING, true, true);
    cr_assert_eq(o.set_state, NB_XB_INITWAIT);
    /* a frontend that restarts without closing */
    o = step(NB_XB_CONNECTED, true, NB_XB_INITIALISING, true, true);
    cr_assert(o.disconnect);
    cr_assert_eq(o.set_state, NB_XB_INITWAIT);
}

Test(xenbus, toolstack_detach_and_vanished_frontend)
{
    struct nb_xb_out o = step(NB_XB_CONNECTED, true, NB_XB_CONNECTED, false, true);
    cr_assert(o.disconnect);
    cr_assert_eq(o.set_state, NB_XB_CLOSING, "tell the frontend");
    cr_assert(!o.remove);
    o = step(NB_XB_CLOSING, false, NB_XB_CLOSED, false, true);
    cr_assert_eq(o.set_state, NB_XB_CLOSED);
    cr_assert(o.remove);
    o = step(NB_XB_CONNECTED, true, -1, true, true);
    cr_assert(o.disconnect && o.remove);
}

Test(xenbus, failed_hotplug_never_connects)
{
    struct nb_xb_in in = { .be = NB_XB_INITWAIT, .fe = NB_XB_CONNECTED,
                           .online = true, .hotplug_ok = false,
                           .hotplug_error = true };
    struct nb_xb_out o = nb_xb_step(&in);
    cr_assert(!o.connect);
    cr_assert_eq(o.set_state, NB_XB_CLOSING);
}

Test(xenbus, broken_backend_stays_closed_until_frontend_closes)
{
    struct nb_xb_out o = step(NB_XB_CLOSING, false, NB_XB_CONNECTED, true, true);
    cr_assert(!o.connect && o.set_state == -1);
}

Test(xenbus, parse_state)
{
    cr_assert_eq(nb_xb_parse_state("4"), 4);
    cr_assert_eq(nb_xb_parse_state("0"), 0);
    cr_assert_eq(nb_xb_parse_state(""), -1);
    cr_assert_eq(nb_xb_parse_state(NULL), -1);
    cr_assert_eq(nb_xb_parse_state("4x"), -1);
    cr_assert_eq(nb_xb_parse_state("9"), -1);
    cr_assert_eq(nb_xb_parse_state("-1"), -1);
}
