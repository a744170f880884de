/*
 * sched_credit2.c — the scheduling policy, modelled on Xen's credit2 (the
 * default since Xen 4.12): who runs on which CPU and for how long.  The
 * mechanics (timers, context switches, runstates, IPIs) are schedule.c's;
 * the interface between the two is xen/sched_policy.h.
 *
 * Credit.  Every unit (vCPU) has a credit in nanoseconds.  Running burns it
 * in proportion to 1/weight: a weight-512 unit burns half as fast as a
 * weight-256 one, so it runs twice as long before they are level again.  A
 * CPU runs the unit of its run queue with the most credit; when the best
 * candidate has none left, every unit of that run queue gets CREDIT_INIT
 * more (as many times as the candidate needs to be above zero, so debts are
 * carried) and positive credit is clamped to CREDIT_INIT (a unit that slept
 * does not hoard).  The slice is the time until the runner's credit falls to
 * the next candidate's, within [SLICE_MIN, SLICE_MAX].
 *
 * Caps.  A capped domain gets cap% of one CPU's time per CAP_PERIOD, shared
 * by its vCPUs; a vCPU runs at most until the budget is used up and is then
 * parked (left on its run queue but not picked) until the period ends, when
 * the budget is refilled (an overrun is paid back from the next period).
 * The policy has no timer: a CPU with parked units gets a slice that ends at
 * the refill.
 *
 * Affinity and placement.  One run queue per CPU.  A unit only ever runs or
 * queues on a CPU of its hard affinity.  A waking unit goes to an idle CPU if
 * there is one (its own first, then one of its soft affinity, then any), else
 * to the least loaded run queue of its soft affinity (of its hard affinity
 * when the two do not meet); the caller is told to tickle that CPU when it is
 * idle or the woken unit has more credit than what runs there.
 *
 * Balancing.  A CPU about to idle takes a queued unit from the busiest run
 * queue it may run (one that prefers this CPU first); a CPU whose run queue
 * is two or more units shorter than another's takes one too.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/time.h>
#include <xen/sched_policy.h>

#define CREDIT_INIT     MILLISECS(10)
#define SLICE_MIN       MILLISECS(1)    /* Xen's default ratelimit */
#define SLICE_MAX       MILLISECS(10)
#define YIELD_BIAS      MILLISECS(1)
#define CAP_PERIOD      MILLISECS(10)

struct runq {
    struct sched_unit *head;        /* queued, by credit, highest first */
    struct sched_unit *curr;        /* running here, NULL = idle */
    unsigned int nr_queued;
    bool unbounded;                 /* curr was given no slice end */
};

static struct runq runqs[SCHED_NR_CPUS_MAX];
static unsigned int nr_cpus = 1;
static struct sched_unit *all_units;
static bool (*unit_runnable)(const struct sched_unit *u);

/* ------------------------------------------------------------- helpers */

sched_cpumask_t sched_policy_online(void)
{
    return nr_cpus >= SCHED_NR_CPUS_MAX ? ~(sched_cpumask_t)0 : SCHED_CPU_BIT(nr_cpus) - 1;
}

unsigned int sched_policy_nr_cpus(void)
{
    return nr_cpus;
}

static sched_cpumask_t hard_of(const struct sched_unit *u)
{
    return u->hard & sched_policy_online();
}

/* Where it prefers to be: soft within hard, or hard when they do not meet. */
static sched_cpumask_t pref_of(const struct sched_unit *u)
{
    sched_cpumask_t m = hard_of(u) & u->soft;

    return m ? m : hard_of(u);
}

/* Operands are kept below 2^46 ns (~19 hours) so that the products with a
 * 16-bit weight fit in 64 bits. */
#define CREDIT_CLAMP    ((s_time_t)1 << 46)

static s_time_t clamp46(s_time_t x)
{
    return x > CREDIT_CLAMP ? CREDIT_CLAMP : x < -CREDIT_CLAMP ? -CREDIT_CLAMP : x;
}

