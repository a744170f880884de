/*
 * timers.c — the guest timers behind VIRQ_TIMER: set_timer_op (absolute
 * deadline; 0 cancels), a single-shot deadline already in the past (must
 * fire at once — Linux relies on it), and the periodic timer
 * (VCPUOP_set_periodic_timer / stop_periodic_timer).  The one-shot timers
 * wake a blocked vCPU no earlier than their deadline.  Xen 4.17's periodic
 * timer ticks only while the vCPU runs (it is stopped when the vCPU is
 * descheduled and caught up with one event when it runs again), so it never
 * wakes a blocked or polling vCPU: a 10 ms poll on the timer port returns at
 * its timeout, with the catch-up tick pending.  The test checks both sides.
 */
#include "guest.h"

const char test_title[] = "set_timer_op, single-shot and periodic timers";

static evtchn_port_t port;

static void clear_events(void)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
    vcpu0->evtchn_pending_sel = 0;
    vcpu0->evtchn_upcall_pending = 0;
}

static bool port_pending(void)
{
    return (shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

/* Block until an event; returns the ns slept, or 0 if woken early. */
static uint64_t block_until(uint64_t deadline, const char *what)
{
    uint64_t t0 = guest_time_ns(), t1;


    if (hc_sched_op(SCHEDOP_block, NULL))
        test_fail("%s: block failed", what);
    vcpu0->evtchn_upcall_mask = 1;
    t1 = guest_time_ns();
    if (deadline && t1 + 200000 < deadline)
        test_fail("%s: woke %lu ns before the deadline", what, (unsigned long)(deadline - t1));
    if (!port_pending())
        test_fail("%s: woke without the timer event", what);
    return t1 - t0;
}

void test_main(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct vcpu_set_singleshot_timer st = { 0 };
    struct vcpu_set_periodic_timer pt;
    struct sched_poll poll;
    uint64_t deadline, slept;

    CHECK_RC("stop_periodic_timer", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    if (hc_event_channel_op(EVTCHNOP_bind_virq, &bv))
        test_abort("bind VIRQ_TIMER failed");
    port = bv.port;

    /* set_timer_op */
    clear_events();
    deadline = guest_time_ns() + 3000000;
    CHECK_RC("set_timer_op", hc_set_timer_op(deadline), 0);
    block_until(deadline, "set_timer_op");

    /* set_timer_op(0) cancels: polling past the old deadline sees nothing
     * (20 ms ahead, so it cannot expire before the cancel on a slow host) */
    clear_events();
    deadline = guest_time_ns() + 20000000;
    hc_set_timer_op(deadline);
    CHECK_RC("set_timer_op(0)", hc_set_timer_op(0), 0);
    poll = (struct sched_poll){ .ports.p = &port, .nr_ports = 1,
                                .timeout = deadline + 20000000 };
    hc_sched_op(SCHEDOP_poll, &poll);
    if (port_pending())
        test_fail("the cancelled set_timer_op deadline still fired");

    /* single-shot in the past: fires at once */
    clear_events();
    st.timeout_abs_ns = guest_time_ns() - 1000000;
    CHECK_RC("singleshot in the past", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    slept = block_until(0, "past single-shot");
    if (slept > 100000000)
        test_fail("a past single-shot deadline took %lu ns to fire", (unsigned long)slept);

    /* periodic, 2 ms: ticks while we run... */
    clear_events();
    pt.period_ns = 2000000;
    CHECK_RC("set_periodic_timer 2 ms", hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), 0);
    deadline = guest_time_ns() + 20000000;
    while (!port_pending() && guest_time_ns() < deadline)
        hc_xen_version(XENVER_version, NULL);   /* run, with hypercall exits */
    if (!port_pending())
        test_fail("no periodic tick in 20 ms of running");
    /* ...but not while we are blocked in a poll (no other wake-up source) */
    clear_events();
    hc_xen_version(XENVER_version, NULL);
    clear_events();
    poll = (struct sched_poll){ .ports.p = &port, .nr_ports = 1,
                                .timeout = guest_time_ns() + 10000000 };
    slept = guest_time_ns();
    hc_sched_op(SCHEDOP_poll, &poll);
    slept = guest_time_ns() - slept;
    printk("10 ms poll on the timer port with a 2 ms periodic timer: back after %lu ns, "
           "port %s\n", (unsigned long)slept, port_pending() ? "pending" : "idle");
    if (guest_time_ns() + 200000 < poll.timeout)
        test_fail("the periodic timer woke a polling vCPU %lu ns before the poll's timeout",
                  (unsigned long)(poll.timeout - guest_time_ns()));
    CHECK_RC("stop_periodic_timer", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    pt.period_ns = 10;   /* below the 1 ms minimum */
    CHECK_RC("set_periodic_timer 10 ns", hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt),
             -XEN_EINVAL);
    CHECK_RC("set_periodic_timer(unmapped)",
             hc_vcpu_op(VCPUOP_set_periodic_timer, 0, (void *)0x10), -XEN_EFAULT);
}
