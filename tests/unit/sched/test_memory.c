/*
 * test_memory.c — host tests of XENMEM_* (common/memory.c) through the
 * hypercall entry, with guest arrays in test memory: populate/increase/
 * decrease with their PV MFN hand-back and M2P updates, per-domain limits,
 * exchange, the size queries, memory maps, and the refusals (foreign
 * domains without privilege, frames not owned, bad pointers).
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/domheap.h>
#include <xen/memory.h>
#include <asm/pv_mm.h>
#include "harness.h"

TestSuite(memop, .init = h_setup, .fini = h_teardown);

#define BAD ((void *)0xffff800000000000UL)

static struct domain *mk(domid_t id, bool priv)
{
    struct domain *d;

    cr_assert_eq(domain_create(id, priv ? DOMCRF_privileged : 0, 1, &d), 0);
    d->max_pages = 64;
    return d;
}

static long memop(struct domain *d, unsigned long cmd, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { arg };

    h_run_as(d->vcpu[0]);
    return do_memory_op(cmd, h);
}

static struct xen_memory_reservation resv(xen_pfn_t *list, unsigned long n, unsigned order,
                                          domid_t dom)
{
    struct xen_memory_reservation r = { .nr_extents = n, .extent_order = order, .domid = dom };

    r.extent_start.p = list;
    return r;
}

Test(memop, populate_hands_back_mfns_and_sets_m2p)
{
    struct domain *d = mk(1, false);
    xen_pfn_t list[4] = { 10, 11, 12, 13 };
    struct xen_memory_reservation r = resv(list, 4, 0, DOMID_SELF);

    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 4);
    cr_expect_eq(d->tot_pages, 4);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(page_get_owner(&frame_table[list[i]]), d);
        cr_expect_eq(h_m2p[list[i]], (unsigned long)(10 + i), "M2P of mfn %lu", list[i]);
    }
    domain_kill(d);
    cr_expect_eq(heap_free_pages(), initial_free);
}

Test(memop, limits_give_partial_results)
{
    struct domain *d = mk(1, false);
    xen_pfn_t list[8] = { 0 };
    struct xen_memory_reservation r = resv(list, 8, 0, DOMID_SELF);

    d->max_pages = 5;
    cr_expect_eq(memop(d, XENMEM_increase_reservation, &r), 5, "stops at max_pages");
    cr_expect_eq(d->tot_pages, 5);
    r = resv(list, 1, 10, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_populate_physmap, &r), -EINVAL, "order 10 refused");
    domain_kill(d);
}

Test(memop, increase_order_gives_aligned_extents)
{
    struct domain *d = mk(1, false);
    xen_pfn_t list[2] = { 0 };
    struct xen_memory_reservation r = resv(list, 2, 2, DOMID_SELF);

    cr_assert_eq(memop(d, XENMEM_increase_reservation, &r), 2);
    cr_expect_eq(list[0] % 4, 0);
    cr_expect_eq(list[1] % 4, 0);
    cr_expect_eq(d->tot_pages, 8);
    domain_kill(d);
}

Test(memop, decrease_frees_own_frames_only)
{
    struct domain *d = mk(1, false), *e = mk(2, false);
    xen_pfn_t list[3] = { 1, 2, 3 }, other[1] = { 0 };
    struct xen_memory_reservation r = resv(list, 3, 0, DOMID_SELF);
    unsigned long before;

    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 3);
    r = resv(other, 1, 0, DOMID_SELF);
    cr_assert_eq(memop(e, XENMEM_increase_reservation, &r), 1);
    before = heap_free_pages();
    r = resv(list, 2, 0, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_decrease_reservation, &r), 2);
    cr_expect_eq(heap_free_pages(), before + 2);
    cr_expect_eq(d->tot_pages, 1);
    cr_expect_eq(h_m2p[list[0]], INVALID_M2P);
    r = resv(other, 1, 0, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_decrease_reservation, &r), 0, "another domain's frame");
    xen_pfn_t si[1] = { d->shared_info_mfn };
    r = resv(si, 1, 0, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_decrease_reservation, &r), 0, "shared_info is not the guest's");
    domain_kill(d);
    domain_kill(e);
}

Test(memop, decrease_of_a_frame_mapped_elsewhere_defers_the_free)
{
    struct domain *d = mk(1, false);
    xen_pfn_t list[1] = { 0 };
    struct xen_memory_reservation r = resv(list, 1, 0, DOMID_SELF);
    struct page_info *pg;
    unsigned long before;

    cr_assert_eq(memop(d, XENMEM_increase_reservation, &r), 1);
    pg = mfn_to_page(list[0]);
    cr_assert(get_page(pg, d));            /* someone maps it */
    before = heap_free_pages();
    cr_assert_eq(memop(d, XENMEM_decrease_reservation, &r), 1);
    cr_expect_eq(heap_free_pages(), before, "still mapped");
    put_page(pg);
    cr_expect_eq(heap_free_pages(), before + 1, "freed on the last reference");
    domain_kill(d);
}

