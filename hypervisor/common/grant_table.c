/*
 * grant_table.c — grant tables, version 1: table setup and sizing, mapping
 * and unmapping granted frames, grant copy, and the cleanup when either side
 * of a grant dies.
 *
 * Trust boundaries: the granter's shared entries live in pages the granter
 * writes at any time, so every decision reads an entry once, and the flag
 * word (flags | domid << 16) is changed with compare-and-swap so that a
 * concurrent revocation is either seen or fails the swap.  While a grant is
 * in use (pinned) the frame number is taken from our active entry, never
 * re-read from the guest, and the frame carries our references: it cannot be
 * freed or become a page table until the last mapping goes.
 *
 * Semantics follow Xen 4.17 (xen/common/grant_table.c) as Linux's
 * grant-table, gntdev, blkback and netback drivers use them.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>

/* One lock for every grant table: map/unmap/copy touch two domains. */
static DEFINE_SPINLOCK(gnttab_lock);

static inline struct grant_table *gt_of(const struct domain *d)
{
    return d->grant_table;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * GRANT_ENTRIES_PER_FRAME;
}

static grant_entry_v1_t *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->shared[ref / GRANT_ENTRIES_PER_FRAME][ref % GRANT_ENTRIES_PER_FRAME];
}

static struct active_grant_entry *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / GRANT_ENTRIES_PER_FRAME][ref % GRANT_ENTRIES_PER_FRAME];
}

/* ---------------------------------------------------------------- setup */

int grant_table_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);

    if (gt == NULL)
        return -ENOMEM;
    gt->max_frames = MAX_GRANT_FRAMES;
    gt->version = 1;
    d->grant_table = gt;
    return 0;
}

/* Grow d's table to nr frames; the new frames are shared with d. */
static int grow_table(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = gt_of(d);

    while (gt->nr_frames < nr) {
        unsigned int i = gt->nr_frames;
        void *page = alloc_xenheap_pages(0);

        if (page == NULL)
            return -ENOMEM;
        gt->active[i] = xzalloc_array(struct active_grant_entry, GRANT_ENTRIES_PER_FRAME);
        if (gt->active[i] == NULL) {
            free_xenheap_pages(page, 0);
            return -ENOMEM;
        }
        memset(page, 0, PAGE_SIZE);
        gt->shared[i] = page;
        share_xen_page_with_guest(virt_to_page(page), d, false);
        gt->nr_frames++;
    }
    return 0;
}

/* A domain argument that may name another domain: privileged callers only. */
static struct domain *lookup_target(struct domain *caller, domid_t dom, int16_t *status)
{
    struct domain *d = domain_lookup(caller, dom);

    if (d == NULL) {
        *status = GNTST_bad_domain;
        return NULL;
    }
    if (d != caller && !caller->is_privileged) {
        put_domain(d);
        *status = GNTST_permission_denied;
        return NULL;
    }
    return d;
}

int gnttab_setup_table(struct domain *caller, gnttab_setup_table_t *op, xen_pfn_t *frames)
{
    struct domain *d;
    struct grant_table *gt;

    op->status = GNTST_okay;
    d = lookup_target(caller, op->dom, &op->status);
    if (d == NULL)
        return 0;
    gt = gt_of(d);
    spin_lock(&gnttab_lock);
    if (gt == NULL || op->nr_frames > gt->max_frames) {
        op->status = GNTST_general_error;
    } else if (grow_table(d, op->nr_frames) != 0) {
        op->status = GNTST_general_error;
    } else {
        for (unsigned int i = 0; i < op->nr_frames; i++)
            frames[i] = virt_to_mfn(gt->shared[i]);
    }
    spin_unlock(&gnttab_lock);
    put_domain(d);
    return 0;
}

int gnttab_query_size(struct domain *caller, gnttab_query_size_t *op)
{
    struct domain *d;

    op->status = GNTST_okay;
    d = lookup_target(caller, op->dom, &op->status);
    if (d == NULL)
        return 0;
    op->nr_frames = gt_of(d)->nr_frames;
    op->max_nr_frames = gt_of(d)->max_frames;
    put_domain(d);
    return 0;
}

