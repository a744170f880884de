/*
 * test_hyp_lock.c — the hypervisor lock's halting waiters
 * (arch/x86/hyp_lock.c) with host threads as CPUs.  The arch side is played
 * here: "hlt" waits on a condition variable until this CPU's fake wake-up
 * IPI is pending (an IPI sent before the halt ends it at once, as the
 * LAPIC's IRR does), and the "IPI" sets that flag.  A halt that nothing
 * ends within HALT_TIMEOUT_S is a lost wake-up: it is counted and the halt
 * returns, so a broken lock fails a test instead of hanging it.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <xen/smp.h>
#include <asm/hyp_lock.h>
#include "harness.h"

#define HALT_TIMEOUT_S 2

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool ipi_pending[NR_CPUS];
static unsigned int halts_by[NR_CPUS], kicks_to[NR_CPUS], lost_wakeups;
static unsigned int kick_log[64], nr_kick_log;
static bool may_halt = true;
static void (*poll_hook)(void);

void arch_lock_poll(void)
{
    if (poll_hook)
        poll_hook();
    __builtin_ia32_pause();
}

bool arch_lock_may_halt(void) { return may_halt; }
unsigned long arch_lock_irq_save(void) { return 0; }
void arch_lock_irq_restore(unsigned long flags) { (void)flags; }

void arch_lock_halt(void)
{
    unsigned int cpu = host_test_cpu;
    struct timespec deadline;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += HALT_TIMEOUT_S;
    pthread_mutex_lock(&mu);
    halts_by[cpu]++;
    pthread_cond_broadcast(&cv);            /* tests wait for a CPU to halt */
    while (!ipi_pending[cpu]) {
        if (pthread_cond_timedwait(&cv, &mu, &deadline) == ETIMEDOUT && !ipi_pending[cpu]) {
            lost_wakeups++;
            break;
        }
    }
    ipi_pending[cpu] = false;
    pthread_mutex_unlock(&mu);
}

void arch_lock_kick(unsigned int cpu)
{
    pthread_mutex_lock(&mu);
    kicks_to[cpu]++;
    if (nr_kick_log < 64)
        kick_log[nr_kick_log++] = cpu;
    ipi_pending[cpu] = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void two_cpus(void)
{
    cpumask_clear(&cpu_online_map);
    for (unsigned int c = 0; c < 4; c++)
        cpumask_set_cpu(c, &cpu_online_map);
    host_test_cpu = 0;
}

/* Wait (bounded) until cpu has halted n times. */
static bool wait_halted(unsigned int cpu, unsigned int n)
{
    bool ok;

    pthread_mutex_lock(&mu);
    for (unsigned int i = 0; i < 200 && halts_by[cpu] < n; i++) {
        struct timespec d;

        clock_gettime(CLOCK_REALTIME, &d);
        d.tv_nsec += 50 * 1000 * 1000;
        if (d.tv_nsec >= 1000000000L) {
            d.tv_sec++;
            d.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&cv, &mu, &d);
    }
    ok = halts_by[cpu] >= n;
    pthread_mutex_unlock(&mu);
    return ok;
}

/* A CPU that takes the lock once, notes the order it got it in, drops it. */
static unsigned int got_order[8], nr_got;

static void *take_once(void *arg)
{
    host_test_cpu = (unsigned int)(uintptr_t)arg;
    hyp_lock_acquire();
    got_order[nr_got++] = host_test_cpu;    /* under the lock */
    hyp_lock_release();
    return NULL;
}

Test(hyp_lock, uncontended_never_halts_nor_kicks, .init = two_cpus)
{
    for (unsigned int i = 0; i < 1000; i++) {
        hyp_lock_acquire();
        cr_assert(hyp_lock_held());
        hyp_lock_release();
        cr_assert(!hyp_lock_held());
    }
    cr_expect_eq(kicks_to[0] + kicks_to[1], 0, "no IPI when nobody sleeps");
    cr_expect_eq(halts_by[0], 0);
    cr_expect_eq(hyp_lock_stats.slow, 0);
}

Test(hyp_lock, taking_it_twice_is_a_bug, .init = two_cpus)
{
    hyp_lock_acquire();
    EXPECT_PANIC(hyp_lock_acquire());
    hyp_lock_release();
    EXPECT_PANIC(hyp_lock_release());
}

Test(hyp_lock, halted_waiter_woken_by_the_release, .init = two_cpus)
{
    pthread_t t;

    hyp_lock_spin_limit = 10;
    hyp_lock_acquire();
    pthread_create(&t, NULL, take_once, (void *)1);
    cr_assert(wait_halted(1, 1), "CPU 1 halts after its spins");
    cr_expect_eq(nr_got, 0, "and does not have the lock");
    hyp_lock_release();
    pthread_join(t, NULL);
    cr_expect_eq(nr_got, 1);
    cr_expect_eq(kicks_to[1], 1, "the release woke it, once");
    cr_expect_eq(lost_wakeups, 0);
    cr_expect_eq(hyp_lock_stats.slow, 1);
    cr_expect_geq(hyp_lock_stats.halts, 1);
}

/* Two sleepers: each release wakes only the CPU whose ticket it serves,
 * and they get the lock in ticket order. */
Test(hyp_lock, wake_goes_to_the_ticket_served, .init = two_cpus)
{
    pthread_t t1, t2;

    hyp_lock_spin_limit = 10;
    hyp_lock_acquire();
    pthread_create(&t1, NULL, take_once, (void *)1);
    cr_assert(wait_halted(1, 1));
    pthread_create(&t2, NULL, take_once, (void *)2);
    cr_assert(wait_halted(2, 1));
    hyp_lock_release();
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_assert_eq(nr_got, 2);
    cr_expect(got_order[0] == 1 && got_order[1] == 2, "ticket order kept");
    cr_assert_eq(nr_kick_log, 2, "one IPI per release that serves a sleeper");
    cr_expect(kick_log[0] == 1 && kick_log[1] == 2, "CPU 0's release woke CPU 1 only");
    cr_expect_eq(lost_wakeups, 0);
}

/*
 * The lost wake-up: the holder releases after the waiter's last look at
 * the ticket and before its announcement, so the release sees no sleeper
 * and sends nothing.  Only the re-check after announcing saves the waiter
 * (without it, it halts with nobody left to wake it).  The waiter's poll
 * hook makes the holder release exactly there.
 */
static volatile int release_step;   /* 1: waiter asks, 2: holder released */

static void release_now(void)
{
    if (host_test_cpu != 1 || release_step != 0)
        return;
    __atomic_store_n(&release_step, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&release_step, __ATOMIC_SEQ_CST) != 2)
        __builtin_ia32_pause();
}

