/*
 * test_evtchn.c — host tests of the 2-level event channel implementation
 * (hypervisor/common/event_channel.c): port allocation, the state machine
 * of every binding kind, delivery rules (pending, mask, selector, upcall,
 * kicks), cross-domain permission checks and the hypercall's guest copies.
 */
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/bitops.h>
#include "harness.h"

#define D0 hdom[0]
#define D1 hdom[1]
#define D2 hdom[2]

TestSuite(evtchn, .init = h_setup, .fini = h_teardown);

static evtchn_port_t alloc_unbound(struct domain *caller, domid_t dom, domid_t remote)
{
    evtchn_alloc_unbound_t a = { .dom = dom, .remote_dom = remote };

    cr_assert_eq(evtchn_alloc_unbound(caller, &a), 0);
    return a.port;
}

/* Connect D1:port (returned) to D2 through an unbound port D2 allocates. */
static void connect(evtchn_port_t *p1, evtchn_port_t *p2)
{
    evtchn_bind_interdomain_t b;

    *p2 = alloc_unbound(D2, DOMID_SELF, 1);
    b = (evtchn_bind_interdomain_t){ .remote_dom = 2, .remote_port = *p2 };
    cr_assert_eq(evtchn_bind_interdomain(D1, &b), 0);
    *p1 = b.local_port;
    h_clear_event_state(D1);
    h_clear_event_state(D2);
}

static uint32_t status_of(struct domain *d, evtchn_port_t port)
{
    evtchn_status_t s = { .dom = DOMID_SELF, .port = port };

    cr_assert_eq(evtchn_status(d, &s), 0);
    return s.status;
}

Test(evtchn, port0_is_reserved)
{
    cr_expect_eq(status_of(D1, 0), EVTCHNSTAT_closed);
    cr_expect_eq(evtchn_close(D1, 0), -EINVAL);
    cr_expect_eq(evtchn_send(D1, 0), -EINVAL);
    cr_expect_eq(alloc_unbound(D1, DOMID_SELF, 0), 1, "first port must be 1");
}

Test(evtchn, alloc_unbound_self)
{
    evtchn_port_t p = alloc_unbound(D1, DOMID_SELF, 0);
    evtchn_status_t s = { .dom = DOMID_SELF, .port = p };

    cr_assert_eq(evtchn_status(D1, &s), 0);
    cr_expect_eq(s.status, EVTCHNSTAT_unbound);
    cr_expect_eq(s.u.unbound.dom, 0);
    cr_expect_eq(s.vcpu, 0);
}

Test(evtchn, alloc_unbound_remote_self_means_caller)
{
    evtchn_port_t p = alloc_unbound(D1, DOMID_SELF, DOMID_SELF);
    evtchn_status_t s = { .dom = DOMID_SELF, .port = p };

    cr_assert_eq(evtchn_status(D1, &s), 0);
    cr_expect_eq(s.u.unbound.dom, 1);
}

Test(evtchn, alloc_unbound_for_other_domain_needs_privilege)
{
    evtchn_alloc_unbound_t a = { .dom = 2, .remote_dom = 0 };

    cr_expect_eq(evtchn_alloc_unbound(D1, &a), -EPERM);
    cr_expect_eq(evtchn_alloc_unbound(D0, &a), 0, "dom0 allocates in domU (console, xenstore)");
    cr_expect_eq(status_of(D2, a.port), EVTCHNSTAT_unbound);
    a = (evtchn_alloc_unbound_t){ .dom = 9, .remote_dom = 0 };
    cr_expect_eq(evtchn_alloc_unbound(D0, &a), -ESRCH);
}

Test(evtchn, bind_interdomain_connects_both_ends)
{
    evtchn_port_t p2 = alloc_unbound(D2, DOMID_SELF, 1);
    evtchn_bind_interdomain_t b = { .remote_dom = 2, .remote_port = p2 };
    evtchn_status_t s = { .dom = DOMID_SELF };

    cr_assert_eq(evtchn_bind_interdomain(D1, &b), 0);
    s.port = b.local_port;
    cr_assert_eq(evtchn_status(D1, &s), 0);
    cr_expect_eq(s.status, EVTCHNSTAT_interdomain);
    cr_expect_eq(s.u.interdomain.dom, 2);
    cr_expect_eq(s.u.interdomain.port, p2);
    s = (evtchn_status_t){ .dom = DOMID_SELF, .port = p2 };
    cr_assert_eq(evtchn_status(D2, &s), 0);
    cr_expect_eq(s.status, EVTCHNSTAT_interdomain);
    cr_expect_eq(s.u.interdomain.dom, 1);
    cr_expect_eq(s.u.interdomain.port, b.local_port);
}

