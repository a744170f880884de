/*
 * layout_test.c — Criterion tests for the PV start-of-day layout
 * (hypervisor/arch/x86/pvboot/pv_layout.c): ordering and sizes of every item
 * for small and large domains, with and without an initrd, INIT_P2M and
 * MOD_START_PFN placements, the page-table count reaching its fixed point
 * (checked as a property over many sizes), the 1 GiB Linux limit, and the
 * error cases.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xen/pv_layout.h>

#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)
#define LINUX_BASE 0xffffffff80000000ULL

static struct pv_layout l;
static char reason[256];

static uint64_t nr_tables(uint64_t lo, uint64_t hi, unsigned int shift)
{
    uint64_t mask = (1ULL << shift) - 1;

    return (((hi + mask) & ~mask) - (lo & ~mask)) >> shift;
}

/* Invariants every successful layout must satisfy. */
static void check_invariants(const struct pv_layout_params *p)
{
    uint64_t tables = 1 + nr_tables(l.v_start, l.v_end, 39) + nr_tables(l.v_start, l.v_end, 30) +
                      nr_tables(l.v_start, l.v_end, 21);

    cr_expect_eq(l.v_start, p->virt_base);
    cr_expect_eq(l.v_end % (4 * MiB), 0, "v_end %#llx not 4 MiB aligned",
                 (unsigned long long)l.v_end);
    cr_expect_geq(l.v_end - l.stack_end, 512 * KiB);
    cr_expect_lt(l.v_end - l.stack_end, 512 * KiB + 4 * MiB);
    cr_expect_eq(l.stack_end - l.stack_start, 4096);
    cr_expect_eq(l.stack_start, l.pt_end);
    cr_expect_eq(l.pt_end - l.pt_start, (uint64_t)l.nr_pt_frames * 4096);
    /* The fixed point: exactly the tables this area needs, no fewer. */
    cr_expect_eq(l.nr_pt_frames, tables, "have %u tables, area needs %llu", l.nr_pt_frames,
                 (unsigned long long)tables);
    cr_expect_eq(l.nr_pt_frames, l.nr_l4 + l.nr_l3 + l.nr_l2 + l.nr_l1);
    cr_expect_eq(l.pt_start % 4096, 0);
    cr_expect_eq(l.start_info % 4096, 0);
    cr_expect_gt(l.start_info, l.kern_end - 1);
    cr_expect_geq(l.pt_start, l.start_info + 4096);
    if (!p->dom0) {
        cr_expect_eq(l.xenstore, l.start_info + 4096);
        cr_expect_eq(l.console, l.xenstore + 4096);
        cr_expect_eq(l.pt_start, l.console + 4096);
    } else {
        cr_expect_eq(l.xenstore, 0);
        cr_expect_eq(l.console, 0);
        cr_expect_eq(l.pt_start, l.start_info + 4096);
    }
    if (p->p2m_base == PV_LAYOUT_UNSET) {
        cr_expect_eq(l.p2m_end - l.p2m_start, p->nr_pages * 8);
        cr_expect_lt(l.p2m_end, l.start_info + 1);
        cr_expect_eq(l.p2m_start % 4096, 0);
    }
    cr_expect_leq(l.nr_pages_used, p->nr_pages);
}

