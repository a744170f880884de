/*
 * sched_op.c — SCHEDOP_yield; SCHEDOP_block, which must unmask events
 * atomically and return once the bound timer VIRQ fires (the upcall is
 * delivered on the way back); SCHEDOP_poll on a pending port (returns at once),
 * on an idle port with a timeout (returns when it expires), and its error
 * paths; -EFAULT for a bad shutdown argument; -ENOSYS for unknown commands.
 */
#include "guest.h"

const char test_title[] = "sched_op yield/block/poll/shutdown args";

static uint64_t now_ns(void)
{
    return guest_time_ns();
}

static bool pending(uint32_t port)
{
    return (shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void clear_pending(uint32_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

void test_main(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct vcpu_set_singleshot_timer st;
    struct sched_poll poll;
    evtchn_port_t port, ports[2];
    unsigned long ev0;
    long rc;

    CHECK_RC("yield", hc_sched_op(SCHEDOP_yield, NULL), 0);
    CHECK_RC("unknown command", hc_sched_op(100, NULL), -XEN_ENOSYS);
    CHECK_RC("shutdown with unmapped argument", hc_sched_op(SCHEDOP_shutdown, (void *)0x10),
             -XEN_EFAULT);

    /* Xen starts PV vCPUs with a periodic timer; it would wake block early. */
    CHECK_RC("stop_periodic_timer", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    rc = hc_event_channel_op(EVTCHNOP_bind_virq, &bv);
    CHECK_RC("bind VIRQ_TIMER", rc, 0);
    if (rc)
        return;
    port = bv.port;

    /* block: sleeps until the timer fires, returns with the upcall delivered.
     * Nothing may be pending beforehand, or block returns at once. */
    vcpu0->evtchn_upcall_pending = 0;
    vcpu0->evtchn_pending_sel = 0;
    clear_pending(port);
    ev0 = nr_events;
    st.timeout_abs_ns = now_ns() + 5000000;
    st.flags = 0;
    CHECK_RC("set_singleshot_timer", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    rc = hc_sched_op(SCHEDOP_block, NULL);
    CHECK_RC("block", rc, 0);
    /* 0.2 ms of slack: our pvclock extrapolation vs the hypervisor's clock */
    if (now_ns() + 200000 < st.timeout_abs_ns)
        test_fail("block returned %lu ns before the timer's deadline",
                  (unsigned long)(st.timeout_abs_ns - now_ns()));
    if (nr_events == ev0)
        test_fail("block returned without an event upcall");
    if (vcpu0->evtchn_upcall_mask)
        test_fail("events still masked after block");
    vcpu0->evtchn_upcall_mask = 1;
    if (!pending(port))
        test_fail("timer port %u not pending after block", port);

    /* poll a pending port: immediate */
    ports[0] = port;
    poll = (struct sched_poll){ .ports.p = ports, .nr_ports = 1, .timeout = 0 };
    CHECK_RC("poll pending port", hc_sched_op(SCHEDOP_poll, &poll), 0);

    /* poll an idle port with a timeout: returns when it expires */
    clear_pending(port);
    poll.timeout = now_ns() + 3000000;
    CHECK_RC("poll idle port with timeout", hc_sched_op(SCHEDOP_poll, &poll), 0);
    if (now_ns() + 200000 < poll.timeout)
        test_fail("poll returned %lu ns before its timeout",
                  (unsigned long)(poll.timeout - now_ns()));

    poll.nr_ports = 129;
    CHECK_RC("poll 129 ports", hc_sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL);
    poll.nr_ports = 1;
    poll.ports.p = (evtchn_port_t *)0x10;
    CHECK_RC("poll unmapped port list", hc_sched_op(SCHEDOP_poll, &poll), -XEN_EFAULT);
    ports[0] = 100000;
    poll.ports.p = ports;
    poll.timeout = now_ns() + 1000000;
    CHECK_RC("poll port beyond range", hc_sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL);
    CHECK_RC("poll with unmapped argument", hc_sched_op(SCHEDOP_poll, (void *)0x10),
             -XEN_EFAULT);
}
