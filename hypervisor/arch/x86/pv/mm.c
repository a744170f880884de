/*
 * pv/mm.c — the PV MMU: frame reference counts and types, validation of
 * guest page tables, and the mmu_update / mmuext_op / update_va_mapping
 * hypercalls.
 *
 * This is the mechanism that lets a PV guest run on page tables it built
 * itself without being able to reach memory it does not own:
 *
 *  - count_info counts general references (PGC_allocated is the owner's own);
 *    get_page() succeeds only for the frame's owner.
 *  - type_info holds one type (L1..L4 table, descriptor table, writable) and
 *    a count of references of that type.  The type may change only when the
 *    count is zero, and a page-table type is "validated" — every entry checked
 *    and a typed reference taken on what it points to — before first use.
 *  - Every present writable L1 entry holds a PGT_writable_page reference on
 *    its frame, every Ln entry (n > 1) a PGT_l(n-1) reference, so a validated
 *    page table or GDT frame can never be writable through any mapping.
 *  - Linear (recursive) page tables, as Xen: an L2/L3/L4 entry may point at
 *    a validated table of its own level, or at its own table, if it is
 *    read-only; the target's type count is taken, the self-reference holds
 *    nothing, and linear_pt_count keeps a table from both holding and being
 *    the target of linear entries (no chains, no loops).
 *  - Pinning holds a type reference so a table stays validated while not in
 *    use; the current CR3 holds one too.  Dropping the last reference to a
 *    page-table type devalidates it (its entries' references are released).
 *
 * Semantics follow Xen (xen/arch/x86/mm.c, pv/mm.c); error numbers are the
 * ones Linux and Xen's own tests see.  Single CPU for now: no cmpxchg loops
 * are needed for the type and count words, but every update is still done
 * through one helper per word to keep the rules in one place.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/perfc.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

unsigned long *m2p_rw;

#define PGT_type(x)     ((x) & PGT_type_mask)
#define PGT_count(x)    ((x) & PGT_count_mask)
#define PGC_count(x)    ((x) & PGC_count_mask)

static const uint64_t level_type[5] = {
    0, PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, PGT_l4_page_table,
};

static inline pte_t *map_frame(mfn_t mfn)
{
    return maddr_to_virt((paddr_t)mfn << PAGE_SHIFT);
}

/* ------------------------------------------------------- general refs */

struct page_info *get_page_from_mfn(mfn_t mfn, const struct domain *d)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    return get_page(pg, d) ? pg : NULL;
}

/* ------------------------------------------------------------ validation */

static int validate_table(struct page_info *pg, uint64_t type);
static void devalidate_table(struct page_info *pg, uint64_t type);

bool pv_tlb_stale_writable = true;

/*
 * Take a type reference when the fast path (get_page_type, xen/domheap.h)
 * cannot: type changes, validation, the refusals.  On the 0 -> 1
 * transition of a page-table or descriptor type the contents are
 * validated; failure leaves the page as it was.
 */
int get_page_type_slow(struct page_info *pg, uint64_t type)
{
    uint64_t x = pg->type_info, old = x, nx;
    int rc;

    if (PGT_count(x + 1) == 0)
        return -EINVAL;                     /* type count overflow */

    if (PGT_count(x) == 0) {
        if (PGT_type(x) != type) {
            /*
             * Becoming a page table or descriptor page: a writable mapping
             * may linger in the TLB after its type reference was dropped,
             * so flush before the contents are trusted — unless the TLB was
             * flushed since the last writable mapping of any frame went
             * (Linux makes a whole tree read-only, then pins it: one flush,
             * not one per table).
             */
            if (PGT_type(x) == PGT_writable_page && type != PGT_writable_page) {
                if (pv_tlb_stale_writable) {
                    perfc_incr(tlb_flush_retype);
                    pv_flush_tlb_all_cpus();
                } else {
                    perfc_incr(tlb_flush_skip);
                }
            }
            x = type;                       /* new type, not validated, unpinned */
        }
        nx = (x & ~PGT_count_mask) | 1;
        if (type == PGT_writable_page || type == PGT_shared_page || type == PGT_none)
            nx |= PGT_validated;
    } else {
        if (PGT_type(x) != type)
            return -EINVAL;                 /* in use as another type */
        if (!(x & PGT_validated))
            return -EINVAL;                 /* validation of it is under way (a loop) */
        nx = x + 1;
    }
    pg->type_info = nx;

    if (!(nx & PGT_validated)) {
        rc = validate_table(pg, type);
        if (rc) {
            pg->type_info = old;            /* exactly as before */
            return rc;
        }
        pg->type_info |= PGT_validated;
    }
    return 0;
}

