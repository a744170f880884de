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
 * the next candidate's, within [SLICE_MIN, SLICE_MAX].  A yielding unit gives
 * way to any waiting one.  On a tie the running
 * unit goes on, unless its credit is used up (then the waiting one runs:
 * equals take turns).
 *
 * Caps.  A capped domain gets cap% of one CPU's time per CAP_PERIOD, shared
 * by its vCPUs; a vCPU runs at most until the budget is used up and is then
 * parked (left on its run queue but not picked) until the period ends, when
 * the budget is refilled (an overrun is paid back from the next period).
 * The policy has no timer: a CPU with parked units gets a slice that ends at
 * the refill.
 *
 * Run queues.  CPUs are grouped, each group sharing one run queue (Xen's
 * credit2 has one per socket by default; a single group here unless the
 * caller asks for smaller ones), so weights hold across the group's CPUs.
 * A unit only ever runs on a CPU of its hard affinity.  A waking unit goes
 * to the run queue of an idle CPU if there is one (its own CPU first, then
 * one of its soft affinity, then any of its hard affinity), else to the
 * least loaded run queue of its soft affinity (of its hard affinity when the
 * two do not meet); the caller is told to tickle an idle CPU of that queue,
 * or the one running the unit with the least credit when the woken unit has
 * more.  A CPU passes over a unit that prefers (soft affinity) another CPU
 * that is idle.
 *
 * Balancing between run queues.  A CPU about to idle takes a queued unit
 * from the busiest other run queue it may run (one that prefers this CPU
 * first); a CPU whose run queue is two or more units lighter than another's
 * takes one too.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/time.h>
#include <xen/sched_policy.h>

#define CREDIT_INIT     MILLISECS(10)
#define SLICE_MIN       slice_min       /* the ratelimit: Xen's default 1 ms */
#define SLICE_MAX       MILLISECS(10)
#define CAP_PERIOD      MILLISECS(10)

struct runq {
    struct sched_unit *head;        /* queued, by credit, highest first */
    unsigned int nr_queued;
    sched_cpumask_t cpus;           /* the CPUs it serves */
};

struct pcpu {
    struct sched_unit *curr;        /* running here, NULL = idle */
    bool unbounded;                 /* curr was given no slice end */
    bool tickled;                   /* told to re-schedule, has not yet */
};

static s_time_t slice_min = MILLISECS(1);
static struct runq runqs[SCHED_NR_CPUS_MAX];
static struct pcpu pcpus[SCHED_NR_CPUS_MAX];
static unsigned int nr_cpus = 1, nr_runqs = 1, cpus_per_rq = 1;
static struct sched_unit *all_units;
static bool (*unit_runnable)(const struct sched_unit *u);

#define for_each_cpu_in(c, mask) \
    for (sched_cpumask_t __m = (mask); __m && ((c) = (unsigned int)__builtin_ctzll(__m), 1); \
         __m &= __m - 1)

/* ------------------------------------------------------------- helpers */

sched_cpumask_t sched_policy_online(void)
{
    return nr_cpus >= SCHED_NR_CPUS_MAX ? ~(sched_cpumask_t)0 : SCHED_CPU_BIT(nr_cpus) - 1;
}

unsigned int sched_policy_nr_cpus(void)
{
    return nr_cpus;
}

