/*
 * domctl.c — per-domain control operations (createdomain, destroy, pause,
 * getdomaininfo, vCPU context, limits) and SCHEDOP_remote_shutdown.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include <public/sched.h>

/* Issue a domctl that carries no result besides its return code. */
static int simple_domctl(xc_handle *xch, struct xen_domctl *d, uint32_t domid,
                         struct errbuf *eb)
{
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl (dom %u): bounce buffer", domid);
    uint32_t cmd = d->cmd;
    rc = do_domctl(xch, d);
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl %s (dom %u)", domctl_name(cmd), domid);
    return 0;
}

int xc_domain_create(xc_handle *xch, uint32_t *domid, const struct xc_create *c,
                     struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_createdomain, *domid);
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl createdomain (dom %u): bounce buffer", *domid);
    struct xen_domctl_createdomain *cd = &d->u.createdomain;
    cd->ssidref = c->ssidref;
    memcpy(cd->handle, c->handle, 16);
    cd->flags = c->flags;
    cd->max_vcpus = c->max_vcpus;
    /* PV guests may use the full 2-level/FIFO port space unless limited. */
    cd->max_evtchn_port = c->max_evtchn_port ? c->max_evtchn_port : (uint32_t)-1;
    cd->max_grant_frames = c->max_grant_frames;
    cd->max_maptrack_frames = c->max_maptrack_frames;
    /* As libxl's default when the hypervisor offers v2 (physinfo). */
    cd->grant_opts = XEN_DOMCTL_GRANT_version(2);
    rc = do_domctl(xch, d);
    if (rc == 0)
        *domid = d->domain;
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl createdomain (dom %u)", *domid);
    return 0;
}

int xc_domain_destroy(xc_handle *xch, uint32_t domid, struct errbuf *eb)
{
    /* Xen may answer EAGAIN while it tears down; retry, but not forever. */
    for (int tries = 0;; tries++) {
        struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_destroydomain, domid);
        if (!d)
            return eb_fail(eb, -ENOMEM, "domctl destroydomain (dom %u)", domid);
        int rc = do_domctl(xch, d);
        hbuf_free(d, sizeof(*d));
        if (rc == -EAGAIN && tries < 1000) {
            usleep(1000);
            continue;
        }
        if (rc < 0)
            return eb_fail(eb, rc, "domctl destroydomain (dom %u)", domid);
        return 0;
    }
}

int xc_domain_pause(xc_handle *xch, uint32_t domid, struct errbuf *eb)
{
    return simple_domctl(xch, domctl_start(xch, XEN_DOMCTL_pausedomain, domid), domid, eb);
}

int xc_domain_unpause(xc_handle *xch, uint32_t domid, struct errbuf *eb)
{
    return simple_domctl(xch, domctl_start(xch, XEN_DOMCTL_unpausedomain, domid), domid, eb);
}

int xc_domain_max_vcpus(xc_handle *xch, uint32_t domid, unsigned max, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_max_vcpus, domid);
    if (d)
        d->u.max_vcpus.max = max;
    return simple_domctl(xch, d, domid, eb);
}

int xc_domain_setmaxmem(xc_handle *xch, uint32_t domid, uint64_t max_kb, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_max_mem, domid);
    if (d)
        d->u.max_mem.max_memkb = max_kb;
    return simple_domctl(xch, d, domid, eb);
}

int xc_domain_set_address_size(xc_handle *xch, uint32_t domid, unsigned bits, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_set_address_size, domid);
    if (d)
        d->u.address_size.size = bits;
    return simple_domctl(xch, d, domid, eb);
}

int xc_domain_sethandle(xc_handle *xch, uint32_t domid, const uint8_t handle[16], struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_setdomainhandle, domid);
    if (d)
        memcpy(d->u.setdomainhandle.handle, handle, 16);
    return simple_domctl(xch, d, domid, eb);
}

int xc_domain_settimeoffset(xc_handle *xch, uint32_t domid, int32_t secs, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_settimeoffset, domid);
    if (d)
        d->u.settimeoffset.time_offset_seconds = secs;
    return simple_domctl(xch, d, domid, eb);
}

int xc_domain_hypercall_init(xc_handle *xch, uint32_t domid, uint64_t gmfn, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_hypercall_init, domid);
    if (d)
        d->u.hypercall_init.gmfn = gmfn;
    return simple_domctl(xch, d, domid, eb);
}

int xc_domain_shutdown(xc_handle *xch, uint32_t domid, unsigned reason, struct errbuf *eb)
{
    struct sched_remote_shutdown *arg = hbuf_alloc(xch, sizeof(*arg));
    long rc;

    if (!arg)
        return eb_fail(eb, -ENOMEM, "sched_op remote_shutdown (dom %u)", domid);
    arg->domain_id = (domid_t)domid;
    arg->reason = reason;
    rc = xc_hypercall(xch, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
                      (uint64_t)(uintptr_t)arg, 0, 0, 0);
    hbuf_free(arg, sizeof(*arg));
    if (rc < 0)
        return eb_fail(eb, (int)rc, "sched_op remote_shutdown (dom %u)", domid);
    return 0;
}