int gnttab_set_version(struct domain *d, gnttab_set_version_t *op)
{
    if (op->version != 1 && op->version != 2)
        return -EINVAL;
    if (op->version == 2) {
        op->version = gt_of(d)->version;
        return -ENOSYS;         /* v2 not offered (as Xen with max_grant_version=1) */
    }
    return 0;
}

int gnttab_get_version(struct domain *caller, gnttab_get_version_t *op)
{
    int16_t status;
    struct domain *d = lookup_target(caller, op->dom, &status);

    if (d == NULL)
        return status == GNTST_bad_domain ? -ESRCH : -EPERM;
    op->version = gt_of(d)->version;
    put_domain(d);
    return 0;
}

/* -------------------------------------------------------- pin / unpin */

/*
 * Take the shared entry's status for a new user of rd's grant ref on behalf
 * of domain ldom: checks type and grantee, refuses write access to a
 * read-only grant, and sets GTF_reading / GTF_writing atomically.
 */
static int16_t set_entry_status(grant_entry_v1_t *e, domid_t ldom, bool readonly)
{
    uint32_t *word = (uint32_t *)e;     /* flags (low 16) | domid (high 16) */
    uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE), new;

    do {
        uint16_t flags = old & 0xffff;
        domid_t domid = old >> 16;

        if ((flags & GTF_type_mask) != GTF_permit_access || domid != ldom)
            return GNTST_general_error;     /* not granted to us (or revoked) */
        if (!readonly && (flags & GTF_readonly))
            return GNTST_general_error;     /* write access to a read-only grant */
        new = old | GTF_reading | (readonly ? 0 : GTF_writing);
    } while (!__atomic_compare_exchange_n(word, &old, new, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    return GNTST_okay;
}

static void clear_entry_flags(grant_entry_v1_t *e, uint16_t bits)
{
    __atomic_fetch_and(&e->flags, (uint16_t)~bits, __ATOMIC_RELEASE);
}

/*
 * Pin rd's grant ref for ld (gnttab_lock held): validate, take the frame's
 * references, count the user.  Returns GNTST_*; *mfn on success.
 */
static int16_t pin_grant(struct domain *rd, grant_ref_t ref, struct domain *ld,
                         bool readonly, mfn_t *mfn)
{
    struct grant_table *rgt = gt_of(rd);
    struct active_grant_entry *act;
    grant_entry_v1_t *e;
    struct page_info *pg;
    int16_t rc;

    if (rgt == NULL || ref >= nr_entries(rgt))
        return GNTST_bad_gntref;
    e = shared_entry(rgt, ref);
    act = active_entry(rgt, ref);

    if (act->pin_ro == 0 && act->pin_rw == 0) {
        rc = set_entry_status(e, ld->domain_id, readonly);
        if (rc != GNTST_okay)
            return rc;
        act->domid = ld->domain_id;
        act->mfn = __atomic_load_n(&e->frame, __ATOMIC_RELAXED);   /* PV: an MFN */
    } else {
        if (act->domid != ld->domain_id)
            return GNTST_general_error;
        if (!readonly && act->pin_rw == 0) {
            rc = set_entry_status(e, ld->domain_id, false);
            if (rc != GNTST_okay)
                return rc;
        }
    }

    /* The frame must still belong to the granter; writers need it writable. */
    rc = GNTST_general_error;
    if (!mfn_valid(act->mfn))
        goto undo;
    pg = mfn_to_page(act->mfn);
    if (!get_page(pg, rd))
        goto undo;
    if (!readonly && get_page_type(pg, PGT_writable_page) != 0) {
        put_page(pg);
        goto undo;
    }
    if (readonly)
        act->pin_ro++;
    else
        act->pin_rw++;
    *mfn = act->mfn;
    return GNTST_okay;

undo:
    if (act->pin_ro == 0 && act->pin_rw == 0)
        clear_entry_flags(e, GTF_reading | GTF_writing);
    else if (act->pin_rw == 0)
        clear_entry_flags(e, GTF_writing);
    return rc;
}

static void unpin_grant(struct domain *rd, grant_ref_t ref, bool readonly)
{
    struct grant_table *rgt = gt_of(rd);
    struct active_grant_entry *act = active_entry(rgt, ref);
    struct page_info *pg = mfn_to_page(act->mfn);

    if (readonly) {
        BUG_ON(act->pin_ro == 0);
        act->pin_ro--;
    } else {
        BUG_ON(act->pin_rw == 0);
        act->pin_rw--;
        put_page_type(pg);
    }
    if (act->pin_rw == 0)
        clear_entry_flags(shared_entry(rgt, ref),
                          act->pin_ro == 0 ? (GTF_reading | GTF_writing) : GTF_writing);
    put_page(pg);
}

/* ------------------------------------------------------------ maptrack */

static struct grant_mapping *maptrack_entry(struct grant_table *gt, grant_handle_t h)
{
    if (h >= MAX_MAPTRACK || gt->maptrack[h / MAPTRACK_CHUNK] == NULL)
        return NULL;
    return &gt->maptrack[h / MAPTRACK_CHUNK][h % MAPTRACK_CHUNK];
}

static int get_maptrack_handle(struct grant_table *gt, grant_handle_t *handle)
{
    for (unsigned int c = 0; c < MAX_MAPTRACK / MAPTRACK_CHUNK; c++) {
        if (gt->maptrack[c] == NULL) {
            gt->maptrack[c] = xzalloc_array(struct grant_mapping, MAPTRACK_CHUNK);
            if (gt->maptrack[c] == NULL)
                return -ENOMEM;
        }
        for (unsigned int i = 0; i < MAPTRACK_CHUNK; i++) {
            if (!gt->maptrack[c][i].in_use) {
                *handle = c * MAPTRACK_CHUNK + i;
                return 0;
            }
        }
    }
    return -ENOSPC;
}

/* ------------------------------------------------------- map / unmap */

void gnttab_map_one(struct vcpu *v, gnttab_map_grant_ref_t *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lgt = gt_of(ld);
    bool readonly = (op->flags & GNTMAP_readonly) != 0;
    struct grant_mapping *m;
    grant_handle_t handle;
    mfn_t mfn;
    int16_t rc;

    op->handle = ~0u;
    if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
        op->status = GNTST_bad_gntref;      /* Xen: "Bad flags in grant map op" */
        return;
    }
    rd = domain_lookup(ld, op->dom);
    if (rd == NULL) {
        op->status = GNTST_bad_domain;
        return;
    }

    spin_lock(&gnttab_lock);
    if (get_maptrack_handle(lgt, &handle) != 0) {
        rc = GNTST_no_space;
        goto out;
    }
    rc = pin_grant(rd, op->ref, ld, readonly, &mfn);
    if (rc != GNTST_okay)
        goto out;
    if (op->flags & GNTMAP_host_map) {
        rc = create_grant_host_mapping(v, op->host_addr, mfn, op->flags);
        if (rc != GNTST_okay) {
            unpin_grant(rd, op->ref, readonly);
            goto out;
        }
    }
    m = maptrack_entry(lgt, handle);
    *m = (struct grant_mapping){
        .in_use = true, .flags = op->flags, .ref = op->ref, .domid = rd->domain_id,
        .host_addr = op->host_addr, .mfn = mfn, .rd = rd,
    };
    lgt->maptrack_used++;
    get_domain(rd);             /* the mapping keeps the granter's struct alive */
    op->handle = handle;
    op->dev_bus_addr = (op->flags & GNTMAP_device_map) ? (uint64_t)mfn << PAGE_SHIFT : 0;
out:
    spin_unlock(&gnttab_lock);
    put_domain(rd);
    op->status = rc;
}