Test(memop, foreign_domains_need_privilege)
{
    struct domain *d0 = mk(0, true), *d = mk(1, false);
    xen_pfn_t list[2] = { 0, 1 };
    struct xen_memory_reservation r = resv(list, 2, 0, 0);
    domid_t dom = 0;

    cr_expect_eq(memop(d, XENMEM_populate_physmap, &r), -EPERM);
    cr_expect_eq(memop(d, XENMEM_current_reservation, &dom), -EPERM);
    r = resv(list, 2, 0, 1);
    cr_expect_eq(memop(d0, XENMEM_populate_physmap, &r), 2, "the builder fills a domU");
    cr_expect_eq(d->tot_pages, 2);
    dom = 1;
    cr_expect_eq(memop(d0, XENMEM_current_reservation, &dom), 2);
    cr_expect_eq(memop(d0, XENMEM_maximum_reservation, &dom), 64);
    dom = 9;
    cr_expect_eq(memop(d0, XENMEM_current_reservation, &dom), -ESRCH);
    domain_kill(d);
    domain_kill(d0);
}

Test(memop, exchange_for_a_contiguous_extent_and_back)
{
    struct domain *d = mk(1, false);
    xen_pfn_t in[4] = { 0 }, out[1] = { 100 };
    struct xen_memory_reservation r = resv(in, 4, 0, DOMID_SELF);
    struct xen_memory_exchange x = { 0 };
    xen_pfn_t old[4];

    cr_assert_eq(memop(d, XENMEM_increase_reservation, &r), 4);
    memcpy(old, in, sizeof(in));
    x.in = resv(in, 4, 0, DOMID_SELF);
    x.out = resv(out, 1, 2, DOMID_SELF);
    x.out.mem_flags = XENMEMF_address_bits(32);
    cr_assert_eq(memop(d, XENMEM_exchange, &x), 0);
    cr_expect_eq(x.nr_exchanged, 4);
    cr_expect_eq(out[0] % 4, 0, "one order-2 extent");
    cr_expect_eq(page_get_owner(&frame_table[out[0]]), d);
    cr_expect_eq(h_m2p[out[0] + 3], 103);
    for (int i = 0; i < 4; i++)
        cr_expect_null(page_get_owner(&frame_table[old[i]]), "inputs freed");
    cr_expect_eq(d->tot_pages, 4);

    /* And back into four single frames. */
    xen_pfn_t gp[4] = { 7, 8, 9, 10 };
    x = (struct xen_memory_exchange){ 0 };
    x.in = resv(out, 1, 2, DOMID_SELF);
    x.out = resv(gp, 4, 0, DOMID_SELF);
    cr_assert_eq(memop(d, XENMEM_exchange, &x), 0);
    cr_expect_eq(x.nr_exchanged, 1);
    cr_expect_eq(h_m2p[gp[2]], 9);
    cr_expect_eq(d->tot_pages, 4);
    domain_kill(d);
    cr_expect_eq(heap_free_pages(), initial_free);
}

