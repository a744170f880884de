/*
 * event_channel.c — event channels: port allocation, binding (unbound,
 * interdomain, VIRQ, IPI, PIRQ), sending, masking, status, teardown, the 2-level
 * delivery ABI and the EVTCHNOP hypercall; the FIFO ABI's delivery and its
 * three sub-ops are event_fifo.c, chosen per domain (d->evtchn_fifo).
 *
 * Semantics follow Xen 4.17 (xen/common/event_channel.c, event_2l.c), which
 * Linux relies on in detail:
 *  - port 0 is reserved and never handed out;
 *  - binding an interdomain channel marks the new local port pending, because
 *    notifications sent while the remote end was still unbound were dropped;
 *  - closing one end of an interdomain channel returns the other end to the
 *    unbound state, bindable again by the same remote domain;
 *  - sending on an unbound port is silently dropped (returns 0);
 *  - bind_virq accepts every valid VIRQ (Linux BUG_ONs a refusal); global
 *    VIRQs bind on vCPU 0 only and may be moved with bind_vcpu;
 *  - FIFO (init_control, expand_array, set_priority) is offered unless the
 *    evtchn_fifo=0 option says otherwise (then -ENOSYS, and Linux falls
 *    back to the 2-level ABI); a port still linked on a FIFO queue is not
 *    handed out again.
 *
 * Locking: one global lock protects every port table (see below).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bitops.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/irq.h>
#include <xen/guest_access.h>

/* ---------------------------------------------------------------- locking */

/*
 * One lock for every domain's port table.  Interdomain operations touch two
 * tables at once; a single lock makes them trivially deadlock-free, and the
 * critical sections are a few dozen instructions.  Delivery into a domain's
 * shared_info uses atomic bit operations because the guest writes the same
 * words concurrently.
 */
static DEFINE_SPINLOCK(evtchn_lock);

/* ---------------------------------------------------------------- ports */

unsigned int evtchn_nr_ports(const struct domain *d)
{
    return d->evtchn_fifo != NULL ? EVTCHN_MAX_NR : EVTCHN_2L_NR;
}

bool port_is_valid(const struct domain *d, evtchn_port_t port)
{
    if (port >= evtchn_nr_ports(d) || port > d->max_evtchn_port)
        return false;
    return d->evtchn_bucket[port / EVTCHNS_PER_BUCKET] != NULL;
}

struct evtchn *evtchn_from_port(const struct domain *d, evtchn_port_t port)
{
    if (!port_is_valid(d, port))
        return NULL;
    return &d->evtchn_bucket[port / EVTCHNS_PER_BUCKET][port % EVTCHNS_PER_BUCKET];
}

/*
 * A port inside an allocated bucket is valid but may be free (closed) or the
 * reserved port 0.  Such a port is "not usable", as Xen's evtchn_usable():
 * unmask leaves it alone, set_priority answers -EACCES and poll -EINVAL.
 */
static bool evtchn_usable(const struct evtchn *chn)
{
    return chn->state != ECS_FREE && chn->state != ECS_RESERVED;
}

/*
 * Find the lowest free port, allocating its bucket if needed.  The port stays
 * ECS_FREE until the caller sets its state, so an error after this call
 * needs no undo.
 */
static int get_free_port(struct domain *d)
{
    if (d->is_dying != DOMDYING_alive)
        return -EINVAL;             /* its buckets are gone for good (Xen) */
    for (evtchn_port_t port = 1; port <= d->max_evtchn_port && port < evtchn_nr_ports(d); port++) {
        struct evtchn **bucket = &d->evtchn_bucket[port / EVTCHNS_PER_BUCKET];

        if (*bucket == NULL) {
            *bucket = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
            if (*bucket == NULL)
                return -ENOMEM;
        }
        if ((*bucket)[port % EVTCHNS_PER_BUCKET].state == ECS_FREE &&
            !(d->evtchn_fifo != NULL && evtchn_fifo_is_busy(d, port)))
            return (int)port;
    }
    return -ENOSPC;
}

static void evtchn_set_state(struct domain *d, struct evtchn *chn, uint8_t state)
{
    if (chn->state == ECS_FREE && state != ECS_FREE)
        d->evtchn_count++;
    else if (chn->state != ECS_FREE && state == ECS_FREE)
        d->evtchn_count--;
    chn->state = state;
}