void gnttab_unmap_one(struct vcpu *v, gnttab_unmap_grant_ref_t *op)
{
    struct domain *ld = v->domain;
    struct grant_mapping *m;
    int16_t rc = GNTST_okay;

    spin_lock(&gnttab_lock);
    m = maptrack_entry(gt_of(ld), op->handle);
    if (m == NULL || !m->in_use) {
        rc = GNTST_bad_handle;
        goto out;
    }
    if (op->dev_bus_addr != 0 && op->dev_bus_addr != ((uint64_t)m->mfn << PAGE_SHIFT)) {
        rc = GNTST_bad_dev_addr;
        goto out;
    }
    if (m->flags & GNTMAP_host_map) {
        if (op->host_addr == 0) {
            rc = GNTST_bad_virt_addr;
            goto out;
        }
        rc = replace_grant_host_mapping(v, op->host_addr, m->mfn, m->flags);
        if (rc != GNTST_okay)
            goto out;
    }
    unpin_grant(m->rd, m->ref, (m->flags & GNTMAP_readonly) != 0);
    put_domain(m->rd);
    m->in_use = false;
    gt_of(ld)->maptrack_used--;
out:
    spin_unlock(&gnttab_lock);
    op->status = rc;
}

/* ---------------------------------------------------------------- copy */

