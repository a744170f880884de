/*
 * pv/descriptor.c — guest descriptor tables: set_gdt, update_descriptor,
 * MMUEXT_SET_LDT and the validation of descriptor pages (the PV MMU's
 * pv_validate_desc_page hook).
 *
 * A guest GDT is up to 14 frames (7168 entries), typed PGT_seg_desc_page so
 * the guest can never map them writable, mapped into pages 0-13 of the
 * vCPU's 16-page GDT in the per-domain area (slot 258); pages 14-15 are the
 * hypervisor's own descriptors.  Every descriptor a guest installs is
 * checked the way Xen does: code/data descriptors get DPL 3 forced (the
 * guest kernel runs in ring 3), call gates are accepted with DPL 0 so their
 * use traps, every other system descriptor (TSS, LDT, interrupt gates) is
 * refused.  pv_check_descriptor (pv/desc_check.c) is pure and host-tested.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <public/arch-x86/xen.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_emul.h>
#include <asm/pv_mm.h>

int pv_validate_desc_page(struct page_info *pg)
{
    uint64_t *t = mfn_to_virt(page_to_mfn(pg));

    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        if (!pv_check_descriptor(&t[i]))
            return -EINVAL;
    return 0;
}

static void drop_ldt(struct vcpu *v)
{
    unsigned int nr = (v->arch.ldt_ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;

    for (unsigned int i = 0; i < nr && i < 16; i++) {
        if (v->arch.ldt_frames[i] == 0)
            continue;
        if (v->arch.gdt_va)
            pv_ldt_map_page(v, i, 0);
        put_page_and_type(mfn_to_page(v->arch.ldt_frames[i]));
        v->arch.ldt_frames[i] = 0;
    }
    v->arch.ldt_ents = 0;
    v->arch.ldt_base = 0;
}

/*
 * MMUEXT_SET_LDT: the pages are found through v's current page tables and
 * typed seg_desc (validated, never writable while installed) at once,
 * rather than on first use as Xen does; then mapped into v's LDT area.
 */
int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents)
{
    struct domain *d = v->domain;
    mfn_t frames[16];
    unsigned int nr, i;

    if ((base & (PAGE_SIZE - 1)) || ents > 8192 ||
        (ents && (base + ents * 8 < base ||
                  (base + ents * 8 > HYPERVISOR_VIRT_START && base < HYPERVISOR_VIRT_END))))
        return -EINVAL;
    nr = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    for (i = 0; i < nr; i++) {
        mfn_t l1mfn;
        pte_t *pl1e = pv_guest_l1e(v, base + i * PAGE_SIZE, &l1mfn);
        int rc = -EINVAL;

        if (pl1e != NULL && pte_present(*pl1e) && mfn_valid(pte_mfn(*pl1e)))
            rc = get_page_and_type(mfn_to_page(pte_mfn(*pl1e)), d, PGT_seg_desc_page);
        if (rc) {
            while (i-- > 0)
                put_page_and_type(mfn_to_page(frames[i]));
            return -EINVAL;
        }
        frames[i] = pte_mfn(*pl1e);
    }
    drop_ldt(v);
    for (i = 0; i < nr; i++) {
        v->arch.ldt_frames[i] = frames[i];
        pv_ldt_map_page(v, i, frames[i]);
    }
    v->arch.ldt_base = base;
    v->arch.ldt_ents = ents;
    if (v == current)
        pv_load_ldt(v);
    return 0;
}

void pv_destroy_gdt(struct vcpu *v)
{
    drop_ldt(v);
    unsigned int nr = (v->arch.gdt_ents + 511) / 512;

    for (unsigned int i = 0; i < nr && i < 14; i++) {
        if (v->arch.gdt_frames[i] != 0) {
            if (v->arch.gdt_va)
                pv_gdt_map_page(v, i, 0);
            put_page_and_type(mfn_to_page(v->arch.gdt_frames[i]));
            v->arch.gdt_frames[i] = 0;
        }
    }
    v->arch.gdt_ents = 0;
}

int pv_set_gdt(struct vcpu *v, const unsigned long *frames, unsigned int entries)
{
    struct domain *d = v->domain;
    unsigned int nr = (entries + 511) / 512, i;
    int rc;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    for (i = 0; i < nr; i++) {
        struct page_info *pg = mfn_valid(frames[i]) ? mfn_to_page(frames[i]) : NULL;

        rc = pg ? get_page_and_type(pg, d, PGT_seg_desc_page) : -EINVAL;
        if (rc) {
            while (i-- > 0)
                put_page_and_type(mfn_to_page(frames[i]));
            return -EINVAL;
        }
    }
    pv_destroy_gdt(v);
    for (i = 0; i < nr; i++) {
        v->arch.gdt_frames[i] = frames[i];
        pv_gdt_map_page(v, i, frames[i]);
    }
    v->arch.gdt_ents = entries;
    return 0;
}

long do_set_gdt(XEN_GUEST_HANDLE_PARAM(xen_ulong_t) frame_list, unsigned int entries)
{
    unsigned long frames[14];
    unsigned int nr = (entries + 511) / 512;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (nr && copy_from_guest_va(frames, frame_list.p, nr * sizeof(frames[0])) != 0)
        return -EFAULT;
    return pv_set_gdt(current, frames, entries);
}

long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    struct domain *d = current->domain;
    mfn_t mfn = maddr >> PAGE_SHIFT;
    struct page_info *pg;
    uint64_t *slot;
    int rc;

    if ((maddr & 7) || !mfn_valid(mfn) || !pv_check_descriptor(&desc))
        return -EINVAL;
    pg = get_page_from_mfn(mfn, d);
    if (pg == NULL)
        return -EINVAL;
    /* A descriptor page keeps its type; anything else must be ordinary RAM
     * that is not a page table (it takes a writable type reference). */
    if ((pg->type_info & PGT_type_mask) == PGT_seg_desc_page)
        rc = get_page_type(pg, PGT_seg_desc_page);
    else
        rc = get_page_type(pg, PGT_writable_page);
    if (rc) {
        put_page(pg);
        return -EINVAL;
    }
    slot = (uint64_t *)((uint8_t *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1)));
    __atomic_store_n(slot, desc, __ATOMIC_RELAXED);
    put_page_type(pg);
    put_page(pg);
    return 0;
}