/*
 * Allocate the lowest free port of d in the given state (evtchn_lock held).
 * Returns the channel and *port, or NULL with *port = -errno.
 */
static struct evtchn *alloc_port(struct domain *d, uint8_t state, int *port)
{
    struct evtchn *chn;

    *port = get_free_port(d);
    if (*port < 0)
        return NULL;
    chn = evtchn_from_port(d, *port);
    evtchn_set_state(d, chn, state);
    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    /*
     * last_vcpu_id/last_priority (the FIFO queue the port was last linked
     * on) are kept, as in Xen: that queue may still name the port as its
     * tail, and raising the port elsewhere must clear that tail (see
     * evtchn_fifo_set_pending), or the old queue's next event would be
     * linked behind this one into the new queue.
     */
    chn->fifo_pending = false;
    return chn;
}

int evtchn_init(struct domain *d)
{
    struct evtchn *chn;

    if (d->max_evtchn_port == 0 || d->max_evtchn_port >= EVTCHN_MAX_NR)
        d->max_evtchn_port = EVTCHN_MAX_NR - 1;
    d->evtchn_bucket[0] = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
    if (d->evtchn_bucket[0] == NULL)
        return -ENOMEM;
    chn = &d->evtchn_bucket[0][0];
    evtchn_set_state(d, chn, ECS_RESERVED);
    return 0;
}

/* ------------------------------------------------------------- delivery */

bool evtchn_2l_is_pending(const struct domain *d, evtchn_port_t port)
{
    return port < EVTCHN_2L_NR &&
           test_bit(port, (const unsigned long *)d->shared_info->evtchn_pending);
}

bool evtchn_is_pending(const struct domain *d, evtchn_port_t port)
{
    if (d->evtchn_fifo != NULL)
        return evtchn_fifo_is_pending(d, port);
    return evtchn_2l_is_pending(d, port);
}

bool evtchn_is_masked(const struct domain *d, evtchn_port_t port)
{
    if (d->evtchn_fifo != NULL)
        return evtchn_fifo_is_masked(d, port);
    return port >= EVTCHN_2L_NR ||
           test_bit(port, (const unsigned long *)d->shared_info->evtchn_mask);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    if (xchg_u8(&v->vcpu_info->evtchn_upcall_pending, 1) == 0)
        vcpu_kick(v);
}

/* Wake vCPUs blocked in SCHEDOP_poll on this port. */
static void evtchn_check_pollers(struct domain *d, evtchn_port_t port)
{
    struct vcpu *v;

    for_each_vcpu(d, v) {
        if (v->poll_nr == 0 || !(v->pause_flags & VPF_blocked))
            continue;
        for (unsigned int i = 0; i < v->poll_nr; i++) {
            if (v->poll_ports[i] == port) {
                vcpu_kick(v);
                break;
            }
        }
    }
}

void evtchn_set_pending(struct domain *d, unsigned int vcpu_id, evtchn_port_t port)
{
    struct vcpu *v = domain_vcpu(d, vcpu_id);
    unsigned long *pending = (unsigned long *)d->shared_info->evtchn_pending;
    unsigned long *mask = (unsigned long *)d->shared_info->evtchn_mask;

    if (v == NULL)
        return;
    if (d->evtchn_fifo != NULL) {
        struct evtchn *chn = evtchn_from_port(d, port);

        if (chn != NULL && !evtchn_fifo_set_pending(v, chn, port))
            evtchn_check_pollers(d, port);
        return;
    }
    if (port >= EVTCHN_2L_NR)
        return;
    if (test_and_set_bit(port, pending))
        return;             /* already pending: the guest has not seen it yet */
    if (!test_bit(port, mask) &&
        !test_and_set_bit(port / BITS_PER_LONG,
                          (unsigned long *)&v->vcpu_info->evtchn_pending_sel))
        vcpu_mark_events_pending(v);
    evtchn_check_pollers(d, port);
}

bool virq_is_global(uint32_t virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return virq < NR_VIRQS;
    }
}

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    struct domain *d = v->domain;
    evtchn_port_t port;

    if (virq >= NR_VIRQS || virq_is_global(virq))
        return;
    spin_lock(&evtchn_lock);
    port = v->virq_to_evtchn[virq];
    if (port != 0)
        evtchn_set_pending(d, v->vcpu_id, port);
    spin_unlock(&evtchn_lock);
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
    struct vcpu *v0;
    struct evtchn *chn;
    evtchn_port_t port;

    if (d == NULL || virq >= NR_VIRQS || !virq_is_global(virq))
        return;
    v0 = domain_vcpu(d, 0);
    if (v0 == NULL)
        return;
    spin_lock(&evtchn_lock);
    port = v0->virq_to_evtchn[virq];
    chn = port ? evtchn_from_port(d, port) : NULL;
    if (chn != NULL)
        evtchn_set_pending(d, chn->notify_vcpu_id, port);
    spin_unlock(&evtchn_lock);
}

