/*
 * test_domctl.c — XEN_DOMCTL_* through do_domctl(), as dom0's toolstack
 * issues them: caller and version checks, domain id choice, getdomaininfo
 * iteration and fields, limits, vCPU operations, affinity, scheduler, TSC,
 * hypercall page, CPU policy and I/O permissions, with their error paths.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/domheap.h>
#include <xen/grant_table.h>
#include <public/sched.h>
#include "harness.h"

TestSuite(domctl, .init = h_setup, .fini = h_teardown);

static struct domain *dom(domid_t id)
{
    struct domain *d = get_domain_by_id(id);

    cr_assert_not_null(d, "d%u exists", id);
    put_domain(d);
    return d;
}

static long simple(uint32_t cmd, domid_t id)
{
    struct xen_domctl op;

    h_domctl_init(&op, cmd, id);
    return h_domctl(&op);
}

/* ------------------------------------------------------- entry checks */

Test(domctl, unprivileged_caller_gets_eperm)
{
    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_run_as(dom(1)->vcpu[0]);
    cr_assert_eq(simple(XEN_DOMCTL_pausedomain, 1), -EPERM);
    cr_assert_eq(h_create(0, 1), -EPERM);
}

Test(domctl, wrong_interface_version_gets_eacces)
{
    struct xen_domctl op;

    h_make_dom0();
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 0);
    op.interface_version = 0x14;
    cr_assert_eq(h_domctl(&op), -EACCES);
    op.interface_version = 0x16;
    cr_assert_eq(h_domctl(&op), -EACCES);
}

Test(domctl, bad_request_pointer_gets_efault)
{
    h_make_dom0();
    cr_assert_eq(do_domctl((XEN_GUEST_HANDLE_PARAM(void)){ H_BAD_PTR }), -EFAULT);
    cr_assert_eq(do_domctl((XEN_GUEST_HANDLE_PARAM(void)){ NULL }), -EFAULT);
}

Test(domctl, missing_domain_gets_esrch_and_unknown_op_enosys)
{
    h_make_dom0();
    cr_assert_eq(simple(XEN_DOMCTL_pausedomain, 55), -ESRCH);
    cr_assert_eq(simple(XEN_DOMCTL_max_mem, 55), -ESRCH);
    cr_assert_eq(simple(1000 /* gdbsx_guestmemio */, 0), -ENOSYS);
    cr_assert_eq(simple(XEN_DOMCTL_shadow_op, 0), -ENOSYS);
}

/* ------------------------------------------------------- createdomain */

Test(domctl, createdomain_ids_come_from_a_rover_like_xen)
{
    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    cr_assert_eq(h_create(0, 1), 2);
    cr_assert_eq(simple(XEN_DOMCTL_destroydomain, 1), 0);
    /* Xen does not reuse the id just freed: the rover moves on. */
    cr_assert_eq(h_create(0, 1), 3);
    /* An explicit id is taken as asked; the rover skips used ids. */
    cr_assert_eq(h_create(5, 1), 5);
    cr_assert_eq(h_create(0, 1), 4);
    cr_assert_eq(h_create(0, 1), 6);
    /* A reserved id means "pick one" too. */
    cr_assert_eq(h_create(DOMID_SELF, 1), 7);
}

Test(domctl, createdomain_existing_id_is_eexist)
{
    h_make_dom0();
    cr_assert_eq(h_create(9, 1), 9);
    cr_assert_eq(h_create(9, 1), -EEXIST);
}

Test(domctl, createdomain_refuses_bad_configs)
{
    struct xen_domctl op;
    const struct { uint32_t flags; uint32_t vcpus; int32_t gframes; uint32_t gopts;
                   uint32_t emu; uint32_t pool; long rc; } cases[] = {
        { XEN_DOMCTL_CDF_hvm, 1, -1, 1, 0, 0, -EINVAL },
        { XEN_DOMCTL_CDF_hap, 1, -1, 1, 0, 0, -EINVAL },
        { XEN_DOMCTL_CDF_iommu, 1, -1, 1, 0, 0, -EINVAL },
        { 1u << 20, 1, -1, 1, 0, 0, -EINVAL },
        { 0, 0, -1, 1, 0, 0, -EINVAL },
        { 0, MAX_VIRT_CPUS + 1, -1, 1, 0, 0, -EINVAL },
        { 0, 1, 0, 1, 0, 0, -EINVAL },
        { 0, 1, MAX_GRANT_FRAMES + 1, 1, 0, 0, -EINVAL },
        { 0, 1, -1, 3, 0, 0, -EINVAL },
        { 0, 1, -1, 0, 0, 0, -EINVAL },
        { 0, 1, -1, 1, XEN_X86_EMU_LAPIC, 0, -EINVAL },
        { 0, 1, -1, 1, 0, 3, -ENOENT },
    };

    h_make_dom0();
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h_domctl_init(&op, XEN_DOMCTL_createdomain, 0);
        op.u.createdomain.flags = cases[i].flags;
        op.u.createdomain.max_vcpus = cases[i].vcpus;
        op.u.createdomain.max_grant_frames = cases[i].gframes;
        op.u.createdomain.grant_opts = cases[i].gopts;
        op.u.createdomain.arch.emulation_flags = cases[i].emu;
        op.u.createdomain.cpupool_id = cases[i].pool;
        cr_assert_eq(h_domctl(&op), cases[i].rc, "case %u", i);
    }
    cr_assert_null(domain_list->next_in_list, "nothing was created");
}

