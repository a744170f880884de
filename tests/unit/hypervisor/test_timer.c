/*
 * test_timer.c — the timer queue (hypervisor/common/timer.c): expiry order,
 * equal deadlines, stop, re-arming from handlers, the reprogram hook,
 * growth past the static slots (which needs xmalloc, hence fake RAM), and
 * the per-CPU queues: a timer runs on its CPU, a remote change tells the
 * owner, migration, and two host threads as two CPUs.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/timer.h>
#include "harness.h"

static void setup(void)
{
    harness_ram_init(0x100, 1024);
    harness_heap_all();
}

TestSuite(timer, .init = setup);

/* Every firing is logged: which timer, and what its deadline was. */
static struct timer *fired[100000];
static s_time_t fired_at[100000];
static unsigned nr_fired;

static void log_fn(void *data)
{
    struct timer *t = data;

    fired[nr_fired] = t;
    fired_at[nr_fired] = t->expires;
    nr_fired++;
    cr_assert_not(t->active, "inactive while its handler runs");
}

static s_time_t last_reprog(void)
{
    cr_assert_gt(harness_nr_reprog, 0, "the hook was never called");
    return harness_reprog[harness_nr_reprog - 1];
}

Test(timer, init_and_empty_queue)
{
    struct timer t;

    init_timer(&t, log_fn, &t);
    cr_assert_not(timer_is_active(&t));
    cr_assert_eq(timer_next_deadline(), STIME_MAX);
    cr_assert_eq(timer_count(), 0);
    stop_timer(&t);                 /* harmless when inactive */
    timer_run_expired(1000);
    cr_assert_eq(nr_fired, 0);
    cr_assert_eq(last_reprog(), STIME_MAX);
}

Test(timer, fires_in_deadline_order)
{
    static struct timer t[60];
    unsigned int seed = 1;

    for (unsigned i = 0; i < 60; i++) {
        init_timer(&t[i], log_fn, &t[i]);
        set_timer(&t[i], 1000 + rand_r(&seed) % 5000);
    }
    cr_assert_eq(timer_count(), 60);
    timer_run_expired(STIME_MAX - 1);
    cr_assert_eq(nr_fired, 60);
    for (unsigned i = 1; i < 60; i++)
        cr_assert_leq(fired_at[i - 1], fired_at[i], "fired out of order at %u", i);
    cr_assert_eq(timer_count(), 0);
    cr_assert_eq(last_reprog(), STIME_MAX);
}

Test(timer, only_expired_timers_run)
{
    struct timer a, b, c;

    init_timer(&a, log_fn, &a);
    init_timer(&b, log_fn, &b);
    init_timer(&c, log_fn, &c);
    set_timer(&a, 100);
    set_timer(&b, 200);
    set_timer(&c, 300);
    timer_run_expired(99);
    cr_assert_eq(nr_fired, 0);
    timer_run_expired(200);             /* a deadline equal to now has expired */
    cr_assert_eq(nr_fired, 2);
    cr_assert_eq(fired[0], &a);
    cr_assert_eq(fired[1], &b);
    cr_assert(timer_is_active(&c));
    cr_assert_eq(timer_next_deadline(), 300);
    cr_assert_eq(last_reprog(), 300);
}

Test(timer, equal_deadlines_all_fire_together)
{
    static struct timer t[20];
    bool seen[20] = { false };

    for (unsigned i = 0; i < 20; i++) {
        init_timer(&t[i], log_fn, &t[i]);
        set_timer(&t[i], 5000);
    }
    timer_run_expired(4999);
    cr_assert_eq(nr_fired, 0);
    timer_run_expired(5000);
    cr_assert_eq(nr_fired, 20);
    for (unsigned i = 0; i < 20; i++) {
        unsigned k = fired[i] - t;

        cr_assert_lt(k, 20);
        cr_assert_not(seen[k], "timer %u fired twice", k);
        seen[k] = true;
    }
}

