/*
 * grant_copy.c — GNTTABOP_copy (the data path of PV network and block
 * backends: copies between frames named by grant reference or, for one's
 * own frames and the control domain, by frame number) and
 * GNTTABOP_cache_flush of granted frames.
 *
 * Transitive grants (v2, GTF_transitive) serve copies only, as in Xen: rd's
 * entry, made out to the copying domain, names another domain's grant
 * (trans_domid, gref) made out to rd, and the copy reaches that grant's
 * frame and bytes.  Xen's rules: one level only (the grant named must be
 * an ordinary full_page or sub_page grant, so chains and loops end there),
 * never rd itself, a domain that exists; the domain at the far end may be
 * the copying domain itself (a grant handed on and back).  While in use both
 * entries carry GTF_reading (and GTF_writing for a destination).
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

/* ---------------------------------------------------------------- copy */

/*
 * Pin rd's grant ref for a copy by ld (gnttab_lock held): an ordinary grant
 * through pin_grant(), a transitive one by pinning the grant it names on
 * rd's behalf.  allow_trans is false for that inner pin, which keeps
 * transitivity to one level as Xen's acquire_grant_for_copy().  Returns
 * GNTST_*; on success the active entry's start and length bound the copy.
 */
int16_t pin_grant_for_copy(struct domain *rd, grant_ref_t ref, struct domain *ld, bool readonly,
                           bool allow_trans, mfn_t *mfn)
{
    struct grant_table *rgt = gt_of(rd);
    struct active_grant_entry *act;
    grant_entry_v2_t *e;
    struct domain *td;
    grant_ref_t tref;
    domid_t tdom;
    bool first;
    int16_t rc;

    if (rgt == NULL || ref >= nr_entries(rgt))
        return GNTST_bad_gntref;
    act = active_entry(rgt, ref);
    first = act->pin_ro == 0 && act->pin_rw == 0;
    if (rgt->version != 2 || (first && (__atomic_load_n(entry_word(rgt, ref), __ATOMIC_ACQUIRE) &
                                         GTF_type_mask) != GTF_transitive) ||
        (!first && !act->trans))
        return pin_grant(rd, ref, ld, readonly, false, mfn);

    if (!first && (act->domid != ld->domain_id || pin_full(act, readonly)))
        return GNTST_general_error;
    if (first || (!readonly && act->pin_rw == 0)) {
        rc = set_status_v2(entry_word(rgt, ref), status_entry(rgt, ref), ld->domain_id,
                           readonly, false, true, first);
        if (rc != GNTST_okay)
            return rc;
    }
    rc = GNTST_general_error;
    if (!allow_trans)
        goto undo;                          /* a transitive grant naming another */
    if (first) {
        e = shared_entry_v2(rgt, ref);
        tdom = __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_RELAXED);
        tref = __atomic_load_n(&e->transitive.gref, __ATOMIC_RELAXED);
        if (tdom == rd->domain_id || tdom == DOMID_SELF)
            goto undo;                      /* self-referential */
        td = domain_lookup(rd, tdom);
        if (td == NULL)
            goto undo;
    } else {
        td = act->trans_d;
        tref = act->trans_gref;
    }
    rc = pin_grant_for_copy(td, tref, rd, readonly, false, mfn);
    if (rc != GNTST_okay) {
        if (first)
            put_domain(td);
        goto undo;
    }
    if (first) {
        const struct active_grant_entry *tact = active_entry(gt_of(td), tref);

        act->domid = ld->domain_id;
        act->trans = true;
        act->trans_d = td;                  /* keeps the reference taken above */
        act->trans_gref = tref;
        act->mfn = *mfn;
        act->start = tact->start;
        act->length = tact->length;
    }
    pin_take(act, readonly);
    return GNTST_okay;

undo:
    release_entry_flags(rgt, ref, act);
    return rc;
}

/* Undo pin_grant_for_copy() (gnttab_lock held). */
void unpin_grant_for_copy(struct domain *rd, grant_ref_t ref, bool readonly)
{
    struct grant_table *rgt = gt_of(rd);
    struct active_grant_entry *act = active_entry(rgt, ref);
    struct domain *td = act->trans_d;

    if (!act->trans) {
        unpin_grant(rd, ref, readonly);
        return;
    }
    pin_put(act, readonly);
    release_entry_flags(rgt, ref, act);
    unpin_grant_for_copy(td, act->trans_gref, readonly);
    if (act->pin_ro == 0 && act->pin_rw == 0) {
        act->trans = false;
        act->trans_d = NULL;
        put_domain(td);
    }
}

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
        unpin_grant_for_copy(b->d, (grant_ref_t)b->key, !write);
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
        rc = pin_grant_for_copy(d, p->u.ref, ld, !write, true, &mfn);
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

__attribute__((noinline)) long gnttab_copy_batch(struct vcpu *v, char *uop,
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
long cache_flush_one(struct domain *d, const gnttab_cache_flush_t *c)
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
    owner = page_get_owner(mfn_to_page(mfn));
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
