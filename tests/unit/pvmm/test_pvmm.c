/*
 * test_pvmm.c — host tests of the PV MMU (arch/x86/pv/mm.c) and domain
 * memory (common/domheap.c): the page type and reference-count state
 * machine, entry validation, the mmu_update / mmuext_op operations, and the
 * attacks a malicious guest would try.  Each attack must fail with an error
 * and leave every count exactly as it was.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include "harness.h"

#define D0 hdom[0]
#define D1 hdom[1]
#define D2 hdom[2]
#define RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define RO (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

TestSuite(pvmm, .init = h_setup, .fini = h_teardown);

static int mmu(struct domain *d, struct domain *pg_owner, mfn_t table, unsigned int idx,
               pte_t val, unsigned int cmd)
{
    mmu_update_t req = { .ptr = ((uint64_t)table << 12) + idx * 8 + cmd, .val = val };

    return pv_mmu_update_one(d->vcpu[0], pg_owner, &req);
}

static int ext(struct domain *d, unsigned int cmd, mfn_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return pv_mmuext_op_one(d->vcpu[0], &op, d);
}

/* Snapshot of every frame's counts, to prove a refused operation changed nothing. */
struct snap { uint64_t c[H_FRAMES], t[H_FRAMES]; };
static void take(struct snap *s)
{
    for (int i = 0; i < H_FRAMES; i++) {
        s->c[i] = frame_table[i].count_info;
        s->t[i] = frame_table[i].type_info;
    }
}
static void same(const struct snap *s, const char *what)
{
    for (int i = 0; i < H_FRAMES; i++) {
        cr_expect_eq(frame_table[i].count_info, s->c[i], "%s: frame %d count changed", what, i);
        cr_expect_eq(frame_table[i].type_info, s->t[i], "%s: frame %d type changed", what, i);
    }
}

Test(pvmm, pin_validates_the_whole_hierarchy)
{
    mfn_t l3, l2, l1, data[4];
    mfn_t l4 = h_build_tables(D1, 4, &l3, &l2, &l1, data);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_expect_eq(h_type(l4), PGT_l4_page_table);
    cr_expect_eq(h_type(l3), PGT_l3_page_table);
    cr_expect_eq(h_type(l2), PGT_l2_page_table);
    cr_expect_eq(h_type(l1), PGT_l1_page_table);
    cr_expect(frame_table[l4].type_info & PGT_pinned);
    cr_expect(frame_table[l1].type_info & PGT_validated);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(h_type(data[i]), PGT_writable_page);
        cr_expect_eq(h_tcount(data[i]), 1);
        cr_expect_eq(h_count(data[i]), 2, "allocation + mapping");
    }
    /* Tables mapped read-only: a general reference each, no writable type. */
    cr_expect_eq(h_count(l1), 3, "allocation + RO mapping + L2 entry");
    cr_expect_eq(h_tcount(l1), 1);
    /* Hypervisor slots installed. */
    cr_expect_eq(h_map(l4)[256], 0xdead000ULL | 256);
    cr_expect_eq(h_map(l4)[271], 0xdead000ULL | 271);
    cr_expect_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), -EINVAL, "already pinned");
}

Test(pvmm, unpin_devalidates_and_releases_everything)
{
    mfn_t l3, l2, l1, data[2];
    mfn_t l4 = h_build_tables(D1, 2, &l3, &l2, &l1, data);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_assert_eq(ext(D1, MMUEXT_UNPIN_TABLE, l4), 0);
    cr_expect_eq(h_tcount(l4), 0);
    cr_expect_eq(h_tcount(l1), 0);
    cr_expect_not(frame_table[l1].type_info & PGT_validated);
    cr_expect_eq(h_count(data[0]), 1, "only the allocation reference is left");
    cr_expect_eq(h_tcount(data[0]), 0);
    cr_expect_eq(ext(D1, MMUEXT_UNPIN_TABLE, l4), -EINVAL, "not pinned");
}