/* Credit burnt by running `ns` at weight w (weight 256 burns 1:1). */
static s_time_t t2c(s_time_t ns, unsigned int w)
{
    return clamp46(ns) * SCHED_WEIGHT_DEFAULT / (s_time_t)w;
}

/* Time at weight w that burns `credit`. */
static s_time_t c2t(s_time_t credit, unsigned int w)
{
    return clamp46(credit) * (s_time_t)w / SCHED_WEIGHT_DEFAULT;
}

/* ------------------------------------------------------------------ caps */

static s_time_t cap_budget(const struct sched_dom *sd)
{
    return (s_time_t)sd->cap * CAP_PERIOD / 100;
}

/* Refill a capped domain's budget for the periods that ended by `now`. */
static void cap_refill(struct sched_dom *sd, s_time_t now)
{
    s_time_t full = cap_budget(sd);

    if (sd->cap == 0 || now < sd->period_end)
        return;
    if (sd->period_end == 0) {
        sd->budget = full;
        sd->period_end = now + CAP_PERIOD;
        return;
    }
    s_time_t n = (now - sd->period_end) / CAP_PERIOD + 1;

    sd->budget = sd->budget + n * full > full ? full : sd->budget + n * full;
    sd->period_end += n * CAP_PERIOD;
}

static bool parked(struct sched_unit *u, s_time_t now)
{
    cap_refill(u->dom, now);
    return u->dom->cap != 0 && u->dom->budget <= 0;
}

/* --------------------------------------------------------------- queues */

static void runq_insert(struct runq *rq, struct sched_unit *u, unsigned int cpu)
{
    struct sched_unit **pp = &rq->head;

    /* After its equals: among equal credit, first come first served. */
    while (*pp != NULL && (*pp)->credit >= u->credit)
        pp = &(*pp)->q_next;
    u->q_next = *pp;
    *pp = u;
    u->queued = true;
    u->cpu = cpu;
    rq->nr_queued++;
}

static void runq_remove(struct sched_unit *u)
{
    struct runq *rq = &runqs[u->cpu];

    if (!u->queued)
        return;
    for (struct sched_unit **pp = &rq->head; *pp != NULL; pp = &(*pp)->q_next) {
        if (*pp == u) {
            *pp = u->q_next;
            rq->nr_queued--;
            break;
        }
    }
    u->queued = false;
    u->q_next = NULL;
}

/* Re-sort a run queue after its credits changed. */
static void runq_resort(unsigned int cpu)
{
    struct runq *rq = &runqs[cpu];
    struct sched_unit *list = rq->head;

    rq->head = NULL;
    rq->nr_queued = 0;
    while (list != NULL) {
        struct sched_unit *u = list;

        list = u->q_next;
        runq_insert(rq, u, cpu);
    }
}

static unsigned int runq_load(unsigned int cpu)
{
    return runqs[cpu].nr_queued + (runqs[cpu].curr != NULL);
}

static bool cpu_idle(unsigned int cpu)
{
    return runqs[cpu].curr == NULL && runqs[cpu].nr_queued == 0;
}

/* Account the time u ran on its CPU up to now. */
static void burn(struct sched_unit *u, s_time_t now)
{
    s_time_t delta = now - u->start;

    if (delta <= 0)
        return;
    u->credit -= t2c(delta, u->dom->weight);
    if (u->dom->cap) {
        cap_refill(u->dom, now);
        u->dom->budget -= delta;
    }
    u->start = now;
}

/*
 * Credit reset for run queue `cpu`: every unit whose run queue it is gets
 * CREDIT_INIT as many times as `needy` needs to be above zero; positive
 * credit is clamped to CREDIT_INIT.
 */
static void credit_reset(unsigned int cpu, const struct sched_unit *needy)
{
    s_time_t add = (1 + (-needy->credit) / CREDIT_INIT) * CREDIT_INIT;

    for (struct sched_unit *u = all_units; u != NULL; u = u->all_next) {
        if (u->cpu != cpu)
            continue;
        u->credit += add;
        if (u->credit > CREDIT_INIT)
            u->credit = CREDIT_INIT;
    }
    runq_resort(cpu);
}

