/*
 * grant_table.c — grant tables, versions 1 and 2: table setup and sizing,
 * the version switch and v2's status frames, swap_grant_ref and transfer's
 * checks, the cleanup when either side of a grant dies, and the
 * grant_table_op hypercall that dispatches to these and to grant_map.c
 * (map/unmap) and grant_copy.c (copy, cache_flush).
 *
 * Trust boundaries: the granter's shared entries live in pages the granter
 * writes at any time, so every decision reads an entry once, and the flag
 * word (flags | domid << 16) is changed with compare-and-swap so that a
 * concurrent revocation is either seen or fails the swap.  While a grant is
 * in use (pinned) the frame number is taken from our active entry, never
 * re-read from the guest, and the frame carries our references: it cannot be
 * freed or become a page table until the last mapping goes.
 *
 * Version 2 keeps the in-use bits (GTF_reading/GTF_writing) out of the
 * entry, in status frames the guest maps read-only or writable; the entry's
 * header word (flags | domid << 16) has the same place and meaning in both
 * versions, so only where the bits and the frame number live differs.
 * Changing the version (Xen's rules, and the advisories around them:
 * XSA-226..XSA-255 era) needs every entry but the 8 reserved ones idle, and
 * going back to 1 needs the status frames unmapped: a status frame the guest
 * still maps is never freed (XSA-255), the switch answers -EBUSY instead.
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
#include "grant_private.h"

DEFINE_SPINLOCK(gnttab_lock);

/* ---------------------------------------------------------------- setup */

int grant_table_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);

    if (gt == NULL)
        return -ENOMEM;
    gt->max_frames = MAX_GRANT_FRAMES;
    gt->version = 1;
    gt->max_version = 2;        /* Xen's default (gnttab=max-ver:2) */
    d->grant_table = gt;
    return 0;
}

/* Give d the status frames nr grant frames of v2 need (zeroed, shared
 * with it writable as Xen does). */
static int populate_status_frames(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = gt_of(d);
    unsigned int want = status_frames_for(nr);

    while (gt->nr_status_frames < want) {
        void *page = alloc_xenheap_pages(0);

        if (page == NULL)
            return -ENOMEM;
        memset(page, 0, PAGE_SIZE);
        gt->status[gt->nr_status_frames++] = page;
        share_xen_page_with_guest(virt_to_page(page), d, false);
    }
    return 0;
}

/*
 * Take the status frames back (version 2 -> 1).  A frame the guest (or
 * anyone) still maps has references beyond the allocation one: freeing it
 * would leave a mapping of a page the allocator hands out again (XSA-255),
 * so the switch fails with -EBUSY and nothing changes.
 */
static int release_status_frames(struct domain *d)
{
    struct grant_table *gt = gt_of(d);

    for (unsigned int i = 0; i < gt->nr_status_frames; i++) {
        struct page_info *pg = virt_to_page(gt->status[i]);

        if ((pg->count_info & PGC_count_mask) != 1 || !(pg->count_info & PGC_allocated))
            return -EBUSY;
    }
    for (unsigned int i = 0; i < gt->nr_status_frames; i++) {
        unshare_xen_page(virt_to_page(gt->status[i]));     /* frees it: no other user */
        gt->status[i] = NULL;
    }
    gt->nr_status_frames = 0;
    return 0;
}

/* Grow d's table to nr frames; the new frames are shared with d. */
static int grow_table(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = gt_of(d);

    if (gt->version == 2 && populate_status_frames(d, nr) != 0)
        return -ENOMEM;
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
        gt->shared_raw[i] = page;
        share_xen_page_with_guest(virt_to_page(page), d, false);
        gt->nr_frames++;
    }
    return 0;
}

/* domain_lookup_target with its errors as grant status codes. */
static struct domain *lookup_target(struct domain *caller, domid_t dom, int16_t *status)
{
    int rc = 0;
    struct domain *d = domain_lookup_target(caller, dom, &rc);

