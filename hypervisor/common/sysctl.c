/*
 * sysctl.c — XEN_SYSCTL_* (hypercall 35): machine-wide queries for the
 * toolstack (`xl info`, `xl list`, `xl dmesg`, libxl's CPU policy and
 * topology probes), Xen 4.17 semantics, interface version 0x15.
 *
 * The machine as this hypervisor runs it: the firmware's processors
 * (nr_cpus, as Xen counts them; vCPUs all run on the first), one NUMA node,
 * one cpupool (id 0, reported as credit2 like Xen 4.17's default) holding
 * every domain.  CPU policies
 * are serialised in Xen's xen_cpuid_leaf_t / xen_msr_entry_t format from
 * the arch's CPUID views (host, PV domU, PV dom0); domctl.c shares that
 * code for XEN_DOMCTL_get/set_cpu_policy.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/sched_policy.h>
#include <xen/console.h>
#include <xen/guest_access.h>
#include <xen/control.h>
#include <xen/domheap.h>
#include <xen/hypercall.h>

/* The machine's processors (every vCPU runs on the first). */
#define CTL_NR_CPUS     arch_nr_cpus()
#define CTL_NR_NODES    1
#define CTL_NODE_DISTANCE_LOCAL 10

/* MSRs in a serialised policy (Xen 4.17's two). */
#define MSR_INTEL_PLATFORM_INFO 0x000000ceu
#define MSR_ARCH_CAPABILITIES   0x0000010au

/* --------------------------------------------------------- CPU policies */

static int put_leaf(xen_cpuid_leaf_t *leaves, uint32_t max, uint32_t *n, enum ctl_cpuid_view view,
                    uint32_t leaf, uint32_t subleaf, bool has_subleaf)
{
    struct cpuid_regs r;

    if (*n >= max)
        return -ENOBUFS;
    arch_ctl_cpuid(view, leaf, has_subleaf ? subleaf : 0, &r);
    leaves[*n].leaf = leaf;
    leaves[*n].subleaf = has_subleaf ? subleaf : XEN_CPUID_NO_SUBLEAF;
    leaves[*n].a = r.a;
    leaves[*n].b = r.b;
    leaves[*n].c = r.c;
    leaves[*n].d = r.d;
    (*n)++;
    return 0;
}

/*
 * The leaves Xen 4.17's x86_cpuid_copy_to_buffer() emits, in its order:
 * libxenguest re-serialises a policy it got from us into a buffer sized by
 * the count we returned (xc_cpuid_apply_policy), so any leaf it would emit
 * and we did not makes its serialisation fail with -ENOBUFS.  Basic leaves
 * up to 0xd; leaf 4 and leaf 0xb up to and including the first subleaf of
 * null type (at most 6 and 2); leaf 7 up to its max subleaf (at most 2);
 * leaf 0xd subleaves 0, 1 and one per xstate component up to the highest
 * in XCR0 | XSS; the two hypervisor-range limits (0 in a policy: Xen
 * synthesises its leaves at CPUID time); extended leaves up to 0x80000021.
 */
