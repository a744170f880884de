/*
 * grant_table.c — grant tables, versions 1 and 2: table setup and sizing,
 * the version switch and v2's status frames, mapping and unmapping granted
 * frames, grant copy, and the cleanup when either side of a grant dies.
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
 * swap_grant_ref and transfer's checks are at the end (transfer itself is
 * not offered: see transfer_one).
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

static unsigned int entries_per_frame(const struct grant_table *gt)
{
    return gt->version == 2 ? GRANT_V2_PER_FRAME : GRANT_ENTRIES_PER_FRAME;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * entries_per_frame(gt);
}

static grant_entry_v1_t *shared_entry_v1(struct grant_table *gt, grant_ref_t ref)
{
    return (grant_entry_v1_t *)gt->shared_raw[ref / GRANT_ENTRIES_PER_FRAME] +
           ref % GRANT_ENTRIES_PER_FRAME;
}

static grant_entry_v2_t *shared_entry_v2(struct grant_table *gt, grant_ref_t ref)
{
    return (grant_entry_v2_t *)gt->shared_raw[ref / GRANT_V2_PER_FRAME] +
           ref % GRANT_V2_PER_FRAME;
}

static grant_status_t *status_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->status[ref / GRANT_STATUS_PER_FRAME][ref % GRANT_STATUS_PER_FRAME];
}

/* The header word (flags low, domid high): same layout in v1 and v2. */
static uint32_t *entry_word(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? (uint32_t *)&shared_entry_v2(gt, ref)->hdr
                            : (uint32_t *)shared_entry_v1(gt, ref);
}

/* Where GTF_reading / GTF_writing live: the entry's flags (v1) or its
 * status word (v2). */
static uint16_t *entry_status(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? status_entry(gt, ref) : &shared_entry_v1(gt, ref)->flags;
}

/* Status frames needed by nr grant frames of v2 entries. */
static unsigned int status_frames_for(unsigned int nr)
{
    return (nr * GRANT_V2_PER_FRAME + GRANT_STATUS_PER_FRAME - 1) / GRANT_STATUS_PER_FRAME;
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

/* The header's checks for a v2 entry (first user: type and grantee too). */
static bool v2_header_ok(uint32_t hdr, domid_t ldom, bool readonly, bool map, bool first)
{
    uint16_t flags = hdr & 0xffff;
    /* A mapping is of a whole page: a sub_page grant only serves copies.
     * Transitive grants are refused (Xen refuses them to maps, and to
     * copies when they point back at their own domain). */
    uint16_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);

    if (first && ((flags & mask) != GTF_permit_access || (domid_t)(hdr >> 16) != ldom))
        return false;
    return readonly || !(flags & GTF_readonly);
}

/*
 * The same for a v2 entry, whose in-use bits are in the status word: set
 * them, then read the header again, so that a granter revoking at the same
 * moment either sees the bits (and waits) or we see the revocation (and
 * back out), as Xen's _set_status_v2.
 */
