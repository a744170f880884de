/*
 * evtchn_storm_xdom.c — a hostile domain 1 storms dom0 through interdomain
 * event channels (ours only, two boot-time domains of this image, two
 * pCPUs so that both really run at once; Xen boots only dom0).
 *
 * The convention (no shared memory): dom0 allocates, for remote domain 1,
 * port 1 "flood", 2 "control", 3 "error" and 4 "churn", and binds an IPI
 * to itself (port 5).  Domain 1 binds flood, control and error (its ports
 * 1-3, retrying until dom0 has allocated them), checks that it cannot
 * reach into dom0 (status, reset, alloc_unbound there: -EPERM; binding
 * dom0's IPI or an already bound port -EINVAL, DOMID_IO or a missing
 * domain -ESRCH), then:
 *  1. sends on flood in a tight loop, then once on control; dom0 then
 *     tries EVTCHNOP_reset of the running domain 1 (-EINVAL, as Xen: only
 *     a domain its controller paused);
 *  2. binds churn, binds it again (-EINVAL: already bound), sends on it,
 *     closes it, closes it again (-EINVAL), over and over, then control;
 *  3. binds churn once more, floods flood and churn, sends on control and
 *     powers off with every channel still bound: the hypervisor destroys it.
 * Each phase's report on control waits for dom0's answer on it (a pending
 * bit cannot count two reports).  Any answer domain 1 did not expect it
 * prints and reports on "error".
 * Meanwhile dom0 keeps working: each round it sends itself an IPI (which
 * must be pending at once), asks xen_version, sends on churn (0 whatever
 * state domain 1 left it in: an unbound port drops the event) and checks
 * churn's status (unbound or interdomain, remote domain 1), then yields.
 * Once domain 1 is gone (EVTCHNOP_status naming it: -ESRCH) dom0's four
 * ports must read unbound for domain 1, as Xen leaves them when the peer
 * dies, sends on them are dropped (0), each closes once; nothing is left
 * pending on "error"; the self-IPI and xen_version still work.
 */
#include "guest.h"

const char test_title[] = "interdomain event-channel storm from a hostile domU";

enum { FLOOD = 1, CTL = 2, ERR = 3, CHURN = 4, SELF = 5 };

#define FLOOD_SENDS 20000
#define CHURN_ROUNDS 2000
#define DEADLINE_NS (120ULL * 1000000000ULL)

static long ev(unsigned int cmd, void *arg)
{
    return hc_event_channel_op(cmd, arg);
}


static long status(domid_t dom, evtchn_port_t p, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = p };
    return ev(EVTCHNOP_status, st);
}

/* ------------------------------------------------------------ domain 0 */

struct d0_counts {
    unsigned long rounds, floods, churn_seen, churn_unbound, churn_bound;
};

/* One round of dom0's own work while the storm goes on; false on a failure
 * (already reported). */
static bool d0_round(struct d0_counts *c)
{
    struct evtchn_status st;
    long rc;

    c->rounds++;
    if ((rc = hc_evtchn_send(SELF)) != 0 || !evtchn_test_and_clear(SELF)) {
        test_fail("round %lu: self-IPI: send %ld, pending %d", c->rounds, rc, 0);
        return false;
    }
    if ((rc = hc_xen_version(XENVER_version, NULL)) != 0x40011) {
        test_fail("round %lu: xen_version %#lx", c->rounds, rc);
        return false;
    }
    if ((rc = hc_evtchn_send(CHURN)) != 0) {
        test_fail("round %lu: send on churn: %ld", c->rounds, rc);
        return false;
    }
    if ((rc = status(DOMID_SELF, CHURN, &st)) != 0) {
        test_fail("round %lu: status of churn: %ld", c->rounds, rc);
        return false;
    }
    if (st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 1)
        c->churn_unbound++;
    else if (st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 1)
        c->churn_bound++;
    else {
        test_fail("round %lu: churn status %u dom %u", c->rounds, st.status,
                  st.u.unbound.dom);
        return false;
    }
    if (evtchn_test_and_clear(FLOOD))
        c->floods++;
    if (evtchn_test_and_clear(CHURN))
        c->churn_seen++;
    hc_sched_op(SCHEDOP_yield, NULL);
    return true;
}

