/*
 * evtchn_storm.c — event-channel storms and state abuse by one PV domain
 * (two vCPUs, the second never brought up), each answer checked against
 * what Xen 4.17 gives:
 *  - every VIRQ on every vCPU it may be bound to, IPIs on both vCPUs and
 *    unbound ports to itself until the 2-level limit (ports 1-4095, then
 *    -ENOSPC from every kind of bind); the status of every port number
 *    (0 and the free ones closed, past 4095 -EINVAL); every port closes,
 *    a second close is -EINVAL; the same 4095 ports are handed out again;
 *  - thousands of bind+close rounds, each getting the same lowest port;
 *  - a port bound to the other (offline) vCPU: its sends reach that vCPU's
 *    selector, never ours, and closing it clears the pending bit; bind_vcpu
 *    to the offline vCPU, to vCPUs that do not exist, of IPIs, per-vCPU and
 *    global VIRQs and of closed or out-of-range ports;
 *  - unmask, send and poll of closed and out-of-range ports (unmask of a
 *    closed port is 0 and leaves its mask bit alone; poll is -EINVAL);
 *  - a send flood on a masked port, then one EVTCHNOP_unmask: exactly one
 *    upcall;
 *  - EVTCHNOP_reset of itself while ports are bound and pending: everything
 *    closed and not pending, the VIRQs bindable again, port 1 first again;
 *  - interdomain channels with itself (DOMID_SELF or its own id): both
 *    ends' status, the binder's port pending, sends both ways, one end
 *    closed leaves the other unbound (and it drops sends), 1000 rebinds
 *    of the orphan, reset with the loop bound and pending; binding a port
 *    made out to another domain, a missing domain, port 0 or 4096 refused;
 *  - FIFO: init_control, expand_array up to the last page (128 pages:
 *    2^17 ports) and -ENOSPC beyond, set_priority on closed ports
 *    (-EACCES, before the priority is looked at) and out-of-range ones
 *    (-EINVAL), a closed port still linked on a queue not handed out, a
 *    send flood on a masked FIFO port then one unmask (one upcall), then EVTCHNOP_reset back to the 2-level ABI
 *    (set_priority -ENOSYS, expand_array -EOPNOTSUPP, delivery through
 *    shared_info again), and FIFO again after that;
 *  - at the end the hypervisor still answers: xen_version, and a self-IPI
 *    delivered as one upcall.
 */
#include "guest.h"

const char test_title[] = "event-channel storms and state abuse";

#define NPORTS 4096u                 /* 2-level ABI, 64-bit guest */
#define FIFO_PAGES 128u              /* 2^17 ports / 1024 words a page */

static uint8_t cb_page[4096] __aligned(4096);
static event_word_t fifo_array[FIFO_PAGES][1024] __aligned(4096);

/* What each port must report (EVTCHNSTAT_*, vCPU, VIRQ). */
static uint8_t want_stat[NPORTS];
static uint8_t want_vcpu[NPORTS];
static uint8_t want_virq[NPORTS];

static long ev(unsigned int cmd, void *arg)
{
    return hc_event_channel_op(cmd, arg);
}

static long bind_ipi(uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu, .port = ~0u };
    long rc = ev(EVTCHNOP_bind_ipi, &b);

    *port = b.port;
    return rc;
}

static long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = ~0u };
    long rc = ev(EVTCHNOP_bind_virq, &b);

    *port = b.port;
    return rc;
}

static long alloc_self(uint32_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF, .port = ~0u };
    long rc = ev(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}


static long ev_unmask(uint32_t port)
{
    struct evtchn_unmask u = { .port = port };

    return ev(EVTCHNOP_unmask, &u);
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return ev(EVTCHNOP_bind_vcpu, &b);
}

static long ev_status(uint32_t port, struct evtchn_status *s)
{
    memset(s, 0xa5, sizeof(*s));
    s->dom = DOMID_SELF;
    s->port = port;
    return ev(EVTCHNOP_status, s);
}

static long ev_reset(domid_t dom)
{
    struct evtchn_reset r = { .dom = dom };

    return ev(EVTCHNOP_reset, &r);
}

static long set_prio(uint32_t port, uint32_t prio)
{
    struct evtchn_set_priority sp = { .port = port, .priority = prio };

    return ev(EVTCHNOP_set_priority, &sp);
}

static bool pending(uint32_t port)
{
    return (ACCESS_ONCE(shared_info->evtchn_pending[port / 64]) >> (port % 64)) & 1;
}