Test(memop, exchange_refuses_frames_in_use)
{
    struct domain *d = mk(1, false), *e = mk(2, false);
    xen_pfn_t in[2] = { 0 }, out[1] = { 0 }, theirs[1] = { 0 };
    struct xen_memory_reservation r = resv(in, 2, 0, DOMID_SELF);
    struct xen_memory_exchange x = { 0 };

    cr_assert_eq(memop(d, XENMEM_increase_reservation, &r), 2);
    cr_assert(get_page(mfn_to_page(in[1]), d));     /* mapped somewhere */
    x.in = resv(in, 2, 0, DOMID_SELF);
    x.out = resv(out, 1, 1, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_exchange, &x), -EINVAL);
    cr_expect_eq(x.nr_exchanged, 0);
    cr_expect_eq(page_get_owner(&frame_table[in[0]]), d, "nothing given up");
    put_page(mfn_to_page(in[1]));

    r = resv(theirs, 1, 0, DOMID_SELF);
    cr_assert_eq(memop(e, XENMEM_increase_reservation, &r), 1);
    in[1] = theirs[0];
    x = (struct xen_memory_exchange){ .in = resv(in, 2, 0, DOMID_SELF),
                                      .out = resv(out, 1, 1, DOMID_SELF) };
    cr_expect_eq(memop(d, XENMEM_exchange, &x), -EINVAL, "another domain's frame");
    x.out = resv(out, 1, 2, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_exchange, &x), -EINVAL, "sizes differ");
    x.out = resv(out, 1, 1, 2);
    cr_expect_eq(memop(d, XENMEM_exchange, &x), -EPERM);
    domain_kill(d);
    domain_kill(e);
}

/* XENMEM_acquire_resource: Xen 4.17's errors by domain and caller; past
 * them -EOPNOTSUPP, on which Xen's toolstack falls back. */
Test(memop, acquire_resource_errors)
{
    struct domain *d0 = mk(0, true), *d = mk(1, false);
    struct xen_mem_acquire_resource r = { .type = XENMEM_resource_grant_table, .nr_frames = 1 };
    xen_pfn_t list[1] = { 0 };
    unsigned int refs0 = d0->refcnt, refs = d->refcnt;

    r.frame_list.p = list;
    r.domid = 1;
    r.pad = 1;
    cr_expect_eq(memop(d0, XENMEM_acquire_resource, &r), -EINVAL, "pad");
    r.pad = 0;
    r.frame = 1ULL << 32;
    cr_expect_eq(memop(d0, XENMEM_acquire_resource, &r), -EINVAL, "frame above 32 bits");
    r.frame = 0;
    cr_expect_eq(memop(d0, XENMEM_acquire_resource, &r), -EOPNOTSUPP, "dom0 for domain 1");
    r.domid = DOMID_SELF;
    cr_expect_eq(memop(d0, XENMEM_acquire_resource, &r), -ESRCH, "by id only");
    r.domid = 7;
    cr_expect_eq(memop(d0, XENMEM_acquire_resource, &r), -ESRCH, "no such domain");
    r.domid = 0;
    cr_expect_eq(memop(d0, XENMEM_acquire_resource, &r), -EPERM, "itself");
    cr_expect_eq(memop(d, XENMEM_acquire_resource, &r), -EPERM, "a domU for dom0");
    r.domid = 1;
    cr_expect_eq(memop(d, XENMEM_acquire_resource, &r), -EPERM, "a domU itself");
    r.type = 77;
    cr_expect_eq(memop(d, XENMEM_acquire_resource, &r), -EPERM, "before the type");
    cr_expect_eq(list[0], 0, "nothing written");
    cr_expect_eq(d0->refcnt, refs0, "lookups given back");
    cr_expect_eq(d->refcnt, refs);
    domain_kill(d);
    domain_kill(d0);
}

