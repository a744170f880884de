/*
 * domctl.c — XEN_DOMCTL_* (hypercall 36): the toolstack's per-domain
 * control operations, Xen 4.17 semantics, interface version 0x15.
 *
 * do_domctl() checks the caller (control domain only), copies the request
 * in, runs domctl_op() on the kernel copy and copies the whole request back
 * for the operations that return something, as Xen does.  The helpers
 * never touch guest memory except through the guest handles carried inside
 * a request (bitmaps, contexts, CPU policy arrays), each copy checked.
 *
 * State struct domain has no room for (time offset, TSC mode, scheduler
 * weight/cap, I/O permission ranges, the xenstore-domain flag, whether the
 * toolstack has finished building the domain) is kept in a side table,
 * keyed by domain id and struct domain pointer so a recycled id never
 * inherits a dead domain's settings.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/libelf.h>
#include <xen/time.h>
#include <xen/control.h>

/* ------------------------------------------------------------ rangesets */

#define CTL_MAX_RANGES 32

struct ctl_rangeset {
    unsigned int nr;
    struct { uint64_t s, e; } r[CTL_MAX_RANGES];    /* sorted, disjoint, inclusive */
};

static bool rangeset_contains(const struct ctl_rangeset *rs, uint64_t s, uint64_t e)
{
    for (unsigned int i = 0; i < rs->nr; i++)
        if (rs->r[i].s <= s && e <= rs->r[i].e)
            return true;
    return false;
}

/* Add [s, e], merging with neighbours that touch or overlap. */
static int rangeset_add(struct ctl_rangeset *rs, uint64_t s, uint64_t e)
{
    unsigned int i = 0, j;

    while (i < rs->nr && rs->r[i].e != UINT64_MAX && rs->r[i].e + 1 < s)
        i++;
    /* r[i..j) overlap or touch [s, e]: fold them in. */
    for (j = i; j < rs->nr && (e == UINT64_MAX || rs->r[j].s <= e + 1); j++) {
        if (rs->r[j].s < s)
            s = rs->r[j].s;
        if (rs->r[j].e > e)
            e = rs->r[j].e;
    }
    if (j == i) {
        if (rs->nr == CTL_MAX_RANGES)
            return -ENOMEM;
        memmove(&rs->r[i + 1], &rs->r[i], (rs->nr - i) * sizeof(rs->r[0]));
        rs->nr++;
    } else if (j > i + 1) {
        memmove(&rs->r[i + 1], &rs->r[j], (rs->nr - j) * sizeof(rs->r[0]));
        rs->nr -= j - i - 1;
    }
    rs->r[i].s = s;
    rs->r[i].e = e;
    return 0;
}

/* Remove [s, e]; a range strictly containing it splits in two. */
static int rangeset_remove(struct ctl_rangeset *rs, uint64_t s, uint64_t e)
{
    for (unsigned int i = 0; i < rs->nr; i++) {
        uint64_t rs_s = rs->r[i].s, rs_e = rs->r[i].e;

        if (rs_e < s || rs_s > e)
            continue;
        if (rs_s < s && rs_e > e) {
            if (rs->nr == CTL_MAX_RANGES)
                return -ENOMEM;
            memmove(&rs->r[i + 1], &rs->r[i], (rs->nr - i) * sizeof(rs->r[0]));
            rs->nr++;
            rs->r[i].e = s - 1;
            rs->r[i + 1].s = e + 1;
            return 0;
        }
        if (rs_s >= s && rs_e <= e) {
            memmove(&rs->r[i], &rs->r[i + 1], (rs->nr - i - 1) * sizeof(rs->r[0]));
            rs->nr--;
            i--;
        } else if (rs_s < s) {
            rs->r[i].e = s - 1;
        } else {
            rs->r[i].s = e + 1;
        }
    }
    return 0;
}

/* ----------------------------------------------------------- side table */

struct ctl_domain {
    struct ctl_domain *next;
    const struct domain *d;
    domid_t domid;
    bool xs_domain;
    bool creation_finished;     /* first unpause by the toolstack done */
    bool vcpus_hidden;          /* created by domctl, max_vcpus not yet called */
    int64_t time_offset;        /* settimeoffset, seconds */
    uint32_t tsc_mode, gtsc_khz, incarnation;
    uint32_t emulation_flags, misc_flags;
    struct ctl_rangeset iomem, ioports;
};

static struct ctl_domain *ctl_list;
static domid_t domid_rover;

static struct ctl_domain *ctl_find(const struct domain *d)
{
    for (struct ctl_domain *c = ctl_list; c != NULL; c = c->next)
        if (c->d == d && c->domid == d->domain_id)
            return c;
    return NULL;
}

static void ctl_drop(domid_t domid)
{
    struct ctl_domain **pp = &ctl_list;

    while (*pp != NULL) {
        struct ctl_domain *c = *pp;

        if (c->domid == domid) {
            *pp = c->next;
            xfree(c);
        } else {
            pp = &c->next;
        }
    }
}

