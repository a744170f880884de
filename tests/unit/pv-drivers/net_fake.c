/*
 * net_fake.c — fake gntdev/evtchn ioctls and daemon.c helpers for the
 * netback host tests (see net_fake.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "net_fake.h"
#include "xen_ioctl.h"

uint8_t nf_page[NF_PAGES][4096];
unsigned int nf_notifies, nf_copies;
char nf_last_state[8], nf_last_error[160];

static int16_t copy_one(struct gntdev_grant_copy_segment *s)
{
    uint8_t *src, *dst;

    if (s->flags & GNTCOPY_source_gref) {
        if (s->source.foreign.domid != NF_DOMID || !s->source.foreign.ref ||
            s->source.foreign.ref >= NF_PAGES)
            return GNTST_bad_gntref;
        if (s->source.foreign.offset + s->len > 4096)
            return GNTST_bad_copy_arg;
        src = nf_page[s->source.foreign.ref] + s->source.foreign.offset;
    } else {
        src = s->source.virt;
    }
    if (s->flags & GNTCOPY_dest_gref) {
        if (s->dest.foreign.domid != NF_DOMID || !s->dest.foreign.ref ||
            s->dest.foreign.ref >= NF_PAGES)
            return GNTST_bad_gntref;
        if (s->dest.foreign.offset + s->len > 4096)
            return GNTST_bad_copy_arg;
        dst = nf_page[s->dest.foreign.ref] + s->dest.foreign.offset;
    } else {
        dst = s->dest.virt;
    }
    memmove(dst, src, s->len);
    return GNTST_okay;
}

/* Intercepts vif.c's device calls; the rest reaches the kernel. */
int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (fd == NF_GNTFD && req == IOCTL_GNTDEV_GRANT_COPY) {
        struct ioctl_gntdev_grant_copy *c = arg;
        nf_copies++;
        for (unsigned int i = 0; i < c->count; i++)
            c->segments[i].status = copy_one(&c->segments[i]);
        return 0;
    }
    if (fd == NF_EVTFD) {
        if (req == IOCTL_EVTCHN_NOTIFY)
            nf_notifies++;
        return 0;
    }
    if (fd == NF_GNTFD) {
        errno = EINVAL;
        return -1;
    }
    return (int)syscall(SYS_ioctl, fd, req, arg);
}

void nb_log(struct nb_daemon *d, const char *fmt, ...)
{
    (void)d;
    (void)fmt;
}

bool nb_be_write(struct nb_vif *v, const char *key, const char *val)
{
    (void)v;
    if (!strcmp(key, "state"))
        snprintf(nf_last_state, sizeof(nf_last_state), "%s", val);
    return true;
}

void nb_be_error(struct nb_vif *v, int err, const char *msg)
{
    (void)v;
    snprintf(nf_last_error, sizeof(nf_last_error), "%d %s", err, msg);
}

void nf_setup(struct nf_rig *r)
{
    int sp[2];

    memset(r, 0, sizeof(*r));
    memset(nf_page, 0, sizeof(nf_page));
    nf_notifies = nf_copies = 0;
    nf_last_state[0] = nf_last_error[0] = 0;
    r->d.gntfd = NF_GNTFD;
    r->d.evtfd = NF_EVTFD;
    r->d.epfd = epoll_create1(0);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
        abort();
    r->peer = sp[1];
    r->txs = aligned_alloc(4096, 4096);
    r->rxs = aligned_alloc(4096, 4096);
    SHARED_RING_INIT((netif_tx_sring_t *)r->txs);
    SHARED_RING_INIT((netif_rx_sring_t *)r->rxs);
    FRONT_RING_INIT(&r->txf, (netif_tx_sring_t *)r->txs, 4096);
    FRONT_RING_INIT(&r->rxf, (netif_rx_sring_t *)r->rxs, 4096);

    struct nb_vif *v = &r->v;
    v->d = &r->d;
    v->domid = NF_DOMID;
    snprintf(v->ifname, sizeof(v->ifname), "vif7.0");
    v->tapfd = sp[0];
    /* the real fd is non-blocking, as the daemon opens the tap */
    {
        int fl = 1;
        syscall(SYS_ioctl, sp[0], FIONBIO, &fl);
    }
    BACK_RING_INIT(&v->tx, (netif_tx_sring_t *)r->txs, 4096);
    BACK_RING_INIT(&v->rx, (netif_rx_sring_t *)r->rxs, 4096);
    v->port = 5;
    v->fe_sg = v->fe_gso4 = v->fe_gso6 = v->fe_csum = true;
    for (int i = 0; i < NB_BATCH; i++) {
        v->rxbuf[i] = malloc(NB_VNET_HLEN + NB_MAX_FRAME);
        v->txbuf[i] = malloc(NB_MAX_FRAME);
    }
    v->txreq = malloc(sizeof(*v->txreq) * RING_SIZE(&v->tx));
    v->connected = true;
    v->be = NB_XB_CONNECTED;
}

void nf_teardown(struct nf_rig *r)
{
    nb_vif_disconnect(&r->v);
    nb_vif_close(&r->v);
    close(r->peer);
    close(r->d.epfd);
    for (int i = 0; i < NB_BATCH; i++) {
        free(r->v.rxbuf[i]);
        free(r->v.txbuf[i]);
    }
    free(r->v.txreq);
    free(r->txs);
    free(r->rxs);
}

void nf_post_tx(struct nf_rig *r, const struct netif_tx_request *req)
{
    *RING_GET_REQUEST(&r->txf, r->txf.req_prod_pvt) = *req;
    r->txf.req_prod_pvt++;
}

void nf_post_tx_extra(struct nf_rig *r, const struct netif_extra_info *x)
{
    memcpy(RING_GET_REQUEST(&r->txf, r->txf.req_prod_pvt), x, sizeof(*x));
    r->txf.req_prod_pvt++;
}

void nf_push_tx(struct nf_rig *r)
{
    int n;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->txf, n);
    (void)n;
}

void nf_post_rx(struct nf_rig *r, uint16_t id, uint32_t gref)
{
    struct netif_rx_request *q = RING_GET_REQUEST(&r->rxf, r->rxf.req_prod_pvt);
    q->id = id;
    q->gref = gref;
    r->rxf.req_prod_pvt++;
}

void nf_push_rx(struct nf_rig *r)
{
    int n;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->rxf, n);
    (void)n;
}

ssize_t nf_tap_read(struct nf_rig *r, uint8_t *buf, size_t len)
{
    return recv(r->peer, buf, len, MSG_DONTWAIT);
}

void nf_tcp4_frame(uint8_t *f, size_t len)
{
    size_t ip_len = len - 14;

    memset(f, 0, 54);
    memcpy(f, "\x00\x16\x3e\x00\x00\x01\x00\x16\x3e\x00\x00\x02\x08\x00", 14);
    f[14] = 0x45;
    f[16] = (uint8_t)(ip_len >> 8);
    f[17] = (uint8_t)ip_len;
    f[22] = 64;
    f[23] = 6;
    memcpy(f + 26, "\x0a\x63\x00\x02\x0a\x63\x00\x01", 8);
    f[34] = 0x13; f[35] = 0x89; f[36] = 0x00; f[37] = 0x50;
    f[46] = 0x50;   /* data offset 5 words */
    f[47] = 0x18;
    for (size_t i = 54; i < len; i++)
        f[i] = (uint8_t)i;
}