static void set_mask(uint32_t port, bool on)
{
    if (on)
        __atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&shared_info->evtchn_mask[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

/* Forget every pending event and selector bit (events stay masked). */
static void clear_all_pending(void)
{
    for (unsigned int i = 0; i < NPORTS / 64; i++)
        __atomic_store_n(&shared_info->evtchn_pending[i], 0, __ATOMIC_SEQ_CST);
    for (unsigned int v = 0; v < 2; v++) {
        __atomic_store_n(&shared_info->vcpu_info[v].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        shared_info->vcpu_info[v].evtchn_upcall_pending = 0;
    }
}

/* Check one port's status against want_*; false (and a failure) if not. */
static bool check_status(uint32_t port, const char *when)
{
    struct evtchn_status s;
    long rc = ev_status(port, &s);

    if (rc != 0) {
        test_fail("%s: status of port %u: %ld", when, port, rc);
        return false;
    }
    if (s.status != want_stat[port] || s.vcpu != want_vcpu[port] ||
        (s.status == EVTCHNSTAT_virq && s.u.virq != want_virq[port]) ||
        (s.status == EVTCHNSTAT_unbound && s.u.unbound.dom != 0)) {
        test_fail("%s: port %u: status %u vcpu %u u %#x, expected status %u vcpu %u virq %u",
                  when, port, s.status, s.vcpu, s.u.virq, want_stat[port],
                  want_vcpu[port], want_virq[port]);
        return false;
    }
    return true;
}

static bool virq_global(uint32_t virq)
{
    return !(virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
             virq == VIRQ_XENPMU);
}

/*
 * Fill the port space: every VIRQ on vCPU 0, the per-vCPU ones on vCPU 1,
 * an IPI on each vCPU, then unbound ports until -ENOSPC.  Returns how many
 * ports it got.
 */
static unsigned int fill_ports(void)
{
    unsigned int n = 0;
    uint32_t port;
    long rc;

    memset(want_stat, EVTCHNSTAT_closed, sizeof(want_stat));
    memset(want_vcpu, 0, sizeof(want_vcpu));
    for (uint32_t virq = 0; virq < NR_VIRQS; virq++) {
        for (uint32_t vcpu = 0; vcpu < 2; vcpu++) {
            rc = bind_virq(virq, vcpu, &port);
            if (vcpu == 1 && virq_global(virq)) {
                CHECK_RC("bind_virq of a global VIRQ on vCPU 1", rc, -XEN_EINVAL);
                continue;
            }
            if (rc != 0 || port == 0 || port >= NPORTS) {
                test_fail("bind_virq(%u, vCPU %u): rc %ld port %u", virq, vcpu, rc, port);
                continue;
            }
            want_stat[port] = EVTCHNSTAT_virq;
            want_vcpu[port] = (uint8_t)vcpu;
            want_virq[port] = (uint8_t)virq;
            n++;
            CHECK_RC("bind_virq again", bind_virq(virq, vcpu, &port), -XEN_EEXIST);
        }
    }
    CHECK_RC("bind_virq(NR_VIRQS)", bind_virq(NR_VIRQS, 0, &port), -XEN_EINVAL);
    CHECK_RC("bind_virq(~0)", bind_virq(~0u, 0, &port), -XEN_EINVAL);
    CHECK_RC("bind_virq(timer, vCPU 2)", bind_virq(VIRQ_TIMER, 2, &port), -XEN_ENOENT);
    CHECK_RC("bind_virq(timer, vCPU 4096)", bind_virq(VIRQ_TIMER, 4096, &port), -XEN_ENOENT);
    CHECK_RC("bind_ipi(vCPU 2)", bind_ipi(2, &port), -XEN_ENOENT);
    CHECK_RC("bind_ipi(vCPU ~0)", bind_ipi(~0u, &port), -XEN_ENOENT);
    for (uint32_t vcpu = 0; vcpu < 2; vcpu++) {
        rc = bind_ipi(vcpu, &port);
        if (rc != 0 || port == 0 || port >= NPORTS) {
            test_fail("bind_ipi(vCPU %u): rc %ld port %u", vcpu, rc, port);
            continue;
        }
        want_stat[port] = EVTCHNSTAT_ipi;
        want_vcpu[port] = (uint8_t)vcpu;
        n++;
    }
    for (;;) {
        rc = alloc_self(&port);
        if (rc != 0)
            break;
        if (port == 0 || port >= NPORTS || want_stat[port] != EVTCHNSTAT_closed) {
            test_fail("alloc_unbound gave port %u (already in use or out of range)", port);
            break;
        }
        want_stat[port] = EVTCHNSTAT_unbound;
        n++;
    }
    CHECK_RC("alloc_unbound at the limit", rc, -XEN_ENOSPC);
    CHECK_RC("alloc_unbound at the limit, again", alloc_self(&port), -XEN_ENOSPC);
    CHECK_RC("bind_ipi at the limit", bind_ipi(0, &port), -XEN_ENOSPC);
    return n;
}

/* Close every port 1..4095: 0 each time (all were in use), then -EINVAL. */
static void close_all(const char *when)
{
    unsigned int bad = 0;

    for (uint32_t port = 1; port < NPORTS; port++) {
        long rc = hc_evtchn_close(port);

        if (rc != 0 && bad++ < 5)
            test_fail("%s: close(%u) = %ld", when, port, rc);
        want_stat[port] = EVTCHNSTAT_closed;
        want_vcpu[port] = 0;
    }
    for (uint32_t port = 1; port < NPORTS; port += 97)
        CHECK_RC("double close", hc_evtchn_close(port), -XEN_EINVAL);
}

static void limits(void)
{
    struct evtchn_status s;
    unsigned int n, bad = 0;
    uint32_t port;

    n = fill_ports();
    printk("filled %u ports\n", n);
    if (n != NPORTS - 1)
        test_fail("%u ports before -ENOSPC, expected %u", n, NPORTS - 1);

    /* Every port number: 0 is reserved (closed), the rest as bound. */
    for (port = 0; port < NPORTS; port++)
        if (!check_status(port, "full") && ++bad >= 5)
            break;
    CHECK_RC("status(4096)", ev_status(NPORTS, &s), -XEN_EINVAL);
    CHECK_RC("status(1<<17)", ev_status(1u << 17, &s), -XEN_EINVAL);
    CHECK_RC("status(~0)", ev_status(~0u, &s), -XEN_EINVAL);
    CHECK_RC("status(unmapped)", ev(EVTCHNOP_status, (void *)0x10), -XEN_EFAULT);
    CHECK_RC("close(0)", hc_evtchn_close(0), -XEN_EINVAL);
    CHECK_RC("close(4096)", hc_evtchn_close(NPORTS), -XEN_EINVAL);
    CHECK_RC("close(~0)", hc_evtchn_close(~0u), -XEN_EINVAL);

    close_all("after the fill");
    bad = 0;
    for (port = 0; port < NPORTS; port++)
        if (!check_status(port, "all closed") && ++bad >= 5)
            break;

    /* The same ports again, lowest first. */
    for (port = 1; port < NPORTS; port++) {
        uint32_t got;
        long rc = alloc_self(&got);

        if (rc != 0 || got != port) {
            test_fail("reuse: alloc_unbound #%u: rc %ld port %u", port, rc, got);
            break;
        }
    }
    CHECK_RC("reuse: alloc_unbound at the limit", alloc_self(&port), -XEN_ENOSPC);
    close_all("after the reuse");
}

static void loops(void)
{
    unsigned int bad = 0;
    uint32_t port, first = 0;

    for (unsigned int i = 0; i < 3000 && bad < 5; i++) {
        long rc = bind_ipi(i & 1, &port);

        if (i == 0)
            first = port;
        if (rc != 0 || port != first) {
            test_fail("bind_ipi round %u: rc %ld port %u (first %u)", i, rc, port, first);
            bad++;
        }
        if ((rc = hc_evtchn_close(port)) != 0) {
            test_fail("close round %u: %ld", i, rc);
            bad++;
        }
    }
    for (unsigned int i = 0; i < 3000 && bad < 5; i++) {
        /* a per-vCPU VIRQ on either vCPU and a global one, in turn */
        uint32_t virq = (i % 3 == 2) ? VIRQ_CON_RING : VIRQ_DEBUG;
        long rc = bind_virq(virq, (i % 3 == 1), &port);

        if (rc != 0 || port != first) {
            test_fail("bind_virq round %u: rc %ld port %u (first %u)", i, rc, port, first);
            bad++;
        }
        if ((rc = hc_evtchn_close(port)) != 0) {
            test_fail("close round %u: %ld", i, rc);
            bad++;
        }
    }
    printk("6000 bind+close rounds, port %u each time\n", first);
}

static void state_abuse(void)
{
    struct vcpu_info *v1 = &shared_info->vcpu_info[1];
    struct evtchn_status s;
    unsigned long ev0;
    uint32_t p1, pu, pv, pg, pi;

    clear_all_pending();

    /* An IPI to the offline vCPU 1: its selector, not ours; close clears. */
    CHECK_RC("bind_ipi(vCPU 1)", bind_ipi(1, &p1), 0);
    CHECK_RC("send to vCPU 1", hc_evtchn_send(p1), 0);
    if (!pending(p1))
        test_fail("IPI to vCPU 1 not pending");
    if (!(v1->evtchn_pending_sel & (1UL << (p1 / 64))) || !v1->evtchn_upcall_pending)
        test_fail("IPI to vCPU 1 did not reach its selector / upcall_pending");
    if (vcpu0->evtchn_pending_sel || vcpu0->evtchn_upcall_pending)
        test_fail("IPI to vCPU 1 raised vCPU 0's selector");
    CHECK_RC("close of a port bound to vCPU 1", hc_evtchn_close(p1), 0);
    if (pending(p1))
        test_fail("closing a pending port left it pending");
    CHECK_RC("send after close", hc_evtchn_send(p1), -XEN_EINVAL);
    clear_all_pending();

    /* bind_vcpu */
    CHECK_RC("alloc_unbound", alloc_self(&pu), 0);
    CHECK_RC("bind_vcpu(unbound, offline vCPU 1)", bind_vcpu(pu, 1), 0);
    CHECK_RC("status", ev_status(pu, &s), 0);
    if (s.status != EVTCHNSTAT_unbound || s.vcpu != 1)
        test_fail("unbound port moved to vCPU 1: status %u vcpu %u", s.status, s.vcpu);
    CHECK_RC("bind_vcpu(unbound, vCPU 2)", bind_vcpu(pu, 2), -XEN_ENOENT);
    CHECK_RC("bind_vcpu(unbound, vCPU 4096)", bind_vcpu(pu, 4096), -XEN_ENOENT);
    CHECK_RC("bind_vcpu(unbound, vCPU ~0)", bind_vcpu(pu, ~0u), -XEN_ENOENT);
    CHECK_RC("bind_ipi", bind_ipi(0, &pi), 0);
    CHECK_RC("bind_vcpu(IPI)", bind_vcpu(pi, 1), -XEN_EINVAL);
    CHECK_RC("bind_virq(debug)", bind_virq(VIRQ_DEBUG, 0, &pv), 0);
    CHECK_RC("bind_vcpu(per-vCPU VIRQ)", bind_vcpu(pv, 1), -XEN_EINVAL);
    CHECK_RC("bind_virq(dom_exc)", bind_virq(VIRQ_DOM_EXC, 0, &pg), 0);
    CHECK_RC("bind_vcpu(global VIRQ, vCPU 1)", bind_vcpu(pg, 1), 0);
    CHECK_RC("status", ev_status(pg, &s), 0);
    if (s.status != EVTCHNSTAT_virq || s.vcpu != 1 || s.u.virq != VIRQ_DOM_EXC)
        test_fail("global VIRQ moved to vCPU 1: status %u vcpu %u virq %u",
                  s.status, s.vcpu, s.u.virq);
    CHECK_RC("bind_vcpu(global VIRQ, vCPU 2)", bind_vcpu(pg, 2), -XEN_ENOENT);
    CHECK_RC("bind_vcpu(closed port)", bind_vcpu(pg + 1, 0), -XEN_EINVAL);
    CHECK_RC("bind_vcpu(port 0)", bind_vcpu(0, 0), -XEN_EINVAL);
    CHECK_RC("bind_vcpu(port 4096)", bind_vcpu(NPORTS, 0), -XEN_EINVAL);
    CHECK_RC("bind_vcpu(port 4096, vCPU 2)", bind_vcpu(NPORTS, 2), -XEN_ENOENT);

    /* unmask / send of closed and out-of-range ports */
    /* a closed port is left alone: its mask bit stays set */
    set_mask(pg + 1, true);
    CHECK_RC("unmask(closed)", ev_unmask(pg + 1), 0);
    if (!(shared_info->evtchn_mask[(pg + 1) / 64] & (1UL << ((pg + 1) % 64))))
        test_fail("unmask of a closed port cleared its mask bit");
    set_mask(pg + 1, false);
    CHECK_RC("unmask(port 0)", ev_unmask(0), 0);
    CHECK_RC("unmask(4096)", ev_unmask(NPORTS), -XEN_EINVAL);
    CHECK_RC("unmask(~0)", ev_unmask(~0u), -XEN_EINVAL);
    CHECK_RC("send(closed)", hc_evtchn_send(pg + 1), -XEN_EINVAL);
    {
        /* polling a closed port (its bucket exists): refused at once; the
         * 2 ms timeout only bounds a wrong answer */
        evtchn_port_t pp[1] = { pg + 1 };
        struct sched_poll poll = { .ports.p = pp, .nr_ports = 1,
                                   .timeout = guest_time_ns() + 2000000 };

        CHECK_RC("poll(closed port)", hc_sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL);
        vcpu0->evtchn_upcall_mask = 1;
    }
    CHECK_RC("send(port 0)", hc_evtchn_send(0), -XEN_EINVAL);
    CHECK_RC("send(4096)", hc_evtchn_send(NPORTS), -XEN_EINVAL);
    CHECK_RC("send(unbound)", hc_evtchn_send(pu), 0);
    CHECK_RC("send(VIRQ)", hc_evtchn_send(pv), -XEN_EINVAL);
    if (pending(pu) || pending(pv))
        test_fail("send of an unbound port or VIRQ made it pending");

    /* a flood on a masked port, then one unmask: exactly one upcall */
    clear_all_pending();
    set_mask(pi, true);
    vcpu0->evtchn_upcall_mask = 0;
    ev0 = nr_events;
    for (unsigned int i = 0; i < 5000; i++)
        if (hc_evtchn_send(pi) != 0) {
            test_fail("send #%u on the masked port failed", i);
            break;
        }
    if (nr_events != ev0)
        test_fail("%lu upcalls during the masked flood", nr_events - ev0);
    if (!pending(pi))
        test_fail("masked port not pending after the flood");
    CHECK_RC("unmask after the flood", ev_unmask(pi), 0);
    hc_xen_version(XENVER_version, NULL);
    hc_xen_version(XENVER_version, NULL);
    vcpu0->evtchn_upcall_mask = 1;
    if (nr_events != ev0 + 1)
        test_fail("%lu upcalls after the flood and one unmask, expected 1", nr_events - ev0);

    /* reset of itself with ports bound and pending */
    clear_all_pending();
    CHECK_RC("bind_ipi(vCPU 1)", bind_ipi(1, &p1), 0);
    CHECK_RC("send(IPI)", hc_evtchn_send(pi), 0);
    CHECK_RC("send(IPI vCPU 1)", hc_evtchn_send(p1), 0);
    if (!pending(pi) || !pending(p1))
        test_fail("IPIs not pending before the reset");
    CHECK_RC("reset(domain 1)", ev_reset(1), -XEN_ESRCH);
    CHECK_RC("reset(DOMID_SELF)", ev_reset(DOMID_SELF), 0);
    {
        uint32_t ports[] = { pu, pi, pv, pg, p1 };

        for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
            CHECK_RC("status after reset", ev_status(ports[i], &s), 0);
            if (s.status != EVTCHNSTAT_closed || s.vcpu != 0)
                test_fail("port %u after reset: status %u vcpu %u", ports[i], s.status, s.vcpu);
            if (pending(ports[i]))
                test_fail("port %u still pending after reset", ports[i]);
        }
    }
    CHECK_RC("send after reset", hc_evtchn_send(pi), -XEN_EINVAL);
    CHECK_RC("bind_virq(debug) after reset", bind_virq(VIRQ_DEBUG, 0, &pv), 0);
    if (pv != 1)
        test_fail("first port after reset is %u, expected 1", pv);
    CHECK_RC("bind_virq(dom_exc) after reset", bind_virq(VIRQ_DOM_EXC, 0, &pg), 0);
    CHECK_RC("reset(DOMID_SELF) again", ev_reset(DOMID_SELF), 0);
    CHECK_RC("reset(own id 0)", ev_reset(0), 0);
    set_mask(pi, false);
    clear_all_pending();
}

static long bind_inter(domid_t rdom, uint32_t rport, uint32_t *port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom, .remote_port = rport,
                                         .local_port = ~0u };
    long rc = ev(EVTCHNOP_bind_interdomain, &b);

    *port = b.local_port;
    return rc;
}

static void expect_inter(uint32_t port, uint32_t peer, const char *when)
{
    struct evtchn_status s;

    CHECK_RC("status", ev_status(port, &s), 0);
    if (s.status != EVTCHNSTAT_interdomain || s.u.interdomain.dom != 0 ||
        s.u.interdomain.port != peer)
        test_fail("%s: port %u status %u dom %u port %u, expected interdomain (0, %u)",
                  when, port, s.status, s.u.interdomain.dom, s.u.interdomain.port, peer);
}

static void expect_unbound(uint32_t port, domid_t remote, const char *when)
{
    struct evtchn_status s;

    CHECK_RC("status", ev_status(port, &s), 0);
    if (s.status != EVTCHNSTAT_unbound || s.u.unbound.dom != remote)
        test_fail("%s: port %u status %u dom %u, expected unbound for %u",
                  when, port, s.status, s.u.unbound.dom, remote);
}

/*
 * Interdomain channels of the domain with itself (Xen allows them: DOMID_SELF
 * or its own id as the remote), bound and closed over and over, and the
 * errors of binding to what is not an unbound port made out to us.
 */
static void loopback(void)
{
    struct evtchn_alloc_unbound a = { .dom = 5, .remote_dom = DOMID_SELF };
    uint32_t p, q, r, x;
    unsigned int bad = 0;

    clear_all_pending();
    CHECK_RC("alloc_unbound in domain 5 (none)", ev(EVTCHNOP_alloc_unbound, &a), -XEN_ESRCH);
    a = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = 5 };
    CHECK_RC("alloc_unbound for remote domain 5 (none)", ev(EVTCHNOP_alloc_unbound, &a), 0);
    x = a.port;
    expect_unbound(x, 5, "made out to domain 5");
    CHECK_RC("bind to a port made out to domain 5", bind_inter(DOMID_SELF, x, &q), -XEN_EINVAL);
    CHECK_RC("bind to domain 5 (none)", bind_inter(5, 1, &q), -XEN_ESRCH);
    CHECK_RC("bind to port 4096", bind_inter(DOMID_SELF, NPORTS, &q), -XEN_EINVAL);
    CHECK_RC("bind to port 0", bind_inter(DOMID_SELF, 0, &q), -XEN_EINVAL);

    CHECK_RC("alloc_unbound to self", alloc_self(&p), 0);
    CHECK_RC("bind_interdomain to self", bind_inter(DOMID_SELF, p, &q), 0);
    expect_inter(p, q, "loopback");
    expect_inter(q, p, "loopback");
    if (!pending(q) || pending(p))
        test_fail("after the bind: binder's port %u pending %d, other %u pending %d (expected 1/0)",
                  q, pending(q), p, pending(p));
    clear_all_pending();
    CHECK_RC("send on one end", hc_evtchn_send(q), 0);
    if (!pending(p) || pending(q))
        test_fail("send on %u: peer %u not pending, or itself pending", q, p);
    clear_all_pending();
    CHECK_RC("send on the other end", hc_evtchn_send(p), 0);
    if (!pending(q))
        test_fail("send on %u: peer %u not pending", p, q);
    CHECK_RC("bind to a bound port", bind_inter(DOMID_SELF, p, &r), -XEN_EINVAL);
    CHECK_RC("bind to a bound port by own id", bind_inter(0, q, &r), -XEN_EINVAL);
    CHECK_RC("close one end", hc_evtchn_close(p), 0);
    expect_unbound(q, 0, "peer closed");
    /* the event already delivered to the surviving end stays (Xen) */
    if (!pending(q))
        test_fail("closing the other end cleared the pending event of %u", q);
    clear_all_pending();
    CHECK_RC("send on the orphaned end (dropped)", hc_evtchn_send(q), 0);
    /* the orphan is bindable again, and gets the lowest free port */
    for (unsigned int i = 0; i < 1000 && bad < 5; i++) {
        long rc = bind_inter(0, q, &r);

        if (rc != 0 || r != p) {
            test_fail("loopback round %u: bind %ld port %u (expected %u)", i, rc, r, p);
            bad++;
            break;
        }
        if (hc_evtchn_send(r) != 0 || hc_evtchn_send(q) != 0 || hc_evtchn_close(r) != 0) {
            test_fail("loopback round %u: send/close failed", i);
            bad++;
        }
    }
    expect_unbound(q, 0, "after the loopback rounds");
    clear_all_pending();
    /* reset with a loopback channel bound and both ends pending */
    CHECK_RC("bind once more", bind_inter(DOMID_SELF, q, &r), 0);
    CHECK_RC("send", hc_evtchn_send(r), 0);
    CHECK_RC("send", hc_evtchn_send(q), 0);
    CHECK_RC("reset with a loopback channel", ev_reset(DOMID_SELF), 0);
    {
        struct evtchn_status s;
        uint32_t ports[] = { x, p, q, r };

        for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
            CHECK_RC("status after reset", ev_status(ports[i], &s), 0);
            if (s.status != EVTCHNSTAT_closed || pending(ports[i]))
                test_fail("port %u after reset: status %u pending %d", ports[i], s.status,
                          pending(ports[i]));
        }
    }
    clear_all_pending();
}

