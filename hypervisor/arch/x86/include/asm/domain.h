/*
 * asm/domain.h — x86 per-domain and per-vCPU state of a PV guest.
 *
 * Generic code (xen/sched.h) embeds these structures but never looks inside
 * them; everything here is used by hypervisor/arch/x86/ (the PV entry paths,
 * trap bouncing, descriptor tables and the PV MMU).  Fields are added as the
 * PV core grows; the layout is private to the hypervisor.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <xen/compiler.h>
#include <xen/types.h>
#include <xen/cpumask.h>
#include <public/xen.h>

struct arch_vcpu {
    struct cpu_user_regs user_regs;   /* guest registers while not running */
    bool kernel_mode;                 /* guest kernel (true) or guest user */
    mfn_t guest_table;                /* kernel L4 (NEW_BASEPTR) */
    mfn_t guest_table_user;           /* user L4 (NEW_USER_BASEPTR), or 0 */
    uint64_t kernel_ss, kernel_sp;    /* stack_switch */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    struct trap_info trap_ctxt[256];  /* set_trap_table */
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint8_t iopl;                     /* physdev set_iopl: 0..3 */
    bool fpu_ts;                      /* virtual CR0.TS (fpu_taskswitch) */
    bool fpu_initialised;
    uint8_t fpu_state[512] __aligned(16);  /* fxsave area */
    uint64_t gdt_frames[16];
    unsigned int gdt_ents;
    uint64_t ldt_base;
    unsigned int ldt_ents;
    mfn_t ldt_frames[16];             /* typed seg_desc while installed */
    unsigned long gdt_va;             /* this vCPU's 16-page GDT (slot 258) */
    unsigned int gdt_cpu;             /* whose GDT pages 14-15 it maps */
    uint64_t ctrlreg2;                /* last #PF address bounced */
    bool failsafe_pending;            /* a selector failed to load: bounce */
    uint16_t sel[4];                  /* ds, es, fs, gs while not running */
    uint64_t event_flags, failsafe_flags, syscall_flags; /* CALLBACKF_* */
    uint64_t nmi_callback_eip;
    uint64_t debugreg[8];             /* set_debugreg; [6] = last #DB status */
};

struct arch_domain {
    mfn_t hypercall_page_mfn;         /* filled when the ELF note asks */
    bool boot_domain;                 /* started from a multiboot module */
    uint32_t pci_cf8;                 /* its PCI config address latch (port 0xcf8) */
    /* CPUs that may hold TLB entries of its page tables: set when one of
     * its vCPUs is switched in, cleared when the CPU loads another
     * domain's (or the idle) page tables, which flushes (no global pages). */
    cpumask_t dirty_cpumask;
};

#endif