/* The last type reference goes (put_page_type in xen/domheap.h). */
void put_last_page_type(struct page_info *pg, uint64_t x)
{
    uint64_t t = PGT_type(x);

    /* A page table releases what its entries hold. */
    if ((x & PGT_validated) && t >= PGT_l1_page_table && t <= PGT_l4_page_table) {
        pg->type_info = (x & ~(PGT_validated | PGT_pinned)) ;  /* count still 1 while devalidating */
        devalidate_table(pg, t);
    }
    pg->type_info = t & PGT_type_mask;  /* count 0, not validated, not pinned */
    if (t == PGT_writable_page || t == PGT_none || t == PGT_shared_page)
        pg->type_info |= PGT_validated;
    if (t == PGT_writable_page)
        pv_tlb_stale_writable = true;
}

/* An L1 entry: the frame it maps (RAM of pg_owner, or device memory). */
int get_page_from_l1e(pte_t l1e, struct domain *l1e_owner, struct domain *pg_owner)
{
    mfn_t mfn = pte_mfn(l1e);
    struct page_info *pg;
    pte_t disallow = L1_DISALLOW_MASK;

    if (!pte_present(l1e))
        return 0;
    if (domain_has_io_rights(l1e_owner))
        disallow &= ~PTE_CACHE_ATTRS;
    if (l1e & disallow)
        return -EINVAL;

    if (!mfn_valid(mfn) || mfn_is_io(mfn)) {    /* device memory, firmware */
        /* As Xen: the frame's domain (DOMID_IO: the caller) must hold it in
         * its iomem capability, which never covers the hypervisor's own
         * memory, the LAPIC or the IO-APICs. */
        struct domain *d = pg_owner != NULL ? pg_owner : l1e_owner;

        return iomem_access_permitted(d, mfn, mfn) ? 0 : -EPERM;
    }

    pg = mfn_to_page(mfn);
    if (!get_page(pg, pg_owner))
        return -EPERM;              /* not yours: another domain's or the hypervisor's */
    if ((l1e & _PAGE_RW) && get_page_type(pg, PGT_writable_page) != 0) {
        put_page(pg);
        /* A page table or descriptor frame: read-only only.  Xen 4.17
         * answers -EBUSY here (tests/guests mmu and set_gdt). */
        return -EBUSY;
    }
    return 0;
}

void put_page_from_l1e(pte_t l1e, struct domain *l1e_owner)
{
    mfn_t mfn = pte_mfn(l1e);
    struct page_info *pg;

    if (!pte_present(l1e) || !mfn_valid(mfn) || mfn_is_io(mfn))
        return;
    if (l1e & _PAGE_GNTTAB) {
        /*
         * A grant mapping's references belong to the grant.  Removing the
         * PTE any other way than GNTTABOP_unmap_grant_ref is a guest bug
         * (Xen crashes the guest too); while dying, the grant code
         * releases the references itself.
         */
        if (!l1e_owner->is_dying && !l1e_owner->is_shutting_down)
            domain_crash(l1e_owner, "implicit unmap of a granted PTE");
        return;
    }
    pg = mfn_to_page(mfn);
    if (l1e & _PAGE_RW)
        put_page_and_type(pg);
    else
        put_page(pg);
}

/* ------------------------------------------------- linear page tables */

/* Xen's inc/dec_linear_entries/uses: the counts live in one signed word
 * with Xen's int16 range, so an entry count and a use count never coexist. */
#define LINEAR_PT_MAX 0x7fff

static bool inc_linear_entries(struct page_info *ptpg)
{
    if (ptpg->linear_pt_count < 0 || ptpg->linear_pt_count >= LINEAR_PT_MAX)
        return false;
    ptpg->linear_pt_count++;
    return true;
}

static void dec_linear_entries(struct page_info *ptpg)
{
    BUG_ON(ptpg->linear_pt_count <= 0);
    ptpg->linear_pt_count--;
}

static bool inc_linear_uses(struct page_info *pg)
{
    if (pg->linear_pt_count > 0 || pg->linear_pt_count <= -LINEAR_PT_MAX)
        return false;
    pg->linear_pt_count--;
    return true;
}