Test(pvmm, attack_writable_mapping_of_a_pinned_table)
{
    mfn_t l1, data[1];
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, data);
    struct snap s;

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    take(&s);
    /* Regression: Xen answers -EBUSY (a frame in use as a table), not -EPERM. */
    cr_expect_eq(mmu(D1, D1, l1, 100, h_pte(l1, RW), MMU_NORMAL_PT_UPDATE), -EBUSY);
    cr_expect_eq(mmu(D1, D1, l1, 100, h_pte(l4, RW), MMU_NORMAL_PT_UPDATE), -EBUSY);
    same(&s, "refused writable mapping");
    cr_expect_eq(h_map(l1)[100], 0, "entry not written");
    /* Read-only is fine. */
    cr_expect_eq(mmu(D1, D1, l1, 100, h_pte(l4, RO), MMU_NORMAL_PT_UPDATE), 0);
}

Test(pvmm, attack_table_that_maps_itself_writable)
{
    mfn_t l1 = h_alloc(D1);
    struct snap s;

    h_map(l1)[0] = h_pte(l1, RW);
    take(&s);
    cr_expect_eq(ext(D1, MMUEXT_PIN_L1_TABLE, l1), -EBUSY);
    same(&s, "failed pin");
}

Test(pvmm, attack_pte_to_other_domain_or_hypervisor_or_io)
{
    mfn_t l1, data[1];
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, data);
    mfn_t other = h_alloc(D2);
    mfn_t free_frame;
    struct snap s;

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    free_frame = page_to_mfn(alloc_heap_pages(0, 0));
    take(&s);
    cr_expect_eq(mmu(D1, D1, l1, 50, h_pte(other, RO), 0), -EPERM, "another domain's frame");
    cr_expect_eq(mmu(D1, D1, l1, 50, h_pte(0, RO), 0), -EPERM, "hypervisor frame 0");
    cr_expect_eq(mmu(D1, D1, l1, 50, h_pte(free_frame, RW), 0), -EPERM, "unowned frame");
    cr_expect_eq(mmu(D1, D1, l1, 50, h_pte(H_IO_FIRST, RW), 0), -EPERM, "device memory, domU");
    cr_expect_eq(mmu(D1, D1, l1, 50, h_pte(0xfffffffffULL, RO), 0), -EPERM, "beyond RAM");
    same(&s, "refused mappings");
    free_heap_pages(mfn_to_page(free_frame), 0);
}

