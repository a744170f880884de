/*
 * harness.c — the fake machine behind test_pvmm.c (see harness.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include "../lib/fake_machine.h"
#include "harness.h"

struct domain *hdom[H_NR_DOMS];
unsigned int flushes, invlpgs, cr3_loads;
unsigned long initial_free;
unsigned long m2p[H_FRAMES];
int crashes[H_NR_DOMS];
static struct vcpu *h_cur;

void h_setup(void)
{
    initial_free = fm_init(H_FRAMES, 1, H_IO_FIRST);
    m2p_rw = m2p;
    memset(m2p, 0xff, sizeof(m2p));
    flushes = invlpgs = cr3_loads = 0;
    memset(crashes, 0, sizeof(crashes));
    for (int i = 0; i < H_NR_DOMS; i++) {
        struct domain *d = calloc(1, sizeof(*d));
        struct vcpu *v = calloc(1, sizeof(*v));

        cr_assert(d && v);
        d->domain_id = i;
        cr_assert_eq(domain_owner_attach(d), 0);   /* as domain_create does */
        d->is_privileged = i == 0;
        d->max_pages = 200;
        d->page_list_head = PAGE_LIST_NULL;
        d->max_vcpus = 1;
        d->vcpu[0] = v;
        v->domain = d;
        v->arch.kernel_mode = true;
        hdom[i] = d;
        cr_assert_eq(grant_table_init(d), 0);
    }
    /* dom0's iomem capability: every frame but the last device frame (the
     * part a LAPIC plays on the machine). */
    cr_assert_eq(iomem_permit_access(hdom[0], 0, ~0UL >> 12), 0);
    cr_assert_eq(iomem_deny_access(hdom[0], H_IO_DENIED, H_IO_DENIED), 0);
    h_cur = hdom[1]->vcpu[0];
}

void h_teardown(void)
{
    for (int i = 0; i < H_NR_DOMS; i++) {
        grant_table_destroy(hdom[i]);
        free(hdom[i]->vcpu[0]);
        domain_owner_detach(hdom[i]);
        free(hdom[i]);
    }
    fm_fini();
}

pte_t *h_map(mfn_t mfn) { return fm_frame(mfn); }

mfn_t h_alloc(struct domain *d)
{
    struct page_info *pg = alloc_domheap_pages(d, 0, 0);

    cr_assert_not_null(pg, "out of fake memory");
    memset(h_map(page_to_mfn(pg)), 0, 4096);
    return page_to_mfn(pg);
}

pte_t h_pte(mfn_t mfn, uint64_t flags) { return ((pte_t)mfn << 12) | flags; }

mfn_t h_build_tables(struct domain *d, unsigned int ndata, mfn_t *l3p, mfn_t *l2p, mfn_t *l1p,
                     mfn_t *data)
{
    mfn_t l4 = h_alloc(d), l3 = h_alloc(d), l2 = h_alloc(d), l1 = h_alloc(d);
    const uint64_t rw = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
    const uint64_t ro = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

    h_map(l4)[0] = h_pte(l3, rw);
    h_map(l3)[0] = h_pte(l2, rw);
    h_map(l2)[0] = h_pte(l1, rw);
    for (unsigned int i = 0; i < ndata; i++) {
        mfn_t m = h_alloc(d);

        if (data)
            data[i] = m;
        h_map(l1)[i] = h_pte(m, rw | _PAGE_DIRTY);
    }
    /* The tables themselves, read-only, as a PV builder maps them. */
    h_map(l1)[ndata + 0] = h_pte(l4, ro);
    h_map(l1)[ndata + 1] = h_pte(l3, ro);
    h_map(l1)[ndata + 2] = h_pte(l2, ro);
    h_map(l1)[ndata + 3] = h_pte(l1, ro);
    if (l3p) *l3p = l3;
    if (l2p) *l2p = l2;
    if (l1p) *l1p = l1;
    return l4;
}

uint64_t h_type(mfn_t mfn) { return frame_table[mfn].type_info & PGT_type_mask; }
uint64_t h_tcount(mfn_t mfn) { return frame_table[mfn].type_info & PGT_count_mask; }
uint64_t h_count(mfn_t mfn) { return frame_table[mfn].count_info & PGC_count_mask; }

/* ---- hooks and services mm.c / domheap.c / page_alloc.c need ---- */

void pv_flush_tlb_local(void) { flushes++; pv_tlb_stale_writable = false; }
void pv_invlpg(unsigned long va) { (void)va; invlpgs++; }
void pv_flush_tlb_all_cpus(void) { flushes++; pv_tlb_stale_writable = false; }
void pv_flush_tlb_this_cpu(void) { flushes++; }
void pv_invlpg_this_cpu(unsigned long va) { (void)va; invlpgs++; }
void pv_flush_vcpu_mask(const unsigned long *m, unsigned int n, bool one, unsigned long va)
{ (void)m; (void)n; (void)va; if (one) invlpgs++; else flushes++; }
void pv_load_cr3(struct vcpu *v) { (void)v; cr3_loads++; pv_tlb_stale_writable = false; }

void arch_init_guest_l4_slots(pte_t *l4, struct domain *d)
{
    (void)d;
    for (unsigned int s = 256; s <= 271; s++)
        l4[s] = 0xdead000ULL | s;      /* stands for the hypervisor's entries */
}

bool mfn_is_io(mfn_t mfn) { return mfn >= H_IO_FIRST; }
bool domain_has_io_rights(const struct domain *d) { return d->is_privileged; }
int pv_validate_desc_page(struct page_info *pg) { (void)pg; return 0; }
int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents)
{
    (void)v; (void)base;
    return ents > 8192 ? -EINVAL : 0;
}

struct vcpu *current_vcpu(void) { return h_cur; }
void h_set_current(struct domain *d) { h_cur = d->vcpu[0]; }

/* Lookups take a reference as the real ones do; refcnt only counts them
 * (nothing is freed), so tests can check that every one is given back. */
struct domain *domain_lookup(struct domain *caller, domid_t id)
{
    struct domain *d = id == DOMID_SELF ? caller : id < H_NR_DOMS ? hdom[id] : NULL;

    if (d != NULL)
        d->refcnt++;
    return d;
}

void domain_crash(struct domain *d, const char *why)
{
    (void)why;
    crashes[d->domain_id]++;
}

struct domain *get_domain_by_id(domid_t id) { return id < H_NR_DOMS ? hdom[id] : NULL; }
void get_domain(struct domain *d) { d->refcnt++; }
void put_domain(struct domain *d) { d->refcnt--; }

