/*
 * memory.c — XENMEM_* (memory_op): growing and shrinking a domain's memory
 * (increase/decrease_reservation, populate_physmap, exchange), the sizes and
 * limits a guest asks about, and the memory maps (its own, the machine's).
 *
 * PV rules (Xen's): a PV guest names frames by MFN.  populate_physmap and
 * increase_reservation hand back the MFNs of the new frames; for
 * populate_physmap and exchange the guest says which pseudo-physical frame
 * each new MFN backs, and the hypervisor records that in the M2P table
 * guests read.  decrease_reservation takes MFNs the guest owns; a frame is
 * freed when its last reference goes, so one still mapped elsewhere stays
 * until unmapped.  Every operation that names another domain is for the
 * control domain only, and all allocation stays within the target's
 * max_pages.
 *
 * Reservation operations return the number of extents done (Xen's ABI: a
 * partial result is not an error code); the guest compares with what it
 * asked for.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/memory.h>
#include <xen/guest_access.h>
#include <public/memory.h>

#define MAX_EXTENT_ORDER    9       /* 2 MiB extents, as Xen allows guests */

/* ------------------------------------------------------------- helpers */

static unsigned int memflags_of(unsigned int mem_flags)
{
    unsigned int bits = XENMEMF_get_address_bits(mem_flags);

    /* Below 4 GiB etc.; 0 or >= 64 means anywhere. */
    return (bits != 0 && bits < 64) ? MEMF_bits(bits) : 0;
}

int memory_populate_one(struct domain *d, unsigned int order, unsigned int mem_flags,
                        xen_pfn_t gpfn, bool set_m2p, xen_pfn_t *mfn_out)
{
    struct page_info *pg;
    mfn_t mfn;

    if (order > MAX_EXTENT_ORDER)
        return -EINVAL;
    pg = alloc_domheap_pages(d, order, memflags_of(mem_flags) | MEMF_zero);
    if (pg == NULL)
        return -ENOMEM;
    mfn = page_to_mfn(pg);
    for (unsigned long i = 0; i < (1UL << order); i++)
        arch_set_m2p(mfn + i, set_m2p ? gpfn + i : INVALID_M2P);
    *mfn_out = mfn;
    return 0;
}

/*
 * Give up 2^order frames starting at mfn.  Each must be d's; a pin the
 * guest left on one is dropped first (Xen does the same), then the
 * allocation reference.  Frames still mapped elsewhere live on until
 * unmapped.
 */
int memory_remove_one(struct domain *d, xen_pfn_t mfn, unsigned int order)
{
    if (order > MAX_EXTENT_ORDER)
        return -EINVAL;
    for (unsigned long i = 0; i < (1UL << order); i++) {
        struct page_info *pg;

        if (!mfn_valid(mfn + i))
            return -EINVAL;
        pg = mfn_to_page(mfn + i);
        if (!get_page(pg, d))
            return -EINVAL;
        if (pg->count_info & PGC_xen_heap) {
            put_page(pg);
            return -EINVAL;     /* shared_info, grant frames: not the guest's to free */
        }
        arch_unpin_on_release(pg);
        arch_set_m2p(mfn + i, INVALID_M2P);
        domheap_release_page(pg);
        put_page(pg);
    }
    return 0;
}

/*
 * XENMEM_exchange of one input chunk for one output chunk (same size).
 * The inputs must be the guest's and unused elsewhere (count = allocation
 * reference only), so that freeing them cannot pull a frame from under
 * another mapping.
 */