Test(pvmm, dom0_may_map_device_memory_with_cache_attributes)
{
    mfn_t l1, data[1];
    mfn_t l4 = h_build_tables(D0, 1, NULL, NULL, &l1, data);

    cr_assert_eq(ext(D0, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_expect_eq(mmu(D0, D0, l1, 60, h_pte(H_IO_FIRST + 1, RW | _PAGE_PCD | _PAGE_PWT), 0), 0);
    cr_expect_eq(mmu(D0, D0, l1, 60, 0, 0), 0, "and unmap it");
}

/* The iomem capability decides, not privilege: a frame dom0's set leaves
 * out (the LAPIC, the hypervisor's memory) is refused to dom0 too, and a
 * domU holding a frame in its set may map exactly that frame. */
Test(pvmm, iomem_capability_guards_device_frames)
{
    mfn_t l1, data[1], l1u, datau[1];
    mfn_t l4 = h_build_tables(D0, 1, NULL, NULL, &l1, data);
    mfn_t l4u = h_build_tables(D1, 1, NULL, NULL, &l1u, datau);
    struct snap s;

    cr_assert_eq(ext(D0, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4u), 0);
    take(&s);
    cr_expect_eq(mmu(D0, D0, l1, 61, h_pte(H_IO_DENIED, RW | _PAGE_PCD), 0), -EPERM,
                 "denied frame, dom0");
    cr_expect_eq(mmu(D0, D0, l1, 61, h_pte(H_IO_DENIED, RO), 0), -EPERM, "read-only too");
    cr_expect_eq(mmu(D1, D1, l1u, 61, h_pte(H_IO_FIRST + 2, RO), 0), -EPERM, "domU, empty set");
    same(&s, "refused device mappings");
    cr_assert_eq(iomem_permit_access(hdom[1], H_IO_FIRST + 2, H_IO_FIRST + 2), 0);
    cr_expect_eq(mmu(D1, D1, l1u, 61, h_pte(H_IO_FIRST + 2, RO), 0), 0, "granted frame");
    cr_expect_eq(mmu(D1, D1, l1u, 62, h_pte(H_IO_FIRST + 3, RO), 0), -EPERM, "its neighbour");
    cr_expect_eq(mmu(D1, D1, l1u, 61, 0, 0), 0);
}

Test(pvmm, attack_hypervisor_l4_slots)
{
    mfn_t l3;
    mfn_t l4 = h_build_tables(D1, 1, &l3, NULL, NULL, NULL);
    mfn_t spare_l3 = h_alloc(D1);
    struct snap s;

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    take(&s);
    for (unsigned int slot = 256; slot <= 271; slot++)
        cr_expect_eq(mmu(D1, D1, l4, slot, h_pte(spare_l3, RW), 0), -EINVAL, "slot %u", slot);
    cr_expect_eq(mmu(D1, D1, l4, 256, 0, 0), -EINVAL, "clearing a slot");
    same(&s, "L4 slot writes");
    cr_expect_eq(h_map(l4)[256], 0xdead000ULL | 256);
    cr_expect_eq(mmu(D1, D1, l4, 272, h_pte(spare_l3, RW), 0), 0, "slot 272 is the guest's");
}

Test(pvmm, attack_forbidden_flags)
{
    mfn_t l2, l1, data[2];
    mfn_t l4 = h_build_tables(D1, 2, NULL, &l2, &l1, data);
    mfn_t spare_l1 = h_alloc(D1);
    struct snap s;

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    take(&s);
    cr_expect_eq(mmu(D1, D1, l2, 1, h_pte(spare_l1, RW | _PAGE_PSE), 0), -EINVAL, "PSE in L2");
    cr_expect_eq(mmu(D1, D1, l2, 1, h_pte(spare_l1, RW | _PAGE_GLOBAL), 0), -EINVAL, "G in L2");
    cr_expect_eq(mmu(D1, D1, l1, 70, h_pte(data[0], RW | _PAGE_PCD), 0), -EINVAL, "PCD, domU");
    cr_expect_eq(mmu(D1, D1, l1, 70, h_pte(data[0], RW | _PAGE_PSE), 0), -EINVAL, "PAT, domU");
    cr_expect_eq(mmu(D1, D1, l1, 70, h_pte(data[0], RW | (1ULL << 52)), 0), -EINVAL, "bit 52");
    /* Flag-only change on an existing entry is checked too. */
    cr_expect_eq(mmu(D1, D1, l1, 0, h_pte(data[0], RW | _PAGE_DIRTY | _PAGE_PCD), 0), -EINVAL);
    same(&s, "forbidden flags");
    cr_expect_eq(mmu(D1, D1, l1, 70, h_pte(data[0], RW | _PAGE_GLOBAL | _PAGE_NX), 0), 0,
                 "G and NX are fine in an L1");
    /* Regression (guest tests fuzz_valid, mmu): software bits 53-62 in an
     * L1 entry are the guest's, as on Xen; they were -EINVAL.  Above L1
     * they stay refused. */
    cr_expect_eq(mmu(D1, D1, l1, 71, h_pte(data[1], RW | (1ULL << 58) | (1ULL << 62)), 0), 0,
                 "soft-dirty and bit 62 in an L1");
    cr_expect_eq(mmu(D1, D1, l1, 71, 0, 0), 0);
    cr_expect_eq(mmu(D1, D1, l2, 1, h_pte(spare_l1, RW | (1ULL << 58)), 0), -EINVAL,
                 "software bits in an L2");
}

Test(pvmm, type_changes_only_at_count_zero)
{
    mfn_t l1, data[2];
    mfn_t l4 = h_build_tables(D1, 2, NULL, NULL, &l1, data);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    /* data[1] is mapped writable: it cannot become a page table. */
    cr_expect_eq(ext(D1, MMUEXT_PIN_L1_TABLE, data[1]), -EINVAL);
    /* Remove the writable mapping; now it can, after a TLB flush. */
    unsigned int before = flushes;
    cr_assert_eq(mmu(D1, D1, l1, 1, 0, 0), 0);
    cr_expect_eq(h_tcount(data[1]), 0);
    cr_expect_eq(ext(D1, MMUEXT_PIN_L1_TABLE, data[1]), 0);
    cr_expect_gt(flushes, before, "stale writable TLB entries flushed before use as a table");
    /* And now it cannot be mapped writable again. */
    cr_expect_eq(mmu(D1, D1, l1, 1, h_pte(data[1], RW), 0), -EBUSY);
    cr_expect_eq(mmu(D1, D1, l1, 1, h_pte(data[1], RO), 0), 0);
}

/* The retype flush is needed only if a writable mapping went away since the
 * last full flush: Linux makes a tree read-only, then pins it, and one flush
 * covers every table of the tree. */
Test(pvmm, retype_flushes_only_if_a_writable_mapping_went_since_the_last_flush)
{
    mfn_t l1, data[3];
    mfn_t l4 = h_build_tables(D1, 3, NULL, NULL, &l1, data);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_assert_eq(mmu(D1, D1, l1, 0, 0, 0), 0);      /* drop data[0]'s and data[1]'s */
    cr_assert_eq(mmu(D1, D1, l1, 1, 0, 0), 0);      /* writable mappings */
    unsigned int before = flushes;
    cr_assert_eq(ext(D1, MMUEXT_PIN_L1_TABLE, data[0]), 0);
    cr_expect_eq(flushes, before + 1, "the first retype flushes");
    cr_assert_eq(ext(D1, MMUEXT_PIN_L1_TABLE, data[1]), 0);
    cr_expect_eq(flushes, before + 1, "nothing went writable->gone since: no second flush");
    cr_assert_eq(mmu(D1, D1, l1, 2, 0, 0), 0);      /* data[2]'s mapping goes now */
    cr_assert_eq(ext(D1, MMUEXT_PIN_L1_TABLE, data[2]), 0);
    cr_expect_eq(flushes, before + 2, "a mapping removed after the flush: flush again");
}

Test(pvmm, unpin_of_a_table_in_use_keeps_it_valid)
{
    mfn_t l1;
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, NULL);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_assert_eq(ext(D1, MMUEXT_NEW_BASEPTR, l4), 0);
    cr_assert_eq(ext(D1, MMUEXT_UNPIN_TABLE, l4), 0);
    cr_expect(frame_table[l4].type_info & PGT_validated, "CR3 still holds it");
    cr_expect(frame_table[l1].type_info & PGT_validated);
    cr_expect_eq(h_tcount(l4), 1);
    /* It still cannot be written through a mapping. */
    cr_expect_eq(mmu(D1, D1, l1, 90, h_pte(l4, RW), 0), -EBUSY);
}

Test(pvmm, new_baseptr_switches_and_releases_the_old_table)
{
    mfn_t a = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t b = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t bad = h_alloc(D1);

    cr_assert_eq(ext(D1, MMUEXT_NEW_BASEPTR, a), 0);
    cr_expect_eq(D1->vcpu[0]->arch.guest_table, a);
    cr_expect_eq(h_tcount(a), 1);
    cr_assert_eq(ext(D1, MMUEXT_NEW_BASEPTR, b), 0);
    cr_expect_eq(h_tcount(a), 0, "old L4 released");
    cr_expect_eq(cr3_loads, 2);
    h_map(bad)[0] = h_pte(D1->vcpu[0]->arch.guest_table, RW);   /* L4 -> L4: refused */
    cr_expect_eq(ext(D1, MMUEXT_NEW_BASEPTR, bad), -EINVAL);
    cr_expect_eq(D1->vcpu[0]->arch.guest_table, b, "unchanged on failure");
    cr_expect_eq(ext(D1, MMUEXT_NEW_BASEPTR, h_alloc(D2)), -EINVAL, "another domain's frame");
    cr_expect_eq(ext(D1, MMUEXT_NEW_USER_BASEPTR, 0), 0, "user L4 0 allowed");
}

/* Linux sets the kernel and user L4 on every address-space switch; the user
 * one takes effect at the next switch to user mode, so setting it from the
 * kernel must not reload CR3 (a full TLB flush under emulation). */
Test(pvmm, new_user_baseptr_reloads_cr3_only_in_user_mode)
{
    mfn_t k = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t u = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t u2 = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    struct vcpu *v = D1->vcpu[0];

    cr_assert_eq(ext(D1, MMUEXT_NEW_BASEPTR, k), 0);
    cr_expect_eq(cr3_loads, 1, "a new kernel L4 is loaded at once");
    cr_assert_eq(ext(D1, MMUEXT_NEW_USER_BASEPTR, u), 0);
    cr_expect_eq(cr3_loads, 1, "kernel mode: the user L4 is only recorded");
    cr_expect_eq(v->arch.guest_table_user, u);
    cr_expect_eq(h_tcount(u), 1, "and referenced as an L4");
    v->arch.kernel_mode = false;
    cr_assert_eq(ext(D1, MMUEXT_NEW_USER_BASEPTR, u2), 0);
    cr_expect_eq(cr3_loads, 2, "user mode: the active table changed");
    cr_expect_eq(h_tcount(u), 0, "old user L4 released");
    v->arch.kernel_mode = true;
}

Test(pvmm, preserve_ad_and_flag_only_updates)
{
    mfn_t l1, data[1];
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, data);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    uint64_t c = h_count(data[0]), t = h_tcount(data[0]);
    cr_assert_eq(mmu(D1, D1, l1, 0, h_pte(data[0], _PAGE_PRESENT | _PAGE_RW | _PAGE_USER),
                     MMU_PT_UPDATE_PRESERVE_AD), 0);
    cr_expect(h_map(l1)[0] & _PAGE_DIRTY, "D kept");
    cr_expect(h_map(l1)[0] & _PAGE_ACCESSED, "A kept");
    cr_expect_eq(h_count(data[0]), c, "no reference churn");
    cr_expect_eq(h_tcount(data[0]), t);
    /* RW -> RO drops the writable type reference. */
    cr_assert_eq(mmu(D1, D1, l1, 0, h_pte(data[0], RO), 0), 0);
    cr_expect_eq(h_tcount(data[0]), 0);
    cr_expect_eq(h_count(data[0]), c);
}