/* d's entry, created with Xen's defaults on first use; NULL if no memory. */
static struct ctl_domain *ctl_get(const struct domain *d)
{
    struct ctl_domain *c = ctl_find(d);

    if (c != NULL)
        return c;
    ctl_drop(d->domain_id);         /* a dead domain's entry with the same id */
    c = xzalloc(struct ctl_domain);
    if (c == NULL)
        return NULL;
    c->d = d;
    c->domid = d->domain_id;
    c->tsc_mode = TSC_MODE_DEFAULT;
    c->next = ctl_list;
    ctl_list = c;
    return c;
}

#ifdef __HOST_TEST__
void ctl_reset_for_tests(void)
{
    while (ctl_list != NULL)
        ctl_drop(ctl_list->domid);
    domid_rover = 0;
}
#endif

/*
 * d's vCPU id as the toolstack may see it.  Xen 4.17 creates a domain's
 * vCPUs at XEN_DOMCTL_max_vcpus, not at createdomain; ours exist from the
 * start, so until max_vcpus they are hidden the way Xen's are absent.
 */
static struct vcpu *ctl_vcpu(const struct domain *d, const struct ctl_domain *c,
                             unsigned int id)
{
    if (c != NULL && c->vcpus_hidden)
        return NULL;
    return domain_vcpu(d, id);
}

bool ctl_iomem_access_permitted(const struct domain *d, uint64_t first_mfn, uint64_t last_mfn)
{
    const struct ctl_domain *c;

    if (d->is_privileged)
        return true;
    c = ctl_find(d);
    return c != NULL && rangeset_contains(&c->iomem, first_mfn, last_mfn);
}

bool ctl_ioport_access_permitted(const struct domain *d, uint32_t first, uint32_t last)
{
    const struct ctl_domain *c;

    if (d->is_privileged)
        return true;
    c = ctl_find(d);
    return c != NULL && rangeset_contains(&c->ioports, first, last);
}

/* -------------------------------------------------------- getdomaininfo */

static uint64_t vcpu_running_time(const struct vcpu *v)
{
    uint64_t t = v->runstate.time[RUNSTATE_running];
    s_time_t now = NOW();

    /* Time in the current stint counts too (Xen's vcpu_runstate_get). */
    if (v->runstate.state == RUNSTATE_running && now > (s_time_t)v->runstate.state_entry_time)
        t += (uint64_t)(now - (s_time_t)v->runstate.state_entry_time);
    return t;
}

void ctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    const struct ctl_domain *c = ctl_find(d);
    uint32_t flags = XEN_DOMINF_blocked;
    uint64_t cpu_time = 0;
    struct vcpu *v;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    for_each_vcpu(d, v) {
        if (c != NULL && c->vcpus_hidden)
            break;
        cpu_time += vcpu_running_time(v);
        info->max_vcpu_id = v->vcpu_id;
        if (!(v->pause_flags & VPF_down)) {
            if (!(v->pause_flags & VPF_blocked))
                flags &= ~XEN_DOMINF_blocked;
            if (v->is_running)
                flags |= XEN_DOMINF_running;
            info->nr_online_vcpus++;
        }
    }
    info->cpu_time = cpu_time;
    /* Xen reports blocked/running only while some vCPU is up. */
    info->flags = (info->nr_online_vcpus ? flags : 0) |
                  (d->is_dying == DOMDYING_dead ? XEN_DOMINF_dying : 0) |
                  (d->is_shut_down ? XEN_DOMINF_shutdown : 0) |
                  (d->controller_pause_count > 0 ? XEN_DOMINF_paused : 0) |
                  (c != NULL && c->xs_domain ? XEN_DOMINF_xs_domain : 0);
    /* Bits 16-31 carry the shutdown code; before any shutdown Xen's code is
     * its "invalid" ~0, so they read all ones (as seen on Xen 4.17). */
    if (d->is_shut_down)
        info->flags |= (d->shutdown_code & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift;
    else
        info->flags |= 0xffffu << XEN_DOMINF_shutdownshift;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->outstanding_pages = d->outstanding_pages;   /* its claim (XENMEM_claim_pages) */
    info->shr_pages = 0;
    info->paged_pages = 0;
    /* PV: the frame number the tools map is the MFN. */
    info->shared_info_frame = d->shared_info_mfn;
    info->ssidref = 0;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->cpupool = 0;
    info->gpaddr_bits = 0;
    {
        struct cpuid_regs r;

        arch_ctl_cpuid(CTL_CPUID_HOST, 0x80000000u, 0, &r);
        if (r.a >= 0x80000008u) {
            arch_ctl_cpuid(CTL_CPUID_HOST, 0x80000008u, 0, &r);
            info->gpaddr_bits = (uint8_t)r.a;
        }
        if (info->gpaddr_bits == 0)
            info->gpaddr_bits = 36;
    }
    if (c != NULL) {
        info->arch_config.emulation_flags = c->emulation_flags;
        info->arch_config.misc_flags = c->misc_flags;
    }
}