Test(domctl, createdomain_applies_config)
{
    struct xen_domctl op;
    struct domain *d;

    h_make_dom0();
    h_domctl_init(&op, XEN_DOMCTL_createdomain, 0);
    op.u.createdomain.max_vcpus = 3;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 4;
    op.u.createdomain.grant_opts = 1;
    op.u.createdomain.flags = XEN_DOMCTL_CDF_xs_domain;
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_PIT;
    memset(op.u.createdomain.handle, 0xab, 16);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.domain, 1, "the id comes back in the request");
    d = dom(1);
    cr_assert_eq(d->max_vcpus, 3);
    cr_assert_eq(d->max_evtchn_port, 1023);
    cr_assert_eq(d->grant_table->max_frames, 4);
    cr_assert_eq(d->grant_table->max_version, 1, "grant_opts version 1: no v2");
    cr_assert_eq(d->handle[15], 0xab);
    cr_assert(!d->is_privileged);
    cr_assert_eq(d->controller_pause_count, 1, "created paused");

    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(op.u.getdomaininfo.flags & XEN_DOMINF_xs_domain);
    cr_assert_eq(op.u.getdomaininfo.arch_config.emulation_flags, XEN_X86_EMU_PIT);
}

/* ------------------------------------------------------ getdomaininfo */

Test(domctl, getdomaininfo_finds_next_domain_across_gaps)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(2, 1), 2);
    cr_assert_eq(h_create(7, 1), 7);
    const struct { domid_t ask; long rc; domid_t got; } cases[] = {
        { 0, 0, 0 }, { 1, 0, 2 }, { 2, 0, 2 }, { 3, 0, 7 }, { 7, 0, 7 },
        { 8, -ESRCH, 0 }, { DOMID_FIRST_RESERVED - 1, -ESRCH, 0 },
        { DOMID_SELF, -EINVAL, 0 },
    };
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, cases[i].ask);
        cr_assert_eq(h_domctl(&op), cases[i].rc, "ask %u", cases[i].ask);
        if (cases[i].rc == 0) {
            cr_assert_eq(op.domain, cases[i].got, "ask %u", cases[i].ask);
            cr_assert_eq(op.u.getdomaininfo.domain, cases[i].got);
        }
    }
}

Test(domctl, getdomaininfo_fields)
{
    struct xen_domctl op;
    struct xen_domctl_getdomaininfo *gi = &op.u.getdomaininfo;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    d = dom(1);
    d->max_pages = 64;
    cr_assert_not_null(alloc_domheap_pages(d, 2, 0));
    d->vcpu[0]->runstate.time[RUNSTATE_running] = 1500;
    d->vcpu[1]->runstate.time[RUNSTATE_running] = 500;

    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(gi->nr_online_vcpus, 0, "no vCPU has a context yet (Xen: all down)");
    cr_assert_eq(gi->flags, XEN_DOMINF_paused | 0xffff0000u,
                 "paused; no vCPU up so no blocked/running; the 'invalid' shutdown code");

    h_online(1, 0);
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(gi->tot_pages, 4);
    cr_assert_eq(gi->max_pages, 64);
    cr_assert_eq(gi->shared_info_frame, d->shared_info_mfn);
    cr_assert_eq(gi->nr_online_vcpus, 1, "vCPU 1 is down until VCPUOP_up");
    cr_assert_eq(gi->max_vcpu_id, 1);
    cr_assert_eq(gi->cpu_time, 2000);
    cr_assert_eq(gi->flags, XEN_DOMINF_paused | 0xffff0000u,
                 "paused; vCPU 0 is up and not blocked, so not 'blocked'");
    cr_assert_eq(gi->cpupool, 0);
    cr_assert_eq(gi->gpaddr_bits, 40);
    cr_assert_eq(gi->outstanding_pages + gi->shr_pages + gi->paged_pages, 0);

    /* Unpaused: not paused; vCPU 0 blocked in SCHEDOP_block: blocked. */
    cr_assert_eq(simple(XEN_DOMCTL_unpausedomain, 1), 0);
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(gi->flags & (XEN_DOMINF_paused | XEN_DOMINF_blocked), 0);
    d->vcpu[0]->pause_flags |= VPF_blocked;
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(gi->flags, XEN_DOMINF_blocked | 0xffff0000u);
    d->vcpu[0]->pause_flags &= ~VPF_blocked;

    /* Shut down with a reason: flag and reason bits. */
    domain_shutdown(d, SHUTDOWN_reboot);
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(gi->flags & XEN_DOMINF_shutdown);
    cr_assert_eq((gi->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
                 SHUTDOWN_reboot);
}

Test(domctl, getdomaininfo_shutdown_reason_poweroff_and_crash)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    cr_assert_eq(h_create(0, 1), 2);
    domain_shutdown(dom(1), SHUTDOWN_poweroff);
    domain_crash(dom(2), "test");
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift, SHUTDOWN_poweroff,
                 "the real code replaces the all-ones 'invalid' one");
    cr_assert(op.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 2);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift, SHUTDOWN_crash);
}

