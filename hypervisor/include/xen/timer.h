/*
 * timer.h — software timers (hypervisor/common/timer.c).
 *
 * Every CPU has its own queue: a binary min-heap of struct timer * ordered
 * by expiry, under that CPU's lock.  A timer lives on one CPU (t->cpu, set
 * by init_timer_on(), or the initialising CPU by init_timer(), changed by
 * migrate_timer()); its handler runs on that CPU, from its timer interrupt,
 * with no timer lock held.  A heap's array starts in static storage (64
 * slots) and doubles through xmalloc when full; if that allocation fails
 * set_timer() panics (a lost timer would hang a guest silently).  Timers
 * with equal deadlines all run in the same timer_run_expired() call, in
 * unspecified relative order.
 *
 * Whenever the earliest deadline of this CPU's queue changes, the queue
 * calls arch_timer_reprogram(deadline) (STIME_MAX: nothing pending), which
 * programs this CPU's one-shot timer.  A change made from another CPU that
 * brings the owner's earliest deadline forward raises TIMER_SOFTIRQ on the
 * owner, which runs timer_run_expired() there.  timer_run_expired() is
 * meant to be called when the one-shot fired, so it always reprograms
 * exactly once, at its end (handlers' set/stop calls made meanwhile do not
 * call the hook).  Callers keep interrupts off around the queue API;
 * timer_run_expired() is not re-entrant on one CPU.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/types.h>
#include <xen/time.h>

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    unsigned int heap_idx;      /* position in its CPU's heap while active */
    unsigned int cpu;           /* the CPU whose queue holds it */
    bool active;                /* queued; cleared just before fn runs */
};

/* t lives on cpu (init_timer_on) or on the calling CPU (init_timer). */
void init_timer_on(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
void init_timer(struct timer *t, void (*fn)(void *), void *data);
/* (Re)arm t to fire at expires (absolute NOW() time); re-arming an active
 * timer moves it.  A deadline already past fires at the next run. */
void set_timer(struct timer *t, s_time_t expires);
/* Dequeue t if active; harmless otherwise. */
void stop_timer(struct timer *t);
static inline bool timer_is_active(const struct timer *t) { return t->active; }
/* Move t to new_cpu's queue, keeping its deadline (a vCPU's timers follow
 * the vCPU to the CPU it runs on). */
void migrate_timer(struct timer *t, unsigned int new_cpu);
/* Run every timer of this CPU with expires <= now, earliest first.  A handler may re-arm
 * its own or other timers and stop others; a re-armed timer whose new
 * deadline is still <= now runs again in the same call (periodic catch-up). */
void timer_run_expired(s_time_t now);
/* This CPU's earliest expiry, or STIME_MAX. */
s_time_t timer_next_deadline(void);
/* Number of active timers on cpu / on all CPUs (diagnostics, tests). */
unsigned int timer_count_cpu(unsigned int cpu);
unsigned int timer_count(void);
/* Boot: take TIMER_SOFTIRQ (before any CPU may raise it). */
void timer_init(void);

/* Hook (arch/boot): program the one-shot LAPIC timer for deadline. */
void arch_timer_reprogram(s_time_t deadline);

#endif