Test(layout, small_domu_no_initrd)
{
    struct pv_layout_params p = {
        .nr_pages = 16384, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x104000,
        .p2m_base = PV_LAYOUT_UNSET,
    };

    cr_assert_eq(pv_layout_compute(&p, &l, "dom1", reason, sizeof(reason)), 0, "%s", reason);
    check_invariants(&p);
    cr_expect_eq(l.p2m_start, 0x104000);
    cr_expect_eq(l.p2m_end, 0x104000 + 16384 * 8);
    cr_expect_eq(l.start_info, 0x124000);
    cr_expect_eq(l.xenstore, 0x125000);
    cr_expect_eq(l.console, 0x126000);
    cr_expect_eq(l.pt_start, 0x127000);
    /* 1 L4 + 1 L3 + 1 L2 + 2 L1 (area ends at 4 MiB... or 8 MiB: see below) */
    cr_expect_eq(l.nr_l4, 1);
    cr_expect_eq(l.nr_l3, 1);
    cr_expect_eq(l.nr_l2, 1);
    cr_expect_eq(l.v_end, 4 * MiB);
    cr_expect_eq(l.nr_l1, 2);
    cr_expect_eq(l.nr_pt_frames, 5);
    cr_expect_eq(l.stack_end, 0x127000 + 5 * 4096 + 4096);
    cr_expect_eq(l.initrd_start, 0);
    cr_expect_eq(l.initrd_pages, 0);
    cr_expect_eq(l.nr_pages_used, 1024);
    cr_expect_eq(pv_layout_pfn(&l, l.start_info), 0x124);
}

Test(layout, padding_adds_4mib_when_short)
{
    /* Stack ending 256 KiB before a 4 MiB boundary: the area grows by 4 MiB. */
    struct pv_layout_params p = {
        .nr_pages = 65536, .virt_base = 0, .kern_start = 0x100000,
        .p2m_base = PV_LAYOUT_UNSET, .dom0 = true,
    };
    /*
     * Kernel end chosen so that p2m (512 KiB) + start_info + 7 tables + stack
     * end at 4M-256K: 5 tables would do for a 4 MiB area, but the short
     * padding makes it 8 MiB, which needs 7 (4 L1s): the fixed point.
     */
    p.kern_end = 4 * MiB - 256 * KiB - (512 * KiB + 4096 + 7 * 4096 + 4096);
    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    check_invariants(&p);
    cr_expect_eq(l.stack_end, 4 * MiB - 256 * KiB);
    cr_expect_eq(l.v_end, 8 * MiB);
    cr_expect_eq(l.nr_l1, 4);
    cr_expect_eq(l.nr_pt_frames, 7);
}

Test(layout, linux_dom0_with_initrd)
{
    struct pv_layout_params p = {
        .nr_pages = 2 * GiB / 4096, .virt_base = LINUX_BASE,
        .kern_start = 0xffffffff81000000ULL, .kern_end = 0xffffffff81000000ULL + 61 * MiB + 123,
        .initrd_len = 37 * MiB + 5, .p2m_base = PV_LAYOUT_UNSET, .dom0 = true, .limit_1g = true,
    };

    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    check_invariants(&p);
    cr_expect_eq(l.initrd_start, (p.kern_end + 4095) & ~4095ULL);
    cr_expect_eq(l.initrd_end, l.initrd_start + p.initrd_len);
    cr_expect_eq(l.initrd_pfn, (l.initrd_start - LINUX_BASE) >> 12);
    cr_expect_eq(l.initrd_pages, (p.initrd_len + 4095) / 4096);
    cr_expect_eq(l.p2m_start, (l.initrd_end + 4095) & ~4095ULL);
    cr_expect_eq(l.p2m_end - l.p2m_start, 4 * MiB);
    cr_expect_leq(l.v_end - l.v_start, 1 * GiB);
    /* Linux's kernel sits in L4 slot 511, L3 slot 510: one L3, one L2 */
    cr_expect_eq(l.nr_l3, 1);
    cr_expect_eq(l.nr_l2, 1);
    cr_expect_eq(l.nr_l1, (l.v_end - l.v_start) >> 21);
}

