/*
 * vif.c — one vif's data path: its tap device, the frontend's tx and rx
 * rings mapped through /dev/xen/gntdev, its event channel, and the copies
 * in between.
 *
 * Transmit (guest -> dom0): the posted requests are copied out of the
 * shared ring once (the frontend may rewrite them), delimited into packets
 * by nb_tx_parse(), the data gathered with grant copies into local buffers
 * (NB_BATCH packets per GNTTABOP_copy call), written to the tap behind a
 * virtio-net header (checksum/GSO offload), and every slot answered.
 * Receive (dom0 -> guest): frames read from the tap are copied with grant
 * copies into the pages the frontend posted, one page per slot, in ring
 * order, and answered with the bytes each slot holds.
 * Hostile input never blocks the loop: a malformed packet is answered with
 * errors; a frontend whose ring cannot be trusted is disconnected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include <xenstore.h>

#include "daemon.h"
#include "xen_ioctl.h"

_Static_assert(sizeof(struct nb_vnet_hdr) == NB_VNET_HLEN,
               "virtio-net header is 10 bytes");

/* ------------------------------------------------------------ tap */

int nb_vif_open(struct nb_vif *v)
{
    struct ifreq ifr;
    int fd, s, hl = NB_VNET_HLEN;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", v->ifname);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETVNETHDRSZ, &hl) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    /* the backend side's address, as Linux's netback gives its vifs: never
     * the lowest on a bridge, so the bridge keeps its uplink's */
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        static const uint8_t fe_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
        ifr.ifr_hwaddr.sa_family = 1;   /* ARPHRD_ETHER */
        memcpy(ifr.ifr_hwaddr.sa_data, fe_mac, 6);
        if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0)
            nb_log(v->d, "%s: cannot set the MAC address: %s", v->ifname,
                   strerror(errno));
        close(s);
    }
    v->tapfd = fd;
    return 0;
}

void nb_vif_close(struct nb_vif *v)
{
    if (v->tapfd >= 0) {
        if (v->tap_polled)
            epoll_ctl(v->d->epfd, EPOLL_CTL_DEL, v->tapfd, NULL);
        v->tap_polled = false;
        close(v->tapfd);
        v->tapfd = -1;
    }
}

static void tap_poll(struct nb_vif *v, bool on)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = v };

    if (on == v->tap_polled || v->tapfd < 0)
        return;
    if (epoll_ctl(v->d->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, v->tapfd,
                  &ev) == 0)
        v->tap_polled = on;
}

/* ------------------------------------------------------------ devices */