/* ------------------------------------------------------------- placement */

static int lowest_cpu(sched_cpumask_t m)
{
    return m ? __builtin_ctzll(m) : -1;
}

static int idle_cpu_in(sched_cpumask_t m, unsigned int own)
{
    if ((m & SCHED_CPU_BIT(own)) && cpu_idle(own))
        return (int)own;
    for (sched_cpumask_t b = m; b; b &= b - 1) {
        unsigned int c = (unsigned int)__builtin_ctzll(b);

        if (cpu_idle(c))
            return (int)c;
    }
    return -1;
}

/* The CPU a waking (or moving) unit should queue on. */
static unsigned int place(const struct sched_unit *u)
{
    sched_cpumask_t hard = hard_of(u), pref = pref_of(u);
    unsigned int best;
    int c;

    if ((c = idle_cpu_in(pref, u->cpu)) >= 0 || (c = idle_cpu_in(hard, u->cpu)) >= 0)
        return (unsigned int)c;
    best = (pref & SCHED_CPU_BIT(u->cpu)) ? u->cpu : (unsigned int)lowest_cpu(pref);
    for (sched_cpumask_t b = pref; b; b &= b - 1) {
        unsigned int cc = (unsigned int)__builtin_ctzll(b);

        if (runq_load(cc) < runq_load(best))
            best = cc;
    }
    return best;
}

/* Credit of what runs on cpu as of now (not yet accounted). */
static s_time_t curr_credit(const struct runq *rq, s_time_t now)
{
    const struct sched_unit *c = rq->curr;

    return c->credit - (now > c->start ? t2c(now - c->start, c->dom->weight) : 0);
}

/* Queue u on a CPU of its affinity; the CPU to tickle or -1. */
static int enqueue_placed(struct sched_unit *u, s_time_t now)
{
    unsigned int cpu = place(u);
    struct runq *rq = &runqs[cpu];

    runq_insert(rq, u, cpu);
    if (rq->curr == NULL || rq->unbounded || u->credit > curr_credit(rq, now))
        return (int)cpu;
    return -1;
}

/* -------------------------------------------------------- the interface */

void sched_policy_init(unsigned int n, bool (*runnable)(const struct sched_unit *u))
{
    if (n == 0)
        n = 1;
    if (n > SCHED_NR_CPUS_MAX)
        n = SCHED_NR_CPUS_MAX;
    nr_cpus = n;
    memset(runqs, 0, sizeof(runqs));
    all_units = NULL;
    unit_runnable = runnable;
}

void sched_policy_dom_init(struct sched_dom *sd)
{
    memset(sd, 0, sizeof(*sd));
    sd->weight = SCHED_WEIGHT_DEFAULT;
}

void sched_policy_unit_init(struct sched_unit *u, struct sched_dom *sd, unsigned int cpu)
{
    memset(u, 0, sizeof(*u));
    u->dom = sd;
    u->hard = u->soft = ~(sched_cpumask_t)0;
    u->credit = CREDIT_INIT;
    u->cpu = cpu < nr_cpus ? cpu : cpu % nr_cpus;
    u->all_next = all_units;
    all_units = u;
    sd->nr_units++;
}

void sched_policy_unit_destroy(struct sched_unit *u)
{
    runq_remove(u);
    for (unsigned int c = 0; c < nr_cpus; c++)
        if (runqs[c].curr == u)
            runqs[c].curr = NULL;
    for (struct sched_unit **pp = &all_units; *pp != NULL; pp = &(*pp)->all_next) {
        if (*pp == u) {
            *pp = u->all_next;
            u->dom->nr_units--;
            break;
        }
    }
    u->running = false;
}

int sched_policy_wake(struct sched_unit *u, s_time_t now)
{
    if (u->running || u->queued)
        return -1;
    return enqueue_placed(u, now);
}

