/*
 * test_sched.c — host tests of domain lifecycle (common/domain.c) and the
 * scheduler with its hypercalls (common/schedule.c): creation and teardown
 * returning every frame, pausing, shutdown and crash reporting, round-robin
 * switching, block/wake, poll, vCPU timers, runstate accounting and
 * vcpu_info registration.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/domheap.h>
#include <xen/bitops.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include "harness.h"

TestSuite(sched, .init = h_setup, .fini = h_teardown);

static struct domain *mk(domid_t id, bool priv, unsigned int vcpus)
{
    struct domain *d;

    cr_assert_eq(domain_create(id, priv ? DOMCRF_privileged : 0, vcpus, &d), 0);
    d->max_pages = 64;
    return d;
}

static evtchn_port_t bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu)
{
    evtchn_bind_virq_t b = { .virq = virq, .vcpu = vcpu };

    cr_assert_eq(evtchn_bind_virq(d, &b), 0);
    return b.port;
}

static long sched_op(struct vcpu *v, int cmd, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { arg };

    h_run_as(v);
    return do_sched_op(cmd, h);
}

static long vcpu_op(struct vcpu *v, int cmd, unsigned int id, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { arg };

    h_run_as(v);
    return do_vcpu_op(cmd, id, h);
}

Test(sched, create_sets_up_start_of_day_state)
{
    struct domain *d = mk(1, false, 3), *dup;

    cr_expect_eq(domain_create(1, 0, 1, &dup), -EEXIST);
    cr_expect_eq(domain_create(0x7ff0, 0, 1, &dup), -EINVAL);
    cr_expect_eq(domain_create(5, 0, 0, &dup), -EINVAL);
    cr_expect_eq(domain_create(5, 0, MAX_VIRT_CPUS + 1, &dup), -EINVAL);
    cr_expect_eq(page_get_owner(&frame_table[d->shared_info_mfn]), d, "shared_info is the guest's to map");
    for (int i = 0; i < 3; i++)
        cr_expect_eq(d->vcpu[i]->vcpu_info->evtchn_upcall_mask, 1, "events masked at start");
    cr_expect_not(d->vcpu[0]->pause_flags & VPF_down);
    cr_expect(d->vcpu[1]->pause_flags & VPF_down);
    cr_expect_eq(d->controller_pause_count, 1, "created paused");
    cr_expect_not(vcpu_runnable(d->vcpu[0]));
    struct domain *g = get_domain_by_id(1);
    cr_expect_eq(g, d);
    put_domain(g);
    cr_expect_null(get_domain_by_id(2));
    domain_kill(d);
}

Test(sched, kill_returns_every_frame_and_frees_the_domain)
{
    struct domain *d0 = mk(0, true, 1), *d = mk(3, false, 2);
    evtchn_port_t exc = bind_virq(d0, VIRQ_DOM_EXC, 0);

    for (int i = 0; i < 10; i++)
        cr_assert_not_null(alloc_domheap_pages(d, 0, 0));
    cr_assert_not_null(alloc_domheap_pages(d, 2, 0));
    cr_assert_eq(domain_kill(d), 0);
    cr_expect_null(get_domain_by_id(3), "gone from the list");
    cr_expect(evtchn_is_pending(d0, exc), "dom0 told through VIRQ_DOM_EXC");
    domain_kill(d0);
    cr_expect_eq(heap_free_pages(), initial_free, "every frame back, shared_info included");
}

/*
 * The reference a running vCPU holds on its domain goes with the switch
 * away from it, not at the CPU's next schedule(): a guest destroyed after
 * it last ran on a CPU that then stays idle (dom0 on one vCPU, the other
 * CPU the guests') must leave the domain list at once, not linger as a
 * dying domain with 0 pages until something else runs there.
 */
