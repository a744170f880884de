/*
 * rxcoal.c — receive coalescing: consecutive TCP/IPv4 segments of one
 * stream read from the tap become one GSO packet for netfront, as Linux's
 * GRO would make of them.
 *
 * Why: dom0's TCP sends through a tap as MTU-sized frames.  tun orphans
 * each skb as it queues it (tun_net_xmit), so the sending socket never
 * sees its packets pending below it: TCP Small Queues and autocorking
 * never hold back its small writes, and it sends every MSS as soon as it
 * is filled.  Debian's xen-netback holds its skbs until they are copied
 * into the guest, so the same TCP coalesces there and the kernel vif
 * carries a third of the frames.  Joining them again here hands netfront
 * the packets the kernel backend would hand it: fewer ring slots,
 * responses, notifications and guest packets (and ACKs back).
 *
 * Pure (no devices): unit tested and fuzzed.
 */
#include <errno.h>
#include <string.h>

#include <linux/virtio_net.h>

#include "netback.h"

static unsigned int get16(const uint8_t *p) { return (unsigned int)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, unsigned int v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

#define IPH     NB_ETH_HLEN          /* the IPv4 header (no VLAN tag) */
#define TCPH    (IPH + 20u)          /* the TCP header (no IP options) */

/* TCP flag bits (byte 13 of the header) */
#define TH_FIN  0x01
#define TH_SYN  0x02
#define TH_RST  0x04
#define TH_PSH  0x08
#define TH_ACK  0x10

/* The TCP header length of a frame we may join, or 0: Ethernet without a
 * tag, IPv4 without options nor fragments, TCP, the frame exactly the IP
 * packet (no padding), a partial checksum at the TCP header as the local
 * stack leaves it, and no flag but ACK and PSH. */
static unsigned int joinable(const struct nb_vnet_hdr *h, const uint8_t *f,
                             size_t len)
{
    unsigned int thlen;

    if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
        h->csum_start != TCPH || h->csum_offset != 16)
        return 0;
    if (len < TCPH + 20 || get16(f + 12) != 0x0800 || f[IPH] != 0x45 ||
        f[IPH + 9] != 6 || (get16(f + IPH + 6) & 0x3fff) ||
        IPH + get16(f + IPH + 2) != len)
        return 0;
    thlen = (f[TCPH + 12] >> 4) * 4u;
    if (thlen < 20 || TCPH + thlen > len)
        return 0;
    if ((f[TCPH + 13] & ~TH_PSH) != TH_ACK)
        return 0;
    return thlen;
}

bool nb_rx_coalesce(uint8_t *a, size_t *alen, size_t cap,
                    const uint8_t *b, size_t blen)
{
    struct nb_vnet_hdr ha, hb;
    uint8_t *fa = a + sizeof(ha);
    const uint8_t *fb = b + sizeof(hb);
    unsigned int tha, thb, mss, hl;
    size_t pa, pb, len;
    uint32_t s;

    memcpy(&ha, a, sizeof(ha));
    memcpy(&hb, b, sizeof(hb));
    /* b: one plain segment; a: one, or what we (or the stack) joined */
    if (hb.gso_type != VIRTIO_NET_HDR_GSO_NONE ||
        (ha.gso_type != VIRTIO_NET_HDR_GSO_NONE &&
         ha.gso_type != VIRTIO_NET_HDR_GSO_TCPV4))
        return false;
    tha = joinable(&ha, fa, *alen);
    thb = joinable(&hb, fb, blen);
    if (!tha || tha != thb)
        return false;
    hl = TCPH + tha;
    pa = *alen - hl;
    pb = blen - hl;
    if (!pa || !pb)
        return false;             /* pure ACKs are not joined */
    mss = ha.gso_type == VIRTIO_NET_HDR_GSO_TCPV4 ? ha.gso_size : (unsigned int)pa;
    /* every segment but the last is a full MSS: a short one ends it, and
     * so does a PSH (the sender wants it delivered now) */
    if (!mss || pa % mss || pb > mss || (fa[TCPH + 13] & TH_PSH))
        return false;
    /* the same stream and the next bytes of it: MACs, type, IP header but
     * for its length, id and checksum, ports, ack, flags but PSH, window,
     * and the options (timestamps) alike, as GRO requires */
    if (memcmp(fa, fb, IPH + 2) || fa[IPH + 1] != fb[IPH + 1] ||
        memcmp(fa + IPH + 6, fb + IPH + 6, 4) ||
        memcmp(fa + IPH + 12, fb + IPH + 12, 8) ||
        memcmp(fa + TCPH, fb + TCPH, 4) ||
        memcmp(fa + TCPH + 8, fb + TCPH + 8, 5) ||
        (fa[TCPH + 13] | TH_PSH) != (fb[TCPH + 13] | TH_PSH) ||
        memcmp(fa + TCPH + 14, fb + TCPH + 14, 2) ||
        memcmp(fa + TCPH + 20, fb + TCPH + 20, tha - 20))
        return false;
    if (get32(fb + TCPH + 4) != get32(fa + TCPH + 4) + (uint32_t)pa)
        return false;
    len = *alen + pb;
    /* fits our buffer, an IPv4 length, and netfront's slots (one page a
     * slot, plus the GSO extra) */
    if (len > cap || len - IPH > 0xffff ||
        (len + NB_PAGE_SIZE - 1) / NB_PAGE_SIZE > NB_RX_COAL_PAGES)
        return false;

    memcpy(fa + *alen, fb + hl, pb);
    *alen = len;
    put16(fa + IPH + 2, (unsigned int)(len - IPH));
    fa[TCPH + 13] |= fb[TCPH + 13] & TH_PSH;
    /* the IP header checksum for the new length */
    fa[IPH + 10] = fa[IPH + 11] = 0;
    s = 0;
    for (unsigned int i = 0; i < 20; i += 2)
        s += get16(fa + IPH + i);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    put16(fa + IPH + 10, (uint16_t)~s);
    /* the partial checksum the stack leaves for the receiver to complete:
     * the pseudo-header's sum, folded, not inverted (as Linux's
     * __tcp_v4_send_check), for the new TCP length */
    s = 6 + (uint32_t)(len - TCPH);
    for (unsigned int i = 12; i < 20; i += 2)
        s += get16(fa + IPH + i);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    put16(fa + TCPH + 16, s);
    ha.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    ha.gso_size = (uint16_t)mss;
    ha.hdr_len = (uint16_t)hl;
    memcpy(a, &ha, sizeof(ha));
    return true;
}