/* ------------------------------------------------------------- bitmaps */

/* Read the low 64 bits of a guest bitmap (Xen masks bits past nr_bits). */
static int bitmap_from_guest(const struct xenctl_bitmap *b, uint64_t *mask)
{
    unsigned int bytes = (b->nr_bits + 7) / 8;
    uint8_t buf[8] = { 0 };

    if (bytes > sizeof(buf))
        bytes = sizeof(buf);
    if (bytes && copy_from_guest_va(buf, b->bitmap.p, bytes) != 0)
        return -EFAULT;
    if (bytes && (b->nr_bits & 7) && bytes * 8 > b->nr_bits)
        buf[bytes - 1] &= (uint8_t)((1u << (b->nr_bits & 7)) - 1);
    *mask = 0;
    for (unsigned int i = 0; i < bytes; i++)
        *mask |= (uint64_t)buf[i] << (8 * i);
    return 0;
}

/* Write mask (nbits <= 64 meaningful bits) into the guest's bitmap, zeroing
 * the rest of the room it gave, as Xen's cpumask_to_xenctl_bitmap. */
static int bitmap_to_guest(const struct xenctl_bitmap *b, uint64_t mask, unsigned int nbits)
{
    unsigned int guest_bytes = (b->nr_bits + 7) / 8, ours = (nbits + 7) / 8;
    uint8_t zero[64] = { 0 };
    uint8_t buf[8];
    unsigned int done;

    for (unsigned int i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(mask >> (8 * i));
    if (ours > guest_bytes)
        ours = guest_bytes;
    if (ours && (b->nr_bits & 7) && ours == guest_bytes)
        buf[ours - 1] &= (uint8_t)((1u << (b->nr_bits & 7)) - 1);
    if (ours && copy_to_guest_va(b->bitmap.p, buf, ours) != 0)
        return -EFAULT;
    for (done = ours; done < guest_bytes; ) {
        unsigned int n = guest_bytes - done < sizeof(zero) ? guest_bytes - done : sizeof(zero);

        if (copy_to_guest_va(b->bitmap.p + done, zero, n) != 0)
            return -EFAULT;
        done += n;
    }
    return 0;
}

/* One NUMA node. */
#define CTL_NODE_MASK   1ULL

/* ------------------------------------------------------------ helpers */

/*
 * Until the PV core provides the vCPU context hooks, set/getvcpucontext
 * answer -EOPNOTSUPP rather than pretending; the weak symbols give way to
 * the PV core's definitions at link time.
 */
__attribute__((weak)) int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
    return -EOPNOTSUPP;
}

__attribute__((weak)) int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctx)
{
    return -EOPNOTSUPP;
}

static int domctl_createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *cfg = &op->u.createdomain;
    const uint32_t pv_flags = XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_oos_off |
                              XEN_DOMCTL_CDF_s3_integrity;
    struct ctl_domain *c;
    struct domain *d;
    struct vcpu *v;
    domid_t dom = op->domain;
    int rc;

    /* Xen's sanitise_domain_config(): no HVM, no IOMMU, no vPMU here. */
    if (cfg->flags & ~pv_flags)
        return -EINVAL;
    if (cfg->max_vcpus == 0 || cfg->max_vcpus > MAX_VIRT_CPUS)
        return -EINVAL;
    if (cfg->iommu_opts != 0 || cfg->vmtrace_size != 0)
        return -EINVAL;
    if (cfg->max_grant_frames >= 0 &&
        (cfg->max_grant_frames < 1 || cfg->max_grant_frames > MAX_GRANT_FRAMES))
        return -EINVAL;
    /* The highest grant table version the domain may switch to: 1 or 2. */
    if (XEN_DOMCTL_GRANT_version(cfg->grant_opts) < 1 ||
        XEN_DOMCTL_GRANT_version(cfg->grant_opts) > 2 || (cfg->grant_opts & ~0xfu))
        return -EINVAL;
    /* A PV domain may ask for the PIT (Xen lets it) and nothing else. */
    if (cfg->arch.emulation_flags & ~XEN_X86_EMU_PIT)
        return -EINVAL;
    if (cfg->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
        return -EINVAL;
    if (cfg->cpupool_id != 0)
        return -ENOENT;

    if (dom > 0 && dom < DOMID_FIRST_RESERVED) {
        d = get_domain_by_id(dom);
        if (d != NULL) {
            put_domain(d);
            return -EEXIST;
        }
    } else {
        /* Xen hands out ids from a rover: the next free one after the last
         * given, wrapping to 1; a destroyed domain's id is not reused at
         * once. */
        for (dom = (domid_t)(domid_rover + 1); dom != domid_rover; dom++) {
            if (dom >= DOMID_FIRST_RESERVED)
                dom = 1;
            if (dom == domid_rover)
                break;
            d = get_domain_by_id(dom);
            if (d == NULL)
                break;
            put_domain(d);
        }
        if (dom == domid_rover)
            return -ENOMEM;
        domid_rover = dom;
    }

    rc = domain_create(dom, 0, cfg->max_vcpus, &d);
    if (rc)
        return rc;
    memcpy(d->handle, cfg->handle, sizeof(d->handle));
    if (cfg->max_evtchn_port < d->max_evtchn_port)
        d->max_evtchn_port = cfg->max_evtchn_port;
    if (cfg->max_grant_frames > 0 && d->grant_table != NULL)
        d->grant_table->max_frames = (unsigned int)cfg->max_grant_frames;
    if (d->grant_table != NULL)
        d->grant_table->max_version = XEN_DOMCTL_GRANT_version(cfg->grant_opts);
    c = ctl_get(d);
    if (c == NULL) {
        domain_kill(d);
        return -ENOMEM;
    }
    c->xs_domain = (cfg->flags & XEN_DOMCTL_CDF_xs_domain) != 0;
    c->vcpus_hidden = true;
    /* As on Xen, every vCPU (0 included) stays down until setvcpucontext
     * gives it a context marked VGCF_online. */
    for_each_vcpu(d, v) {
        v->pause_flags |= VPF_down;
        v->runstate.state = RUNSTATE_offline;
    }
    c->emulation_flags = cfg->arch.emulation_flags;
    c->misc_flags = cfg->arch.misc_flags;
    op->domain = d->domain_id;
    return 0;
}