void sched_policy_sleep(struct sched_unit *u)
{
    runq_remove(u);
}

void sched_policy_yield(struct sched_unit *u)
{
    u->yielding = true;
}

bool sched_policy_has_waiting(unsigned int cpu)
{
    return cpu < nr_cpus && runqs[cpu].nr_queued != 0;
}

/* First queued unit of `cpu` that may run now; drops ones that may not. */
static struct sched_unit *runq_best(unsigned int cpu, s_time_t now, bool *any_parked)
{
    struct sched_unit *u = runqs[cpu].head, *next;

    for (; u != NULL; u = next) {
        next = u->q_next;
        if (unit_runnable != NULL && !unit_runnable(u)) {
            runq_remove(u);
            continue;
        }
        if (parked(u, now)) {
            *any_parked = true;
            continue;
        }
        return u;
    }
    return NULL;
}

/*
 * A queued unit for `cpu`, whose own load is my_load, from the busiest run
 * queue holding at least my_load + margin units that it may take from: one
 * whose soft affinity names cpu first.  A busy CPU (margin 2) does not pull
 * a unit away from a CPU it prefers.
 */
static struct sched_unit *steal(unsigned int cpu, s_time_t now, unsigned int my_load,
                                unsigned int margin)
{
    struct sched_unit *pick = NULL;
    unsigned int pick_load = 0;
    bool pick_soft = false;

    for (unsigned int c = 0; c < nr_cpus; c++) {
        if (c == cpu || runqs[c].nr_queued == 0 || runq_load(c) < my_load + margin)
            continue;
        for (struct sched_unit *u = runqs[c].head; u != NULL; u = u->q_next) {
            bool soft = (pref_of(u) & SCHED_CPU_BIT(cpu)) != 0;

            if (!(hard_of(u) & SCHED_CPU_BIT(cpu)) || parked(u, now) ||
                (unit_runnable != NULL && !unit_runnable(u)))
                continue;
            if (margin > 1 && !soft && (pref_of(u) & SCHED_CPU_BIT(c)))
                continue;
            if (pick == NULL || (soft && !pick_soft) ||
                (soft == pick_soft && runq_load(c) > pick_load)) {
                pick = u;
                pick_load = runq_load(c);
                pick_soft = soft;
            }
            break;          /* the best of that queue is the one to move */
        }
    }
    if (pick != NULL)
        runq_remove(pick);
    return pick;
}