/* ------------------------------------------------------------ operations */

int evtchn_alloc_unbound(struct domain *caller, evtchn_alloc_unbound_t *a)
{
    struct domain *d;
    struct evtchn *chn;
    int port, rc = 0;

    d = domain_lookup_target(caller, a->dom, &rc);
    if (d == NULL)
        return rc;

    spin_lock(&evtchn_lock);
    chn = alloc_port(d, ECS_UNBOUND, &port);
    if (chn == NULL) {
        rc = port;
        goto out;
    }
    chn->notify_vcpu_id = 0;
    chn->u.unbound.remote_domid =
        a->remote_dom == DOMID_SELF ? caller->domain_id : a->remote_dom;
    a->port = port;
out:
    spin_unlock(&evtchn_lock);
    put_domain(d);
    return rc;
}

int evtchn_bind_interdomain(struct domain *ld, evtchn_bind_interdomain_t *b)
{
    struct domain *rd;
    struct evtchn *lchn, *rchn;
    int lport, rc = 0;

    rd = domain_lookup(ld, b->remote_dom);
    if (rd == NULL)
        return -ESRCH;

    spin_lock(&evtchn_lock);
    rchn = evtchn_from_port(rd, b->remote_port);
    if (rchn == NULL || rchn->state != ECS_UNBOUND ||
        rchn->u.unbound.remote_domid != ld->domain_id) {
        rc = -EINVAL;
        goto out;
    }
    lchn = alloc_port(ld, ECS_INTERDOMAIN, &lport);
    if (lchn == NULL) {
        rc = lport;
        goto out;
    }
    lchn->notify_vcpu_id = 0;
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = b->remote_port;

    evtchn_set_state(rd, rchn, ECS_INTERDOMAIN);
    rchn->u.interdomain.remote_dom = ld;
    rchn->u.interdomain.remote_port = lport;

    /* Notifications sent while the remote end was unbound were lost. */
    evtchn_set_pending(ld, lchn->notify_vcpu_id, lport);
    b->local_port = lport;
out:
    spin_unlock(&evtchn_lock);
    put_domain(rd);
    return rc;
}

int evtchn_bind_virq(struct domain *d, evtchn_bind_virq_t *b)
{
    struct vcpu *v;
    struct evtchn *chn;
    int port, rc = 0;

    if (b->virq >= NR_VIRQS)
        return -EINVAL;
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -EINVAL;
    v = domain_vcpu(d, b->vcpu);
    if (v == NULL)
        return -ENOENT;

    spin_lock(&evtchn_lock);
    if (v->virq_to_evtchn[b->virq] != 0) {
        rc = -EEXIST;
        goto out;
    }
    chn = alloc_port(d, ECS_VIRQ, &port);
    if (chn == NULL) {
        rc = port;
        goto out;
    }
    chn->notify_vcpu_id = b->vcpu;
    chn->u.virq = b->virq;
    v->virq_to_evtchn[b->virq] = port;
    b->port = port;
out:
    spin_unlock(&evtchn_lock);
    return rc;
}

int evtchn_bind_ipi(struct domain *d, evtchn_bind_ipi_t *b)
{
    struct evtchn *chn;
    int port, rc = 0;

    if (domain_vcpu(d, b->vcpu) == NULL)
        return -ENOENT;

    spin_lock(&evtchn_lock);
    chn = alloc_port(d, ECS_IPI, &port);
    if (chn == NULL) {
        rc = port;
        goto out;
    }
    chn->notify_vcpu_id = b->vcpu;
    b->port = port;
out:
    spin_unlock(&evtchn_lock);
    return rc;
}

/* A physical interrupt line's events (the PIRQ mapped by map_pirq), as
 * Xen: vCPU 0 is notified; a domain with no right to the PIRQ gets -EPERM,
 * the hardware domain -EINVAL for a PIRQ not mapped. */