Test(layout, linux_init_p2m_and_unmapped_initrd)
{
    struct pv_layout_params p = {
        .nr_pages = 4 * GiB / 4096, .virt_base = LINUX_BASE,
        .kern_start = 0xffffffff81000000ULL, .kern_end = 0xffffffff85000000ULL,
        .initrd_len = 100 * MiB, .p2m_base = 0x8000000000ULL, .initrd_unmapped = true,
        .dom0 = true, .limit_1g = true,
    };
    uint64_t area_pages;

    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    check_invariants(&p);
    area_pages = (l.v_end - l.v_start) >> 12;
    cr_expect_eq(l.initrd_start, 0);
    cr_expect_eq(l.initrd_end, 0);
    cr_expect_eq(l.initrd_pfn, area_pages);
    cr_expect_eq(l.initrd_pages, 100 * MiB / 4096);
    cr_expect_eq(l.p2m_start, 0x8000000000ULL);
    cr_expect_eq(l.p2m_end, 0x8000000000ULL + 8 * MiB);
    /* start_info directly after the kernel: neither initrd nor p2m mapped */
    cr_expect_eq(l.start_info, 0xffffffff85000000ULL);
    cr_expect_eq(l.first_p2m_pfn, area_pages + l.initrd_pages);
    cr_expect_eq(l.p2m_nr_l3, 1);
    cr_expect_eq(l.p2m_nr_l2, 1);
    cr_expect_eq(l.p2m_nr_l1, 4);
    cr_expect_eq(l.nr_p2m_frames, 8 * MiB / 4096 + 6);
    cr_expect_eq(l.nr_pages_used, l.first_p2m_pfn + l.nr_p2m_frames);
}

Test(layout, fixed_point_property_over_many_sizes)
{
    /* Sweep kernel sizes and memory sizes across table boundaries. */
    for (uint64_t kend = 0x101000; kend < 0x101000 + 40 * MiB; kend += 0x3f000 + 4096 * 7) {
        for (uint64_t pages = 8192; pages <= 8192 * 64; pages *= 4) {
            struct pv_layout_params p = {
                .nr_pages = 1ULL << 22, .virt_base = 0, .kern_start = 0x100000,
                .kern_end = kend, .p2m_base = PV_LAYOUT_UNSET,
            };

            p.nr_pages = pages * 16;
            cr_assert_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0,
                         "kend %#llx: %s", (unsigned long long)kend, reason);
            check_invariants(&p);
            /* Minimality: one table fewer could not map the area it implies. */
            {
                uint64_t pt_end = l.pt_start + (uint64_t)(l.nr_pt_frames - 1) * 4096;
                uint64_t stack_end = pt_end + 4096;
                uint64_t v_end = (stack_end + 4 * MiB - 1) & ~(4 * MiB - 1);

                if (v_end - stack_end < 512 * KiB)
                    v_end += 4 * MiB;
                cr_assert_gt(1 + nr_tables(0, v_end, 39) + nr_tables(0, v_end, 30) +
                             nr_tables(0, v_end, 21), l.nr_pt_frames - 1);
            }
        }
    }
}

Test(layout, crossing_a_gib_boundary_needs_another_l2)
{
    /* Area starting just below 1 GiB crosses into the next L2's range. */
    struct pv_layout_params p = {
        .nr_pages = 262144, .virt_base = 1 * GiB - 8 * MiB, .kern_start = 1 * GiB - 8 * MiB,
        .kern_end = 1 * GiB - 2 * MiB, .p2m_base = PV_LAYOUT_UNSET,
    };

    cr_assert_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    check_invariants(&p);
    cr_expect_eq(l.nr_l2, 2);
}

Test(layout, linux_1gib_limit)
{
    /* 600 GiB of memory: a 1.2 GiB p2m cannot be in the initial mapping... */
    struct pv_layout_params p = {
        .nr_pages = 600 * GiB / 4096, .virt_base = LINUX_BASE,
        .kern_start = 0xffffffff81000000ULL, .kern_end = 0xffffffff83000000ULL,
        .p2m_base = PV_LAYOUT_UNSET, .dom0 = true, .limit_1g = true,
    };

    cr_expect_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), -E2BIG);
    cr_expect(strstr(reason, "1 GiB"), "reason: %s", reason);
    cr_expect(strncmp(reason, "dom0: ", 6) == 0, "reason: %s", reason);
    /* ...but with INIT_P2M it lives elsewhere and the layout fits. */
    p.p2m_base = 0x8000000000ULL;
    cr_expect_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    /* A big initrd alone can also break the limit. */
    p.nr_pages = 1 * GiB / 4096;
    p.initrd_len = 1 * GiB;
    cr_expect_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), -E2BIG);
    /* Without the Linux limit it is only a question of memory. */
    p.limit_1g = false;
    p.nr_pages = 4 * GiB / 4096;
    cr_expect_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
}

