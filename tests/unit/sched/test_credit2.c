/*
 * test_credit2.c — host tests of the scheduling policy (common/sched_credit2.c)
 * alone, on a simulated machine: N CPUs, a simulated clock, and units that
 * are CPU-bound or alternate bursts of work with sleeps.  The simulator does
 * what schedule.c does on each CPU (pick at slice ends and when tickled) and
 * measures the time each unit runs; the tests check the shares (weights,
 * caps), that hard affinity is never broken, that soft affinity and idle
 * CPUs are used, and that waking and starving units are treated fairly.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/time.h>
#include <xen/sched_policy.h>

#define MAXU    16
#define MAXD    8

struct sim {
    unsigned int ncpu;
    s_time_t now;
    struct sched_dom dom[MAXD];
    struct sched_unit u[MAXU];
    unsigned int nu;
    bool runnable[MAXU];
    /* behaviour: burst == 0 is CPU-bound; else run `burst`, sleep `nap` */
    s_time_t burst[MAXU], nap[MAXU], done[MAXU], wake_at[MAXU];
    s_time_t ran[MAXU], ran_on[MAXU][SCHED_NR_CPUS_MAX];
    s_time_t longest_wait[MAXU], waiting_since[MAXU];
    struct sched_unit *curr[SCHED_NR_CPUS_MAX];
    s_time_t deadline[SCHED_NR_CPUS_MAX];       /* < 0: none */
    bool need[SCHED_NR_CPUS_MAX];
    unsigned int violations, double_runs, picks;
};

static struct sim S;

static bool sim_runnable(const struct sched_unit *u)
{
    return S.runnable[u - S.u];
}

static void sim_init(unsigned int ncpu, unsigned int per_rq)
{
    memset(&S, 0, sizeof(S));
    S.ncpu = ncpu;
    sched_policy_init(ncpu, per_rq, sim_runnable);
    for (unsigned int d = 0; d < MAXD; d++)
        sched_policy_dom_init(&S.dom[d]);
    for (unsigned int c = 0; c < ncpu; c++)
        S.deadline[c] = -1;
}

static void tickle(sched_cpumask_t m)
{
    for (unsigned int c = 0; c < S.ncpu; c++)
        if (m & SCHED_CPU_BIT(c))
            S.need[c] = true;
}

static unsigned int sim_unit(unsigned int dom)
{
    unsigned int i = S.nu++;

    sched_policy_unit_init(&S.u[i], &S.dom[dom], i);
    S.wake_at[i] = -1;
    return i;
}

static void sim_wake(unsigned int i)
{
    S.runnable[i] = true;
    S.waiting_since[i] = S.now;
    tickle(sched_policy_wake(&S.u[i], S.now));
}

static int cpu_of_running(unsigned int i)
{
    for (unsigned int c = 0; c < S.ncpu; c++)
        if (S.curr[c] == &S.u[i])
            return (int)c;
    return -1;
}

static void sim_sleep(unsigned int i)
{
    int c = cpu_of_running(i);

    S.runnable[i] = false;
    if (c >= 0)
        S.need[c] = true;       /* it blocks: its CPU re-schedules */
    else
        sched_policy_sleep(&S.u[i]);
}

static void do_pick(unsigned int cpu)
{
    struct sched_unit *prev = S.curr[cpu], *next;
    s_time_t slice;
    sched_cpumask_t t;

    S.picks++;
    next = sched_policy_pick(cpu, S.now, prev, prev != NULL && S.runnable[prev - S.u], &slice, &t);
    if (next != NULL) {
        unsigned int i = (unsigned int)(next - S.u);

        if (!(next->hard & SCHED_CPU_BIT(cpu)))
            S.violations++;
        if (!S.runnable[i])
            S.violations++;
        for (unsigned int c = 0; c < S.ncpu; c++)
            if (c != cpu && S.curr[c] == next)
                S.double_runs++;
        if (next != prev) {
            s_time_t w = S.now - S.waiting_since[i];

            if (w > S.longest_wait[i])
                S.longest_wait[i] = w;
        }
    }
    if (prev != NULL && prev != next)
        S.waiting_since[prev - S.u] = S.now;
    S.curr[cpu] = next;
    S.deadline[cpu] = slice >= 0 ? S.now + slice : -1;
    tickle(t);
}