int evtchn_bind_pirq(struct domain *d, evtchn_bind_pirq_t *b)
{
    struct evtchn *chn;
    int port, rc;

    if (b->pirq >= pirq_limit(d))
        return -EINVAL;
    if (d->pirqs == NULL || !d->pirqs[b->pirq].mapped)
        return d->is_privileged ? -EINVAL : -EPERM;
    if (d->pirqs[b->pirq].evtchn != 0)
        return -EEXIST;
    spin_lock(&evtchn_lock);
    chn = alloc_port(d, ECS_PIRQ, &port);
    if (chn == NULL) {
        rc = port;
        goto out;
    }
    rc = pirq_guest_bind(d, b->pirq, (unsigned int)port);
    if (rc) {
        evtchn_set_state(d, chn, ECS_FREE);
        goto out;
    }
    chn->notify_vcpu_id = 0;
    chn->u.pirq = b->pirq;
    b->port = port;
out:
    spin_unlock(&evtchn_lock);
    return rc;
}

/* Close one port; evtchn_lock held. */
static int close_port_locked(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = evtchn_from_port(d, port);
    struct vcpu *v;

    if (chn == NULL)
        return -EINVAL;

    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;

    case ECS_UNBOUND:
    case ECS_IPI:
        break;

    case ECS_PIRQ:
        /* Only if the PIRQ still routes to this port (a forced unmap left
         * the port behind). */
        if (d->pirqs != NULL && chn->u.pirq < pirq_limit(d) &&
            d->pirqs[chn->u.pirq].evtchn == port)
            pirq_guest_unbind(d, chn->u.pirq);
        break;

    case ECS_VIRQ:
        for_each_vcpu(d, v)
            if (chn->u.virq < NR_VIRQS && v->virq_to_evtchn[chn->u.virq] == port)
                v->virq_to_evtchn[chn->u.virq] = 0;
        break;

    case ECS_INTERDOMAIN: {
        struct domain *rd = chn->u.interdomain.remote_dom;
        struct evtchn *rchn = evtchn_from_port(rd, chn->u.interdomain.remote_port);

        BUG_ON(rchn == NULL || rchn->state != ECS_INTERDOMAIN ||
               rchn->u.interdomain.remote_dom != d ||
               rchn->u.interdomain.remote_port != port);
        /* The other end becomes bindable again by us (Xen semantics). */
        rchn->state = ECS_UNBOUND;
        rchn->u.unbound.remote_domid = d->domain_id;
        break;
    }

    default:
        BUG();
    }

    if (d->evtchn_fifo != NULL)
        evtchn_fifo_clear_pending(d, chn, port);
    else
        clear_bit(port, (unsigned long *)d->shared_info->evtchn_pending);
    evtchn_set_state(d, chn, ECS_FREE);
    chn->notify_vcpu_id = 0;
    memset(&chn->u, 0, sizeof(chn->u));
    return 0;
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
    int rc;

    spin_lock(&evtchn_lock);
    rc = close_port_locked(d, port);
    spin_unlock(&evtchn_lock);
    return rc;
}

int evtchn_send(struct domain *ld, evtchn_port_t lport)
{
    struct evtchn *lchn;
    int rc = 0;

    spin_lock(&evtchn_lock);
    lchn = evtchn_from_port(ld, lport);
    if (lchn == NULL) {
        rc = -EINVAL;
        goto out;
    }
    switch (lchn->state) {
    case ECS_INTERDOMAIN: {
        struct domain *rd = lchn->u.interdomain.remote_dom;
        evtchn_port_t rport = lchn->u.interdomain.remote_port;
        struct evtchn *rchn = evtchn_from_port(rd, rport);

        if (rchn != NULL)
            evtchn_set_pending(rd, rchn->notify_vcpu_id, rport);
        break;
    }
    case ECS_IPI:
        evtchn_set_pending(ld, lchn->notify_vcpu_id, lport);
        break;
    case ECS_UNBOUND:
        break;              /* nobody to notify yet: silently dropped */
    default:
        rc = -EINVAL;
        break;
    }
out:
    spin_unlock(&evtchn_lock);
    return rc;
}