static int16_t set_status_v2(uint32_t *word, uint16_t *status, domid_t ldom, bool readonly,
                             bool map, bool first)
{
    uint16_t bits = GTF_reading | (readonly ? 0 : GTF_writing);

    if (!v2_header_ok(__atomic_load_n(word, __ATOMIC_ACQUIRE), ldom, readonly, map, first))
        return GNTST_general_error;
    __atomic_fetch_or(status, bits, __ATOMIC_SEQ_CST);
    if (!v2_header_ok(__atomic_load_n(word, __ATOMIC_SEQ_CST), ldom, readonly, map, first)) {
        __atomic_fetch_and(status, (uint16_t)~(first ? (GTF_reading | GTF_writing) : GTF_writing),
                           __ATOMIC_RELEASE);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static void clear_entry_flags(struct grant_table *gt, grant_ref_t ref, uint16_t bits)
{
    __atomic_fetch_and(entry_status(gt, ref), (uint16_t)~bits, __ATOMIC_RELEASE);
}

/*
 * Pin rd's grant ref for ld (gnttab_lock held): validate, take the frame's
 * references, count the user.  map: for a mapping (whole pages only), else
 * for a copy.  Returns GNTST_*; *mfn on success, the granted bytes in the
 * active entry (start, length).
 */
static int16_t pin_grant(struct domain *rd, grant_ref_t ref, struct domain *ld,
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

    if (!first && act->domid != ld->domain_id)
        return GNTST_general_error;
    if (!first && map && (act->start != 0 || act->length != PAGE_SIZE))
        return GNTST_general_error;         /* a sub_page grant in use by a copy */
    if (first || (!readonly && act->pin_rw == 0)) {
        if (rgt->version == 2)
            rc = set_status_v2(word, status_entry(rgt, ref), ld->domain_id, readonly, map, first);
        else
            rc = set_status_v1(word, ld->domain_id, readonly);
        if (rc != GNTST_okay)
            return rc;
    }
    if (first) {
        act->domid = ld->domain_id;
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
    if (readonly)
        act->pin_ro++;
    else
        act->pin_rw++;
    *mfn = act->mfn;
    return GNTST_okay;

undo:
    if (act->pin_ro == 0 && act->pin_rw == 0)
        clear_entry_flags(rgt, ref, GTF_reading | GTF_writing);
    else if (act->pin_rw == 0)
        clear_entry_flags(rgt, ref, GTF_writing);
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
        clear_entry_flags(rgt, ref,
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

/* ---------------------------------------------------------------- copy */

/*
 * One side (source or destination) of a grant copy.  As Xen's
 * gnttab_copy_buf, what an op acquired stays held for the next op of the
 * same batch: an op naming the same domain id and the same gref or frame
 * (netback copies many small pieces out of one gref) reuses the pin and
 * references instead of taking them again.  The key (tag and key) covers
 * everything a side is validated on, and the pin or references held are
 * what keep those checks true until the side is released.
 *
 * The copy path is written for cost per op: GNTTABOP_copy is the data path
 * of PV network and block backends.  The hot helpers are forced inline
 * into the batch loop and branch little (under emulation every branch and
 * every call ends a translated block).
 */
#define COPY_HELD   (1u << 17)          /* tag: something is held */
#define COPY_GREF   (1u << 16)          /* tag: via a gref, else a frame number */
#define COPY_DREF   (1u << 18)          /* d is referenced (another domain than the caller) */

struct copy_buf {
    uint32_t tag;               /* COPY_HELD | COPY_GREF? | domid as given, | COPY_DREF?; 0 = empty */
    uint64_t key;               /* the gref or frame number */
    struct domain *d;
    mfn_t mfn;
    char *virt;                 /* the frame in the direct map */
    uint16_t start, len;        /* the bytes it may copy: a sub_page grant's, else the page */
};

#define __copy_inline inline __attribute__((always_inline))

static __copy_inline uint32_t copy_tag(const struct gnttab_copy_ptr *p, bool is_gref)
{
    return COPY_HELD | (is_gref ? COPY_GREF : 0) | p->domid;
}

static __copy_inline uint64_t copy_key(const struct gnttab_copy_ptr *p, bool is_gref)
{
    return is_gref ? (uint64_t)p->u.ref : (uint64_t)p->u.gmfn;
}

/* Drop what b holds (gnttab_lock held). */
static __copy_inline void copy_buf_release(struct copy_buf *b, bool write)
{
    uint32_t tag = b->tag;

    if (tag == 0)
        return;
    b->tag = 0;
    if (likely(!(tag & (COPY_GREF | COPY_DREF)))) {     /* one's own frame by number */
        if (write)
            put_page_type(mfn_to_page(b->mfn));
        put_page(mfn_to_page(b->mfn));
        return;
    }
    if (tag & COPY_GREF) {
        unpin_grant(b->d, (grant_ref_t)b->key, !write);
    } else {
        if (write)
            put_page_type(mfn_to_page(b->mfn));
        put_page(mfn_to_page(b->mfn));
    }
    if (tag & COPY_DREF)
        put_domain(b->d);
}

/*
 * Acquire one side for ld (gnttab_lock held, b empty): a gref pinned, or a
 * frame by number — one's own, or anyone's for the control domain — with a
 * general reference and, for the destination, a writable type reference (so
 * a page table or descriptor frame can never be written this way).  The
 * caller itself is used without a domain reference: the scheduler holds
 * one on the running domain until the next switch, and nothing switches
 * during a hypercall.  dmap: the direct map's base (maddr_to_virt(0)).
 */
static __copy_inline int16_t copy_buf_claim(struct domain *ld, const struct gnttab_copy_ptr *p,
                                            bool is_gref, bool write, char *dmap,
                                            struct copy_buf *b)
{
    struct domain *d = ld;
    bool ref = false;
    mfn_t mfn;
    int16_t rc;

    if (unlikely((p->domid != DOMID_SELF) & (p->domid != ld->domain_id))) {
        d = domain_lookup(ld, p->domid);
        if (d == NULL)
            return GNTST_bad_domain;
        ref = true;
    }
    if (is_gref) {
        rc = pin_grant(d, p->u.ref, ld, !write, false, &mfn);
        if (rc != GNTST_okay)
            goto fail;
        b->start = active_entry(gt_of(d), p->u.ref)->start;
        b->len = active_entry(gt_of(d), p->u.ref)->length;
    } else {
        struct page_info *pg;

        rc = GNTST_permission_denied;
        if (ref && !ld->is_privileged)
            goto fail;
        rc = GNTST_bad_page;
        mfn = p->u.gmfn;
        if (!mfn_valid(mfn))
            goto fail;
        pg = mfn_to_page(mfn);
        if (unlikely(!get_page(pg, d)))
            goto fail;
        if (write && get_page_type(pg, PGT_writable_page) != 0) {
            put_page(pg);
            goto fail;
        }
        b->start = 0;
        b->len = PAGE_SIZE;
    }
    b->tag = copy_tag(p, is_gref) | (ref ? COPY_DREF : 0);
    b->key = copy_key(p, is_gref);
    b->d = d;
    b->mfn = mfn;
    /* mfn is RAM (mfn_valid here or in pin_grant): inside the direct map. */
    b->virt = dmap + ((paddr_t)mfn << PAGE_SHIFT);
    return GNTST_okay;
fail:
    if (ref)
        put_domain(d);
    return rc;
}

/* Make b hold p's side, reusing what it holds when that is the same. */
static __copy_inline int16_t copy_buf_get(struct domain *ld, const struct gnttab_copy_ptr *p,
                                          bool is_gref, bool write, char *dmap,
                                          struct copy_buf *b)
{
    if ((((b->tag & ~COPY_DREF) ^ copy_tag(p, is_gref)) | (b->key ^ copy_key(p, is_gref))) == 0)
        return GNTST_okay;
    copy_buf_release(b, write);
    return copy_buf_claim(ld, p, is_gref, write, dmap, b);
}

/* One op (gnttab_lock held); returns its status.  A side that failed is
 * left empty, the other keeps what it holds. */
static __copy_inline int16_t copy_op(struct domain *ld, const gnttab_copy_t *op,
                                     struct copy_buf *src, struct copy_buf *dst, char *dmap)
{
    unsigned int len = op->len;
    char *to, *from;
    int16_t rc;

    /* Offsets and len are 16-bit: the sums cannot wrap; len > PAGE_SIZE fails too. */
    if ((op->source.offset + len > PAGE_SIZE) | (op->dest.offset + len > PAGE_SIZE))
        return GNTST_bad_copy_arg;
    rc = copy_buf_get(ld, &op->source, op->flags & GNTCOPY_source_gref, false, dmap, src);
    if (rc != GNTST_okay)
        return rc;
    rc = copy_buf_get(ld, &op->dest, op->flags & GNTCOPY_dest_gref, true, dmap, dst);
    if (rc != GNTST_okay)
        return rc;
    /* Inside what was granted (a v2 sub_page grant: its bytes only). */
    if (unlikely((op->source.offset < src->start) |
                 (op->source.offset + len > (unsigned int)src->start + src->len) |
                 (op->dest.offset < dst->start) |
                 (op->dest.offset + len > (unsigned int)dst->start + dst->len)))
        return GNTST_general_error;
    to = dst->virt + op->dest.offset;
    from = src->virt + op->source.offset;
    if (unlikely(dst->mfn == src->mfn))
        memmove(to, from, len);             /* only within one frame can they overlap */
    else
        memcpy(to, from, len);
    return GNTST_okay;
}

void gnttab_copy_one(struct vcpu *v, gnttab_copy_t *op)
{
    struct copy_buf src = { .tag = 0 }, dst = { .tag = 0 };

    spin_lock(&gnttab_lock);
    op->status = copy_op(v->domain, op, &src, &dst, maddr_to_virt(0));
    copy_buf_release(&dst, true);
    copy_buf_release(&src, false);
    spin_unlock(&gnttab_lock);
}

/*
 * GNTTABOP_copy: ops are read COPY_CHUNK at a time and run under one hold
 * of gnttab_lock per chunk (guest accesses inside it can only fault into
 * their fixups, never sleep).  Each op's status is written back as soon as
 * it is known, and only the status field, as Xen does; a fault reading or
 * writing the array ends the batch with -EFAULT after the ops before it.
 * What the last ops held is released at the end of the batch.
 */
#define COPY_CHUNK 16

static __attribute__((noinline)) long gnttab_copy_batch(struct vcpu *v, char *uop,
                                                      unsigned int count)
{
    gnttab_copy_t ops[COPY_CHUNK];
    struct copy_buf src = { .tag = 0 }, dst = { .tag = 0 };
    struct domain *ld = v->domain;
    char *dmap = maddr_to_virt(0);
    long rc = 0;

    while (count > 0 && rc == 0) {
        unsigned int n = count < COPY_CHUNK ? count : COPY_CHUNK, ok;
        unsigned long left = copy_from_guest_va(ops, uop, n * sizeof(*ops));

        ok = (n * sizeof(*ops) - left) / sizeof(*ops);     /* whole ops read */
        if (ok < n)
            rc = -EFAULT;
        spin_lock(&gnttab_lock);
        for (unsigned int i = 0; i < ok; i++, uop += sizeof(*ops)) {
            ops[i].status = copy_op(ld, &ops[i], &src, &dst, dmap);
            if (raw_put_guest_u16(uop + offsetof(gnttab_copy_t, status),
                                  (uint16_t)ops[i].status)) {
                rc = -EFAULT;
                break;
            }
        }
        spin_unlock(&gnttab_lock);
        count -= n;
    }
    spin_lock(&gnttab_lock);
    copy_buf_release(&dst, true);
    copy_buf_release(&src, false);
    spin_unlock(&gnttab_lock);
    return rc;
}

/* ---------------------------------------------------------- cache flush */

/*
 * GNTTABOP_cache_flush of one range, with Xen 4.17's checks in its order:
 * the range inside a page and only CLEAN/INVAL bits (-EINVAL; so a
 * GNTTAB_CACHE_SOURCE_GREF request is -EINVAL too), nothing to do (0), a
 * RAM frame (-EINVAL), owned by a domain with a grant table (-EPERM: a
 * frame of no domain or of DOMID_IO has none, which is what XSA-232 was
 * about), the caller's own or granted to it and in use (-EINVAL).  x86
 * caches are coherent with DMA: cleaning is a no-op (0); invalidating
 * alone is refused as Xen's x86 refuses it (-EOPNOTSUPP).
 */
static long cache_flush_one(struct domain *d, const gnttab_cache_flush_t *c)
{
    mfn_t mfn = c->a.dev_bus_addr >> PAGE_SHIFT;
    struct domain *owner;
    bool found;

    if (c->offset >= PAGE_SIZE || c->length > PAGE_SIZE || c->offset + c->length > PAGE_SIZE ||
        (c->op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)))
        return -EINVAL;
    if (c->length == 0 || c->op == 0)
        return 0;
    if (!mfn_valid(mfn))
        return -EINVAL;
    owner = mfn_to_page(mfn)->owner;
    if (owner == NULL || gt_of(owner) == NULL)
        return -EPERM;
    found = owner == d;
    for (grant_ref_t ref = 0; !found && ref < nr_entries(gt_of(owner)); ref++) {
        const struct active_grant_entry *act = active_entry(gt_of(owner), ref);

        found = (act->pin_ro || act->pin_rw) && act->domid == d->domain_id && act->mfn == mfn;
    }
    if (!found)
        return -EINVAL;
    return c->op == GNTTAB_CACHE_INVAL ? -EOPNOTSUPP : 0;
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
    if (pg->owner != d || (pg->count_info & PGC_xen_heap) ||
        !(pg->count_info & PGC_allocated) || (pg->count_info & PGC_count_mask) != 1 ||
        (pg->type_info & PGT_count_mask) != 0)
        return GNTST_bad_page;
    return GNTST_general_error;
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