static void dec_linear_uses(struct page_info *pg)
{
    BUG_ON(pg->linear_pt_count >= 0);
    pg->linear_pt_count++;
}

/*
 * Entry e of table ptmfn (a level-`level` table of d) names a table of the
 * same level (Xen's get_lN_linear_pagetable): allowed read-only only; a
 * reference to its own table holds nothing; otherwise the target must be
 * d's, already validated as this level, hold no linear entries itself,
 * and ptmfn must not itself be a linear target.  Takes a general and a
 * type reference on the target.  0, or -EINVAL as the failed normal path.
 */
static int get_linear_pagetable(pte_t e, unsigned int level, mfn_t ptmfn, struct domain *d)
{
    mfn_t mfn = pte_mfn(e);
    struct page_info *pg, *ptpg = mfn_to_page(ptmfn);
    uint64_t x;

    if (e & _PAGE_RW)
        return -EINVAL;
    if (mfn == ptmfn)
        return 0;
    if (page_get_owner(ptpg) != d)
        return -EINVAL;
    pg = get_page_from_mfn(mfn, d);
    if (pg == NULL)
        return -EINVAL;
    if (!inc_linear_entries(ptpg)) {
        put_page(pg);
        return -EINVAL;
    }
    if (!inc_linear_uses(pg)) {
        dec_linear_entries(ptpg);
        put_page(pg);
        return -EINVAL;
    }
    x = pg->type_info;
    if (PGT_count(x + 1) == 0 ||
        (x & (PGT_type_mask | PGT_validated)) != (level_type[level] | PGT_validated)) {
        dec_linear_uses(pg);
        dec_linear_entries(ptpg);
        put_page(pg);
        return -EINVAL;
    }
    pg->type_info = x + 1;
    return 0;
}

/* An Ln entry (n = 2..4) of table ptmfn references a validated L(n-1)
 * table of d, or (linear) one of level n. */
static int get_page_from_lne(pte_t e, unsigned int level, mfn_t ptmfn, struct domain *d)
{
    static const pte_t disallow[5] = {
        0, 0, L2_DISALLOW_MASK, L3_DISALLOW_MASK, L4_DISALLOW_MASK,
    };
    mfn_t mfn = pte_mfn(e);
    int rc;

    if (!pte_present(e))
        return 0;
    if (e & disallow[level])
        return -EINVAL;             /* PSE (superpages), G, cache bits, high bits */
    if (!mfn_valid(mfn) || mfn_is_io(mfn))
        return -EINVAL;
    rc = get_page_and_type(mfn_to_page(mfn), d, level_type[level - 1]);
    if (rc == -EINVAL)
        rc = get_linear_pagetable(e, level, ptmfn, d);
    return rc;
}

static void put_page_from_lne(pte_t e, mfn_t ptmfn)
{
    struct page_info *pg, *ptpg;

    if (!pte_present(e) || pte_mfn(e) == ptmfn)
        return;                     /* nothing, or a self-reference (holds nothing) */
    pg = mfn_to_page(pte_mfn(e));
    ptpg = mfn_to_page(ptmfn);
    /* A target of the containing table's own type was a linear entry. */
    if (PGT_type(pg->type_info) == PGT_type(ptpg->type_info)) {
        dec_linear_uses(pg);
        dec_linear_entries(ptpg);
    }
    put_page_and_type(pg);
}

/*
 * 64-bit PV guest kernels run in ring 3, so every present entry they
 * install carries _PAGE_USER (Xen's adjust_guest_lNe): a supervisor-only
 * entry would make the guest kernel fault on its own pages.
 */
static pte_t adjust_guest_entry(pte_t e)
{
    return pte_present(e) ? e | _PAGE_USER : e;
}

static int get_entry(pte_t e, unsigned int level, mfn_t ptmfn, struct domain *d)
{
    return level == 1 ? get_page_from_l1e(e, d, d) : get_page_from_lne(e, level, ptmfn, d);
}

static void put_entry(pte_t e, unsigned int level, mfn_t ptmfn, struct domain *d)
{
    if (level == 1)
        put_page_from_l1e(e, d);
    else
        put_page_from_lne(e, ptmfn);
}