Test(pvmm, update_on_an_ordinary_page_is_a_plain_write)
{
    mfn_t page = h_alloc(D1);

    cr_expect_eq(mmu(D1, D1, page, 3, 0x1234, 0), 0);
    cr_expect_eq(h_map(page)[3], 0x1234);
    cr_expect_eq(h_tcount(page), 0);
    cr_expect_eq(mmu(D1, D1, h_alloc(D2), 3, 0x1234, 0), -EINVAL, "not ours");
    cr_expect_eq(mmu(D1, D1, page, 3, 0, 4), -ENOSYS, "unknown command in ptr bits");
}

Test(pvmm, machphys_update)
{
    mfn_t page = h_alloc(D1);

    cr_expect_eq(mmu(D1, D1, page, 0, 42, MMU_MACHPHYS_UPDATE), 0);
    cr_expect_eq(m2p[page], 42);
    cr_expect_eq(mmu(D1, D1, h_alloc(D2), 0, 43, MMU_MACHPHYS_UPDATE), -EINVAL);
}

Test(pvmm, update_va_mapping_walks_the_current_tables)
{
    mfn_t l1, data[2];
    mfn_t l4 = h_build_tables(D1, 2, NULL, NULL, &l1, data);
    struct vcpu *v = D1->vcpu[0];

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_assert_eq(ext(D1, MMUEXT_NEW_BASEPTR, l4), 0);
    /* Make va 0x1000 (data[1]) read-only, flushing one entry. */
    cr_assert_eq(pv_update_va_mapping(v, 0x1000, h_pte(data[1], RO), UVMF_INVLPG), 0);
    cr_expect_eq(invlpgs, 1);
    cr_expect_eq(h_tcount(data[1]), 0);
    cr_assert_eq(pv_update_va_mapping(v, 0x1000, h_pte(data[1], RW), UVMF_TLB_FLUSH), 0);
    cr_expect_eq(h_tcount(data[1]), 1);
    cr_expect_eq(pv_update_va_mapping(v, 0x40000000, h_pte(data[1], RO), 0), -EINVAL,
                 "no L1 there");
    cr_expect_eq(pv_update_va_mapping(v, 0xffff800000001000UL, h_pte(data[1], RO), 0), -EINVAL,
                 "hypervisor area");
}

