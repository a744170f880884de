/*
 * timer.h — software timers (hypervisor/common/timer.c).
 *
 * One queue: a binary min-heap of struct timer * ordered by expiry.  Its
 * array starts in static storage (64 slots) and doubles through xmalloc when
 * full; if that allocation fails set_timer() panics (a lost timer would hang
 * a guest silently).  Timers with equal deadlines all run in the same
 * timer_run_expired() call, in unspecified relative order.
 *
 * Whenever the earliest deadline changes the queue calls
 * arch_timer_reprogram(deadline) (STIME_MAX: nothing pending).
 * timer_run_expired() is meant to be called when the one-shot fired, so it
 * always reprograms exactly once, at its end (handlers' set/stop calls made
 * meanwhile do not call the hook).  Callers keep interrupts off around the
 * queue API (single CPU for now); timer_run_expired() is not re-entrant.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/types.h>
#include <xen/time.h>

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    unsigned int heap_idx;      /* position in the heap while active */
    bool active;                /* queued; cleared just before fn runs */
};

void init_timer(struct timer *t, void (*fn)(void *), void *data);
/* (Re)arm t to fire at expires (absolute NOW() time); re-arming an active
 * timer moves it.  A deadline already past fires at the next run. */
void set_timer(struct timer *t, s_time_t expires);
/* Dequeue t if active; harmless otherwise. */
void stop_timer(struct timer *t);
static inline bool timer_is_active(const struct timer *t) { return t->active; }
/* Run every timer with expires <= now, earliest first.  A handler may re-arm
 * its own or other timers and stop others; a re-armed timer whose new
 * deadline is still <= now runs again in the same call (periodic catch-up). */
void timer_run_expired(s_time_t now);
/* Earliest expiry, or STIME_MAX. */
s_time_t timer_next_deadline(void);
/* Number of active timers (diagnostics, tests). */
unsigned int timer_count(void);

/* Hook (arch/boot): program the one-shot LAPIC timer for deadline. */
void arch_timer_reprogram(s_time_t deadline);

#endif
