/*
 * net_test_ipfilter.c — `ip=` anti-spoofing (pv-drivers/netback/ipfilter.c,
 * the real code): parsing the backend's ip node, the verdict on IPv4, ARP,
 * DHCP, VLAN-tagged, truncated and other frames, and vif.c's transmit path
 * dropping a spoofed frame while answering its slots and passing a good one.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "net_fake.h"

/* An Ethernet frame of the given type with an IPv4 header from src (UDP
 * sport -> dport when proto is 17), 64 bytes. */
static size_t ip4(uint8_t *f, const char *src, uint8_t proto, unsigned sport,
                  unsigned dport)
{
    memset(f, 0, 64);
    f[12] = 0x08; f[13] = 0x00;
    f[14] = 0x45;
    f[16] = 0; f[17] = 50;
    f[22] = 64; f[23] = proto;
    inet_pton(AF_INET, src, f + 26);
    inet_pton(AF_INET, "10.99.0.1", f + 30);
    f[34] = (uint8_t)(sport >> 8); f[35] = (uint8_t)sport;
    f[36] = (uint8_t)(dport >> 8); f[37] = (uint8_t)dport;
    return 64;
}

static size_t arp(uint8_t *f, const char *sender)
{
    memset(f, 0, 64);
    f[12] = 0x08; f[13] = 0x06;
    f[14] = 0; f[15] = 1;           /* Ethernet */
    f[16] = 0x08; f[17] = 0x00;     /* IPv4 */
    f[18] = 6; f[19] = 4;
    f[21] = 2;                      /* reply */
    inet_pton(AF_INET, sender, f + 28);
    return 60;
}

Test(ipfilter, parse_lists_and_networks)
{
    struct nb_ipfilter f;

    cr_assert_eq(nb_ipfilter_parse(NULL, &f), 0);
    cr_assert_eq(f.n, 0);
    cr_assert_eq(nb_ipfilter_parse("  ", &f), 0);
    cr_assert_eq(f.n, 0);
    cr_assert_eq(nb_ipfilter_parse("10.99.0.2", &f), 0);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.net[0].mask, 0xffffffffu);
    cr_assert_eq(nb_ipfilter_parse("10.99.0.2 192.168.7.9/24", &f), 0);
    cr_assert_eq(f.n, 2);
    cr_assert_eq(f.net[1].mask, htonl(0xffffff00u));
    cr_assert_eq(f.net[1].addr, htonl(0xc0a80700u), "host bits cleared");
    cr_assert_eq(nb_ipfilter_parse("0.0.0.0/0", &f), 0);
    cr_assert_eq(f.net[0].mask, 0);
}

Test(ipfilter, parse_refuses_garbage)
{
    struct nb_ipfilter f;
    char many[400] = "";

    cr_assert_eq(nb_ipfilter_parse("10.99.0", &f), -EINVAL);
    cr_assert_eq(nb_ipfilter_parse("10.99.0.2/33", &f), -EINVAL);
    cr_assert_eq(nb_ipfilter_parse("10.99.0.2/", &f), -EINVAL);
    cr_assert_eq(nb_ipfilter_parse("10.99.0.2/x", &f), -EINVAL);
    cr_assert_eq(nb_ipfilter_parse("fe80::1", &f), -EINVAL);
    cr_assert_eq(nb_ipfilter_parse("host.example", &f), -EINVAL);
    for (int i = 0; i <= NB_IPFILTER_MAX; i++)
        strcat(many, "10.0.0.1 ");
    cr_assert_eq(nb_ipfilter_parse(many, &f), -EINVAL, "more than the table holds");
}

Test(ipfilter, ipv4_sources)
{
    struct nb_ipfilter f;
    uint8_t fr[64];

    cr_assert_eq(nb_ipfilter_parse("10.99.0.2 10.98.0.0/16", &f), 0);
    cr_assert(nb_ipfilter_allows(&f, fr, ip4(fr, "10.99.0.2", 1, 0, 0)));
    cr_assert(nb_ipfilter_allows(&f, fr, ip4(fr, "10.98.200.3", 6, 0, 0)));
    cr_assert_not(nb_ipfilter_allows(&f, fr, ip4(fr, "10.99.0.3", 1, 0, 0)));
    cr_assert_not(nb_ipfilter_allows(&f, fr, ip4(fr, "10.99.0.3", 17, 5000, 53)));
    /* a DHCP request from no address yet, or any */
    cr_assert(nb_ipfilter_allows(&f, fr, ip4(fr, "0.0.0.0", 17, 68, 67)));
    cr_assert(nb_ipfilter_allows(&f, fr, ip4(fr, "10.1.1.1", 17, 68, 67)));
    /* ... but not a DHCP server answering, nor a later fragment */
    cr_assert_not(nb_ipfilter_allows(&f, fr, ip4(fr, "10.1.1.1", 17, 67, 68)));
    ip4(fr, "10.1.1.1", 17, 68, 67);
    fr[21] = 8;                                   /* fragment offset 64 */
    cr_assert_not(nb_ipfilter_allows(&f, fr, 64));
    /* truncated or not version 4 */
    cr_assert_not(nb_ipfilter_allows(&f, fr, ip4(fr, "10.99.0.2", 1, 0, 0) - 40));
    ip4(fr, "10.99.0.2", 1, 0, 0);
    fr[14] = 0x65;
    cr_assert_not(nb_ipfilter_allows(&f, fr, 64));
    cr_assert_not(nb_ipfilter_allows(&f, fr, 13));
}