Test(memop, sizes_and_maps)
{
    struct domain *d0 = mk(0, true), *d = mk(1, false);
    struct e820entry buf[8], mine[2] = { { 0, 0x4000000, 1 }, { 0xfee00000, 0x1000, 2 } };
    struct xen_memory_map m = { .nr_entries = 8 };
    struct xen_foreign_memory_map f = { .domid = 1, .map = { .nr_entries = 2 } };
    struct xen_machphys_mapping mm;

    m.buffer.p = buf;
    cr_expect_eq(memop(d, XENMEM_maximum_ram_page, NULL), H_FRAMES - 1);
    cr_expect_eq(memop(d, XENMEM_memory_map, &m), -ENOSYS, "no map set yet");
    f.map.buffer.p = mine;
    f.domid = 0;
    cr_expect_eq(memop(d, XENMEM_set_memory_map, &f), -EPERM, "a domU cannot set dom0's");
    f.domid = 1;
    cr_assert_eq(memop(d0, XENMEM_set_memory_map, &f), 0, "the builder sets a domU's");
    cr_assert_eq(memop(d, XENMEM_memory_map, &m), 0);
    cr_expect_eq(m.nr_entries, 2);
    cr_expect_eq(buf[0].size, 0x4000000);

    m.nr_entries = 8;
    cr_expect_eq(memop(d, XENMEM_machine_memory_map, &m), -EPERM);
    cr_assert_eq(memop(d0, XENMEM_machine_memory_map, &m), 0);
    cr_expect_eq(m.nr_entries, 3);
    cr_expect_eq(buf[2].addr, 0x100000);
    m.nr_entries = 1;
    cr_assert_eq(memop(d0, XENMEM_machine_memory_map, &m), 0);
    cr_expect_eq(m.nr_entries, 1, "truncated to the caller's buffer");
    m.buffer.p = BAD;
    m.nr_entries = 8;
    cr_expect_eq(memop(d0, XENMEM_machine_memory_map, &m), -EFAULT);

    cr_assert_eq(memop(d, XENMEM_machphys_mapping, &mm), 0);
    cr_expect_eq(mm.v_start, 0xffff800000000000UL);
    cr_expect_eq(memop(d, XENMEM_machphys_mapping, BAD), -EFAULT);
    cr_expect_eq(memop(d, XENMEM_acquire_resource, BAD), -EFAULT);
    cr_expect_eq(memop(d, XENMEM_claim_pages, NULL), -EFAULT, "claims exist (no more -ENOSYS)");
    cr_expect_eq(memop(d, XENMEM_populate_physmap | (5UL << 6), NULL), -ENOSYS);
    cr_expect_eq(memop(d, XENMEM_populate_physmap, BAD), -EFAULT);
    domain_kill(d);
    domain_kill(d0);
}

Test(memop, released_frame_loses_its_pin)
{
    struct domain *d = mk(1, false);
    xen_pfn_t list[1] = { 0 };
    struct xen_memory_reservation r = resv(list, 1, 0, DOMID_SELF);
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE };

    cr_assert_eq(memop(d, XENMEM_increase_reservation, &r), 1);
    pin.arg1.mfn = list[0];
    cr_assert_eq(pv_mmuext_op_one(d->vcpu[0], &pin, d), 0);
    cr_assert_eq(memop(d, XENMEM_decrease_reservation, &r), 1);
    cr_expect_null(page_get_owner(&frame_table[list[0]]), "unpinned and freed");
    domain_kill(d);
}

/*
 * A domain destroyed while another still holds one of its frames (dom0's
 * foreign mapping takes a general reference, as here) stays listed as
 * dying, with its id taken, until that reference goes; nothing may bind
 * to it meanwhile; then it leaves the list and every frame is back.
 */
