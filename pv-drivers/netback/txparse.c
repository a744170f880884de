/*
 * txparse.c — what a run of tx ring slots posted by a (possibly hostile)
 * frontend means: one packet's data slots, its extra info slots, and
 * whether it may be sent, must be dropped, or shows a frontend that has to
 * be disconnected.  Pure code over a copy of the requests, so it is unit
 * tested and fuzzed on the host (tests/unit/pv-drivers, tests/fuzz/netback).
 *
 * The rules are those of Linux's xen-netback (xenvif_count_requests,
 * xenvif_get_extras, the checks in xenvif_tx_build_gops): a slot crossing
 * its page, an invalid extra type or a chain longer than NB_FATAL_SLOTS is
 * fatal (the frontend is broken or hostile and its later slots cannot be
 * trusted); too many slots, sizes that do not add up, a frame shorter than
 * an Ethernet header or a bad GSO description drop the packet only.
 */
#include <string.h>

#include "netback.h"

static enum nb_tx_verdict verdict(const char **why, const char *reason,
                                  enum nb_tx_verdict v)
{
    if (why)
        *why = reason;
    return v;
}

/* Records the extra info slots after the first request: *i is the first
 * request's index on entry, the last extra's on return. */
static enum nb_tx_verdict parse_extras(const struct netif_tx_request *slots,
                                       unsigned int avail, unsigned int *i,
                                       struct nb_tx_packet *p,
                                       const char **why)
{
    struct netif_extra_info x;
    bool seen[XEN_NETIF_EXTRA_TYPE_MAX] = { false };

    do {
        if (++*i >= avail)
            return NB_TX_INCOMPLETE;
        memcpy(&x, &slots[*i], sizeof(x));
        if (x.type == XEN_NETIF_EXTRA_TYPE_NONE ||
            x.type >= XEN_NETIF_EXTRA_TYPE_MAX)
            return verdict(why, "invalid extra info type", NB_TX_FATAL);
        /* each type once: a longer chain cannot be a real frontend's */
        if (seen[x.type] || p->nextras >= NB_MAX_EXTRAS)
            return verdict(why, "repeated extra info", NB_TX_FATAL);
        seen[x.type] = true;
        p->kind[p->nslots] = 'x';
        p->ids[p->nslots] = 0;
        p->nslots++;
        p->nextras++;
        if (x.type == XEN_NETIF_EXTRA_TYPE_GSO) {
            p->gso = true;
            p->gso_type = x.u.gso.type;
            p->gso_size = x.u.gso.size;
        }
        /* multicast filter and hash extras are accepted and ignored: the
         * tap sees every frame the bridge sends it anyway */
    } while (x.flags & XEN_NETIF_EXTRA_FLAG_MORE);
    return NB_TX_OK;
}

enum nb_tx_verdict nb_tx_parse(const struct netif_tx_request *slots,
                               unsigned int avail, struct nb_tx_packet *p,
                               const char **why)
{
    struct netif_tx_request first, r;
    enum nb_tx_verdict v;
    const char *drop = NULL;
    unsigned int i = 0, rest = 0;

    memset(p, 0, sizeof(*p));
    if (why)
        *why = NULL;
    if (!avail)
        return NB_TX_INCOMPLETE;
    first = slots[0];
    p->first_id = first.id;
    p->flags = first.flags;
    p->size = first.size;
    p->kind[0] = 'd';
    p->ids[0] = first.id;
    p->nslots = 1;
    p->data[0] = (struct nb_tx_data){ first.gref, first.offset, 0, first.id };
    p->ndata = 1;

    if (first.flags & NETTXF_extra_info) {
        v = parse_extras(slots, avail, &i, p, why);
        if (v != NB_TX_OK)
            return v;
    }
    r = first;
    while (r.flags & NETTXF_more_data) {
        if (p->ndata >= NB_FATAL_SLOTS)
            return verdict(why, "too many slots in one packet", NB_TX_FATAL);
        if (++i >= avail)
            return NB_TX_INCOMPLETE;
        r = slots[i];
        if ((uint32_t)r.offset + r.size > NB_PAGE_SIZE)
            return verdict(why, "slot crosses its page", NB_TX_FATAL);
        /* the later slots' sizes must fit in the total the first gave */
        if (!drop && (uint32_t)rest + r.size > first.size)
            drop = "slot sizes exceed the packet size";
        rest += r.size;
        p->kind[p->nslots] = 'd';
        p->ids[p->nslots] = r.id;
        p->nslots++;
        p->data[p->ndata++] = (struct nb_tx_data){ r.gref, r.offset, r.size,
                                                   r.id };
    }
    if (drop)
        return verdict(why, drop, NB_TX_DROP);
    p->data[0].len = (uint16_t)(first.size - rest);
    if ((uint32_t)first.offset + p->data[0].len > NB_PAGE_SIZE)
        return verdict(why, "slot crosses its page", NB_TX_FATAL);
    if (p->ndata > NB_MAX_SLOTS)
        return verdict(why, "more slots than the backend accepts", NB_TX_DROP);
    if (first.size < NB_ETH_HLEN)
        return verdict(why, "packet shorter than an Ethernet header",
                       NB_TX_DROP);
    if (p->gso) {
        if (p->gso_type != XEN_NETIF_GSO_TYPE_TCPV4 &&
            p->gso_type != XEN_NETIF_GSO_TYPE_TCPV6)
            return verdict(why, "unknown GSO type", NB_TX_DROP);
        if (!p->gso_size)
            return verdict(why, "GSO size zero", NB_TX_DROP);
    }
    return NB_TX_OK;
}
