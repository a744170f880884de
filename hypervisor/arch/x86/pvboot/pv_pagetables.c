/*
 * pv_pagetables.c — the entries of a PV domain's bootstrap page tables for
 * a layout computed by pv_layout_compute() (xen/pv_layout.h).  4 KiB
 * mappings only (a PV guest may not use superpages), page-table frames
 * mapped read-only, everything else writable; Linux walks these tables
 * itself early in boot, so they must be exactly what the layout promised.
 *
 * Index arithmetic works on whole 64-bit addresses shifted right: the
 * ranges never cross the non-canonical hole (the layout checks that), so
 * "entry i of the first table" stays monotonic even in the top half.
 */
#include "../../../common/libelf/libelf-private.h"
#include <xen/pv_layout.h>

#define ENTRIES     512
#define MFN_LIMIT   (1ULL << 40)        /* 52-bit physical addresses */

struct range {
    uint64_t lo, hi;                    /* [lo, hi), page-aligned */
    uint64_t tbl_pfn;                   /* PFN of the first L3 of this range */
    unsigned int n3, n2, n1;
    uint64_t *tbl;                      /* n3 + n2 + n1 tables of entries */
    uint64_t data_pfn;                  /* PFN mapped at lo */
    uint64_t ro_lo, ro_hi;              /* PFNs mapped read-only */
};

static int entry(pv_pfn_to_mfn_fn fn, void *ctx, uint64_t pfn, uint64_t flags, uint64_t *out)
{
    uint64_t mfn = fn(ctx, pfn);

    if (mfn >= MFN_LIMIT)
        return -EINVAL;
    *out = (mfn << 12) | flags;
    return 0;
}

static int map_range(const struct range *r, uint64_t *l4, pv_pfn_to_mfn_fn fn, void *ctx)
{
    uint64_t *l3 = r->tbl, *l2 = l3 + (uint64_t)r->n3 * ENTRIES;
    uint64_t *l1 = l2 + (uint64_t)r->n2 * ENTRIES;
    uint64_t k, g, idx, va;

    for (k = 0; k < r->n3; k++)
        if (entry(fn, ctx, r->tbl_pfn + k, PV_TABLE_FLAGS,
                  &l4[((r->lo >> 39) + k) & (ENTRIES - 1)]))
            return -EINVAL;
    for (k = 0; k < r->n2; k++) {
        g = (r->lo >> 30) + k;
        idx = (g >> 9) - (r->lo >> 39);
        if (idx >= r->n3 ||
            entry(fn, ctx, r->tbl_pfn + r->n3 + k, PV_TABLE_FLAGS,
                  &l3[idx * ENTRIES + (g & (ENTRIES - 1))]))
            return -EINVAL;
    }
    for (k = 0; k < r->n1; k++) {
        g = (r->lo >> 21) + k;
        idx = (g >> 9) - (r->lo >> 30);
        if (idx >= r->n2 ||
            entry(fn, ctx, r->tbl_pfn + r->n3 + r->n2 + k, PV_TABLE_FLAGS,
                  &l2[idx * ENTRIES + (g & (ENTRIES - 1))]))
            return -EINVAL;
    }
    for (va = r->lo; va < r->hi; va += 4096) {
        uint64_t pfn = r->data_pfn + ((va - r->lo) >> 12);
        uint64_t flags = PV_PAGE_FLAGS;

        if (pfn >= r->ro_lo && pfn < r->ro_hi)
            flags &= ~PV_PTE_RW;
        g = va >> 12;
        idx = (g >> 9) - (r->lo >> 21);
        if (idx >= r->n1 ||
            entry(fn, ctx, pfn, flags, &l1[idx * ENTRIES + (g & (ENTRIES - 1))]))
            return -EINVAL;
    }
    return 0;
}

int pv_layout_pagetables(const struct pv_layout *l, pv_pfn_to_mfn_fn fn, void *ctx,
                         uint64_t *main, uint64_t *p2m)
{
    uint64_t pt_pfn, i, n;
    struct range r;
    int rc;

    if (!l || !fn || !main || l->nr_l4 != 1 || l->v_end <= l->v_start ||
        l->nr_pt_frames != l->nr_l4 + l->nr_l3 + l->nr_l2 + l->nr_l1)
        return -EINVAL;
    n = (uint64_t)l->nr_pt_frames * ENTRIES;
    for (i = 0; i < n; i++)
        main[i] = 0;
    pt_pfn = pv_layout_pfn(l, l->pt_start);

    r = (struct range){
        .lo = l->v_start, .hi = l->v_end, .tbl_pfn = pt_pfn + 1,
        .n3 = l->nr_l3, .n2 = l->nr_l2, .n1 = l->nr_l1, .tbl = main + ENTRIES,
        .data_pfn = 0, .ro_lo = pt_pfn, .ro_hi = pt_pfn + l->nr_pt_frames,
    };
    rc = map_range(&r, main, fn, ctx);
    if (rc)
        return rc;

    if (!l->nr_p2m_frames)
        return 0;
    if (!p2m)
        return -EINVAL;
    n = (uint64_t)l->p2m_nr_l3 + l->p2m_nr_l2 + l->p2m_nr_l1;
    if (!n || n >= l->nr_p2m_frames)
        return -EINVAL;
    for (i = 0; i < n * ENTRIES; i++)
        p2m[i] = 0;
    r = (struct range){
        .lo = l->p2m_start,
        .hi = l->p2m_start + ((l->nr_p2m_frames - n) << 12),
        .tbl_pfn = l->first_p2m_pfn,
        .n3 = l->p2m_nr_l3, .n2 = l->p2m_nr_l2, .n1 = l->p2m_nr_l1, .tbl = p2m,
        .data_pfn = l->first_p2m_pfn + n, .ro_lo = 0, .ro_hi = 0,
    };
    return map_range(&r, main, fn, ctx);
}
