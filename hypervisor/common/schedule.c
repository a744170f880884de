/*
 * schedule.c — the scheduler's mechanics: blocking and waking, the slice
 * timer, context switches, per-vCPU timers, runstate accounting, and the
 * scheduling hypercalls: sched_op, set_timer_op and the generic part of
 * vcpu_op.  Who runs next and for how long is the policy's decision
 * (common/sched_credit2.c through xen/sched_policy.h).
 *
 * Model: a vCPU is runnable when nothing pauses or blocks it (see
 * vcpu_runnable()).  A vCPU that becomes runnable is handed to the policy
 * (vcpu_wake), which queues it and may name a CPU to re-schedule; schedule()
 * runs from the SCHEDULE softirq (raised by wake-ups, blocking, pausing and
 * the slice timer), asks the policy for the next vCPU and its slice, arms
 * the slice timer and lets the architecture's context_switch() switch.
 *
 * A vCPU that blocks (SCHEDOP_block) has events unmasked in the same step,
 * and is woken by any event that would be delivered to it
 * (vcpu_mark_events_pending -> vcpu_kick).  SCHEDOP_poll waits for given
 * ports even while they are masked, with an optional timeout.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/sched_policy.h>
#include <xen/event.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/guest_access.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define PERIOD_DEFAULT  MILLISECS(10)   /* Xen's default periodic tick for PV */

static struct timer slice_timer[NR_CPUS];

/* Make the CPUs of `cpus` run their scheduler (ones the policy named). */
void sched_reschedule(sched_cpumask_t cpus)
{
    for (unsigned int c = 0; c < NR_CPUS && c < SCHED_NR_CPUS_MAX; c++)
        if ((cpus & SCHED_CPU_BIT(c)) && cpu_online(c))
            cpu_raise_softirq(c, SCHEDULE_SOFTIRQ);
}

static bool unit_runnable(const struct sched_unit *u)
{
    return vcpu_runnable(container_of(u, struct vcpu, sched));
}

bool sched_has_waiting(void)
{
    return sched_policy_has_waiting(smp_processor_id());
}

/* ------------------------------------------------------------- runstate */

static void runstate_change(struct vcpu *v, int new_state, s_time_t now)
{
    struct vcpu_runstate_info *rs = &v->runstate;

    if (rs->state == new_state)
        return;
    if (now > (s_time_t)rs->state_entry_time)
        rs->time[rs->state] += now - rs->state_entry_time;
    rs->state = new_state;
    rs->state_entry_time = now;
}

/* Copy the runstate to the guest's registered area; v's address space must
 * be the current one (called by the architecture after switching to v). */
void vcpu_update_runstate_area(struct vcpu *v)
{
    struct vcpu_runstate_info rs = v->runstate;
    uint64_t *entry = (uint64_t *)(v->runstate_guest +
                                   offsetof(struct vcpu_runstate_info, state_entry_time));

    if (v->runstate_guest == 0)
        return;
    if (v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag)) {
        /* Tell the guest an update is in progress (Linux retries reads). */
        uint64_t flagged = rs.state_entry_time | XEN_RUNSTATE_UPDATE;

        copy_to_guest_va(entry, &flagged, sizeof(flagged));
        barrier();
        rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
        copy_to_guest_va(v->runstate_guest, &rs, sizeof(rs));
        barrier();
        rs.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
        copy_to_guest_va(entry, &rs.state_entry_time, sizeof(rs.state_entry_time));
    } else {
        copy_to_guest_va(v->runstate_guest, &rs, sizeof(rs));
    }
}

/* ------------------------------------------------------ wake and block */

void vcpu_wake(struct vcpu *v)
{
    s_time_t now = NOW();

    if (is_idle_vcpu(v) || !vcpu_runnable(v) || v->is_running || v->sched.queued)
        return;
    runstate_change(v, RUNSTATE_runnable, now);
    sched_reschedule(sched_policy_wake(&v->sched, now));
}

