/*
 * softirq.h — work deferred to the next safe point (common/softirq.c).
 *
 * Interrupt handlers and hypercalls raise a softirq instead of acting at
 * once when the action may switch vCPUs (SCHEDULE) or is long.  The exit
 * path to a guest and the idle loop run do_softirq() with interrupts off,
 * so handlers never nest.  The state is a bitmask per CPU.
 */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

#include <xen/types.h>

enum {
    SCHEDULE_SOFTIRQ,       /* pick the next vCPU (common/schedule.c) */
    NR_SOFTIRQS
};

void open_softirq(unsigned int nr, void (*handler)(void));
void raise_softirq(unsigned int nr);             /* on this CPU */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr); /* and tell it */
bool softirq_pending(void);
/* Run every pending handler until none is left. */
void do_softirq(void);

#endif
