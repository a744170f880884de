/*
 * test_pagetables.c — the builder's start-of-day layout and bootstrap page
 * tables for a domU: the layout parameters it picks from the kernel's
 * notes (libxc's: p2m list at INIT_P2M, initrd unmapped with
 * MOD_START_PFN), that Linux's boot-time cleanup of its kernel mapping then
 * covers the whole bootstrap area (else a W+X alias of guest memory is
 * left behind, which Linux 6.1 reports as "Found insecure W+X mapping"),
 * and that walking the tables from the L4 reaches p2m[pfn] for every page
 * of the mapped area and of the p2m list, page-table frames read-only.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xen/pv_layout.h>
#include "builder.h"

#define MFN_BASE 0x100000ULL
#define MB(x) ((uint64_t)(x) << 20)
static uint64_t mfn_of(uint64_t pfn) { return MFN_BASE + pfn * 3; }
static uint64_t lookup(void *ctx, uint64_t pfn)
{
    return pfn < *(uint64_t *)ctx ? mfn_of(pfn) : ~0ULL;
}

/* Debian 12's vmlinuz (6.1) as the builder sees it: image at +16 MiB, 58 MiB. */
static struct elf_image img;
static void linux_61(bool init_p2m, bool mod_start_pfn)
{
    memset(&img, 0, sizeof(img));
    img.virt_base = 0xffffffff80000000ULL;
    img.virt_kstart = 0xffffffff81000000ULL;
    img.virt_kend = 0xffffffff84a00000ULL;
    img.p2m_base = init_p2m ? 0x8000000000ULL : ELF_UNSET;
    img.notes.mod_start_pfn = mod_start_pfn;
}

/*
 * What Linux (arch/x86/xen/mmu_pv.c, 6.1) leaves mapped of the bootstrap
 * area after boot: xen_pagetable_cleanhighmap() clears the 2 MiB PMDs from
 * pt_base up to and including the one at roundup(pt_end, 4 MiB); with the
 * p2m list inside the mapping xen_pagetable_p2m_free() clears its PMDs.
 * True when no page of [kern_end rounded to 2 MiB, v_end) survives.
 */
static bool linux_cleans_everything(const struct pv_layout *L)
{
    uint64_t pmd = MB(2), cleaned_to = ((L->pt_end + MB(4) - 1) & ~(MB(4) - 1)) + pmd;

    return L->v_end <= cleaned_to;
}

static void layout(uint64_t nr_pages, uint64_t initrd_len, struct pv_layout_params *p,
                   struct pv_layout *L)
{
    char why[200];

    pv_build_layout_params(&img, nr_pages, initrd_len, p);
    cr_assert_eq(pv_layout_compute(p, L, "test", why, sizeof(why)), 0, "%s", why);
}

Test(ctrl_layout, linux_gets_init_p2m_and_unmapped_initrd)
{
    struct pv_layout_params p;
    struct pv_layout L;

    linux_61(true, true);
    layout(65536, 1101000, &p, &L);
    cr_assert_eq(p.p2m_base, 0x8000000000ULL);
    cr_assert(p.initrd_unmapped);
    cr_assert_eq(L.p2m_start, 0x8000000000ULL);
    cr_assert_eq(L.initrd_start, 0, "the initrd is not in the mapped area");
    cr_assert_eq(L.initrd_pfn, pv_layout_pfn(&L, L.v_end), "initrd right after the mapped area");
    cr_assert_geq(L.first_p2m_pfn, L.initrd_pfn + L.initrd_pages);
    cr_assert_eq(L.pt_start, L.console + 4096, "start_info, xenstore, console, then tables");
}

Test(ctrl_layout, kernel_without_the_notes_keeps_everything_mapped)
{
    struct pv_layout_params p;
    struct pv_layout L;

    linux_61(false, false);
    layout(65536, 1101000, &p, &L);
    cr_assert_eq(p.p2m_base, PV_LAYOUT_UNSET);
    cr_assert(!p.initrd_unmapped);
    cr_assert_eq(L.initrd_start, L.kern_end);
    cr_assert_eq(L.nr_p2m_frames, 0);
}

Test(ctrl_layout, no_initrd_is_not_unmapped)
{
    struct pv_layout_params p;
    struct pv_layout L;

    linux_61(true, true);
    layout(65536, 0, &p, &L);
    cr_assert(!p.initrd_unmapped);
    cr_assert_eq(L.initrd_pages, 0);
}

/*
 * The regression: the domU of boot/xen-dom0/domu.cfg (256 MiB, 1.05 MiB
 * initrd) with the p2m list and initrd inside the mapping ended 4 MiB past
 * what Linux cleans and booted with "Found insecure W+X mapping at address
 * 0xffffffff84e00000".  The builder's parameters must not, for a range of
 * sizes around it; the old ones must (or this test proves nothing).
 */