static void settle(void)
{
    unsigned int rounds = 0;

    for (bool again = true; again; ) {
        again = false;
        cr_assert_lt(++rounds, 1000, "the CPUs keep tickling each other");
        for (unsigned int c = 0; c < S.ncpu; c++) {
            if (S.need[c]) {
                S.need[c] = false;
                do_pick(c);
                again = true;
            }
        }
    }
}

/* Run the machine until `end`. */
static void sim_run(s_time_t end)
{
    unsigned long steps = 0;

    while (S.now < end) {
        s_time_t t = end;

        /* Slices are >= 100 us: more steps than that allows is a livelock. */
        cr_assert_lt(++steps, 100 + (unsigned long)(end / MICROSECS(10)) * S.ncpu,
                     "no progress at %lld ns", (long long)S.now);
        settle();
        for (unsigned int c = 0; c < S.ncpu; c++) {
            struct sched_unit *u = S.curr[c];

            if (S.deadline[c] >= 0 && S.deadline[c] < t)
                t = S.deadline[c];
            if (u != NULL && S.burst[u - S.u]) {
                unsigned int i = (unsigned int)(u - S.u);
                s_time_t fin = S.now + (S.burst[i] - S.done[i]);

                if (fin < t)
                    t = fin;
            }
        }
        for (unsigned int i = 0; i < S.nu; i++)
            if (S.wake_at[i] >= 0 && S.wake_at[i] < t)
                t = S.wake_at[i];
        if (t <= S.now)
            t = S.now + 1;
        for (unsigned int c = 0; c < S.ncpu; c++) {
            struct sched_unit *u = S.curr[c];

            if (u != NULL) {
                unsigned int i = (unsigned int)(u - S.u);

                S.ran[i] += t - S.now;
                S.ran_on[i][c] += t - S.now;
                S.done[i] += t - S.now;
            }
        }
        S.now = t;
        for (unsigned int c = 0; c < S.ncpu; c++) {
            struct sched_unit *u = S.curr[c];

            if (u != NULL && S.burst[u - S.u] && S.done[u - S.u] >= S.burst[u - S.u]) {
                unsigned int i = (unsigned int)(u - S.u);

                S.done[i] = 0;
                S.wake_at[i] = S.now + S.nap[i];
                sim_sleep(i);
            }
            if (S.deadline[c] >= 0 && S.deadline[c] <= S.now)
                S.need[c] = true;
        }
        for (unsigned int i = 0; i < S.nu; i++) {
            if (S.wake_at[i] >= 0 && S.wake_at[i] <= S.now) {
                S.wake_at[i] = -1;
                sim_wake(i);
            }
        }
    }
}

static double share(unsigned int i, s_time_t over)
{
    return (double)S.ran[i] / (double)over;
}

TestSuite(credit2);

Test(credit2, weights_256_512_share_one_cpu_1_to_2)
{
    sim_init(1, 0);
    unsigned int a = sim_unit(0), b = sim_unit(1);

    cr_assert_eq(sched_policy_set_params(&S.dom[1], 512, 0, 1), 0);
    sim_wake(a);
    sim_wake(b);
    sim_run(SECONDS(10));
    double r = (double)S.ran[b] / (double)S.ran[a];
    cr_expect(r > 1.94 && r < 2.06, "512 vs 256: ratio %.3f, want 2", r);
    cr_expect_eq(S.ran[a] + S.ran[b], SECONDS(10), "work conserving");
    cr_expect_eq(S.violations, 0);
}

Test(credit2, weights_hold_across_four_cpus_sharing_a_run_queue)
{
    /* Two domains with 4 CPU-bound vCPUs each on 4 CPUs: weight 256 vs 768. */
    sim_init(4, 0);
    unsigned int u[8];

    cr_assert_eq(sched_policy_set_params(&S.dom[1], 768, 0, 4), 0);
    for (unsigned int i = 0; i < 8; i++)
        u[i] = sim_unit(i % 2);
    for (unsigned int i = 0; i < 8; i++)
        sim_wake(u[i]);
    sim_run(SECONDS(10));
    s_time_t da = 0, db = 0;

    for (unsigned int i = 0; i < 8; i++)
        *(i % 2 ? &db : &da) += S.ran[u[i]];
    double r = (double)db / (double)da;
    cr_expect(r > 2.85 && r < 3.15, "768 vs 256 over 4 CPUs: ratio %.3f, want 3", r);
    cr_expect_eq(da + db, 4 * SECONDS(10), "no CPU idles while work waits");
    cr_expect_eq(S.violations, 0);
    cr_expect_eq(S.double_runs, 0, "a unit never runs on two CPUs at once");
}