static int domctl_vcpucontext(struct domain *caller, struct domain *d,
                              const struct ctl_domain *c, struct xen_domctl *op, bool set)
{
    struct vcpu_guest_context *ctx;
    struct vcpu *v;
    uint64_t guest = op->u.vcpucontext.ctxt.p;
    int rc;

    /* Setting needs the whole domain paused, so never the caller's own;
     * reading only pauses the one vCPU, which must not be the caller. */
    if ((set && d == caller) || op->u.vcpucontext.vcpu >= d->max_vcpus)
        return -EINVAL;
    v = ctl_vcpu(d, c, op->u.vcpucontext.vcpu);
    if (v == NULL || v == current)
        return -EINVAL;
    if (set && guest == 0) {
        domain_pause(d);
        rc = arch_set_vcpu_context(v, NULL);
        if (rc == 0)
            v->pause_flags |= VPF_down;     /* Xen's vcpu_reset */
        domain_unpause(d);
        return rc;
    }
    if (!set && !v->is_initialised)
        return -ENODATA;
    ctx = xzalloc(struct vcpu_guest_context);
    if (ctx == NULL)
        return -ENOMEM;
    if (set) {
        rc = -EFAULT;
        if (copy_from_guest_va(ctx, guest, sizeof(*ctx)) != 0)
            goto out;
        domain_pause(d);
        rc = arch_set_vcpu_context(v, ctx);
        /* VGCF_online brings the vCPU up (the builder sets it on vCPU 0),
         * its absence takes it down, as Xen's arch_set_info_guest. */
        if (rc == 0 && (ctx->flags & VGCF_online))
            v->pause_flags &= ~VPF_down;
        else if (rc == 0)
            v->pause_flags |= VPF_down;
        domain_unpause(d);
    } else {
        vcpu_pause(v);
        rc = arch_get_vcpu_context(v, ctx);
        vcpu_unpause(v);
        if (rc == 0 && copy_to_guest_va(guest, ctx, sizeof(*ctx)) != 0)
            rc = -EFAULT;
    }
out:
    xfree(ctx);
    return rc;
}

static int domctl_getvcpuinfo(struct domain *d, const struct ctl_domain *c,
                              struct xen_domctl *op)
{
    struct xen_domctl_getvcpuinfo *vi = &op->u.getvcpuinfo;
    struct vcpu *v;

    if (vi->vcpu >= d->max_vcpus)
        return -EINVAL;
    v = ctl_vcpu(d, c, vi->vcpu);
    if (v == NULL)
        return -ESRCH;
    vi->online = !(v->pause_flags & VPF_down);
    vi->blocked = !!(v->pause_flags & VPF_blocked);
    vi->running = v->is_running;
    vi->cpu_time = vcpu_running_time(v);
    vi->cpu = v->sched.cpu;
    return 0;
}

/*
 * Affinities as Xen 4.17 handles them: a hard map that names no online CPU
 * is -EINVAL; set reports the effective maps back (hard & online; soft &
 * hard & online), get reports what was set, both over the CPUs there are.
 */
static int domctl_vcpuaffinity(struct domain *d, const struct ctl_domain *c,
                               struct xen_domctl *op, bool set)
{
    struct xen_domctl_vcpuaffinity *va = &op->u.vcpuaffinity;
    /* Maps cover the CPUs there are (Xen's nr_cpu_ids), not only the
     * ones scheduling, so an untouched map reads "all". */
    unsigned int nbits = arch_nr_cpus() < 64 ? arch_nr_cpus() : 64;
    sched_cpumask_t present = nbits >= 64 ? ~(sched_cpumask_t)0 : ((sched_cpumask_t)1 << nbits) - 1;
    sched_cpumask_t online = sched_policy_online(), hard, soft;
    sched_cpumask_t tickle;
    struct vcpu *v;
    int rc;