Test(pvmm, clear_and_copy_page_refuse_tables)
{
    mfn_t l1, data[1];
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, data);
    struct mmuext_op op = { .cmd = MMUEXT_COPY_PAGE, .arg1.mfn = l1, .arg2.src_mfn = data[0] };

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_expect_eq(ext(D1, MMUEXT_CLEAR_PAGE, l1), -EINVAL);
    cr_expect_eq(pv_mmuext_op_one(D1->vcpu[0], &op, D1), -EINVAL);
    h_map(data[0])[0] = 77;
    mfn_t dst = h_alloc(D1);
    op.arg1.mfn = dst;
    cr_expect_eq(pv_mmuext_op_one(D1->vcpu[0], &op, D1), 0);
    cr_expect_eq(h_map(dst)[0], 77);
    cr_expect_eq(ext(D1, MMUEXT_CLEAR_PAGE, dst), 0);
    cr_expect_eq(h_map(dst)[0], 0);
    cr_expect_eq(ext(D1, 99, dst), -ENOSYS);
    /* Xen 4.17 without PV superpages (guest test xsa_pv, XSA-167). */
    cr_expect_eq(ext(D1, MMUEXT_MARK_SUPER, ~0ULL << 9), -EOPNOTSUPP);
    cr_expect_eq(ext(D1, MMUEXT_UNMARK_SUPER, 0), -EOPNOTSUPP);
}