Test(sched, destroyed_domain_leaves_the_list_when_its_cpu_goes_idle)
{
    struct domain *d0 = mk(0, true, 1), *a = mk(1, false, 1);

    cr_assert_not_null(alloc_domheap_pages(a, 0, 0));
    cr_assert_eq(domain_unpause_by_controller(a), 0);
    h_exit_path();
    cr_assert_eq(h_cur, a->vcpu[0], "a runs");
    cr_assert_eq(domain_kill(a), 0);
    struct domain *g = get_domain_by_id(1);
    cr_expect_eq(g, a, "listed (dying) while its vCPU is still on the CPU");
    if (g != NULL) {
        cr_expect(g->is_dying != DOMDYING_alive);
        put_domain(g);
    }
    h_exit_path();                      /* the switch to idle */
    cr_assert(is_idle_vcpu(h_cur));
    cr_expect_null(get_domain_by_id(1), "gone once its vCPU is off the CPU, with nothing else scheduled");
    domain_kill(d0);
    cr_expect_eq(heap_free_pages(), initial_free);
}

Test(sched, unpause_runs_vcpu0_and_round_robin_between_domains)
{
    struct domain *a = mk(1, false, 1), *b = mk(2, false, 1);

    cr_assert_eq(domain_unpause_by_controller(a), 0);
    cr_expect_eq(domain_unpause_by_controller(a), -EINVAL, "not paused");
    h_exit_path();
    cr_expect_eq(h_cur, a->vcpu[0], "idle gives way at once");
    cr_assert_eq(domain_unpause_by_controller(b), 0);
    h_exit_path();
    cr_expect_eq(h_cur, a->vcpu[0], "no preemption before the slice ends");
    h_tick(MILLISECS(10));
    cr_expect_eq(h_cur, b->vcpu[0], "slice expired: b runs");
    h_tick(MILLISECS(10));
    cr_expect_eq(h_cur, a->vcpu[0]);
    /* yield hands over at once */
    cr_assert_eq(sched_op(a->vcpu[0], SCHEDOP_yield, NULL), 0);
    h_exit_path();
    cr_expect_eq(h_cur, b->vcpu[0]);
    domain_kill(a);
    domain_kill(b);
}

Test(sched, controller_pause_stops_a_running_domain)
{
    struct domain *a = mk(1, false, 1);

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_assert_eq(h_cur, a->vcpu[0]);
    cr_assert_eq(domain_pause_by_controller(a), 0);
    h_exit_path();
    cr_expect(is_idle_vcpu(h_cur));
    domain_unpause_by_controller(a);
    h_exit_path();
    cr_expect_eq(h_cur, a->vcpu[0]);
    domain_kill(a);
}

Test(sched, block_unmasks_and_an_event_wakes)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];
    evtchn_bind_ipi_t ipi = { .vcpu = 0 };

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_assert_eq(evtchn_bind_ipi(a, &ipi), 0);
    cr_assert_eq(sched_op(v, SCHEDOP_block, NULL), 0);
    cr_expect_eq(v->vcpu_info->evtchn_upcall_mask, 0, "block unmasks events");
    h_exit_path();
    cr_expect(is_idle_vcpu(h_cur), "blocked: idle runs");
    cr_expect_eq(v->runstate.state, RUNSTATE_blocked);
    evtchn_send(a, ipi.port);
    h_exit_path();
    cr_expect_eq(h_cur, v, "woken by the event");
    cr_expect_eq(v->vcpu_info->evtchn_upcall_pending, 1);
    domain_kill(a);
}

Test(sched, block_with_an_event_pending_returns_at_once)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];

    domain_unpause_by_controller(a);
    h_exit_path();
    v->vcpu_info->evtchn_upcall_pending = 1;
    cr_assert_eq(sched_op(v, SCHEDOP_block, NULL), 0);
    cr_expect_not(v->pause_flags & VPF_blocked);
    h_exit_path();
    cr_expect_eq(h_cur, v);
    domain_kill(a);
}