/* ------------------------------------------------ pause, destroy, limits */

Test(domctl, pause_and_unpause_nest)
{
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    h_online(1, 0);
    cr_assert_eq(simple(XEN_DOMCTL_pausedomain, 1), 0);
    cr_assert_eq(d->controller_pause_count, 2);
    cr_assert_eq(simple(XEN_DOMCTL_unpausedomain, 1), 0);
    cr_assert_eq(simple(XEN_DOMCTL_unpausedomain, 1), 0);
    cr_assert_eq(d->controller_pause_count, 0);
    cr_assert(vcpu_runnable(d->vcpu[0]));
    cr_assert_eq(simple(XEN_DOMCTL_unpausedomain, 1), -EINVAL, "not paused");
    cr_assert_eq(simple(XEN_DOMCTL_pausedomain, 0), -EINVAL, "dom0 cannot pause itself");
}

Test(domctl, destroydomain_returns_every_frame)
{
    unsigned long before;
    struct domain *d;

    h_make_dom0();
    before = heap_free_pages();
    cr_assert_eq(h_create(0, 2), 1);
    d = dom(1);
    cr_assert_eq(simple(XEN_DOMCTL_max_mem, 1), 0);
    d->max_pages = 100;
    for (int i = 0; i < 10; i++)
        cr_assert_not_null(alloc_domheap_pages(d, 3, 0));
    cr_assert(heap_free_pages() < before - 80);
    cr_assert_eq(simple(XEN_DOMCTL_destroydomain, 1), 0);
    cr_assert_null(get_domain_by_id(1));
    cr_assert_eq(heap_free_pages(), before, "every frame (and shared_info) back");
    cr_assert_eq(heap_check(), 0);
    cr_assert_eq(simple(XEN_DOMCTL_destroydomain, 1), -ESRCH);
    cr_assert_eq(simple(XEN_DOMCTL_destroydomain, 0), -EINVAL, "not itself");
}

Test(domctl, max_mem_is_enforced_by_the_allocator)
{
    struct xen_domctl op;
    struct domain *d;
    unsigned int got = 0;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    h_domctl_init(&op, XEN_DOMCTL_max_mem, 1);
    op.u.max_mem.max_memkb = 40 + 3;    /* 10 pages and a bit: rounds down */
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(d->max_pages, 10);
    while (alloc_domheap_pages(d, 0, 0) != NULL)
        got++;
    cr_assert_eq(got, 10);
    cr_assert_null(alloc_domheap_pages(d, 0, 0));

    /* Ratchet down below tot_pages: allowed, further allocation refused. */
    op.u.max_mem.max_memkb = 16;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(d->max_pages, 4);
    cr_assert_eq(d->tot_pages, 10);
    cr_assert_null(alloc_domheap_pages(d, 0, 0));

    /* Huge values saturate rather than wrap. */
    op.u.max_mem.max_memkb = ~0ULL;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(d->max_pages, ~0ULL >> 2);
}

Test(domctl, max_vcpus_must_match_createdomain)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    h_domctl_init(&op, XEN_DOMCTL_max_vcpus, 1);
    op.u.max_vcpus.max = 2;
    cr_assert_eq(h_domctl(&op), 0);
    op.u.max_vcpus.max = 3;
    cr_assert_eq(h_domctl(&op), -EINVAL);
}

/* ----------------------------------------------------------- vCPUs */

Test(domctl, setvcpucontext_hands_a_kernel_copy_to_the_arch)
{
    struct xen_domctl op;
    struct vcpu_guest_context ctx, back;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    memset(&ctx, 0, sizeof(ctx));
    ctx.user_regs.rip = 0xffffffff81000000UL;

    h_domctl_init(&op, XEN_DOMCTL_getvcpucontext, 1);
    op.u.vcpucontext.vcpu = 0;
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&back;
    cr_assert_eq(h_domctl(&op), -ENODATA, "no context yet");

    h_domctl_init(&op, XEN_DOMCTL_setvcpucontext, 1);
    op.u.vcpucontext.vcpu = 0;
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&ctx;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(h_set_ctx_calls, 1);
    cr_assert_eq(h_last_ctx_rip, ctx.user_regs.rip);
    cr_assert_eq(dom(1)->pause_count, 0, "pause balanced");

    h_domctl_init(&op, XEN_DOMCTL_getvcpucontext, 1);
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&back;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(back.user_regs.rip, ctx.user_regs.rip);
    cr_assert_eq(dom(1)->vcpu[0]->pause_count, 0);

    /* Errors: vCPU out of range, bad pointer, dom0 itself; null resets. */
    h_domctl_init(&op, XEN_DOMCTL_setvcpucontext, 1);
    op.u.vcpucontext.vcpu = 2;
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&ctx;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.vcpucontext.vcpu = 1;
    op.u.vcpucontext.ctxt.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_domctl(&op), -EFAULT);
    op.u.vcpucontext.ctxt.p = 0;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(h_last_ctx_was_null);
    h_domctl_init(&op, XEN_DOMCTL_setvcpucontext, 0);
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&ctx;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    h_domctl_init(&op, XEN_DOMCTL_getvcpucontext, 1);
    op.u.vcpucontext.ctxt.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_domctl(&op), -EFAULT);
}