static int validate_table(struct page_info *pg, uint64_t type)
{
    struct domain *d = page_get_owner(pg);
    unsigned int level, i;
    pte_t *t;
    int rc = 0;

    if (type == PGT_seg_desc_page)
        return pv_validate_desc_page(pg);

    for (level = 1; level <= 4 && level_type[level] != type; level++)
        ;
    BUG_ON(level > 4);
    t = map_frame(page_to_mfn(pg));

    for (i = 0; i < PT_ENTRIES; i++) {
        if (level == 4 && !is_guest_l4_slot(i))
            continue;
        rc = get_entry(t[i], level, page_to_mfn(pg), d);
        if (rc)
            break;
        t[i] = adjust_guest_entry(t[i]);
    }
    if (rc) {
        /* Undo the references taken so far. */
        while (i-- > 0)
            if (level != 4 || is_guest_l4_slot(i))
                put_entry(t[i], level, page_to_mfn(pg), d);
        return rc;
    }
    if (level == 4)
        arch_init_guest_l4_slots(t, d);
    return 0;
}

static void devalidate_table(struct page_info *pg, uint64_t type)
{
    struct domain *d = page_get_owner(pg);
    unsigned int level;
    pte_t *t = map_frame(page_to_mfn(pg));

    for (level = 1; level <= 4 && level_type[level] != type; level++)
        ;
    BUG_ON(level > 4);
    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        if (level != 4 || is_guest_l4_slot(i))
            put_entry(t[i], level, page_to_mfn(pg), d);
}

/* -------------------------------------------------------------- updates */

/*
 * Replace *pl with ne: validate the new entry first (taking its references),
 * write it, then release the old entry's references.  An entry whose frame
 * and the permission bits that matter are unchanged skips the reference
 * churn, which is how Linux's frequent A/D-bit and protection updates stay
 * cheap.
 */
#define FASTPATH_MASK   (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW | _PAGE_GNTTAB)

static int mod_entry(pte_t *pl, pte_t ne, bool preserve_ad, unsigned int level,
                     struct domain *d, struct domain *pg_owner)
{
    pte_t oe = *pl;
    mfn_t ptmfn = virt_to_mfn(pl);
    int rc;

    ne = adjust_guest_entry(ne);

    if (preserve_ad)
        ne |= oe & (_PAGE_ACCESSED | _PAGE_DIRTY);

    if (pte_present(ne) && pte_present(oe) && ((ne ^ oe) & FASTPATH_MASK) == 0) {
        /* Same frame, same access: only flags change; still check them. */
        pte_t disallow = level == 1 ? L1_DISALLOW_MASK : L2_DISALLOW_MASK;

        if (level == 1 && domain_has_io_rights(d))
            disallow &= ~PTE_CACHE_ATTRS;
        if (ne & disallow)
            return -EINVAL;
        *pl = ne;
        return 0;
    }

    rc = level == 1 ? get_page_from_l1e(ne, d, pg_owner) : get_page_from_lne(ne, level, ptmfn, d);
    if (rc)
        return rc;
    *pl = ne;
    put_entry(oe, level, ptmfn, d);
    return 0;
}

int mod_l1_entry(pte_t *pl1e, pte_t nl1e, bool preserve_ad,
                 struct domain *d, struct domain *pg_owner)
{
    return mod_entry(pl1e, nl1e, preserve_ad, 1, d, pg_owner);
}

int mod_l2_entry(pte_t *pl2e, pte_t nl2e, bool preserve_ad, struct domain *d)
{
    return mod_entry(pl2e, nl2e, preserve_ad, 2, d, d);
}

int mod_l3_entry(pte_t *pl3e, pte_t nl3e, bool preserve_ad, struct domain *d)
{
    return mod_entry(pl3e, nl3e, preserve_ad, 3, d, d);
}

int mod_l4_entry(pte_t *pl4e, pte_t nl4e, bool preserve_ad, struct domain *d)
{
    unsigned int slot = ((unsigned long)pl4e & (PAGE_SIZE - 1)) / sizeof(pte_t);

    if (!is_guest_l4_slot(slot))
        return -EINVAL;         /* the hypervisor's slots 256..271 */
    return mod_entry(pl4e, nl4e, preserve_ad, 4, d, d);
}

