/*
 * domain.c - domains, permissions, quotas, and the shared-ring transport.
 *
 * A guest talks to xenstored through one 4 KiB page (struct
 * xenstore_domain_interface) plus an event channel.  On a real dom0 the page
 * is mapped through /dev/xen/gntdev (grant ref 1, falling back to a foreign
 * map of the mfn through /dev/xen/privcmd) and kicks go through
 * /dev/xen/evtchn.  In test mode (--fake-ring-dir DIR, see docs/xenstore.md)
 * the page is the file DIR/ring-<domid> and kicks are bytes written to the
 * FIFOs DIR/kick-<domid>-in (guest -> daemon) and DIR/kick-<domid>-out
 * (daemon -> guest); everything above the transport is the same code.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "public/domctl.h"   /* before xsd.h: it owns DOMID_* */
#include "public/grant_table.h"
#include "xsd.h"
#include "xen_ioctl.h"      /* dom0-tools/include: Linux's /dev/xen ioctls */

struct xsd_quota xsd_quota = {
    .entry_nb = 1000,
    .entry_size = 2048,
    .watch_nb = 128,
    .transaction = 10,
    .perm_nb = 5,
    .path_max = XENSTORE_REL_PATH_MAX,
    .tx_nodes = 1024,
    .outstanding = 20,
    .memory = 2560 * 1024,
    .memory_soft = 2048 * 1024,
    .watch_timeout = 20,
};

const char *xsd_fake_ring_dir;
bool xsd_keep_orphans;
int xsd_evtchn_fd = -1;
static struct domain *doms[0x10000];
static struct domain *dom_list;     /* every allocated domain */

struct domain *domain_get(uint32_t domid, bool create)
{
    struct domain *d;
    if (domid > 0xFFFF)
        return NULL;
    d = doms[domid];
    if (d || !create)
        return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->target = DOMID_INVALID;
    doms[domid] = d;
    d->next_alloc = dom_list;
    dom_list = d;
    return d;
}

void domain_reset_all(void)
{
    struct domain *d;
    while ((d = dom_list)) {
        dom_list = d->next_alloc;
        doms[d->domid] = NULL;
        free(d);
    }
    special_reset();
}

bool conn_is_priv(const struct conn *c)
{
    return c->priv_conn;
}

unsigned perm_for_conn(const struct conn *c, const struct xsd_perm *p,
                       unsigned n)
{
    const unsigned all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    unsigned i;

    if (!n)
        return conn_is_priv(c) ? all : 0;
    /* Owners, the owner's device model (target) and dom0 get everything. */
    if (conn_is_priv(c) || p[0].id == c->domid ||
        (c->target != DOMID_INVALID && p[0].id == c->target))
        return all;
    for (i = 1; i < n; i++)
        if (p[i].id == c->domid ||
            (c->target != DOMID_INVALID && p[i].id == c->target))
            return p[i].perms & (XS_PERM_READ | XS_PERM_WRITE);
    return p[0].perms & (XS_PERM_READ | XS_PERM_WRITE);
}

void domain_charge(uint32_t domid, long nodes, long mem)
{
    struct domain *d = domain_get(domid, true);
    if (!d)
        return;
    d->nodes += nodes;
    d->mem += mem;
}

int quota_check_nodes(struct conn *c, struct txn *t, long extra)
{
    struct domain *d;
    long have;
    if (conn_is_priv(c))
        return 0;
    d = domain_get(c->domid, true);
    have = (d ? d->nodes : 0) + (t ? t->created[0] : 0);
    return have + extra > (long)xsd_quota.entry_nb ? -ENOSPC : 0;
}

int quota_check_mem(struct conn *c, long extra)
{
    struct domain *d;
    if (conn_is_priv(c))
        return 0;
    d = domain_get(c->domid, true);
    if (d && d->mem + extra > (long)xsd_quota.memory)
        return -ENOMEM;
    if (d && d->mem + extra > (long)xsd_quota.memory_soft &&
        d->mem <= (long)xsd_quota.memory_soft)
        xsd_log("domain %u over the soft memory quota", c->domid);
    return 0;
}

/* ---- ring transport ---------------------------------------------------------- */