static long init_control(uint32_t vcpu)
{
    struct evtchn_init_control ic = {
        .control_gfn = virt_to_mfn(cb_page), .offset = 0, .vcpu = vcpu,
    };

    return ev(EVTCHNOP_init_control, &ic);
}

static long expand(unsigned int page)
{
    struct evtchn_expand_array ea = { .array_gfn = virt_to_mfn(fifo_array[page]) };

    return ev(EVTCHNOP_expand_array, &ea);
}

static void fifo(void)
{
    evtchn_fifo_control_block_t *cb = (evtchn_fifo_control_block_t *)cb_page;
    uint32_t pi, pj;
    unsigned int pages = 0;
    long rc;

    memset(cb_page, 0, sizeof(cb_page));
    memset(fifo_array, 0, sizeof(fifo_array));
    CHECK_RC("bind_ipi", bind_ipi(0, &pi), 0);
    rc = init_control(0);
    if (rc != 0) {
        test_fail("init_control: %ld", rc);
        return;
    }
    for (unsigned int page = 0; page < FIFO_PAGES; page++) {
        rc = expand(page);
        if (rc != 0) {
            test_fail("expand_array page %u: %ld", page, rc);
            break;
        }
        pages++;
    }
    printk("expand_array: %u pages\n", pages);
    CHECK_RC("expand_array past 2^17 ports", expand(0), -XEN_ENOSPC);

    /* set_priority on closed and out-of-range ports, interleaved with use */
    CHECK_RC("set_priority(closed port)", set_prio(pi + 1, 3), -XEN_EACCES);
    CHECK_RC("set_priority(closed port, 16)", set_prio(pi + 1, 16), -XEN_EACCES);
    CHECK_RC("set_priority(port 0)", set_prio(0, 3), -XEN_EACCES);
    CHECK_RC("set_priority(4096)", set_prio(NPORTS, 3), -XEN_EINVAL);
    CHECK_RC("set_priority(1<<17)", set_prio(1u << 17, 3), -XEN_EINVAL);
    CHECK_RC("set_priority(IPI, 5)", set_prio(pi, 5), 0);
    CHECK_RC("send(IPI)", hc_evtchn_send(pi), 0);
    if (cb->head[5] != pi || !(cb->ready & (1u << 5)))
        test_fail("FIFO IPI: head[5] %u ready %#x, expected port %u", cb->head[5], cb->ready, pi);
    CHECK_RC("close(IPI)", hc_evtchn_close(pi), 0);
    /* still linked on queue 5: busy, so the next bind takes another port,
     * at the default priority; a closed port's priority is not settable */
    CHECK_RC("set_priority(just closed)", set_prio(pi, 2), -XEN_EACCES);
    CHECK_RC("bind_ipi", bind_ipi(0, &pj), 0);
    if (pj == pi)
        test_fail("a port still linked on a FIFO queue was handed out again");
    CHECK_RC("send(IPI)", hc_evtchn_send(pj), 0);
    if (cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] != pj)
        test_fail("new IPI %u not at the head of the default queue (%u)", pj,
                  cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT]);
    CHECK_RC("send(closed)", hc_evtchn_send(pj + 1), -XEN_EINVAL);

    /* a send flood on a masked FIFO port, then one unmask: exactly one
     * upcall (the READY bit going 0 -> 1 raises it).  Its own, empty queue
     * 9: an event linked behind a queue's tail raises nothing, READY being
     * set already (Xen). */
    {
        uint32_t pk;
        unsigned long ev0;
        event_word_t *w;

        CHECK_RC("bind_ipi", bind_ipi(0, &pk), 0);
        CHECK_RC("set_priority(9)", set_prio(pk, 9), 0);
        w = &fifo_array[pk / 1024][pk % 1024];
        __atomic_fetch_or(w, 1u << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
        __atomic_store_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
        vcpu0->evtchn_upcall_pending = 0;
        ev0 = nr_events;
        vcpu0->evtchn_upcall_mask = 0;
        for (unsigned int i = 0; i < 2000; i++)
            if (hc_evtchn_send(pk) != 0) {
                test_fail("FIFO send #%u on the masked port failed", i);
                break;
            }
        if (nr_events != ev0)
            test_fail("%lu upcalls during the masked FIFO flood", nr_events - ev0);
        if ((*w & ((1u << EVTCHN_FIFO_PENDING) | (1u << EVTCHN_FIFO_MASKED) |
                   (1u << EVTCHN_FIFO_LINKED))) !=
            ((1u << EVTCHN_FIFO_PENDING) | (1u << EVTCHN_FIFO_MASKED)))
            test_fail("masked FIFO port after the flood: word %#x, expected P|M", *w);
        CHECK_RC("FIFO unmask after the flood", ev_unmask(pk), 0);
        hc_xen_version(XENVER_version, NULL);
        hc_xen_version(XENVER_version, NULL);
        vcpu0->evtchn_upcall_mask = 1;
        if (nr_events != ev0 + 1)
            test_fail("%lu upcalls after the FIFO flood and one unmask, expected 1",
                      nr_events - ev0);
        if (!(*w & (1u << EVTCHN_FIFO_LINKED)) || (*w & (1u << EVTCHN_FIFO_MASKED)))
            test_fail("FIFO port after unmask: word %#x, expected linked and unmasked", *w);
        if (cb->head[9] != pk || cb->ready != (1u << 9))
            test_fail("FIFO port after unmask: head[9] %u ready %#x, expected %u and bit 9",
                      cb->head[9], cb->ready, pk);
    }

    /* back to 2-level */
    CHECK_RC("reset(DOMID_SELF) from FIFO", ev_reset(DOMID_SELF), 0);
    clear_all_pending();
    CHECK_RC("set_priority after reset", set_prio(1, 3), -XEN_ENOSYS);
    CHECK_RC("expand_array after reset", expand(0), -XEN_EOPNOTSUPP);
    CHECK_RC("bind_ipi after reset", bind_ipi(0, &pi), 0);
    CHECK_RC("send after reset", hc_evtchn_send(pi), 0);
    if (!pending(pi) || !(vcpu0->evtchn_pending_sel & (1UL << (pi / 64))))
        test_fail("after the reset from FIFO, port %u is not pending in shared_info", pi);
    CHECK_RC("close", hc_evtchn_close(pi), 0);
    clear_all_pending();

    /* and FIFO once more, then 2-level again */
    memset(cb_page, 0, sizeof(cb_page));
    memset(fifo_array[0], 0, sizeof(fifo_array[0]));
    CHECK_RC("init_control again", init_control(0), 0);
    CHECK_RC("expand_array again", expand(0), 0);
    CHECK_RC("bind_ipi", bind_ipi(0, &pi), 0);
    CHECK_RC("send", hc_evtchn_send(pi), 0);
    if (!(fifo_array[0][pi] & (1u << EVTCHN_FIFO_PENDING)))
        test_fail("second FIFO: port %u word %#x not pending", pi, fifo_array[0][pi]);
    CHECK_RC("reset(DOMID_SELF) from FIFO again", ev_reset(DOMID_SELF), 0);
    clear_all_pending();
}

/* The hypervisor still answers, and a self-IPI arrives as one upcall. */
static void still_alive(void)
{
    unsigned long ev0;
    uint32_t port;
    long rc = hc_xen_version(XENVER_version, NULL);

    if (rc != 0x40011)
        test_fail("xen_version after the storm: %#lx", rc);
    clear_all_pending();
    CHECK_RC("bind_ipi", bind_ipi(0, &port), 0);
    set_mask(port, false);
    ev0 = nr_events;
    vcpu0->evtchn_upcall_mask = 0;
    CHECK_RC("send", hc_evtchn_send(port), 0);
    hc_xen_version(XENVER_version, NULL);
    vcpu0->evtchn_upcall_mask = 1;
    if (nr_events != ev0 + 1)
        test_fail("%lu upcalls for the final self-IPI, expected 1", nr_events - ev0);
    CHECK_RC("close", hc_evtchn_close(port), 0);
}

void test_main(void)
{
    limits();
    loops();
    state_abuse();
    loopback();
    fifo();
    still_alive();
}