void dominfo_from_raw(struct xc_dominfo *o, const struct xen_domctl_getdomaininfo *r)
{
    memset(o, 0, sizeof(*o));
    o->domid = r->domain;
    o->ssidref = r->ssidref;
    o->dying = r->flags & XEN_DOMINF_dying;
    o->hvm = r->flags & XEN_DOMINF_hvm_guest;
    o->shutdown = r->flags & XEN_DOMINF_shutdown;
    o->paused = r->flags & XEN_DOMINF_paused;
    o->blocked = r->flags & XEN_DOMINF_blocked;
    o->running = r->flags & XEN_DOMINF_running;
    o->debugged = r->flags & XEN_DOMINF_debugged;
    o->xs_domain = r->flags & XEN_DOMINF_xs_domain;
    o->shutdown_reason = (r->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    /* Xen reports a crash as shutdown with reason crash; xl shows 'c'. */
    o->crashed = o->shutdown && o->shutdown_reason == XC_SHUTDOWN_CRASH;
    o->tot_pages = r->tot_pages;
    o->max_pages = r->max_pages;
    o->outstanding_pages = r->outstanding_pages;
    o->shr_pages = r->shr_pages;
    o->paged_pages = r->paged_pages;
    o->shared_info_frame = r->shared_info_frame;
    o->cpu_time_ns = r->cpu_time;
    o->nr_online_vcpus = r->nr_online_vcpus;
    o->max_vcpu_id = r->max_vcpu_id;
    o->cpupool = r->cpupool;
    memcpy(o->handle, r->handle, 16);
}

int xc_domain_getinfo(xc_handle *xch, uint32_t domid, struct xc_dominfo *info,
                      struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_getdomaininfo, domid);
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl getdomaininfo (dom %u)", domid);
    rc = do_domctl(xch, d);
    /* getdomaininfo answers with the next domain >= domid: check it is ours. */
    if (rc == 0 && d->u.getdomaininfo.domain != domid)
        rc = -ESRCH;
    if (rc == 0)
        dominfo_from_raw(info, &d->u.getdomaininfo);
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl getdomaininfo (dom %u)", domid);
    return 0;
}

int xc_vcpu_setcontext(xc_handle *xch, uint32_t domid, unsigned vcpu,
                       const struct xc_vcpu_ctx *c, struct errbuf *eb)
{
    struct vcpu_guest_context *g = hbuf_alloc(xch, sizeof(*g));
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_setvcpucontext, domid);
    int rc;

    if (!g || !d) {
        rc = eb_fail(eb, -ENOMEM, "domctl setvcpucontext (dom %u)", domid);
        goto out;
    }
    g->flags = (c->in_kernel ? VGCF_in_kernel : 0) | VGCF_online;
    g->user_regs.rip = c->rip;
    g->user_regs.rsp = c->rsp;
    g->user_regs.rsi = c->rsi;
    g->user_regs.rflags = c->rflags;
    g->user_regs.cs = c->cs;
    g->user_regs.ss = c->ss;
    g->user_regs.ds = c->ds;
    g->user_regs.es = c->es;
    g->user_regs.fs = c->fs;
    g->user_regs.gs = c->gs;
    g->kernel_ss = c->kernel_ss;
    g->kernel_sp = c->kernel_sp;
    g->ctrlreg[3] = c->cr3_mfn << 12;     /* xen_pfn_to_cr3 for 64-bit guests */
    g->event_callback_eip = c->event_callback_eip;
    g->failsafe_callback_eip = c->failsafe_callback_eip;
    g->syscall_callback_eip = c->syscall_callback_eip;
    g->vm_assist = c->vm_assist;
    d->u.vcpucontext.vcpu = vcpu;
    d->u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)g;
    rc = do_domctl(xch, d);
    if (rc < 0)
        eb_fail(eb, rc, "domctl setvcpucontext (dom %u, vcpu %u)", domid, vcpu);
out:
    hbuf_free(d, sizeof(*d));
    hbuf_free(g, sizeof(*g));
    return rc;
}

int xc_vcpu_getinfo(xc_handle *xch, uint32_t domid, unsigned vcpu,
                    struct xc_vcpuinfo *vi, struct errbuf *eb)
{
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_getvcpuinfo, domid);
    int rc;

    if (!d)
        return eb_fail(eb, -ENOMEM, "domctl getvcpuinfo (dom %u)", domid);
    d->u.getvcpuinfo.vcpu = vcpu;
    rc = do_domctl(xch, d);
    if (rc == 0) {
        vi->online = d->u.getvcpuinfo.online;
        vi->blocked = d->u.getvcpuinfo.blocked;
        vi->running = d->u.getvcpuinfo.running;
        vi->cpu_time_ns = d->u.getvcpuinfo.cpu_time;
        vi->cpu = d->u.getvcpuinfo.cpu;
    }
    hbuf_free(d, sizeof(*d));
    if (rc < 0)
        return eb_fail(eb, rc, "domctl getvcpuinfo (dom %u, vcpu %u)", domid, vcpu);
    return 0;
}
