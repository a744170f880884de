/*
 * hyp_lock.c — the one hypervisor lock (docs/smp.md, "Locking: one
 * hypervisor lock"): a ticket lock whose waiters halt instead of spinning.
 *
 * Why halt: under emulation each CPU is a host thread, and on a loaded host
 * the thread of the CPU holding the lock is often descheduled while the
 * other CPU's thread spins on the ticket, burning the host core the holder
 * needs.  `pause` does not give the host thread up; `hlt` does (the thread
 * sleeps until an interrupt).  So a waiter spins hyp_lock_spin_limit rounds
 * (short critical sections end within them), then:
 *
 *   1. announces "CPU c waits for ticket T" (lock_wait_ticket[c], then its
 *      bit in lock_sleepers);
 *   2. re-checks the ticket being served: the release that serves T may
 *      have looked at lock_sleepers before the announcement, and would then
 *      send nothing;
 *   3. halts with only the wake-up IPI, the flush IPI and the event check
 *      able to reach it (arch_lock_halt), re-checking after each wake-up.
 *
 * A release moves the ticket on, then looks at lock_sleepers and sends the
 * wake-up IPI only to the CPU that announced the ticket now served: no IPI
 * when nobody sleeps, and the order of service stays the tickets' order.
 * Steps 1-2 and the release's "serve, then look" are sequentially
 * consistent atomics (a locked RMW, then a load, on each side): at least
 * one side sees the other, so a wake-up is never lost.
 *
 * The waiter's flush duty (smp.c's top comment) is kept: the spin loop
 * polls the flush requests and the flush IPI reaches a halted waiter.
 * A CPU whose LAPIC is not set up yet, or the only CPU online, never halts.
 * The lock is not recursive (taking it twice on one CPU is a BUG).
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <asm/hyp_lock.h>

static spinlock_t hyp_lock = SPIN_LOCK_UNLOCKED;
static volatile int hyp_lock_owner = -1;

/* CPUs halted (or about to halt) for the lock, and the ticket each waits
 * for; the ticket is written before the bit is set, read after it is seen. */
static cpumask_t lock_sleepers;
static uint16_t lock_wait_ticket[NR_CPUS];

/*
 * Measured under QEMU TCG (docs/smp.md): a round is a few tens of ns there;
 * most waits for the lock end within a few hundred rounds when the holder
 * runs, while a descheduled holder keeps the waiter for a host time slice.
 */
unsigned int hyp_lock_spin_limit = 1000;
#ifndef __HOST_TEST__
integer_param("hyp_lock_spin", hyp_lock_spin_limit);
#endif

struct hyp_lock_stats hyp_lock_stats;

bool hyp_lock_held(void)
{
    return hyp_lock_owner == (int)smp_processor_id();
}

static bool served(uint16_t me)
{
    return __atomic_load_n(&hyp_lock.head, __ATOMIC_SEQ_CST) == me;
}

/* Steps 1-3 of the top comment; returns the number of halts. */
static unsigned int wait_halted(unsigned int cpu, uint16_t me)
{
    unsigned int halts = 0;

    __atomic_store_n(&lock_wait_ticket[cpu], me, __ATOMIC_RELAXED);
    __atomic_fetch_or(&lock_sleepers.bits[cpu / 64], 1UL << (cpu % 64), __ATOMIC_SEQ_CST);
    while (!served(me)) {
        arch_lock_halt();
        halts++;
        arch_lock_poll();
    }
    __atomic_fetch_and(&lock_sleepers.bits[cpu / 64], ~(1UL << (cpu % 64)), __ATOMIC_SEQ_CST);
    return halts;
}

/* Interrupts off while waiting (an interrupt taken meanwhile would try to
 * take the lock again); as they were once it is held. */
void hyp_lock_acquire(void)
{
    unsigned int cpu = smp_processor_id(), spins = 0, halts = 0;
    unsigned long flags;
    bool slow = false;
    uint16_t me;

    BUG_ON(hyp_lock_owner == (int)cpu);
    flags = arch_lock_irq_save();
    me = __atomic_fetch_add(&hyp_lock.tail, 1, __ATOMIC_ACQUIRE);
    while (!served(me)) {
        arch_lock_poll();
        if (hyp_lock_spin_limit && ++spins >= hyp_lock_spin_limit &&
            num_online_cpus() > 1 && arch_lock_may_halt()) {
            slow = true;
            halts = wait_halted(cpu, me);
            break;
        }
    }
    hyp_lock_owner = (int)cpu;
    if (slow) {
        hyp_lock_stats.slow++;
        hyp_lock_stats.halts += halts;
    }
    arch_lock_irq_restore(flags);
}

void hyp_lock_release(void)
{
    unsigned int cpu;
    uint64_t sleepers;
    uint16_t next;

    BUG_ON(hyp_lock_owner != (int)smp_processor_id());
    hyp_lock_owner = -1;
    next = (uint16_t)(__atomic_add_fetch(&hyp_lock.head, 1, __ATOMIC_SEQ_CST));
    sleepers = __atomic_load_n(&lock_sleepers.bits[0], __ATOMIC_SEQ_CST);
    _Static_assert(NR_CPUS <= 64, "lock_sleepers is read as one word");
    while (sleepers) {
        cpu = (unsigned int)__builtin_ctzl(sleepers);
        sleepers &= sleepers - 1;
        if (__atomic_load_n(&lock_wait_ticket[cpu], __ATOMIC_RELAXED) == next) {
            __atomic_fetch_add(&hyp_lock_stats.kicks, 1, __ATOMIC_RELAXED);
            arch_lock_kick(cpu);
            break;              /* one ticket, one waiter */
        }
    }
}
