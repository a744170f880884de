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
        rc = pin_grant(d, p->u.ref, ld, !write, &mfn);
        if (rc != GNTST_okay)
            goto fail;
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

    default:
        /* transfer, dump_table, v2 status frames, swap_grant_ref,
         * cache_flush: not offered. */
        return -ENOSYS;
    }
}
