/*
 * softirq.c — deferred work, run at the exit to a guest and in the idle
 * loop (see xen/softirq.h).  Handlers run one at a time, lowest number
 * first; one may raise another (or itself), which runs in the same call.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/softirq.h>

static void (*handlers[NR_SOFTIRQS])(void);
static volatile unsigned long pending;

void open_softirq(unsigned int nr, void (*handler)(void))
{
    BUG_ON(nr >= NR_SOFTIRQS);
    handlers[nr] = handler;
}

void raise_softirq(unsigned int nr)
{
    __atomic_fetch_or(&pending, 1UL << nr, __ATOMIC_SEQ_CST);
}

bool softirq_pending(void)
{
    return pending != 0;
}

/*
 * One bit at a time: the SCHEDULE handler may switch to another vCPU and
 * never return here, so only the bit being handled is consumed.
 */
void do_softirq(void)
{
    unsigned long p;

    while ((p = pending) != 0) {
        unsigned int nr = __builtin_ctzl(p);

        __atomic_fetch_and(&pending, ~(1UL << nr), __ATOMIC_SEQ_CST);
        if (nr < NR_SOFTIRQS && handlers[nr] != NULL)
            handlers[nr]();
    }
}