Test(ctrl_layout, linux_cleans_the_whole_bootstrap_area)
{
    struct pv_layout_params p;
    struct pv_layout L;
    char why[200];
    bool old_leaked = false;

    for (uint64_t mb = 128; mb <= 1024; mb += 32)
        for (uint64_t rd = 0; rd <= MB(8); rd += 300000) {
            linux_61(true, true);
            layout(mb * 256, rd, &p, &L);
            cr_expect(linux_cleans_everything(&L), "memory %lu MiB, initrd %lu: v_end %#lx, pt_end %#lx",
                      (unsigned long)mb, (unsigned long)rd, (unsigned long)L.v_end,
                      (unsigned long)L.pt_end);
            p.p2m_base = PV_LAYOUT_UNSET;
            p.initrd_unmapped = false;
            cr_assert_eq(pv_layout_compute(&p, &L, "test", why, sizeof(why)), 0, "%s", why);
            old_leaked |= !linux_cleans_everything(&L);
        }
    linux_61(true, true);
    pv_build_layout_params(&img, 65536, 1101000, &p);
    p.p2m_base = PV_LAYOUT_UNSET;
    p.initrd_unmapped = false;
    cr_assert_eq(pv_layout_compute(&p, &L, "test", why, sizeof(why)), 0, "%s", why);
    cr_assert(!linux_cleans_everything(&L), "the old layout of domu.cfg leaked (v_end %#lx)",
              (unsigned long)L.v_end);
    cr_assert(old_leaked);
}

/* Walk va through the tables (main: the L4 area; p2m: the INIT_P2M tables). */
static uint64_t walk(const struct pv_layout *L, const uint64_t *main, const uint64_t *p2mt,
                     uint64_t va, uint64_t *e1_out)
{
    uint64_t pt_pfn = pv_layout_pfn(L, L->pt_start), ntab = L->p2m_nr_l3 + L->p2m_nr_l2 + L->p2m_nr_l1;
#define TABLE(mfn) ({ uint64_t _pfn = ((mfn) - MFN_BASE) / 3; const uint64_t *_t = NULL; \
        if (_pfn >= pt_pfn && _pfn < pt_pfn + L->nr_pt_frames) _t = main + (_pfn - pt_pfn) * 512; \
        else if (_pfn >= L->first_p2m_pfn && _pfn < L->first_p2m_pfn + ntab) \
            _t = p2mt + (_pfn - L->first_p2m_pfn) * 512; \
        cr_assert(_t, "va %#lx: table at pfn %#lx is not a page-table frame", \
                  (unsigned long)va, (unsigned long)_pfn); _t; })
    uint64_t e = TABLE(mfn_of(pt_pfn))[(va >> 39) & 511];
    cr_assert(e & 1, "va %#lx: no L4 entry", (unsigned long)va);
    e = TABLE(e >> 12)[(va >> 30) & 511];
    cr_assert(e & 1);
    e = TABLE(e >> 12)[(va >> 21) & 511];
    cr_assert(e & 1);
    cr_assert_eq(e & 0x80, 0, "no superpages");
    e = TABLE(e >> 12)[(va >> 12) & 511];
    cr_assert(e & 1, "va %#lx: not mapped", (unsigned long)va);
#undef TABLE
    *e1_out = e;
    return e >> 12;
}

static void check_tables(uint64_t nr_pages, uint64_t initrd_len)
{
    struct pv_layout_params p;
    struct pv_layout L;
    uint64_t nr = nr_pages, e1;

    linux_61(true, true);
    layout(nr_pages, initrd_len, &p, &L);
    uint64_t ntab = L.p2m_nr_l3 + L.p2m_nr_l2 + L.p2m_nr_l1;
    uint64_t *main = calloc(L.nr_pt_frames, 4096), *p2mt = calloc(ntab, 4096);
    cr_assert_eq(pv_layout_pagetables(&L, lookup, &nr, main, p2mt), 0);
    for (uint64_t va = L.v_start; va < L.v_end; va += 4096) {
        uint64_t pfn = pv_layout_pfn(&L, va);
        cr_assert_eq(walk(&L, main, p2mt, va, &e1), mfn_of(pfn), "va %#lx", (unsigned long)va);
        bool is_pt = va >= L.pt_start && va < L.pt_end;
        cr_assert_eq(!!(e1 & 2), !is_pt, "va %#lx: RW must be %d", (unsigned long)va, !is_pt);
    }
    /* The p2m list: writable, its frames right after its tables. */
    for (uint64_t i = 0; i < L.nr_p2m_frames - ntab; i++) {
        uint64_t va = L.p2m_start + i * 4096;
        cr_assert_eq(walk(&L, main, p2mt, va, &e1), mfn_of(L.first_p2m_pfn + ntab + i));
        cr_assert(e1 & 2);
    }
    cr_assert_geq((L.nr_p2m_frames - ntab) * 4096, nr_pages * 8, "p2m list fits its frames");
    cr_assert_leq(L.nr_pages_used, nr_pages);
    free(main);
    free(p2mt);
}

Test(ctrl_pagetables, small_domain_with_initrd) { check_tables(8192 * 4, 1000000); }
Test(ctrl_pagetables, one_gib_domain) { check_tables(262144, 0); }