Test(pvmm, foreign_mapping_by_dom0_outlives_the_owner)
{
    mfn_t l1;
    mfn_t l4 = h_build_tables(D0, 1, NULL, NULL, &l1, NULL);
    mfn_t guest_page = h_alloc(D2);
    unsigned long free_before;

    cr_assert_eq(ext(D0, MMUEXT_PIN_L4_TABLE, l4), 0);
    /* dom0 maps domU's frame through foreigndom. */
    cr_assert_eq(mmu(D0, D2, l1, 10, h_pte(guest_page, RW), 0), 0);
    cr_expect_eq(h_count(guest_page), 2);
    /* The domU dies: the frame stays until dom0 unmaps it. */
    pv_relinquish_pagetables(D2);
    domain_relinquish_memory(D2);
    cr_expect_eq(h_count(guest_page), 1);
    cr_expect_eq(page_get_owner(&frame_table[guest_page]), D2);
    free_before = heap_free_pages();
    cr_assert_eq(mmu(D0, D0, l1, 10, 0, 0), 0);
    cr_expect_eq(heap_free_pages(), free_before + 1, "freed on the last unmap");
    cr_expect_eq(D2->tot_pages, 0);
}

Test(pvmm, relinquish_returns_every_frame)
{
    mfn_t a = h_build_tables(D1, 8, NULL, NULL, NULL, NULL);
    mfn_t b = h_build_tables(D1, 3, NULL, NULL, NULL, NULL);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, a), 0);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, b), 0);
    cr_assert_eq(ext(D1, MMUEXT_NEW_BASEPTR, a), 0);
    cr_assert_eq(ext(D1, MMUEXT_NEW_USER_BASEPTR, b), 0);
    pv_relinquish_pagetables(D1);
    domain_relinquish_memory(D1);
    cr_expect_eq(D1->tot_pages, 0);
    cr_expect_eq(D1->page_list_head, PAGE_LIST_NULL);
    cr_expect_eq(heap_free_pages(), initial_free, "every frame back in the allocator");
}

/* ------------------------------------------------- linear page tables */

Test(pvmm, linear_self_map_read_only_holds_nothing)
{
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    struct snap s;

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    take(&s);
    cr_expect_eq(mmu(D1, D1, l4, 5, h_pte(l4, RW), MMU_NORMAL_PT_UPDATE), -EINVAL,
                 "a writable linear entry is refused");
    same(&s, "refused writable self-map");
    cr_expect_eq(mmu(D1, D1, l4, 5, h_pte(l4, RO), MMU_NORMAL_PT_UPDATE), 0);
    same(&s, "a self-reference takes no reference");
    cr_expect_eq(frame_table[l4].linear_pt_count, 0);
    cr_expect_eq(mmu(D1, D1, l4, 5, 0, MMU_NORMAL_PT_UPDATE), 0);
    same(&s, "and releases none");
}

