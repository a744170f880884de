/*
 * fuzz_domu.c — the hypercall fuzzer (fuzz.c's loop) as an unprivileged
 * domain beside a working dom0: two boot-time domains of this image (ours
 * only: Xen boots only dom0 from its modules).  Domain 1 fuzzes, then
 * checks itself and reports over an event channel (port 1: intact, port 2:
 * something failed).  Domain 0 meanwhile proves it is served: every round
 * it checks a canary page, answers a hypercall whose result it knows
 * (xen_version, its own reservation), sends itself an event and sees it
 * pending; it gives the verdict when domain 1 reports.  Only the fuzzing
 * domain may be hurt: its own failures are reported as such, dom0's
 * service must never stop.
 *
 * fuzz_domu_long.c is the same with 10^6 calls (`make fuzz-long`).
 */
#define FUZZ_NO_MAIN
#include "fuzz.c"
#include <public/memory.h>

#ifndef FUZZ_TITLE
#define FUZZ_TITLE "hypercall fuzzer as a domU, dom0 keeps being served"
#endif
const char test_title[] = FUZZ_TITLE;

static char canary[4096] __aligned(4096);

static void fuzzer(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    evtchn_port_t ok, bad;
    struct evtchn_send s;
    long rc = -1;

    /* dom0 allocates port 1, then port 2: this domain may run in between,
     * so each bind waits for its port. */
    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc)
        guest_shutdown(SHUTDOWN_crash);
    ok = bi.local_port;
    bi.remote_port = 2;
    rc = -1;
    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc)
        guest_shutdown(SHUTDOWN_crash);
    bad = bi.local_port;
    fuzz_run();
    /* fuzz_run's checks failed if any test_fail happened: tell dom0. */
    s.port = test_failed() ? bad : ok;
    hc_event_channel_op(EVTCHNOP_send, &s);
    for (;;)
        hc_sched_op(SCHEDOP_block, NULL);
}

static void served_dom0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    long version = hc_xen_version(XENVER_version, NULL);
    domid_t self = DOMID_SELF;
    evtchn_port_t ports[2];
    unsigned long rounds = 0, sum0 = 0, sum, reservation;
    uint64_t deadline, next = 0, start;
    struct sched_poll poll;

    for (int i = 0; i < 2; i++) {
        CHECK_RC("alloc_unbound", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
        ports[i] = au.port;
    }
    if (ports[0] != 1 || ports[1] != 2) {
        test_fail("ports %u/%u, not the convention's 1/2", ports[0], ports[1]);
        return;
    }
    CHECK_RC("bind_ipi", hc_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
    reservation = hc_memory_op(XENMEM_current_reservation, &self);
    for (int i = 0; i < 4096; i++) {
        canary[i] = (char)(i * 13 + 1);
        sum0 += (unsigned char)canary[i];
    }
    start = guest_time_ns();
    deadline = start + 600000000000ULL;         /* 10 min: 10^6 calls under load */
    while (guest_time_ns() < deadline) {
        struct evtchn_send s = { .port = ipi.port };

        sum = 0;
        for (int i = 0; i < 4096; i++)
            sum += (unsigned char)canary[i];
        if (sum != sum0) {
            test_fail("dom0's canary page changed");
            return;
        }
        if (hc_xen_version(XENVER_version, NULL) != version ||
            (unsigned long)hc_memory_op(XENMEM_current_reservation, &self) != reservation) {
            test_fail("dom0's hypercalls answer differently in round %lu", rounds);
            return;
        }
        if (hc_event_channel_op(EVTCHNOP_send, &s) != 0 || !evtchn_test_and_clear(ipi.port)) {
            test_fail("dom0's event to itself was lost in round %lu", rounds);
            return;
        }
        rounds++;
        if (guest_time_ns() >= next) {
            printk("fuzz_domu: dom0 served, round %lu\n", rounds);
            next = guest_time_ns() + 500000000;
        }
        if (evtchn_test_and_clear(ports[0]) || evtchn_test_and_clear(ports[1])) {
            bool good = !evtchn_test_and_clear(ports[1]);

            printk("fuzz_domu: domain 1 finished after %lu ms; dom0 ran %lu rounds meanwhile\n",
                   (unsigned long)((guest_time_ns() - start) / 1000000), rounds);
            if (!good)
                test_fail("domain 1 reports it was not intact after fuzzing (see its lines)");
            if (rounds < 10)
                test_fail("dom0 ran only %lu rounds while domain 1 fuzzed", rounds);
            return;
        }
        poll = (struct sched_poll){ .ports.p = ports, .nr_ports = 2,
                                    .timeout = guest_time_ns() + 2000000 };
        hc_sched_op(SCHEDOP_poll, &poll);
    }
    test_fail("domain 1 never reported (crashed or hung: see its lines)");
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN)
        served_dom0();
    else
        fuzzer();
}