int evtchn_status(struct domain *caller, evtchn_status_t *s)
{
    struct domain *d;
    struct evtchn *chn;
    int rc = 0;

    d = domain_lookup_target(caller, s->dom, &rc);
    if (d == NULL)
        return rc;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, s->port);
    if (chn == NULL) {
        rc = -EINVAL;
        goto out;
    }
    memset(&s->u, 0, sizeof(s->u));
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        s->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = chn->u.unbound.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = chn->u.interdomain.remote_dom->domain_id;
        s->u.interdomain.port = chn->u.interdomain.remote_port;
        break;
    case ECS_PIRQ:
        s->status = EVTCHNSTAT_pirq;
        s->u.pirq = chn->u.pirq;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    default:
        BUG();
    }
    s->vcpu = chn->notify_vcpu_id;
out:
    spin_unlock(&evtchn_lock);
    put_domain(d);
    return rc;
}

int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, unsigned int vcpu_id)
{
    struct evtchn *chn;
    int rc = 0;

    if (domain_vcpu(d, vcpu_id) == NULL)
        return -ENOENT;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, port);
    if (chn == NULL) {
        rc = -EINVAL;
        goto out;
    }
    switch (chn->state) {
    case ECS_VIRQ:
        if (virq_is_global(chn->u.virq))
            chn->notify_vcpu_id = vcpu_id;
        else
            rc = -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        chn->notify_vcpu_id = vcpu_id;
        break;
    default:
        rc = -EINVAL;
        break;
    }
out:
    spin_unlock(&evtchn_lock);
    return rc;
}

int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    struct vcpu *v;
    int rc = 0;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, port);
    if (chn == NULL) {
        rc = -EINVAL;
        goto out;
    }
    if (!evtchn_usable(chn))
        goto out;               /* 0, its mask bit untouched (Xen) */
    if (d->evtchn_fifo != NULL) {
        evtchn_fifo_unmask(d, chn, port);
        goto out;
    }
    v = domain_vcpu(d, chn->notify_vcpu_id);
    /*
     * Events that arrived while masked only set the pending bit; deliver the
     * selector and upcall now, exactly once.
     */
    if (v != NULL &&
        test_and_clear_bit(port, (unsigned long *)d->shared_info->evtchn_mask) &&
        test_bit(port, (unsigned long *)d->shared_info->evtchn_pending) &&
        !test_and_set_bit(port / BITS_PER_LONG,
                          (unsigned long *)&v->vcpu_info->evtchn_pending_sel))
        vcpu_mark_events_pending(v);
out:
    spin_unlock(&evtchn_lock);
    return rc;
}

/* SCHEDOP_poll's look at one port, as Xen's evtchn_port_poll(): -EINVAL
 * for a port that is not valid or not in use, else whether it is pending. */
int evtchn_port_poll(const struct domain *d, evtchn_port_t port)
{
    const struct evtchn *chn;
    int rc = -EINVAL;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, port);
    if (chn != NULL && evtchn_usable(chn))
        rc = evtchn_is_pending(d, port);
    spin_unlock(&evtchn_lock);
    return rc;
}

/* Close every port of d (port 0 stays reserved). */
static void evtchn_close_all(struct domain *d)
{
    spin_lock(&evtchn_lock);
    for (evtchn_port_t port = 1; port < evtchn_nr_ports(d); port++) {
        struct evtchn *chn;

        if (d->evtchn_bucket[port / EVTCHNS_PER_BUCKET] == NULL) {
            port |= EVTCHNS_PER_BUCKET - 1;     /* skip the missing bucket */
            continue;
        }
        chn = evtchn_from_port(d, port);
        if (chn != NULL && chn->state != ECS_FREE)
            close_port_locked(d, port);
    }
    spin_unlock(&evtchn_lock);
}

int evtchn_reset(struct domain *caller, domid_t dom)
{
    struct domain *d;
    int rc = 0;

    d = domain_lookup_target(caller, dom, &rc);
    if (d == NULL)
        return rc;
    /* Another domain's channels only while its toolstack holds it paused
     * (Xen: soft reset, restore); a running guest would lose them under
     * its feet.  -EINVAL as Xen. */
    if (d != caller && d->controller_pause_count == 0) {
        put_domain(d);
        return -EINVAL;
    }
    evtchn_close_all(d);
    /* Back to the 2-level ABI, as Xen's reset. */
    spin_lock(&evtchn_lock);
    evtchn_fifo_destroy(d);
    spin_unlock(&evtchn_lock);
    put_domain(d);
    return 0;
}