Test(layout, not_enough_memory)
{
    struct pv_layout_params p = {
        .nr_pages = 512, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x104000,
        .p2m_base = PV_LAYOUT_UNSET,
    };

    cr_expect_eq(pv_layout_compute(&p, &l, "dom1", reason, sizeof(reason)), -ENOMEM);
    cr_expect(strstr(reason, "needs 1024 pages"), "reason: %s", reason);
    /* unmapped initrd pages count too */
    p.nr_pages = 1024;
    cr_expect_eq(pv_layout_compute(&p, &l, "dom1", reason, sizeof(reason)), 0, "%s", reason);
    p.initrd_len = 1;
    p.initrd_unmapped = true;
    cr_expect_eq(pv_layout_compute(&p, &l, "dom1", reason, sizeof(reason)), -ENOMEM);
}

Test(layout, bad_parameters)
{
    struct pv_layout_params base = {
        .nr_pages = 16384, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x104000,
        .p2m_base = PV_LAYOUT_UNSET,
    };
    struct pv_layout_params p;

    p = base; p.nr_pages = 0;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -EINVAL);
    p = base; p.nr_pages = 1ULL << 50;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -E2BIG);
    p = base; p.virt_base = 0x1234;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -EINVAL);
    p = base; p.kern_start = 0x100000; p.virt_base = 0x200000;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -EINVAL);
    p = base; p.kern_end = p.kern_start;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -EINVAL);
    /* the hypervisor's hole and the non-canonical gap are not guest space */
    p = base; p.virt_base = 0xffff800000000000ULL;
    p.kern_start = p.virt_base + 0x100000; p.kern_end = p.kern_start + 0x4000;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -E2BIG);
    cr_expect(strstr(reason, "not in guest address space"), "reason: %s", reason);
    p = base; p.virt_base = 0x00007ffffff00000ULL;
    p.kern_start = p.virt_base; p.kern_end = p.kern_start + 0x4000;
    /* ending exactly at the canonical boundary is fine... */
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    cr_expect_eq(l.v_end, 0x0000800000000000ULL);
    /* ...crossing it is not */
    p.kern_end = p.kern_start + 0x100000;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -E2BIG);
    /* running off the top of the address space */
    p = base; p.virt_base = 0xfffffffffff00000ULL;
    p.kern_start = p.virt_base; p.kern_end = p.kern_start + 0x4000;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -E2BIG);
    /* INIT_P2M: unaligned, in the hypervisor hole, sharing the kernel's L4 slot */
    p = base; p.p2m_base = 0x8000000123ULL;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -EINVAL);
    p = base; p.p2m_base = 0xffff808000000000ULL;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -E2BIG);
    p = base; p.p2m_base = 0x40000000ULL;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), -EINVAL);
    cr_expect(strstr(reason, "512 GiB slot"), "reason: %s", reason);
    /*
     * Regression (fuzz-libelf/layout ran 30 ms an input): the table count
     * used to creep up one at a time; an 8 TiB p2m needs 4M L1s and must
     * still be computed at once.
     */
    p = base; p.nr_pages = 1ULL << 40;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    cr_expect_eq(l.nr_l1, (l.v_end - l.v_start) >> 21);
    /* a NULL reason buffer is allowed */
    p = base; p.nr_pages = 0;
    cr_expect_eq(pv_layout_compute(&p, &l, "d", NULL, 0), -EINVAL);
}

/* ---- bootstrap page-table contents ------------------------------------- */

#define MFN_OFFSET 0x100000ULL                  /* mfn = pfn + offset: never equal */