Test(sched, singleshot_timer_past_and_future)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];
    evtchn_port_t t = bind_virq(a, VIRQ_TIMER, 0);
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = h_now - 5000,
                                            .flags = VCPU_SSHOTTMR_future };

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_expect_eq(vcpu_op(v, VCPUOP_set_singleshot_timer, 0, &st), 0,
                 "a past deadline is accepted");
    h_tick(0);
    cr_expect(evtchn_is_pending(a, t), "and fires at once");

    memset(a->shared_info->evtchn_pending, 0, sizeof(a->shared_info->evtchn_pending));
    st = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = h_now + MILLISECS(3) };
    cr_assert_eq(vcpu_op(v, VCPUOP_set_singleshot_timer, 0, &st), 0);
    h_tick(MILLISECS(2));
    cr_expect_not(evtchn_is_pending(a, t), "not yet");
    h_tick(MILLISECS(2));
    cr_expect(evtchn_is_pending(a, t), "on time");

    memset(a->shared_info->evtchn_pending, 0, sizeof(a->shared_info->evtchn_pending));
    st.timeout_abs_ns = h_now + MILLISECS(1);
    cr_assert_eq(vcpu_op(v, VCPUOP_set_singleshot_timer, 0, &st), 0);
    cr_assert_eq(vcpu_op(v, VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    h_tick(MILLISECS(5));
    cr_expect_not(evtchn_is_pending(a, t), "stopped");
    domain_kill(a);
}

Test(sched, timer_wakes_a_blocked_vcpu)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];

    bind_virq(a, VIRQ_TIMER, 0);
    domain_unpause_by_controller(a);
    h_exit_path();
    h_run_as(v);
    cr_assert_eq(do_set_timer_op(h_now + MILLISECS(1)), 0);
    sched_op(v, SCHEDOP_block, NULL);
    h_exit_path();
    cr_assert(is_idle_vcpu(h_cur));
    h_tick(MILLISECS(2));
    cr_expect_eq(h_cur, v);
    domain_kill(a);
}

Test(sched, poll_rules)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];
    evtchn_bind_ipi_t ipi = { .vcpu = 0 };
    evtchn_port_t ports[2];

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_assert_eq(evtchn_bind_ipi(a, &ipi), 0);
    ports[0] = ipi.port;
    ports[1] = 5000;
    cr_expect_eq(sched_poll(v, ports, 2, 0), -EINVAL, "port beyond the ABI");
    /* Regression (XSA-221 pattern, guest test xsa_pv): a port inside the
     * ABI's range but with no bucket allocated is refused too; it was
     * accepted and the vCPU polled it. */
    ports[1] = EVTCHNS_PER_BUCKET * 3;
    cr_expect_eq(sched_poll(v, ports, 2, 0), -EINVAL, "port without a bucket");
    cr_expect_not(v->pause_flags & VPF_blocked);
    cr_expect_eq(sched_poll(v, ports, 129, 0), -EINVAL, "too many ports");
    /* Regression (guest test evtchn_storm, Xen 4.17's answer): a closed
     * port inside an allocated bucket is refused too; it was polled (and
     * the vCPU blocked until the timeout). */
    {
        evtchn_bind_ipi_t other = { .vcpu = 0 };

        cr_assert_eq(evtchn_bind_ipi(a, &other), 0);
        cr_assert_eq(evtchn_close(a, other.port), 0);
        ports[1] = other.port;
        cr_expect_eq(sched_poll(v, ports, 2, 0), -EINVAL, "closed port");
        ports[1] = 0;
        cr_expect_eq(sched_poll(v, ports, 2, 0), -EINVAL, "reserved port 0");
        cr_expect_not(v->pause_flags & VPF_blocked);
    }
    /* Masked port: poll still wakes on it. */
    set_bit(ipi.port, (unsigned long *)a->shared_info->evtchn_mask);
    cr_assert_eq(sched_poll(v, ports, 1, 0), 0);
    h_exit_path();
    cr_expect(is_idle_vcpu(h_cur));
    evtchn_send(a, ipi.port);
    h_exit_path();
    cr_expect_eq(h_cur, v, "woken although masked");
    /* Already pending: returns at once, no block. */
    cr_assert_eq(sched_poll(v, ports, 1, 0), 0);
    cr_expect_not(v->pause_flags & VPF_blocked);
    /* Timeout. */
    clear_bit(ipi.port, (unsigned long *)a->shared_info->evtchn_pending);
    cr_assert_eq(sched_poll(v, ports, 1, h_now + MILLISECS(1)), 0);
    h_exit_path();
    cr_expect(is_idle_vcpu(h_cur));
    h_tick(MILLISECS(2));
    cr_expect_eq(h_cur, v, "woken by the timeout");
    domain_kill(a);
}