struct ring {
    struct xenstore_domain_interface *intf;
    int kick_out;           /* fake: FIFO to the guest */
    uint32_t local_port;    /* real: our event channel port */
    bool grant_mapped;      /* real: via gntdev (else privcmd/kva) */
    uint64_t grant_index;   /* gntdev mmap offset, for UNMAP_GRANT_REF */
    bool fake;
    bool own_page;          /* munmap on destroy */
};

static int gntdev_fd = -1, privcmd_fd = -1;

static void ring_notify(struct conn *c)
{
    struct ring *r = c->priv;
    if (r->fake) {
        char b = 1;
        if (r->kick_out >= 0)
            (void)!write(r->kick_out, &b, 1);
    } else if (xsd_evtchn_fd >= 0) {
        struct ioctl_evtchn_notify n = { r->local_port };
        ioctl(xsd_evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
    }
}

/* A guest asking to reconnect gets a fresh connection on the same page. */
static void ring_reconnect(struct conn *c)
{
    struct ring *r = c->priv;
    struct txn *t;

    watch_free_all(c);
    while ((t = c->txns)) {
        txn_unlink(c, t);
        txn_free(t);
    }
    c->ilen = 0;
    c->out.head = c->out.len = 0;
    r->intf->req_cons = r->intf->req_prod = 0;
    r->intf->rsp_cons = r->intf->rsp_prod = 0;
    r->intf->error = XENSTORE_ERROR_NONE;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r->intf->connection = XENSTORE_CONNECTED;
    ring_notify(c);
}

static ssize_t ring_read(struct conn *c, void *buf, size_t len)
{
    struct ring *r = c->priv;
    struct xenstore_domain_interface *in = r->intf;
    XENSTORE_RING_IDX cons, prod;
    size_t avail, n = 0;

    if (in->connection == XENSTORE_RECONNECT) {
        ring_reconnect(c);
        return 0;
    }
    cons = __atomic_load_n(&in->req_cons, __ATOMIC_RELAXED);
    prod = __atomic_load_n(&in->req_prod, __ATOMIC_ACQUIRE);
    avail = (XENSTORE_RING_IDX)(prod - cons);
    if (avail > XENSTORE_RING_SIZE) {
        in->error = XENSTORE_ERROR_RINGIDX;
        return -EIO;
    }
    while (n < len && n < avail) {
        size_t off = MASK_XENSTORE_IDX(cons + n);
        size_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > avail - n)
            chunk = avail - n;
        if (chunk > len - n)
            chunk = len - n;
        memcpy((char *)buf + n, in->req + off, chunk);
        n += chunk;
    }
    if (n) {
        __atomic_store_n(&in->req_cons, cons + n, __ATOMIC_RELEASE);
        ring_notify(c);
    }
    return n;
}

static ssize_t ring_write(struct conn *c, const void *buf, size_t len)
{
    struct ring *r = c->priv;
    struct xenstore_domain_interface *in = r->intf;
    XENSTORE_RING_IDX cons, prod;
    size_t used, n = 0;

    cons = __atomic_load_n(&in->rsp_cons, __ATOMIC_ACQUIRE);
    prod = __atomic_load_n(&in->rsp_prod, __ATOMIC_RELAXED);
    used = (XENSTORE_RING_IDX)(prod - cons);
    if (used > XENSTORE_RING_SIZE) {
        in->error = XENSTORE_ERROR_RINGIDX;
        return -EIO;
    }
    while (n < len && used + n < XENSTORE_RING_SIZE) {
        size_t off = MASK_XENSTORE_IDX(prod + n);
        size_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > XENSTORE_RING_SIZE - used - n)
            chunk = XENSTORE_RING_SIZE - used - n;
        if (chunk > len - n)
            chunk = len - n;
        memcpy(in->rsp + off, (const char *)buf + n, chunk);
        n += chunk;
    }
    if (n) {
        __atomic_store_n(&in->rsp_prod, prod + n, __ATOMIC_RELEASE);
        ring_notify(c);
    }
    return n;
}