static uint64_t pfn_to_mfn(void *ctx, uint64_t pfn)
{
    (void)ctx;
    return pfn + MFN_OFFSET;
}

static uint64_t bad_mfn_at;
static uint64_t pfn_to_mfn_failing(void *ctx, uint64_t pfn)
{
    (void)ctx;
    return pfn == bad_mfn_at ? ~0ULL : pfn + MFN_OFFSET;
}

struct walker {
    const struct pv_layout *l;
    const uint64_t *main, *p2m;
};

/* The table stored for machine frame mfn, or NULL. */
static const uint64_t *table_of(const struct walker *w, uint64_t mfn)
{
    uint64_t pfn = mfn - MFN_OFFSET, pt = pv_layout_pfn(w->l, w->l->pt_start);
    uint64_t np2m = (uint64_t)w->l->p2m_nr_l3 + w->l->p2m_nr_l2 + w->l->p2m_nr_l1;

    if (pfn >= pt && pfn < pt + w->l->nr_pt_frames)
        return w->main + (pfn - pt) * 512;
    if (w->p2m && pfn >= w->l->first_p2m_pfn && pfn < w->l->first_p2m_pfn + np2m)
        return w->p2m + (pfn - w->l->first_p2m_pfn) * 512;
    return NULL;
}

/* Walk va from the L4 like the MMU; returns the leaf PTE or 0. */
static uint64_t walk(const struct walker *w, uint64_t va)
{
    const uint64_t *t = w->main;                /* the L4 is the first table */

    for (int shift = 39; shift >= 12; shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];

        if (!(e & PV_PTE_P))
            return 0;
        if (shift == 12)
            return e;
        cr_assert_eq(e & 0xfff, PV_TABLE_FLAGS, "table entry flags %#llx at level %d",
                     (unsigned long long)(e & 0xfff), shift);
        t = table_of(w, e >> 12);
        cr_assert_not_null(t, "entry for va %#llx points to an unknown frame %#llx",
                           (unsigned long long)va, (unsigned long long)(e >> 12));
    }
    return 0;
}

static uint64_t *alloc_tables(unsigned int n)
{
    uint64_t *p = calloc((size_t)n * 512, sizeof(uint64_t));

    cr_assert_not_null(p);
    return p;
}

static void check_mapping(const struct walker *w)
{
    const struct pv_layout *lay = w->l;
    uint64_t pt = pv_layout_pfn(lay, lay->pt_start), leaves = 0;

    for (uint64_t va = lay->v_start; va < lay->v_end; va += 4096) {
        uint64_t pte = walk(w, va), pfn = (va - lay->v_start) >> 12;
        bool is_pt = pfn >= pt && pfn < pt + lay->nr_pt_frames;

        cr_assert(pte & PV_PTE_P, "va %#llx unmapped", (unsigned long long)va);
        cr_assert_eq(pte >> 12, pfn + MFN_OFFSET, "va %#llx maps the wrong frame",
                     (unsigned long long)va);
        cr_assert_eq(!!(pte & PV_PTE_RW), !is_pt, "va %#llx (pfn %#llx) RW bit wrong",
                     (unsigned long long)va, (unsigned long long)pfn);
        cr_assert(pte & PV_PTE_US);
        leaves++;
    }
    cr_expect_eq(walk(w, lay->v_end), 0, "first page past the area is mapped");
    if (lay->v_start)
        cr_expect_eq(walk(w, lay->v_start - 4096), 0, "page below the area is mapped");
    for (unsigned int s = 256; s < 272; s++)
        cr_expect_eq(w->main[s], 0, "hypervisor slot %u filled", s);
    /* exactly one leaf per page: no stray entries anywhere in the L1s */
    uint64_t nonzero = 0, first_l1 = 1 + lay->nr_l3 + lay->nr_l2;
    for (uint64_t i = first_l1 * 512; i < (uint64_t)lay->nr_pt_frames * 512; i++)
        nonzero += w->main[i] != 0;
    cr_expect_eq(nonzero, leaves);
}