Test(sched, shutdown_reports_to_dom0_and_stops_the_domain)
{
    struct domain *d0 = mk(0, true, 1), *a = mk(1, false, 1);
    evtchn_port_t exc = bind_virq(d0, VIRQ_DOM_EXC, 0);
    struct sched_shutdown s = { .reason = SHUTDOWN_reboot };

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_assert_eq(h_cur, a->vcpu[0]);
    cr_assert_eq(sched_op(a->vcpu[0], SCHEDOP_shutdown, &s), 0);
    cr_expect(a->is_shut_down);
    cr_expect_eq(a->shutdown_code, SHUTDOWN_reboot);
    cr_expect(evtchn_is_pending(d0, exc));
    h_exit_path();
    cr_expect(is_idle_vcpu(h_cur), "a shut-down domain does not run");
    s.reason = 99;
    cr_expect_eq(sched_op(d0->vcpu[0], SCHEDOP_shutdown, &s), -EINVAL);
    cr_expect_eq(sched_op(d0->vcpu[0], SCHEDOP_shutdown, (void *)0xffff800000000000UL), -EFAULT);
    cr_expect_eq(sched_op(d0->vcpu[0], 77, NULL), -ENOSYS);
    domain_kill(a);
    domain_kill(d0);
}

Test(sched, hardware_domain_shutdown_goes_to_the_machine)
{
    struct domain *d0 = mk(0, true, 1);
    struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };

    cr_assert_eq(sched_op(d0->vcpu[0], SCHEDOP_shutdown, &s), 0);
    cr_expect_eq(hwdom_reason, SHUTDOWN_poweroff);
    domain_kill(d0);
}

Test(sched, crash_dumps_and_shuts_down)
{
    struct domain *d0 = mk(0, true, 1), *a = mk(1, false, 1);

    h_run_as(a->vcpu[0]);
    domain_crash(a, "test");
    cr_expect_eq(dumps, 1);
    cr_expect(a->is_shut_down);
    cr_expect_eq(a->shutdown_code, SHUTDOWN_crash);
    domain_crash(a, "again");
    cr_expect_eq(dumps, 1, "once");
    h_run_as(idle_vcpu);
    domain_kill(a);
    domain_kill(d0);
}

Test(sched, remote_shutdown_needs_privilege)
{
    struct domain *d0 = mk(0, true, 1), *a = mk(1, false, 1), *b = mk(2, false, 1);
    struct sched_remote_shutdown r = { .domain_id = 2, .reason = SHUTDOWN_poweroff };

    cr_expect_eq(sched_op(a->vcpu[0], SCHEDOP_remote_shutdown, &r), -EPERM);
    cr_expect_not(b->is_shut_down);
    cr_expect_eq(sched_op(d0->vcpu[0], SCHEDOP_remote_shutdown, &r), 0);
    cr_expect(b->is_shut_down);
    r.domain_id = 9;
    cr_expect_eq(sched_op(d0->vcpu[0], SCHEDOP_remote_shutdown, &r), -ESRCH);
    domain_kill(a);
    domain_kill(b);
    domain_kill(d0);
}