Test(domctl, getvcpuinfo)
{
    struct xen_domctl op;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    d = dom(1);
    h_online(1, 0);
    d->vcpu[0]->runstate.time[RUNSTATE_running] = 777;
    h_domctl_init(&op, XEN_DOMCTL_getvcpuinfo, 1);
    op.u.getvcpuinfo.vcpu = 0;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getvcpuinfo.online, 1);
    cr_assert_eq(op.u.getvcpuinfo.blocked, 0);
    cr_assert_eq(op.u.getvcpuinfo.running, 0);
    cr_assert_eq(op.u.getvcpuinfo.cpu_time, 777);
    cr_assert_eq(op.u.getvcpuinfo.cpu, 0);
    op.u.getvcpuinfo.vcpu = 1;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getvcpuinfo.online, 0, "vCPU 1 down");
    op.u.getvcpuinfo.vcpu = 2;
    cr_assert_eq(h_domctl(&op), -EINVAL);
}

Test(domctl, setdomainhandle)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&op, XEN_DOMCTL_setdomainhandle, 1);
    for (int i = 0; i < 16; i++)
        op.u.setdomainhandle.handle[i] = (uint8_t)i;
    cr_assert_eq(h_domctl(&op), 0);
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(op.u.getdomaininfo.handle[i], i);
}

Test(domctl, vcpu_affinity_one_cpu)
{
    struct xen_domctl op;
    uint8_t hard[4], soft[4];

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&op, XEN_DOMCTL_setvcpuaffinity, 1);
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT;
    memset(hard, 0xff, sizeof(hard));
    memset(soft, 0xff, sizeof(soft));
    op.u.vcpuaffinity.cpumap_hard.bitmap.p = hard;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 32;
    op.u.vcpuaffinity.cpumap_soft.bitmap.p = soft;
    op.u.vcpuaffinity.cpumap_soft.nr_bits = 32;
    cr_assert_eq(h_domctl(&op), 0);
    /* The effective maps come back: CPU 0 only, the rest zeroed. */
    cr_assert_eq(hard[0], 1);
    cr_assert_eq(hard[1] | hard[2] | hard[3], 0);
    cr_assert_eq(soft[0], 1);

    memset(hard, 0, sizeof(hard));
    hard[0] = 2;                        /* CPU 1 only: present, but not scheduling */
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.vcpuaffinity.flags = 0;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op.u.vcpuaffinity.cpumap_hard.bitmap.p = H_BAD_PTR;
    cr_assert_eq(h_domctl(&op), -EFAULT);
    op.u.vcpuaffinity.vcpu = 1;
    cr_assert_eq(h_domctl(&op), -EINVAL);

    h_domctl_init(&op, XEN_DOMCTL_getvcpuaffinity, 1);
    memset(hard, 0xee, sizeof(hard));
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op.u.vcpuaffinity.cpumap_hard.bitmap.p = hard;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 20;
    cr_assert_eq(h_domctl(&op), 0);
    /* get reports the map as set, over the CPUs there are (2 here). */
    cr_assert_eq(hard[0], 3);
    cr_assert_eq(hard[1] | hard[2], 0);
    cr_assert_eq(hard[3], 0xee, "bytes past nr_bits untouched");
}

Test(domctl, node_affinity)
{
    struct xen_domctl op;
    uint8_t map[2] = { 1, 0 };

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&op, XEN_DOMCTL_setnodeaffinity, 1);
    op.u.nodeaffinity.nodemap.bitmap.p = map;
    op.u.nodeaffinity.nodemap.nr_bits = 16;
    cr_assert_eq(h_domctl(&op), 0);
    map[0] = 0;
    cr_assert_eq(h_domctl(&op), -EINVAL, "no online node named");
    h_domctl_init(&op, XEN_DOMCTL_getnodeaffinity, 1);
    op.u.nodeaffinity.nodemap.bitmap.p = map;
    op.u.nodeaffinity.nodemap.nr_bits = 16;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(map[0], 1);
}

Test(domctl, scheduler_credit2_get_put)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    h_domctl_init(&op, XEN_DOMCTL_scheduler_op, 1);
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.scheduler_op.u.credit.weight, 256);
    cr_assert_eq(op.u.scheduler_op.u.credit.cap, 0);

    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit.weight = 512;
    op.u.scheduler_op.u.credit.cap = 150;       /* 1.5 CPUs of 2 vCPUs */
    cr_assert_eq(h_domctl(&op), 0);
    op.u.scheduler_op.u.credit.weight = 0;      /* unchanged */
    op.u.scheduler_op.u.credit.cap = 150;
    cr_assert_eq(h_domctl(&op), 0);
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.scheduler_op.u.credit.weight, 512);
    cr_assert_eq(op.u.scheduler_op.u.credit.cap, 150);
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit.cap = 201;
    cr_assert_eq(h_domctl(&op), -EINVAL, "cap above 100%% per vCPU");

    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    cr_assert_eq(h_domctl(&op), -EINVAL, "not the scheduler in use");
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getvcpuinfo;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.scheduler_op.cmd = 7;
    cr_assert_eq(h_domctl(&op), -EINVAL);
}