Test(evtchn, bind_interdomain_marks_local_port_pending)
{
    evtchn_port_t p2 = alloc_unbound(D2, DOMID_SELF, 1);
    evtchn_bind_interdomain_t b = { .remote_dom = 2, .remote_port = p2 };

    cr_assert_eq(evtchn_bind_interdomain(D1, &b), 0);
    cr_expect(h_pending(D1, b.local_port));
    cr_expect(h_sel(D1, 0, b.local_port));
    cr_expect_eq(h_upcall(D1, 0), 1);
    cr_expect_eq(kicks[1][0], 1);
}

Test(evtchn, bind_interdomain_refuses_wrong_peer_or_state)
{
    evtchn_port_t for_dom0 = alloc_unbound(D2, DOMID_SELF, 0);
    evtchn_bind_interdomain_t b = { .remote_dom = 2, .remote_port = for_dom0 };
    evtchn_port_t p1, p2;

    cr_expect_eq(evtchn_bind_interdomain(D1, &b), -EINVAL, "port offered to dom0 only");
    b.remote_port = 3000;
    cr_expect_eq(evtchn_bind_interdomain(D1, &b), -EINVAL, "unallocated port");
    b.remote_port = 0;
    cr_expect_eq(evtchn_bind_interdomain(D1, &b), -EINVAL, "reserved port");
    b.remote_port = 0xffffffff;
    cr_expect_eq(evtchn_bind_interdomain(D1, &b), -EINVAL, "huge port");
    b = (evtchn_bind_interdomain_t){ .remote_dom = 7, .remote_port = 1 };
    cr_expect_eq(evtchn_bind_interdomain(D1, &b), -ESRCH);

    connect(&p1, &p2);
    b = (evtchn_bind_interdomain_t){ .remote_dom = 2, .remote_port = p2 };
    cr_expect_eq(evtchn_bind_interdomain(D1, &b), -EINVAL, "already bound");
    /* A failed bind must not consume a port. */
    cr_expect_eq(D1->evtchn_count, 2, "ports in use: reserved 0 + p1");
}

Test(evtchn, send_interdomain_delivers_to_peer)
{
    evtchn_port_t p1, p2;

    connect(&p1, &p2);
    cr_assert_eq(evtchn_send(D1, p1), 0);
    cr_expect(h_pending(D2, p2));
    cr_expect(h_sel(D2, 0, p2));
    cr_expect_eq(h_upcall(D2, 0), 1);
    cr_expect_eq(kicks[2][0], 1);
    cr_expect_not(h_pending(D1, p1), "sender's own port untouched");

    /* Already pending: no second kick. */
    cr_assert_eq(evtchn_send(D1, p1), 0);
    cr_expect_eq(kicks[2][0], 1);

    /* And back. */
    cr_assert_eq(evtchn_send(D2, p2), 0);
    cr_expect(h_pending(D1, p1));
}

Test(evtchn, masked_port_sets_only_pending_until_unmask)
{
    evtchn_port_t p1, p2;

    connect(&p1, &p2);
    h_mask(D2, p2);
    cr_assert_eq(evtchn_send(D1, p1), 0);
    cr_expect(h_pending(D2, p2));
    cr_expect_not(h_sel(D2, 0, p2));
    cr_expect_eq(h_upcall(D2, 0), 0);
    cr_expect_eq(kicks[2][0], 0);

    cr_assert_eq(evtchn_unmask(D2, p2), 0);
    cr_expect(h_sel(D2, 0, p2));
    cr_expect_eq(h_upcall(D2, 0), 1);
    cr_expect_eq(kicks[2][0], 1);

    /* Unmasking an unmasked port delivers nothing more. */
    cr_assert_eq(evtchn_unmask(D2, p2), 0);
    cr_expect_eq(kicks[2][0], 1);
    cr_expect_eq(evtchn_unmask(D2, 4000), -EINVAL);
}