int ctl_cpu_policy_serialise(enum ctl_cpuid_view view, xen_cpuid_leaf_t *leaves,
                             uint32_t max_leaves, uint32_t *nr_leaves,
                             xen_msr_entry_t *msrs, uint32_t max_msrs, uint32_t *nr_msrs)
{
    struct cpuid_regs r;
    uint32_t n = 0, max_basic, max_ext, leaf, sub;
    uint64_t xstates;
    int rc = 0;

    arch_ctl_cpuid(view, 0, 0, &r);
    max_basic = r.a < 0xdu ? r.a : 0xdu;
    for (leaf = 0; leaf <= max_basic && rc == 0; leaf++) {
        switch (leaf) {
        case 0x4:
            for (sub = 0; sub < 6 && rc == 0; sub++) {
                rc = put_leaf(leaves, max_leaves, &n, view, leaf, sub, true);
                arch_ctl_cpuid(view, leaf, sub, &r);
                if ((r.a & 0x1f) == 0)          /* cache type: null ends the list */
                    break;
            }
            break;
        case 0x7:
            arch_ctl_cpuid(view, leaf, 0, &r);
            for (sub = 0; sub <= (r.a < 2 ? r.a : 2) && rc == 0; sub++)
                rc = put_leaf(leaves, max_leaves, &n, view, leaf, sub, true);
            break;
        case 0xb:
            for (sub = 0; sub < 2 && rc == 0; sub++) {
                rc = put_leaf(leaves, max_leaves, &n, view, leaf, sub, true);
                arch_ctl_cpuid(view, leaf, sub, &r);
                if (((r.c >> 8) & 0xff) == 0)   /* level type: invalid ends the list */
                    break;
            }
            break;
        case 0xd:
            arch_ctl_cpuid(view, leaf, 0, &r);
            xstates = ((uint64_t)r.d << 32) | r.a;
            arch_ctl_cpuid(view, leaf, 1, &r);
            xstates |= ((uint64_t)r.d << 32) | r.c;
            for (sub = 0; sub < 2 && rc == 0; sub++)
                rc = put_leaf(leaves, max_leaves, &n, view, leaf, sub, true);
            for (xstates >>= 2, sub = 2; xstates != 0 && sub < 63 && rc == 0; xstates >>= 1, sub++)
                rc = put_leaf(leaves, max_leaves, &n, view, leaf, sub, true);
            break;
        default:
            rc = put_leaf(leaves, max_leaves, &n, view, leaf, 0, false);
            break;
        }
    }
    for (leaf = 0x40000000u; leaf <= 0x40000100u && rc == 0; leaf += 0x100) {
        if (n >= max_leaves) {
            rc = -ENOBUFS;
            break;
        }
        leaves[n++] = (xen_cpuid_leaf_t){ .leaf = leaf, .subleaf = XEN_CPUID_NO_SUBLEAF };
    }
    arch_ctl_cpuid(view, 0x80000000u, 0, &r);
    max_ext = (r.a & 0xffff0000u) == 0x80000000u ? r.a : 0x80000000u;
    if (max_ext > 0x80000021u)
        max_ext = 0x80000021u;
    for (leaf = 0x80000000u; leaf <= max_ext && rc == 0; leaf++)
        rc = put_leaf(leaves, max_leaves, &n, view, leaf, 0, false);
    if (rc)
        return rc;
    *nr_leaves = n;

    if (max_msrs < 2)
        return -ENOBUFS;
    /* No CPUID faulting offered, no ARCH_CAPABILITIES bits passed on. */
    msrs[0] = (xen_msr_entry_t){ .idx = MSR_INTEL_PLATFORM_INFO, .flags = 0, .val = 0 };
    msrs[1] = (xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES, .flags = 0, .val = 0 };
    *nr_msrs = 2;
    return 0;
}

void ctl_featureset(enum ctl_cpuid_view view, uint32_t fs[CTL_FEATURESET_WORDS])
{
    struct cpuid_regs r, l7;
    uint32_t max_basic, max_ext;

    memset(fs, 0, CTL_FEATURESET_WORDS * sizeof(fs[0]));
    arch_ctl_cpuid(view, 0, 0, &r);
    max_basic = r.a;
    arch_ctl_cpuid(view, 0x80000000u, 0, &r);
    max_ext = r.a;

    arch_ctl_cpuid(view, 1, 0, &r);
    fs[0] = r.d;                        /* FEATURESET_1d */
    fs[1] = r.c;                        /* FEATURESET_1c */
    if (max_ext >= 0x80000001u) {
        arch_ctl_cpuid(view, 0x80000001u, 0, &r);
        fs[2] = r.d;                    /* e1d */
        fs[3] = r.c;                    /* e1c */
    }
    if (max_basic >= 0xd) {
        arch_ctl_cpuid(view, 0xd, 1, &r);
        fs[4] = r.a;                    /* Da1 */
    }
    if (max_basic >= 7) {
        arch_ctl_cpuid(view, 7, 0, &l7);
        fs[5] = l7.b;                   /* 7b0 */
        fs[6] = l7.c;                   /* 7c0 */
        fs[9] = l7.d;                   /* 7d0 */
        if (l7.a >= 1) {
            arch_ctl_cpuid(view, 7, 1, &r);
            fs[10] = r.a;               /* 7a1 */
            fs[12] = r.b;               /* 7b1 */
            fs[14] = r.c;               /* 7c1 */
            fs[15] = r.d;               /* 7d1 */
        }
        if (l7.a >= 2) {
            arch_ctl_cpuid(view, 7, 2, &r);
            fs[13] = r.d;               /* 7d2 */
        }
    }
    if (max_ext >= 0x80000007u) {
        arch_ctl_cpuid(view, 0x80000007u, 0, &r);
        fs[7] = r.d;                    /* e7d */
    }
    if (max_ext >= 0x80000008u) {
        arch_ctl_cpuid(view, 0x80000008u, 0, &r);
        fs[8] = r.b;                    /* e8b */
    }
    if (max_ext >= 0x80000021u) {
        arch_ctl_cpuid(view, 0x80000021u, 0, &r);
        fs[11] = r.a;                   /* e21a */
        fs[18] = r.c;                   /* e21c */
    }
    /* Words 16-17 (MSR_ARCH_CAPS) stay 0: no ARCH_CAPABILITIES is offered. */
}

