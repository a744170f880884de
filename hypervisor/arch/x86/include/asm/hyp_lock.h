/*
 * asm/hyp_lock.h — the hypervisor lock (arch/x86/hyp_lock.c) and what its
 * waiting needs from the CPU (arch/x86/smp.c; the host unit tests supply
 * their own with threads as CPUs, a condition variable as `hlt` and a flag
 * as the wake-up IPI).
 *
 * Only this header's plain types are used so that the lock's code compiles
 * unchanged on the host.
 */
#ifndef ASM_X86_HYP_LOCK_H
#define ASM_X86_HYP_LOCK_H

#include <xen/types.h>

void hyp_lock_acquire(void);
void hyp_lock_release(void);
bool hyp_lock_held(void);

/* Spins before a waiter halts (boot option hyp_lock_spin=; 0: never halt). */
extern unsigned int hyp_lock_spin_limit;

/* Statistics, updated by the lock's holder (so without atomics). */
struct hyp_lock_stats {
    uint64_t slow;      /* acquisitions that waited past the spin limit */
    uint64_t halts;     /* halts while waiting (wake-ups included: each halt ended) */
    uint64_t kicks;     /* wake-up IPIs sent by releases */
};
extern struct hyp_lock_stats hyp_lock_stats;

/* ---- what the arch side provides ---- */
/* One round of the spin loop: service a pending TLB flush, pause. */
void arch_lock_poll(void);
/* This CPU may halt while it waits: its LAPIC and IDT are up. */
bool arch_lock_may_halt(void);
/* Interrupts off around the wait, and as they were afterwards. */
unsigned long arch_lock_irq_save(void);
void arch_lock_irq_restore(unsigned long flags);
/*
 * Halt until the wake-up IPI, a flush IPI, an event check or an NMI arrives
 * (nothing else can reach the CPU meanwhile); interrupts off before and
 * after.  An IPI sent before the halt must end it (it stays pending).
 */
void arch_lock_halt(void);
/* Send the wake-up IPI to cpu (from the releasing CPU, the lock released). */
void arch_lock_kick(unsigned int cpu);

#endif