Test(evtchn, unmask_without_pending_delivers_nothing)
{
    evtchn_port_t p1, p2;

    connect(&p1, &p2);
    h_mask(D2, p2);
    cr_assert_eq(evtchn_unmask(D2, p2), 0);
    cr_expect_eq(h_upcall(D2, 0), 0);
    cr_expect_eq(kicks[2][0], 0);
}

/*
 * Regression (guest test evtchn_storm, Xen 4.17's answer): EVTCHNOP_unmask of
 * a closed port is 0 and does nothing.  It cleared the mask bit and, with
 * a pending bit the guest had left there, raised the selector and upcall.
 */
Test(evtchn, unmask_of_closed_port_does_nothing)
{
    evtchn_port_t p = alloc_unbound(D1, DOMID_SELF, 0);

    cr_assert_eq(evtchn_close(D1, p), 0);
    h_mask(D1, p);
    set_bit(p, (unsigned long *)D1->shared_info->evtchn_pending);
    cr_expect_eq(evtchn_unmask(D1, p), 0);
    cr_expect(test_bit(p, (unsigned long *)D1->shared_info->evtchn_mask), "mask bit kept");
    cr_expect_not(h_sel(D1, 0, p));
    cr_expect_eq(h_upcall(D1, 0), 0);
    cr_expect_eq(kicks[1][0], 0);
    h_mask(D1, 0);
    cr_expect_eq(evtchn_unmask(D1, 0), 0, "reserved port 0");
    cr_expect(test_bit(0, (unsigned long *)D1->shared_info->evtchn_mask));
}

Test(evtchn, send_on_unbound_is_dropped_and_others_refused)
{
    evtchn_port_t p = alloc_unbound(D1, DOMID_SELF, 2);
    evtchn_bind_virq_t v = { .virq = VIRQ_TIMER, .vcpu = 0 };

    cr_expect_eq(evtchn_send(D1, p), 0);
    cr_expect_not(h_pending(D1, p));
    cr_assert_eq(evtchn_bind_virq(D1, &v), 0);
    cr_expect_eq(evtchn_send(D1, v.port), -EINVAL, "cannot send on a VIRQ port");
    cr_expect_eq(evtchn_send(D1, 1234), -EINVAL);
}

Test(evtchn, close_interdomain_returns_peer_to_unbound)
{
    evtchn_port_t p1, p2;
    evtchn_status_t s = { .dom = DOMID_SELF };
    evtchn_bind_interdomain_t b;

    connect(&p1, &p2);
    cr_assert_eq(evtchn_close(D1, p1), 0);
    cr_expect_eq(status_of(D1, p1), EVTCHNSTAT_closed);
    s.port = p2;
    cr_assert_eq(evtchn_status(D2, &s), 0);
    cr_expect_eq(s.status, EVTCHNSTAT_unbound);
    cr_expect_eq(s.u.unbound.dom, 1);
    cr_expect_eq(evtchn_close(D1, p1), -EINVAL, "double close");

    /* The same remote domain may bind it again. */
    b = (evtchn_bind_interdomain_t){ .remote_dom = 2, .remote_port = p2 };
    cr_expect_eq(evtchn_bind_interdomain(D1, &b), 0);
    /* Sending from the closed side's peer while unbound was dropped. */
}

Test(evtchn, close_from_either_side)
{
    evtchn_port_t p1, p2;

    connect(&p1, &p2);
    cr_assert_eq(evtchn_close(D2, p2), 0);
    cr_expect_eq(status_of(D1, p1), EVTCHNSTAT_unbound);
    cr_expect_eq(evtchn_send(D1, p1), 0, "peer gone: dropped");
    cr_expect_not(h_pending(D2, p2));
}