Test(memop, destroyed_domain_stays_dying_while_its_frame_is_mapped)
{
    struct domain *d0 = mk(0, true), *d = mk(3, false), *e;
    xen_pfn_t list[2] = { 0 };
    struct xen_memory_reservation r = resv(list, 2, 0, DOMID_SELF);
    struct page_info *held;

    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 2);
    held = mfn_to_page(list[0]);
    cr_assert(get_page(held, d), "the mapping's reference");
    cr_assert_eq(domain_kill(d), 0);

    e = get_domain_by_id(3);
    cr_assert_eq(e, d, "still listed while its frame is mapped");
    cr_expect_eq(e->is_dying, DOMDYING_dead);
    put_domain(e);
    cr_expect_eq(d->tot_pages, 1, "only the mapped frame is left");
    cr_expect_null(domain_lookup(d0, 3), "nothing binds to a dying domain");
    cr_expect_eq(domain_create(3, 0, 1, &e), -EEXIST, "its id stays taken");
    cr_expect_eq(domain_kill(d), 0, "a second destroy is harmless");

    put_page(held);                         /* dom0 unmaps */
    cr_expect_null(get_domain_by_id(3), "gone with the last reference");
    domain_kill(d0);
    cr_expect_eq(heap_free_pages(), initial_free, "every frame back");
}

/* XENMEM_claim_pages as Xen 4.17's domain_set_outstanding_pages answers. */
Test(memop, claim_pages)
{
    struct domain *d0 = mk(0, true), *d = mk(1, false), *e = mk(2, false);
    struct xen_memory_reservation c = { .nr_extents = 20, .domid = 1 };
    xen_pfn_t list[8] = { 0 }, one = 0;
    struct xen_memory_reservation r = resv(list, 8, 0, DOMID_SELF);
    unsigned long big = heap_free_pages() + 1;

    cr_expect_eq(memop(d, XENMEM_claim_pages, &c), -EPERM, "a domU may not claim");
    c.domid = 77;
    cr_expect_eq(memop(d0, XENMEM_claim_pages, &c), -EINVAL, "no such domain: -EINVAL as Xen");
    c.domid = 1;
    c.extent_order = 1;
    cr_expect_eq(memop(d0, XENMEM_claim_pages, &c), -EINVAL, "order must be 0");
    c.extent_order = 0;
    c.extent_start.p = list;
    cr_expect_eq(memop(d0, XENMEM_claim_pages, &c), -EINVAL, "no extent array");
    c.extent_start.p = NULL;
    c.nr_extents = 65;
    cr_expect_eq(memop(d0, XENMEM_claim_pages, &c), -EINVAL, "above max_pages");
    d->max_pages = big + 10;
    c.nr_extents = big;
    cr_expect_eq(memop(d0, XENMEM_claim_pages, &c), -ENOMEM, "more than is free");
    d->max_pages = 64;

    c.nr_extents = 20;
    cr_assert_eq(memop(d0, XENMEM_claim_pages, &c), 0);
    cr_expect_eq(d->outstanding_pages, 20);
    cr_expect_eq(domheap_outstanding_claims(), 20);
    cr_expect_eq(memop(d0, XENMEM_claim_pages, &c), -EINVAL, "one claim at a time");
    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 8);
    cr_expect_eq(d->outstanding_pages, 12, "allocations use the claim up");
    cr_expect_eq(domheap_outstanding_claims(), 12);

    /* Another domain cannot take what is claimed. */
    e->max_pages = heap_free_pages() + 16;
    while (heap_free_pages() > 12) {
        struct xen_memory_reservation one_r = resv(&one, 1, 0, DOMID_SELF);

        cr_assert_eq(memop(e, XENMEM_populate_physmap, &one_r), 1);
    }
    {
        struct xen_memory_reservation one_r = resv(&one, 1, 0, DOMID_SELF);

        cr_expect_eq(memop(e, XENMEM_populate_physmap, &one_r), 0, "the claimed frames are not e's");
        one_r.domid = DOMID_SELF;
        cr_expect_eq(memop(d, XENMEM_populate_physmap, &one_r), 1, "but the claimant's");
    }
    cr_expect_eq(d->outstanding_pages, 11);
    c.nr_extents = 0;
    cr_assert_eq(memop(d0, XENMEM_claim_pages, &c), 0, "0 drops the claim");
    cr_expect_eq(domheap_outstanding_claims(), 0);
    c.nr_extents = 30;
    domain_kill(e);
    cr_assert_eq(memop(d0, XENMEM_claim_pages, &c), 0);
    domain_kill(d);
    cr_expect_eq(domheap_outstanding_claims(), 0, "a dead domain's claim goes");
    domain_kill(d0);
    cr_expect_eq(heap_free_pages(), initial_free);
}