struct sched_unit *sched_policy_pick(unsigned int cpu, s_time_t now, struct sched_unit *prev,
                                     bool prev_runnable, s_time_t *slice, int *tickle)
{
    struct runq *rq = &runqs[cpu];
    struct sched_unit *best, *next, *other;
    bool any_parked = false, prev_ok;
    s_time_t bias = 0;

    *tickle = -1;
    *slice = -1;
    if (cpu >= nr_cpus)
        return NULL;

    if (prev != NULL && prev->running) {
        burn(prev, now);
        prev->running = false;
        if (rq->curr == prev)
            rq->curr = NULL;
    }
    prev_ok = prev != NULL && prev_runnable && (hard_of(prev) & SCHED_CPU_BIT(cpu)) &&
              !prev->queued;
    if (prev_ok && parked(prev, now)) {
        /* Out of budget: it waits on this run queue for the refill. */
        runq_insert(rq, prev, cpu);
        any_parked = true;
        prev_ok = false;
    } else if (prev != NULL && prev_runnable && !prev_ok && !prev->queued) {
        /* Its hard affinity no longer has this CPU: it moves. */
        *tickle = enqueue_placed(prev, now);
    }
    if (prev_ok && prev->yielding)
        bias = YIELD_BIAS;
    if (prev != NULL)
        prev->yielding = false;

    best = runq_best(cpu, now, &any_parked);
    {
        /* Balance: take work when about to idle, or when another run queue
         * is two or more units longer than this one. */
        unsigned int my_load = rq->nr_queued + prev_ok;
        struct sched_unit *s = steal(cpu, now, my_load, (best == NULL && !prev_ok) ? 1 : 2);

        if (s != NULL) {
            runq_insert(rq, s, cpu);
            best = runq_best(cpu, now, &any_parked);
        }
    }

    /* prev keeps the CPU on a tie unless it has used up its credit. */
    if (prev_ok && (best == NULL || prev->credit - bias > best->credit ||
                    (prev->credit - bias == best->credit && prev->credit > 0)))
        next = prev;
    else
        next = best;

    if (next != NULL && next->credit <= 0) {
        credit_reset(cpu, next);
        if (prev_ok && next != prev && prev->credit - bias > next->credit)
            next = prev;
    }

    if (next != NULL && next->queued)
        runq_remove(next);
    if (prev_ok && next != prev)
        runq_insert(rq, prev, cpu);

    rq->curr = next;
    rq->unbounded = false;
    if (next != NULL) {
        next->running = true;
        next->start = now;
        next->cpu = cpu;
        /* The slice: until the best waiting unit would overtake it. */
        other = runq_best(cpu, now, &any_parked);
        if (other != NULL) {
            s_time_t t = c2t(next->credit - other->credit, next->dom->weight);

            *slice = t < SLICE_MIN ? SLICE_MIN : t > SLICE_MAX ? SLICE_MAX : t;
        } else if (next->credit > 0 && next->dom->cap == 0 && !any_parked) {
            rq->unbounded = true;   /* alone: no reason to stop it */
        } else {
            *slice = next->credit > 0 ? c2t(next->credit, next->dom->weight) : SLICE_MAX;
            if (*slice > SLICE_MAX)
                *slice = SLICE_MAX;
            if (*slice < SLICE_MIN)
                *slice = SLICE_MIN;
        }
        if (next->dom->cap != 0 && (*slice < 0 || *slice > next->dom->budget))
            *slice = next->dom->budget;
    }
    if (any_parked) {
        /* Wake up for the earliest refill of a parked unit of this queue. */
        for (struct sched_unit *u = rq->head; u != NULL; u = u->q_next) {
            if (u->dom->cap == 0 || u->dom->budget > 0)
                continue;
            s_time_t t = u->dom->period_end - now;

            if (t < 1)
                t = 1;
            if (*slice < 0 || t < *slice)
                *slice = t;
        }
    }
    return next;
}

int sched_policy_set_params(struct sched_dom *sd, unsigned int weight, unsigned int cap,
                            unsigned int nr_vcpus)
{
    if (weight > SCHED_WEIGHT_MAX || cap > 100 * (nr_vcpus ? nr_vcpus : 1))
        return -EINVAL;
    if (weight != 0)
        sd->weight = weight;
    if (cap != sd->cap) {
        sd->cap = cap;
        sd->period_end = 0;         /* a fresh budget at the next look */
        sd->budget = cap_budget(sd);
    }
    return 0;
}

void sched_policy_get_params(const struct sched_dom *sd, unsigned int *weight, unsigned int *cap)
{
    *weight = sd->weight;
    *cap = sd->cap;
}

int sched_policy_set_affinity(struct sched_unit *u, const sched_cpumask_t *hard,
                              const sched_cpumask_t *soft, s_time_t now, int *tickle)
{
    *tickle = -1;
    if (hard != NULL && !(*hard & sched_policy_online()))
        return -EINVAL;
    if (hard != NULL)
        u->hard = *hard;
    if (soft != NULL)
        u->soft = *soft;
    if (u->queued && !(hard_of(u) & SCHED_CPU_BIT(u->cpu))) {
        runq_remove(u);
        *tickle = enqueue_placed(u, now);
    } else if (u->running && !(hard_of(u) & SCHED_CPU_BIT(u->cpu))) {
        *tickle = (int)u->cpu;      /* its CPU must let it go */
    }
    return 0;
}
