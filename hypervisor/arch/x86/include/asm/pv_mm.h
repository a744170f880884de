/*
 * asm/pv_mm.h — the PV memory-management core (arch/x86/pv/mm.c): frame
 * references and types, validation of guest page-table entries, and the
 * mmu_update / mmuext_op / update_va_mapping operations.
 *
 * The rules (Xen's): every frame has an owner, a general reference count and
 * a type with its own count.  A frame's type changes only while its type
 * count is zero.  A writable mapping holds a PGT_writable_page type
 * reference, a page-table entry holds a PGT_l(N-1) reference on the frame it
 * points at, so a frame can never be both a validated page table (or
 * descriptor table) and writable through any mapping.  Guests therefore
 * change their page tables only through the hypervisor, which validates each
 * new entry before it is written.
 *
 * The operations below work on hypervisor pointers and kernel copies of
 * hypercall arguments; the hypercall wrappers do the guest copies.  What
 * they need from the rest of the arch code is listed under "hooks".
 */
#ifndef ASM_PV_MM_H
#define ASM_PV_MM_H

#include <xen/types.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <public/xen.h>

struct domain;
struct vcpu;

typedef uint64_t pte_t;

/* Page-table entry flags that a guest may set, per level (Xen's masks).
 * PSE is refused everywhere (no superpages for PV), G only in L1s, the
 * cache-attribute bits (PWT, PCD, PAT) only for domains with I/O rights,
 * and bits 52-62 (software/protection keys) never above L1 (L1: below). */
#define PTE_FLAGS_HIGH_MASK   0x7ff0000000000000ULL   /* bits 52..62 */
#define PTE_CACHE_ATTRS       (_PAGE_PWT | _PAGE_PCD | _PAGE_PSE) /* PSE = PAT in an L1 */
/* An L1 entry may carry the software bits 53..62 (Xen 4.17 accepts
 * 52..62; Linux keeps soft-dirty and devmap there): only our grant marker,
 * bit 52, is refused.  Protection keys (59..62) are off: CR4.PKE is clear. */
#define L1_DISALLOW_MASK      (_PAGE_GNTTAB | PTE_CACHE_ATTRS)
#define L2_DISALLOW_MASK      (PTE_FLAGS_HIGH_MASK | _PAGE_PWT | _PAGE_PCD | _PAGE_PSE | _PAGE_GLOBAL)
#define L3_DISALLOW_MASK      L2_DISALLOW_MASK
#define L4_DISALLOW_MASK      L2_DISALLOW_MASK

/* Software bit marking the PTE of a grant mapping: it holds no references
 * of its own (the grant does), and a guest may neither create nor silently
 * overwrite one.  Bits 52..58 are ignored by the MMU. */
#define _PAGE_GNTTAB          (1ULL << 52)

#define pte_mfn(e)            (((e) & PADDR_MASK) >> PAGE_SHIFT)
#define pte_present(e)        (((e) & _PAGE_PRESENT) != 0)

/* Guest-visible L4 slots: everything but the hypervisor's 256..271. */
static inline bool is_guest_l4_slot(unsigned int slot)
{
    return slot < 256 || slot > 271;
}

/* ---- references (get_page, put_page, get/put_page_type, get/put_page_and_type: xen/domheap.h) ---- */
/* mfn -> page owned by d, or NULL (not RAM, free, another owner). */
struct page_info *get_page_from_mfn(mfn_t mfn, const struct domain *d);

/* ---- entry validation (l1e_owner: domain owning the table) ---- */
int  get_page_from_l1e(pte_t l1e, struct domain *l1e_owner, struct domain *pg_owner);
void put_page_from_l1e(pte_t l1e, struct domain *l1e_owner);

/* ---- updates: pl is the hypervisor mapping of the entry ---- */
int mod_l1_entry(pte_t *pl1e, pte_t nl1e, bool preserve_ad,
                 struct domain *d, struct domain *pg_owner);
int mod_l2_entry(pte_t *pl2e, pte_t nl2e, bool preserve_ad, struct domain *d);
int mod_l3_entry(pte_t *pl3e, pte_t nl3e, bool preserve_ad, struct domain *d);
int mod_l4_entry(pte_t *pl4e, pte_t nl4e, bool preserve_ad, struct domain *d);

/* ---- the operations behind the hypercalls ---- */
int pv_mmu_update_one(struct vcpu *v, struct domain *pg_owner, const mmu_update_t *req);
int pv_mmuext_op_one(struct vcpu *v, const struct mmuext_op *op, struct domain *pg_owner);
int pv_update_va_mapping(struct vcpu *v, unsigned long va, pte_t val, unsigned long flags);
/* Find the L1 entry mapping va in v's current (kernel or user) tables. */
pte_t *pv_guest_l1e(struct vcpu *v, unsigned long va, mfn_t *gl1mfn);

/* Install a new kernel (user=false) or user L4 on v; mfn 0 clears the user one. */
int pv_set_baseptr(struct vcpu *v, mfn_t mfn, bool user);
/* Domain teardown: drop page-table references so every frame can be freed. */
void pv_relinquish_pagetables(struct domain *d);

long do_mmu_update(XEN_GUEST_HANDLE_PARAM(mmu_update_t) ureqs, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int foreigndom);
long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(mmuext_op_t) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int foreigndom);
long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags);

/* ---- the machine-to-phys table (RW view; the guest reads the RO view) ---- */
/* The hypervisor's writable view of the M2P (set up by arch setup; NULL
 * until then).  Not the public header's machine_to_phys_mapping: that is
 * the guest's read-only view at 0xffff800000000000. */
extern unsigned long *m2p_rw;
#define INVALID_M2P_ENTRY   (~0UL)
static inline void set_gpfn_from_mfn(mfn_t mfn, unsigned long pfn)
{
    if (m2p_rw != NULL && mfn_valid(mfn))
        m2p_rw[mfn] = pfn;
}

/* ---- hooks provided by the rest of the arch code (and by test harnesses) ---- */
void pv_flush_tlb_local(void);  /* this CPU and those in the current domain's dirty mask */
void pv_flush_tlb_all_cpus(void);               /* every online CPU */
void pv_flush_tlb_this_cpu(void);               /* MMUEXT_TLB_FLUSH_LOCAL */
void pv_invlpg_this_cpu(unsigned long va);      /* MMUEXT_INVLPG_LOCAL */
/* MMUEXT_*_MULTI: the CPUs of the vCPUs whose bits are set. */
void pv_flush_vcpu_mask(const unsigned long *vcpumask, unsigned int nr_words, bool one_va,
                        unsigned long va);
/* A guest's writable mapping went away since the last full TLB flush (set by
 * put_page_type, cleared by every CR3 load): only then can a stale writable
 * translation exist, so only then must a frame becoming a page table flush. */
extern bool pv_tlb_stale_writable;
void pv_invlpg(unsigned long va);
void pv_load_cr3(struct vcpu *v);                 /* v's tables changed: reload if running */
void arch_init_guest_l4_slots(pte_t *l4, struct domain *d); /* hypervisor slots 256..271 */
bool mfn_is_io(mfn_t mfn);                        /* not RAM: device memory */
bool domain_has_io_rights(const struct domain *d);
int  pv_validate_desc_page(struct page_info *pg); /* GDT/LDT frame contents */
int  pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents);

#endif