    if (va->vcpu >= d->max_vcpus)
        return -EINVAL;
    v = ctl_vcpu(d, c, va->vcpu);
    if (v == NULL)
        return -ESRCH;
    if (!(va->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)))
        return -EINVAL;
    hard = v->sched.hard;
    soft = v->sched.soft;
    if (set) {
        if (va->flags & XEN_VCPUAFFINITY_HARD) {
            rc = bitmap_from_guest(&va->cpumap_hard, &hard);
            if (rc)
                return rc;
        }
        if (va->flags & XEN_VCPUAFFINITY_SOFT) {
            rc = bitmap_from_guest(&va->cpumap_soft, &soft);
            if (rc)
                return rc;
        }
        rc = sched_policy_set_affinity(&v->sched, &hard, &soft, NOW(), &tickle);
        if (rc)
            return rc;
        sched_reschedule(tickle);
        hard &= online;
        soft &= hard;
    }
    hard &= present;
    soft &= present;
    if (va->flags & XEN_VCPUAFFINITY_HARD) {
        rc = bitmap_to_guest(&va->cpumap_hard, hard, nbits);
        if (rc)
            return rc;
    }
    if (va->flags & XEN_VCPUAFFINITY_SOFT) {
        rc = bitmap_to_guest(&va->cpumap_soft, soft, nbits);
        if (rc)
            return rc;
    }
    return 0;
}

static int domctl_scheduler_op(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;
    unsigned int weight, cap;

    if (s->sched_id != CTL_SCHEDULER_ID)
        return -EINVAL;
    switch (s->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        sched_policy_get_params(&d->sched, &weight, &cap);
        s->u.credit2.weight = weight;
        s->u.credit2.cap = cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        /* credit2: weight 0 leaves it; a cap is a percentage of one CPU per
         * vCPU at most, 0 removing it. */
        return sched_policy_set_params(&d->sched, s->u.credit2.weight, s->u.credit2.cap,
                                       d->max_vcpus);
    case XEN_DOMCTL_SCHEDOP_putvcpuinfo:
    case XEN_DOMCTL_SCHEDOP_getvcpuinfo:
        return -EINVAL;                 /* credit2 has no per-vCPU parameters */
    default:
        return -EINVAL;
    }
}

static int domctl_hypercall_init(struct domain *d, struct xen_domctl *op)
{
    mfn_t mfn = (mfn_t)op->u.hypercall_init.gmfn;
    struct page_info *pg;

    /* PV: the frame number is a machine frame the domain must own. */
    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d))
        return -EINVAL;
    if (get_page_type(pg, PGT_writable_page) != 0) {
        put_page(pg);
        return -EPERM;
    }
    xen_hypercall_page_init((uint8_t *)mfn_to_virt(mfn));
    put_page_type(pg);
    put_page(pg);
    return 0;
}

static int domctl_tscinfo(struct domain *caller, struct domain *d,
                          struct ctl_domain *c, struct xen_domctl *op, bool set)
{
    struct xen_domctl_tsc_info *t = &op->u.tsc_info;

    /* Xen refuses both directions on the caller itself (no domain_pause). */
    if (d == caller)
        return -EINVAL;
    if (!set) {
        t->tsc_mode = c->tsc_mode;
        t->gtsc_khz = c->gtsc_khz ? c->gtsc_khz : arch_cpu_khz();
        t->incarnation = c->incarnation;
        t->pad = 0;
        t->elapsed_nsec = (uint64_t)NOW();
        return 0;
    }
    switch (t->tsc_mode) {
    case TSC_MODE_DEFAULT:
    case TSC_MODE_NEVER_EMULATE:
        /* The TSC always runs natively here, which both modes allow. */
        break;
    case TSC_MODE_ALWAYS_EMULATE:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
    c->tsc_mode = t->tsc_mode;
    c->gtsc_khz = t->gtsc_khz;
    c->incarnation = t->incarnation;
    return 0;
}

static int domctl_iomem_permission(struct domain *caller, struct ctl_domain *c,
                                   struct xen_domctl *op)
{
    const struct xen_domctl_iomem_permission *p = &op->u.iomem_permission;
    uint64_t last;

    if (p->nr_mfns == 0 || p->first_mfn + p->nr_mfns - 1 < p->first_mfn)
        return -EINVAL;
    last = p->first_mfn + p->nr_mfns - 1;
    if (last >> (52 - PAGE_SHIFT))
        return -EINVAL;
    /* The caller can only hand on access it has itself. */
    if (!ctl_iomem_access_permitted(caller, p->first_mfn, last))
        return -EPERM;
    return p->allow_access ? rangeset_add(&c->iomem, p->first_mfn, last)
                           : rangeset_remove(&c->iomem, p->first_mfn, last);
}

static int domctl_ioport_permission(struct domain *caller, struct ctl_domain *c,
                                    struct xen_domctl *op)
{
    const struct xen_domctl_ioport_permission *p = &op->u.ioport_permission;
    uint64_t end = (uint64_t)p->first_port + p->nr_ports;