/* One mmu_update request on behalf of v's domain. */
int pv_mmu_update_one(struct vcpu *v, struct domain *pg_owner, const mmu_update_t *req)
{
    struct domain *d = v->domain;
    unsigned int cmd = req->ptr & (sizeof(pte_t) - 1);   /* low 3 bits */
    mfn_t mfn = (req->ptr & PADDR_MASK) >> PAGE_SHIFT;
    struct page_info *pg;
    pte_t *pl;
    uint64_t type;
    int rc;

    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
    case MMU_PT_UPDATE_NO_TRANSLATE:    /* PV: addresses are machine ones already */
        pg = get_page_from_mfn(mfn, d);
        if (pg == NULL)
            return -EINVAL;     /* the table must be the caller's own frame */
        pl = (pte_t *)((char *)map_frame(mfn) + (req->ptr & (PAGE_SIZE - 1) & ~7ULL));
        type = PGT_type(pg->type_info);
        rc = -EINVAL;
        if (PGT_count(pg->type_info) != 0 && (pg->type_info & PGT_validated) &&
            type >= PGT_l1_page_table && type <= PGT_l4_page_table) {
            bool ad = cmd == MMU_PT_UPDATE_PRESERVE_AD;

            if (type == PGT_l1_page_table)
                rc = mod_l1_entry(pl, req->val, ad, d, pg_owner);
            else if (type == PGT_l2_page_table)
                rc = mod_l2_entry(pl, req->val, ad, d);
            else if (type == PGT_l3_page_table)
                rc = mod_l3_entry(pl, req->val, ad, d);
            else
                rc = mod_l4_entry(pl, req->val, ad, d);
        } else if (get_page_type(pg, PGT_writable_page) == 0) {
            /* An ordinary page of the caller: a plain write. */
            *pl = req->val;
            put_page_type(pg);
            rc = 0;
        }
        put_page(pg);
        return rc;

    case MMU_MACHPHYS_UPDATE:
        pg = get_page_from_mfn(mfn, pg_owner);
        if (pg == NULL)
            return -EINVAL;
        set_gpfn_from_mfn(mfn, req->val);
        put_page(pg);
        return 0;

    default:
        return -ENOSYS;
    }
}

/* Walk v's current tables to the L1 entry mapping va. */
pte_t *pv_guest_l1e(struct vcpu *v, unsigned long va, mfn_t *gl1mfn)
{
    mfn_t mfn = (v->arch.kernel_mode || !v->arch.guest_table_user)
                ? v->arch.guest_table : v->arch.guest_table_user;
    pte_t *t, e;

    if (mfn == 0 || (!is_guest_l4_slot(pt_index(va, 4))))
        return NULL;
    for (unsigned int level = 4; level > 1; level--) {
        t = map_frame(mfn);
        e = t[pt_index(va, level)];
        if (!pte_present(e) || (e & _PAGE_PSE))
            return NULL;
        mfn = pte_mfn(e);
        if (!mfn_valid(mfn))
            return NULL;
    }
    if (PGT_type(mfn_to_page(mfn)->type_info) != PGT_l1_page_table)
        return NULL;
    *gl1mfn = mfn;
    return &map_frame(mfn)[pt_index(va, 1)];
}

static void flush_after(unsigned long va, unsigned long flags)
{
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        pv_flush_tlb_local();
        break;
    case UVMF_INVLPG:
        pv_invlpg(va);
        break;
    }
}

int pv_update_va_mapping(struct vcpu *v, unsigned long va, pte_t val, unsigned long flags)
{
    mfn_t gl1mfn;
    pte_t *pl1e = pv_guest_l1e(v, va, &gl1mfn);
    int rc;

    if (pl1e == NULL)
        return -EINVAL;
    rc = mod_l1_entry(pl1e, val, false, v->domain, v->domain);
    if (rc == 0)
        flush_after(va, flags);
    return rc;
}

int pv_set_baseptr(struct vcpu *v, mfn_t mfn, bool user)
{
    struct domain *d = v->domain;
    mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;
    mfn_t old = *slot;
    int rc;

    if (user && mfn == 0) {
        *slot = 0;
    } else {
        if (!mfn_valid(mfn))
            return -EINVAL;
        rc = get_page_and_type(mfn_to_page(mfn), d, PGT_l4_page_table);
        if (rc)
            return rc;
        *slot = mfn;
    }
    /*
     * A new kernel table is loaded at once (like a CR3 write, it is also a
     * TLB flush the guest may rely on).  A new user table is only recorded
     * while the guest kernel runs: it is loaded at the switch to user mode,
     * and reloading the kernel's own table now would flush the TLB for
     * nothing — Linux sets both on every address-space switch.
     */
    if (!user || !v->arch.kernel_mode)
        pv_load_cr3(v);
    if (old != 0)
        put_page_and_type(mfn_to_page(old));
    return 0;
}