int memory_exchange_chunk(struct domain *d, const xen_pfn_t *in, unsigned int nr_in,
                          unsigned int in_order, unsigned int out_order,
                          unsigned int mem_flags, const xen_pfn_t *out_gpfns,
                          xen_pfn_t *out_mfns, unsigned int nr_out)
{
    struct page_info **outs;
    unsigned int i, j;
    int rc = 0;

    if (nr_out > (1u << MAX_EXTENT_ORDER) || nr_in > (1u << MAX_EXTENT_ORDER))
        return -EINVAL;
    for (i = 0; i < nr_in; i++) {
        for (j = 0; j < (1u << in_order); j++) {
            mfn_t m = in[i] + j;
            struct page_info *pg;

            if (!mfn_valid(m))
                return -EINVAL;
            pg = mfn_to_page(m);
            if (page_get_owner(pg) != d || (pg->count_info & PGC_xen_heap) ||
                !(pg->count_info & PGC_allocated) ||
                (pg->count_info & PGC_count_mask) != 1 ||
                (pg->type_info & PGT_count_mask) != 0)
                return -EINVAL;     /* not ours, or still in use */
        }
    }
    outs = xmalloc_array(struct page_info *, nr_out);
    if (outs == NULL)
        return -ENOMEM;
    /* Allocate every output before giving anything up. */
    d->max_pages += (unsigned long)nr_out << out_order;     /* temporary headroom */
    for (i = 0; i < nr_out; i++) {
        outs[i] = alloc_domheap_pages(d, out_order, memflags_of(mem_flags) | MEMF_zero);
        if (outs[i] == NULL)
            break;
    }
    d->max_pages -= (unsigned long)nr_out << out_order;
    if (i < nr_out) {
        while (i-- > 0)
            for (j = 0; j < (1u << out_order); j++)
                domheap_release_page(&outs[i][j]);
        rc = -ENOMEM;
        goto out;
    }
    for (i = 0; i < nr_in; i++)
        for (j = 0; j < (1u << in_order); j++) {
            arch_set_m2p(in[i] + j, INVALID_M2P);
            domheap_release_page(mfn_to_page(in[i] + j));
        }
    for (i = 0; i < nr_out; i++) {
        out_mfns[i] = page_to_mfn(outs[i]);
        for (j = 0; j < (1u << out_order); j++)
            arch_set_m2p(out_mfns[i] + j, out_gpfns[i] + j);
    }
out:
    xfree(outs);
    return rc;
}

/* ---------------------------------------------------------- hypercall */

static long reservation_op(struct domain *caller, unsigned int cmd,
                           XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    unsigned long done;
    int rc = 0;

    if (copy_from_guest_va(&r, arg.p, sizeof(r)))
        return -EFAULT;
    if (r.extent_order > MAX_EXTENT_ORDER)
        return -EINVAL;
    d = domain_lookup_target(caller, r.domid, &rc);
    if (d == NULL)
        return rc;

    for (done = 0; done < r.nr_extents; done++) {
        xen_pfn_t pfn, mfn;

        if (r.extent_start.p != NULL &&
            copy_from_guest_offset(&pfn, r.extent_start, done, 1))
            break;
        if (cmd == XENMEM_decrease_reservation) {
            if (r.extent_start.p == NULL || memory_remove_one(d, pfn, r.extent_order))
                break;
            continue;
        }
        if (memory_populate_one(d, r.extent_order, r.mem_flags,
                                r.extent_start.p ? pfn : 0,
                                cmd == XENMEM_populate_physmap, &mfn))
            break;
        /* PV: the guest learns the MFN through the same array. */
        if (r.extent_start.p != NULL && copy_to_guest_offset(r.extent_start, done, &mfn, 1)) {
            memory_remove_one(d, mfn, r.extent_order);
            break;
        }
    }
    put_domain(d);
    return (long)done;
}