    if (d == NULL)
        *status = rc == -EPERM ? GNTST_permission_denied : GNTST_bad_domain;
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
            frames[i] = virt_to_mfn(gt->shared_raw[i]);
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

/* Read the reserved entries in the current version's form, as v1 entries
 * with the in-use bits in flags (what either version can represent). */
static void save_reserved(struct grant_table *gt, grant_entry_v1_t *keep)
{
    for (grant_ref_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        if (gt->version == 1) {
            keep[i] = *shared_entry_v1(gt, i);
            continue;
        }
        grant_entry_v2_t *e = shared_entry_v2(gt, i);
        uint16_t flags = ACCESS_ONCE(e->hdr.flags);

        memset(&keep[i], 0, sizeof(keep[i]));
        if ((flags & GTF_type_mask) == GTF_permit_access) {     /* others are dropped */
            keep[i].flags = flags | *status_entry(gt, i);
            keep[i].domid = e->hdr.domid;
            keep[i].frame = (uint32_t)e->full_page.frame;
        }
    }
}

static void restore_reserved(struct grant_table *gt, const grant_entry_v1_t *keep)
{
    for (grant_ref_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        if (gt->version == 1) {
            *shared_entry_v1(gt, i) = keep[i];
            continue;
        }
        grant_entry_v2_t *e = shared_entry_v2(gt, i);

        *status_entry(gt, i) = keep[i].flags & (GTF_reading | GTF_writing);
        e->hdr.flags = keep[i].flags & ~(GTF_reading | GTF_writing);
        e->hdr.domid = keep[i].domid;
        e->full_page.frame = keep[i].frame;
    }
}

/*
 * GNTTABOP_set_version for the caller's own table, Xen's rules: 1 or 2
 * (else -EINVAL), 2 only if createdomain allowed it (else -ENOSYS, as Xen
 * with max_grant_version 1); no entry past the reserved 8 in use (-EBUSY); back to 1
 * only if the reserved entries fit v1 (a transitive grant or a frame above
 * 32 bits: -ERANGE) and the status frames are unmapped (-EBUSY).  The
 * grant frames are cleared, the reserved entries carried over, and
 * op->version always says the version in force afterwards.
 */
int gnttab_set_version(struct domain *d, gnttab_set_version_t *op)
{
    struct grant_table *gt = gt_of(d);
    grant_entry_v1_t keep[GNTTAB_NR_RESERVED_ENTRIES];
    int rc = -EINVAL;

    if (gt == NULL)
        return -ENODEV;
    spin_lock(&gnttab_lock);
    if (op->version != 1 && op->version != 2)
        goto out;
    rc = -ENOSYS;               /* as before set_version existed */
    if (op->version > gt->max_version)
        goto out;
    rc = 0;
    if (op->version == gt->version)
        goto out;
    rc = -EBUSY;
    for (grant_ref_t ref = GNTTAB_NR_RESERVED_ENTRIES; ref < nr_entries(gt); ref++) {
        const struct active_grant_entry *act = active_entry(gt, ref);

        if (act->pin_ro != 0 || act->pin_rw != 0)
            goto out;
    }
    if (gt->version == 2) {
        rc = -ERANGE;
        for (grant_ref_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES && i < nr_entries(gt); i++) {
            const grant_entry_v2_t *e = shared_entry_v2(gt, i);
            uint16_t type = ACCESS_ONCE(e->hdr.flags) & GTF_type_mask;

            if (type == GTF_transitive ||
                (type == GTF_permit_access && (ACCESS_ONCE(e->full_page.frame) >> 32) != 0))
                goto out;
        }
    }
    memset(keep, 0, sizeof(keep));
    if (gt->nr_frames > 0)
        save_reserved(gt, keep);
    if (gt->version == 2)
        rc = release_status_frames(d);
    else
        rc = populate_status_frames(d, gt->nr_frames);
    if (rc != 0)
        goto out;
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        memset(gt->shared_raw[i], 0, PAGE_SIZE);
    gt->version = op->version;
    if (gt->nr_frames > 0)
        restore_reserved(gt, keep);
out:
    op->version = gt->version;
    spin_unlock(&gnttab_lock);
    return rc;
}

void gnttab_get_status_frames(struct domain *caller, gnttab_get_status_frames_t *op,
                              uint64_t *frames)
{
    struct domain *d;
    struct grant_table *gt;

    op->status = GNTST_okay;
    d = lookup_target(caller, op->dom, &op->status);
    if (d == NULL)
        return;
    gt = gt_of(d);
    spin_lock(&gnttab_lock);
    if (gt == NULL || op->nr_frames > gt->nr_status_frames) {
        op->status = GNTST_general_error;   /* v1 has none */
    } else {
        for (unsigned int i = 0; i < op->nr_frames; i++)
            frames[i] = virt_to_mfn(gt->status[i]);
    }
    spin_unlock(&gnttab_lock);
    put_domain(d);
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

/* ------------------------------------------------- swap and transfer */

static bool entry_pinned(struct grant_table *gt, grant_ref_t ref)
{
    const struct active_grant_entry *act = active_entry(gt, ref);

    return act->pin_ro || act->pin_rw;
}

/* GNTTABOP_swap_grant_ref: exchange two of the caller's own entries (v2:
 * with their status words), as Xen: a ref past the table -> bad_gntref
 * (ref_a checked first), the same ref twice -> okay and nothing changes,
 * an entry in use (mapped or being copied) -> eagain. */
static int16_t swap_one(struct domain *d, grant_ref_t a, grant_ref_t b)
{
    struct grant_table *gt = gt_of(d);

    if (gt == NULL || a >= nr_entries(gt) || b >= nr_entries(gt))
        return GNTST_bad_gntref;
    if (a == b)
        return GNTST_okay;
    if (entry_pinned(gt, a) || entry_pinned(gt, b))
        return GNTST_eagain;
    if (gt->version == 2) {
        grant_entry_v2_t e = *shared_entry_v2(gt, a);
        grant_status_t st = *status_entry(gt, a);

        *shared_entry_v2(gt, a) = *shared_entry_v2(gt, b);
        *status_entry(gt, a) = *status_entry(gt, b);
        *shared_entry_v2(gt, b) = e;
        *status_entry(gt, b) = st;
    } else {
        grant_entry_v1_t e = *shared_entry_v1(gt, a);

        *shared_entry_v1(gt, a) = *shared_entry_v1(gt, b);
        *shared_entry_v1(gt, b) = e;
    }
    return GNTST_okay;
}

/*
 * GNTTABOP_transfer: Xen first checks that the frame can be taken from the
 * caller (it exists, is the caller's own, not a hypervisor page and not in
 * use: only its allocation reference) and answers GNTST_bad_page
 * otherwise.  Those checks are Xen's; moving a page that passes them to
 * another domain is not offered (no Linux driver of today flips pages):
 * GNTST_general_error, and the page stays the caller's.
 */
static int16_t transfer_one(struct domain *d, const gnttab_transfer_t *op)
{
    const struct page_info *pg;

    if (!mfn_valid(op->mfn))
        return GNTST_bad_page;
    pg = mfn_to_page(op->mfn);
    if (page_get_owner(pg) != d || (pg->count_info & PGC_xen_heap) ||
        !(pg->count_info & PGC_allocated) || (pg->count_info & PGC_count_mask) != 1 ||
        (pg->type_info & PGT_count_mask) != 0)
        return GNTST_bad_page;
    return GNTST_general_error;
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

    case GNTTABOP_unmap_and_replace:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_unmap_and_replace_t)) {
            gnttab_unmap_and_replace_t op;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            gnttab_unmap_and_replace_one(v, &op);
            if (copy_to_guest_va(p, &op, sizeof(op)))
                return -EFAULT;
        }
        return 0;

