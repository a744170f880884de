/*
 * softirq.c — deferred work, run at the exit to a guest and in the idle
 * loop (see xen/softirq.h).  Handlers run one at a time, lowest number
 * first; one may raise another (or itself), which runs in the same call.
 * Each CPU has its own pending bits; another CPU's are raised with
 * cpu_raise_softirq(), which also interrupts that CPU so it looks.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/softirq.h>

static void (*handlers[NR_SOFTIRQS])(void);
static unsigned long pending[NR_CPUS];

void open_softirq(unsigned int nr, void (*handler)(void))
{
    BUG_ON(nr >= NR_SOFTIRQS);
    handlers[nr] = handler;
}

void raise_softirq(unsigned int nr)
{
    __atomic_fetch_or(&pending[smp_processor_id()], 1UL << nr, __ATOMIC_SEQ_CST);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    unsigned long old = __atomic_fetch_or(&pending[cpu], 1UL << nr, __ATOMIC_SEQ_CST);

    /* Already pending there: it has been told. */
    if (cpu != smp_processor_id() && !(old & (1UL << nr)))
        smp_send_event_check_cpu(cpu);
}

bool softirq_pending(void)
{
    return __atomic_load_n(&pending[smp_processor_id()], __ATOMIC_SEQ_CST) != 0;
}

/*
 * One bit at a time: the SCHEDULE handler may switch to another vCPU and
 * never return here, so only the bit being handled is consumed.
 */
void do_softirq(void)
{
    unsigned long p, *mine = &pending[smp_processor_id()];

    while ((p = __atomic_load_n(mine, __ATOMIC_SEQ_CST)) != 0) {
        unsigned int nr = __builtin_ctzl(p);

        __atomic_fetch_and(mine, ~(1UL << nr), __ATOMIC_SEQ_CST);
        if (nr < NR_SOFTIRQS && handlers[nr] != NULL)
            handlers[nr]();
    }
}