Test(evtchn, loopback_channel_within_one_domain)
{
    evtchn_port_t a = alloc_unbound(D1, DOMID_SELF, DOMID_SELF);
    evtchn_bind_interdomain_t b = { .remote_dom = DOMID_SELF, .remote_port = a };

    cr_assert_eq(evtchn_bind_interdomain(D1, &b), 0);
    h_clear_event_state(D1);
    cr_assert_eq(evtchn_send(D1, b.local_port), 0);
    cr_expect(h_pending(D1, a));
    cr_assert_eq(evtchn_close(D1, a), 0);
    cr_expect_eq(status_of(D1, b.local_port), EVTCHNSTAT_unbound);
}

Test(evtchn, bind_virq_rules)
{
    evtchn_bind_virq_t v = { .virq = VIRQ_TIMER, .vcpu = 1 };

    cr_assert_eq(evtchn_bind_virq(D1, &v), 0);
    cr_expect_eq(evtchn_bind_virq(D1, &v), -EEXIST);
    v = (evtchn_bind_virq_t){ .virq = VIRQ_DOM_EXC, .vcpu = 1 };
    cr_expect_eq(evtchn_bind_virq(D1, &v), -EINVAL, "global VIRQ on vCPU 1");
    v = (evtchn_bind_virq_t){ .virq = NR_VIRQS, .vcpu = 0 };
    cr_expect_eq(evtchn_bind_virq(D1, &v), -EINVAL);
    v = (evtchn_bind_virq_t){ .virq = 0xffffffff, .vcpu = 0 };
    cr_expect_eq(evtchn_bind_virq(D1, &v), -EINVAL);
    v = (evtchn_bind_virq_t){ .virq = VIRQ_TIMER, .vcpu = H_NR_VCPUS };
    cr_expect_eq(evtchn_bind_virq(D1, &v), -ENOENT);
}

Test(evtchn, every_valid_virq_binds_on_vcpu0)
{
    for (uint32_t virq = 0; virq < NR_VIRQS; virq++) {
        evtchn_bind_virq_t v = { .virq = virq, .vcpu = 0 };

        cr_expect_eq(evtchn_bind_virq(D2, &v), 0, "VIRQ %u refused", virq);
    }
}

Test(evtchn, per_vcpu_virq_delivery)
{
    evtchn_bind_virq_t v = { .virq = VIRQ_TIMER, .vcpu = 2 };

    cr_assert_eq(evtchn_bind_virq(D1, &v), 0);
    send_guest_vcpu_virq(D1->vcpu[2], VIRQ_TIMER);
    cr_expect(h_pending(D1, v.port));
    cr_expect(h_sel(D1, 2, v.port));
    cr_expect_eq(h_upcall(D1, 2), 1);
    cr_expect_eq(h_upcall(D1, 0), 0);
    cr_expect_eq(kicks[1][2], 1);

    /* Unbound VIRQ on another vCPU: nothing happens. */
    send_guest_vcpu_virq(D1->vcpu[1], VIRQ_TIMER);
    cr_expect_eq(kicks[1][1], 0);
}

Test(evtchn, global_virq_follows_bind_vcpu)
{
    evtchn_bind_virq_t v = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };

    cr_assert_eq(evtchn_bind_virq(D0, &v), 0);
    send_guest_global_virq(D0, VIRQ_DOM_EXC);
    cr_expect_eq(kicks[0][0], 1);
    h_clear_event_state(D0);

    cr_assert_eq(evtchn_bind_vcpu(D0, v.port, 3), 0);
    send_guest_global_virq(D0, VIRQ_DOM_EXC);
    cr_expect_eq(kicks[0][3], 1);
    cr_expect(h_sel(D0, 3, v.port));
    cr_expect_eq(kicks[0][0], 0);

    cr_expect_eq(evtchn_bind_vcpu(D0, v.port, H_NR_VCPUS), -ENOENT);
}

Test(evtchn, bind_vcpu_refuses_per_vcpu_kinds)
{
    evtchn_bind_virq_t v = { .virq = VIRQ_TIMER, .vcpu = 0 };
    evtchn_bind_ipi_t i = { .vcpu = 1 };

    cr_assert_eq(evtchn_bind_virq(D1, &v), 0);
    cr_assert_eq(evtchn_bind_ipi(D1, &i), 0);
    cr_expect_eq(evtchn_bind_vcpu(D1, v.port, 1), -EINVAL);
    cr_expect_eq(evtchn_bind_vcpu(D1, i.port, 0), -EINVAL);
    cr_expect_eq(evtchn_bind_vcpu(D1, 999, 0), -EINVAL);
}