    case GNTTABOP_copy:
        return gnttab_copy_batch(v, p, count);

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

    case GNTTABOP_get_status_frames: {
        gnttab_get_status_frames_t op;
        uint64_t frames[MAX_STATUS_FRAMES];

        if (count != 1)
            return -EINVAL;
        if (copy_from_guest_va(&op, p, sizeof(op)))
            return -EFAULT;
        gnttab_get_status_frames(d, &op, frames);
        if (op.status == GNTST_okay &&
            copy_to_guest_va(op.frame_list.p, frames, op.nr_frames * sizeof(uint64_t)))
            op.status = GNTST_bad_virt_addr;
        /* Only the status goes back, as Xen. */
        if (copy_to_guest_va(p + offsetof(gnttab_get_status_frames_t, status), &op.status,
                             sizeof(op.status)))
            return -EFAULT;
        return 0;
    }

    case GNTTABOP_cache_flush:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_cache_flush_t)) {
            gnttab_cache_flush_t op;
            long rc;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            spin_lock(&gnttab_lock);
            rc = cache_flush_one(d, &op);
            spin_unlock(&gnttab_lock);
            if (rc < 0)
                return rc;
        }
        return 0;

    case GNTTABOP_swap_grant_ref:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_swap_grant_ref_t)) {
            gnttab_swap_grant_ref_t op;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            spin_lock(&gnttab_lock);
            op.status = swap_one(d, op.ref_a, op.ref_b);
            spin_unlock(&gnttab_lock);
            if (copy_to_guest_va(p + offsetof(gnttab_swap_grant_ref_t, status), &op.status,
                                 sizeof(op.status)))
                return -EFAULT;
        }
        return 0;

    case GNTTABOP_transfer:
        for (unsigned int i = 0; i < count; i++, p += sizeof(gnttab_transfer_t)) {
            gnttab_transfer_t op;

            if (copy_from_guest_va(&op, p, sizeof(op)))
                return -EFAULT;
            spin_lock(&gnttab_lock);
            op.status = transfer_one(d, &op);
            spin_unlock(&gnttab_lock);
            if (copy_to_guest_va(p + offsetof(gnttab_transfer_t, status), &op.status,
                                 sizeof(op.status)))
                return -EFAULT;
        }
        return 0;

    default:
        /* dump_table: not offered. */
        return -ENOSYS;
    }
}