Test(domctl, time_offset_address_size_tsc)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&op, XEN_DOMCTL_settimeoffset, 1);
    op.u.settimeoffset.time_offset_seconds = -3600;
    cr_assert_eq(h_domctl(&op), 0);

    h_domctl_init(&op, XEN_DOMCTL_set_address_size, 1);
    op.u.address_size.size = 64;
    cr_assert_eq(h_domctl(&op), 0);
    op.u.address_size.size = 32;
    cr_assert_eq(h_domctl(&op), -EOPNOTSUPP);
    op.u.address_size.size = 16;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    h_domctl_init(&op, XEN_DOMCTL_get_address_size, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.address_size.size, 64);

    h_domctl_init(&op, XEN_DOMCTL_gettscinfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.tsc_info.tsc_mode, TSC_MODE_DEFAULT);
    cr_assert_eq(op.u.tsc_info.gtsc_khz, 2000000);
    h_domctl_init(&op, XEN_DOMCTL_settscinfo, 1);
    op.u.tsc_info.tsc_mode = TSC_MODE_NEVER_EMULATE;
    op.u.tsc_info.incarnation = 3;
    cr_assert_eq(h_domctl(&op), 0);
    op.u.tsc_info.tsc_mode = TSC_MODE_ALWAYS_EMULATE;
    cr_assert_eq(h_domctl(&op), -EOPNOTSUPP);
    op.u.tsc_info.tsc_mode = 3;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    h_domctl_init(&op, XEN_DOMCTL_settscinfo, 0);
    cr_assert_eq(h_domctl(&op), -EINVAL, "not on itself");
    h_domctl_init(&op, XEN_DOMCTL_gettscinfo, 0);
    cr_assert_eq(h_domctl(&op), -EINVAL, "neither way (Xen 4.17 on dom0)");
    h_domctl_init(&op, XEN_DOMCTL_gettscinfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.tsc_info.tsc_mode, TSC_MODE_NEVER_EMULATE);
    cr_assert_eq(op.u.tsc_info.incarnation, 3);
}

Test(domctl, hypercall_init_fills_an_owned_frame)
{
    struct xen_domctl op;
    struct page_info *pg, *other;
    struct domain *d;
    uint8_t *p;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    cr_assert_eq(h_create(0, 1), 2);
    d = dom(1);
    d->max_pages = 8;
    dom(2)->max_pages = 8;
    pg = alloc_domheap_pages(d, 0, MEMF_zero);
    other = alloc_domheap_pages(dom(2), 0, MEMF_zero);
    cr_assert(pg && other);

    h_domctl_init(&op, XEN_DOMCTL_hypercall_init, 1);
    op.u.hypercall_init.gmfn = page_to_mfn(pg);
    cr_assert_eq(h_domctl(&op), 0);
    p = page_to_virt(pg);
    cr_assert_eq(p[0], 0x51, "push %%rcx starts stub 0");
    cr_assert_eq(p[32], 0x51, "and stub 1");
    cr_assert_eq(pg->type_info & PGT_count_mask, 0, "type reference dropped");

    op.u.hypercall_init.gmfn = page_to_mfn(other);
    cr_assert_eq(h_domctl(&op), -EINVAL, "frame of another domain");
    cr_assert_eq(((uint8_t *)page_to_virt(other))[0], 0);
    op.u.hypercall_init.gmfn = H_FRAMES + 5;
    cr_assert_eq(h_domctl(&op), -EINVAL, "no such frame");
}

/* --------------------------------------------------------- CPU policy */

static const xen_cpuid_leaf_t *find_leaf(const xen_cpuid_leaf_t *l, uint32_t n,
                                         uint32_t leaf, uint32_t sub)
{
    for (uint32_t i = 0; i < n; i++)
        if (l[i].leaf == leaf && l[i].subleaf == sub)
            return &l[i];
    return NULL;
}

Test(domctl, get_cpu_policy_pv_view)
{
    struct xen_domctl op;
    xen_cpuid_leaf_t leaves[CTL_CPUID_MAX_LEAVES];
    xen_msr_entry_t msrs[CTL_MSR_MAX_ENTRIES];
    const xen_cpuid_leaf_t *l1;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&op, XEN_DOMCTL_get_cpu_policy, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.cpu_policy.nr_leaves, CTL_CPUID_MAX_LEAVES, "sizes asked");
    cr_assert_eq(op.u.cpu_policy.nr_msrs, CTL_MSR_MAX_ENTRIES);

    op.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    op.u.cpu_policy.msrs.p = (uint64_t)(uintptr_t)msrs;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(op.u.cpu_policy.nr_leaves > 10 && op.u.cpu_policy.nr_leaves < CTL_CPUID_MAX_LEAVES);
    cr_assert_eq(op.u.cpu_policy.nr_msrs, 2);
    l1 = find_leaf(leaves, op.u.cpu_policy.nr_leaves, 1, XEN_CPUID_NO_SUBLEAF);
    cr_assert_not_null(l1);
    cr_assert_eq(l1->c & CPUID1_ECX_VMX, 0, "PV hides VMX");
    cr_assert(l1->c & CPUID1_ECX_HV);
    cr_assert_not_null(find_leaf(leaves, op.u.cpu_policy.nr_leaves, 7, 0));
    cr_assert_not_null(find_leaf(leaves, op.u.cpu_policy.nr_leaves, 4, 1));
    cr_assert_not_null(find_leaf(leaves, op.u.cpu_policy.nr_leaves, 4, 2),
                       "the null-type subleaf ending the cache list is listed, as by Xen");
    cr_assert_null(find_leaf(leaves, op.u.cpu_policy.nr_leaves, 4, 3), "cache list ends");
    cr_assert_not_null(find_leaf(leaves, op.u.cpu_policy.nr_leaves, 0x40000000, XEN_CPUID_NO_SUBLEAF));
    cr_assert_not_null(find_leaf(leaves, op.u.cpu_policy.nr_leaves, 0x80000008, XEN_CPUID_NO_SUBLEAF));

    op.u.cpu_policy.nr_leaves = 3;
    cr_assert_eq(h_domctl(&op), -ENOBUFS);
    op.u.cpu_policy.nr_leaves = CTL_CPUID_MAX_LEAVES;
    op.u.cpu_policy.leaves.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_domctl(&op), -EFAULT);
}