Test(layout, pagetables_small_domu)
{
    struct pv_layout_params p = {
        .nr_pages = 16384, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x104000,
        .p2m_base = PV_LAYOUT_UNSET,
    };
    cr_assert_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    uint64_t *main = alloc_tables(l.nr_pt_frames);
    struct walker w = { &l, main, NULL };

    cr_assert_eq(pv_layout_pagetables(&l, pfn_to_mfn, NULL, main, NULL), 0);
    check_mapping(&w);
    free(main);
}

Test(layout, pagetables_linux_dom0_with_init_p2m)
{
    struct pv_layout_params p = {
        .nr_pages = 1 * GiB / 4096, .virt_base = LINUX_BASE,
        .kern_start = 0xffffffff81000000ULL, .kern_end = 0xffffffff84a00000ULL,
        .initrd_len = 9 * MiB + 17, .p2m_base = 0x8000000000ULL, .dom0 = true, .limit_1g = true,
    };
    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    unsigned int np2m = l.p2m_nr_l3 + l.p2m_nr_l2 + l.p2m_nr_l1;
    uint64_t *main = alloc_tables(l.nr_pt_frames), *p2m = alloc_tables(np2m);
    struct walker w = { &l, main, p2m };

    cr_assert_eq(pv_layout_pagetables(&l, pfn_to_mfn, NULL, main, p2m), 0);
    check_mapping(&w);
    cr_expect_neq(main[511], 0, "kernel slot 511");
    cr_expect_neq(main[1], 0, "p2m slot 1 (0x8000000000)");
    for (uint64_t va = l.p2m_start; va < l.p2m_end; va += 4096) {
        uint64_t pte = walk(&w, va);
        uint64_t pfn = l.first_p2m_pfn + np2m + ((va - l.p2m_start) >> 12);

        cr_assert_eq(pte >> 12, pfn + MFN_OFFSET, "p2m va %#llx", (unsigned long long)va);
        cr_assert(pte & PV_PTE_RW, "p2m must be writable");
    }
    cr_expect_lt(l.first_p2m_pfn + l.nr_p2m_frames, p.nr_pages + 1);
    /* p2m tables are required when the layout has INIT_P2M frames */
    cr_expect_eq(pv_layout_pagetables(&l, pfn_to_mfn, NULL, main, NULL), -EINVAL);
    free(main);
    free(p2m);
}

Test(layout, pagetables_across_gib_boundary)
{
    struct pv_layout_params p = {
        .nr_pages = 262144, .virt_base = 1 * GiB - 8 * MiB, .kern_start = 1 * GiB - 8 * MiB,
        .kern_end = 1 * GiB - 2 * MiB, .p2m_base = PV_LAYOUT_UNSET,
    };
    cr_assert_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    uint64_t *main = alloc_tables(l.nr_pt_frames);
    struct walker w = { &l, main, NULL };

    cr_assert_eq(pv_layout_pagetables(&l, pfn_to_mfn, NULL, main, NULL), 0);
    check_mapping(&w);
    free(main);
}

Test(layout, pagetables_errors)
{
    struct pv_layout_params p = {
        .nr_pages = 16384, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x104000,
        .p2m_base = PV_LAYOUT_UNSET,
    };
    cr_assert_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    uint64_t *main = alloc_tables(l.nr_pt_frames);
    struct pv_layout bad = l;

    bad_mfn_at = 0x200;                         /* a data page */
    cr_expect_eq(pv_layout_pagetables(&l, pfn_to_mfn_failing, NULL, main, NULL), -EINVAL);
    bad_mfn_at = pv_layout_pfn(&l, l.pt_start) + 1;   /* a table frame */
    cr_expect_eq(pv_layout_pagetables(&l, pfn_to_mfn_failing, NULL, main, NULL), -EINVAL);
    bad.nr_l1 += 1;                             /* inconsistent counts */
    cr_expect_eq(pv_layout_pagetables(&bad, pfn_to_mfn, NULL, main, NULL), -EINVAL);
    cr_expect_eq(pv_layout_pagetables(NULL, pfn_to_mfn, NULL, main, NULL), -EINVAL);
    cr_expect_eq(pv_layout_pagetables(&l, NULL, NULL, main, NULL), -EINVAL);
    free(main);
}