void vcpu_kick(struct vcpu *v)
{
    if (v->pause_flags & VPF_blocked) {
        v->pause_flags &= ~VPF_blocked;
        v->poll_nr = 0;
        stop_timer(&v->poll_timer);
        vcpu_wake(v);
    } else if (v->is_running && v->processor != smp_processor_id()) {
        /* In the guest on another CPU: its way back delivers the event. */
        smp_send_event_check_cpu(v->processor);
    }
}

/* Make v's CPU reschedule if v runs (it stopped being runnable). */
void vcpu_sleep(struct vcpu *v)
{
    if (!v->is_running)
        return;
    if (v->processor == smp_processor_id())
        raise_softirq(SCHEDULE_SOFTIRQ);
    else
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

/* ... and wait until it no longer runs on another CPU (its state is then
 * saved and its page tables no longer loaded anywhere). */
void vcpu_sleep_sync(struct vcpu *v)
{
    vcpu_sleep(v);
    while (v->is_running && v->processor != smp_processor_id())
        arch_smp_relax();
}

void vcpu_block(struct vcpu *v)
{
    v->pause_flags |= VPF_blocked;
    /* An event that arrived before the flag was set must not be lost. */
    if (v->vcpu_info->evtchn_upcall_pending) {
        v->pause_flags &= ~VPF_blocked;
        return;
    }
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* ------------------------------------------------------------ schedule */

static void slice_expired(void *data)
{
    unsigned int cpu = (unsigned int)(uintptr_t)data;

    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

static void periodic_fn(void *data)
{
    struct vcpu *v = data;

    if (v->periodic_period == 0)
        return;
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    v->periodic_last = NOW();
    set_timer(&v->periodic_timer, v->periodic_last + v->periodic_period);
}

void schedule(void)
{
    struct vcpu *prev = current, *next;
    struct sched_unit *nu;
    s_time_t now = NOW(), slice;
    unsigned int cpu = smp_processor_id();
    sched_cpumask_t tickle;
    struct domain *prev_dom = NULL;

    nu = sched_policy_pick(cpu, now, is_idle_vcpu(prev) ? NULL : &prev->sched,
                           !is_idle_vcpu(prev) && vcpu_runnable(prev), &slice, &tickle);
    next = nu != NULL ? container_of(nu, struct vcpu, sched) : idle_vcpu;
    if (slice >= 0)
        set_timer(&slice_timer[cpu], now + slice);
    else
        stop_timer(&slice_timer[cpu]);
    sched_reschedule(tickle);

    if (next == prev) {
        runstate_change(prev, RUNSTATE_running, now);
        return;
    }

    if (!is_idle_vcpu(prev)) {
        stop_timer(&prev->periodic_timer);
    }
    if (!is_idle_vcpu(prev)) {
        int st = (prev->pause_flags & (VPF_down | VPF_crashed)) ? RUNSTATE_offline
               : (prev->pause_flags & VPF_blocked) ? RUNSTATE_blocked
               : vcpu_runnable(prev) ? RUNSTATE_runnable : RUNSTATE_offline;

        runstate_change(prev, st, now);
        prev_dom = prev->domain;        /* its running reference, dropped below */
    }
    prev->is_running = false;
    next->is_running = true;
    next->processor = cpu;
    if (!is_idle_vcpu(next)) {
        get_domain(next->domain);   /* held while it runs */
        runstate_change(next, RUNSTATE_running, now);
        /*
         * The periodic tick runs only while the vCPU does (Xen 4.17): it
         * never wakes a blocked vCPU; one missed period is caught up with a
         * single event when the vCPU runs again.
         */
        if (next->periodic_period) {
            if (next->periodic_last == 0) {
                next->periodic_last = now;      /* first run: a full period */
            } else if (now - next->periodic_last >= next->periodic_period) {
                send_guest_vcpu_virq(next, VIRQ_TIMER);
                next->periodic_last = now;
            }
            set_timer(&next->periodic_timer, next->periodic_last + next->periodic_period);
        }
    }
    context_switch(prev, next);
    /*
     * prev's state is saved and this CPU runs on other page tables: the
     * running reference goes now.  (Kept until this CPU's next schedule(),
     * as it once was, a domain destroyed after it last ran on a CPU that
     * then stayed idle was listed dying with 0 pages until something else
     * ran there: minutes, with dom0 on one vCPU.)  A dying domain whose
     * last reference this was is freed here.
     */
    if (prev_dom != NULL)
        put_domain(prev_dom);
}

/*
 * The policy numbers its CPUs 0..n-1: it gets the online CPUs up to the
 * first one that did not come up.  CPUs past such a gap (an AP that failed
 * to start, rare) stay online but idle: the policy never places a vCPU
 * there, and their schedule() finds nothing to run.
 */
void sched_init(void)
{
    unsigned int n = 0;

    while (n < NR_CPUS && n < SCHED_NR_CPUS_MAX && cpu_online(n))
        n++;
    if (n < num_online_cpus())
        printk(XENLOG_WARNING "sched: CPUs from %u on are not scheduled (CPU%u is not up)\n",
               n, n);
    sched_policy_init(n, 0, unit_runnable);
    open_softirq(SCHEDULE_SOFTIRQ, schedule);
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        init_timer(&slice_timer[cpu], slice_expired, (void *)(uintptr_t)cpu);
}

/* ---------------------------------------------------------- vCPU timers */

static void singleshot_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void poll_timeout_fn(void *data)
{
    struct vcpu *v = data;

    if (v->poll_nr != 0 || (v->pause_flags & VPF_blocked))
        vcpu_kick(v);
}

void sched_init_vcpu(struct vcpu *v)
{
    struct domain *d = v->domain;

    /* The domain's policy state starts with its first vCPU (a new domain
     * is zeroed: weight 0 means not yet set up). */
    if (d->sched.weight == 0)
        sched_policy_dom_init(&d->sched);
    sched_policy_unit_init(&v->sched, &d->sched, v->vcpu_id % sched_policy_nr_cpus());
    init_timer(&v->singleshot_timer, singleshot_fn, v);
    init_timer(&v->periodic_timer, periodic_fn, v);
    init_timer(&v->poll_timer, poll_timeout_fn, v);
    v->periodic_period = PERIOD_DEFAULT;
}

void sched_destroy_vcpu(struct vcpu *v)
{
    stop_timer(&v->singleshot_timer);
    stop_timer(&v->periodic_timer);
    stop_timer(&v->poll_timer);
    sched_policy_unit_destroy(&v->sched);
}

/*
 * A deadline in the past fires at once and the call succeeds, whatever the
 * flags say: Linux relies on it, and Xen ignores VCPU_SSHOTTMR_future too
 * (see public/vcpu.h).
 */
int vcpu_set_singleshot_timer(struct vcpu *v, uint64_t deadline, uint32_t flags)
{
    (void)flags;
    set_timer(&v->singleshot_timer, (s_time_t)deadline);
    return 0;
}

/* ------------------------------------------------------------ sched_op */

int sched_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
    struct domain *d = v->domain;

    if (nr > ARRAY_SIZE(v->poll_ports))
        return -EINVAL;
    for (unsigned int i = 0; i < nr; i++) {
        /* No bucket behind it (XSA-221: never look there) or a closed port:
         * -EINVAL, as Xen. */
        int rc = evtchn_port_poll(d, ports[i]);

        if (rc < 0)
            return rc;
        if (rc > 0)
            return 0;
    }
    for (unsigned int i = 0; i < nr; i++)
        v->poll_ports[i] = ports[i];
    v->poll_nr = nr;
    v->pause_flags |= VPF_blocked;
    if (timeout != 0)
        set_timer(&v->poll_timer, (s_time_t)timeout);
    raise_softirq(SCHEDULE_SOFTIRQ);
    return 0;
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;

    switch (cmd) {
    case SCHEDOP_yield:
        sched_policy_yield(&v->sched);
        if (sched_has_waiting())
            raise_softirq(SCHEDULE_SOFTIRQ);
        return 0;

    case SCHEDOP_block:
        /* Unmask and block in one step: Linux's idle loop depends on it. */
        v->vcpu_info->evtchn_upcall_mask = 0;
        vcpu_block(v);
        return 0;

    case SCHEDOP_shutdown:
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown s;

        if (copy_from_guest(&s, arg, 1))
            return -EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -EINVAL;
        if (cmd == SCHEDOP_shutdown_code) {
            d->shutdown_code = s.reason;
            return 0;
        }
        domain_shutdown(d, s.reason);
        return 0;
    }

    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown s;
        struct domain *t;

        if (!d->is_privileged)
            return -EPERM;
        if (copy_from_guest(&s, arg, 1))
            return -EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -EINVAL;
        t = get_domain_by_id(s.domain_id);
        if (t == NULL)
            return -ESRCH;
        domain_shutdown(t, s.reason);
        put_domain(t);
        return 0;
    }

    case SCHEDOP_poll: {
        struct sched_poll p;
        evtchn_port_t ports[ARRAY_SIZE(v->poll_ports)];

        if (copy_from_guest(&p, arg, 1))
            return -EFAULT;
        if (p.nr_ports > ARRAY_SIZE(ports))
            return -EINVAL;
        if (p.nr_ports && copy_from_guest_va(ports, p.ports.p, p.nr_ports * sizeof(ports[0])))
            return -EFAULT;
        return sched_poll(v, ports, p.nr_ports, p.timeout);
    }

    default:
        /* watchdog, pin_override: not offered */
        return -ENOSYS;
    }
}