/* Xen 4.17's x86_cpu_policies_are_compatible(): max leaves and the
 * PLATFORM_INFO MSR are checked, feature bits are not (libxenguest sets
 * HTT for PV guests from the host's featureset: Debian's xl failed here
 * with "Failed to set d5's policy (err leaf 0x1 ...)" when they were). */
Test(domctl, set_cpu_policy_checks_what_xen_checks)
{
    struct xen_domctl op, get;
    xen_cpuid_leaf_t leaves[CTL_CPUID_MAX_LEAVES];
    xen_msr_entry_t msrs[CTL_MSR_MAX_ENTRIES];
    xen_cpuid_leaf_t *l1 = NULL;
    uint32_t n;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&get, XEN_DOMCTL_get_cpu_policy, 1);
    get.u.cpu_policy.nr_leaves = CTL_CPUID_MAX_LEAVES;
    get.u.cpu_policy.nr_msrs = CTL_MSR_MAX_ENTRIES;
    get.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    get.u.cpu_policy.msrs.p = (uint64_t)(uintptr_t)msrs;
    cr_assert_eq(h_domctl(&get), 0);
    n = get.u.cpu_policy.nr_leaves;
    for (uint32_t i = 0; i < n; i++)
        if (leaves[i].leaf == 1)
            l1 = &leaves[i];
    cr_assert_not_null(l1);

    h_domctl_init(&op, XEN_DOMCTL_set_cpu_policy, 1);
    op.u.cpu_policy.nr_leaves = n;
    op.u.cpu_policy.nr_msrs = 2;
    op.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    op.u.cpu_policy.msrs.p = (uint64_t)(uintptr_t)msrs;
    cr_assert_eq(h_domctl(&op), 0, "its own policy");
    l1->c &= ~CPUID1_ECX_POPCNT;
    cr_assert_eq(h_domctl(&op), 0, "a feature removed");
    l1->c |= CPUID1_ECX_VMX;
    l1->d |= 1u << 28;                      /* HTT, as libxenguest sets it */
    cr_assert_eq(h_domctl(&op), 0, "feature bits are clamped, not refused");
    l1->c &= ~CPUID1_ECX_VMX;
    for (uint32_t i = 0; i < n; i++) {
        if (leaves[i].leaf == 0x80000000u) {
            leaves[i].a++;
            cr_assert_eq(h_domctl(&op), -EINVAL, "a higher extended max leaf");
            cr_assert_eq(op.u.cpu_policy.err_leaf, 0x80000000u);
            cr_assert_eq(op.u.cpu_policy.err_subleaf, XEN_CPUID_NO_SUBLEAF);
            leaves[i].a--;
        }
    }
    l1->leaf = 0x40000200;
    cr_assert_eq(h_domctl(&op), -ERANGE, "a leaf outside the policy");
    l1->leaf = 1;
    msrs[0].val = 1ULL << 32;
    cr_assert_eq(h_domctl(&op), -EINVAL, "an MSR bit added");
    cr_assert_eq(op.u.cpu_policy.err_msr, msrs[0].idx);
    msrs[0].val = 0;
    op.u.cpu_policy.leaves.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_domctl(&op), -EFAULT);
    op.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    op.u.cpu_policy.nr_leaves = CTL_CPUID_MAX_LEAVES + 1;
    cr_assert_eq(h_domctl(&op), -ENOBUFS);
    op.u.cpu_policy.nr_leaves = n;

    /* Once the domain has been started the policy is fixed. */
    cr_assert_eq(simple(XEN_DOMCTL_unpausedomain, 1), 0);
    cr_assert_eq(h_domctl(&op), -EEXIST);
}

/* ------------------------------------------------------ I/O permissions */