/*
 * A Linux guest's balloon driver end to end, as xen-balloon does it: boot
 * memory from populate_physmap, then down (decrease_reservation of MFNs it
 * unmapped first), the toolstack's enforced limit, and back up
 * (populate_physmap naming the pseudo-physical frames it gave back).
 * Checked at each step: tot_pages, the heap, the M2P and ownership.
 */
Test(memop, balloon_down_and_up_keeps_the_books)
{
    struct domain *d = mk(1, false);
    xen_pfn_t boot[32], out[8], again[8];
    struct xen_memory_reservation r;
    unsigned long free0;
    domid_t self = DOMID_SELF;

    d->max_pages = 32 + 256;        /* target + libxl's 1 MiB of slack */
    for (int i = 0; i < 32; i++)
        boot[i] = (xen_pfn_t)i;     /* pfn i */
    r = resv(boot, 32, 0, DOMID_SELF);
    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 32);
    free0 = heap_free_pages();

    /* down by 8: the last 8 pfns, named by their MFNs */
    for (int i = 0; i < 8; i++)
        out[i] = boot[24 + i];
    r = resv(out, 8, 0, DOMID_SELF);
    cr_assert_eq(memop(d, XENMEM_decrease_reservation, &r), 8);
    cr_expect_eq(d->tot_pages, 24);
    cr_expect_eq(memop(d, XENMEM_current_reservation, &self), 24);
    cr_expect_eq(heap_free_pages(), free0 + 8, "the frames went back to the heap");
    for (int i = 0; i < 8; i++) {
        cr_expect_eq(h_m2p[out[i]], INVALID_M2P, "stale M2P of mfn %lu", out[i]);
        cr_expect_null(page_get_owner(&frame_table[out[i]]), "mfn %lu still owned", out[i]);
    }
    /* giving the same frames again is refused: they are not the guest's */
    cr_expect_eq(memop(d, XENMEM_decrease_reservation, &r), 0);
    cr_expect_eq(d->tot_pages, 24);

    /* xl mem-set enforces: max_mem = target (24 pages here) + slack 2 */
    d->max_pages = 26;
    for (int i = 0; i < 8; i++)
        again[i] = (xen_pfn_t)(24 + i);
    r = resv(again, 8, 0, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_populate_physmap, &r), 2, "stops at max_mem");
    cr_expect_eq(d->tot_pages, 26);
    cr_expect_eq(heap_free_pages(), free0 + 6);

    /* the target goes up again: the rest of the pfns come back */
    d->max_pages = 32 + 256;
    for (int i = 0; i < 6; i++)
        again[i] = (xen_pfn_t)(26 + i);
    r = resv(again, 6, 0, DOMID_SELF);
    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 6);
    cr_expect_eq(d->tot_pages, 32);
    cr_expect_eq(heap_free_pages(), free0);
    for (int i = 0; i < 6; i++) {
        cr_expect_eq(page_get_owner(&frame_table[again[i]]), d);
        cr_expect_eq(h_m2p[again[i]], (unsigned long)(26 + i), "M2P of mfn %lu", again[i]);
    }
    domain_kill(d);
    cr_expect_eq(heap_free_pages(), initial_free);
}

