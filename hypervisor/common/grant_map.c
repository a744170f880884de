/*
 * grant_map.c — pinning a grant for a user (the header's checks, and
 * GTF_reading/GTF_writing set in the entry (v1) or its status word (v2)
 * while in use), the maptrack handles of a mapping domain, and
 * GNTTABOP_map_grant_ref / unmap_grant_ref / unmap_and_replace.
 *
 * A pin holds a general reference on the frame (and a writable type
 * reference for a writer), so a mapped or copied frame cannot be freed or
 * become a page table until the last user goes; the frame number is read
 * from the guest's entry once, when the first user pins, and kept in the
 * active entry after that.
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

/* -------------------------------------------------------- pin / unpin */

/*
 * Take a v1 entry's status for a new user of rd's grant ref on behalf of
 * domain ldom: checks type and grantee, refuses write access to a
 * read-only grant, and sets GTF_reading / GTF_writing atomically.
 */
static int16_t set_status_v1(uint32_t *word, domid_t ldom, bool readonly)
{
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

/*
 * The header's checks for a v2 entry (first user: type and grantee too).
 * trans: the entry must be transitive (a copy following it), else an
 * ordinary full_page or sub_page grant; a mapping is of a whole page, so
 * it also refuses sub_page, and is never asked with trans.
 */
static bool v2_header_ok(uint32_t hdr, domid_t ldom, bool readonly, bool map, bool trans,
                         bool first)
{
    uint16_t flags = hdr & 0xffff;
    uint16_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);

    if (first && ((flags & mask) != (trans ? GTF_transitive : GTF_permit_access) ||
                  (domid_t)(hdr >> 16) != ldom))
        return false;
    return readonly || !(flags & GTF_readonly);
}

/*
 * The same for a v2 entry, whose in-use bits are in the status word: set
 * them, then read the header again, so that a granter revoking at the same
 * moment either sees the bits (and waits) or we see the revocation (and
 * back out), as Xen's _set_status_v2.
 */