static long exchange_op(struct domain *d, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_exchange x;
    unsigned long in_chunk, out_chunk, chunks;
    xen_pfn_t *in = NULL, *gpfn = NULL, *mfn = NULL;
    long rc = 0;

    if (copy_from_guest_va(&x, arg.p, sizeof(x)))
        return -EFAULT;
    if (x.in.extent_order > MAX_EXTENT_ORDER || x.out.extent_order > MAX_EXTENT_ORDER)
        return -EINVAL;
    if ((x.in.domid != DOMID_SELF && x.in.domid != d->domain_id) || x.in.domid != x.out.domid)
        return -EPERM;
    /* Same total size on both sides, split into chunks of the larger order. */
    if ((x.in.nr_extents << x.in.extent_order) != (x.out.nr_extents << x.out.extent_order))
        return -EINVAL;
    if (x.in.extent_order <= x.out.extent_order) {
        in_chunk = 1UL << (x.out.extent_order - x.in.extent_order);
        out_chunk = 1;
    } else {
        in_chunk = 1;
        out_chunk = 1UL << (x.in.extent_order - x.out.extent_order);
    }
    chunks = x.in.nr_extents / in_chunk;

    /* Chunk buffers off the (small) hypervisor stack. */
    in = xmalloc_array(xen_pfn_t, 1u << MAX_EXTENT_ORDER);
    gpfn = xmalloc_array(xen_pfn_t, 1u << MAX_EXTENT_ORDER);
    mfn = xmalloc_array(xen_pfn_t, 1u << MAX_EXTENT_ORDER);
    if (in == NULL || gpfn == NULL || mfn == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (unsigned long c = x.nr_exchanged / in_chunk; c < chunks; c++) {
        if (copy_from_guest_offset(in, x.in.extent_start, c * in_chunk, in_chunk) ||
            copy_from_guest_offset(gpfn, x.out.extent_start, c * out_chunk, out_chunk)) {
            rc = -EFAULT;
            break;
        }
        rc = memory_exchange_chunk(d, in, in_chunk, x.in.extent_order, x.out.extent_order,
                                   x.out.mem_flags, gpfn, mfn, out_chunk);
        if (rc)
            break;
        if (copy_to_guest_offset(x.out.extent_start, c * out_chunk, mfn, out_chunk)) {
            rc = -EFAULT;
            break;
        }
        x.nr_exchanged = (c + 1) * in_chunk;
    }
    if (copy_to_guest_va(arg.p, &x, sizeof(x)))
        rc = -EFAULT;
out:
    xfree(in);
    xfree(gpfn);
    xfree(mfn);
    return rc;
}

/* A domain's E820 as set by its builder (XENMEM_set_memory_map). */
int memory_set_map(struct domain *d, const struct e820entry *map, unsigned int nr)
{
    struct e820entry *copy;

    if (nr > E820_MAX_ENTRIES)
        return -EINVAL;
    copy = xmalloc_array(struct e820entry, nr ? nr : 1);
    if (copy == NULL)
        return -ENOMEM;
    memcpy(copy, map, nr * sizeof(*map));
    xfree(d->memory_map);
    d->memory_map = copy;
    d->nr_memory_map = nr;
    return 0;
}

static long memory_map_op(struct domain *caller, unsigned int cmd,
                          XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_map m;
    struct e820entry buf[E820_MAX_ENTRIES];
    unsigned int nr;

    if (cmd == XENMEM_set_memory_map) {
        struct xen_foreign_memory_map f;
        struct domain *d;
        int rc = 0;

        if (copy_from_guest_va(&f, arg.p, sizeof(f)))
            return -EFAULT;
        if (f.map.nr_entries > E820_MAX_ENTRIES)
            return -EINVAL;
        if (copy_from_guest_va(buf, f.map.buffer.p, f.map.nr_entries * sizeof(buf[0])))
            return -EFAULT;
        d = domain_lookup_target(caller, f.domid, &rc);
        if (d == NULL)
            return rc;
        rc = memory_set_map(d, buf, f.map.nr_entries);
        put_domain(d);
        return rc;
    }

    if (copy_from_guest_va(&m, arg.p, sizeof(m)))
        return -EFAULT;
    if (cmd == XENMEM_machine_memory_map) {
        if (!caller->is_privileged)
            return -EPERM;
        nr = arch_host_memory_map(buf, E820_MAX_ENTRIES);
    } else {
        if (caller->memory_map == NULL)
            return -ENOSYS;     /* Linux then assumes nr_pages + 8 MiB */
        nr = caller->nr_memory_map;
        memcpy(buf, caller->memory_map, nr * sizeof(buf[0]));
    }
    if (nr > m.nr_entries)
        nr = m.nr_entries;      /* Xen truncates to the caller's buffer */
    if (copy_to_guest_va(m.buffer.p, buf, nr * sizeof(buf[0])))
        return -EFAULT;
    m.nr_entries = nr;
    return copy_to_guest_va(arg.p, &m, sizeof(m)) ? -EFAULT : 0;
}

/*
 * XENMEM_claim_pages, Xen 4.17's checks in its order: a reservation with
 * no extent array, order 0, no flags; an existing domain (-EINVAL
 * otherwise, as Xen); a privileged caller (-EPERM).  nr_extents is the
 * domain's total after the claim; 0 drops it.
 */
static long claim_pages_op(struct domain *caller, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    long rc;

    if (copy_from_guest_va(&r, arg.p, sizeof(r)))
        return -EFAULT;
    if (r.extent_start.p != 0 || r.extent_order != 0 || r.mem_flags != 0)
        return -EINVAL;
    d = get_domain_by_id(r.domid);
    if (d == NULL)
        return -EINVAL;
    rc = caller->is_privileged ? domain_set_outstanding_pages(d, r.nr_extents) : -EPERM;
    put_domain(d);
    return rc;
}

/*
 * XENMEM_add_to_physmap: placing frames (shared_info, grant and grant
 * status frames) in a guest's physmap is for translated guests; every
 * domain here is PV, and Xen 4.17 answers a PV target -EACCES after reading
 * the argument (-EFAULT), refusing foreign mappings outside the batch form
 * (-ENOSYS) and looking the domain up (-ESRCH).  (The batch form is still
 * not offered: -ENOSYS.)
 */
static long add_to_physmap_op(struct domain *caller, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_add_to_physmap xatp;
    struct domain *d;

    if (copy_from_guest_va(&xatp, arg.p, sizeof(xatp)))
        return -EFAULT;
    if (xatp.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS;
    d = domain_lookup(caller, xatp.domid);
    if (d == NULL)
        return -ESRCH;
    put_domain(d);
    return -EACCES;             /* not a translated guest */
}

static long add_to_physmap_batch_op(struct domain *caller, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_add_to_physmap_batch b;
    struct domain *d;

    if (copy_from_guest_va(&b, arg.p, sizeof(b)))
        return -EFAULT;
    if (b.space == XENMAPSPACE_gmfn_range)
        return -EOPNOTSUPP;
    d = domain_lookup(caller, b.domid);
    if (d == NULL)
        return -ESRCH;
    put_domain(d);
    return -EACCES;             /* not a translated guest */
}

/*
 * XENMEM_acquire_resource with Xen 4.17's argument checks in its order:
 * pad, a first frame above 32 bits (-EINVAL), the domain by id only
 * (DOMID_SELF and unknown ids -ESRCH), never the caller itself (-EPERM),
 * another domain's only for the control domain (-EPERM, XSM_DM_PRIV).
 * No resource is offered past those checks: -EOPNOTSUPP, the one answer on
 * which Xen 4.17's toolstack (xc_dom_gnttab_seed) falls back to seeding the
 * grant table through a foreign mapping, as Debian's xl must here.
 */
static long acquire_resource_op(struct domain *caller, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_mem_acquire_resource r;
    struct domain *d;
    long rc;

    if (copy_from_guest_va(&r, arg.p, sizeof(r)))
        return -EFAULT;
    if (r.pad != 0 || (r.frame >> 32) != 0)
        return -EINVAL;
    d = get_domain_by_id(r.domid);
    if (d == NULL)
        return -ESRCH;
    if (d == caller)
        rc = -EPERM;
    else if (!caller->is_privileged)
        rc = -EPERM;
    else
        rc = -EOPNOTSUPP;
    put_domain(d);
    return rc;
}

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *caller = current->domain;
    unsigned int op = cmd & 0x3f;   /* bits 6+ carry Xen's continuation start */

    if (cmd >> 6)
        return -ENOSYS;             /* we never ask for a continuation */

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(caller, op, arg);

    case XENMEM_exchange:
        return exchange_op(caller, arg);

    case XENMEM_maximum_ram_page:
        return (long)(max_page - 1);

    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: {
        domid_t domid;
        struct domain *d;
        long rc = 0;
        int err = 0;

        if (copy_from_guest_va(&domid, arg.p, sizeof(domid)))
            return -EFAULT;
        d = domain_lookup_target(caller, domid, &err);
        if (d == NULL)
            return err;
        rc = op == XENMEM_current_reservation ? (long)d->tot_pages : (long)d->max_pages;
        put_domain(d);
        return rc;
    }

    case XENMEM_maximum_gpfn: {
        domid_t domid;
        struct domain *d;
        long rc;
        int err = 0;

        if (copy_from_guest_va(&domid, arg.p, sizeof(domid)))
            return -EFAULT;
        d = domain_lookup_target(caller, domid, &err);
        if (d == NULL)
            return err;
        rc = d->shared_info->arch.max_pfn ? (long)d->shared_info->arch.max_pfn - 1 : 0;
        put_domain(d);
        return rc;
    }

    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping mm;

        arch_machphys_mapping(&mm);
        return copy_to_guest_va(arg.p, &mm, sizeof(mm)) ? -EFAULT : 0;
    }

    case XENMEM_memory_map:
    case XENMEM_machine_memory_map:
    case XENMEM_set_memory_map:
        return memory_map_op(caller, op, arg);

    case XENMEM_claim_pages:
        return claim_pages_op(caller, arg);

    case XENMEM_add_to_physmap:
        return add_to_physmap_op(caller, arg);

    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch_op(caller, arg);

    case XENMEM_acquire_resource:
        return acquire_resource_op(caller, arg);

    default:
        /* PoD, sharing, paging, vNUMA... */
        return -ENOSYS;
    }
}