void evtchn_destroy(struct domain *d)
{
    evtchn_close_all(d);
    spin_lock(&evtchn_lock);
    evtchn_fifo_destroy(d);
    for (unsigned int i = 0; i < NR_EVTCHN_BUCKETS; i++) {
        xfree(d->evtchn_bucket[i]);
        d->evtchn_bucket[i] = NULL;
    }
    d->evtchn_count = 0;
    spin_unlock(&evtchn_lock);
}

static int evtchn_init_control(struct domain *d, evtchn_init_control_t *ic)
{
    int rc;

    spin_lock(&evtchn_lock);
    rc = evtchn_fifo_init_control(d, ic);
    spin_unlock(&evtchn_lock);
    return rc;
}

static int evtchn_expand_array(struct domain *d, uint64_t gfn)
{
    int rc;

    spin_lock(&evtchn_lock);
    rc = evtchn_fifo_expand_array(d, gfn);
    spin_unlock(&evtchn_lock);
    return rc;
}

/* EVTCHNOP_set_priority: FIFO only (2-level: -ENOSYS, as Xen).  Xen's
 * order: no such port -EINVAL, 2-level -ENOSYS, a closed port -EACCES,
 * then the priority itself. */
int evtchn_set_priority(struct domain *d, const evtchn_set_priority_t *sp)
{
    struct evtchn *chn;
    int rc;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, sp->port);
    if (chn == NULL)
        rc = -EINVAL;
    else if (d->evtchn_fifo == NULL)
        rc = -ENOSYS;
    else if (!evtchn_usable(chn))
        rc = -EACCES;
    else
        rc = evtchn_fifo_set_priority(chn, sp->priority);
    spin_unlock(&evtchn_lock);
    return rc;
}

/* -------------------------------------------------------------- hypercall */

/* Copy the argument in, run the helper, copy the (possibly updated) argument
 * back out when the operation has results. */
#define EVTCHN_OP(type, call, out)                              \
    do {                                                        \
        type op_;                                               \
        if (copy_from_guest(&op_, h, 1))                        \
            return -EFAULT;                                     \
        rc = call;                                              \
        if (rc == 0 && (out) && copy_to_guest(h, &op_, 1))      \
            rc = -EFAULT;                                       \
    } while (0)

long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct { void *p; } h = { arg.p };
    long rc;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        EVTCHN_OP(evtchn_alloc_unbound_t, evtchn_alloc_unbound(d, &op_), true);
        break;
    case EVTCHNOP_bind_interdomain:
        EVTCHN_OP(evtchn_bind_interdomain_t, evtchn_bind_interdomain(d, &op_), true);
        break;
    case EVTCHNOP_bind_virq:
        EVTCHN_OP(evtchn_bind_virq_t, evtchn_bind_virq(d, &op_), true);
        break;
    case EVTCHNOP_bind_ipi:
        EVTCHN_OP(evtchn_bind_ipi_t, evtchn_bind_ipi(d, &op_), true);
        break;
    case EVTCHNOP_close:
        EVTCHN_OP(evtchn_close_t, evtchn_close(d, op_.port), false);
        break;
    case EVTCHNOP_send:
        EVTCHN_OP(evtchn_send_t, evtchn_send(d, op_.port), false);
        break;
    case EVTCHNOP_status:
        EVTCHN_OP(evtchn_status_t, evtchn_status(d, &op_), true);
        break;
    case EVTCHNOP_bind_vcpu:
        EVTCHN_OP(evtchn_bind_vcpu_t, evtchn_bind_vcpu(d, op_.port, op_.vcpu), false);
        break;
    case EVTCHNOP_unmask:
        EVTCHN_OP(evtchn_unmask_t, evtchn_unmask(d, op_.port), false);
        break;
    case EVTCHNOP_reset:
        EVTCHN_OP(evtchn_reset_t, evtchn_reset(d, op_.dom), false);
        break;
    case EVTCHNOP_bind_pirq:
        EVTCHN_OP(evtchn_bind_pirq_t, evtchn_bind_pirq(d, &op_), true);
        break;
    case EVTCHNOP_init_control:
        EVTCHN_OP(evtchn_init_control_t, evtchn_init_control(d, &op_), true);
        break;
    case EVTCHNOP_expand_array:
        EVTCHN_OP(evtchn_expand_array_t, evtchn_expand_array(d, op_.array_gfn), false);
        break;
    case EVTCHNOP_set_priority:
        EVTCHN_OP(evtchn_set_priority_t, evtchn_set_priority(d, &op_), false);
        break;
    default:
        rc = -ENOSYS;
        break;
    }
    return rc;
}