/* ------------------------------------------------------------ operations */

/*
 * `xl dmesg`: Xen's ring semantics.  Non-incremental reads start at the
 * oldest byte still held; incremental ones at index if it is still inside
 * the ring.  index comes back as the position after the last byte read;
 * clear marks everything read so far as gone.  Indices are the low 32 bits
 * of the ring's byte count, as Xen's are.
 */
static int sysctl_readconsole(struct xen_sysctl *op)
{
    struct xen_sysctl_readconsole *rc = &op->u.readconsole;
    uint64_t oldest = console_ring_oldest(), prod = console_ring_written();
    uint64_t pos = oldest, done = 0;
    char buf[256];

    if (rc->incremental) {
        /* index names a position in [oldest, prod] modulo 2^32. */
        uint32_t back = (uint32_t)prod - rc->index;

        if ((uint64_t)back <= prod - oldest)
            pos = prod - back;
    }
    while (done < rc->count && pos < prod) {
        size_t want = rc->count - done < sizeof(buf) ? (size_t)(rc->count - done) : sizeof(buf);
        uint64_t at = pos;
        size_t got = console_ring_read(buf, want, &at);

        if (got == 0)
            break;
        if (copy_to_guest_va(rc->buffer.p + done, buf, got) != 0)
            return -EFAULT;
        done += got;
        pos = at;
    }
    if (rc->clear)
        console_ring_consume(pos);
    rc->count = (uint32_t)done;
    rc->index = (uint32_t)pos;
    return 0;
}

static void sysctl_physinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_physinfo *pi = &op->u.physinfo;
    uint32_t fs[CTL_FEATURESET_WORDS];

    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = 1;
    pi->nr_cpus = CTL_NR_CPUS;
    pi->max_cpu_id = CTL_NR_CPUS - 1;
    pi->nr_nodes = CTL_NR_NODES;
    pi->max_node_id = CTL_NR_NODES - 1;
    pi->cpu_khz = arch_cpu_khz();
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                       XEN_SYSCTL_PHYSCAP_gnttab_v2;
    pi->arch_capabilities = 0;
    pi->total_pages = arch_total_ram_pages();
    pi->free_pages = heap_free_pages();
    pi->scrub_pages = 0;
    pi->outstanding_pages = domheap_outstanding_claims();
    pi->max_mfn = max_page ? max_page - 1 : 0;
    ctl_featureset(CTL_CPUID_HOST, fs);
    for (unsigned int i = 0; i < 8; i++)
        pi->hw_cap[i] = fs[i];
}

static int sysctl_getdomaininfolist(struct xen_sysctl *op)
{
    struct xen_sysctl_getdomaininfolist *gl = &op->u.getdomaininfolist;
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;
    struct domain *d;
    int rc = 0;

    d = gl->first_domain < DOMID_FIRST_RESERVED ? domain_first_from(gl->first_domain) : NULL;
    while (d != NULL && n < gl->max_domains) {
        domid_t next = (domid_t)(d->domain_id + 1);

        ctl_getdomaininfo(d, &info);
        put_domain(d);
        if (copy_to_guest_va(gl->buffer.p + (uint64_t)n * sizeof(info), &info, sizeof(info))) {
            rc = -EFAULT;
            d = NULL;
            break;
        }
        n++;
        d = next < DOMID_FIRST_RESERVED ? domain_first_from(next) : NULL;
    }
    if (d != NULL)
        put_domain(d);
    gl->num_domains = n;
    return rc;
}

static int sysctl_cputopoinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_cputopoinfo *ti = &op->u.cputopoinfo;
    int rc = 0;

    /* One core per socket, one socket per processor, all on node 0. */
    if (ti->cputopo.p != 0) {
        if (ti->num_cpus < CTL_NR_CPUS)
            rc = -ENOBUFS;
        for (uint32_t i = 0; rc == 0 && i < CTL_NR_CPUS; i++) {
            const struct xen_sysctl_cputopo topo = { .core = 0, .socket = i, .node = 0 };

            if (copy_to_guest_va(ti->cputopo.p + i * sizeof(topo), &topo, sizeof(topo)))
                return -EFAULT;
        }
    }
    ti->num_cpus = CTL_NR_CPUS;
    return rc;
}