Test(domctl, iomem_permission_ranges)
{
    struct xen_domctl op;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    cr_assert(!ctl_iomem_access_permitted(d, 0xfee00, 0xfee00));
    h_domctl_init(&op, XEN_DOMCTL_iomem_permission, 1);
    op.u.iomem_permission.first_mfn = 0xfe000;
    op.u.iomem_permission.nr_mfns = 0x100;
    op.u.iomem_permission.allow_access = 1;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(ctl_iomem_access_permitted(d, 0xfe000, 0xfe0ff));
    cr_assert(!ctl_iomem_access_permitted(d, 0xfe000, 0xfe100));
    /* Adjacent grant merges; a hole punched in the middle splits. */
    op.u.iomem_permission.first_mfn = 0xfe100;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(ctl_iomem_access_permitted(d, 0xfe000, 0xfe1ff));
    op.u.iomem_permission.first_mfn = 0xfe080;
    op.u.iomem_permission.nr_mfns = 0x10;
    op.u.iomem_permission.allow_access = 0;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(ctl_iomem_access_permitted(d, 0xfe000, 0xfe07f));
    cr_assert(!ctl_iomem_access_permitted(d, 0xfe085, 0xfe085));
    cr_assert(ctl_iomem_access_permitted(d, 0xfe090, 0xfe1ff));
    cr_assert(ctl_iomem_access_permitted(dom(0), 0, ~0ULL), "dom0 has all");

    op.u.iomem_permission.nr_mfns = 0;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.iomem_permission.first_mfn = ~0ULL - 2;
    op.u.iomem_permission.nr_mfns = 5;
    cr_assert_eq(h_domctl(&op), -EINVAL, "wraps");
    op.u.iomem_permission.first_mfn = 1ULL << 45;
    op.u.iomem_permission.nr_mfns = 1;
    cr_assert_eq(h_domctl(&op), -EINVAL, "beyond 52-bit addresses");
}

Test(domctl, ioport_permission_ranges)
{
    struct xen_domctl op;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    h_domctl_init(&op, XEN_DOMCTL_ioport_permission, 1);
    op.u.ioport_permission.first_port = 0x3f8;
    op.u.ioport_permission.nr_ports = 8;
    op.u.ioport_permission.allow_access = 1;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(ctl_ioport_access_permitted(d, 0x3f8, 0x3ff));
    cr_assert(!ctl_ioport_access_permitted(d, 0x3f0, 0x3f8));
    op.u.ioport_permission.allow_access = 0;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(!ctl_ioport_access_permitted(d, 0x3f8, 0x3f8));
    op.u.ioport_permission.first_port = 0xfffe;
    op.u.ioport_permission.nr_ports = 4;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.ioport_permission.nr_ports = 0;
    cr_assert_eq(h_domctl(&op), -EINVAL);
}

Test(domctl, permissions_do_not_survive_a_recycled_id)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(4, 1), 4);
    h_domctl_init(&op, XEN_DOMCTL_ioport_permission, 4);
    op.u.ioport_permission.first_port = 0x60;
    op.u.ioport_permission.nr_ports = 1;
    op.u.ioport_permission.allow_access = 1;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(simple(XEN_DOMCTL_destroydomain, 4), 0);
    cr_assert_eq(h_create(4, 1), 4);
    cr_assert(!ctl_ioport_access_permitted(dom(4), 0x60, 0x60));
}

Test(domctl, rangeset_fills_up_with_enomem_not_corruption)
{
    struct xen_domctl op;
    struct domain *d;
    long rc = 0;
    unsigned int i;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    h_domctl_init(&op, XEN_DOMCTL_ioport_permission, 1);
    op.u.ioport_permission.nr_ports = 1;
    op.u.ioport_permission.allow_access = 1;
    for (i = 0; i < 100 && rc == 0; i++) {
        op.u.ioport_permission.first_port = i * 4;
        rc = h_domctl(&op);
    }
    cr_assert_eq(rc, -ENOMEM);
    for (unsigned int j = 0; j + 1 < i; j++)
        cr_assert(ctl_ioport_access_permitted(d, j * 4, j * 4), "port %u", j * 4);
    cr_assert(!ctl_ioport_access_permitted(d, 1, 3));
}

Test(domctl, getvcpucontext_rules_for_the_callers_own_domain)
{
    struct xen_domctl op;
    struct vcpu_guest_context back;
    struct domain *d0;

    cr_assert_eq(domain_create(0, DOMCRF_privileged, 2, &d0), 0);
    h_run_as(d0->vcpu[0]);
    d0->vcpu[0]->is_initialised = d0->vcpu[1]->is_initialised = true;
    h_domctl_init(&op, XEN_DOMCTL_getvcpucontext, 0);
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&back;
    op.u.vcpucontext.vcpu = 0;
    cr_assert_eq(h_domctl(&op), -EINVAL, "the running vCPU itself");
    op.u.vcpucontext.vcpu = 1;
    cr_assert_eq(h_domctl(&op), 0, "another vCPU of the caller (Xen allows it)");
    cr_assert_eq(h_get_ctx_calls, 1);
    h_domctl_init(&op, XEN_DOMCTL_setvcpucontext, 0);
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&back;
    op.u.vcpucontext.vcpu = 1;
    cr_assert_eq(h_domctl(&op), -EINVAL, "set never on the caller's domain");
}