long do_set_timer_op(uint64_t timeout)
{
    struct vcpu *v = current;

    if (timeout == 0)
        stop_timer(&v->singleshot_timer);
    else
        set_timer(&v->singleshot_timer, (s_time_t)timeout);
    return 0;
}

/* -------------------------------------------------------------- vcpu_op */

long do_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct vcpu *v = domain_vcpu(d, vcpuid);

    if (v == NULL)
        return -ENOENT;

    switch (cmd) {
    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_down);

    case VCPUOP_initialise: {
        uint8_t probe;

        /* Xen reads the context before it looks at the vCPU: an unreadable
         * argument is -EFAULT even for a vCPU that is already up. */
        if (copy_from_guest_va(&probe, arg.p, 1))
            return -EFAULT;
        if (v->is_initialised)
            return -EEXIST;
        return arch_vcpu_initialise(v, arg.p);
    }

    case VCPUOP_up:
        if (!v->is_initialised)
            return -EINVAL;
        if (v->pause_flags & VPF_down) {
            v->pause_flags &= ~VPF_down;
            vcpu_wake(v);
        }
        return 0;

    case VCPUOP_down:
        if (!(v->pause_flags & VPF_down)) {
            v->pause_flags |= VPF_down;
            vcpu_sleep(v);
        }
        return 0;

    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info rs = v->runstate;

        if (v->is_running)
            rs.time[rs.state] += NOW() - rs.state_entry_time;
        return copy_to_guest_va(arg.p, &rs, sizeof(rs)) ? -EFAULT : 0;
    }

    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;

        if (copy_from_guest(&area, arg, 1))
            return -EFAULT;
        /* Re-registration simply replaces the address (Linux does it). */
        v->runstate_guest = (uint64_t)area.addr.v;
        if (v == current)
            vcpu_update_runstate_area(v);
        return 0;
    }

    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer t;

        if (copy_from_guest(&t, arg, 1))
            return -EFAULT;
        if (t.period_ns < (uint64_t)MILLISECS(1) || t.period_ns > (uint64_t)SECONDS(1ULL << 30))
            return -EINVAL;
        v->periodic_period = t.period_ns;
        v->periodic_last = NOW();
        set_timer(&v->periodic_timer, v->periodic_last + v->periodic_period);
        return 0;
    }

    case VCPUOP_stop_periodic_timer:
        v->periodic_period = 0;
        stop_timer(&v->periodic_timer);
        return 0;

    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer t;

        if (v != current)
            return -EINVAL;
        if (copy_from_guest(&t, arg, 1))
            return -EFAULT;
        return vcpu_set_singleshot_timer(v, t.timeout_abs_ns, t.flags);
    }

    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;

    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info info;

        if (copy_from_guest(&info, arg, 1))
            return -EFAULT;
        return vcpu_register_info(v, info.mfn, info.offset);
    }

    default:
        /* send_nmi, get_physid, register_vcpu_time_memory_area: optional
         * for Linux, which copes with -ENOSYS. */
        return -ENOSYS;
    }
}