/* d: the owner of the table (the caller, or the domain being built). */
static int pin_table(struct domain *d, mfn_t mfn, uint64_t type)
{
    struct page_info *pg;
    int rc;

    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    rc = get_page_and_type(pg, d, type);
    if (rc)
        return rc;
    if (pg->type_info & PGT_pinned) {
        put_page_and_type(pg);
        return -EINVAL;             /* already pinned */
    }
    pg->type_info |= PGT_pinned;
    return 0;
}

static int unpin_table(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = get_page_from_mfn(mfn, d);

    if (pg == NULL)
        return -EINVAL;
    if (!(pg->type_info & PGT_pinned)) {
        put_page(pg);
        return -EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    put_page_and_type(pg);          /* the pin's references */
    put_page(pg);                   /* ours */
    return 0;
}

int pv_mmuext_op_one(struct vcpu *v, const struct mmuext_op *op, struct domain *pg_owner)
{
    struct domain *d = v->domain;
    struct page_info *pg, *src;
    int rc = 0;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(pg_owner, op->arg1.mfn, level_type[op->cmd - MMUEXT_PIN_L1_TABLE + 1]);

    case MMUEXT_UNPIN_TABLE:
        return unpin_table(pg_owner, op->arg1.mfn);

    case MMUEXT_NEW_BASEPTR:
        return pv_set_baseptr(v, op->arg1.mfn, false);

    case MMUEXT_NEW_USER_BASEPTR:
        return pv_set_baseptr(v, op->arg1.mfn, true);

    case MMUEXT_TLB_FLUSH_LOCAL:
        pv_flush_tlb_this_cpu();
        return 0;

    case MMUEXT_INVLPG_LOCAL:
        pv_invlpg_this_cpu(op->arg1.linear_addr);
        return 0;

    case MMUEXT_TLB_FLUSH_ALL:
        /* Every CPU that may hold the domain's entries. */
        pv_flush_tlb_local();
        return 0;

    case MMUEXT_INVLPG_ALL:
        pv_invlpg(op->arg1.linear_addr);
        return 0;

    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI: {
        /* The CPUs of the vCPUs in the guest's mask (MAX_VIRT_CPUS bits). */
        unsigned long mask[(MAX_VIRT_CPUS + 63) / 64];

        if (copy_from_guest_va(mask, op->arg2.vcpumask.p, sizeof(mask)))
            return -EFAULT;
        pv_flush_vcpu_mask(mask, ARRAY_SIZE(mask), op->cmd == MMUEXT_INVLPG_MULTI,
                           op->arg1.linear_addr);
        return 0;
    }

    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return domain_has_io_rights(d) ? 0 : -EPERM;

    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;     /* PV superpages: gone from Xen, as there */

    case MMUEXT_SET_LDT:
        return pv_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);

    case MMUEXT_CLEAR_PAGE:
        pg = get_page_from_mfn(op->arg1.mfn, d);
        if (pg == NULL)
            return -EINVAL;
        rc = get_page_type(pg, PGT_writable_page);
        if (rc == 0) {
            memset(map_frame(op->arg1.mfn), 0, PAGE_SIZE);
            put_page_type(pg);
        }
        put_page(pg);
        return rc;

    case MMUEXT_COPY_PAGE:
        src = get_page_from_mfn(op->arg2.src_mfn, d);
        if (src == NULL)
            return -EINVAL;
        pg = get_page_from_mfn(op->arg1.mfn, d);
        if (pg == NULL) {
            put_page(src);
            return -EINVAL;
        }
        rc = get_page_type(pg, PGT_writable_page);
        if (rc == 0) {
            memcpy(map_frame(op->arg1.mfn), map_frame(op->arg2.src_mfn), PAGE_SIZE);
            put_page_type(pg);
        }
        put_page(pg);
        put_page(src);
        return rc;

    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------- memory_op hooks */

void arch_set_m2p(mfn_t mfn, unsigned long pfn)
{
    set_gpfn_from_mfn(mfn, pfn);
}

/* A frame the guest gives back may still carry its pin (Xen drops it). */
void arch_unpin_on_release(struct page_info *pg)
{
    if (pg->type_info & PGT_pinned) {
        pg->type_info &= ~PGT_pinned;
        put_page_and_type(pg);
    }
}

/* ----------------------------------------------------- grant mappings */

/* The L1 entry a grant map/unmap names: a VA in v's tables, or with
 * GNTMAP_contains_pte the machine address of an entry in one of its L1s. */
static pte_t *grant_l1e(struct vcpu *v, uint64_t addr, uint32_t flags)
{
    mfn_t gl1mfn;

    if (flags & GNTMAP_contains_pte) {
        mfn_t mfn = addr >> PAGE_SHIFT;
        struct page_info *pg;

        if (!mfn_valid(mfn) || (addr & 7))
            return NULL;
        pg = mfn_to_page(mfn);
        if (page_get_owner(pg) != v->domain || PGT_type(pg->type_info) != PGT_l1_page_table ||
            PGT_count(pg->type_info) == 0 || !(pg->type_info & PGT_validated))
            return NULL;
        return (pte_t *)((char *)map_frame(mfn) + (addr & (PAGE_SIZE - 1)));
    }
    return pv_guest_l1e(v, addr, &gl1mfn);
}

/*
 * The flags of the grant PTE a map with these GNTMAP flags gets, but for
 * the available bits.  _PAGE_USER always, application_map or not: a 64-bit
 * PV kernel runs in ring 3, so a host mapping without it faults on the
 * guest kernel's own first access (Xen: adjust_guest_l1e adds it to every
 * 64-bit PV PTE).
 */
static pte_t grant_pte_flags(uint32_t flags)
{
    pte_t f = _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX | _PAGE_GNTTAB | _PAGE_USER;

    return (flags & GNTMAP_readonly) ? f : f | _PAGE_RW;
}

/* What an unmap compares: every flag but accessed, dirty and available. */
#define GRANT_PTE_CHECKED (~(PADDR_MASK | _PAGE_ACCESSED | _PAGE_DIRTY | (7ULL << 9)))

int create_grant_host_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn, uint32_t flags)
{
    pte_t *pl1e = grant_l1e(v, addr, flags), ol1e, nl1e;

    if (pl1e == NULL)
        return GNTST_general_error;
    nl1e = ((pte_t)mfn << PAGE_SHIFT) | grant_pte_flags(flags);
    /* gnttab_map_avail_bits: guest bits 16..18 of flags go to PTE bits 9..11. */
    nl1e |= (pte_t)((flags >> _GNTMAP_guest_avail0) & 7) << 9;
    ol1e = *pl1e;
    if (ol1e & _PAGE_GNTTAB)
        return GNTST_general_error;     /* one grant per PTE */
    *pl1e = nl1e;
    put_page_from_l1e(ol1e, v->domain);
    if (flags & GNTMAP_contains_pte)
        pv_flush_tlb_local();
    else
        pv_invlpg(addr);
    return GNTST_okay;
}