Test(evtchn, ipi_delivers_to_bound_vcpu)
{
    evtchn_bind_ipi_t i = { .vcpu = 3 };

    cr_assert_eq(evtchn_bind_ipi(D1, &i), 0);
    cr_assert_eq(evtchn_send(D1, i.port), 0);
    cr_expect(h_pending(D1, i.port));
    cr_expect(h_sel(D1, 3, i.port));
    cr_expect_eq(kicks[1][3], 1);
    i = (evtchn_bind_ipi_t){ .vcpu = 99 };
    cr_expect_eq(evtchn_bind_ipi(D1, &i), -ENOENT);
}

Test(evtchn, close_virq_frees_the_binding)
{
    evtchn_bind_virq_t v = { .virq = VIRQ_DEBUG, .vcpu = 1 };

    cr_assert_eq(evtchn_bind_virq(D1, &v), 0);
    cr_assert_eq(evtchn_close(D1, v.port), 0);
    cr_expect_eq(D1->vcpu[1]->virq_to_evtchn[VIRQ_DEBUG], 0);
    cr_expect_eq(evtchn_bind_virq(D1, &v), 0, "rebinding after close works");
}

Test(evtchn, ports_run_out_at_max_evtchn_port)
{
    D1->max_evtchn_port = 10;
    for (int i = 1; i <= 10; i++)
        cr_assert_eq(alloc_unbound(D1, DOMID_SELF, 0), (evtchn_port_t)i);
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = 0 };
    cr_expect_eq(evtchn_alloc_unbound(D1, &a), -ENOSPC);
    cr_assert_eq(evtchn_close(D1, 4), 0);
    cr_expect_eq(alloc_unbound(D1, DOMID_SELF, 0), 4, "lowest free port reused");
}

Test(evtchn, all_2l_ports_usable)
{
    /* 4095 ports (1..4095) across every bucket. */
    for (int i = 1; i < EVTCHN_2L_NR; i++)
        cr_assert_eq(alloc_unbound(D1, DOMID_SELF, 0), (evtchn_port_t)i);
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = 0 };
    cr_expect_eq(evtchn_alloc_unbound(D1, &a), -ENOSPC);
}

Test(evtchn, high_port_uses_right_selector_word)
{
    evtchn_port_t p1 = 0, p2;
    evtchn_bind_interdomain_t b;

    for (int i = 1; i < 200; i++)
        alloc_unbound(D1, DOMID_SELF, 0);
    p2 = alloc_unbound(D2, DOMID_SELF, 1);
    b = (evtchn_bind_interdomain_t){ .remote_dom = 2, .remote_port = p2 };
    cr_assert_eq(evtchn_bind_interdomain(D1, &b), 0);
    p1 = b.local_port;
    cr_expect_eq(p1, 200);
    h_clear_event_state(D1);
    cr_assert_eq(evtchn_send(D2, p2), 0);
    cr_expect_eq(D1->vcpu[0]->vcpu_info->evtchn_pending_sel, 1UL << (200 / 64));
}

Test(evtchn, destroy_unbinds_peers)
{
    evtchn_port_t p1, p2;

    connect(&p1, &p2);
    evtchn_destroy(D1);
    cr_expect_eq(status_of(D2, p2), EVTCHNSTAT_unbound);
    cr_expect_eq(evtchn_send(D2, p2), 0, "peer destroyed: dropped, no dangling pointer");
    cr_assert_eq(evtchn_init(D1), 0);   /* so teardown finds a table */
}

Test(evtchn, reset_closes_everything_and_needs_privilege)
{
    evtchn_port_t p1, p2;

    connect(&p1, &p2);
    cr_expect_eq(evtchn_reset(D1, 2), -EPERM);
    /* Regression (Xen 4.17's evtchn_reset): another domain's channels only
     * while its controller holds it paused; a running D1 lost them. */
    cr_expect_eq(evtchn_reset(D0, 1), -EINVAL, "D1 is running");
    cr_expect_eq(status_of(D1, p1), EVTCHNSTAT_interdomain, "untouched");
    D1->controller_pause_count = 1;
    cr_assert_eq(evtchn_reset(D0, 1), 0);
    D1->controller_pause_count = 0;
    cr_expect_eq(status_of(D1, p1), EVTCHNSTAT_closed);
    cr_expect_eq(status_of(D2, p2), EVTCHNSTAT_unbound);
    cr_expect_eq(D1->evtchn_count, 1, "only the reserved port is left");
    cr_expect_eq(evtchn_reset(D1, DOMID_SELF), 0);
}