Test(timer, stop_prevents_firing)
{
    static struct timer t[10];

    for (unsigned i = 0; i < 10; i++) {
        init_timer(&t[i], log_fn, &t[i]);
        set_timer(&t[i], 100 * (i + 1));
    }
    stop_timer(&t[0]);                  /* the head */
    stop_timer(&t[5]);                  /* the middle */
    stop_timer(&t[9]);                  /* the last slot */
    stop_timer(&t[9]);                  /* twice: harmless */
    cr_assert_eq(timer_count(), 7);
    cr_assert_eq(timer_next_deadline(), 200);
    timer_run_expired(10000);
    cr_assert_eq(nr_fired, 7);
    for (unsigned i = 0; i < nr_fired; i++)
        cr_assert(fired[i] != &t[0] && fired[i] != &t[5] && fired[i] != &t[9]);
}

Test(timer, rearming_an_active_timer_moves_it)
{
    struct timer a, b;

    init_timer(&a, log_fn, &a);
    init_timer(&b, log_fn, &b);
    set_timer(&a, 100);
    set_timer(&b, 200);
    set_timer(&a, 300);                 /* later */
    cr_assert_eq(timer_count(), 2);
    cr_assert_eq(timer_next_deadline(), 200);
    set_timer(&a, 50);                  /* earlier again */
    cr_assert_eq(timer_next_deadline(), 50);
    timer_run_expired(1000);
    cr_assert_eq(nr_fired, 2);
    cr_assert_eq(fired[0], &a);
    cr_assert_eq(fired_at[0], 50);
}

/* A periodic handler: re-arms itself every 10 ns, five times in all. */
static struct timer periodic;
static int periodic_runs;
static void periodic_fn(void *data)
{
    (void)data;
    periodic_runs++;
    if (periodic_runs < 5)
        set_timer(&periodic, periodic.expires + 10);
}

Test(timer, handler_rearms_itself)
{
    init_timer(&periodic, periodic_fn, NULL);
    set_timer(&periodic, 10);
    timer_run_expired(25);              /* deadlines 10 and 20: catch-up */
    cr_assert_eq(periodic_runs, 2);
    cr_assert_eq(timer_next_deadline(), 30);
    cr_assert_eq(last_reprog(), 30);
    timer_run_expired(1000);
    cr_assert_eq(periodic_runs, 5);
    cr_assert_not(timer_is_active(&periodic));
    cr_assert_eq(last_reprog(), STIME_MAX);
}

/* A handler that stops one timer and starts another. */
static struct timer victim, spawned, killer;
static void killer_fn(void *data)
{
    (void)data;
    stop_timer(&victim);
    set_timer(&spawned, 150);
}

Test(timer, handler_stops_and_sets_other_timers)
{
    init_timer(&killer, killer_fn, NULL);
    init_timer(&victim, log_fn, &victim);
    init_timer(&spawned, log_fn, &spawned);
    set_timer(&killer, 100);
    set_timer(&victim, 100);    /* same deadline: may already have run */
    set_timer(&victim, 120);    /* now strictly after the killer */
    timer_run_expired(200);
    cr_assert_eq(nr_fired, 1, "victim stopped, spawned (150 <= 200) ran");
    cr_assert_eq(fired[0], &spawned);
}

Test(timer, reprogram_hook_follows_the_head)
{
    struct timer a, b, c;
    unsigned n;

    init_timer(&a, log_fn, &a);
    init_timer(&b, log_fn, &b);
    init_timer(&c, log_fn, &c);
    set_timer(&a, 500);
    cr_assert_eq(harness_nr_reprog, 1);
    cr_assert_eq(last_reprog(), 500);
    set_timer(&b, 700);                 /* not the head: no call */
    cr_assert_eq(harness_nr_reprog, 1);
    set_timer(&c, 300);                 /* new head */
    cr_assert_eq(harness_nr_reprog, 2);
    cr_assert_eq(last_reprog(), 300);
    stop_timer(&b);                     /* not the head */
    cr_assert_eq(harness_nr_reprog, 2);
    stop_timer(&c);                     /* head goes: back to 500 */
    cr_assert_eq(harness_nr_reprog, 3);
    cr_assert_eq(last_reprog(), 500);
    set_timer(&a, 500);                 /* same deadline: nothing changes */
    cr_assert_eq(harness_nr_reprog, 3);
    stop_timer(&a);
    cr_assert_eq(last_reprog(), STIME_MAX);
    n = harness_nr_reprog;
    timer_run_expired(0);
    cr_assert_eq(harness_nr_reprog, n + 1, "a run always reprograms once");
}