/*
 * Remove the grant PTE at addr.  With new_addr (GNTTABOP_unmap_and_replace,
 * Xen's replace_grant_host_mapping): the PTE that maps new_addr moves to
 * addr, references and all, and new_addr is left unmapped; a grant PTE
 * cannot be the one moved (the grant's references are the grant's).
 */
int replace_grant_host_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn, uint64_t new_addr,
                               uint32_t flags)
{
    pte_t *pl1e = grant_l1e(v, addr, flags), ol1e, *pnl1e = NULL, nl1e = 0;
    mfn_t gl1mfn;

    if (pl1e == NULL)
        return GNTST_general_error;
    ol1e = *pl1e;
    if (!pte_present(ol1e) || !(ol1e & _PAGE_GNTTAB) || pte_mfn(ol1e) != mfn)
        return GNTST_general_error;     /* not this grant's PTE */
    /* Nor this mapping's kind: a read-only handle taking down a writable
     * PTE of the same frame would drop a writable reference that PTE
     * still uses (XSA-234). */
    if ((ol1e ^ grant_pte_flags(flags)) & GRANT_PTE_CHECKED)
        return GNTST_general_error;
    if (new_addr != 0) {
        if (flags & GNTMAP_contains_pte)
            return GNTST_general_error; /* Xen: no replace by PTE address */
        pnl1e = pv_guest_l1e(v, new_addr, &gl1mfn);
        if (pnl1e == NULL || (*pnl1e & _PAGE_GNTTAB))
            return GNTST_general_error;
        nl1e = *pnl1e;
        *pnl1e = 0;
        pv_invlpg(new_addr);
    }
    *pl1e = nl1e;
    if (flags & GNTMAP_contains_pte)
        pv_flush_tlb_local();
    else
        pv_invlpg(addr);
    return GNTST_okay;
}