/* Work until domain 1 sends on control; false on a failure or timeout. */
static bool d0_until_control(struct d0_counts *c, const char *phase, uint64_t deadline)
{
    while (!evtchn_test_and_clear(CTL)) {
        if (!d0_round(c))
            return false;
        if (guest_time_ns() > deadline) {
            test_fail("%s: domain 1 never reported on control", phase);
            return false;
        }
    }
    hc_evtchn_send(CTL);              /* the ack domain 1 waits for */
    printk("xstorm: %s done: %lu rounds, flood seen %lu, churn seen %lu, unbound %lu, bound %lu\n",
           phase, c->rounds, c->floods, c->churn_seen, c->churn_unbound, c->churn_bound);
    return true;
}

static void domain0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_status st;
    struct d0_counts c = { 0 };
    uint64_t deadline = guest_time_ns() + DEADLINE_NS;
    long rc;

    for (evtchn_port_t want = FLOOD; want <= CHURN; want++) {
        rc = ev(EVTCHNOP_alloc_unbound, &au);
        if (rc != 0 || au.port != want) {
            test_fail("alloc_unbound for domain 1: rc %ld port %u, expected port %u",
                      rc, au.port, want);
            return;
        }
    }
    if (ev(EVTCHNOP_bind_ipi, &bi) != 0 || bi.port != SELF) {
        test_fail("self IPI: port %u, expected %u", bi.port, SELF);
        return;
    }

    if (!d0_until_control(&c, "flood", deadline))
        return;
    /* Resetting a running domain's channels: -EINVAL (Xen wants it paused
     * by its controller), and nothing changes. */
    {
        struct evtchn_reset rs = { .dom = 1 };

        CHECK_RC("reset of running domain 1", ev(EVTCHNOP_reset, &rs), -XEN_EINVAL);
        CHECK_RC("status of flood", status(DOMID_SELF, FLOOD, &st), 0);
        CHECK_RC("flood still interdomain", st.status, EVTCHNSTAT_interdomain);
    }
    if (!d0_until_control(&c, "churn", deadline) ||
        !d0_until_control(&c, "last flood", deadline))
        return;
    if (c.floods == 0)
        test_fail("no flood event ever seen");

    /* Domain 1 powers off with its channels bound: wait until it is gone,
     * sending on our ends all along (each 0: delivered, then dropped). */
    for (;;) {
        rc = status(1, 1, &st);
        if (rc == -XEN_ESRCH)
            break;
        if (rc != 0) {
            test_fail("status of domain 1's port 1: %ld", rc);
            return;
        }
        for (evtchn_port_t p = FLOOD; p <= CHURN; p++)
            if ((rc = hc_evtchn_send(p)) != 0) {
                test_fail("send on port %u while domain 1 dies: %ld", p, rc);
                return;
            }
        hc_sched_op(SCHEDOP_yield, NULL);
        if (guest_time_ns() > deadline) {
            test_fail("domain 1 was never destroyed");
            return;
        }
    }
    printk("xstorm: domain 1 is gone\n");

    if (evtchn_test_and_clear(ERR))
        test_fail("domain 1 reported unexpected answers (see its (d1) lines)");
    for (evtchn_port_t p = FLOOD; p <= CHURN; p++) {
        CHECK_RC("status after domain 1 died", status(DOMID_SELF, p, &st), 0);
        if (st.status != EVTCHNSTAT_unbound || st.u.unbound.dom != 1)
            test_fail("port %u after domain 1 died: status %u dom %u, expected unbound for 1",
                      p, st.status, st.u.unbound.dom);
        CHECK_RC("send on the orphaned port (dropped)", hc_evtchn_send(p), 0);
        CHECK_RC("close of the orphaned port", hc_evtchn_close(p), 0);
        CHECK_RC("second close", hc_evtchn_close(p), -XEN_EINVAL);
        CHECK_RC("status after close", status(DOMID_SELF, p, &st), 0);
        CHECK_RC("closed", st.status, EVTCHNSTAT_closed);
    }
    CHECK_RC("alloc_unbound for the dead domain 1", ev(EVTCHNOP_alloc_unbound, &au), 0);
    CHECK_RC("its port is the lowest free one", au.port, FLOOD);
    CHECK_RC("close it", hc_evtchn_close(au.port), 0);
    CHECK_RC("self-IPI at the end", hc_evtchn_send(SELF), 0);
    if (!evtchn_test_and_clear(SELF))
        test_fail("the final self-IPI is not pending");
    CHECK_RC("xen_version at the end", hc_xen_version(XENVER_version, NULL), 0x40011);
}

/* ------------------------------------------------------------ domain 1 */

static bool d1_bad;

static void d1_check(const char *what, long got, long want)
{
    if (got == want)
        return;
    printk("xstorm: dom1: %s: got %ld, expected %ld\n", what, got, want);
    if (!d1_bad)
        hc_evtchn_send(ERR);
    d1_bad = true;
}