Test(ipfilter, vlan_tagged)
{
    struct nb_ipfilter f;
    uint8_t fr[80], in[64];

    cr_assert_eq(nb_ipfilter_parse("10.99.0.2", &f), 0);
    ip4(in, "10.99.0.3", 1, 0, 0);
    memcpy(fr, in, 12);
    fr[12] = 0x81; fr[13] = 0x00; fr[14] = 0; fr[15] = 5;
    memcpy(fr + 16, in + 12, 52);
    cr_assert_not(nb_ipfilter_allows(&f, fr, 68));
    inet_pton(AF_INET, "10.99.0.2", fr + 30);
    cr_assert(nb_ipfilter_allows(&f, fr, 68));
}

Test(ipfilter, arp_sender)
{
    struct nb_ipfilter f;
    uint8_t fr[64];

    cr_assert_eq(nb_ipfilter_parse("10.99.0.2", &f), 0);
    cr_assert(nb_ipfilter_allows(&f, fr, arp(fr, "10.99.0.2")));
    cr_assert_not(nb_ipfilter_allows(&f, fr, arp(fr, "10.99.0.1")),
                  "claiming dom0's address");
    cr_assert(nb_ipfilter_allows(&f, fr, arp(fr, "0.0.0.0")), "a probe");
    arp(fr, "10.99.0.2");
    cr_assert_not(nb_ipfilter_allows(&f, fr, 41), "truncated");
    fr[19] = 16;
    cr_assert_not(nb_ipfilter_allows(&f, fr, 60), "not Ethernet/IPv4 ARP");
}

Test(ipfilter, other_protocols_and_no_filter)
{
    struct nb_ipfilter f, none;
    uint8_t fr[64] = { 0 };

    cr_assert_eq(nb_ipfilter_parse("10.99.0.2", &f), 0);
    cr_assert_eq(nb_ipfilter_parse(NULL, &none), 0);
    fr[12] = 0x86; fr[13] = 0xdd;                 /* IPv6 */
    cr_assert(nb_ipfilter_allows(&f, fr, 64));
    cr_assert(nb_ipfilter_allows(&none, fr, 3), "no ip=: anything");
    cr_assert(nb_ipfilter_allows(&none, fr, ip4(fr, "1.2.3.4", 1, 0, 0)));
}

/* vif.c: the spoofed frame never reaches the tap, its slot is answered
 * OKAY, the counter says why; the allowed one goes through. */
Test(ipfilter, vif_drops_spoofed_frames)
{
    static struct nf_rig rig;
    static uint8_t buf[NB_VNET_HLEN + NB_MAX_FRAME];
    struct netif_tx_request q1 = { .gref = 1, .id = 1, .size = 64 };
    struct netif_tx_request q2 = { .gref = 2, .id = 2, .size = 64 };
    netif_tx_response_t *r;

    nf_setup(&rig);
    cr_assert_eq(nb_ipfilter_parse("10.99.0.2", &rig.v.ipf), 0);
    ip4(nf_page[1], "10.99.0.77", 1, 0, 0);
    ip4(nf_page[2], "10.99.0.2", 1, 0, 0);
    nf_post_tx(&rig, &q1);
    nf_post_tx(&rig, &q2);
    nf_push_tx(&rig);
    nb_vif_kick(&rig.v);
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), NB_VNET_HLEN + 64);
    cr_assert_arr_eq(buf + NB_VNET_HLEN, nf_page[2], 64, "only the allowed frame");
    cr_assert_eq(nf_tap_read(&rig, buf, sizeof(buf)), -1);
    r = RING_GET_RESPONSE(&rig.txf, 0);
    cr_assert_eq(r->id, 1);
    cr_assert_eq(r->status, NETIF_RSP_OKAY);
    r = RING_GET_RESPONSE(&rig.txf, 1);
    cr_assert_eq(r->status, NETIF_RSP_OKAY);
    cr_assert_eq(rig.v.st.tx_filtered, 1);
    cr_assert_eq(rig.v.st.tx_packets, 1);
    cr_assert(rig.v.connected, "spoofing is not a protocol error");
    nf_teardown(&rig);
}