/* A batch that names a frame the guest does not own stops there: the
 * frames before it are freed (and counted), none after it. */
Test(memop, balloon_batch_stops_at_a_foreign_frame)
{
    struct domain *d = mk(1, false), *e = mk(2, false);
    xen_pfn_t mine[4] = { 0 }, theirs[1] = { 0 }, batch[4];
    struct xen_memory_reservation r = resv(mine, 4, 0, DOMID_SELF);
    unsigned long free0;

    cr_assert_eq(memop(d, XENMEM_increase_reservation, &r), 4);
    r = resv(theirs, 1, 0, DOMID_SELF);
    cr_assert_eq(memop(e, XENMEM_increase_reservation, &r), 1);
    free0 = heap_free_pages();
    batch[0] = mine[0];
    batch[1] = mine[1];
    batch[2] = theirs[0];
    batch[3] = mine[2];
    r = resv(batch, 4, 0, DOMID_SELF);
    cr_expect_eq(memop(d, XENMEM_decrease_reservation, &r), 2);
    cr_expect_eq(d->tot_pages, 2);
    cr_expect_eq(e->tot_pages, 1, "the other domain keeps its frame");
    cr_expect_eq(page_get_owner(&frame_table[mine[2]]), d, "nothing after the bad entry is freed");
    cr_expect_eq(heap_free_pages(), free0 + 2);
    domain_kill(d);
    domain_kill(e);
    cr_expect_eq(heap_free_pages(), initial_free);
}

/*
 * Frames name their owner by a 16-bit slot (struct page_info is 24 bytes):
 * a slot stays with its domain until the structure is freed, even while the
 * domain is dying with a frame still mapped, so the frame never names a
 * newer domain; when every slot is taken createdomain fails cleanly.
 */
Test(memop, owner_slots_outlive_a_dying_domain_and_run_out_cleanly)
{
    static struct domain *ds[DOMAIN_OWNER_SLOTS];
    struct domain *d0 = mk(0, true), *d = mk(3, false), *e;
    xen_pfn_t list[1] = { 0 };
    struct xen_memory_reservation r = resv(list, 1, 0, DOMID_SELF);
    struct page_info *held;
    unsigned int n = 0, slot = d->owner_slot;
    int rc;

    cr_assert_neq(slot, 0);
    cr_assert_eq(memop(d, XENMEM_populate_physmap, &r), 1);
    held = mfn_to_page(list[0]);
    cr_expect_eq(held->owner, slot);
    cr_assert(get_page(held, d), "the mapping's reference");
    cr_assert_eq(domain_kill(d), 0);

    /* Fill every other slot: the dying domain's is not handed out. */
    while ((rc = domain_create(100 + n, 0, 1, &ds[n])) == 0) {
        cr_expect_neq(ds[n]->owner_slot, slot, "slot %u reused while its domain lives", slot);
        n++;
    }
    cr_expect_eq(rc, -ENOSPC);
    cr_expect_eq(n, DOMAIN_OWNER_SLOTS - 3, "slot 0 and dom0's and the dying domain's are taken");
    cr_expect_eq(page_get_owner(held), d, "the mapped frame still names its owner");
    cr_expect_null(get_domain_by_id(100 + n), "the refused domain is not listed");

    put_page(held);                         /* its domain goes: one slot free */
    cr_assert_eq(domain_create(100 + n, 0, 1, &e), 0);
    cr_expect_eq(e->owner_slot, slot);
    domain_kill(e);
    for (unsigned int i = 0; i < n; i++)
        domain_kill(ds[i]);
    domain_kill(d0);
    cr_expect_eq(heap_free_pages(), initial_free, "every frame back");
}
