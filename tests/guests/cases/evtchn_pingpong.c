/*
 * evtchn_pingpong.c — an interdomain event channel between two boot-time
 * domains of this image (ours only: Xen boots just dom0 from its modules).
 *
 * How the two sides find each other (a fixed convention, no shared memory):
 * domain 0 allocates two unbound ports for remote domain 1, which on a fresh
 * domain are ports 1 ("ping") and 2 ("control"); domain 1 binds to (0, 1)
 * and (0, 2), retrying until domain 0 has allocated them.  Then NR_TRIPS
 * round trips: domain 1 sends on ping, domain 0 wakes from SCHEDOP_block,
 * consumes the event and sends back, domain 1 wakes from block in turn.
 * Every wait is a real block (events unmasked, the upcall delivered), so
 * this checks block/wake in both directions.  bind_interdomain leaves the
 * binder's new port pending (Xen does so that nothing sent before the bind
 * is lost); domain 1 checks and consumes that first.  Finally domain 1 closes its
 * ping port and reports that over the control channel while staying alive;
 * domain 0 must then see its ping port as unbound (remote domain 1) — the
 * close, not the death of domain 1, unbinds it — and a send on it is
 * silently dropped (0).  Domain 0 gives the verdict.
 */
#include "guest.h"

const char test_title[] = "interdomain event channel ping-pong with block/wake";

#define NR_TRIPS 200


static void domain0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct evtchn_status st;
    evtchn_port_t ping, ctl;
    unsigned long blocks = 0, ev0 = nr_events;
    long rc;

    CHECK_RC("alloc_unbound ping", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    ping = au.port;
    CHECK_RC("alloc_unbound control", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    ctl = au.port;
    if (ping != 1 || ctl != 2) {
        test_fail("ports %u/%u instead of the convention's 1/2", ping, ctl);
        return;
    }
    printk("pingpong: dom0 ports ping=%u control=%u\n", ping, ctl);
    for (unsigned int i = 0; i < NR_TRIPS; i++) {
        rc = evtchn_wait(ping, &blocks);
        if (rc) {
            test_fail("block returned %ld", rc);
            return;
        }
        rc = hc_evtchn_send(ping);
        if (rc) {
            test_fail("send back on trip %u: %ld", i, rc);
            return;
        }
    }
    printk("pingpong: dom0 answered %u pings, blocked %lu times, %lu upcalls\n",
           NR_TRIPS, blocks, nr_events - ev0);
    if (blocks == 0 || nr_events == ev0)
        test_fail("never blocked / no upcall: the wake path was not exercised");

    /* Domain 1 closes its end, then says so on the control channel. */
    rc = evtchn_wait(ctl, &blocks);
    CHECK_RC("control event", rc, 0);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = ping };
    CHECK_RC("status of ping", hc_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK_RC("ping after the peer closed: status", st.status, EVTCHNSTAT_unbound);
    CHECK_RC("ping after the peer closed: remote dom", st.u.unbound.dom, 1);
    CHECK_RC("send on the unbound port (dropped)", hc_evtchn_send(ping), 0);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = ctl };
    CHECK_RC("status of control", hc_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK_RC("control still interdomain", st.status, EVTCHNSTAT_interdomain);
    CHECK_RC("control peer", st.u.interdomain.dom, 1);
}

static void domain1(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    struct evtchn_close cl;
    struct evtchn_status st;
    evtchn_port_t ping, ctl;
    unsigned long blocks = 0;
    uint64_t t0, t1;
    long rc = -1;

    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    ping = bi.local_port;
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 0, .remote_port = 2 };
    for (int i = 0; i < 100000 && (rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)); i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    if (rc) {
        printk("pingpong: dom1 could not bind: %ld\n", rc);
        guest_shutdown(SHUTDOWN_crash);
    }
    ctl = bi.local_port;
    printk("pingpong: dom1 bound ping=%u control=%u\n", ping, ctl);
    /* bind_interdomain leaves the new local port pending (as Xen: events
     * sent before the bind are not lost); consume those so that every wait
     * below is for the peer's answer. */
    if (!evtchn_test_and_clear(ping) || !evtchn_test_and_clear(ctl)) {
        printk("pingpong: dom1: a freshly bound port is not pending\n");
        guest_shutdown(SHUTDOWN_crash);   /* domain 0 then times out: FAIL */
    }
    t0 = rdtsc();
    for (unsigned int i = 0; i < NR_TRIPS; i++) {
        if (hc_evtchn_send(ping) || evtchn_wait(ping, &blocks)) {
            printk("pingpong: dom1 send/block failed on trip %u\n", i);
            guest_shutdown(SHUTDOWN_crash);
        }
    }
    t1 = rdtsc();
    printk("pingpong: dom1 %u round trips, %lu cycles each, blocked %lu times\n",
           NR_TRIPS, (unsigned long)((t1 - t0) / NR_TRIPS), blocks);
    cl.port = ping;
    rc = hc_event_channel_op(EVTCHNOP_close, &cl);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = ping };
    hc_event_channel_op(EVTCHNOP_status, &st);
    printk("pingpong: dom1 closed ping: %ld, status now %u\n", rc, st.status);
    hc_evtchn_send(ctl);
    /* Stay alive until domain 0 powers the machine off. */
    for (;;)
        hc_sched_op(SCHEDOP_block, NULL);
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN)
        domain0();
    else
        domain1();
}