static int sysctl_numainfo(struct xen_sysctl *op)
{
    struct xen_sysctl_numainfo *ni = &op->u.numainfo;
    struct xen_sysctl_meminfo mi;
    uint32_t dist = CTL_NODE_DISTANCE_LOCAL;
    int rc = 0;

    if (ni->meminfo.p != 0 || ni->distance.p != 0) {
        if (ni->num_nodes < CTL_NR_NODES) {
            rc = -ENOBUFS;
        } else {
            mi.memsize = (uint64_t)heap_total_pages() << PAGE_SHIFT;
            mi.memfree = (uint64_t)heap_free_pages() << PAGE_SHIFT;
            if (ni->meminfo.p != 0 && copy_to_guest_va(ni->meminfo.p, &mi, sizeof(mi)))
                return -EFAULT;
            if (ni->distance.p != 0 && copy_to_guest_va(ni->distance.p, &dist, sizeof(dist)))
                return -EFAULT;
        }
    }
    ni->num_nodes = CTL_NR_NODES;
    return rc;
}

static int cpumap_to_guest(const struct xenctl_bitmap *b, uint8_t first_byte)
{
    uint32_t bytes = (b->nr_bits + 7) / 8;
    uint8_t zero[64] = { 0 };

    if (bytes == 0)
        return 0;
    if (b->nr_bits < 8)
        first_byte &= (uint8_t)((1u << b->nr_bits) - 1);
    if (copy_to_guest_va(b->bitmap.p, &first_byte, 1))
        return -EFAULT;
    for (uint32_t done = 1; done < bytes; ) {
        uint32_t n = bytes - done < sizeof(zero) ? bytes - done : sizeof(zero);

        if (copy_to_guest_va(b->bitmap.p + done, zero, n))
            return -EFAULT;
        done += n;
    }
    return 0;
}

static int sysctl_cpupool_op(struct xen_sysctl *op)
{
    struct xen_sysctl_cpupool_op *cp = &op->u.cpupool_op;
    struct domain *d;
    uint32_t n = 0;

    switch (cp->op) {
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        /* The first pool with an id at or above the one asked: pool 0. */
        if (cp->cpupool_id > 0)
            return -ENOENT;
        cp->cpupool_id = 0;
        cp->sched_id = CTL_SCHEDULER_ID;
        for (d = domain_first_from(0); d != NULL; ) {
            domid_t next = (domid_t)(d->domain_id + 1);

            n++;
            put_domain(d);
            d = next < DOMID_FIRST_RESERVED ? domain_first_from(next) : NULL;
        }
        cp->n_dom = n;
        return cpumap_to_guest(&cp->cpumap, 1);
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        return cpumap_to_guest(&cp->cpumap, 0);     /* every CPU is in pool 0 */
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
        return -EOPNOTSUPP;     /* one pool, one CPU: nothing to move */
    default:
        return -ENOSYS;
    }
}

static int sysctl_cpu_featureset(struct xen_sysctl *op)
{
    struct xen_sysctl_cpu_featureset *f = &op->u.cpu_featureset;
    uint32_t fs[CTL_FEATURESET_WORDS];
    enum ctl_cpuid_view view;
    uint32_t n;

    switch (f->index) {
    case XEN_SYSCTL_cpu_featureset_raw:
    case XEN_SYSCTL_cpu_featureset_host:
        view = CTL_CPUID_HOST;
        break;
    case XEN_SYSCTL_cpu_featureset_pv:
    case XEN_SYSCTL_cpu_featureset_pv_max:
        view = CTL_CPUID_PV;
        break;
    case XEN_SYSCTL_cpu_featureset_hvm:
    case XEN_SYSCTL_cpu_featureset_hvm_max:
        return -EOPNOTSUPP;     /* no HVM support */
    default:
        return -EINVAL;
    }
    ctl_featureset(view, fs);
    n = f->nr_features < CTL_FEATURESET_WORDS ? f->nr_features : CTL_FEATURESET_WORDS;
    if (n && f->features.p != 0 && copy_to_guest_va(f->features.p, fs, n * sizeof(fs[0])))
        return -EFAULT;
    /* Tell the caller how many words there are. */
    f->nr_features = CTL_FEATURESET_WORDS;
    return 0;
}

