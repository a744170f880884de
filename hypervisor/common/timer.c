/*
 * timer.c — the software timers, one queue per CPU (interface and rules in
 * xen/timer.h).
 *
 * Each CPU has a binary min-heap of struct timer * keyed on expires, its
 * own lock, and the deadline its LAPIC was last given.  A timer lives on
 * one CPU (t->cpu): it is queued there and its handler runs there, from
 * that CPU's timer interrupt.  Each timer records its slot in heap_idx so
 * stop_timer() and re-arming are O(log n).  A heap starts as 64 static
 * slots, enough for boot and a few guests without touching the allocator,
 * and doubles through xmalloc after that.
 *
 * Only the owner programs its LAPIC.  A change made on another CPU that
 * moves the owner's earliest deadline raises TIMER_SOFTIRQ there (an
 * event-check IPI), whose handler runs what expired and re-arms the owner's
 * LAPIC; a later deadline needs no message (the owner's LAPIC fires early,
 * finds nothing due and re-arms).
 *
 * Lock order: one CPU's timer lock at a time, except migrate_timer(),
 * which takes two in CPU-number order.  A handler runs with no timer lock
 * held, so it may set or stop any timer, its own included.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/xmalloc.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/timer.h>

#define TIMER_STATIC_SLOTS 64

struct cpu_timers {
    spinlock_t     lock;
    struct timer **heap;
    unsigned int   size, cap;
    s_time_t       programmed;      /* what this CPU's LAPIC was last given */
    bool           running;         /* inside timer_run_expired() */
    struct timer  *static_heap[TIMER_STATIC_SLOTS];
};

static struct cpu_timers timers[NR_CPUS] = {
    [0 ... NR_CPUS - 1] = { .cap = TIMER_STATIC_SLOTS, .programmed = STIME_MAX },
};

/* cpu's queue, locked; its array is the static one until it grows. */
static struct cpu_timers *lock_cpu_timers(unsigned int cpu)
{
    struct cpu_timers *ct = &timers[cpu];

    spin_lock(&ct->lock);
    if (ct->heap == NULL)
        ct->heap = ct->static_heap;
    return ct;
}

static void heap_place(struct cpu_timers *ct, unsigned int i, struct timer *t)
{
    ct->heap[i] = t;
    t->heap_idx = i;
}

static void sift_up(struct cpu_timers *ct, unsigned int i)
{
    struct timer *t = ct->heap[i];

    while (i) {
        unsigned int parent = (i - 1) / 2;

        if (ct->heap[parent]->expires <= t->expires)
            break;
        heap_place(ct, i, ct->heap[parent]);
        i = parent;
    }
    heap_place(ct, i, t);
}

static void sift_down(struct cpu_timers *ct, unsigned int i)
{
    struct timer *t = ct->heap[i];

    for (;;) {
        unsigned int child = 2 * i + 1;

        if (child >= ct->size)
            break;
        if (child + 1 < ct->size && ct->heap[child + 1]->expires < ct->heap[child]->expires)
            child++;
        if (t->expires <= ct->heap[child]->expires)
            break;
        heap_place(ct, i, ct->heap[child]);
        i = child;
    }
    heap_place(ct, i, t);
}

static void heap_grow(struct cpu_timers *ct)
{
    unsigned int cap = ct->cap * 2;
    struct timer **n = xmalloc_array(struct timer *, cap);

    if (!n)
        panic("timer: no memory to grow a queue beyond %u timers\n", ct->cap);
    memcpy(n, ct->heap, ct->size * sizeof(*n));
    if (ct->heap != ct->static_heap)
        xfree(ct->heap);
    ct->heap = n;
    ct->cap = cap;
}

static void heap_add(struct cpu_timers *ct, struct timer *t)
{
    if (ct->size == ct->cap)
        heap_grow(ct);
    t->active = true;
    heap_place(ct, ct->size, t);
    ct->size++;
    sift_up(ct, ct->size - 1);
}

static void heap_remove(struct cpu_timers *ct, struct timer *t)
{
    unsigned int i = t->heap_idx;

    BUG_ON(i >= ct->size || ct->heap[i] != t);
    ct->size--;
    if (i != ct->size) {
        /* Fill the hole with the last element, which may need to move
         * either way. */
        heap_place(ct, i, ct->heap[ct->size]);
        if (i && ct->heap[i]->expires < ct->heap[(i - 1) / 2]->expires)
            sift_up(ct, i);
        else
            sift_down(ct, i);
    }
    ct->heap[ct->size] = NULL;
    t->active = false;
}

static s_time_t heap_first(const struct cpu_timers *ct)
{
    return ct->size ? ct->heap[0]->expires : STIME_MAX;
}

