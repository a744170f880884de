/*
 * desc.h — segment descriptors, the GDT layout, the TSS and the IDT.
 *
 * GDT: 16 pages (8192 entries) as in Xen, so that the PV core can later give
 * each vCPU a GDT whose pages 0-13 are the guest's frames and whose pages
 * 14-15 are the hypervisor's.  The hypervisor's descriptors therefore start
 * at entry 7168 (selector 0xe000); the selectors below are ABI (guests name
 * FLAT_RING3_* and Linux checks them).
 */
#ifndef ASM_X86_DESC_H
#define ASM_X86_DESC_H

#include <xen/types.h>
#include <asm/config.h>
#include <public/xen.h>         /* FLAT_RING3_CS32/CS64/DS32 */

#define __HYPERVISOR_CS64   0xe008  /* ring-0 64-bit code */
#define __HYPERVISOR_DS     0xe010  /* ring-0 data */
#define __HYPERVISOR_CS32   0xe018  /* ring-0 32-bit code */
/* FLAT_RING3_CS32 0xe023 (entry 7172), FLAT_RING3_DS32 0xe02b (7173) and
 * FLAT_RING3_CS64 0xe033 (7174) come from the public header. */
#define TSS_SELECTOR        0xe040  /* 16-byte system descriptor, entries 7176-7177 */
#define LDT_SELECTOR        0xe050  /* reserved for the per-vCPU LDT, 7178-7179 */

/* IST indices (1-based as the TSS numbers them). */
#define IST_DF              1
#define IST_NMI             2
#define IST_MC              3
#define IST_DB              4
#define NR_IST              4

struct __packed tss64 {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __packed desc_ptr {
    uint16_t limit;
    uint64_t base;
};

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t  ist;
    uint8_t  type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t zero;
};

extern uint64_t gdt_table[GDT_ENTRIES];
extern struct tss64 cpu0_tss;
extern struct idt_entry idt_table[256];

void gdt_idt_init(void);
/* Set an IDT gate's DPL (the PV core opens int3/int 0x80 to ring 3). */
void idt_set_dpl(unsigned int vec, unsigned int dpl);

#endif
