/*
 * sched.c — the scheduler's control calls: vCPU hard and soft affinity
 * (domctl set/getvcpuaffinity), a domain's credit2 weight and cap (domctl
 * scheduler_op) and the pool's credit2 ratelimit (sysctl scheduler_op),
 * as libxc issues them.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

/*
 * Bitmaps travel as nbytes bytes of bounce buffer, bit i = CPU i.  Set
 * sends the maps given (a NULL one is left as it is) and get asks for both;
 * either way the hypervisor writes the maps back (set: the effective ones).
 */
static int vcpu_affinity_op(xc_handle *xch, uint32_t cmd, const char *what, uint32_t domid,
                            unsigned vcpu, uint8_t *hard, uint8_t *soft, unsigned nbytes,
                            struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, cmd, domid);
    uint8_t *hb = hbuf_alloc(xch, 2 * nbytes);
    int rc;

    if (!d || !hb) {
        rc = eb_fail(eb, -ENOMEM, "domctl %s (dom %u)", what, domid);
        goto out;
    }
    d->u.vcpuaffinity.vcpu = vcpu;
    if (hard) {
        memcpy(hb, hard, nbytes);
        d->u.vcpuaffinity.flags |= XEN_VCPUAFFINITY_HARD;
        d->u.vcpuaffinity.cpumap_hard.bitmap.p = hb;
        d->u.vcpuaffinity.cpumap_hard.nr_bits = nbytes * 8;
    }
    if (soft) {
        memcpy(hb + nbytes, soft, nbytes);
        d->u.vcpuaffinity.flags |= XEN_VCPUAFFINITY_SOFT;
        d->u.vcpuaffinity.cpumap_soft.bitmap.p = hb + nbytes;
        d->u.vcpuaffinity.cpumap_soft.nr_bits = nbytes * 8;
    }
    rc = do_domctl(xch, d);
    if (rc < 0) {
        rc = eb_fail(eb, rc, "domctl %s (dom %u, vcpu %u)", what, domid, vcpu);
        goto out;
    }
    if (hard)
        memcpy(hard, hb, nbytes);
    if (soft)
        memcpy(soft, hb + nbytes, nbytes);
out:
    if (hb)
        hbuf_free(hb, 2 * nbytes);
    if (d)
        hbuf_free(d, sizeof(*d));
    return rc;
}

int xc_vcpu_setaffinity(xc_handle *xch, uint32_t domid, unsigned vcpu, uint8_t *hard,
                        uint8_t *soft, unsigned nbytes, struct errbuf *eb)
{
    return vcpu_affinity_op(xch, XEN_DOMCTL_setvcpuaffinity, "setvcpuaffinity", domid, vcpu,
                            hard, soft, nbytes, eb);
}

/* Both maps are asked for (hard and soft must be given). */
int xc_vcpu_getaffinity(xc_handle *xch, uint32_t domid, unsigned vcpu, uint8_t *hard,
                        uint8_t *soft, unsigned nbytes, struct errbuf *eb)
{
    return vcpu_affinity_op(xch, XEN_DOMCTL_getvcpuaffinity, "getvcpuaffinity", domid, vcpu,
                            hard, soft, nbytes, eb);
}

static int credit2_op(xc_handle *xch, uint32_t domid, uint32_t cmd, unsigned *weight,
                      unsigned *cap, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_scheduler_op, domid);
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl scheduler_op (dom %u)", domid);
    d->u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    d->u.scheduler_op.cmd = cmd;
    d->u.scheduler_op.u.credit2.weight = (uint16_t)*weight;
    d->u.scheduler_op.u.credit2.cap = (uint16_t)*cap;
    rc = do_domctl(xch, d);
    if (rc == 0 && cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
        *weight = d->u.scheduler_op.u.credit2.weight;
        *cap = d->u.scheduler_op.u.credit2.cap;
    }
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl scheduler_op (dom %u)", domid);
    return 0;
}

int xc_sched_credit2_domain_get(xc_handle *xch, uint32_t domid, unsigned *weight,
                                unsigned *cap, struct errbuf *eb)
{
    *weight = *cap = 0;
    return credit2_op(xch, domid, XEN_DOMCTL_SCHEDOP_getinfo, weight, cap, eb);
}

int xc_sched_credit2_domain_set(xc_handle *xch, uint32_t domid, unsigned weight,
                                unsigned cap, struct errbuf *eb)
{
    if (weight > 65535 || cap > 65535)
        return eb_msg(eb, -EINVAL, "weight %u / cap %u out of range", weight, cap);
    return credit2_op(xch, domid, XEN_DOMCTL_SCHEDOP_putinfo, &weight, &cap, eb);
}

int xc_sched_credit2_ratelimit(xc_handle *xch, unsigned *ratelimit_us, bool set,
                               struct errbuf *eb)
{
    struct xen_sysctl *s = sysctl_start(xch, XEN_SYSCTL_scheduler_op);
    int rc;

    if (!s)
        return eb_fail(eb, -ENOMEM, "sysctl scheduler_op");
    s->u.scheduler_op.cpupool_id = 0;
    s->u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    s->u.scheduler_op.cmd = set ? XEN_SYSCTL_SCHEDOP_putinfo : XEN_SYSCTL_SCHEDOP_getinfo;
    s->u.scheduler_op.u.sched_credit2.ratelimit_us = *ratelimit_us;
    rc = do_sysctl(xch, s);
    if (rc == 0 && !set)
        *ratelimit_us = s->u.scheduler_op.u.sched_credit2.ratelimit_us;
    hbuf_free(s, sizeof(*s));
    if (rc < 0)
        return eb_fail(eb, rc, "sysctl scheduler_op");
    return 0;
}
