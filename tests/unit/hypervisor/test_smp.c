/*
 * test_smp.c — the CPU-set operations (xen/cpumask.h) and the per-CPU
 * softirq bits (common/softirq.c), with host threads playing CPUs
 * (host_test_cpu, xen/smp.h).
 */
#include <pthread.h>
#include <criterion/criterion.h>
#include <xen/cpumask.h>
#include <xen/smp.h>
#include <xen/softirq.h>

Test(cpumask, set_clear_test_weight)
{
    cpumask_t m;

    cpumask_clear(&m);
    cr_assert(cpumask_empty(&m));
    cpumask_set_cpu(0, &m);
    cpumask_set_cpu(5, &m);
    cpumask_set_cpu(NR_CPUS - 1, &m);
    cr_expect(cpumask_test_cpu(0, &m) && cpumask_test_cpu(5, &m) &&
              cpumask_test_cpu(NR_CPUS - 1, &m));
    cr_expect(!cpumask_test_cpu(1, &m) && !cpumask_test_cpu(NR_CPUS, &m),
              "out of range reads as clear");
    cr_expect_eq(cpumask_weight(&m), 3);
    cpumask_clear_cpu(5, &m);
    cr_expect(!cpumask_test_cpu(5, &m));
    cr_expect_eq(cpumask_weight(&m), 2);
}

Test(cpumask, iteration_in_order)
{
    cpumask_t m;
    unsigned int cpu, seen[8], n = 0;

    cpumask_clear(&m);
    cr_expect_eq(cpumask_first(&m), NR_CPUS, "empty: none");
    cpumask_set_cpu(3, &m);
    cpumask_set_cpu(7, &m);
    cpumask_set_cpu(63, &m);
    for_each_cpu(cpu, &m)
        seen[n++] = cpu;
    cr_assert_eq(n, 3);
    cr_expect(seen[0] == 3 && seen[1] == 7 && seen[2] == 63);
    cr_expect_eq(cpumask_next_from(4, &m), 7);
    cr_expect_eq(cpumask_next_from(64, &m), NR_CPUS);
}

Test(cpumask, and_or_andnot)
{
    cpumask_t a, b, r;

    cpumask_clear(&a);
    cpumask_clear(&b);
    cpumask_set_cpu(1, &a);
    cpumask_set_cpu(2, &a);
    cpumask_set_cpu(2, &b);
    cpumask_set_cpu(3, &b);
    cpumask_and(&r, &a, &b);
    cr_expect(cpumask_weight(&r) == 1 && cpumask_test_cpu(2, &r));
    cpumask_or(&r, &a, &b);
    cr_expect_eq(cpumask_weight(&r), 3);
    cpumask_andnot(&r, &a, &b);
    cr_expect(cpumask_weight(&r) == 1 && cpumask_test_cpu(1, &r));
}

Test(cpumask, test_and_clear_consumes_once)
{
    cpumask_t m;

    cpumask_clear(&m);
    cpumask_set_cpu_atomic(9, &m);
    cr_expect(cpumask_test_and_clear_cpu_atomic(9, &m));
    cr_expect(!cpumask_test_and_clear_cpu_atomic(9, &m), "a request is consumed once");
}

/* Many CPUs setting and clearing their own bits of one shared mask (as in
 * a domain's dirty mask and the flush-request mask): no update is lost. */
static cpumask_t shared_mask;
#define THREADS 8
#define ROUNDS  200000

static void *toggler(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    for (unsigned int i = 0; i < ROUNDS; i++) {
        cpumask_set_cpu_atomic(cpu, &shared_mask);
        cpumask_clear_cpu_atomic(cpu, &shared_mask);
    }
    cpumask_set_cpu_atomic(cpu, &shared_mask);
    return NULL;
}

Test(cpumask, atomic_updates_from_threads)
{
    pthread_t t[THREADS];

    cpumask_clear(&shared_mask);
    for (unsigned int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, toggler, (void *)(uintptr_t)(i * 7));
    for (unsigned int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    cr_expect_eq(cpumask_weight(&shared_mask), THREADS, "every CPU's last set survives");
    for (unsigned int i = 0; i < THREADS; i++)
        cr_expect(cpumask_test_cpu(i * 7, &shared_mask));
}

/* ---- per-CPU softirq bits ---- */

static unsigned int runs[NR_CPUS];

static void count_handler(void)
{
    __atomic_fetch_add(&runs[host_test_cpu], 1, __ATOMIC_SEQ_CST);
}

static void softirq_setup(void)
{
    memset(runs, 0, sizeof(runs));
    open_softirq(SCHEDULE_SOFTIRQ, count_handler);
    host_test_cpu = 0;
    while (softirq_pending())
        do_softirq();
    memset(runs, 0, sizeof(runs));
}

Test(smp_softirq, bits_are_per_cpu, .init = softirq_setup)
{
    host_test_cpu = 0;
    cpu_raise_softirq(3, SCHEDULE_SOFTIRQ);
    cr_expect(!softirq_pending(), "raising CPU 3's bit leaves CPU 0's clear");
    do_softirq();
    cr_expect_eq(runs[0], 0);
    host_test_cpu = 3;
    cr_expect(softirq_pending());
    do_softirq();
    cr_expect_eq(runs[3], 1, "CPU 3 runs it, once");
    cr_expect(!softirq_pending());
    raise_softirq(SCHEDULE_SOFTIRQ);        /* local to CPU 3 */
    host_test_cpu = 0;
    cr_expect(!softirq_pending());
    host_test_cpu = 3;
    do_softirq();
    cr_expect_eq(runs[3], 2);
    host_test_cpu = 0;
}

/* One CPU keeps running its softirqs while others keep raising its bit:
 * every raise is followed by at least one run (none is lost at the end). */
static volatile bool stop_runner;

static void *runner(void *arg)
{
    (void)arg;
    host_test_cpu = 1;
    while (!stop_runner)
        do_softirq();
    return NULL;
}

static void *raiser(void *arg)
{
    host_test_cpu = (unsigned int)(uintptr_t)arg;
    for (unsigned int i = 0; i < 20000; i++)
        cpu_raise_softirq(1, SCHEDULE_SOFTIRQ);
    return NULL;
}

Test(smp_softirq, raised_from_threads_never_lost, .init = softirq_setup)
{
    pthread_t r, s[3];

    stop_runner = false;
    pthread_create(&r, NULL, runner, NULL);
    for (unsigned int i = 0; i < 3; i++)
        pthread_create(&s[i], NULL, raiser, (void *)(uintptr_t)(i + 2));
    for (unsigned int i = 0; i < 3; i++)
        pthread_join(s[i], NULL);
    /* The last raise happened; CPU 1 must still run the handler after it. */
    unsigned int before = __atomic_load_n(&runs[1], __ATOMIC_SEQ_CST);

    host_test_cpu = 1;
    bool pending_now = softirq_pending();
    stop_runner = true;
    pthread_join(r, NULL);
    host_test_cpu = 1;
    do_softirq();
    cr_expect(runs[1] >= 1, "the handler ran on CPU 1");
    cr_expect(!softirq_pending(), "nothing left pending on CPU 1");
    cr_expect(runs[1] > before || !pending_now, "a pending raise was run");
    for (unsigned int c = 2; c < 5; c++)
        cr_expect_eq(runs[c], 0, "raisers never ran CPU 1's work");
    host_test_cpu = 0;
}
