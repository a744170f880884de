/*
 * test_timer.c — the timer queue (hypervisor/common/timer.c): expiry order,
 * equal deadlines, stop, re-arming from handlers, the reprogram hook,
 * growth past the static slots (which needs xmalloc, hence fake RAM), and
 * the per-CPU queues: a timer runs on its CPU, a remote change tells the
 * owner, migration, and two host threads as two CPUs.
 */
#include <pthread.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/smp.h>
#include <xen/softirq.h>
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

/* ---- one queue per CPU (host_test_cpu plays the CPU) ---- */

static unsigned int fired_cpu[64];

static void cpu_log_fn(void *data)
{
    struct timer *t = data;

    fired_cpu[nr_fired] = host_test_cpu;
    log_fn(t);
}

static void percpu_setup(void)
{
    setup();
    timer_init();
    host_test_cpu = 0;
}

static bool softirq_pending_on(unsigned int cpu)
{
    unsigned int me = host_test_cpu;
    bool p;

    host_test_cpu = cpu;
    p = softirq_pending();
    host_test_cpu = me;
    return p;
}

Test(timer_percpu, each_cpu_runs_only_its_own_queue, .init = percpu_setup)
{
    static struct timer a, b;

    init_timer_on(&a, cpu_log_fn, &a, 0);
    init_timer_on(&b, cpu_log_fn, &b, 1);
    set_timer(&a, 100);
    host_test_cpu = 1;
    set_timer(&b, 100);
    cr_expect_eq(last_reprog(), 100);
    cr_expect_eq(harness_reprog_cpu[harness_nr_reprog - 1], 1, "CPU 1 armed its own LAPIC");
    cr_expect_eq(timer_count_cpu(0), 1);
    cr_expect_eq(timer_count_cpu(1), 1);
    cr_expect_eq(timer_count(), 2);

    timer_run_expired(200);             /* CPU 1's interrupt */
    cr_assert_eq(nr_fired, 1);
    cr_expect_eq(fired[0], &b);
    cr_expect_eq(fired_cpu[0], 1);
    cr_expect(timer_is_active(&a), "CPU 0's timer waits for CPU 0");
    host_test_cpu = 0;
    timer_run_expired(200);
    cr_assert_eq(nr_fired, 2);
    cr_expect_eq(fired[1], &a);
    cr_expect_eq(fired_cpu[1], 0);
}

/*
 * A timer set from another CPU that becomes its owner's earliest deadline:
 * the setter must not program its own LAPIC (the timer would be run by a
 * CPU whose queue does not hold it, i.e. never) but tell the owner, which
 * programs its LAPIC from TIMER_SOFTIRQ; the timer then fires on the owner.
 */
Test(timer_percpu, remote_set_fires_on_owner, .init = percpu_setup)
{
    static struct timer t, later;

    init_timer_on(&t, cpu_log_fn, &t, 1);
    init_timer_on(&later, cpu_log_fn, &later, 1);
    host_test_cpu = 0;
    harness_nr_reprog = 0;
    set_timer(&t, 500);
    cr_expect_eq(harness_nr_reprog, 0, "CPU 0 did not arm its LAPIC for CPU 1's timer");
    cr_expect(softirq_pending_on(1), "CPU 1 was told");
    cr_expect_not(softirq_pending_on(0));

    host_test_cpu = 1;
    harness_now = 10;
    do_softirq();
    cr_assert_eq(harness_nr_reprog, 1);
    cr_expect_eq(harness_reprog[0], 500);
    cr_expect_eq(harness_reprog_cpu[0], 1, "the owner armed its LAPIC");
    cr_expect_eq(nr_fired, 0, "not due yet");

    /* A later deadline set remotely needs no message: CPU 1 is armed earlier. */
    host_test_cpu = 0;
    set_timer(&later, 900);
    cr_expect_not(softirq_pending_on(1));

    host_test_cpu = 0;
    timer_run_expired(600);
    cr_expect_eq(nr_fired, 0, "CPU 0 does not run CPU 1's timers");
    host_test_cpu = 1;
    timer_run_expired(600);
    cr_assert_eq(nr_fired, 1);
    cr_expect_eq(fired[0], &t);
    cr_expect_eq(fired_cpu[0], 1);
    cr_expect_eq(last_reprog(), 900);
    cr_expect_eq(harness_reprog_cpu[harness_nr_reprog - 1], 1);
}