Test(credit2, equal_weights_take_turns_without_thrashing)
{
    sim_init(1, 0);
    unsigned int a = sim_unit(0), b = sim_unit(1), c = sim_unit(2);

    sim_wake(a);
    sim_wake(b);
    sim_wake(c);
    sim_run(SECONDS(3));
    for (unsigned int i = 0; i < 3; i++)
        cr_expect(share(i, SECONDS(3)) > 0.32 && share(i, SECONDS(3)) < 0.346,
                  "unit %u share %.3f", i, share(i, SECONDS(3)));
    cr_expect_lt(S.picks, 3 * 700, "turns of about 2 ms (%u picks in 3 s)", S.picks);
}

Test(credit2, cap_50_holds_a_cpu_bound_vcpu_at_half_a_cpu)
{
    sim_init(1, 0);
    unsigned int a = sim_unit(0);

    cr_assert_eq(sched_policy_set_params(&S.dom[0], 0, 50, 1), 0);
    sim_wake(a);
    sim_run(SECONDS(5));
    cr_expect(share(a, SECONDS(5)) > 0.48 && share(a, SECONDS(5)) < 0.52,
              "capped alone: %.3f of the CPU", share(a, SECONDS(5)));
}

Test(credit2, cap_limits_under_contention_and_leaves_the_rest)
{
    /* Capped at 30% with weight 1024 vs an uncapped weight-256 unit. */
    sim_init(1, 0);
    unsigned int a = sim_unit(0), b = sim_unit(1);

    cr_assert_eq(sched_policy_set_params(&S.dom[0], 1024, 30, 1), 0);
    sim_wake(a);
    sim_wake(b);
    sim_run(SECONDS(5));
    cr_expect(share(a, SECONDS(5)) > 0.28 && share(a, SECONDS(5)) < 0.32, "capped %.3f",
              share(a, SECONDS(5)));
    cr_expect(share(b, SECONDS(5)) > 0.68, "the other gets the rest: %.3f", share(b, SECONDS(5)));
}

Test(credit2, cap_is_shared_by_a_domains_vcpus_on_two_cpus)
{
    sim_init(2, 0);
    unsigned int a = sim_unit(0), b = sim_unit(0);

    cr_assert_eq(sched_policy_set_params(&S.dom[0], 0, 100, 2), 0);
    sim_wake(a);
    sim_wake(b);
    sim_run(SECONDS(5));
    double tot = (double)(S.ran[a] + S.ran[b]) / (double)SECONDS(5);
    cr_expect(tot > 0.95 && tot < 1.10, "cap=100 over 2 vCPUs: %.3f CPUs", tot);
    cr_expect_eq(sched_policy_set_params(&S.dom[0], 0, 201, 2), -EINVAL);
    cr_expect_eq(sched_policy_set_params(&S.dom[0], 65536, 0, 2), -EINVAL);
}

Test(credit2, hard_affinity_is_never_violated)
{
    sim_init(4, 0);
    sched_cpumask_t pin[6] = { 0x1, 0x1, 0x6, 0x8, 0xf, 0x2 };
    sched_cpumask_t t;

    for (unsigned int i = 0; i < 6; i++) {
        unsigned int u = sim_unit(i % 3);

        cr_assert_eq(sched_policy_set_affinity(&S.u[u], &pin[i], NULL, 0, &t), 0);
        if (i % 2) {
            S.burst[u] = MICROSECS(700 + 100 * i);
            S.nap[u] = MICROSECS(300 * i);
        }
        sim_wake(u);
    }
    sim_run(SECONDS(2));
    /* Re-pin while running: units move at once and keep to the new maps. */
    sched_cpumask_t repin = 0x4;

    cr_assert_eq(sched_policy_set_affinity(&S.u[4], &repin, NULL, S.now, &t), 0);
    tickle(t);
    sim_run(SECONDS(4));
    for (unsigned int i = 0; i < 6; i++)
        for (unsigned int c = 0; c < 4; c++)
            if (!(S.u[i].hard & SCHED_CPU_BIT(c)) && i != 4)
                cr_expect_eq(S.ran_on[i][c], 0, "unit %u ran on CPU %u", i, c);
    cr_expect_eq(S.violations, 0);
    cr_expect_eq(S.double_runs, 0);
    for (unsigned int i = 0; i < 6; i++)
        cr_expect_gt(S.ran[i], 0, "unit %u ran", i);

    sched_cpumask_t none = 0x30;        /* CPUs 4, 5: not there */
    cr_expect_eq(sched_policy_set_affinity(&S.u[0], &none, NULL, S.now, &t), -EINVAL);
    cr_expect_eq(S.u[0].hard, 0x1, "a refused map changes nothing");
}