struct copy_side {
    struct domain *d;
    mfn_t mfn;
    bool via_grant;
    grant_ref_t ref;
    bool have_type;
};

static int16_t copy_acquire(struct vcpu *v, const struct gnttab_copy_ptr *p, bool is_gref,
                            bool write, struct copy_side *s)
{
    struct domain *ld = v->domain;
    struct page_info *pg;
    int16_t rc;

    memset(s, 0, sizeof(*s));
    s->d = domain_lookup(ld, p->domid);
    if (s->d == NULL)
        return GNTST_bad_domain;
    if (is_gref) {
        rc = pin_grant(s->d, p->u.ref, ld, !write, &s->mfn);
        if (rc != GNTST_okay)
            goto fail;
        s->via_grant = true;
        s->ref = p->u.ref;
        return GNTST_okay;
    }
    /* A frame by number: one's own, or any for the control domain. */
    if (s->d != ld && !ld->is_privileged) {
        rc = GNTST_permission_denied;
        goto fail;
    }
    rc = GNTST_bad_page;
    if (!mfn_valid(p->u.gmfn))
        goto fail;
    pg = mfn_to_page(p->u.gmfn);
    if (!get_page(pg, s->d))
        goto fail;
    if (write && get_page_type(pg, PGT_writable_page) != 0) {
        put_page(pg);
        goto fail;
    }
    s->have_type = write;
    s->mfn = p->u.gmfn;
    return GNTST_okay;
fail:
    put_domain(s->d);
    s->d = NULL;
    return rc;
}

static void copy_release(struct copy_side *s, bool write)
{
    if (s->d == NULL)
        return;
    if (s->via_grant) {
        unpin_grant(s->d, s->ref, !write);
    } else {
        if (s->have_type)
            put_page_type(mfn_to_page(s->mfn));
        put_page(mfn_to_page(s->mfn));
    }
    put_domain(s->d);
    s->d = NULL;
}