static int sysctl_cpu_policy(struct xen_sysctl *op)
{
    struct xen_sysctl_cpu_policy *p = &op->u.cpu_policy;
    enum ctl_cpuid_view view;

    switch (p->index) {
    case XEN_SYSCTL_cpu_policy_raw:
    case XEN_SYSCTL_cpu_policy_host:
        view = CTL_CPUID_HOST;
        break;
    case XEN_SYSCTL_cpu_policy_pv_max:
    case XEN_SYSCTL_cpu_policy_pv_default:
        view = CTL_CPUID_PV;
        break;
    case XEN_SYSCTL_cpu_policy_hvm_max:
    case XEN_SYSCTL_cpu_policy_hvm_default:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
    return ctl_cpu_policy_to_guest(view, p->leaves.p, &p->nr_leaves, p->msrs.p, &p->nr_msrs);
}

/* The pool's scheduler parameters: credit2 has the ratelimit only. */
static int sysctl_scheduler_op(struct xen_sysctl *op)
{
    struct xen_sysctl_scheduler_op *so = &op->u.scheduler_op;

    if (so->cpupool_id != 0)
        return -ESRCH;
    if (so->sched_id != CTL_SCHEDULER_ID)
        return -EINVAL;
    switch (so->cmd) {
    case XEN_SYSCTL_SCHEDOP_getinfo:
        so->u.sched_credit2.ratelimit_us = sched_policy_ratelimit();
        return 0;
    case XEN_SYSCTL_SCHEDOP_putinfo:
        return sched_policy_set_ratelimit(so->u.sched_credit2.ratelimit_us);
    default:
        return -EINVAL;
    }
}

/*
 * Xen's debug keys, as typed on its serial console or sent by `xl
 * debug-keys`.  'q' dumps every domain (domain.c: references, frames left
 * and who maps them, which is what tells why a domain stays dying); other
 * keys are reported as unknown, as Xen does.
 */
static int sysctl_debug_keys(struct xen_sysctl *op)
{
    struct xen_sysctl_debug_keys *dk = &op->u.debug_keys;
    char keys[16];

    for (uint32_t done = 0; done < dk->nr_keys;) {
        uint32_t n = dk->nr_keys - done < sizeof(keys) ? dk->nr_keys - done : sizeof(keys);

        if (copy_from_guest_va(keys, dk->keys.p + done, n) != 0)
            return -EFAULT;
        for (uint32_t i = 0; i < n; i++) {
            if (keys[i] == 'q')
                domain_dump_all();
            else if (keys[i] == 'p')
                hypercall_stats_dump();     /* counters and times since boot or 'P' */
            else if (keys[i] == 'P')
                hypercall_stats_reset();
            else
                printk("'%c' (ascii %02x) => unknown debug key\n",
                       keys[i] >= 0x20 && keys[i] < 0x7f ? keys[i] : '?', (uint8_t)keys[i]);
        }
        done += n;
    }
    return 0;
}

long do_sysctl(XEN_GUEST_HANDLE_PARAM(void) u_sysctl)
{
    struct xen_sysctl op;
    bool copyback = true;
    long rc;

    if (copy_from_guest_va(&op, u_sysctl.p, sizeof(op)) != 0)
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!current->domain->is_privileged)
        return -EPERM;

    switch (op.cmd) {
    case XEN_SYSCTL_readconsole:
        rc = sysctl_readconsole(&op);
        break;
    case XEN_SYSCTL_debug_keys:
        rc = sysctl_debug_keys(&op);
        copyback = false;
        break;
    case XEN_SYSCTL_physinfo:
        sysctl_physinfo(&op);
        rc = 0;
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = CTL_SCHEDULER_ID;
        rc = 0;
        break;
    case XEN_SYSCTL_scheduler_op:
        rc = sysctl_scheduler_op(&op);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = sysctl_getdomaininfolist(&op);
        break;
    case XEN_SYSCTL_cputopoinfo:
        rc = sysctl_cputopoinfo(&op);
        break;
    case XEN_SYSCTL_numainfo:
        rc = sysctl_numainfo(&op);
        break;
    case XEN_SYSCTL_cpupool_op:
        rc = sysctl_cpupool_op(&op);
        break;
    case XEN_SYSCTL_get_cpu_featureset:
        rc = sysctl_cpu_featureset(&op);
        break;
    case XEN_SYSCTL_get_cpu_policy:
        rc = sysctl_cpu_policy(&op);
        break;
    default:
        rc = -ENOSYS;
        copyback = false;
        break;
    }
    /* Counts go back on -ENOBUFS too, so the caller can size its buffers. */
    if (copyback && (rc == 0 || rc == -ENOBUFS) &&
        copy_to_guest_va(u_sysctl.p, &op, sizeof(op)) != 0)
        rc = -EFAULT;
    return rc;
}