/* A blocked unit pinned away from its CPU moves at once, as on Xen: xl
 * vcpu-pin then vcpu-list showed a blocked vCPU still on CPU 1 with hard
 * affinity 0 (suite 66 in a quiet CI-like run); once woken it runs only on
 * the CPU it was pinned to. */
Test(credit2, blocked_unit_pinned_elsewhere_moves_at_once)
{
    sim_init(2, 0);
    unsigned int a = sim_unit(0), b = sim_unit(0);
    sched_cpumask_t cpu0 = SCHED_CPU_BIT(0), t;

    (void)a;
    cr_assert_eq(S.u[b].cpu, 1);
    cr_assert_eq(sched_policy_set_affinity(&S.u[b], &cpu0, NULL, S.now, &t), 0);
    cr_expect_eq(S.u[b].cpu, 0, "a blocked unit pinned to CPU 0 still says CPU %u", S.u[b].cpu);
    sim_wake(b);
    sim_run(SECONDS(1));
    cr_expect_gt(S.ran_on[b][0], 0);
    cr_expect_eq(S.ran_on[b][1], 0);
    cr_expect_eq(S.violations, 0);
}

Test(credit2, soft_affinity_is_preferred)
{
    sim_init(4, 0);
    unsigned int a = sim_unit(0), b = sim_unit(1);
    sched_cpumask_t s3 = 0x8, s2 = 0x4, t;

    cr_assert_eq(sched_policy_set_affinity(&S.u[a], NULL, &s3, 0, &t), 0);
    cr_assert_eq(sched_policy_set_affinity(&S.u[b], NULL, &s2, 0, &t), 0);
    /* Both sleep and wake often: each wake-up is a placement decision. */
    S.burst[a] = S.burst[b] = MICROSECS(500);
    S.nap[a] = S.nap[b] = MICROSECS(700);
    sim_wake(a);
    sim_wake(b);
    sim_run(SECONDS(2));
    cr_expect_eq(S.ran_on[a][3], S.ran[a], "a ran only on its preferred CPU 3");
    cr_expect_eq(S.ran_on[b][2], S.ran[b], "b ran only on its preferred CPU 2");
    cr_expect_gt(S.ran[a], MILLISECS(700));
}

Test(credit2, soft_affinity_gives_way_to_an_idle_cpu)
{
    /* Three CPU-bound units preferring CPU 0 on 2 CPUs: CPU 1 does not idle. */
    sim_init(2, 0);
    sched_cpumask_t s0 = 0x1, t;
    unsigned int u[3];

    for (unsigned int i = 0; i < 3; i++) {
        u[i] = sim_unit(i);
        cr_assert_eq(sched_policy_set_affinity(&S.u[u[i]], NULL, &s0, 0, &t), 0);
        sim_wake(u[i]);
    }
    sim_run(SECONDS(3));
    cr_expect_eq(S.ran[0] + S.ran[1] + S.ran[2], 2 * SECONDS(3));
    for (unsigned int i = 0; i < 3; i++)
        cr_expect(share(u[i], SECONDS(3)) > 0.6, "unit %u: %.3f", i, share(u[i], SECONDS(3)));
}

Test(credit2, idle_cpus_pick_up_work_across_run_queues)
{
    /* One run queue per CPU: all units wake on CPU 0's; balancing spreads them. */
    sim_init(4, 1);
    unsigned int u[4];
    sched_cpumask_t t, zero = 0x1, all = 0xf;

    for (unsigned int i = 0; i < 4; i++) {
        u[i] = sim_unit(0);
        cr_assert_eq(sched_policy_set_affinity(&S.u[u[i]], &zero, NULL, 0, &t), 0);
        sim_wake(u[i]);
    }
    sim_run(MILLISECS(100));
    cr_expect_eq(S.ran[0] + S.ran[1] + S.ran[2] + S.ran[3], MILLISECS(100), "all on CPU 0");
    for (unsigned int i = 0; i < 4; i++) {
        cr_assert_eq(sched_policy_set_affinity(&S.u[u[i]], &all, NULL, S.now, &t), 0);
        tickle(t);
    }
    memset(S.ran, 0, sizeof(S.ran));
    sim_run(MILLISECS(100) + SECONDS(2));
    for (unsigned int i = 0; i < 4; i++)
        cr_expect(share(u[i], SECONDS(2)) > 0.9, "unit %u: %.3f of a CPU once spread", i,
                  share(u[i], SECONDS(2)));
}

