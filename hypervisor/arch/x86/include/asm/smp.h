/*
 * asm/smp.h — the x86 per-CPU state.
 *
 * Each CPU runs the hypervisor on its own STACK_SIZE stack, aligned to
 * STACK_SIZE, whose top 64 bytes are a struct cpu_info: rounding RSP up
 * finds it from anywhere on that stack, which is how `current` and
 * smp_processor_id() cost a few instructions.  TSS.RSP0 points just below
 * it, so a guest's register frame sits right under the cpu_info.  The
 * SYSCALL entry runs on the guest's stack: it reaches the cpu_info through
 * MSR_SHADOW_GS_BASE (SWAPGS, which PV guests cannot execute, so the MSR is
 * the hypervisor's own).  The IST stacks (#DF, NMI, #MC, #DB) are separate and
 * their handlers do not use the cpu_info.
 *
 * The rest of a CPU's state (TSS, GDT, LAPIC id, stacks) is in
 * struct percpu_x86, indexed by CPU number.
 */
#ifndef ASM_X86_SMP_H
#define ASM_X86_SMP_H

#include <xen/types.h>
#include <xen/cpumask.h>
#include <asm/config.h>
#include <asm/desc.h>

struct vcpu;

struct cpu_info {
    unsigned int cpu_id;              /* 0: smp_processor_id() */
    unsigned int pad0;
    struct vcpu *curr_vcpu;           /* 8 */
    unsigned long syscall_scratch;    /* 16: guest RSP in pv_syscall_entry */
    unsigned long rsp0;               /* 24: this CPU's TSS.RSP0 */
    unsigned long pad1[4];
};
_Static_assert(sizeof(struct cpu_info) == 64, "entry.asm's CPU_INFO_SIZE");

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - sizeof(struct cpu_info));
}

/* The cpu_info at the top of a stack whose lowest byte is at stack. */
static inline struct cpu_info *stack_cpu_info(void *stack)
{
    return (struct cpu_info *)((char *)stack + STACK_SIZE - sizeof(struct cpu_info));
}

struct percpu_x86 {
    uint32_t apic_id;
    bool present;                     /* listed enabled in the MADT */
    char *stack;                      /* STACK_SIZE, aligned to it */
    uint64_t *gdt;                    /* GDT_ENTRIES descriptors (16 pages) */
    struct tss64 *tss;
    char *ist;                        /* NR_IST * IST_STACK_SIZE */
};

extern struct percpu_x86 percpu_x86[NR_CPUS];
extern unsigned int nr_present_cpus;  /* MADT entries, boot CPU first */

/* acpi_cpus.c: record an enabled processor's APIC id (boot CPU = 0). */
void acpi_cpus_add(uint32_t apic_id);

/* traps.c: load cpu's GDT (with its TSS), TR and the shared IDT. */
void cpu_desc_init(unsigned int cpu);
/* apic.c */
void apic_init_secondary(void);
uint32_t apic_id_self(void);
void apic_send_ipi_phys(uint32_t apic_id, uint32_t icr_low);
bool apic_icr_idle(void);
/* smpboot.c */
void smp_boot_cpus(void);
/* hyp_lock.c: the hypervisor lock; smp.c: TLB shoot-downs (see its header). */
#include <asm/hyp_lock.h>
/* This CPU's LAPIC and IDT are up: it may halt while waiting for the lock. */
void smp_lock_halt_ready(void);
void smp_service_flush(void);
void smp_flush_tlb_mask(const cpumask_t *mask);
void smp_flush_tlb_all(void);
/* pv/traps.c: SYSCALL MSRs of this CPU. */
void pv_traps_init_cpu(void);

#endif
