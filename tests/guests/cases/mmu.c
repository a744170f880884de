/*
 * mmu.c — the page-table hypercalls: update_va_mapping (remap, read-only,
 * unmap; refuses to map a page-table frame writable, a frame we do not own,
 * and addresses in the hypervisor's range), mmu_update (a normal PTE write by
 * machine address, its done count, refusal of a non-page-table target and of
 * unknown types), mmuext_op (TLB flush, invlpg, NEW_BASEPTR to the current
 * L4, re-pinning a pinned table refused, unknown command -ENOSYS, -EFAULT).
 */
#include "guest.h"

const char test_title[] = "update_va_mapping / mmu_update / mmuext_op";

static char page_a[4096] __aligned(4096);
static char page_b[4096] __aligned(4096);

#define PTE_RW (0x67ULL)   /* P RW US A D */
#define PTE_RO (0x25ULL)   /* P US A */

void test_main(void)
{
    unsigned long l4_mfn = virt_to_mfn((void *)start_info->pt_base);
    uint64_t mfn_a = virt_to_mfn(page_a), mfn_b = virt_to_mfn(page_b);
    uint64_t *pte_a;
    struct mmu_update mu[2];
    struct mmuext_op op;
    unsigned int done;
    long rc;

    page_a[0] = 'A';
    page_b[0] = 'B';

    /* update_va_mapping: alias page_a onto page_b's frame, then restore */
    rc = hc_update_va_mapping((unsigned long)page_a, (mfn_b << 12) | PTE_RW, UVMF_INVLPG);
    CHECK_RC("update_va_mapping alias", rc, 0);
    if (page_a[0] != 'B')
        test_fail("alias reads '%c'", page_a[0]);
    rc = hc_update_va_mapping((unsigned long)page_a, (mfn_a << 12) | PTE_RW, UVMF_INVLPG);
    CHECK_RC("update_va_mapping restore", rc, 0);
    if (page_a[0] != 'A')
        test_fail("restored page reads '%c'", page_a[0]);

    rc = hc_update_va_mapping((unsigned long)page_b, (l4_mfn << 12) | PTE_RW, UVMF_INVLPG);
    CHECK_RC("map the L4 writable", rc, -XEN_EBUSY);
    rc = hc_update_va_mapping((unsigned long)page_b, (l4_mfn << 12) | PTE_RO, UVMF_INVLPG);
    CHECK_RC("map the L4 read-only", rc, 0);
    hc_update_va_mapping((unsigned long)page_b, (mfn_b << 12) | PTE_RW, UVMF_INVLPG);
    rc = hc_update_va_mapping((unsigned long)page_b, (0x1ULL << 12) | PTE_RO, UVMF_INVLPG);
    CHECK_RC("map MFN 1 (an I/O frame)", rc,
             (start_info->flags & SIF_PRIVILEGED) ? 0 : -XEN_EINVAL);
    rc = hc_update_va_mapping((unsigned long)page_b, (mfn_b << 12) | PTE_RW, UVMF_INVLPG);
    CHECK_RC("restore page_b", rc, 0);
    rc = hc_update_va_mapping(0xffff830000000000UL, (mfn_b << 12) | PTE_RW, UVMF_INVLPG);
    CHECK_RC("va in the hypervisor's range", rc, -XEN_EINVAL);

    /* mmu_update by the PTE's machine address */
    pte_a = l1_entry_of(page_a);
    if (!pte_a) {
        test_error("cannot find the L1 entry of page_a");
        return;
    }
    {
        uint64_t *l1 = (uint64_t *)((unsigned long)pte_a & ~0xfffUL);
        uint64_t l1_maddr = (uint64_t)virt_to_mfn(l1) << 12;

        mu[0].ptr = (l1_maddr + ((unsigned long)pte_a & 0xfff)) | MMU_NORMAL_PT_UPDATE;
        mu[0].val = (mfn_b << 12) | PTE_RW;
        done = 99;
        rc = hc_mmu_update(mu, 1, &done, DOMID_SELF);
        CHECK_RC("mmu_update", rc, 0);
        CHECK_RC("mmu_update done count", done, 1);
        hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL,
                                          .arg1.linear_addr = (unsigned long)page_a },
                     1, NULL, DOMID_SELF);
        if (page_a[0] != 'B')
            test_fail("after mmu_update page_a reads '%c'", page_a[0]);
        /* [restore page_a, plain write into page_b] */
        mu[0].val = (mfn_a << 12) | PTE_RW;
        mu[1].ptr = ((uint64_t)mfn_b << 12) | MMU_NORMAL_PT_UPDATE;   /* not a page table */
        mu[1].val = 0x4242424242424242ULL;
        done = 99;
        rc = hc_mmu_update(mu, 2, &done, DOMID_SELF);
        CHECK_RC("mmu_update [PTE, ordinary page]", rc, 0);
        CHECK_RC("its done count", done, 2);
        if (*(volatile uint64_t *)page_b != 0x4242424242424242ULL)
            test_fail("ordinary page reads %#lx after mmu_update",
                      (unsigned long)*(volatile uint64_t *)page_b);
        hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL }, 1, NULL, DOMID_SELF);
        if (page_a[0] != 'A')
            test_fail("page_a not restored by the first entry ('%c')", page_a[0]);

        /* [PTE write, hypervisor L4 slot]: the second is refused */
        mu[0].val = (mfn_a << 12) | PTE_RW;
        mu[1].ptr = (((uint64_t)l4_mfn << 12) + 256 * 8) | MMU_NORMAL_PT_UPDATE;
        mu[1].val = 0;
        done = 99;
        rc = hc_mmu_update(mu, 2, &done, DOMID_SELF);
        CHECK_RC("mmu_update into L4 slot 256", rc, -XEN_EINVAL);
        CHECK_RC("its done count", done, 1);
        if (*(volatile char *)page_a != 'A')
            test_fail("page_a broken after the refused batch");
        mu[0].ptr = (l1_maddr + ((unsigned long)pte_a & 0xfff)) | 3;
        rc = hc_mmu_update(mu, 1, NULL, DOMID_SELF);
        CHECK_RC("mmu_update type 3 (PT_UPDATE_NO_TRANSLATE)", rc, 0);
        mu[0].ptr = (l1_maddr + ((unsigned long)pte_a & 0xfff)) | 2;
        rc = hc_mmu_update(mu, 1, NULL, DOMID_SELF);
        CHECK_RC("mmu_update type 2 (PT_UPDATE_PRESERVE_AD)", rc, 0);
        if (*(volatile char *)page_a != 'A')
            test_fail("page_a broken after type 2/3 updates");
        rc = hc_mmu_update((void *)0x10, 1, NULL, DOMID_SELF);
        CHECK_RC("mmu_update(unmapped)", rc, -XEN_EFAULT);
    }

    /* mmuext_op */
    op = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    CHECK_RC("TLB_FLUSH_LOCAL", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    op = (struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (unsigned long)page_a };
    CHECK_RC("INVLPG_LOCAL", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    op = (struct mmuext_op){ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = l4_mfn };
    CHECK_RC("NEW_BASEPTR (current L4)", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    op = (struct mmuext_op){ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = mfn_b };
    CHECK_RC("NEW_BASEPTR (not an L4)", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    op = (struct mmuext_op){ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = l4_mfn };
    CHECK_RC("re-pin the pinned L4", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    op = (struct mmuext_op){ .cmd = 99 };
    CHECK_RC("unknown mmuext command", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_ENOSYS);
    CHECK_RC("mmuext_op(unmapped)", hc_mmuext_op((void *)0x10, 1, NULL, DOMID_SELF), -XEN_EFAULT);

    /* Software bits 53-62 in an L1 entry are the guest's (Linux keeps
     * soft-dirty and devmap there): accepted and kept.  (Bit 52 too on
     * Xen; ours refuses it: its grant-PTE marker.) */
    {
        uint64_t soft = (1ULL << 53) | (1ULL << 57) | (1ULL << 58) | (1ULL << 62);
        uint64_t pte = ((uint64_t)virt_to_mfn(page_b) << 12) | 0x67;

        CHECK_RC("L1 entry with software bits 53/57/58/62",
                 hc_update_va_mapping((unsigned long)page_b, pte | soft, UVMF_INVLPG), 0);
        if ((*l1_entry_of(page_b) & soft) != soft)
            test_fail("software bits not kept: %#lx", (unsigned long)*l1_entry_of(page_b));
        CHECK_RC("page_b plain again", hc_update_va_mapping((unsigned long)page_b, pte, UVMF_INVLPG), 0);
    }
}