static evtchn_port_t d1_bind(evtchn_port_t remote, bool retry)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = remote };
    long rc = -1;

    for (int i = 0; i < 1000000 && rc; i++)
        if ((rc = ev(EVTCHNOP_bind_interdomain, &bi)) && retry)
            hc_sched_op(SCHEDOP_yield, NULL);
        else if (rc)
            break;
    if (rc) {
        printk("xstorm: dom1: bind to dom0 port %u: %ld\n", remote, rc);
        guest_shutdown(SHUTDOWN_crash);   /* dom0 then times out: FAIL */
    }
    return bi.local_port;
}

/* Report a phase done on control and wait for dom0's ack, so that no
 * report is merged with the next one into a single pending bit. */
static void d1_phase_done(evtchn_port_t ctl)
{
    hc_evtchn_send(ctl);
    if (evtchn_wait(ctl, NULL) != 0) {
        printk("xstorm: dom1: block failed\n");
        guest_shutdown(SHUTDOWN_crash);
    }
}

static void domain1(void)
{
    struct evtchn_bind_interdomain again = { .remote_dom = 0, .remote_port = CHURN };
    evtchn_port_t flood = d1_bind(FLOOD, true), ctl = d1_bind(CTL, true);
    evtchn_port_t err = d1_bind(ERR, true), churn;

    if (flood != 1 || ctl != 2 || err != 3) {
        printk("xstorm: dom1: ports %u/%u/%u, expected 1/2/3\n", flood, ctl, err);
        guest_shutdown(SHUTDOWN_crash);
    }
    evtchn_test_and_clear(ctl);     /* pending from the bind */
    /* Reaching into dom0: refused (Xen's XSM_TARGET checks, and only an
     * unbound port made out to us is bindable). */
    {
        struct evtchn_status st = { .dom = 0, .port = FLOOD };
        struct evtchn_reset rs = { .dom = 0 };
        struct evtchn_alloc_unbound au = { .dom = 0, .remote_dom = 1 };
        struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = SELF };

        d1_check("status of a dom0 port", ev(EVTCHNOP_status, &st), -XEN_EPERM);
        d1_check("reset of dom0", ev(EVTCHNOP_reset, &rs), -XEN_EPERM);
        d1_check("alloc_unbound in dom0", ev(EVTCHNOP_alloc_unbound, &au), -XEN_EPERM);
        d1_check("bind to dom0's own IPI", ev(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);
        bi.remote_port = ERR;
        d1_check("bind to a port already bound", ev(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);
        bi.remote_dom = DOMID_IO;
        d1_check("bind to DOMID_IO", ev(EVTCHNOP_bind_interdomain, &bi), -XEN_ESRCH);
        bi.remote_dom = 7;
        d1_check("bind to domain 7 (none)", ev(EVTCHNOP_bind_interdomain, &bi), -XEN_ESRCH);
    }
    /* 1: the flood */
    for (unsigned int i = 0; i < FLOOD_SENDS; i++)
        d1_check("send on flood", hc_evtchn_send(flood), 0);
    d1_phase_done(ctl);

    /* 2: bind/close churn while dom0 sends on it */
    for (unsigned int i = 0; i < CHURN_ROUNDS; i++) {
        churn = d1_bind(CHURN, false);
        d1_check("churn port", churn, 4);
        d1_check("bind churn again", ev(EVTCHNOP_bind_interdomain, &again), -XEN_EINVAL);
        d1_check("send on churn", hc_evtchn_send(churn), 0);
        d1_check("close churn", hc_evtchn_close(churn), 0);
        d1_check("close churn again", hc_evtchn_close(churn), -XEN_EINVAL);
        d1_check("send on closed churn", hc_evtchn_send(churn), -XEN_EINVAL);
    }
    d1_phase_done(ctl);

    /* 3: flood again, then die with everything bound */
    churn = d1_bind(CHURN, false);
    for (unsigned int i = 0; i < FLOOD_SENDS / 4; i++) {
        d1_check("send on flood", hc_evtchn_send(flood), 0);
        d1_check("send on churn", hc_evtchn_send(churn), 0);
    }
    printk("xstorm: dom1: storm over%s, powering off with its channels bound\n",
           d1_bad ? " (with unexpected answers)" : "");
    hc_evtchn_send(ctl);
    guest_shutdown(SHUTDOWN_poweroff);
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN)
        domain0();
    else
        domain1();
}