Test(sched, vcpu_op_is_up_and_up)
{
    struct domain *a = mk(1, false, 2);
    struct vcpu *v = a->vcpu[0];
    char ctx[16] = { 0 };

    cr_expect_eq(vcpu_op(v, VCPUOP_is_up, 0, NULL), 1);
    cr_expect_eq(vcpu_op(v, VCPUOP_is_up, 1, NULL), 0);
    cr_expect_eq(vcpu_op(v, VCPUOP_is_up, 2, NULL), -ENOENT, "defines Linux's possible CPUs");
    cr_expect_eq(vcpu_op(v, VCPUOP_up, 1, NULL), -EINVAL, "no context yet");
    cr_expect_eq(vcpu_op(v, VCPUOP_initialise, 1, ctx), 0);
    cr_expect_eq(vcpu_op(v, VCPUOP_initialise, 1, ctx), -EEXIST);
    /* Regression (guest vcpu_op vs Xen 4.17): the argument is read first. */
    cr_expect_eq(vcpu_op(v, VCPUOP_initialise, 1, NULL), -EFAULT);
    cr_expect_eq(vcpu_op(v, VCPUOP_initialise, 0, NULL), -EFAULT);
    cr_expect_eq(vcpu_op(v, VCPUOP_up, 1, NULL), 0);
    cr_expect_eq(vcpu_op(v, VCPUOP_is_up, 1, NULL), 1);
    cr_expect_eq(vcpu_op(v, VCPUOP_down, 1, NULL), 0);
    cr_expect_eq(vcpu_op(v, VCPUOP_is_up, 1, NULL), 0);
    cr_expect_eq(vcpu_op(v, 99, 0, NULL), -ENOSYS);
    domain_kill(a);
}

Test(sched, runstate_accounting_and_registration)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];
    struct vcpu_runstate_info area, info;
    struct vcpu_register_runstate_memory_area reg = { .addr.v = &area };

    domain_unpause_by_controller(a);
    h_exit_path();
    memset(&area, 0xff, sizeof(area));
    cr_assert_eq(vcpu_op(v, VCPUOP_register_runstate_memory_area, 0, &reg), 0);
    cr_expect_eq(area.state, RUNSTATE_running, "written at registration");
    h_now += MILLISECS(4);
    cr_assert_eq(vcpu_op(v, VCPUOP_get_runstate_info, 0, &info), 0);
    cr_expect_eq(info.state, RUNSTATE_running);
    cr_expect_geq(info.time[RUNSTATE_running], (uint64_t)MILLISECS(4));
    cr_expect_eq(vcpu_op(v, VCPUOP_register_runstate_memory_area, 0, &reg), 0,
                 "re-registration works");
    cr_expect_eq(vcpu_op(v, VCPUOP_get_runstate_info, 0, (void *)0xffff800000000000UL),
                 -EFAULT);
    domain_kill(a);
}

Test(sched, register_vcpu_info_moves_and_forces_an_upcall)
{
    struct domain *a = mk(1, false, 1), *b = mk(2, false, 1);
    struct vcpu *v = a->vcpu[0];
    struct page_info *pg = alloc_domheap_pages(a, 0, MEMF_zero);
    struct vcpu_register_vcpu_info r = { .mfn = page_to_mfn(pg), .offset = 64 };
    struct vcpu_register_vcpu_info bad;

    v->vcpu_info->evtchn_upcall_mask = 1;
    cr_assert_eq(vcpu_op(v, VCPUOP_register_vcpu_info, 0, &r), 0);
    cr_expect_eq((char *)v->vcpu_info, (char *)page_to_virt(pg) + 64);
    cr_expect_eq(v->vcpu_info->evtchn_upcall_mask, 1, "contents carried over");
    cr_expect_eq(v->vcpu_info->evtchn_upcall_pending, 1);
    cr_expect_eq(v->vcpu_info->evtchn_pending_sel, ~0UL);
    cr_expect_eq(vcpu_op(v, VCPUOP_register_vcpu_info, 0, &r), -EINVAL, "only once");

    struct vcpu *w = b->vcpu[0];
    bad = (struct vcpu_register_vcpu_info){ .mfn = page_to_mfn(pg), .offset = 0 };
    cr_expect_eq(vcpu_op(w, VCPUOP_register_vcpu_info, 0, &bad), -EINVAL, "another's frame");
    bad = (struct vcpu_register_vcpu_info){ .mfn = page_to_mfn(alloc_domheap_pages(b, 0, 0)),
                                            .offset = 4090 };
    /* Regression (guest vcpu_info vs Xen 4.17): crossing is -ENXIO. */
    cr_expect_eq(vcpu_op(w, VCPUOP_register_vcpu_info, 0, &bad), -ENXIO, "crosses the page");
    bad.offset = 4;
    cr_expect_eq(vcpu_op(w, VCPUOP_register_vcpu_info, 0, &bad), -EINVAL, "misaligned");
    bad.mfn = 1u << 30;
    bad.offset = 0;
    cr_expect_eq(vcpu_op(w, VCPUOP_register_vcpu_info, 0, &bad), -EINVAL, "not RAM");
    domain_kill(a);
    domain_kill(b);
    cr_expect_eq(heap_free_pages(), initial_free, "the registered frame is released too");
}

