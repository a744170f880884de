/*
 * csum.c — checksum and segmentation offload between the netif flags and
 * the tap's virtio-net header.  A guest's packet marked NETTXF_csum_blank
 * carries a partial checksum that someone must complete: the tap does it
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM) once told where the L4 header starts, so
 * the frame is parsed here.  GSO packets become VIRTIO_NET_HDR_GSO_TCPV4/6.
 * In the other direction a frame the tap hands over with NEEDS_CSUM or GSO
 * becomes NETRXF_csum_blank and a GSO extra for netfront.
 * Pure code: unit tested on the host.
 */
#include <errno.h>
#include <string.h>

#include <linux/virtio_net.h>

#include "netback.h"

static unsigned int get16(const uint8_t *p) { return (unsigned int)p[0] << 8 | p[1]; }

int nb_find_l4(const uint8_t *f, size_t len, struct nb_l4 *out)
{
    unsigned int off = NB_ETH_HLEN, type, hops = 0;
    uint8_t proto;

    memset(out, 0, sizeof(*out));
    if (len < NB_ETH_HLEN)
        return -EINVAL;
    type = get16(f + 12);
    if (type == 0x8100 || type == 0x88a8) {          /* one VLAN tag */
        if (len < off + 4)
            return -EINVAL;
        type = get16(f + 16);
        off += 4;
    }
    out->l3_off = off;
    if (type == 0x0800) {
        unsigned int ihl;
        if (len < off + 20)
            return -EINVAL;
        ihl = (f[off] & 0x0f) * 4u;
        if ((f[off] >> 4) != 4 || ihl < 20 || len < off + ihl)
            return -EINVAL;
        /* a fragment other than the first has no L4 header to complete */
        if (get16(f + off + 6) & 0x1fff)
            return -EINVAL;
        proto = f[off + 9];
        off += ihl;
    } else if (type == 0x86dd) {
        if (len < off + 40 || (f[off] >> 4) != 6)
            return -EINVAL;
        out->ipv6 = true;
        proto = f[off + 6];
        off += 40;
        /* hop-by-hop, routing, destination options: (len + 1) * 8 bytes */
        while (proto == 0 || proto == 43 || proto == 60) {
            if (len < off + 8 || ++hops > 8)
                return -EINVAL;
            proto = f[off];
            off += (f[off + 1] + 1u) * 8u;
        }
    } else {
        return -EINVAL;
    }
    out->proto = proto;
    out->l4_off = off;
    if (proto == 6) {
        if (len < off + 20)
            return -EINVAL;
        out->l4_hlen = (f[off + 12] >> 4) * 4u;
        if (out->l4_hlen < 20 || len < off + out->l4_hlen)
            return -EINVAL;
    } else if (proto == 17) {
        if (len < off + 8)
            return -EINVAL;
        out->l4_hlen = 8;
    } else {
        return -EINVAL;
    }
    return 0;
}

int nb_tx_vnet_hdr(const struct nb_tx_packet *p, const uint8_t *frame,
                   size_t len, struct nb_vnet_hdr *h)
{
    struct nb_l4 l4;

    memset(h, 0, sizeof(*h));
    if (p->flags & NETTXF_csum_blank || p->gso) {
        if (nb_find_l4(frame, len, &l4))
            return -EINVAL;
        h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h->csum_start = (uint16_t)l4.l4_off;
        h->csum_offset = l4.proto == 6 ? 16 : 6;
        if (p->gso) {
            if (l4.proto != 6 ||
                l4.ipv6 != (p->gso_type == XEN_NETIF_GSO_TYPE_TCPV6))
                return -EINVAL;
            h->gso_type = l4.ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6
                                  : VIRTIO_NET_HDR_GSO_TCPV4;
            h->gso_size = p->gso_size;
            h->hdr_len = (uint16_t)(l4.l4_off + l4.l4_hlen);
        }
    } else if (p->flags & NETTXF_data_validated) {
        h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
    }
    return 0;
}

int nb_rx_from_vnet(const struct nb_vnet_hdr *h, bool gso_v4, bool gso_v6,
                    uint16_t *flags, struct netif_extra_info *gso)
{
    uint8_t type = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

    *flags = 0;
    memset(gso, 0, sizeof(*gso));
    if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        *flags |= NETRXF_csum_blank | NETRXF_data_validated;
    else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID)
        *flags |= NETRXF_data_validated;
    if (type == VIRTIO_NET_HDR_GSO_NONE)
        return 0;
    if (!h->gso_size || !(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
        return -EINVAL;
    if (type == VIRTIO_NET_HDR_GSO_TCPV4 && gso_v4)
        gso->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
    else if (type == VIRTIO_NET_HDR_GSO_TCPV6 && gso_v6)
        gso->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
    else
        return -EINVAL;
    gso->type = XEN_NETIF_EXTRA_TYPE_GSO;
    gso->u.gso.size = h->gso_size;
    *flags |= NETRXF_extra_info;
    return 0;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    while (n > 1) {
        s += get16(p);
        p += 2;
        n -= 2;
    }
    if (n)
        s += (uint32_t)p[0] << 8;
    return s;
}

int nb_fill_l4_csum(uint8_t *f, size_t len, const struct nb_l4 *l4)
{
    unsigned int at = l4->l4_off + (l4->proto == 6 ? 16u : 6u);
    size_t seg;
    uint32_t s = 0;
    uint16_t c;

    if (len <= l4->l4_off || len < at + 2)
        return -EINVAL;
    seg = len - l4->l4_off;
    if (l4->ipv6) {
        unsigned int end = l4->l3_off + 40 + get16(f + l4->l3_off + 4);
        /* the payload length covers extension headers and the segment */
        if (end >= l4->l4_off && end <= len)
            seg = end - l4->l4_off;
        s = sum16(f + l4->l3_off + 8, 32, 0);
    } else {
        unsigned int tot = get16(f + l4->l3_off + 2);
        /* trailing Ethernet padding is not part of the segment */
        if (tot >= l4->l4_off - l4->l3_off && l4->l3_off + tot <= len)
            seg = l4->l3_off + tot - l4->l4_off;
        s = sum16(f + l4->l3_off + 12, 8, 0);
    }
    s += l4->proto;
    s += (uint32_t)(seg >> 16) + (uint32_t)(seg & 0xffff);
    f[at] = f[at + 1] = 0;
    s = sum16(f + l4->l4_off, seg, s);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    c = (uint16_t)~s;
    if (l4->proto == 17 && !c)
        c = 0xffff;          /* UDP: zero means "no checksum" */
    f[at] = (uint8_t)(c >> 8);
    f[at + 1] = (uint8_t)c;
    return 0;
}