Test(credit2, busy_cpus_balance_two_run_queues)
{
    /* One run queue per CPU, 2 CPUs, 4 CPU-bound units that all start on
     * CPU 0's queue (CPU 1 busy with its own): they end up 2 and 2. */
    sim_init(2, 1);
    unsigned int u[5];

    u[4] = sim_unit(1);
    sched_cpumask_t one = 0x2, t;
    cr_assert_eq(sched_policy_set_affinity(&S.u[u[4]], &one, NULL, 0, &t), 0);
    sim_wake(u[4]);
    for (unsigned int i = 0; i < 4; i++) {
        u[i] = sim_unit(0);
        S.u[u[i]].cpu = 0;
        S.u[u[i]].rq = 0;
        sim_wake(u[i]);
    }
    sim_run(SECONDS(4));
    double tot = 0;

    for (unsigned int i = 0; i < 5; i++)
        tot += share(u[i], SECONDS(4));
    cr_expect(tot > 1.99, "both CPUs busy: %.3f", tot);
    for (unsigned int i = 0; i < 5; i++)
        cr_expect(share(u[i], SECONDS(4)) > 0.3, "unit %u: %.3f (fair would be 0.4)", i,
                  share(u[i], SECONDS(4)));
}

Test(credit2, a_waking_vcpu_preempts_a_long_running_one)
{
    sim_init(1, 0);
    unsigned int hog = sim_unit(0), io = sim_unit(1);

    S.burst[io] = MICROSECS(200);
    S.nap[io] = MILLISECS(5);
    sim_wake(hog);
    sim_run(MILLISECS(50));
    sim_wake(io);
    sim_run(SECONDS(2));
    /* It needs ~4% of the CPU and gets it, each time promptly. */
    cr_expect(share(io, SECONDS(2)) > 0.035, "io share %.3f", share(io, SECONDS(2)));
    cr_expect_lt(S.longest_wait[io], MILLISECS(1), "io waited %lld ns at worst",
                 (long long)S.longest_wait[io]);
    cr_expect(share(hog, SECONDS(2)) > 0.94);
}

Test(credit2, no_starvation_with_weight_1_against_65535)
{
    sim_init(1, 0);
    unsigned int lo = sim_unit(0), hi = sim_unit(1), mid = sim_unit(2);

    cr_assert_eq(sched_policy_set_params(&S.dom[0], 1, 0, 1), 0);
    cr_assert_eq(sched_policy_set_params(&S.dom[1], 65535, 0, 1), 0);
    sim_wake(lo);
    sim_wake(hi);
    sim_wake(mid);
    sim_run(SECONDS(20));
    cr_expect_gt(S.ran[lo], 0, "the weight-1 unit runs");
    cr_expect_lt(S.longest_wait[lo], SECONDS(3), "and within seconds: %lld ns",
                 (long long)S.longest_wait[lo]);
    cr_expect_gt(S.ran[mid], S.ran[lo]);
    cr_expect_gt(S.ran[hi], S.ran[mid]);
}

Test(credit2, blocked_units_are_not_run_and_queued_ones_dropped_lazily)
{
    sim_init(2, 0);
    unsigned int a = sim_unit(0), b = sim_unit(0), c = sim_unit(0);

    sim_wake(a);
    sim_wake(b);
    sim_wake(c);
    sim_run(MILLISECS(20));
    /* c stops being runnable behind the policy's back (a pause). */
    S.runnable[c] = false;
    int cc = cpu_of_running(c);
    if (cc >= 0)
        S.need[cc] = true;
    sim_run(MILLISECS(20) + SECONDS(1));
    cr_expect_eq(S.violations, 0, "a unit that may not run is never picked");
    cr_expect(!S.u[c].queued || !S.u[c].running);
    cr_expect(share(a, SECONDS(1)) > 0.9 && share(b, SECONDS(1)) > 0.9);
    sim_wake(c);
    cr_expect(S.u[c].queued || S.u[c].running);
}

Test(credit2, yield_lets_an_equal_go_first)
{
    sim_init(1, 0);
    unsigned int a = sim_unit(0), b = sim_unit(1);
    s_time_t slice;
    sched_cpumask_t t;

    sim_wake(a);
    settle();
    cr_assert_eq(S.curr[0], &S.u[a]);
    sim_wake(b);
    settle();
    cr_expect_eq(S.curr[0], &S.u[a], "equal credit: no preemption");
    sched_policy_yield(&S.u[a]);
    cr_expect_eq(sched_policy_pick(0, S.now, &S.u[a], true, &slice, &t), &S.u[b]);
}