static unsigned int rq_of(unsigned int cpu)
{
    return cpu / cpus_per_rq;
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

static bool is_runnable(const struct sched_unit *u)
{
    return unit_runnable == NULL || unit_runnable(u);
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

/* Charge u the time it ran since it was last accounted. */
static void charge(struct sched_unit *u, s_time_t now)
{
    s_time_t delta = now - u->start;

    if (delta <= 0)
        return;
    u->credit -= t2c(delta, u->dom->weight);
    if (u->dom->cap)
        u->dom->budget -= delta;
    u->start = now;
}

/*
 * Refill a capped domain's budget for the periods that ended by `now`.  Its
 * running vCPUs are charged first, so the time they used before the refill
 * counts against the budget it was used from.
 */
static void cap_refill(struct sched_dom *sd, s_time_t now)
{
    s_time_t full = cap_budget(sd);

    if (sd->cap == 0 || now < sd->period_end)
        return;
    for (unsigned int c = 0; c < nr_cpus; c++)
        if (pcpus[c].curr != NULL && pcpus[c].curr->dom == sd && pcpus[c].curr->running)
            charge(pcpus[c].curr, now);
    if (sd->period_end == 0) {
        sd->budget = full;
        sd->period_end = now + CAP_PERIOD;
        return;
    }
    s_time_t n = (now - sd->period_end) / CAP_PERIOD + 1;

    sd->budget = sd->budget + n * full > full ? full : sd->budget + n * full;
    sd->period_end += n * CAP_PERIOD;
}

/* How many of sd's units run now. */
static unsigned int dom_running(const struct sched_dom *sd)
{
    unsigned int n = 0;

    for (unsigned int c = 0; c < nr_cpus; c++)
        n += pcpus[c].curr != NULL && pcpus[c].curr->dom == sd;
    return n;
}

static bool parked(struct sched_unit *u, s_time_t now)
{
    cap_refill(u->dom, now);
    return u->dom->cap != 0 && u->dom->budget <= 0;
}

/* --------------------------------------------------------------- queues */

static void runq_insert(unsigned int r, struct sched_unit *u)
{
    struct sched_unit **pp = &runqs[r].head;

    /* After its equals: among equal credit, first come first served. */
    while (*pp != NULL && (*pp)->credit >= u->credit)
        pp = &(*pp)->q_next;
    u->q_next = *pp;
    *pp = u;
    u->queued = true;
    u->rq = r;
    runqs[r].nr_queued++;
}

static void runq_remove(struct sched_unit *u)
{
    struct runq *rq = &runqs[u->rq];

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
static void runq_resort(unsigned int r)
{
    struct sched_unit *list = runqs[r].head;

    runqs[r].head = NULL;
    runqs[r].nr_queued = 0;
    while (list != NULL) {
        struct sched_unit *u = list;

        list = u->q_next;
        runq_insert(r, u);
    }
}

/* Units queued or running on run queue r. */
static unsigned int runq_load(unsigned int r)
{
    unsigned int n = runqs[r].nr_queued, c;

    for_each_cpu_in(c, runqs[r].cpus)
        n += pcpus[c].curr != NULL;
    return n;
}

static bool cpu_idle(unsigned int cpu)
{
    return pcpus[cpu].curr == NULL && !pcpus[cpu].tickled;
}

/* Account the time u ran on its CPU up to now. */
static void burn(struct sched_unit *u, s_time_t now)
{
    cap_refill(u->dom, now);
    charge(u, now);
}

/*
 * Credit reset for run queue r: every unit that belongs to it gets
 * CREDIT_INIT as many times as `needy` needs to be above zero; positive
 * credit is clamped to CREDIT_INIT.
 */
static void credit_reset(unsigned int r, const struct sched_unit *needy)
{
    s_time_t add = (1 + (-needy->credit) / CREDIT_INIT) * CREDIT_INIT;

    for (struct sched_unit *u = all_units; u != NULL; u = u->all_next) {
        if (u->rq != r)
            continue;
        u->credit += add;
        if (u->credit > CREDIT_INIT)
            u->credit = CREDIT_INIT;
    }
    runq_resort(r);
}

/* ------------------------------------------------------------- placement */

/* A CPU of m that runs nothing (tickled or not), own first; -1 if none. */
static int free_cpu_in(sched_cpumask_t m, unsigned int own)
{
    unsigned int c;

    if ((m & SCHED_CPU_BIT(own)) && pcpus[own].curr == NULL)
        return (int)own;
    for_each_cpu_in(c, m)
        if (pcpus[c].curr == NULL)
            return (int)c;
    return -1;
}

/* An idle CPU of m not yet tickled, own first; -1 if none. */
static int idle_cpu_in(sched_cpumask_t m, unsigned int own)
{
    unsigned int c;

    if ((m & SCHED_CPU_BIT(own)) && cpu_idle(own))
        return (int)own;
    for_each_cpu_in(c, m)
        if (cpu_idle(c))
            return (int)c;
    return -1;
}

/* The run queue a waking (or moving) unit should join. */
static unsigned int place(const struct sched_unit *u)
{
    sched_cpumask_t hard = hard_of(u), pref = pref_of(u);
    unsigned int best = rq_of(u->cpu), c;
    int idle;

    if ((idle = idle_cpu_in(pref, u->cpu)) >= 0 || (idle = idle_cpu_in(hard, u->cpu)) >= 0)
        return rq_of((unsigned int)idle);
    if (!(runqs[best].cpus & pref))
        best = rq_of((unsigned int)__builtin_ctzll(pref));
    for_each_cpu_in(c, pref)
        if (runq_load(rq_of(c)) < runq_load(best))
            best = rq_of(c);
    return best;
}

/* Credit of what runs on cpu as of now (not yet accounted). */
static s_time_t curr_credit(unsigned int cpu, s_time_t now)
{
    const struct sched_unit *c = pcpus[cpu].curr;

    return c->credit - (now > c->start ? t2c(now - c->start, c->dom->weight) : 0);
}

static sched_cpumask_t tickle_cpu(unsigned int cpu)
{
    pcpus[cpu].tickled = true;
    return SCHED_CPU_BIT(cpu);
}

/*
 * For u, queued: 1 + an idle CPU to tickle for it (of its run queue, its
 * soft affinity first; else of another run queue, which will take it over);
 * 0 if a CPU it prefers is already tickled; -1 if no CPU it may use idles.
 */
static int tickle_idle_for(const struct sched_unit *u)
{
    sched_cpumask_t cpus = runqs[u->rq].cpus;
    int c;

    if ((c = idle_cpu_in(cpus & pref_of(u), u->cpu)) >= 0)
        return c + 1;
    if (free_cpu_in(cpus & pref_of(u), u->cpu) >= 0)
        return 0;
    if ((c = idle_cpu_in(cpus & hard_of(u), u->cpu)) >= 0 ||
        (c = idle_cpu_in(hard_of(u) & ~cpus, u->cpu)) >= 0)
        return c + 1;
    return -1;
}

/*
 * The CPUs to tickle for u, queued on its run queue: an idle CPU it may run
 * on (its soft affinity first), else the one running the unit with the
 * least credit if u has more; and CPUs running with no slice end, which
 * must now get one.
 */
static sched_cpumask_t tickle_for(const struct sched_unit *u, s_time_t now)
{
    sched_cpumask_t cpus = runqs[u->rq].cpus, mask = 0;
    unsigned int c;
    int idle, low = -1;
    s_time_t low_credit = 0;

    if ((idle = tickle_idle_for(u)) >= 0)
        return idle ? tickle_cpu((unsigned int)idle - 1) : 0;
    for_each_cpu_in(c, cpus) {
        if (pcpus[c].curr == NULL)
            continue;
        if (pcpus[c].unbounded)
            mask |= tickle_cpu(c);
        if (!(hard_of(u) & SCHED_CPU_BIT(c)))
            continue;
        s_time_t cc = curr_credit(c, now);

        if (cc < u->credit && (low < 0 || cc < low_credit)) {
            low = (int)c;
            low_credit = cc;
        }
    }
    if (low >= 0)
        mask |= tickle_cpu((unsigned int)low);
    return mask;
}

/* Queue u on a run queue of its affinity; the CPUs to tickle. */
static sched_cpumask_t enqueue_placed(struct sched_unit *u, s_time_t now)
{
    runq_insert(place(u), u);
    return tickle_for(u, now);
}

/* -------------------------------------------------------- the interface */

void sched_policy_init(unsigned int n, unsigned int per_rq,
                       bool (*runnable)(const struct sched_unit *u))
{
    if (n == 0)
        n = 1;
    if (n > SCHED_NR_CPUS_MAX)
        n = SCHED_NR_CPUS_MAX;
    if (per_rq == 0 || per_rq > n)
        per_rq = n;
    nr_cpus = n;
    cpus_per_rq = per_rq;
    nr_runqs = (n + per_rq - 1) / per_rq;
    memset(runqs, 0, sizeof(runqs));
    memset(pcpus, 0, sizeof(pcpus));
    for (unsigned int c = 0; c < n; c++)
        runqs[rq_of(c)].cpus |= SCHED_CPU_BIT(c);
    all_units = NULL;
    unit_runnable = runnable;
    slice_min = MILLISECS(1);
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
    u->cpu = cpu % nr_cpus;
    u->rq = rq_of(u->cpu);
    u->all_next = all_units;
    all_units = u;
    sd->nr_units++;
}

void sched_policy_unit_destroy(struct sched_unit *u)
{
    runq_remove(u);
    for (unsigned int c = 0; c < nr_cpus; c++)
        if (pcpus[c].curr == u)
            pcpus[c].curr = NULL;
    for (struct sched_unit **pp = &all_units; *pp != NULL; pp = &(*pp)->all_next) {
        if (*pp == u) {
            *pp = u->all_next;
            u->dom->nr_units--;
            break;
        }
    }
    u->running = false;
}

sched_cpumask_t sched_policy_wake(struct sched_unit *u, s_time_t now)
{
    if (u->running || u->queued)
        return 0;
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
    if (cpu >= nr_cpus)
        return false;
    for (struct sched_unit *u = runqs[rq_of(cpu)].head; u != NULL; u = u->q_next)
        if (hard_of(u) & SCHED_CPU_BIT(cpu))
            return true;
    return false;
}

/*
 * The first queued unit of cpu's run queue that may run there now.  Drops
 * units found not runnable; passes over parked ones, and over ones that
 * prefer another CPU which is idle (tickled to take them).
 */
static struct sched_unit *runq_best(unsigned int cpu, s_time_t now, bool *any_parked,
                                    sched_cpumask_t *tickle)
{
    struct sched_unit *u = runqs[rq_of(cpu)].head, *next;
    int idle;

    for (; u != NULL; u = next) {
        next = u->q_next;
        if (!is_runnable(u)) {
            runq_remove(u);
            continue;
        }
        if (parked(u, now)) {
            *any_parked = true;
            continue;
        }
        if (!(hard_of(u) & SCHED_CPU_BIT(cpu)))
            continue;
        if (!(pref_of(u) & SCHED_CPU_BIT(cpu)) &&
            (idle = free_cpu_in(pref_of(u) & runqs[u->rq].cpus & ~SCHED_CPU_BIT(cpu),
                                u->cpu)) >= 0) {
            if (!pcpus[idle].tickled)
                *tickle |= tickle_cpu((unsigned int)idle);
            continue;
        }
        return u;
    }
    return NULL;
}

/*
 * A queued unit for `cpu`, whose run queue's load is my_load, from the
 * busiest other run queue holding at least my_load + margin units that it
 * may take from: one that prefers cpu first.  A busy CPU (margin 2) does not
 * pull a unit away from a run queue it prefers.
 */
static struct sched_unit *steal(unsigned int cpu, s_time_t now, unsigned int my_load,
                                unsigned int margin)
{
    struct sched_unit *pick = NULL;
    unsigned int pick_load = 0, mine = rq_of(cpu);
    bool pick_soft = false;

    for (unsigned int r = 0; r < nr_runqs; r++) {
        if (r == mine || runqs[r].nr_queued == 0 || runq_load(r) < my_load + margin)
            continue;
        for (struct sched_unit *u = runqs[r].head; u != NULL; u = u->q_next) {
            bool soft = (pref_of(u) & SCHED_CPU_BIT(cpu)) != 0;

            if (!(hard_of(u) & SCHED_CPU_BIT(cpu)) || parked(u, now) || !is_runnable(u))
                continue;
            if (margin > 1 && !soft && (pref_of(u) & runqs[r].cpus))
                continue;
            if (pick == NULL || (soft && !pick_soft) ||
                (soft == pick_soft && runq_load(r) > pick_load)) {
                pick = u;
                pick_load = runq_load(r);
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
                                     bool prev_runnable, s_time_t *slice,
                                     sched_cpumask_t *tickle)
{
    struct pcpu *pc = &pcpus[cpu];
    struct sched_unit *best, *next, *other;
    unsigned int r = rq_of(cpu);
    bool any_parked = false, prev_ok;
    s_time_t bias = 0;

    *tickle = 0;
    *slice = -1;
    if (cpu >= nr_cpus)
        return NULL;
    pc->tickled = false;

    if (prev != NULL && prev->running) {
        burn(prev, now);
        prev->running = false;
    }
    if (pc->curr == prev)
        pc->curr = NULL;
    prev_ok = prev != NULL && prev_runnable && (hard_of(prev) & SCHED_CPU_BIT(cpu)) &&
              !prev->queued;
    if (prev_ok && parked(prev, now)) {
        /* Out of budget: it waits on this run queue for the refill. */
        runq_insert(r, prev);
        any_parked = true;
        prev_ok = false;
    } else if (prev != NULL && prev_runnable && !prev_ok && !prev->queued) {
        /* Its hard affinity no longer has this CPU: it moves. */
        *tickle |= enqueue_placed(prev, now);
    }
    /* A yielding unit gives way to anyone waiting (guests yield to let
     * another domain or vCPU in, e.g. between sends to a poller). */
    if (prev_ok && prev->yielding)
        bias = CREDIT_CLAMP;
    if (prev != NULL)
        prev->yielding = false;

    best = runq_best(cpu, now, &any_parked, tickle);
    if (nr_runqs > 1) {
        /* Balance: take work when about to idle, or when another run queue
         * is two or more units heavier than this one. */
        struct sched_unit *s = steal(cpu, now, runq_load(r) + prev_ok,
                                     (best == NULL && !prev_ok) ? 1 : 2);

        if (s != NULL) {
            runq_insert(r, s);
            best = runq_best(cpu, now, &any_parked, tickle);
        }
    }

    /* prev keeps the CPU on a tie unless it has used up its credit. */
    if (prev_ok && (best == NULL || prev->credit - bias > best->credit ||
                    (prev->credit - bias == best->credit && prev->credit > 0)))
        next = prev;
    else
        next = best;

    if (next != NULL && next->credit <= 0) {
        credit_reset(r, next);
        if (prev_ok && next != prev && prev->credit - bias > next->credit)
            next = prev;
    }

    if (next != NULL && next->queued)
        runq_remove(next);
    if (prev_ok && next != prev)
        runq_insert(r, prev);

    pc->curr = next;
    pc->unbounded = false;
    if (next != NULL) {
        next->running = true;
        next->start = now;
        next->cpu = cpu;
        next->rq = r;
        /* The slice: until the best waiting unit would overtake it. */
        other = runq_best(cpu, now, &any_parked, tickle);
        if (other != NULL) {
            /* Plus SLICE_MIN, so that equals take turns of a few ms rather
             * than overtaking each other every SLICE_MIN. */
            s_time_t t = c2t(next->credit - other->credit, next->dom->weight) + SLICE_MIN;

            *slice = t < SLICE_MIN ? SLICE_MIN : t > SLICE_MAX ? SLICE_MAX : t;
        } else if (next->dom->cap == 0 && !any_parked) {
            pc->unbounded = true;   /* alone: no reason to stop it */
        } else {
            *slice = SLICE_MAX;
        }
        if (next->dom->cap != 0) {
            /* Its share of what is left, with its domain's other runners. */
            s_time_t b = next->dom->budget / dom_running(next->dom);

            if (b < MICROSECS(100))
                b = MICROSECS(100);
            if (*slice < 0 || *slice > b)
                *slice = b;
        }
    }
    if (any_parked) {
        /* Wake up for the earliest refill of a parked unit of this queue. */
        for (struct sched_unit *u = runqs[r].head; u != NULL; u = u->q_next) {
            if (u->dom->cap == 0 || u->dom->budget > 0)
                continue;
            s_time_t t = u->dom->period_end - now;

            if (t < 1)
                t = 1;
            if (*slice < 0 || t < *slice)
                *slice = t;
        }
    }
    /* What waits here and could run on an idle CPU goes there. */
    for (struct sched_unit *u = runqs[r].head; u != NULL; u = u->q_next) {
        int idle;

        if (u->dom->cap != 0 && u->dom->budget <= 0)
            continue;
        if ((idle = tickle_idle_for(u)) > 0)
            *tickle |= tickle_cpu((unsigned int)idle - 1);
    }
    *tickle &= ~SCHED_CPU_BIT(cpu);
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

int sched_policy_set_ratelimit(unsigned int us)
{
    if (us < SCHED_RATELIMIT_MIN_US || us > SCHED_RATELIMIT_MAX_US)
        return -EINVAL;
    slice_min = MICROSECS(us);
    return 0;
}

unsigned int sched_policy_ratelimit(void)
{
    return (unsigned int)(slice_min / 1000);
}

void sched_policy_get_params(const struct sched_dom *sd, unsigned int *weight, unsigned int *cap)
{
    *weight = sd->weight;
    *cap = sd->cap;
}

int sched_policy_set_affinity(struct sched_unit *u, const sched_cpumask_t *hard,
                              const sched_cpumask_t *soft, s_time_t now,
                              sched_cpumask_t *tickle)
{
    *tickle = 0;
    if (hard != NULL && !(*hard & sched_policy_online()))
        return -EINVAL;
    if (hard != NULL)
        u->hard = *hard;
    if (soft != NULL)
        u->soft = *soft;
    if (u->queued && !(hard_of(u) & runqs[u->rq].cpus)) {
        runq_remove(u);
        *tickle = enqueue_placed(u, now);
    } else if (u->queued) {
        *tickle = tickle_for(u, now);
    } else if (u->running && !(hard_of(u) & SCHED_CPU_BIT(u->cpu))) {
        *tickle = tickle_cpu(u->cpu);   /* its CPU must let it go */
    } else if (!u->running && !(hard_of(u) & SCHED_CPU_BIT(u->cpu))) {
        /* Blocked or down: it moves now, as on Xen, so its CPU (vcpu-list's
         * column, where it wakes) is one it may run on; hard_of(u) is not
         * empty (checked above). */
        u->cpu = (unsigned int)__builtin_ctzll(hard_of(u));
        u->rq = rq_of(u->cpu);
    }
    return 0;
}