/* ----------------------------------------------------------- teardown */

/*
 * Break every page-table reference a dying domain holds: unpin its tables,
 * drop the CR3 references, then devalidate what is still typed (tables can
 * reference each other, so counts alone would never reach zero).
 */
void pv_relinquish_pagetables(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v) {
        if (v->arch.guest_table) {
            put_page_and_type(mfn_to_page(v->arch.guest_table));
            v->arch.guest_table = 0;
        }
        if (v->arch.guest_table_user) {
            put_page_and_type(mfn_to_page(v->arch.guest_table_user));
            v->arch.guest_table_user = 0;
        }
    }

    for (uint32_t i = d->page_list_head; i != PAGE_LIST_NULL; i = frame_table[i].next) {
        struct page_info *pg = &frame_table[i];

        if (pg->type_info & PGT_pinned) {
            pg->type_info &= ~PGT_pinned;
            put_page_and_type(pg);
        }
    }

    /* Whatever is still validated is only referenced by other tables. */
    for (uint32_t i = d->page_list_head; i != PAGE_LIST_NULL; i = frame_table[i].next) {
        struct page_info *pg = &frame_table[i];
        uint64_t t = PGT_type(pg->type_info);

        if ((pg->type_info & PGT_validated) && PGT_count(pg->type_info) != 0 &&
            t >= PGT_l1_page_table && t <= PGT_l4_page_table) {
            pg->type_info &= ~PGT_validated;
            devalidate_table(pg, t);
        }
    }
}

/* ----------------------------------------------------------- hypercalls */

/*
 * The domain whose frames a privileged caller names (foreigndom), or the
 * caller itself (domain_lookup_target; the domid is 16 bits, as Xen casts
 * it).  DOMID_IO means "device memory" and is the privileged caller's own
 * right to map it, checked per entry.
 */
static struct domain *get_pg_owner(struct domain *curr, unsigned int domid, int *rc)
{
    if ((domid_t)domid == DOMID_IO) {
        if (!curr->is_privileged) {
            *rc = -EPERM;
            return NULL;
        }
        get_domain(curr);
        return curr;
    }
    return domain_lookup_target(curr, (domid_t)domid, rc);
}

long do_mmu_update(XEN_GUEST_HANDLE_PARAM(mmu_update_t) ureqs, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int foreigndom)
{
    struct vcpu *v = current;
    struct domain *pg_owner;
    unsigned int done = 0;
    int rc = 0;

    pg_owner = get_pg_owner(v->domain, foreigndom, &rc);
    if (pg_owner == NULL)
        return rc;
    for (; done < count; done++) {
        mmu_update_t req;

        if (copy_from_guest_offset(&req, ureqs, done, 1)) {
            rc = -EFAULT;
            break;
        }
        rc = pv_mmu_update_one(v, pg_owner, &req);
        if (rc)
            break;
    }
    put_domain(pg_owner);
    if (!guest_handle_is_null(pdone) && copy_to_guest(pdone, &done, 1))
        rc = -EFAULT;
    return rc;
}

long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(mmuext_op_t) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int foreigndom)
{
    struct vcpu *v = current;
    struct domain *pg_owner;
    unsigned int done = 0;
    int rc = 0;

    pg_owner = get_pg_owner(v->domain, foreigndom, &rc);
    if (pg_owner == NULL)
        return rc;
    for (; done < count; done++) {
        struct mmuext_op op;

        if (copy_from_guest_offset(&op, uops, done, 1)) {
            rc = -EFAULT;
            break;
        }
        rc = pv_mmuext_op_one(v, &op, pg_owner);
        if (rc)
            break;
    }
    put_domain(pg_owner);
    if (!guest_handle_is_null(pdone) && copy_to_guest(pdone, &done, 1))
        rc = -EFAULT;
    return rc;
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    /* A vCPU-mask pointer in flags means "these vCPUs": with one physical
     * CPU a local flush covers them all. */
    return pv_update_va_mapping(current, va, val, flags);
}
