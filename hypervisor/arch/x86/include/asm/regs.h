/*
 * regs.h — the register frame every exception/interrupt entry builds
 * (arch/x86/entry.asm).  Its layout is the public struct cpu_user_regs
 * (public/arch-x86/xen-x86_64.h) up to and including ss: general registers
 * pushed by the entry stub, then error_code/entry_vector sharing the error
 * code slot, then what the CPU pushed (rip, cs, rflags, rsp, ss).
 */
#ifndef ASM_X86_REGS_H
#define ASM_X86_REGS_H

#include <xen/types.h>
#include <public/xen.h>

/* Interrupted context was not the hypervisor (ring 0). */
#define guest_mode(r)   (((r)->cs & 3) != 0)

/* Vectors. */
#define TRAP_divide_error       0
#define TRAP_debug              1
#define TRAP_nmi                2
#define TRAP_int3               3
#define TRAP_overflow           4
#define TRAP_bounds             5
#define TRAP_invalid_op         6
#define TRAP_no_device          7
#define TRAP_double_fault       8
#define TRAP_copro_seg          9
#define TRAP_invalid_tss        10
#define TRAP_no_segment         11
#define TRAP_stack_error        12
#define TRAP_gp_fault           13
#define TRAP_page_fault         14
#define TRAP_spurious_int       15
#define TRAP_copro_error        16
#define TRAP_alignment_check    17
#define TRAP_machine_check      18
#define TRAP_simd_error         19
#define TRAP_virtualisation     20
#define TRAP_control_prot       21
#define FIRST_IRQ_VECTOR        0x20
/* The timer sits below the IPIs' priority class: a CPU halted for the
 * hypervisor lock raises its TPR to LOCK_WAKE_TPR, which holds the timer
 * and device IRQs back and lets only class 0xf through (hyp_lock.c). */
#define LAPIC_TIMER_VECTOR      0xe0
#define LOCK_WAKE_TPR           0xe0
#define EVENT_CHECK_VECTOR      0xf1    /* IPI: look at softirqs and events */
#define FLUSH_VECTOR            0xf2    /* IPI: flush the TLB (asm/smp.h) */
#define LOCK_WAKE_VECTOR        0xf3    /* IPI: the ticket a halted waiter waits for is served */
#define SPURIOUS_APIC_VECTOR    0xff

/* C side of the entry stubs: every vector lands here. */
void do_trap(struct cpu_user_regs *regs);
/* Print the register dump and a symbolised stack trace. */
void show_registers(const struct cpu_user_regs *regs);
void show_stack_trace(unsigned long rip, unsigned long rbp);
/* The fatal end of an exception nobody handles. */
void fatal_trap(const struct cpu_user_regs *regs) __noreturn;

#endif