Test(pvmm, linear_entry_to_another_validated_table)
{
    mfn_t a = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t b = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t c = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    uint64_t bt;
    struct snap s;

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, a), 0);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, b), 0);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, c), 0);
    bt = h_tcount(b);
    cr_expect_eq(mmu(D1, D1, a, 7, h_pte(b, RO), MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(h_tcount(b), bt + 1, "the linear entry holds an L4 type reference");
    cr_expect_eq(frame_table[a].linear_pt_count, 1);
    cr_expect_eq(frame_table[b].linear_pt_count, -1);
    /* No chains: b (a target) may not hold linear entries, a (holding
     * one) may not be a target. */
    take(&s);
    cr_expect_eq(mmu(D1, D1, b, 7, h_pte(c, RO), MMU_NORMAL_PT_UPDATE), -EINVAL);
    cr_expect_eq(mmu(D1, D1, c, 7, h_pte(a, RO), MMU_NORMAL_PT_UPDATE), -EINVAL);
    same(&s, "refused chains");
    /* Several tables may point at the same target. */
    cr_expect_eq(mmu(D1, D1, c, 8, h_pte(b, RO), MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(frame_table[b].linear_pt_count, -2);
    /* The target stays validated while referenced, even unpinned. */
    cr_assert_eq(ext(D1, MMUEXT_UNPIN_TABLE, b), 0);
    cr_expect(frame_table[b].type_info & PGT_validated);
    cr_expect_eq(mmu(D1, D1, c, 8, 0, MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(mmu(D1, D1, a, 7, 0, MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(frame_table[a].linear_pt_count, 0);
    cr_expect_eq(frame_table[b].linear_pt_count, 0);
    cr_expect_eq(frame_table[c].linear_pt_count, 0);
    cr_expect_eq(h_tcount(b), 0, "last reference gone: devalidated");
    cr_expect_not(frame_table[b].type_info & PGT_validated);
}

Test(pvmm, linear_entries_at_l3_and_l2_and_teardown)
{
    mfn_t l3, l2, l1;
    mfn_t l4 = h_build_tables(D1, 1, &l3, &l2, &l1, NULL);
    mfn_t l4b, l3b, l2b;

    l4b = h_build_tables(D1, 1, &l3b, &l2b, NULL, NULL);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4b), 0);
    cr_expect_eq(mmu(D1, D1, l3, 9, h_pte(l3, RO), MMU_NORMAL_PT_UPDATE), 0, "L3 self-map");
    cr_expect_eq(mmu(D1, D1, l3, 10, h_pte(l3b, RO), MMU_NORMAL_PT_UPDATE), 0, "L3 -> L3");
    cr_expect_eq(mmu(D1, D1, l2, 9, h_pte(l2b, RO), MMU_NORMAL_PT_UPDATE), 0, "L2 -> L2");
    cr_expect_eq(mmu(D1, D1, l2, 11, h_pte(l2b, RW), MMU_NORMAL_PT_UPDATE), -EINVAL, "writable");
    cr_expect_eq(mmu(D1, D1, l2, 12, h_pte(l3b, RO), MMU_NORMAL_PT_UPDATE), -EINVAL,
                 "an L2 entry may not name an L3");
    cr_expect_eq(mmu(D1, D1, l4, 13, h_pte(l2b, RO), MMU_NORMAL_PT_UPDATE), -EINVAL,
                 "an L4 entry may not name an L2");
    /* The domain dies holding linear entries: every frame comes back. */
    pv_relinquish_pagetables(D1);
    domain_relinquish_memory(D1);
    cr_expect_eq(D1->tot_pages, 0);
    cr_expect_eq(heap_free_pages(), initial_free, "every frame back in the allocator");
}

Test(pvmm, domain_memory_limit)
{
    D1->max_pages = 5;
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(alloc_domheap_pages(D1, 0, 0));
    cr_expect_null(alloc_domheap_pages(D1, 0, 0), "over max_pages");
    cr_expect_null(alloc_domheap_pages(D2, 10, 0), "order 10 over max_pages 200");
}

Test(pvmm, foreigndom_needs_privilege)
{
    mmu_update_t req = { .ptr = 0, .val = 0 };
    XEN_GUEST_HANDLE_PARAM(mmu_update_t) h = { &req };
    XEN_GUEST_HANDLE_PARAM(uint) nodone = { NULL };

    h_set_current(D1);
    cr_expect_eq(do_mmu_update(h, 1, nodone, 2), -EPERM);
    /* domain_lookup_target's order, as Xen's get_pg_owner: no such domain
     * is -ESRCH for anyone; DOMID_IO is the privileged caller's alone. */
    cr_expect_eq(do_mmu_update(h, 1, nodone, 9), -ESRCH);
    cr_expect_eq(do_mmu_update(h, 1, nodone, DOMID_IO), -EPERM);
    h_set_current(D0);
    cr_expect_eq(do_mmu_update(h, 0, nodone, 9), -ESRCH);
}

Test(pvmm, hypercall_reports_done_and_efault)
{
    mfn_t page = h_alloc(D1);
    mmu_update_t reqs[3] = {
        { .ptr = ((uint64_t)page << 12) + 0, .val = 1 },
        { .ptr = ((uint64_t)page << 12) + 8, .val = 2 },
        { .ptr = ((uint64_t)h_alloc(D2) << 12), .val = 3 },   /* fails */
    };
    XEN_GUEST_HANDLE_PARAM(mmu_update_t) h = { reqs };
    XEN_GUEST_HANDLE_PARAM(mmu_update_t) bad = { (void *)(H_BAD_GUEST_ADDR + 64) };
    unsigned int done = 99;
    XEN_GUEST_HANDLE_PARAM(uint) pdone = { &done };

    h_set_current(D1);
    cr_expect_eq(do_mmu_update(h, 3, pdone, DOMID_SELF), -EINVAL);
    cr_expect_eq(done, 2);
    cr_expect_eq(do_mmu_update(bad, 1, pdone, DOMID_SELF), -EFAULT);
    cr_expect_eq(done, 0);
    XEN_GUEST_HANDLE_PARAM(mmuext_op_t) badops = { (void *)(H_BAD_GUEST_ADDR) };
    cr_expect_eq(do_mmuext_op(badops, 5, pdone, DOMID_SELF), -EFAULT);
}

/* Regression (guest mmu vs Xen 4.17): MMU_PT_UPDATE_NO_TRANSLATE is a plain
 * update for PV guests, not -ENOSYS. */
Test(pvmm, no_translate_is_a_normal_update)
{
    mfn_t l1, data[1];
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, data);

    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_expect_eq(mmu(D1, D1, l1, 7, h_pte(data[0], _PAGE_PRESENT | _PAGE_USER),
                     MMU_PT_UPDATE_NO_TRANSLATE), 0);
    cr_expect_eq(h_map(l1)[7] >> 12, data[0], "entry written");
}

/* Regression (Linux dom0 on our hypervisor): entries a 64-bit PV guest
 * installs get _PAGE_USER, on update and on validation, or its ring-3
 * kernel faults on its own pages (Linux's L3 entries come without it). */
Test(pvmm, guest_entries_get_the_user_bit)
{
    mfn_t l1, data[2];
    mfn_t l4 = h_build_tables(D1, 2, NULL, NULL, &l1, data);

    h_map(l1)[10] = h_pte(data[1], _PAGE_PRESENT);
    cr_assert_eq(ext(D1, MMUEXT_PIN_L4_TABLE, l4), 0);
    cr_expect(h_map(l1)[10] & _PAGE_USER, "added on validation");
    cr_assert_eq(mmu(D1, D1, l1, 9, h_pte(data[0], _PAGE_PRESENT | _PAGE_RW), 0), 0);
    cr_expect(h_map(l1)[9] & _PAGE_USER, "added on update");
    cr_expect_eq(mmu(D1, D1, l1, 11, 0, 0), 0);
    cr_expect_eq(h_map(l1)[11], 0, "not-present entries stay as they are");
}

/* The frame table costs sizeof(struct page_info) for every frame of RAM:
 * 32 bytes, with 32-bit counts whose overflow is refused, never wrapped
 * into the flag bits above them. */
Test(pvmm, page_info_is_24_bytes_and_counts_saturate)
{
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, NULL, NULL);
    mfn_t m = h_alloc(D1);
    struct page_info *pg = &frame_table[m];
    uint32_t c0, t0;

    cr_assert_eq(sizeof(struct page_info), 24);
    (void)l4;
    /* general count one short of its maximum: one more reference, then no more */
    c0 = pg->count_info;
    pg->count_info = (c0 & ~PGC_count_mask) | (PGC_count_mask - 1);
    cr_assert(get_page(pg, D1));
    cr_expect_eq(pg->count_info & PGC_count_mask, PGC_count_mask);
    cr_expect_not(get_page(pg, D1), "the count would wrap into PGC_state");
    cr_expect_eq(pg->count_info & ~PGC_count_mask, c0 & ~PGC_count_mask, "flags untouched");
    pg->count_info = c0;
    /* type count at its maximum: a further writable reference is refused */
    cr_assert_eq(get_page_type(pg, PGT_writable_page), 0);
    t0 = pg->type_info;
    pg->type_info = (t0 & ~PGT_count_mask) | PGT_count_mask;
    cr_expect_neq(get_page_type(pg, PGT_writable_page), 0, "the type count would wrap into PGT_partial");
    cr_expect_eq(pg->type_info & ~PGT_count_mask, t0 & ~PGT_count_mask, "type and flags untouched");
    pg->type_info = t0;
    put_page_type(pg);
}
