/*
 * two_domains.c — two domains run and are both scheduled (ours only: Xen
 * boots just dom0 from its modules; our hypervisor boots this same image
 * twice, as domain 0 and domain 1).
 *
 * The role comes from start_info: the initial domain allocates an unbound
 * event channel for domain 1 (port 1, the first free one) and waits for
 * NR_PINGS events on it, polling with a timeout; domain 1 binds to it
 * (retrying until domain 0 has allocated it) and sends NR_PINGS events,
 * yielding between sends, then powers off without a verdict.  Only domain 0
 * prints the verdict, so the log holds exactly one.  Progress from each side
 * shows both were scheduled; a hypervisor that runs only one domain, or runs
 * them strictly one after the other, fails (domain 0 times out).
 */
#include "guest.h"

const char test_title[] = "two domains scheduled";

#define NR_PINGS 10
#define WAIT_NS  20000000000ULL   /* 20 s of guest time in total */


static uint64_t now_ns(void)
{
    return guest_time_ns();
}

static void domain0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct sched_poll poll;
    uint32_t port;
    uint64_t deadline;
    unsigned int got = 0;
    long rc;

    rc = hc_event_channel_op(EVTCHNOP_alloc_unbound, &au);
    CHECK_RC("alloc_unbound for domain 1", rc, 0);
    if (rc)
        return;
    port = au.port;
    printk("two_domains: dom0 waiting on port %u\n", port);
    deadline = now_ns() + WAIT_NS;
    while (got < NR_PINGS && now_ns() < deadline) {
        unsigned long *pend = &shared_info->evtchn_pending[port / 64];

        poll = (struct sched_poll){ .ports.p = &port, .nr_ports = 1,
                                    .timeout = now_ns() + 100000000ULL };
        hc_sched_op(SCHEDOP_poll, &poll);
        if (__atomic_fetch_and(pend, ~(1UL << (port % 64)), __ATOMIC_SEQ_CST) &
            (1UL << (port % 64))) {
            got++;
            printk("two_domains: dom0 got ping %u\n", got);
        }
    }
    if (got < NR_PINGS)
        test_fail("only %u of %u events from domain 1 arrived", got, NR_PINGS);
}

static void domain1(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    struct evtchn_send s;
    long rc = -1;

    for (int i = 0; i < 100000 && rc; i++) {
        rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
        if (rc)
            hc_sched_op(SCHEDOP_yield, NULL);
    }
    if (rc) {
        printk("two_domains: dom1 could not bind to dom0 port 1: %ld\n", rc);
        guest_shutdown(SHUTDOWN_crash);
    }
    s.port = bi.local_port;
    for (int i = 1; i <= NR_PINGS; i++) {
        printk("two_domains: dom1 ping %d\n", i);
        hc_event_channel_op(EVTCHNOP_send, &s);
        for (int y = 0; y < 20; y++)
            hc_sched_op(SCHEDOP_yield, NULL);
    }
    guest_shutdown(SHUTDOWN_poweroff);   /* no verdict: domain 0 gives it */
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN)
        domain0();
    else
        domain1();
}