/* ---- start_info ---------------------------------------------------------- */

static uint64_t u64_at(const uint8_t *p, size_t off)
{
    uint64_t v;

    memcpy(&v, p + off, 8);
    return v;
}

static uint32_t u32_at(const uint8_t *p, size_t off)
{
    uint32_t v;

    memcpy(&v, p + off, 4);
    return v;
}

Test(layout, start_info_domu)
{
    static uint8_t page[4096];
    struct pv_layout_params p = {
        .nr_pages = 16384, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x104000,
        .initrd_len = 12345, .p2m_base = PV_LAYOUT_UNSET,
    };
    struct pv_start_info_params sp = {
        .shared_info_maddr = 0x7654000, .store_mfn = 0x1234, .store_evtchn = 1,
        .console_mfn = 0x1235, .console_evtchn = 2, .cmdline = "console=hvc0 root=/dev/xvda",
    };

    cr_assert_eq(pv_layout_compute(&p, &l, "d", reason, sizeof(reason)), 0, "%s", reason);
    memset(page, 0xaa, sizeof(page));
    pv_start_info_fill(page, &l, &p, &sp);
    /* offsets from the ABI notes, not from our header */
    cr_expect_str_eq((char *)page, "xen-3.0-x86_64");
    cr_expect_eq(u64_at(page, 32), 16384);
    cr_expect_eq(u64_at(page, 40), 0x7654000);
    cr_expect_eq(u32_at(page, 48), 0);
    cr_expect_eq(u64_at(page, 56), 0x1234);
    cr_expect_eq(u32_at(page, 64), 1);
    cr_expect_eq(u64_at(page, 72), 0x1235);
    cr_expect_eq(u32_at(page, 80), 2);
    cr_expect_eq(u64_at(page, 88), l.pt_start);
    cr_expect_eq(u64_at(page, 96), l.nr_pt_frames);
    cr_expect_eq(u64_at(page, 104), l.p2m_start);
    cr_expect_eq(u64_at(page, 112), l.initrd_start);
    cr_expect_eq(u64_at(page, 120), 12345);
    cr_expect_str_eq((char *)page + 128, "console=hvc0 root=/dev/xvda");
    cr_expect_eq(u64_at(page, 1152), 0);
    cr_expect_eq(u64_at(page, 1160), 0);
    cr_expect_eq(page[4095], 0, "rest of the page zeroed");
}

Test(layout, start_info_dom0_unmapped_initrd_long_cmdline)
{
    static uint8_t page[4096];
    static char cmdline[3000];
    struct pv_layout_params p = {
        .nr_pages = 1 * GiB / 4096, .virt_base = LINUX_BASE,
        .kern_start = 0xffffffff81000000ULL, .kern_end = 0xffffffff84a00000ULL,
        .initrd_len = 9 * MiB, .p2m_base = 0x8000000000ULL, .initrd_unmapped = true,
        .dom0 = true, .limit_1g = true,
    };
    struct pv_start_info_params sp = {
        .shared_info_maddr = 0x1000, .flags = 3, .console_mfn = 0x99, .cmdline = cmdline,
    };

    memset(cmdline, 'x', sizeof(cmdline) - 1);
    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    pv_start_info_fill(page, &l, &p, &sp);
    cr_expect_eq(u32_at(page, 48), 3 | 8, "SIF_MOD_START_PFN added");
    cr_expect_eq(u64_at(page, 72), 0, "dom0 console info left empty");
    cr_expect_eq(u64_at(page, 112), l.initrd_pfn);
    cr_expect_eq(u64_at(page, 120), 9 * MiB);
    cr_expect_eq(u64_at(page, 104), 0x8000000000ULL);
    cr_expect_eq(strlen((char *)page + 128), 1023, "command line truncated and terminated");
    cr_expect_eq(u64_at(page, 1152), l.first_p2m_pfn);
    cr_expect_eq(u64_at(page, 1160), l.nr_p2m_frames);
}