static void ring_destroy(struct conn *c)
{
    struct ring *r = c->priv;
    if (!r)
        return;
    if (r->fake) {
        if (r->kick_out >= 0)
            close(r->kick_out);
        if (c->fd >= 0)
            close(c->fd);
    } else if (xsd_evtchn_fd >= 0 && r->local_port) {
        struct ioctl_evtchn_unbind u = { r->local_port };
        ioctl(xsd_evtchn_fd, IOCTL_EVTCHN_UNBIND, &u);
    }
    if (r->own_page && r->intf)
        munmap(r->intf, 4096);
    if (r->grant_mapped && gntdev_fd >= 0) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = r->grant_index,
                                                .count = 1 };
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    }
    free(r);
    c->priv = NULL;
    c->fd = -1;
}

static const struct transport_ops ring_ops = {
    .name = "ring",
    .read = ring_read,
    .write = ring_write,
    .destroy = ring_destroy,
};

/* Test mode: the page and the two kick FIFOs live in xsd_fake_ring_dir. */
static int fake_ring_open(uint32_t domid, struct ring *r, int *kick_in)
{
    char p[4096];
    int fd;
    void *a;

    snprintf(p, sizeof(p), "%s/ring-%u", xsd_fake_ring_dir, domid);
    fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, 4096) < 0) {
        close(fd);
        return -errno;
    }
    a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (a == MAP_FAILED)
        return -errno;
    snprintf(p, sizeof(p), "%s/kick-%u-in", xsd_fake_ring_dir, domid);
    mkfifo(p, 0600);
    /* O_RDWR: no EOF when the guest side closes, and open never blocks. */
    *kick_in = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    snprintf(p, sizeof(p), "%s/kick-%u-out", xsd_fake_ring_dir, domid);
    mkfifo(p, 0600);
    r->kick_out = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (*kick_in < 0 || r->kick_out < 0) {
        if (*kick_in >= 0)
            close(*kick_in);
        if (r->kick_out >= 0)
            close(r->kick_out);
        munmap(a, 4096);
        return -EIO;
    }
    r->intf = a;
    r->fake = true;
    r->own_page = true;
    return 0;
}

int xsd_evtchn_open(void)
{
    if (xsd_evtchn_fd >= 0)
        return 0;
    xsd_evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (xsd_evtchn_fd < 0)
        return -errno;
    io_evtchn_opened();     /* the loop may already be running */
    return 0;
}

/* Real Xen: grant ref 1 through gntdev, else a foreign map of the mfn. */
static int xen_ring_map(uint32_t domid, unsigned long mfn, struct ring *r)
{
    struct ioctl_gntdev_map_grant_ref m = { .count = 1 };
    void *a;

    if (gntdev_fd < 0)
        gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (gntdev_fd >= 0) {
        m.refs[0].domid = domid;
        m.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
        if (ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) == 0) {
            a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                     gntdev_fd, m.index);
            if (a != MAP_FAILED) {
                r->intf = a;
                r->grant_mapped = r->own_page = true;
                r->grant_index = m.index;
                return 0;
            }
            {
                struct ioctl_gntdev_unmap_grant_ref u = { .index = m.index,
                                                        .count = 1 };
                ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
            }
        }
    }
    if (privcmd_fd < 0)
        privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (privcmd_fd >= 0) {
        uint64_t pfn = mfn;
        int err = 0;
        struct privcmd_mmapbatch_v2 b = { .num = 1, .dom = domid,
                                              .arr = &pfn, .err = &err };
        a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd_fd, 0);
        if (a != MAP_FAILED) {
            b.addr = (uintptr_t)a;
            if (ioctl(privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) == 0 && !err) {
                r->intf = a;
                r->own_page = true;
                return 0;
            }
            munmap(a, 4096);
        }
    }
    return -EINVAL;
}

