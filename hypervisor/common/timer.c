/*
 * timer.c — the software timer queue (interface and rules in xen/timer.h).
 *
 * A binary min-heap of struct timer * keyed on expires; each timer records
 * its slot in heap_idx so stop_timer() and re-arming are O(log n).  The
 * array starts as 64 static slots, enough for boot and a few guests without
 * touching the allocator, and doubles through xmalloc after that.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/xmalloc.h>
#include <xen/timer.h>

#define TIMER_STATIC_SLOTS 64

static struct timer *static_heap[TIMER_STATIC_SLOTS];
static struct timer **heap = static_heap;
static unsigned int heap_size, heap_cap = TIMER_STATIC_SLOTS;
static s_time_t programmed = STIME_MAX;     /* last value given to the hook */
static bool running;                        /* inside timer_run_expired() */

static void heap_place(unsigned int i, struct timer *t)
{
    heap[i] = t;
    t->heap_idx = i;
}

static void sift_up(unsigned int i)
{
    struct timer *t = heap[i];

    while (i) {
        unsigned int parent = (i - 1) / 2;

        if (heap[parent]->expires <= t->expires)
            break;
        heap_place(i, heap[parent]);
        i = parent;
    }
    heap_place(i, t);
}

static void sift_down(unsigned int i)
{
    struct timer *t = heap[i];

    for (;;) {
        unsigned int child = 2 * i + 1;

        if (child >= heap_size)
            break;
        if (child + 1 < heap_size && heap[child + 1]->expires < heap[child]->expires)
            child++;
        if (t->expires <= heap[child]->expires)
            break;
        heap_place(i, heap[child]);
        i = child;
    }
    heap_place(i, t);
}

static void heap_grow(void)
{
    unsigned int cap = heap_cap * 2;
    struct timer **n = xmalloc_array(struct timer *, cap);

    if (!n)
        panic("timer: no memory to grow the queue beyond %u timers\n", heap_cap);
    memcpy(n, heap, heap_size * sizeof(*n));
    if (heap != static_heap)
        xfree(heap);
    heap = n;
    heap_cap = cap;
}

static void heap_remove(struct timer *t)
{
    unsigned int i = t->heap_idx;

    BUG_ON(i >= heap_size || heap[i] != t);
    heap_size--;
    if (i != heap_size) {
        /* Fill the hole with the last element, which may need to move
         * either way. */
        heap_place(i, heap[heap_size]);
        if (i && heap[i]->expires < heap[(i - 1) / 2]->expires)
            sift_up(i);
        else
            sift_down(i);
    }
    heap[heap_size] = NULL;
    t->active = false;
}

static void maybe_reprogram(void)
{
    s_time_t d = heap_size ? heap[0]->expires : STIME_MAX;

    if (running || d == programmed)
        return;
    programmed = d;
    arch_timer_reprogram(d);
}

void init_timer(struct timer *t, void (*fn)(void *), void *data)
{
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->heap_idx = 0;
    t->active = false;
}

void set_timer(struct timer *t, s_time_t expires)
{
    if (t->active) {
        s_time_t old = t->expires;

        BUG_ON(t->heap_idx >= heap_size || heap[t->heap_idx] != t);
        t->expires = expires;
        if (expires < old)
            sift_up(t->heap_idx);
        else
            sift_down(t->heap_idx);
    } else {
        if (heap_size == heap_cap)
            heap_grow();
        t->expires = expires;
        t->active = true;
        heap_place(heap_size, t);
        heap_size++;
        sift_up(heap_size - 1);
    }
    maybe_reprogram();
}

void stop_timer(struct timer *t)
{
    if (!t->active)
        return;
    heap_remove(t);
    maybe_reprogram();
}

void timer_run_expired(s_time_t now)
{
    BUG_ON(running);
    running = true;
    while (heap_size && heap[0]->expires <= now) {
        struct timer *t = heap[0];

        heap_remove(t);
        if (t->fn)
            t->fn(t->data);
    }
    running = false;
    programmed = heap_size ? heap[0]->expires : STIME_MAX;
    arch_timer_reprogram(programmed);
}

s_time_t timer_next_deadline(void)
{
    return heap_size ? heap[0]->expires : STIME_MAX;
}

unsigned int timer_count(void)
{
    return heap_size;
}