/*
 * After a change to cpu's heap (its lock held): if its earliest deadline
 * moved, program this CPU's LAPIC when cpu is this CPU, else tell cpu.
 * A CPU inside timer_run_expired() re-arms once at its end.
 */
static void deadline_changed(unsigned int cpu, struct cpu_timers *ct)
{
    s_time_t d = heap_first(ct);

    if (ct->running || d == ct->programmed)
        return;
    if (cpu == smp_processor_id()) {
        ct->programmed = d;
        arch_timer_reprogram(d);
    } else if (d < ct->programmed) {
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
    }
}

/* Lock the CPU t lives on; t->cpu may change until the lock is held. */
static struct cpu_timers *lock_timer(struct timer *t, unsigned int *cpu)
{
    for (;;) {
        unsigned int c = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct cpu_timers *ct = lock_cpu_timers(c);

        if (c == t->cpu) {
            *cpu = c;
            return ct;
        }
        spin_unlock(&ct->lock);
    }
}

void init_timer_on(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->heap_idx = 0;
    t->cpu = cpu;
    t->active = false;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data)
{
    init_timer_on(t, fn, data, smp_processor_id());
}

void set_timer(struct timer *t, s_time_t expires)
{
    unsigned int cpu;
    struct cpu_timers *ct = lock_timer(t, &cpu);

    if (t->active) {
        s_time_t old = t->expires;

        BUG_ON(t->heap_idx >= ct->size || ct->heap[t->heap_idx] != t);
        t->expires = expires;
        if (expires < old)
            sift_up(ct, t->heap_idx);
        else
            sift_down(ct, t->heap_idx);
    } else {
        t->expires = expires;
        heap_add(ct, t);
    }
    deadline_changed(cpu, ct);
    spin_unlock(&ct->lock);
}

void stop_timer(struct timer *t)
{
    unsigned int cpu;
    struct cpu_timers *ct = lock_timer(t, &cpu);

    if (t->active) {
        heap_remove(ct, t);
        deadline_changed(cpu, ct);
    }
    spin_unlock(&ct->lock);
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    struct cpu_timers *old, *new;
    unsigned int old_cpu;

    BUG_ON(new_cpu >= NR_CPUS);
    for (;;) {
        old_cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        if (old_cpu == new_cpu)
            return;
        if (old_cpu < new_cpu) {
            old = lock_cpu_timers(old_cpu);
            new = lock_cpu_timers(new_cpu);
        } else {
            new = lock_cpu_timers(new_cpu);
            old = lock_cpu_timers(old_cpu);
        }
        if (t->cpu == old_cpu)
            break;
        spin_unlock(&old->lock);
        spin_unlock(&new->lock);
    }
    if (t->active) {
        heap_remove(old, t);
        __atomic_store_n(&t->cpu, new_cpu, __ATOMIC_RELEASE);
        heap_add(new, t);
        deadline_changed(old_cpu, old);
        deadline_changed(new_cpu, new);
    } else {
        __atomic_store_n(&t->cpu, new_cpu, __ATOMIC_RELEASE);
    }
    spin_unlock(&old->lock);
    spin_unlock(&new->lock);
}

void timer_run_expired(s_time_t now)
{
    struct cpu_timers *ct = lock_cpu_timers(smp_processor_id());

    BUG_ON(ct->running);
    ct->running = true;
    while (ct->size && ct->heap[0]->expires <= now) {
        struct timer *t = ct->heap[0];
        void (*fn)(void *) = t->fn;
        void *data = t->data;

        heap_remove(ct, t);
        if (fn) {
            spin_unlock(&ct->lock);
            fn(data);
            spin_lock(&ct->lock);
        }
    }
    ct->running = false;
    ct->programmed = heap_first(ct);
    arch_timer_reprogram(ct->programmed);
    spin_unlock(&ct->lock);
}

/* TIMER_SOFTIRQ: another CPU moved this CPU's earliest deadline. */
static void timer_softirq(void)
{
    timer_run_expired(NOW());
}

void timer_init(void)
{
    open_softirq(TIMER_SOFTIRQ, timer_softirq);
}

s_time_t timer_next_deadline(void)
{
    struct cpu_timers *ct = lock_cpu_timers(smp_processor_id());
    s_time_t d = heap_first(ct);

    spin_unlock(&ct->lock);
    return d;
}

unsigned int timer_count_cpu(unsigned int cpu)
{
    struct cpu_timers *ct = lock_cpu_timers(cpu);
    unsigned int n = ct->size;

    spin_unlock(&ct->lock);
    return n;
}

unsigned int timer_count(void)
{
    unsigned int n = 0;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        n += timer_count_cpu(cpu);
    return n;
}
