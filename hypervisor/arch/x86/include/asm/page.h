/*
 * page.h — x86_64 4-level page-table entry flags and index helpers, and the
 * hypervisor's own page-table helpers (arch/x86/mm.c).
 */
#ifndef ASM_X86_PAGE_H
#define ASM_X86_PAGE_H

#include <xen/types.h>

#define _PAGE_PRESENT   (1ULL << 0)
#define _PAGE_RW        (1ULL << 1)
#define _PAGE_USER      (1ULL << 2)
#define _PAGE_PWT       (1ULL << 3)
#define _PAGE_PCD       (1ULL << 4)
#define _PAGE_ACCESSED  (1ULL << 5)
#define _PAGE_DIRTY     (1ULL << 6)
#define _PAGE_PSE       (1ULL << 7)
#define _PAGE_GLOBAL    (1ULL << 8)
#define _PAGE_NX        (1ULL << 63)
#define PADDR_MASK      0x000ffffffffff000ULL

#define L1_PAGETABLE_SHIFT 12
#define L2_PAGETABLE_SHIFT 21
#define L3_PAGETABLE_SHIFT 30
#define L4_PAGETABLE_SHIFT 39
#define PT_ENTRIES      512
#define pt_index(va, lvl) (((unsigned long)(va) >> (12 + 9 * ((lvl) - 1))) & 511)

#define MB(x)           ((uint64_t)(x) << 20)
#define GB(x)           ((uint64_t)(x) << 30)

/* Leaf flag sets. */
#define PAGE_HYPERVISOR     (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)
#define PAGE_HYPERVISOR_RO  (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_HYPERVISOR_UC  (PAGE_HYPERVISOR | _PAGE_PCD | _PAGE_PWT)
/* Guest-readable (the read-only M2P): user, read-only, no execute. */
#define PAGE_GUEST_RO       (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)

/* The hypervisor's own L4 (built in boot/head.asm); every PV L4 must copy
 * slots 256-271 from it. */
extern uint64_t idle_pg_table[PT_ENTRIES];

/* Map [va, va+size) to [pa, pa+size); large pages where alignment allows
 * (unless small is set).  0 or -errno. */
int map_pages_to_xen(unsigned long va, paddr_t pa, uint64_t size, uint64_t flags, bool small);
/* Remove the 4 KiB mappings of [va, va+size) (must not be in a superpage). */
int unmap_pages_from_xen(unsigned long va, uint64_t size);

/* Walk the live page tables for va.  Returns the level of the leaf (1 =
 * 4 KiB, 2 = 2 MiB, 3 = 1 GiB) and its entry in *pte, 0 if va is not
 * mapped (*pte = the non-present entry), or -EINVAL for a non-canonical va. */
int pt_walk(unsigned long va, uint64_t *pte);

/* Uncached mapping of device memory in the vmap area (slot 260).  Never
 * unmapped. */
void *ioremap(paddr_t pa, size_t size);

#endif
