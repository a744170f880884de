/*
 * suspend.c — the hypercalls save/restore is made of: vCPU contexts as
 * whole blobs (the stream carries them unchanged apart from frame numbers),
 * page frame types, TSC information, resuming a suspended domain, the M2P
 * updates and pins of a restore.  Thin wrappers, errors named as in
 * domctl.c ("domctl getpageframeinfo3 (dom 3): EINVAL (...)").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "saverestore.h"

static int vcpu_context(xc_handle *xch, uint32_t domid, unsigned vcpu,
                        struct vcpu_guest_context *ctx, bool set, struct errbuf *eb)
{
    struct vcpu_guest_context *g = hbuf_alloc(xch, sizeof(*g));
    uint32_t cmd = set ? XEN_DOMCTL_setvcpucontext : XEN_DOMCTL_getvcpucontext;
    struct xen_domctl *d = domctl_start(xch, cmd, domid);
    int rc;

    if (!g || !d) {
        rc = eb_fail(eb, -ENOMEM, "domctl %s (dom %u)", domctl_name(cmd), domid);
        goto out;
    }
    if (set)
        memcpy(g, ctx, sizeof(*g));
    d->u.vcpucontext.vcpu = vcpu;
    d->u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)g;
    rc = do_domctl(xch, d);
    if (rc < 0)
        eb_fail(eb, rc, "domctl %s (dom %u, vcpu %u)", domctl_name(cmd), domid, vcpu);
    else if (!set)
        memcpy(ctx, g, sizeof(*g));
out:
    if (d)
        hbuf_free(d, sizeof(*d));
    if (g)
        hbuf_free(g, sizeof(*g));
    return rc;
}

int xc_vcpu_getcontext_raw(xc_handle *xch, uint32_t domid, unsigned vcpu,
                           struct vcpu_guest_context *ctx, struct errbuf *eb)
{
    return vcpu_context(xch, domid, vcpu, ctx, false, eb);
}

int xc_vcpu_setcontext_raw(xc_handle *xch, uint32_t domid, unsigned vcpu,
                           const struct vcpu_guest_context *ctx, struct errbuf *eb)
{
    return vcpu_context(xch, domid, vcpu, (struct vcpu_guest_context *)ctx, true, eb);
}

int xc_get_pfn_types(xc_handle *xch, uint32_t domid, uint64_t *frames, unsigned nr,
                     struct errbuf *eb)
{
    uint64_t *buf = hbuf_alloc(xch, XEN_DOMCTL_PFINFO_MAX_BATCH * sizeof(uint64_t));
    int rc = 0;

    if (!buf)
        return eb_fail(eb, -ENOMEM, "domctl getpageframeinfo3 (dom %u): buffer", domid);
    for (unsigned done = 0; done < nr && rc == 0;) {
        unsigned n = nr - done > XEN_DOMCTL_PFINFO_MAX_BATCH ? XEN_DOMCTL_PFINFO_MAX_BATCH : nr - done;
        struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_getpageframeinfo3, domid);

        if (!d) {
            rc = eb_fail(eb, -ENOMEM, "domctl getpageframeinfo3 (dom %u)", domid);
            break;
        }
        memcpy(buf, frames + done, n * sizeof(uint64_t));
        d->u.getpageframeinfo3.num = n;
        d->u.getpageframeinfo3.array.p = (uint64_t)(uintptr_t)buf;
        rc = do_domctl(xch, d);
        hbuf_free(d, sizeof(*d));
        if (rc < 0) {
            eb_fail(eb, rc, "domctl getpageframeinfo3 (dom %u)", domid);
            break;
        }
        memcpy(frames + done, buf, n * sizeof(uint64_t));
        done += n;
    }
    hbuf_free(buf, XEN_DOMCTL_PFINFO_MAX_BATCH * sizeof(uint64_t));
    return rc;
}

int xc_domain_tscinfo(xc_handle *xch, uint32_t domid, struct xc_tscinfo *t, bool set,
                      struct errbuf *eb)
{
    uint32_t cmd = set ? XEN_DOMCTL_settscinfo : XEN_DOMCTL_gettscinfo;
    struct xen_domctl *d = domctl_start(xch, cmd, domid);
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl %s (dom %u)", domctl_name(cmd), domid);
    if (set) {
        d->u.tsc_info.tsc_mode = t->mode;
        d->u.tsc_info.gtsc_khz = t->khz;
        d->u.tsc_info.incarnation = t->incarnation;
        d->u.tsc_info.elapsed_nsec = t->nsec;
    }
    rc = do_domctl(xch, d);
    if (rc == 0 && !set) {
        t->mode = d->u.tsc_info.tsc_mode;
        t->khz = d->u.tsc_info.gtsc_khz;
        t->incarnation = d->u.tsc_info.incarnation;
        t->nsec = d->u.tsc_info.elapsed_nsec;
    }
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl %s (dom %u)", domctl_name(cmd), domid);
    return 0;
}

int xc_domain_resume_raw(xc_handle *xch, uint32_t domid, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_resumedomain, domid);
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl resumedomain (dom %u)", domid);
    rc = do_domctl(xch, d);
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl resumedomain (dom %u)", domid);
    return 0;
}

/*
 * A suspended guest carries on where it suspended, told the suspend was
 * cancelled: SCHEDOP_shutdown returns 1 in rax (Xen's cooperative resume),
 * so Linux skips the reconnection a restore on new frames needs.
 */
int xc_domain_resume_cancelled(xc_handle *xch, uint32_t domid, struct errbuf *eb)
{
    struct vcpu_guest_context *ctx = calloc(1, sizeof(*ctx));
    int rc;

    if (!ctx)
        return eb_fail(eb, -ENOMEM, "resume (dom %u)", domid);
    rc = xc_vcpu_getcontext_raw(xch, domid, 0, ctx, eb);
    if (rc == 0) {
        ctx->user_regs.rax = 1;
        rc = xc_vcpu_setcontext_raw(xch, domid, 0, ctx, eb);
    }
    free(ctx);
    if (rc == 0)
        rc = xc_domain_resume_raw(xch, domid, eb);
    return rc;
}
