/*
 * test_pagetables.c — the builder's bootstrap page tables: walking them
 * from the L4 must reach p2m[pfn] for every page of [v_start, v_end),
 * with the page-table frames mapped read-only and everything else
 * writable, for a small and a 1 GiB domain.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xen/pv_layout.h>
#include "builder.h"

#define MFN_BASE 0x100000ULL
static uint64_t mfn_of(uint64_t pfn) { return MFN_BASE + pfn * 3; }

static void check(uint64_t nr_pages, uint64_t initrd_len)
{
    struct pv_layout_params p = {
        .nr_pages = nr_pages, .virt_base = 0xffffffff80000000ULL,
        .kern_start = 0xffffffff81000000ULL, .kern_end = 0xffffffff81005000ULL,
        .initrd_len = initrd_len, .p2m_base = PV_LAYOUT_UNSET, .limit_1g = true,
    };
    struct pv_layout L;
    char why[200];
    cr_assert_eq(pv_layout_compute(&p, &L, "test", why, sizeof(why)), 0, "%s", why);
    uint64_t *p2m = malloc(nr_pages * sizeof(uint64_t));
    for (uint64_t i = 0; i < nr_pages; i++)
        p2m[i] = mfn_of(i);
    size_t win_len = L.stack_end - L.kern_start;
    uint8_t *win = calloc(1, win_len);
    pv_write_page_tables(win, L.kern_start, &L, p2m);

    /* Resolve a table MFN back to its bytes in the window. */
#define TABLE(mfn) ({ uint64_t _pfn = ((mfn) - MFN_BASE) / 3; \
        uint64_t _va = L.v_start + _pfn * 4096; \
        cr_assert(_va >= L.pt_start && _va < L.pt_end, "table outside the pt area"); \
        (uint64_t *)(win + (_va - L.kern_start)); })
    uint64_t l4mfn = p2m[pv_layout_pfn(&L, L.pt_start)];
    for (uint64_t va = L.v_start; va < L.v_end; va += 4096) {
        uint64_t e4 = TABLE(l4mfn)[(va >> 39) & 511];
        cr_assert(e4 & 1);
        uint64_t e3 = TABLE(e4 >> 12)[(va >> 30) & 511];
        cr_assert(e3 & 1);
        uint64_t e2 = TABLE(e3 >> 12)[(va >> 21) & 511];
        cr_assert(e2 & 1);
        cr_assert_eq(e2 & 0x80, 0, "no superpages");
        uint64_t e1 = TABLE(e2 >> 12)[(va >> 12) & 511];
        uint64_t pfn = pv_layout_pfn(&L, va);
        cr_assert_eq(e1 >> 12, p2m[pfn], "va %#lx", (unsigned long)va);
        cr_assert(e1 & 1);
        bool is_pt = va >= L.pt_start && va < L.pt_end;
        cr_assert_eq(!!(e1 & 2), !is_pt, "va %#lx: RW must be %d", (unsigned long)va, !is_pt);
    }
    free(win);
    free(p2m);
}

Test(ctrl_pagetables, small_domain_with_initrd) { check(8192, 1000000); }
Test(ctrl_pagetables, one_gib_domain) { check(262144, 0); }