int16_t set_status_v2(uint32_t *word, uint16_t *status, domid_t ldom, bool readonly,
                      bool map, bool trans, bool first)
{
    uint16_t bits = GTF_reading | (readonly ? 0 : GTF_writing);

    if (!v2_header_ok(__atomic_load_n(word, __ATOMIC_ACQUIRE), ldom, readonly, map, trans, first))
        return GNTST_general_error;
    __atomic_fetch_or(status, bits, __ATOMIC_SEQ_CST);
    if (!v2_header_ok(__atomic_load_n(word, __ATOMIC_SEQ_CST), ldom, readonly, map, trans,
                      first)) {
        __atomic_fetch_and(status, (uint16_t)~(first ? (GTF_reading | GTF_writing) : GTF_writing),
                           __ATOMIC_RELEASE);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

void clear_entry_flags(struct grant_table *gt, grant_ref_t ref, uint16_t bits)
{
    __atomic_fetch_and(entry_status(gt, ref), (uint16_t)~bits, __ATOMIC_RELEASE);
}

/* After act's pins changed: clear what no pin needs any more (GTF_writing
 * once no writable pin is left, GTF_reading too once there is no pin). */
void release_entry_flags(struct grant_table *gt, grant_ref_t ref,
                         const struct active_grant_entry *act)
{
    if (act->pin_rw == 0)
        clear_entry_flags(gt, ref, act->pin_ro == 0 ? (GTF_reading | GTF_writing) : GTF_writing);
}

/*
 * Pin rd's grant ref for ld (gnttab_lock held): validate, take the frame's
 * references, count the user.  map: for a mapping (whole pages only), else
 * for a copy.  Returns GNTST_*; *mfn on success, the granted bytes in the
 * active entry (start, length).
 */
int16_t pin_grant(struct domain *rd, grant_ref_t ref, struct domain *ld,
                         bool readonly, bool map, mfn_t *mfn)
{
    struct grant_table *rgt = gt_of(rd);
    struct active_grant_entry *act;
    uint32_t *word;
    struct page_info *pg;
    bool first;
    int16_t rc;

    if (rgt == NULL || ref >= nr_entries(rgt))
        return GNTST_bad_gntref;
    word = entry_word(rgt, ref);
    act = active_entry(rgt, ref);
    first = act->pin_ro == 0 && act->pin_rw == 0;

    if (!first && (act->domid != ld->domain_id || pin_full(act, readonly)))
        return GNTST_general_error;
    if (!first && map && (act->trans || act->start != 0 || act->length != PAGE_SIZE))
        return GNTST_general_error;         /* a sub_page or transitive grant in use by a copy */
    if (!first && act->trans)
        return GNTST_general_error;         /* only grant_copy.c's pin_grant_for_copy() follows it */
    if (first || (!readonly && act->pin_rw == 0)) {
        if (rgt->version == 2)
            rc = set_status_v2(word, status_entry(rgt, ref), ld->domain_id, readonly, map, false,
                               first);
        else
            rc = set_status_v1(word, ld->domain_id, readonly);
        if (rc != GNTST_okay)
            return rc;
    }
    if (first) {
        act->domid = ld->domain_id;
        act->trans = false;
        act->start = 0;
        act->length = PAGE_SIZE;
        if (rgt->version == 2) {
            grant_entry_v2_t *e = shared_entry_v2(rgt, ref);

            act->mfn = __atomic_load_n(&e->full_page.frame, __ATOMIC_RELAXED);
            if (__atomic_load_n(&e->hdr.flags, __ATOMIC_RELAXED) & GTF_sub_page) {
                act->start = __atomic_load_n(&e->sub_page.page_off, __ATOMIC_RELAXED);
                act->length = __atomic_load_n(&e->sub_page.length, __ATOMIC_RELAXED);
            }
        } else {
            act->mfn = __atomic_load_n(&shared_entry_v1(rgt, ref)->frame, __ATOMIC_RELAXED);
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
    pin_take(act, readonly);
    *mfn = act->mfn;
    return GNTST_okay;

undo:
    release_entry_flags(rgt, ref, act);
    return rc;
}

void unpin_grant(struct domain *rd, grant_ref_t ref, bool readonly)
{
    struct grant_table *rgt = gt_of(rd);
    struct active_grant_entry *act = active_entry(rgt, ref);
    struct page_info *pg = mfn_to_page(act->mfn);

    pin_put(act, readonly);
    if (!readonly)
        put_page_type(pg);
    release_entry_flags(rgt, ref, act);
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
    rc = pin_grant(rd, op->ref, ld, readonly, true, &mfn);
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
    /* Xen reports the frame's machine address whatever the flags (PV). */
    op->dev_bus_addr = (uint64_t)mfn << PAGE_SHIFT;
out:
    spin_unlock(&gnttab_lock);
    put_domain(rd);
    op->status = rc;
}

/*
 * Unmap what op names of a mapping, as Xen's unmap_common: the device part
 * when dev_bus_addr is given (it must be the frame's address), the host
 * part when host_addr is given (the grant PTE there; with new_addr, the
 * PTE of new_addr takes its place).  A mapping with both parts may lose
 * them one at a time; the pin and the handle go with the last part.
 */
static int16_t unmap_common(struct vcpu *v, grant_handle_t handle, uint64_t host_addr,
                            uint64_t dev_bus_addr, uint64_t new_addr)
{
    struct domain *ld = v->domain;
    struct grant_mapping *m = maptrack_entry(gt_of(ld), handle);
    uint32_t done = 0;
    int16_t rc;

    if (m == NULL || !m->in_use)
        return GNTST_bad_handle;
    if (dev_bus_addr != 0 && (m->flags & GNTMAP_device_map) &&
        dev_bus_addr != ((uint64_t)m->mfn << PAGE_SHIFT))
        return GNTST_bad_dev_addr;
    if (host_addr != 0 && (m->flags & GNTMAP_host_map)) {
        rc = replace_grant_host_mapping(v, host_addr, m->mfn, new_addr, m->flags);
        if (rc != GNTST_okay)
            return rc;
        done |= GNTMAP_host_map;
    }
    if (dev_bus_addr != 0 && (m->flags & GNTMAP_device_map))
        done |= GNTMAP_device_map;
    m->flags &= ~done;
    if (!(m->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
        unpin_grant(m->rd, m->ref, (m->flags & GNTMAP_readonly) != 0);
        put_domain(m->rd);
        m->in_use = false;
        gt_of(ld)->maptrack_used--;
    }
    return GNTST_okay;
}

void gnttab_unmap_one(struct vcpu *v, gnttab_unmap_grant_ref_t *op)
{
    spin_lock(&gnttab_lock);
    op->status = unmap_common(v, op->handle, op->host_addr, op->dev_bus_addr, 0);
    spin_unlock(&gnttab_lock);
}

void gnttab_unmap_and_replace_one(struct vcpu *v, gnttab_unmap_and_replace_t *op)
{
    spin_lock(&gnttab_lock);
    op->status = unmap_common(v, op->handle, op->host_addr, 0, op->new_addr);
    spin_unlock(&gnttab_lock);
}

/*
 * Debug dump ('q'): print the mappings ld holds of rd's grants (each holds
 * a reference on rd) and return how many there are.
 */
unsigned int gnttab_dump_maps_of(struct domain *ld, struct domain *rd)
{
    struct grant_table *gt = gt_of(ld);
    unsigned int n = 0;

    if (gt == NULL)
        return 0;
    spin_lock(&gnttab_lock);
    for (unsigned int c = 0; c < MAX_MAPTRACK / MAPTRACK_CHUNK; c++) {
        if (gt->maptrack[c] == NULL)
            continue;
        for (unsigned int i = 0; i < MAPTRACK_CHUNK; i++) {
            const struct grant_mapping *m = &gt->maptrack[c][i];

            if (!m->in_use || m->rd != rd)
                continue;
            if (n++ < 8)
                printk("    d%u maps its grant ref %u (mfn %#lx, flags %#x, handle %u)\n",
                       ld->domain_id, m->ref, (unsigned long)m->mfn, m->flags,
                       c * MAPTRACK_CHUNK + i);
        }
    }
    spin_unlock(&gnttab_lock);
    return n;
}