Test(timer_percpu, migration_moves_an_armed_timer, .init = percpu_setup)
{
    static struct timer t, stay;

    init_timer(&t, cpu_log_fn, &t);     /* on the initialising CPU, 0 */
    init_timer(&stay, cpu_log_fn, &stay);
    cr_expect_eq(t.cpu, 0);
    set_timer(&t, 300);
    set_timer(&stay, 700);
    migrate_timer(&t, 1);
    cr_expect(timer_is_active(&t), "still armed");
    cr_expect_eq(t.expires, 300, "same deadline");
    cr_expect_eq(timer_count_cpu(0), 1);
    cr_expect_eq(timer_count_cpu(1), 1);
    cr_expect_eq(timer_next_deadline(), 700, "CPU 0's earliest is now the other one");
    cr_expect_eq(last_reprog(), 700);
    cr_expect(softirq_pending_on(1), "CPU 1 told of its new earliest deadline");

    timer_run_expired(1000);            /* CPU 0 */
    cr_assert_eq(nr_fired, 1);
    cr_expect_eq(fired[0], &stay);
    host_test_cpu = 1;
    harness_now = 1000;
    do_softirq();                       /* TIMER_SOFTIRQ runs what is due */
    cr_assert_eq(nr_fired, 2, "fired on CPU 1 after the move");
    cr_expect_eq(fired[1], &t);
    cr_expect_eq(fired_cpu[1], 1);

    /* An inactive timer moves too: set later, it is queued on its new CPU. */
    host_test_cpu = 0;
    migrate_timer(&stay, 1);
    set_timer(&stay, 2000);
    cr_expect_eq(timer_count_cpu(0), 0);
    cr_expect_eq(timer_count_cpu(1), 1);
    migrate_timer(&stay, 1);            /* already there: nothing changes */
    cr_expect_eq(timer_count_cpu(1), 1);
    stop_timer(&stay);                  /* from another CPU */
    cr_expect_eq(timer_count(), 0);
}

/* A handler on one CPU re-arming a timer that lives on the other. */
static struct timer *cross_target;

static void cross_fn(void *data)
{
    (void)data;
    set_timer(cross_target, 50);
}

Test(timer_percpu, handler_arms_a_timer_of_another_cpu, .init = percpu_setup)
{
    static struct timer src, dst;

    init_timer_on(&src, cross_fn, &src, 0);
    init_timer_on(&dst, cpu_log_fn, &dst, 1);
    cross_target = &dst;
    set_timer(&src, 10);
    timer_run_expired(20);
    cr_expect(timer_is_active(&dst));
    cr_expect(softirq_pending_on(1));
    host_test_cpu = 1;
    harness_now = 60;
    do_softirq();
    cr_assert_eq(nr_fired, 1);
    cr_expect_eq(fired_cpu[0], 1);
}

/*
 * Two host threads as two CPUs, each setting, stopping and migrating
 * timers that live on either CPU while running its own queue: the heaps
 * stay consistent (heap_remove checks every slot it touches), nothing is
 * lost (a timer marked active but missing from its queue would stay active
 * once both queues ran dry) and no timer fires more often than it was set.
 */
#define XCPU_TIMERS 64
static struct timer xt[XCPU_TIMERS];
static unsigned int xt_fired[XCPU_TIMERS];
static unsigned int xt_sets[XCPU_TIMERS];

static void xt_fn(void *data)
{
    __atomic_fetch_add(&xt_fired[(struct timer *)data - xt], 1, __ATOMIC_SEQ_CST);
}

static void *xcpu_worker(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg, seed = 7 + cpu;

    host_test_cpu = cpu;
    for (int i = 0; i < 20000; i++) {
        unsigned int k = rand_r(&seed) % XCPU_TIMERS;

        switch (rand_r(&seed) % 5) {
        case 0:
            migrate_timer(&xt[k], rand_r(&seed) % 2);
            break;
        case 1:
            __atomic_fetch_add(&xt_sets[k], 1, __ATOMIC_SEQ_CST);
            set_timer(&xt[k], rand_r(&seed) % 100);
            break;
        case 2:
            stop_timer(&xt[k]);
            break;
        case 3:
            timer_run_expired(rand_r(&seed) % 100);
            break;
        default:
            break;
        }
    }
    return NULL;
}

Test(timer_percpu, two_cpus_from_threads, .init = percpu_setup)
{
    pthread_t th[2];

    for (unsigned int k = 0; k < XCPU_TIMERS; k++)
        init_timer_on(&xt[k], xt_fn, &xt[k], k % 2);
    for (uintptr_t c = 0; c < 2; c++)
        pthread_create(&th[c], NULL, xcpu_worker, (void *)c);
    for (unsigned int c = 0; c < 2; c++)
        pthread_join(th[c], NULL);
    for (unsigned int c = 0; c < 2; c++) {
        host_test_cpu = c;
        timer_run_expired(STIME_MAX - 1);
    }
    cr_expect_eq(timer_count(), 0);
    for (unsigned int k = 0; k < XCPU_TIMERS; k++) {
        cr_expect_not(timer_is_active(&xt[k]));
        cr_expect_leq(xt_fired[k], xt_sets[k], "timer %u: fired %u times, set %u",
                      k, xt_fired[k], xt_sets[k]);
    }
}