Test(hyp_lock, release_between_last_look_and_announcement, .init = two_cpus)
{
    pthread_t t;

    hyp_lock_spin_limit = 1;        /* announce right after the first look */
    poll_hook = release_now;
    hyp_lock_acquire();
    pthread_create(&t, NULL, take_once, (void *)1);
    while (__atomic_load_n(&release_step, __ATOMIC_SEQ_CST) != 1)
        __builtin_ia32_pause();
    hyp_lock_release();
    cr_expect_eq(kicks_to[1], 0, "the release saw no sleeper yet");
    __atomic_store_n(&release_step, 2, __ATOMIC_SEQ_CST);
    pthread_join(t, NULL);
    cr_expect_eq(nr_got, 1);
    cr_expect_eq(lost_wakeups, 0, "a halt nobody would end");
    cr_expect_eq(halts_by[1], 0, "the re-check found its ticket served");
}

static void holder_then_waiter(void)
{
    pthread_t t;

    hyp_lock_spin_limit = 1;
    hyp_lock_acquire();
    pthread_create(&t, NULL, take_once, (void *)1);
    usleep(100 * 1000);
    hyp_lock_release();
    pthread_join(t, NULL);
    cr_expect_eq(nr_got, 1);
}

Test(hyp_lock, one_cpu_online_never_halts, .init = two_cpus)
{
    cpumask_clear(&cpu_online_map);
    cpumask_set_cpu(0, &cpu_online_map);
    holder_then_waiter();
    cr_expect_eq(halts_by[1], 0);
    cr_expect_eq(hyp_lock_stats.slow, 0);
}

Test(hyp_lock, before_the_lapic_is_up_never_halts, .init = two_cpus)
{
    may_halt = false;
    holder_then_waiter();
    cr_expect_eq(halts_by[1], 0);
}

Test(hyp_lock, spin_limit_zero_never_halts, .init = two_cpus)
{
    hyp_lock_spin_limit = 0;
    hyp_lock_acquire();
    pthread_t t;
    pthread_create(&t, NULL, take_once, (void *)1);
    usleep(100 * 1000);
    hyp_lock_release();
    pthread_join(t, NULL);
    cr_expect_eq(halts_by[1], 0);
}

/* Three CPUs hammering the lock with an almost-zero spin limit (most waits
 * halt): mutual exclusion holds and no wake-up is ever lost.  They start
 * together, and every 500th holder sleeps with the lock held, so that the
 * others wait past the spin limit even when a loaded host runs the threads
 * one after the other (the halting path was once not taken at all then). */
#define ROUNDS 20000
static unsigned long counter;
static pthread_barrier_t hammer_start;

static void *hammer(void *arg)
{
    host_test_cpu = (unsigned int)(uintptr_t)arg;
    pthread_barrier_wait(&hammer_start);
    for (unsigned int i = 0; i < ROUNDS; i++) {
        hyp_lock_acquire();
        unsigned long c = counter;
        __builtin_ia32_pause();
        if (i % 500 == 0)
            usleep(200);
        counter = c + 1;
        hyp_lock_release();
    }
    return NULL;
}

Test(hyp_lock, three_cpus_exclusive_and_no_lost_wakeup, .init = two_cpus, .timeout = 120)
{
    pthread_t t[3];

    hyp_lock_spin_limit = 2;
    pthread_barrier_init(&hammer_start, NULL, 3);
    for (unsigned int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)(i + 1));
    for (unsigned int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&hammer_start);
    cr_expect_eq(counter, 3UL * ROUNDS);
    cr_expect_eq(lost_wakeups, 0);
    cr_expect_gt(hyp_lock_stats.halts, 0, "the halting path was exercised");
    cr_log_info("hyp_lock stress: %lu slow, %lu halts, %lu kicks",
                (unsigned long)hyp_lock_stats.slow, (unsigned long)hyp_lock_stats.halts,
                (unsigned long)hyp_lock_stats.kicks);
}