/*
 * The toolstack suite's scene: dom0 (affinity all, waking often for short
 * bursts) beside two CPU-bound guests of weights 256 and 512 pinned to
 * CPU 0.  On 2 CPUs dom0 belongs on CPU 1 and the guests share CPU 0 1:2;
 * on 1 CPU dom0 gets what it asks for up to its weight's due (a quarter
 * here), within a slice, and the guests share the rest 1:2.  (Suite 66 saw
 * dom0 take half of CPU 0 and 2.6:1 on the one-CPU hypervisor: the policy
 * alone does not do that.)
 */
static void dom0_and_two_pinned_spinners(unsigned int ncpu, s_time_t burst, s_time_t nap,
                                         double rmin, double rmax)
{
    sim_init(ncpu, 0);
    unsigned int d0 = sim_unit(0), a = sim_unit(1), b = sim_unit(2);
    sched_cpumask_t cpu0 = SCHED_CPU_BIT(0);
    sched_cpumask_t t;

    cr_assert_eq(sched_policy_set_params(&S.dom[2], 512, 0, 1), 0);
    cr_assert_eq(sched_policy_set_affinity(&S.u[a], &cpu0, NULL, S.now, &t), 0);
    cr_assert_eq(sched_policy_set_affinity(&S.u[b], &cpu0, NULL, S.now, &t), 0);
    S.burst[d0] = burst;
    S.nap[d0] = nap;
    sim_wake(d0);
    sim_wake(a);
    sim_wake(b);
    sim_run(SECONDS(20));
    double r = (double)S.ran[b] / (double)S.ran[a];

    cr_expect(r > rmin && r < rmax, "%u CPU(s): 512 vs 256 pinned to CPU 0: ratio %.3f", ncpu, r);
    double want = (double)burst / (double)(burst + nap), got = share(d0, SECONDS(20));

    cr_expect(got > 0.9 * want || got > 0.24, "%u CPU(s): dom0 got %.3f of a CPU, it asks %.2f",
              ncpu, got, want);
    cr_expect_lt(S.longest_wait[d0], MILLISECS(11), "%u CPU(s): dom0 waited %lld ns at worst",
                 ncpu, (long long)S.longest_wait[d0]);
    cr_expect_eq(S.violations, 0);
    if (ncpu > 1) {
        /* dom0 may start on CPU 0 (it woke first) but does not stay. */
        cr_expect_gt(S.ran[a] + S.ran[b], SECONDS(20) - MILLISECS(20), "CPU 0 theirs: %.4f",
                     share(a, SECONDS(20)) + share(b, SECONDS(20)));
        cr_expect_gt(S.ran_on[d0][1], S.ran[d0] - MILLISECS(20), "dom0 on CPU 1");
    } else {
        cr_expect_eq(S.ran[a] + S.ran[b] + S.ran[d0], SECONDS(20), "work conserving");
    }
}

Test(credit2, dom0_beside_two_pinned_weighted_spinners_on_two_cpus)
{
    dom0_and_two_pinned_spinners(2, MICROSECS(500), MILLISECS(4), 1.9, 2.1);
    /*
     * A busy dom0 on CPU 1 shares the run queue: the credit resets it
     * triggers come at any point of the guests' cycle on CPU 0 and clamp
     * the weight-512 one's lead, so 1:2 drifts (1.86 here), still within
     * the 15% the toolstack suite allows.
     */
    dom0_and_two_pinned_spinners(2, MICROSECS(500), MICROSECS(500), 1.7, 2.3);
}

Test(credit2, dom0_beside_two_pinned_weighted_spinners_on_one_cpu)
{
    dom0_and_two_pinned_spinners(1, MICROSECS(500), MILLISECS(4), 1.9, 2.1);
}

Test(credit2, a_busy_dom0_beside_two_pinned_weighted_spinners_on_one_cpu)
{
    /* dom0 asking half the CPU (the toolstack under TCG): it gets about its
     * due, and the guests still share the rest 1:2. */
    dom0_and_two_pinned_spinners(1, MICROSECS(500), MICROSECS(500), 1.9, 2.1);
    dom0_and_two_pinned_spinners(1, MILLISECS(3), MILLISECS(2), 1.9, 2.1);
}