Test(domctl, vcpus_appear_at_max_vcpus_and_come_up_with_vgcf_online)
{
    struct xen_domctl op;
    struct vcpu_guest_context ctx;

    h_make_dom0();
    cr_assert_eq(h_create_raw(0, 2), 1);
    /* Xen 4.17 (reference run): before max_vcpus there are no vCPUs. */
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfo.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);
    cr_assert_eq(op.u.getdomaininfo.nr_online_vcpus, 0);
    h_domctl_init(&op, XEN_DOMCTL_getvcpuinfo, 1);
    cr_assert_eq(h_domctl(&op), -ESRCH);
    h_domctl_init(&op, XEN_DOMCTL_max_vcpus, 1);
    op.u.max_vcpus.max = 3;
    cr_assert_eq(h_domctl(&op), -EINVAL);
    op.u.max_vcpus.max = 2;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(h_domctl(&op), 0, "again: still fine");

    /* Now they exist, all down (vCPU 0 too) until a VGCF_online context. */
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfo.max_vcpu_id, 1);
    cr_assert_eq(op.u.getdomaininfo.nr_online_vcpus, 0);
    h_domctl_init(&op, XEN_DOMCTL_getvcpuinfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getvcpuinfo.online, 0);

    memset(&ctx, 0, sizeof(ctx));
    h_domctl_init(&op, XEN_DOMCTL_setvcpucontext, 1);
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&ctx;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(dom(1)->vcpu[0]->pause_flags & VPF_down, "no VGCF_online: stays down");
    ctx.flags = VGCF_online;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(!(dom(1)->vcpu[0]->pause_flags & VPF_down));
    cr_assert_eq(simple(XEN_DOMCTL_unpausedomain, 1), 0);
    cr_assert(vcpu_runnable(dom(1)->vcpu[0]));
    cr_assert(!vcpu_runnable(dom(1)->vcpu[1]));
    /* A null context resets the vCPU: down again. */
    op.u.vcpucontext.ctxt.p = 0;
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert(dom(1)->vcpu[0]->pause_flags & VPF_down);
}

/* A domain that crashed reads as shut down with reason crash (xl list's
 * 's'/'c'), whoever reported it, and keeps reading so (on_crash=preserve). */
Test(domctl, getdomaininfo_after_a_crash)
{
    struct xen_domctl op;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    d = get_domain_by_id(1);
    cr_assert_not_null(d);
    domain_shutdown(d, SHUTDOWN_crash);
    put_domain(d);
    for (int i = 0; i < 2; i++) {
        h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
        cr_assert_eq(h_domctl(&op), 0);
        cr_assert(op.u.getdomaininfo.flags & XEN_DOMINF_shutdown, "flags %#x", op.u.getdomaininfo.flags);
        cr_assert_eq((op.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
                     SHUTDOWN_crash);
    }
}

/* getdomaininfo's outstanding_pages is the domain's claim, as Xen's. */
Test(domctl, getdomaininfo_reports_the_claim)
{
    struct xen_domctl op;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = get_domain_by_id(1);
    d->max_pages = 64;
    cr_assert_eq(domain_set_outstanding_pages(d, 40), 0);
    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfo.outstanding_pages, 40 - d->tot_pages);
    cr_assert_eq(domain_set_outstanding_pages(d, 0), 0);
    put_domain(d);
}

Test(domctl, scheduler_params_reach_the_policy_and_are_checked)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    h_domctl_init(&op, XEN_DOMCTL_scheduler_op, 1);
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit2.weight = 65535;
    op.u.scheduler_op.u.credit2.cap = 50;
    cr_assert_eq(h_domctl(&op), 0);
    cr_expect_eq(dom(1)->sched.weight, 65535);
    cr_expect_eq(dom(1)->sched.cap, 50);
    op.u.scheduler_op.u.credit2.cap = 101;
    cr_expect_eq(h_domctl(&op), -EINVAL, "cap above 100%% of its one vCPU");
    cr_expect_eq(dom(1)->sched.cap, 50, "a refused call changes nothing");
    op.u.scheduler_op.u.credit2.weight = 1;
    op.u.scheduler_op.u.credit2.cap = 0;
    cr_assert_eq(h_domctl(&op), 0);
    cr_expect_eq(dom(1)->sched.weight, 1);
    cr_expect_eq(dom(1)->sched.cap, 0, "cap 0 removes it");

    /* A guest may not change its own weight, nor anyone else's. */
    h_run_as(dom(1)->vcpu[0]);
    op.u.scheduler_op.u.credit2.weight = 1000;
    cr_expect_eq(h_domctl(&op), -EPERM);
    h_domctl_init(&op, XEN_DOMCTL_getvcpuinfo, 1);
    cr_expect_eq(h_domctl(&op), -EPERM);
    cr_expect_eq(dom(1)->sched.weight, 1);
}

Test(domctl, getvcpuinfo_reports_cpu_state_and_time)
{
    struct xen_domctl op;

    h_make_dom0();
    cr_assert_eq(h_create(0, 2), 1);
    h_domctl_init(&op, XEN_DOMCTL_max_vcpus, 1);
    op.u.max_vcpus.max = 2;
    cr_assert_eq(h_domctl(&op), 0);
    h_domctl_init(&op, XEN_DOMCTL_getvcpuinfo, 1);
    op.u.getvcpuinfo.vcpu = 1;
    cr_assert_eq(h_domctl(&op), 0);
    cr_expect_eq(op.u.getvcpuinfo.online, 0, "down until it is given a context");
    cr_expect_eq(op.u.getvcpuinfo.running, 0);
    cr_expect_eq(op.u.getvcpuinfo.cpu, 0, "the only CPU");
    cr_expect_eq(op.u.getvcpuinfo.cpu_time, 0);
    op.u.getvcpuinfo.vcpu = 2;
    cr_expect_eq(h_domctl(&op), -EINVAL, "beyond max_vcpus");
}