Test(evtchn, status_of_other_domain_needs_privilege)
{
    evtchn_status_t s = { .dom = 2, .port = 0 };

    cr_expect_eq(evtchn_status(D1, &s), -EPERM);
    cr_expect_eq(evtchn_status(D0, &s), 0);
    s = (evtchn_status_t){ .dom = DOMID_SELF, .port = 5000 };
    cr_expect_eq(evtchn_status(D1, &s), -EINVAL);
}

Test(evtchn, poll_wakes_even_when_masked)
{
    evtchn_port_t p1, p2;
    struct vcpu *v = D2->vcpu[0];

    connect(&p1, &p2);
    h_mask(D2, p2);
    v->pause_flags |= VPF_blocked;
    v->poll_nr = 1;
    v->poll_ports[0] = p2;
    cr_assert_eq(evtchn_send(D1, p1), 0);
    cr_expect_eq(kicks[2][0], 1, "poller woken");
    cr_expect_eq(h_upcall(D2, 0), 0, "but no upcall for a masked port");
}

/* ---- the hypercall: guest copies and sub-op dispatch ---- */

Test(evtchn, hypercall_copies_results_out)
{
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = 0, .port = 77 };
    XEN_GUEST_HANDLE_PARAM(void) h = { &a };

    h_set_current(D1, 0);
    cr_assert_eq(do_event_channel_op(EVTCHNOP_alloc_unbound, h), 0);
    cr_expect_eq(a.port, 1);
}

Test(evtchn, hypercall_bad_pointer_is_efault)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { (void *)(H_BAD_GUEST_ADDR + 0x1000) };
    XEN_GUEST_HANDLE_PARAM(void) null = { NULL };

    h_set_current(D1, 0);
    /* bind_pirq included: it copies its argument like the others. */
    for (int cmd = 0; cmd <= EVTCHNOP_reset; cmd++) {
        cr_expect_eq(do_event_channel_op(cmd, h), -EFAULT, "cmd %d", cmd);
        cr_expect_eq(do_event_channel_op(cmd, null), -EFAULT, "cmd %d (NULL)", cmd);
    }
    cr_expect_eq(D1->evtchn_count, 1, "nothing allocated by failed calls");
}

Test(evtchn, hypercall_unknown_and_fifo_ops)
{
    evtchn_init_control_t ic = { 0 };
    XEN_GUEST_HANDLE_PARAM(void) h = { &ic };

    h_set_current(D1, 0);
    /* FIFO offered: a bad control block is -EINVAL (Xen), not -ENOSYS. */
    cr_expect_eq(do_event_channel_op(EVTCHNOP_init_control, h), -EINVAL);
    cr_expect_eq(do_event_channel_op(EVTCHNOP_expand_array, h), -EOPNOTSUPP,
                 "no FIFO control block yet");
    opt_evtchn_fifo = false;
    cr_expect_eq(do_event_channel_op(EVTCHNOP_init_control, h), -ENOSYS, "evtchn_fifo=0");
    opt_evtchn_fifo = true;
    cr_expect_eq(do_event_channel_op(99, h), -ENOSYS);
    cr_expect_eq(do_event_channel_op(-1, h), -ENOSYS);
}

Test(evtchn, hypercall_result_not_written_on_error)
{
    evtchn_bind_virq_t v = { .virq = NR_VIRQS, .vcpu = 0, .port = 0x5a5a };
    XEN_GUEST_HANDLE_PARAM(void) h = { &v };

    h_set_current(D1, 0);
    cr_expect_eq(do_event_channel_op(EVTCHNOP_bind_virq, h), -EINVAL);
    cr_expect_eq(v.port, 0x5a5a);
}
