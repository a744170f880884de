/*
 * config.h — the hypervisor's virtual memory map and other x86 layout
 * constants.  Included by C code and by the linker script (which defines
 * __LINKER__), so only plain #defines outside the C-only block.  NASM code
 * gets the few values it needs from asm/config.inc; the linker script checks
 * that both agree.
 *
 * Xen's x86_64 layout: the hypervisor lives in PML4 slots 256-271
 * (0xffff800000000000-0xffff87ffffffffff); guest kernels own the rest.
 */
#ifndef ASM_X86_CONFIG_H
#define ASM_X86_CONFIG_H

#ifdef __LINKER__
#define _AC(x, s)       x
#else
#define _AC(x, s)       x##s
#endif

#define PML4_SHIFT              39
#define PML4_ENTRY_BYTES        (_AC(1, UL) << PML4_SHIFT)
#define PML4_ADDR(slot)         (_AC(0xffff000000000000, UL) + (_AC(slot, UL) << PML4_SHIFT))

/* The hypervisor's reserved area: slots 256-271, which every PV L4 must carry
 * (HYPERVISOR_VIRT_START/END in public/arch-x86/xen-x86_64.h). */
#define HYP_FIRST_SLOT          256
#define HYP_LAST_SLOT           271

/* Slot 256: read-only machine-to-phys table, readable by guests (8 bytes/MFN). */
#define RO_MPT_VIRT_START       PML4_ADDR(256)
#define RO_MPT_VIRT_END         (RO_MPT_VIRT_START + PML4_ENTRY_BYTES / 2)
/* Slot 257: the same M2P frames, writable by the hypervisor. */
#define RDWR_MPT_VIRT_START     PML4_ADDR(257)
#define RDWR_MPT_VIRT_END       (RDWR_MPT_VIRT_START + PML4_ENTRY_BYTES / 2)
/* Slot 258: per-domain / per-vCPU mappings (GDT/LDT shadows: 16 pages per vCPU GDT). */
#define PERDOMAIN_VIRT_START    PML4_ADDR(258)
#define PERDOMAIN_VIRT_END      PML4_ADDR(259)
/* Slot 259: frame table, one struct page_info per machine frame. */
#define FRAMETABLE_VIRT_START   PML4_ADDR(259)
#define FRAMETABLE_VIRT_END     PML4_ADDR(260)
/* Slot 260: vmap / ioremap / fixmap (LAPIC, HPET, ...). */
#define VMAP_VIRT_START         PML4_ADDR(260)
#define VMAP_VIRT_END           PML4_ADDR(261)
/* Slot 261: the hypervisor image (text, data, bss). */
#define XEN_VIRT_START          _AC(0xffff82d080000000, UL)
#define XEN_VIRT_END            (XEN_VIRT_START + _AC(0x40000000, UL))
/* Slots 262-271: direct map of all RAM (5 TiB). */
#define DIRECTMAP_VIRT_START    PML4_ADDR(262)
#define DIRECTMAP_VIRT_END      PML4_ADDR(272)
#define DIRECTMAP_SIZE          (DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START)

/* The image is loaded at 2 MiB physical and linked 2 MiB into slot 261. */
#define XEN_LOAD_PHYS           _AC(0x200000, UL)
#define XEN_IMG_OFFSET          XEN_LOAD_PHYS
/* Largest image the early 2 MiB mappings cover (text+data+bss). */
#define XEN_IMAGE_MAX           _AC(0x1000000, UL)

/* Per-CPU stack: STACK_SIZE bytes, aligned to STACK_SIZE so the top is findable. */
#define STACK_ORDER             3
#define STACK_SIZE              (_AC(4096, UL) << STACK_ORDER)
/* IST stacks for #DF, NMI, #MC. */
#define IST_STACK_SIZE          _AC(8192, UL)

/* GDT: 16 pages (8192 entries); the hypervisor's entries start at 7168
 * (page 14: FIRST_RESERVED_GDT_ENTRY in public/arch-x86/xen.h). */
#define GDT_ENTRIES             8192

#ifndef __LINKER__
/* The (virtual) address of a symbol in the image -> its physical address. */
#define __pa_image(va)          ((unsigned long)(va) - XEN_VIRT_START)
#endif

#endif