/*
 * Real Xen 4.17 (Debian) booting tests/guests' console.elf as dom0 with
 * dom0_mem=64M printed:
 *   Loaded kernel: 0000000000100000->0000000000113b98
 *   Phys-Mach map: 0000000000114000->0000000000134000
 *   Start info:    0000000000134000->00000000001344b8
 *   Page tables:   0000000000135000->000000000013a000
 *   Boot stack:    000000000013a000->000000000013b000
 *   TOTAL:         0000000000000000->0000000000400000
 * Our layout must be the same.
 */
Test(layout, matches_real_xen_dom0_small_kernel)
{
    struct pv_layout_params p = {
        .nr_pages = 16384, .virt_base = 0, .kern_start = 0x100000, .kern_end = 0x113b98,
        .p2m_base = PV_LAYOUT_UNSET, .dom0 = true,
    };

    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    cr_expect_eq(l.p2m_start, 0x114000);
    cr_expect_eq(l.p2m_end, 0x134000);
    cr_expect_eq(l.start_info, 0x134000);
    cr_expect_eq(l.pt_start, 0x135000);
    cr_expect_eq(l.pt_end, 0x13a000);
    cr_expect_eq(l.stack_start, 0x13a000);
    cr_expect_eq(l.stack_end, 0x13b000);
    cr_expect_eq(l.v_start, 0);
    cr_expect_eq(l.v_end, 0x400000);
}

/*
 * Real Xen 4.17 booting Debian's Linux 6.1 (this kernel: image ends at
 * paddr 0x4a00000, INIT_P2M 0x8000000000, MOD_START_PFN) as dom0 with
 * dom0_mem=512M and an initrd printed:
 *   Loaded kernel: ffffffff81000000->ffffffff84a00000
 *   Phys-Mach map: 0000008000000000->0000008000100000
 *   Start info:    ffffffff84a00000->ffffffff84a004b8
 *   Page tables:   ffffffff84a01000->ffffffff84a2a000
 *   Boot stack:    ffffffff84a2a000->ffffffff84a2b000
 *   TOTAL:         ffffffff80000000->ffffffff84c00000
 * (the initrd stays unmapped).  Our layout must be the same.
 */
Test(layout, matches_real_xen_linux_dom0)
{
    struct pv_layout_params p = {
        .nr_pages = 131072, .virt_base = LINUX_BASE, .kern_start = 0xffffffff81000000ULL,
        .kern_end = 0xffffffff84a00000ULL, .initrd_len = 0x3f9ff4b3 - 0x3ecd7000,
        .p2m_base = 0x8000000000ULL, .initrd_unmapped = true, .dom0 = true, .limit_1g = true,
    };

    cr_assert_eq(pv_layout_compute(&p, &l, "dom0", reason, sizeof(reason)), 0, "%s", reason);
    cr_expect_eq(l.p2m_start, 0x8000000000ULL);
    cr_expect_eq(l.p2m_end, 0x8000100000ULL);
    cr_expect_eq(l.start_info, 0xffffffff84a00000ULL);
    cr_expect_eq(l.pt_start, 0xffffffff84a01000ULL);
    cr_expect_eq(l.pt_end, 0xffffffff84a2a000ULL);
    cr_expect_eq(l.nr_pt_frames, 41);
    cr_expect_eq(l.stack_start, 0xffffffff84a2a000ULL);
    cr_expect_eq(l.stack_end, 0xffffffff84a2b000ULL);
    cr_expect_eq(l.v_start, LINUX_BASE);
    cr_expect_eq(l.v_end, 0xffffffff84c00000ULL);
}