static struct timer many_handler_timers[10];
static void set_many(void *data)
{
    (void)data;
    for (unsigned i = 0; i < 10; i++) {
        init_timer(&many_handler_timers[i], log_fn, &many_handler_timers[i]);
        set_timer(&many_handler_timers[i], 1000 + i);
    }
}

Test(timer, handlers_do_not_call_the_hook_midway)
{
    struct timer t;
    unsigned n;

    init_timer(&t, set_many, NULL);
    set_timer(&t, 10);
    n = harness_nr_reprog;
    timer_run_expired(20);
    cr_assert_eq(harness_nr_reprog, n + 1);
    cr_assert_eq(last_reprog(), 1000);
}

Test(timer, grows_beyond_static_slots)
{
    enum { N = 1000 };
    static struct timer t[N];
    unsigned long pages = heap_free_pages();

    for (unsigned i = 0; i < N; i++) {
        init_timer(&t[i], log_fn, &t[i]);
        set_timer(&t[i], (s_time_t)((i * 7919) % N) * 10);
    }
    cr_assert_eq(timer_count(), N);
    cr_assert_lt(heap_free_pages(), pages, "the queue array came from xmalloc");
    for (unsigned i = 0; i < N; i += 3)
        stop_timer(&t[i]);
    timer_run_expired(STIME_MAX - 1);
    cr_assert_eq(nr_fired, N - (N + 2) / 3);
    for (unsigned i = 1; i < nr_fired; i++)
        cr_assert_leq(fired_at[i - 1], fired_at[i]);
}

Test(timer, corrupt_timer_is_a_bug)
{
    struct timer t, u;

    init_timer(&t, log_fn, &t);
    init_timer(&u, log_fn, &u);
    set_timer(&u, 10);
    t.active = true;                    /* claims to be queued but is not */
    t.heap_idx = 0;
    EXPECT_PANIC(stop_timer(&t));
}

/* Random set/stop/run against a shadow list of armed deadlines. */
Test(timer, random_against_shadow_model)
{
    enum { N = 300 };
    static struct timer t[N];
    static s_time_t shadow[N];          /* deadline, or -1 when inactive */
    unsigned int seed = 5;
    s_time_t now = 0;

    for (unsigned i = 0; i < N; i++) {
        init_timer(&t[i], log_fn, &t[i]);
        shadow[i] = -1;
    }
    for (int iter = 0; iter < 20000; iter++) {
        unsigned k = rand_r(&seed) % N, r = rand_r(&seed) % 10;

        if (r < 5) {
            s_time_t d = now + rand_r(&seed) % 1000;

            set_timer(&t[k], d);
            shadow[k] = d;
        } else if (r < 8) {
            stop_timer(&t[k]);
            shadow[k] = -1;
        } else {
            unsigned expect = 0, before = nr_fired;

            now += rand_r(&seed) % 300;
            for (unsigned i = 0; i < N; i++)
                expect += shadow[i] >= 0 && shadow[i] <= now;
            timer_run_expired(now);
            cr_assert_eq(nr_fired - before, expect);
            for (unsigned i = before; i < nr_fired; i++) {
                unsigned j = fired[i] - t;

                cr_assert_eq(fired_at[i], shadow[j]);
                cr_assert_leq(shadow[j], now);
                if (i > before)
                    cr_assert_leq(fired_at[i - 1], fired_at[i]);
                shadow[j] = -1;
            }
            if (nr_fired > 90000)
                nr_fired = 0;
        }
        s_time_t min = STIME_MAX;
        unsigned active = 0;
        for (unsigned i = 0; i < N; i++)
            if (shadow[i] >= 0) {
                active++;
                if (shadow[i] < min)
                    min = shadow[i];
            }
        cr_assert_eq(timer_count(), active);
        cr_assert_eq(timer_next_deadline(), min);
    }
}
