/*
 * sched_policy.h — the interface between the scheduler's mechanics
 * (common/schedule.c: softirq, timers, runstates, context switches) and its
 * policy (common/sched_credit2.c: who runs where and for how long).
 *
 * The policy sees scheduling units (one per vCPU) grouped in scheduling
 * domains (one per domain).  It knows nothing of the architecture, of real
 * time or of timers: every call that depends on time is given `now`, and it
 * answers with a slice length and the CPUs to "tickle" (make re-run their
 * scheduler, a cpumask); the caller arms the timers and sends the IPIs.
 *
 * Calls are serialised by the caller (one lock around the policy, or one CPU).
 *
 * Contract:
 *  - a unit is handed to the policy with sched_policy_wake() when it becomes
 *    runnable, and taken back with sched_policy_sleep() when it stops being
 *    runnable while it waits on a run queue (a running unit stops at the next
 *    sched_policy_pick() of its CPU, which is told whether it may go on);
 *  - sched_policy_pick() on CPU `cpu` accounts the time of the unit that ran
 *    there, and names what runs next (NULL: the CPU idles) and for how long
 *    (*slice < 0: no limit, nothing waits);
 *  - queued units that are found not runnable (the `runnable` callback) are
 *    dropped from the run queue, as if sched_policy_sleep() had been called.
 */
#ifndef XEN_SCHED_POLICY_H
#define XEN_SCHED_POLICY_H

#include <xen/types.h>

#define SCHED_NR_CPUS_MAX       64          /* bits of sched_cpumask_t */
typedef uint64_t sched_cpumask_t;
#define SCHED_CPU_BIT(c)        ((sched_cpumask_t)1 << (c))

/* Parameters, with Xen's credit2 ranges. */
#define SCHED_WEIGHT_DEFAULT    256
#define SCHED_WEIGHT_MIN        1
#define SCHED_WEIGHT_MAX        65535
/* XEN_SCHEDULER_CREDIT2, as XEN_SYSCTL_sched_id reports it. */
#define SCHED_POLICY_ID         6
#define SCHED_POLICY_NAME       "credit2"

/* Per-domain policy state (embedded in struct domain). */
struct sched_dom {
    unsigned int weight;            /* 1..65535 */
    unsigned int cap;               /* % of one CPU, 0 = no cap */
    s_time_t budget;                /* capped: time left in this period (may be < 0) */
    s_time_t period_end;            /* capped: when the budget is refilled */
    unsigned int nr_units;
};

/* Per-vCPU policy state (embedded in struct vcpu). */
struct sched_unit {
    struct sched_dom *dom;
    struct sched_unit *q_next;      /* run queue, by credit, highest first */
    struct sched_unit *all_next;    /* every unit the policy knows */
    sched_cpumask_t hard, soft;     /* affinities (as set; the policy ANDs online CPUs) */
    s_time_t credit;                /* ns of "weight-256" time left */
    s_time_t start;                 /* running: when it started (accounted up to) */
    unsigned int cpu;               /* CPU it runs on, or last ran on */
    unsigned int rq;                /* run queue it belongs to */
    bool queued, running, yielding;
};

/* Set up nr_cpus CPUs (0..nr_cpus-1) sharing a run queue per group of
 * cpus_per_runq consecutive CPUs (0: one run queue for all, as Xen's credit2
 * has per socket).  `runnable` tells whether a unit may still run (see the
 * contract above). */
void sched_policy_init(unsigned int nr_cpus, unsigned int cpus_per_runq,
                       bool (*runnable)(const struct sched_unit *u));
unsigned int sched_policy_nr_cpus(void);

void sched_policy_dom_init(struct sched_dom *sd);
/* A new unit: not runnable, any CPU (hard and soft affinity all ones). */
void sched_policy_unit_init(struct sched_unit *u, struct sched_dom *sd, unsigned int cpu);
/* Forget the unit (it must not be running on a CPU). */
void sched_policy_unit_destroy(struct sched_unit *u);

/* u became runnable: queue it for a CPU of its affinity (an idle one if there
 * is one).  Returns the CPUs to tickle. */
sched_cpumask_t sched_policy_wake(struct sched_unit *u, s_time_t now);
/* u stopped being runnable while not running: take it off its run queue. */
void sched_policy_sleep(struct sched_unit *u);
/* u yields: others of its run queue go first at the next pick. */
void sched_policy_yield(struct sched_unit *u);
/* Something other than the running unit waits for `cpu`. */
bool sched_policy_has_waiting(unsigned int cpu);

/*
 * The scheduling decision for `cpu` at `now`.  `prev` is the unit that ran
 * there (NULL: idle), `prev_runnable` whether it may go on.  Returns the unit
 * to run (NULL: idle); *slice is how long before the next decision (< 0: no
 * need for one); *tickle other CPUs to re-schedule (work is waiting for
 * them).
 */
struct sched_unit *sched_policy_pick(unsigned int cpu, s_time_t now, struct sched_unit *prev,
                                     bool prev_runnable, s_time_t *slice,
                                     sched_cpumask_t *tickle);

/* Parameters.  set: weight 1..65535 (0 leaves it), cap 0..100*max_cap_cpus. */
int  sched_policy_set_params(struct sched_dom *sd, unsigned int weight, unsigned int cap,
                             unsigned int nr_vcpus);
void sched_policy_get_params(const struct sched_dom *sd, unsigned int *weight, unsigned int *cap);
/* Affinities (NULL leaves one as it is).  -EINVAL if the hard one holds no
 * online CPU.  *tickle: CPUs to re-schedule (u must move). */
int  sched_policy_set_affinity(struct sched_unit *u, const sched_cpumask_t *hard,
                               const sched_cpumask_t *soft, s_time_t now,
                               sched_cpumask_t *tickle);
sched_cpumask_t sched_policy_online(void);
/* The shortest slice when others wait (Xen's ratelimit_us, 100..500000). */
#define SCHED_RATELIMIT_MIN_US  100
#define SCHED_RATELIMIT_MAX_US  500000
int  sched_policy_set_ratelimit(unsigned int us);
unsigned int sched_policy_ratelimit(void);

#endif
