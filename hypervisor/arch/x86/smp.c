/*
 * smp.c — what the processors do to each other once they are up: the
 * CPU side of the hypervisor lock's waiting (the lock is hyp_lock.c),
 * inter-processor interrupts (event check, TLB flush, lock wake-up) and
 * TLB shoot-downs to a set of CPUs.
 *
 * Locking model (docs/smp.md): one lock, hyp_lock, serialises all
 * hypervisor work.  A CPU takes it on every entry from a guest (exception,
 * interrupt, SYSCALL) and for an interrupt that arrives while it idles; it
 * drops it on the way back to the guest (pv_exit_to_guest) and before it
 * halts in the idle loop.  So hypervisor state is only ever touched by one
 * CPU at a time, with interrupts off, exactly as on one CPU; guests run in
 * parallel.
 *
 * The one thing that cannot wait for the lock is a TLB shoot-down: the
 * lock holder changed a page table and must know every CPU that may cache
 * the old entry has flushed before it goes on (frees the frame, retypes
 * it).  Those CPUs are in a guest, halted, or spinning for the lock.  So
 * the flush is serviced without the lock: by the FLUSH IPI's handler
 * (guest, idle or halted for the lock: that IPI reaches them there) and
 * by the lock's spin loop, which polls the request mask.  Nothing else is
 * done under IPI, so no CPU ever waits on another while holding the lock
 * except for a flush.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/smp.h>

/* CPUs asked to flush their whole TLB and not done yet. */
static cpumask_t flush_request;

/* A flush asked of this CPU: do it and say so (no lock needed). */
void smp_service_flush(void)
{
    unsigned int cpu = smp_processor_id();

    if (cpumask_test_cpu(cpu, &flush_request)) {
        flush_tlb_local();
        cpumask_clear_cpu_atomic(cpu, &flush_request);
    }
}

/* ---- what the lock's waiting needs (asm/hyp_lock.h, hyp_lock.c) ---- */

/* CPUs whose LAPIC and IDT are up: they may halt for the lock. */
static bool lock_halt_ready[NR_CPUS];

void smp_lock_halt_ready(void)
{
    lock_halt_ready[smp_processor_id()] = true;
}

void arch_lock_poll(void)
{
    smp_service_flush();
    cpu_relax();
}

bool arch_lock_may_halt(void)
{
    return lock_halt_ready[smp_processor_id()];
}

unsigned long arch_lock_irq_save(void)
{
    unsigned long flags;

    local_irq_save(flags);
    return flags;
}

void arch_lock_irq_restore(unsigned long flags)
{
    local_irq_restore(flags);
}

/*
 * TPR class 0xe: only vectors 0xf0-0xff (event check, flush, lock wake-up;
 * the spurious vector) are delivered, everything else (the LAPIC timer at
 * 0xe0, device IRQs) stays pending in the IRR until the TPR drops.  None of
 * the deliverable ones takes the lock in hypervisor context (do_trap).
 * `sti; hlt` back to back: an IPI pending at the sti ends the hlt.
 */
void arch_lock_halt(void)
{
    unsigned long tpr = read_cr8();

    write_cr8(LOCK_WAKE_TPR >> 4);
    safe_halt();
    local_irq_disable();
    write_cr8(tpr);
}

void arch_lock_kick(unsigned int cpu)
{
    while (!apic_icr_idle())
        cpu_relax();
    apic_send_ipi_phys(percpu_x86[cpu].apic_id, LOCK_WAKE_VECTOR);
}

/* Let other CPUs in while waiting for one of them to do something. */
void arch_smp_relax(void)
{
    hyp_lock_release();
    for (unsigned int i = 0; i < 100; i++) {
        smp_service_flush();
        cpu_relax();
    }
    hyp_lock_acquire();
}

static void send_ipi_mask(const cpumask_t *mask, unsigned int vector)
{
    unsigned int cpu, self = smp_processor_id();

    for_each_cpu(cpu, mask) {
        if (cpu == self || !cpu_online(cpu))
            continue;
        while (!apic_icr_idle())
            cpu_relax();
        apic_send_ipi_phys(percpu_x86[cpu].apic_id, vector);
    }
}

void arch_send_event_check_mask(const cpumask_t *mask)
{
    send_ipi_mask(mask, EVENT_CHECK_VECTOR);
}

/*
 * Flush the TLB of every CPU in mask (this one included if listed) and
 * return when all have.  Called with the hypervisor lock held, or before
 * scheduling starts (the other CPUs then idle with interrupts on).
 */
void smp_flush_tlb_mask(const cpumask_t *mask)
{
    cpumask_t others;
    unsigned int self = smp_processor_id();

    if (cpumask_test_cpu(self, mask))
        flush_tlb_local();
    cpumask_copy(&others, mask);
    cpumask_clear_cpu(self, &others);
    cpumask_and(&others, &others, &cpu_online_map);
    if (cpumask_empty(&others))
        return;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpumask_test_cpu(cpu, &others))
            cpumask_set_cpu_atomic(cpu, &flush_request);
    send_ipi_mask(&others, FLUSH_VECTOR);
    for (;;) {
        cpumask_t left;

        cpumask_copy_atomic(&left, &flush_request);
        cpumask_and(&left, &left, &others);
        if (cpumask_empty(&left))
            break;
        cpu_relax();
    }
}

void smp_flush_tlb_all(void)
{
    smp_flush_tlb_mask(&cpu_online_map);
}