void gnttab_copy_one(struct vcpu *v, gnttab_copy_t *op)
{
    struct copy_side src, dst;
    int16_t rc;

    if (op->len > PAGE_SIZE || op->source.offset > PAGE_SIZE - op->len ||
        op->dest.offset > PAGE_SIZE - op->len) {
        op->status = GNTST_bad_copy_arg;
        return;
    }
    spin_lock(&gnttab_lock);
    rc = copy_acquire(v, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (rc != GNTST_okay)
        goto out;
    rc = copy_acquire(v, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (rc != GNTST_okay) {
        copy_release(&src, false);
        goto out;
    }
    memmove((char *)mfn_to_virt(dst.mfn) + op->dest.offset,
            (char *)mfn_to_virt(src.mfn) + op->source.offset, op->len);
    copy_release(&dst, true);
    copy_release(&src, false);
out:
    spin_unlock(&gnttab_lock);
    op->status = rc;
}

/* ------------------------------------------------------------- teardown */

/*
 * d is dying: drop every mapping it holds of other domains' grants.  Its
 * page tables are torn down separately; the PTEs of these mappings carry no
 * references of their own (see put_page_from_l1e), so nothing is dropped
 * twice.
 */
void gnttab_release_mappings(struct domain *d)
{
    struct grant_table *gt = gt_of(d);

    if (gt == NULL)
        return;
    spin_lock(&gnttab_lock);
    for (unsigned int c = 0; c < MAX_MAPTRACK / MAPTRACK_CHUNK; c++) {
        if (gt->maptrack[c] == NULL)
            continue;
        for (unsigned int i = 0; i < MAPTRACK_CHUNK; i++) {
            struct grant_mapping *m = &gt->maptrack[c][i];

            if (!m->in_use)
                continue;
            unpin_grant(m->rd, m->ref, (m->flags & GNTMAP_readonly) != 0);
            put_domain(m->rd);
            m->in_use = false;
            gt->maptrack_used--;
        }
    }
    spin_unlock(&gnttab_lock);
}

/* d is being freed: nobody maps its grants any more (they held references). */
void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = gt_of(d);

    if (gt == NULL)
        return;
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        xfree(gt->active[i]);
    for (unsigned int c = 0; c < MAX_MAPTRACK / MAPTRACK_CHUNK; c++)
        xfree(gt->maptrack[c]);
    /* The shared frames were given to d and are freed with its memory. */
    xfree(gt);
    d->grant_table = NULL;
}

/* ------------------------------------------------------------ hypercall */

#define GNTTAB_MAX_SETUP_FRAMES MAX_GRANT_FRAMES

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    char *p = uop.p;

    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_map_grant_ref_t)) {
            gnttab_map_grant_ref_t op;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            gnttab_map_one(v, &op);
            if (copy_to_guest_va(p, &op, sizeof(op)))
                return -EFAULT;
        }
        return 0;

    case GNTTABOP_unmap_grant_ref:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_unmap_grant_ref_t)) {
            gnttab_unmap_grant_ref_t op;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            gnttab_unmap_one(v, &op);
            if (copy_to_guest_va(p, &op, sizeof(op)))
                return -EFAULT;
        }
        return 0;

    case GNTTABOP_copy:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_copy_t)) {
            gnttab_copy_t op;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            gnttab_copy_one(v, &op);
            if (copy_to_guest_va(p, &op, sizeof(op)))
                return -EFAULT;
        }
        return 0;

    case GNTTABOP_setup_table: {
        gnttab_setup_table_t op;
        xen_pfn_t frames[GNTTAB_MAX_SETUP_FRAMES];

        if (count != 1)
            return -EINVAL;
        if (copy_from_guest_va(&op, p, sizeof(op)))
            return -EFAULT;
        if (op.nr_frames > GNTTAB_MAX_SETUP_FRAMES)
            op.status = GNTST_general_error;
        else
            gnttab_setup_table(d, &op, frames);
        if (op.status == GNTST_okay &&
            copy_to_guest_va(op.frame_list.p, frames, op.nr_frames * sizeof(xen_pfn_t)))
            op.status = GNTST_bad_virt_addr;
        if (copy_to_guest_va(p, &op, sizeof(op)))
            return -EFAULT;
        return 0;
    }

    case GNTTABOP_query_size: {
        gnttab_query_size_t op;

        if (count != 1)
            return -EINVAL;
        if (copy_from_guest_va(&op, p, sizeof(op)))
            return -EFAULT;
        gnttab_query_size(d, &op);
        return copy_to_guest_va(p, &op, sizeof(op)) ? -EFAULT : 0;
    }

    case GNTTABOP_set_version: {
        gnttab_set_version_t op;
        long rc;

        if (count != 1)
            return -EINVAL;
        if (copy_from_guest_va(&op, p, sizeof(op)))
            return -EFAULT;
        rc = gnttab_set_version(d, &op);
        if (copy_to_guest_va(p, &op, sizeof(op)))
            return -EFAULT;
        return rc;
    }

    case GNTTABOP_get_version: {
        gnttab_get_version_t op;
        long rc;

        if (count != 1)
            return -EINVAL;
        if (copy_from_guest_va(&op, p, sizeof(op)))
            return -EFAULT;
        rc = gnttab_get_version(d, &op);
        if (rc == 0 && copy_to_guest_va(p, &op, sizeof(op)))
            return -EFAULT;
        return rc;
    }

    default:
        /* transfer, dump_table, unmap_and_replace, v2 status frames,
         * swap_grant_ref, cache_flush: not offered. */
        return -ENOSYS;
    }
}