/* Regression (guest timers vs Xen 4.17): the periodic tick runs only while
 * the vCPU runs; a blocked vCPU is not woken by it, and one missed period is
 * caught up with a single event when it runs again. */
Test(sched, periodic_timer_only_while_running)
{
    struct domain *a = mk(1, false, 1);
    struct vcpu *v = a->vcpu[0];
    evtchn_port_t t = bind_virq(a, VIRQ_TIMER, 0);
    struct vcpu_set_periodic_timer pt = { .period_ns = MILLISECS(2) };

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_assert_eq(vcpu_op(v, VCPUOP_set_periodic_timer, 0, &pt), 0);
    h_tick(MILLISECS(3));
    cr_expect(evtchn_is_pending(a, t), "ticks while running");
    memset(a->shared_info->evtchn_pending, 0, sizeof(a->shared_info->evtchn_pending));
    a->vcpu[0]->vcpu_info->evtchn_upcall_pending = 0;
    vcpu_block(v);
    h_exit_path();
    cr_expect(v->pause_flags & VPF_blocked);
    h_tick(MILLISECS(10));
    cr_expect(v->pause_flags & VPF_blocked, "the periodic tick does not wake a blocked vCPU");
    domain_kill(a);
}

/*
 * Linux's vCPU hot-unplug and replug (xen_pv_play_dead, xen_pv_cpu_up):
 * vCPU 1 takes itself down with VCPUOP_down and expects to return from that
 * hypercall when vCPU 0 later says VCPUOP_up (no second initialise: Linux
 * initialises a vCPU's context once).  It must then run again.
 */
Test(sched, vcpu_downed_by_itself_runs_again_after_up)
{
    struct domain *a = mk(1, false, 2);
    struct vcpu *v0 = a->vcpu[0], *v1 = a->vcpu[1];
    char ctx[16] = { 0 };

    domain_unpause_by_controller(a);
    h_exit_path();
    cr_assert_eq(h_cur, v0);
    cr_assert_eq(vcpu_op(v0, VCPUOP_initialise, 1, ctx), 0);
    cr_assert_eq(vcpu_op(v0, VCPUOP_up, 1, NULL), 0);
    h_exit_path();
    for (int i = 0; i < 4 && h_cur != v1; i++)
        h_tick(MILLISECS(10));
    cr_assert_eq(h_cur, v1, "vCPU 1 runs once up");

    cr_assert_eq(vcpu_op(v1, VCPUOP_down, 1, NULL), 0);
    h_exit_path();
    cr_expect_neq(h_cur, v1, "a downed vCPU stops at once");
    for (int i = 0; i < 4; i++) {
        h_tick(MILLISECS(10));
        cr_expect_neq(h_cur, v1, "and stays off");
    }
    cr_expect_eq(vcpu_op(v0, VCPUOP_is_up, 1, NULL), 0);
    cr_expect_eq(v1->runstate.state, RUNSTATE_offline);

    cr_assert_eq(vcpu_op(v0, VCPUOP_up, 1, NULL), 0);
    cr_expect_eq(vcpu_op(v0, VCPUOP_is_up, 1, NULL), 1);
    h_exit_path();
    bool ran = h_cur == v1;
    for (int i = 0; i < 4 && !ran; i++) {
        h_tick(MILLISECS(10));
        ran = h_cur == v1;
    }
    cr_expect(ran, "vCPU 1 runs again after VCPUOP_up");
    domain_kill(a);
}