static int xen_bind(uint32_t domid, uint32_t port, struct ring *r)
{
    struct ioctl_evtchn_bind_interdomain b = { domid, port };
    int rc;
    if (xsd_evtchn_open())
        return -EINVAL;
    rc = ioctl(xsd_evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
    if (rc < 0)
        return -errno;
    r->local_port = rc;
    return 0;
}

struct conn *ring_conn_by_port(uint32_t port)
{
    struct conn *c;
    for (c = xsd_conns; c; c = c->next)
        if (c->ops == &ring_ops && c->priv &&
            ((struct ring *)c->priv)->local_port == port)
            return c;
    return NULL;
}

/* Attach a ring to domain d; intf may be pre-mapped (dom0's xsd_kva). */
int domain_attach_ring(struct domain *d, void *intf, unsigned long mfn,
                       uint32_t port)
{
    struct ring *r = calloc(1, sizeof(*r));
    struct conn *c;
    int kick_in = -1, rc;

    if (!r)
        return -ENOMEM;
    r->kick_out = -1;
    if (intf) {
        r->intf = intf;
        rc = 0;
    } else if (xsd_fake_ring_dir) {
        rc = fake_ring_open(d->domid, r, &kick_in);
    } else {
        rc = xen_ring_map(d->domid, mfn, r);
    }
    if (!rc && !r->fake)
        rc = xen_bind(d->domid, port, r);
    if (rc) {
        if (r->own_page && r->intf)
            munmap(r->intf, 4096);
        free(r);
        return rc;
    }
    c = conn_new(&ring_ops, r, kick_in, d->domid);
    if (!c) {
        ring_destroy(&(struct conn){ .priv = r, .fd = kick_in });
        return -ENOMEM;
    }
    c->dom = d;
    c->target = d->target;
    d->conn = c;
    d->mfn = mfn;
    d->remote_port = port;
    r->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
                               XENSTORE_SERVER_FEATURE_ERROR;
    r->intf->error = XENSTORE_ERROR_NONE;
    r->intf->connection = XENSTORE_CONNECTED;
    if (c->fd >= 0 && io_watch_fd(c) < 0) {
        conn_free(c);
        return -EIO;
    }
    /* The guest may have queued requests before we attached. */
    conn_kick(c);
    ring_notify(c);
    return 0;
}

int domain_introduce(struct conn *caller, uint32_t domid, unsigned long mfn,
                     uint32_t port)
{
    struct domain *d = domain_get(domid, true);
    int rc;

    if (!d)
        return -ENOMEM;
    if (d->introduced) {
        /* Re-introduction only rebinds the event channel, as C does. */
        if (d->conn && !((struct ring *)d->conn->priv)->fake) {
            struct ring *r = d->conn->priv;
            struct ioctl_evtchn_unbind u = { r->local_port };
            ioctl(xsd_evtchn_fd, IOCTL_EVTCHN_UNBIND, &u);
            xen_bind(domid, port, r);
        }
        d->remote_port = port;
        return 0;
    }
    rc = domain_attach_ring(d, NULL, mfn, port);
    if (rc)
        return rc;
    d->introduced = true;
    d->shutdown = false;
    watch_fire_special("@introduceDomain");
    return 0;
}

/* Nodes of a domain that is gone go to dom0, so a later domain reusing the
 * id does not inherit them (XSA-322). */
static void disown_nodes(uint32_t domid)
{
    size_t i;
    struct node *n;
    for (i = 0; i <= xsd_store.mask; i++)
        for (n = xsd_store.b[i]; n; n = n->hnext)
            if (n->nperms && n->perms[0].id == domid) {
                domain_charge(domid, -1, -(long)node_size(n));
                n->perms[0].id = 0;
                domain_charge(0, 1, node_size(n));
            }
}

int domain_release(uint32_t domid)
{
    struct domain *d = domain_get(domid, false);

    if (!d || !d->introduced)
        return -ENOENT;
    d->introduced = false;
    if (d->conn) {
        struct conn *c = d->conn;
        d->conn = NULL;
        c->dom = NULL;
        c->dead = true;
        /* Reap it (unmap the ring, unbind the port) on this pass: a dead
         * guest never kicks again, and its mapped page would keep it a
         * zombie. */
        conn_mark_dirty(c);
    }
    if (domid != 0 && !xsd_keep_orphans)
        disown_nodes(domid);
    watch_fire_special("@releaseDomain");
    return 0;
}

void domain_conn_gone(struct conn *c)
{
    if (c->dom && c->dom->conn == c)
        c->dom->conn = NULL;
    c->dom = NULL;
}

/* On a real dom0: dom0's own kernel reaches us through xsd_kva/xsd_port. */
int domain_dom0_init(void)
{
    char buf[32] = "";
    int fd, n;
    void *a;
    struct domain *d;
    uint32_t port;

    fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -EIO;
    port = strtoul(buf, NULL, 10);
    fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (a == MAP_FAILED)
        return -errno;
    d = domain_get(0, true);
    if (!d)
        return -ENOMEM;
    n = domain_attach_ring(d, a, 0, port);
    if (n)
        return n;
    d->introduced = true;
    return 0;
}

/* ---- dying domains (real Xen only) ------------------------------------------ */

static int virq_port = -1;

/* VIRQ_DOM_EXC tells us some domain shut down or died. */
int domain_watch_exceptions(void)
{
    struct ioctl_evtchn_bind_virq b = { VIRQ_DOM_EXC };
    int rc;

    if (xsd_fake_ring_dir || xsd_evtchn_open())
        return -ENODEV;
    rc = ioctl(xsd_evtchn_fd, IOCTL_EVTCHN_BIND_VIRQ, &b);
    if (rc < 0)
        return -errno;
    virq_port = rc;
    return 0;
}

/* 0 running, 1 shut down, 2 dying or gone, <0 cannot tell. */
static int xen_domain_state(uint32_t domid)
{
    /* Xen reads the argument through dom0's page tables: keep it resident. */
    static struct xen_domctl dc __attribute__((aligned(4096)));
    static bool locked;
    struct privcmd_hypercall h = { .op = __HYPERVISOR_domctl };
    long rc;

    if (privcmd_fd < 0)
        privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (privcmd_fd < 0)
        return -ENODEV;
    if (!locked)
        locked = mlock(&dc, sizeof(dc)) == 0;
    memset(&dc, 0, sizeof(dc));
    dc.cmd = XEN_DOMCTL_getdomaininfo;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = domid;
    h.arg[0] = (uintptr_t)&dc;
    rc = ioctl(privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &h);
    if (rc < 0)
        return errno == ESRCH ? 2 : -errno;
    if (dc.u.getdomaininfo.domain != domid ||
        (dc.u.getdomaininfo.flags & XEN_DOMINF_dying))
        return 2;
    return (dc.u.getdomaininfo.flags & XEN_DOMINF_shutdown) ? 1 : 0;
}

/* As C xenstored: a domain that died is forgotten, one that shut down is
 * reported once; either way @releaseDomain fires. */
static void check_domains(void)
{
    struct domain *d;
    bool notify = false;

    for (d = dom_list; d; d = d->next_alloc) {
        int st;
        if (!d->introduced || d->domid == 0)
            continue;
        st = xen_domain_state(d->domid);
        if (st == 2) {
            d->introduced = false;
            if (d->conn) {
                d->conn->dead = true;
                conn_mark_dirty(d->conn);
                d->conn->dom = NULL;
                d->conn = NULL;
            }
            if (!xsd_keep_orphans)
                disown_nodes(d->domid);
            notify = true;
        } else if (st == 1 && !d->shutdown) {
            d->shutdown = true;
            notify = true;
        }
    }
    if (notify)
        watch_fire_special("@releaseDomain");
}

/* /dev/xen/evtchn became readable: run every ring that was kicked. */
void domain_evtchn_ready(void)
{
    uint32_t ports[64];
    ssize_t n;
    int i;
    bool exc = false;

    n = read(xsd_evtchn_fd, ports, sizeof(ports));
    if (n <= 0)
        return;
    for (i = 0; i < n / 4; i++) {
        struct conn *c = ring_conn_by_port(ports[i]);
        if (c)
            conn_kick(c);
        else if ((int)ports[i] == virq_port)
            exc = true;
    }
    if (exc)
        check_domains();
    /* Writing the ports back unmasks them. */
    (void)!write(xsd_evtchn_fd, ports, n & ~3);
}

/* Tell the guest why we stopped talking (the page's error field). */
void ring_protocol_error(struct conn *c)
{
    struct ring *r = c->priv;
    if (r && r->intf)
        r->intf->error = XENSTORE_ERROR_PROTO;
}

bool conn_is_ring(const struct conn *c)
{
    return c->ops == &ring_ops;
}