static void *map_ring(struct nb_vif *v, uint32_t ref, uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref m = { .count = 1 };
    struct ioctl_gntdev_unmap_grant_ref u = { .count = 1 };
    void *p;

    m.refs[0].domid = v->domid;
    m.refs[0].ref = ref;
    if (ioctl(v->d->gntfd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0)
        return NULL;
    p = mmap(NULL, NB_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
             v->d->gntfd, (off_t)m.index);
    if (p == MAP_FAILED) {
        int e = errno;
        u.index = m.index;
        ioctl(v->d->gntfd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        errno = e;
        return NULL;
    }
    *index = m.index;
    return p;
}

static void unmap_ring(struct nb_vif *v, void **page, uint64_t index)
{
    struct ioctl_gntdev_unmap_grant_ref u = { .index = index, .count = 1 };

    if (!*page)
        return;
    munmap(*page, NB_PAGE_SIZE);
    ioctl(v->d->gntfd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    *page = NULL;
}

static void notify(struct nb_vif *v)
{
    struct ioctl_evtchn_notify n = { .port = v->port };

    if (v->port) {
        v->st.notifies++;
        ioctl(v->d->evtfd, IOCTL_EVTCHN_NOTIFY, &n);
    }
}

static int grant_copy(struct nb_vif *v, struct gntdev_grant_copy_segment *seg,
                      unsigned int n)
{
    struct ioctl_gntdev_grant_copy c = { .count = n, .segments = seg };

    if (!n)
        return 0;
    v->st.copy_calls++;
    v->st.copy_segs += n;
    return ioctl(v->d->gntfd, IOCTL_GNTDEV_GRANT_COPY, &c) < 0 ? -errno : 0;
}

/* Reads "<fepath>/<key>" as an unsigned number; def when absent. */
static long fe_read(struct nb_vif *v, const char *key, long def, bool *present)
{
    char path[160], *s, *end;
    long val = def;

    snprintf(path, sizeof(path), "%s/%s", v->fepath, key);
    s = xs_read(v->d->xs, XBT_NULL, path, NULL);
    if (present)
        *present = s != NULL;
    if (s) {
        errno = 0;
        val = strtol(s, &end, 10);
        if (*end || errno || val < 0)
            val = -1;
        free(s);
    }
    return val;
}

int nb_vif_connect(struct nb_vif *v)
{
    struct ioctl_evtchn_bind_interdomain b;
    long txref, rxref, evtchn;
    unsigned int off = 0;
    int rc, i;

    txref = fe_read(v, "tx-ring-ref", -1, NULL);
    rxref = fe_read(v, "rx-ring-ref", -1, NULL);
    evtchn = fe_read(v, "event-channel", -1, NULL);
    if (txref < 0 || rxref < 0 || txref > UINT32_MAX || rxref > UINT32_MAX) {
        nb_be_error(v, EINVAL, "reading tx-ring-ref/rx-ring-ref");
        return -EINVAL;
    }
    if (evtchn < 0 || evtchn > UINT32_MAX) {
        /* split event channels and multi-queue are not offered */
        nb_be_error(v, EINVAL, "reading event-channel");
        return -EINVAL;
    }
    if (fe_read(v, "request-rx-copy", 0, NULL) != 1) {
        nb_be_error(v, EOPNOTSUPP, "frontend does not request rx-copy");
        return -EOPNOTSUPP;
    }
    if (fe_read(v, "feature-rx-notify", 0, NULL) != 1) {
        /* without it an idle rx ring is never signalled: as Linux's */
        nb_be_error(v, EINVAL, "feature-rx-notify is mandatory");
        return -EINVAL;
    }
    v->fe_sg = fe_read(v, "feature-sg", 0, NULL) == 1;
    v->fe_gso4 = v->fe_sg && fe_read(v, "feature-gso-tcpv4", 0, NULL) == 1;
    v->fe_gso6 = v->fe_sg && fe_read(v, "feature-gso-tcpv6", 0, NULL) == 1;
    v->fe_csum = fe_read(v, "feature-no-csum-offload", 0, NULL) != 1;
    {
        char path[160], *ip;
        snprintf(path, sizeof(path), "%s/ip", v->bepath);
        ip = xs_read(v->d->xs, XBT_NULL, path, NULL);
        rc = nb_ipfilter_parse(ip, &v->ipf);
        free(ip);
        if (rc < 0) {
            /* never connect unfiltered what the config wanted filtered */
            nb_be_error(v, EINVAL, "ip is not a list of IPv4 addresses");
            return -EINVAL;
        }
    }

    v->tx_page = map_ring(v, (uint32_t)txref, &v->tx_index);
    if (!v->tx_page) {
        rc = -errno;
        nb_be_error(v, -rc, "mapping tx-ring-ref");
        return rc;
    }
    v->rx_page = map_ring(v, (uint32_t)rxref, &v->rx_index);
    if (!v->rx_page) {
        rc = -errno;
        nb_be_error(v, -rc, "mapping rx-ring-ref");
        goto out;
    }
    BACK_RING_INIT(&v->tx, (netif_tx_sring_t *)v->tx_page, NB_PAGE_SIZE);
    BACK_RING_INIT(&v->rx, (netif_rx_sring_t *)v->rx_page, NB_PAGE_SIZE);
    rc = nb_vif_attach_rings(v);
    if (rc < 0) {
        nb_be_error(v, -rc, "ring indices out of range");
        goto out;
    }
    b.remote_domain = v->domid;
    b.remote_port = (unsigned int)evtchn;
    rc = ioctl(v->d->evtfd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
    if (rc < 0) {
        rc = -errno;
        nb_be_error(v, -rc, "binding event-channel");
        goto out;
    }
    v->port = (unsigned int)rc;
    /* what the tap may hand us: partial checksums and TCP segments up to
     * 64 KiB when netfront takes them, else complete frames */
    if (v->fe_csum) {
        off = TUN_F_CSUM;
        if (v->fe_gso4)
            off |= TUN_F_TSO4;
        if (v->fe_gso6)
            off |= TUN_F_TSO6;
    }
    if (ioctl(v->tapfd, TUNSETOFFLOAD, off) < 0)
        nb_log(v->d, "%s: TUNSETOFFLOAD %#x: %s", v->ifname, off,
               strerror(errno));
    for (i = 0; i < NB_BATCH; i++) {
        if (!v->rxbuf[i])
            v->rxbuf[i] = malloc(NB_VNET_HLEN + NB_MAX_FRAME);
        if (!v->txbuf[i])
            v->txbuf[i] = malloc(NB_MAX_FRAME);
        if (!v->rxbuf[i] || !v->txbuf[i]) {
            rc = -ENOMEM;
            nb_be_error(v, ENOMEM, "allocating buffers");
            goto out;
        }
    }
    if (!v->txreq)
        v->txreq = malloc(sizeof(*v->txreq) * RING_SIZE(&v->tx));
    if (!v->txreq) {
        rc = -ENOMEM;
        goto out;
    }
    v->rx_pending = 0;
    v->connected = true;
    nb_log(v->d, "%s: connected (tx-ring-ref %ld rx-ring-ref %ld "
           "event-channel %ld -> port %u, sg %d gso %d/%d csum %d)",
           v->ifname, txref, rxref, evtchn, v->port, v->fe_sg, v->fe_gso4,
           v->fe_gso6, v->fe_csum);
    tap_poll(v, true);
    nb_vif_kick(v);   /* requests posted before we bound */
    return 0;
out:
    v->connected = true;   /* so that disconnect releases what we got */
    nb_vif_disconnect(v);
    return rc;
}

int nb_vif_attach_rings(struct nb_vif *v)
{
    /* Where the frontend's rings stand: 0 on fresh rings; on rings an
     * earlier netbackd served, after its last responses, so what it took
     * but never answered is served again (as Linux's netback attaches a
     * reconnecting frontend).  Read once: the frontend may change them. */
    RING_IDX txr = ((volatile netif_tx_sring_t *)v->tx.sring)->rsp_prod;
    RING_IDX rxr = ((volatile netif_rx_sring_t *)v->rx.sring)->rsp_prod;
    RING_IDX txq = ((volatile netif_tx_sring_t *)v->tx.sring)->req_prod;
    RING_IDX rxq = ((volatile netif_rx_sring_t *)v->rx.sring)->req_prod;

    if (txq - txr > RING_SIZE(&v->tx) || rxq - rxr > RING_SIZE(&v->rx))
        return -EINVAL;
    v->tx.req_cons = v->tx.rsp_prod_pvt = txr;
    v->rx.req_cons = v->rx.rsp_prod_pvt = rxr;
    return 0;
}

void nb_vif_disconnect(struct nb_vif *v)
{
    struct ioctl_evtchn_unbind u = { .port = v->port };

    if (!v->connected)
        return;
    tap_poll(v, false);
    if (v->port)
        ioctl(v->d->evtfd, IOCTL_EVTCHN_UNBIND, &u);
    v->port = 0;
    unmap_ring(v, &v->tx_page, v->tx_index);
    unmap_ring(v, &v->rx_page, v->rx_index);
    if (v->tapfd >= 0)
        ioctl(v->tapfd, TUNSETOFFLOAD, 0);
    v->st.rx_dropped += v->rx_pending;
    v->rx_pending = 0;
    v->connected = false;
    nb_log(v->d, "%s: disconnected (tx %llu packets %llu bytes %llu dropped "
           "%llu filtered, rx %llu packets %llu bytes %llu dropped)", v->ifname,
           (unsigned long long)v->st.tx_packets,
           (unsigned long long)v->st.tx_bytes,
           (unsigned long long)v->st.tx_dropped,
           (unsigned long long)v->st.tx_filtered,
           (unsigned long long)v->st.rx_packets,
           (unsigned long long)v->st.rx_bytes,
           (unsigned long long)v->st.rx_dropped);
    nb_log(v->d, "%s: cost: %llu rounds, %llu tap reads, %llu tap writes, "
           "%llu grant copy calls (%llu segments), %llu notifications; "
           "TCP segments: %llu of the tx packets, %llu of the rx packets "
           "(%llu tap frames joined into them)",
           v->ifname, (unsigned long long)v->st.rounds,
           (unsigned long long)v->st.tap_reads,
           (unsigned long long)v->st.tap_writes,
           (unsigned long long)v->st.copy_calls,
           (unsigned long long)v->st.copy_segs,
           (unsigned long long)v->st.notifies,
           (unsigned long long)v->st.tx_gso, (unsigned long long)v->st.rx_gso,
           (unsigned long long)v->st.rx_coalesced);
}

void nb_vif_fatal(struct nb_vif *v, const char *why)
{
    nb_log(v->d, "%s: frontend broke the protocol (%s): disconnecting",
           v->ifname, why);
    v->st.fatal++;
    nb_be_error(v, EINVAL, why);
    nb_vif_disconnect(v);
    if (nb_be_write(v, "state", "5"))
        v->be = NB_XB_CLOSING;
}

/* ------------------------------------------------------------ transmit */

static void tx_respond(struct nb_vif *v, const struct nb_tx_packet *p,
                       int16_t status)
{
    for (unsigned int i = 0; i < p->nslots; i++) {
        struct netif_tx_response *r =
            RING_GET_RESPONSE(&v->tx, v->tx.rsp_prod_pvt);
        r->id = p->ids[i];
        r->status = p->kind[i] == 'x' ? NETIF_RSP_NULL : status;
        v->tx.rsp_prod_pvt++;
    }
}

struct tx_batch {
    struct nb_tx_packet pkt[NB_BATCH];
    unsigned int first_seg[NB_BATCH + 1];
    unsigned int n, nseg;
    struct gntdev_grant_copy_segment seg[NB_BATCH * NB_MAX_SLOTS];
};

/* Copies the batch's data in, sends each packet, answers its slots. */
static void tx_flush(struct nb_vif *v, struct tx_batch *b)
{
    unsigned int i, s;
    int rc;

    b->first_seg[b->n] = b->nseg;
    rc = grant_copy(v, b->seg, b->nseg);
    for (i = 0; i < b->n; i++) {
        struct nb_tx_packet *p = &b->pkt[i];
        struct nb_vnet_hdr h;
        struct iovec iov[2];
        int16_t status = NETIF_RSP_OKAY;

        for (s = b->first_seg[i]; s < b->first_seg[i + 1]; s++)
            if (rc || b->seg[s].status != GNTST_okay)
                status = NETIF_RSP_ERROR;    /* a bad grant: drop it */
        if (status == NETIF_RSP_OKAY &&
            nb_tx_vnet_hdr(p, v->txbuf[i], p->size, &h) < 0)
            status = NETIF_RSP_ERROR;        /* cannot place its checksum */
        if (status == NETIF_RSP_OKAY &&
            !nb_ipfilter_allows(&v->ipf, v->txbuf[i], p->size)) {
            /* a spoofed source: dropped as a firewall drops it, the
             * guest's slots answered OKAY (it sent the frame fine) */
            if (!v->st.tx_filtered++)
                nb_log(v->d, "%s: dropping frames from sources ip= does not "
                       "allow", v->ifname);
        } else if (status == NETIF_RSP_OKAY) {
            iov[0] = (struct iovec){ &h, NB_VNET_HLEN };
            iov[1] = (struct iovec){ v->txbuf[i], p->size };
            /* a full or down tap loses the frame, as a NIC would */
            v->st.tap_writes++;
            if (writev(v->tapfd, iov, 2) < 0) {
                v->st.tx_dropped++;
            } else {
                v->st.tx_packets++;
                v->st.tx_bytes += p->size;
                if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE)
                    v->st.tx_gso++;
            }
        } else {
            v->st.tx_dropped++;
        }
        tx_respond(v, p, status);
    }
    b->n = b->nseg = 0;
}

/* Serves the tx ring until it is empty; false if the vif was disconnected. */
static bool tx_serve(struct nb_vif *v, bool *do_notify)
{
    static struct tx_batch b;
    RING_IDX prod, cons;
    unsigned int avail, at, i;
    int more, ntf;

    b.n = b.nseg = 0;
    do {
        prod = v->tx.sring->req_prod;
        xen_rmb();
        if (RING_REQUEST_PROD_OVERFLOW(&v->tx, prod)) {
            nb_vif_fatal(v, "tx req_prod beyond the ring");
            return false;
        }
        cons = v->tx.req_cons;
        avail = prod - cons;
        /* one read of each posted request: later checks use this copy */
        for (i = 0; i < avail; i++)
            RING_COPY_REQUEST(&v->tx, cons + i, &v->txreq[i]);
        at = 0;
        while (at < avail) {
            struct nb_tx_packet *p = &b.pkt[b.n];
            const char *why;
            enum nb_tx_verdict vd = nb_tx_parse(&v->txreq[at], avail - at, p,
                                                &why);

            if (vd == NB_TX_INCOMPLETE) {
                /* a whole ring that still does not end a packet never will */
                if (avail - at >= RING_SIZE(&v->tx)) {
                    nb_vif_fatal(v, "tx packet longer than the ring");
                    return false;
                }
                break;
            }
            if (vd == NB_TX_FATAL) {
                nb_vif_fatal(v, why);
                return false;
            }
            if (vd == NB_TX_DROP) {
                /* answered after the packets before it, in ring order */
                if (v->d->verbose)
                    nb_log(v->d, "%s: tx packet dropped: %s", v->ifname, why);
                tx_flush(v, &b);
                v->st.tx_dropped++;
                tx_respond(v, p, NETIF_RSP_ERROR);
            } else {
                unsigned int off = 0;
                b.first_seg[b.n] = b.nseg;
                for (i = 0; i < p->ndata; i++) {
                    struct gntdev_grant_copy_segment *s;
                    if (!p->data[i].len)
                        continue;
                    s = &b.seg[b.nseg++];
                    memset(s, 0, sizeof(*s));
                    s->source.foreign.ref = p->data[i].gref;
                    s->source.foreign.offset = p->data[i].offset;
                    s->source.foreign.domid = (uint16_t)v->domid;
                    s->dest.virt = v->txbuf[b.n] + off;
                    s->len = p->data[i].len;
                    s->flags = GNTCOPY_source_gref;
                    off += p->data[i].len;
                }
                b.n++;
                if (b.n == NB_BATCH)
                    tx_flush(v, &b);
            }
            at += p->nslots;
            v->tx.req_cons += p->nslots;
        }
        tx_flush(v, &b);
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->tx, ntf);
        if (ntf)
            *do_notify = true;
        if (at < avail) {
            /* an incomplete packet: be woken when more slots come */
            v->tx.sring->req_event = prod + 1;
            xen_mb();
            if (v->tx.sring->req_prod != prod) {
                more = 1;
                continue;
            }
            break;
        }
        RING_FINAL_CHECK_FOR_REQUESTS(&v->tx, more);
    } while (more);
    return true;
}

/* ------------------------------------------------------------ receive */

/* Ring slots a frame of len bytes (after the vnet header) needs. */
static unsigned int rx_slots(const uint8_t *buf, size_t len)
{
    const struct nb_vnet_hdr *h = (const void *)buf;
    unsigned int n = (unsigned int)((len + NB_PAGE_SIZE - 1) / NB_PAGE_SIZE);

    if (!n)
        n = 1;
    return n + ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ? 1 : 0);
}

/* Copies rxbuf[0..n) into the posted pages and answers them. */
static void rx_deliver(struct nb_vif *v, unsigned int n)
{
    static struct gntdev_grant_copy_segment seg[NB_BATCH * NB_RX_MAX_SLOTS];
    struct netif_extra_info gso[NB_BATCH];
    uint16_t flags[NB_BATCH];
    bool bad[NB_BATCH];
    unsigned int first[NB_BATCH + 1], nseg = 0, i, s;
    RING_IDX idx = v->rx.req_cons;
    int rc;

    /* pass 1: one segment per page, from the requests in ring order */
    for (i = 0; i < n; i++) {
        struct nb_vnet_hdr h;
        size_t len = v->rxlen[i], off = 0;
        bool extra;

        memcpy(&h, v->rxbuf[i], sizeof(h));
        bad[i] = nb_rx_from_vnet(&h, v->fe_gso4, v->fe_gso6, &flags[i],
                                 &gso[i]) < 0;
        extra = flags[i] & NETRXF_extra_info;
        first[i] = nseg;
        do {
            struct netif_rx_request req;
            size_t chunk = len - off < NB_PAGE_SIZE ? len - off : NB_PAGE_SIZE;

            RING_COPY_REQUEST(&v->rx, idx, &req);
            seg[nseg] = (struct gntdev_grant_copy_segment){ 0 };
            seg[nseg].source.virt = v->rxbuf[i] + NB_VNET_HLEN + off;
            seg[nseg].dest.foreign.ref = req.gref;
            seg[nseg].dest.foreign.offset = 0;
            seg[nseg].dest.foreign.domid = (uint16_t)v->domid;
            seg[nseg].len = (uint16_t)chunk;
            seg[nseg].flags = GNTCOPY_dest_gref;
            /* remember the request id in the status until the copy */
            seg[nseg].status = (int16_t)req.id;
            nseg++;
            idx++;
            if (extra && off == 0)
                idx++;   /* the GSO extra takes the next slot */
            off += chunk;
        } while (off < len);
    }
    first[n] = nseg;
    {
        /* ids are clobbered by the copy's status: keep them aside */
        static uint16_t ids[NB_BATCH * NB_RX_MAX_SLOTS];
        for (s = 0; s < nseg; s++)
            ids[s] = (uint16_t)seg[s].status;
        rc = grant_copy(v, seg, nseg);
        /* pass 2: responses at the same ring positions */
        for (i = 0; i < n; i++) {
            bool failed = bad[i] || rc;
            for (s = first[i]; s < first[i + 1]; s++)
                if (seg[s].status != GNTST_okay)
                    failed = true;
            for (s = first[i]; s < first[i + 1]; s++) {
                struct netif_rx_response *r =
                    RING_GET_RESPONSE(&v->rx, v->rx.rsp_prod_pvt);
                uint16_t f = s == first[i] ? flags[i] : 0;
                if (s + 1 < first[i + 1])
                    f |= NETRXF_more_data;
                else
                    f &= (uint16_t)~NETRXF_more_data;
                if (s != first[i])
                    f &= (uint16_t)~NETRXF_extra_info;
                r->id = ids[s];
                r->offset = 0;
                r->flags = f;
                r->status = failed ? NETIF_RSP_ERROR : (int16_t)seg[s].len;
                v->rx.rsp_prod_pvt++;
                if (s == first[i] && (flags[i] & NETRXF_extra_info)) {
                    struct netif_extra_info *x = (struct netif_extra_info *)
                        RING_GET_RESPONSE(&v->rx, v->rx.rsp_prod_pvt);
                    *x = gso[i];
                    x->flags = 0;
                    v->rx.rsp_prod_pvt++;
                }
            }
            if (failed) {
                v->st.rx_dropped++;
            } else {
                v->st.rx_packets++;
                v->st.rx_bytes += v->rxlen[i];
                if (flags[i] & NETRXF_extra_info)
                    v->st.rx_gso++;
            }
        }
    }
    v->rx.req_cons = idx;
}

/* Reads one frame into rxbuf[i]: its length after the vnet header, or -1
 * when there is none (*empty: the tap had nothing; else a runt). */
static ssize_t tap_read(struct nb_vif *v, unsigned int i, bool *empty)
{
    ssize_t r = read(v->tapfd, v->rxbuf[i], NB_VNET_HLEN + NB_MAX_FRAME);

    v->st.tap_reads++;
    if (r < (ssize_t)NB_VNET_HLEN) {
        *empty = r < 0;
        return -1;
    }
    return r - (ssize_t)NB_VNET_HLEN;
}

/* Moves frames from the tap to the guest while it has posted pages. */
static bool rx_serve(struct nb_vif *v, bool *do_notify)
{
    for (;;) {
        RING_IDX prod = v->rx.sring->req_prod;
        unsigned int avail, need = 0, n = 0, i;
        bool drained = false, empty = false;
        /* joined packets need a frontend that takes TCPv4 GSO */
        bool coal = v->fe_gso4 && v->fe_csum;
        int ntf;

        xen_rmb();
        if (RING_REQUEST_PROD_OVERFLOW(&v->rx, prod)) {
            nb_vif_fatal(v, "rx req_prod beyond the ring");
            return false;
        }
        avail = prod - v->rx.req_cons;
        /* fill the batch from the tap, stopping at the first frame that
         * does not fit in the pages posted so far */
        while (n < NB_BATCH) {
            if (n == v->rx_pending) {
                ssize_t r;
                if (empty) {
                    drained = true;   /* this pass already found it empty */
                    break;
                }
                r = tap_read(v, n, &empty);
                if (r < 0) {
                    drained = empty;
                    break;
                }
                v->rxlen[n] = (size_t)r;
                v->rx_pending++;
                /* the frames after it of the same TCP stream join it
                 * (rxcoal.c: dom0's TCP sends MTU frames through a tap);
                 * the first that does not stays pending after it */
                while (coal && n + 1 < NB_BATCH) {
                    r = tap_read(v, n + 1, &empty);
                    if (r < 0)
                        break;
                    if (nb_rx_coalesce(v->rxbuf[n], &v->rxlen[n],
                                       NB_MAX_FRAME, v->rxbuf[n + 1],
                                       (size_t)r)) {
                        v->st.rx_coalesced++;
                        continue;
                    }
                    v->rxlen[n + 1] = (size_t)r;
                    v->rx_pending++;
                    break;
                }
            }
            if (need + rx_slots(v->rxbuf[n], v->rxlen[n]) > avail)
                break;
            need += rx_slots(v->rxbuf[n], v->rxlen[n]);
            n++;
        }
        if (n) {
            rx_deliver(v, n);
            /* keep the frames that did not fit, in order */
            for (i = n; i < v->rx_pending; i++) {
                uint8_t *t = v->rxbuf[i - n];
                v->rxbuf[i - n] = v->rxbuf[i];
                v->rxbuf[i] = t;
                v->rxlen[i - n] = v->rxlen[i];
            }
            v->rx_pending -= n;
            RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->rx, ntf);
            if (ntf)
                *do_notify = true;
        }
        if (v->rx_pending) {
            unsigned int want = rx_slots(v->rxbuf[0], v->rxlen[0]);
            if (want > RING_SIZE(&v->rx) || want > NB_RX_MAX_SLOTS) {
                v->st.rx_dropped++;      /* can never fit: drop it */
                v->rx_pending--;
                for (i = 0; i < v->rx_pending; i++) {
                    uint8_t *t = v->rxbuf[i];
                    v->rxbuf[i] = v->rxbuf[i + 1];
                    v->rxbuf[i + 1] = t;
                    v->rxlen[i] = v->rxlen[i + 1];
                }
                continue;
            }
            if (n)
                continue;   /* more pages may have been posted meanwhile */
            /* wait for the frontend to post enough pages: stop reading the
             * tap (its queue holds the rest) and ask for an event */
            v->rx.sring->req_event = v->rx.req_cons + want;
            xen_mb();
            if (v->rx.sring->req_prod - v->rx.req_cons >= want)
                continue;
            tap_poll(v, false);
            return true;
        }
        /* found empty in this pass: another read would find it empty
         * again; epoll says when frames come */
        if (!n || drained) {
            tap_poll(v, true);
            return true;
        }
    }
}

void nb_vif_serve(struct nb_vif *v, bool event, bool tap)
{
    bool ntf = false;

    if (!v->connected || (!event && !tap))
        return;
    v->st.rounds++;
    if (event && !tx_serve(v, &ntf))
        return;
    /* The rx ring needs us when the tap has frames, or, on the frontend's
     * event, when frames wait for pages it may just have posted.  A tap in
     * the epoll set with nothing held is epoll's to report: reading it here
     * would mostly find it empty, a syscall per event for nothing. */
    if ((tap || v->rx_pending || !v->tap_polled) && !rx_serve(v, &ntf))
        return;
    /* one notification for both rings' responses of this round */
    if (ntf)
        notify(v);
}

void nb_vif_tap_ready(struct nb_vif *v)
{
    nb_vif_serve(v, false, true);
}

void nb_vif_kick(struct nb_vif *v)
{
    nb_vif_serve(v, true, false);
}