    if (p->nr_ports == 0 || end - 1 > 0xffff)
        return -EINVAL;
    if (!ctl_ioport_access_permitted(caller, p->first_port, (uint32_t)(end - 1)))
        return -EPERM;
    return p->allow_access ? rangeset_add(&c->ioports, p->first_port, end - 1)
                           : rangeset_remove(&c->ioports, p->first_port, end - 1);
}

/* ------------------------------------------------------------ CPU policy */

/*
 * Copy a view's CPU policy to the guest arrays at leaves_va / msrs_va; a
 * null array asks for its size instead (Xen's maximum, the count
 * libxenguest sizes its buffers from), each array on its own, as Xen 4.17
 * does.  XEN_DOMCTL_ and XEN_SYSCTL_get_cpu_policy both work this way.
 */
int ctl_cpu_policy_to_guest(enum ctl_cpuid_view view, uint64_t leaves_va, uint32_t *nr_leaves,
                            uint64_t msrs_va, uint32_t *nr_msrs)
{
    xen_cpuid_leaf_t *leaves = NULL;
    xen_msr_entry_t msrs[CTL_MSR_MAX_ENTRIES];
    uint32_t nl = 0, nm = 0;
    int rc;

    if (leaves_va == 0)
        *nr_leaves = CTL_CPUID_MAX_LEAVES;
    if (msrs_va == 0)
        *nr_msrs = CTL_MSR_MAX_ENTRIES;
    if (leaves_va == 0 && msrs_va == 0)
        return 0;
    leaves = xzalloc_array(xen_cpuid_leaf_t, CTL_CPUID_MAX_LEAVES);
    if (leaves == NULL)
        return -ENOMEM;
    rc = ctl_cpu_policy_serialise(view, leaves, CTL_CPUID_MAX_LEAVES, &nl,
                                  msrs, CTL_MSR_MAX_ENTRIES, &nm);
    if (rc)
        goto out;
    rc = -ENOBUFS;
    if ((leaves_va != 0 && *nr_leaves < nl) || (msrs_va != 0 && *nr_msrs < nm))
        goto out;
    rc = -EFAULT;
    if (leaves_va != 0 && copy_to_guest_va(leaves_va, leaves, nl * sizeof(*leaves)))
        goto out;
    if (msrs_va != 0 && copy_to_guest_va(msrs_va, msrs, nm * sizeof(*msrs)))
        goto out;
    if (leaves_va != 0)
        *nr_leaves = nl;
    if (msrs_va != 0)
        *nr_msrs = nm;
    rc = 0;
out:
    xfree(leaves);
    return rc;
}

static int domctl_get_cpu_policy(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_cpu_policy *p = &op->u.cpu_policy;

    return ctl_cpu_policy_to_guest(d->is_privileged ? CTL_CPUID_PV_DOM0 : CTL_CPUID_PV,
                                   p->leaves.p, &p->nr_leaves, p->msrs.p, &p->nr_msrs);
}

/*
 * What Xen 4.17's x86_cpu_policies_are_compatible() checks of a new
 * policy: only that its maximum leaves (basic, leaf 7 subleaf, extended)
 * do not exceed ours.  Feature bits are not refused: Xen clamps them to
 * what it offers (libxenguest sets e.g. HTT from the host's featureset for
 * a PV guest, which the PV policy itself does not list).
 */
static bool leaf_is_compatible(const xen_cpuid_leaf_t *ours, const xen_cpuid_leaf_t *theirs)
{
    uint32_t l = ours->leaf, s = ours->subleaf;

    if (l == 0 || l == 0x80000000u || (l == 7 && s == 0))
        return theirs->a <= ours->a;
    return true;
}

static int domctl_set_cpu_policy(struct domain *caller, struct domain *d,
                                 const struct ctl_domain *c, struct xen_domctl *op)
{
    struct xen_domctl_cpu_policy *p = &op->u.cpu_policy;
    enum ctl_cpuid_view view = d->is_privileged ? CTL_CPUID_PV_DOM0 : CTL_CPUID_PV;
    xen_cpuid_leaf_t *ours = NULL, theirs;
    xen_msr_entry_t our_msrs[CTL_MSR_MAX_ENTRIES], their_msr;
    uint32_t nl = 0, nm = 0, i, j;
    int rc;

    p->err_leaf = p->err_subleaf = p->err_msr = ~0u;
    if (d == caller)
        return -EINVAL;
    if (c->creation_finished)
        return -EEXIST;
    if (p->nr_leaves > CTL_CPUID_MAX_LEAVES || p->nr_msrs > CTL_MSR_MAX_ENTRIES)
        return -ENOBUFS;
    ours = xzalloc_array(xen_cpuid_leaf_t, CTL_CPUID_MAX_LEAVES);
    if (ours == NULL)
        return -ENOMEM;
    rc = ctl_cpu_policy_serialise(view, ours, CTL_CPUID_MAX_LEAVES, &nl,
                                  our_msrs, CTL_MSR_MAX_ENTRIES, &nm);
    if (rc)
        goto out;
    for (i = 0; i < p->nr_leaves; i++) {
        rc = -EFAULT;
        if (copy_from_guest_va(&theirs, p->leaves.p + i * sizeof(theirs), sizeof(theirs)))
            goto out;
        for (j = 0; j < nl; j++)
            if (ours[j].leaf == theirs.leaf && ours[j].subleaf == theirs.subleaf)
                break;
        rc = j == nl ? -ERANGE : (leaf_is_compatible(&ours[j], &theirs) ? 0 : -EINVAL);
        if (rc) {
            p->err_leaf = theirs.leaf;
            p->err_subleaf = theirs.subleaf;
            goto out;
        }
    }
    for (i = 0; i < p->nr_msrs; i++) {
        rc = -EFAULT;
        if (copy_from_guest_va(&their_msr, p->msrs.p + i * sizeof(their_msr), sizeof(their_msr)))
            goto out;
        for (j = 0; j < nm; j++)
            if (our_msrs[j].idx == their_msr.idx)
                break;
        /* Xen checks MSR_PLATFORM_INFO's bits only (CPUID faulting). */
        rc = (j == nm || their_msr.flags) ? -ERANGE
             : ((their_msr.idx == 0xce && (their_msr.val & ~our_msrs[j].val)) ? -EINVAL : 0);
        if (rc) {
            p->err_msr = their_msr.idx;
            goto out;
        }
    }
    /* Compatible: accepted.  The policy is not kept per domain (docs/abi.md):
     * the domain keeps seeing the PV view, which is what Xen's clamping of
     * feature bits to its own would leave of it. */
    rc = 0;
out:
    xfree(ours);
    return rc;
}

/* ------------------------------------------------------------ dispatch */

static bool domctl_is_known(uint32_t cmd)
{
    switch (cmd) {
    case XEN_DOMCTL_destroydomain: case XEN_DOMCTL_pausedomain:
    case XEN_DOMCTL_unpausedomain: case XEN_DOMCTL_max_mem:
    case XEN_DOMCTL_max_vcpus: case XEN_DOMCTL_setvcpucontext:
    case XEN_DOMCTL_getvcpucontext: case XEN_DOMCTL_getvcpuinfo:
    case XEN_DOMCTL_setdomainhandle: case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity: case XEN_DOMCTL_setnodeaffinity:
    case XEN_DOMCTL_getnodeaffinity: case XEN_DOMCTL_scheduler_op:
    case XEN_DOMCTL_settimeoffset: case XEN_DOMCTL_set_address_size:
    case XEN_DOMCTL_get_address_size: case XEN_DOMCTL_settscinfo:
    case XEN_DOMCTL_gettscinfo: case XEN_DOMCTL_hypercall_init:
    case XEN_DOMCTL_iomem_permission: case XEN_DOMCTL_ioport_permission:
    case XEN_DOMCTL_get_cpu_policy: case XEN_DOMCTL_set_cpu_policy:
    case XEN_DOMCTL_resumedomain: case XEN_DOMCTL_getpageframeinfo3:
        return true;
    default:
        return false;
    }
}

/* Run one domctl on the kernel copy; *copyback says whether op goes back. */
static int domctl_op(struct domain *caller, struct xen_domctl *op, bool *copyback)
{
    struct domain *d = NULL;
    struct ctl_domain *c = NULL;
    int rc;

    switch (op->cmd) {
    case XEN_DOMCTL_createdomain:
        rc = domctl_createdomain(op);
        *copyback = rc == 0;
        return rc;
    case XEN_DOMCTL_getdomaininfo:
        /* The first domain with an id at or above the one asked. */
        if (op->domain >= DOMID_FIRST_RESERVED)
            return -EINVAL;
        d = domain_first_from(op->domain);
        if (d == NULL)
            return -ESRCH;
        ctl_getdomaininfo(d, &op->u.getdomaininfo);
        op->domain = op->u.getdomaininfo.domain;
        put_domain(d);
        *copyback = true;
        return 0;
    default:
        if (!domctl_is_known(op->cmd))
            return -ENOSYS;             /* gdbsx, HVM-only, unimplemented */
        break;
    }

    d = get_domain_by_id(op->domain);
    if (d == NULL)
        return -ESRCH;
    c = ctl_get(d);
    if (c == NULL) {
        rc = -ENOMEM;
        goto out;
    }

    switch (op->cmd) {
    case XEN_DOMCTL_destroydomain:
        if (d == caller) {
            rc = -EINVAL;
            break;
        }
        rc = domain_kill(d);
        if (rc == 0)
            ctl_drop(d->domain_id);
        break;
    case XEN_DOMCTL_pausedomain:
        rc = d == caller ? -EINVAL : domain_pause_by_controller(d);
        break;
    case XEN_DOMCTL_unpausedomain:
        rc = domain_unpause_by_controller(d);
        if (rc == 0)
            c->creation_finished = true;
        break;
    case XEN_DOMCTL_max_mem: {
        uint64_t pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);

        /* Lowering below tot_pages is allowed: allocations fail until the
         * domain is back under (Xen's "ratchet down"). */
        spin_lock(&d->page_alloc_lock);
        d->max_pages = pages > (unsigned long)-1 ? (unsigned long)-1 : (unsigned long)pages;
        spin_unlock(&d->page_alloc_lock);
        rc = 0;
        break;
    }
    case XEN_DOMCTL_max_vcpus:
        /* The count was fixed by createdomain: only it is accepted, and it
         * makes the vCPUs visible (Xen allocates them here). */
        rc = (d == caller || op->u.max_vcpus.max != d->max_vcpus) ? -EINVAL : 0;
        if (rc == 0)
            c->vcpus_hidden = false;
        break;
    case XEN_DOMCTL_setvcpucontext:
        rc = domctl_vcpucontext(caller, d, c, op, true);
        break;
    case XEN_DOMCTL_getvcpucontext:
        rc = domctl_vcpucontext(caller, d, c, op, false);
        break;
    case XEN_DOMCTL_getvcpuinfo:
        rc = domctl_getvcpuinfo(d, c, op);
        *copyback = rc == 0;
        break;
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        rc = 0;
        break;
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        rc = domctl_vcpuaffinity(d, c, op, op->cmd == XEN_DOMCTL_setvcpuaffinity);
        break;
    case XEN_DOMCTL_setnodeaffinity: {
        uint64_t nodes;

        rc = bitmap_from_guest(&op->u.nodeaffinity.nodemap, &nodes);
        if (rc == 0 && !(nodes & CTL_NODE_MASK))
            rc = -EINVAL;
        break;
    }
    case XEN_DOMCTL_getnodeaffinity:
        rc = bitmap_to_guest(&op->u.nodeaffinity.nodemap, CTL_NODE_MASK, 1);
        break;
    case XEN_DOMCTL_scheduler_op:
        rc = domctl_scheduler_op(d, op);
        *copyback = rc == 0;
        break;
    case XEN_DOMCTL_settimeoffset:
        c->time_offset = op->u.settimeoffset.time_offset_seconds;
        rc = 0;
        break;
    case XEN_DOMCTL_set_address_size:
        /* 64-bit PV only: no compat (32-bit) guests. */
        if (op->u.address_size.size == 64)
            rc = 0;
        else
            rc = op->u.address_size.size == 32 ? -EOPNOTSUPP : -EINVAL;
        break;
    case XEN_DOMCTL_get_address_size:
        op->u.address_size.size = 64;
        *copyback = true;
        rc = 0;
        break;
    case XEN_DOMCTL_settscinfo:
    case XEN_DOMCTL_gettscinfo:
        rc = domctl_tscinfo(caller, d, c, op, op->cmd == XEN_DOMCTL_settscinfo);
        *copyback = rc == 0 && op->cmd == XEN_DOMCTL_gettscinfo;
        break;
    case XEN_DOMCTL_hypercall_init:
        rc = domctl_hypercall_init(d, op);
        break;
    case XEN_DOMCTL_iomem_permission:
        rc = domctl_iomem_permission(caller, c, op);
        break;
    case XEN_DOMCTL_ioport_permission:
        rc = domctl_ioport_permission(caller, c, op);
        break;
    case XEN_DOMCTL_get_cpu_policy:
        rc = domctl_get_cpu_policy(d, op);
        *copyback = rc == 0;
        break;
    case XEN_DOMCTL_set_cpu_policy:
        rc = domctl_set_cpu_policy(caller, d, c, op);
        *copyback = true;               /* err_leaf/err_subleaf/err_msr */
        break;
    case XEN_DOMCTL_resumedomain:
        rc = domctl_resumedomain(caller, d);
        break;
    case XEN_DOMCTL_getpageframeinfo3:
        rc = domctl_getpageframeinfo3(d, op);
        break;
    default:
        rc = -ENOSYS;                   /* unreachable: domctl_is_known() */
        break;
    }
out:
    put_domain(d);
    return rc;
}

long do_domctl(XEN_GUEST_HANDLE_PARAM(void) u_domctl)
{
    struct domain *caller = current->domain;
    struct xen_domctl op;
    bool copyback = false;
    long rc;

    if (copy_from_guest_va(&op, u_domctl.p, sizeof(op)) != 0)
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!caller->is_privileged)
        return -EPERM;
    rc = domctl_op(caller, &op, &copyback);
    if (copyback && copy_to_guest_va(u_domctl.p, &op, sizeof(op)) != 0)
        rc = -EFAULT;
    return rc;
}
