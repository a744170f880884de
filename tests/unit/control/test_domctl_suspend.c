/*
 * test_domctl_suspend.c — the save/restore domctls through do_domctl():
 * a guest's SHUTDOWN_suspend seen by getdomaininfo, resumedomain bringing
 * it back (checkpoint, cancelled suspend), getpageframeinfo3's frame types
 * and its argument checks, and both refused to a domain other than dom0.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/domheap.h>
#include <public/sched.h>
#include "harness.h"

TestSuite(domctl_suspend, .init = h_setup, .fini = h_teardown);

static struct domain *dom(domid_t id)
{
    struct domain *d = get_domain_by_id(id);

    cr_assert_not_null(d, "d%u exists", id);
    put_domain(d);
    return d;
}

static uint32_t dominfo_flags(domid_t id)
{
    struct xen_domctl op;

    h_domctl_init(&op, XEN_DOMCTL_getdomaininfo, id);
    cr_assert_eq(h_domctl(&op), 0);
    cr_assert_eq(op.domain, id);
    return op.u.getdomaininfo.flags;
}

static long resume(domid_t id)
{
    struct xen_domctl op;

    h_domctl_init(&op, XEN_DOMCTL_resumedomain, id);
    return h_domctl(&op);
}

/* The guest's own SCHEDOP_shutdown(SHUTDOWN_suspend), run as its vCPU. */
static long guest_suspend(struct domain *d)
{
    struct sched_shutdown s = { .reason = SHUTDOWN_suspend };
    struct vcpu *prev = h_cur;
    long rc;

    h_run_as(d->vcpu[0]);
    rc = do_sched_op(SCHEDOP_shutdown, (XEN_GUEST_HANDLE_PARAM(void)){ &s });
    h_run_as(prev);
    return rc;
}

Test(domctl_suspend, suspend_shows_reason_and_resume_runs_the_guest_again)
{
    struct domain *d;
    uint32_t f;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    h_online(1, 0);
    cr_assert_eq(domain_unpause_by_controller(d), 0, "created paused");
    cr_assert(vcpu_runnable(d->vcpu[0]));
    cr_assert_eq(guest_suspend(d), 0);
    f = dominfo_flags(1);
    cr_assert(f & XEN_DOMINF_shutdown);
    cr_assert_eq((f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask, SHUTDOWN_suspend);
    cr_assert_not(vcpu_runnable(d->vcpu[0]), "suspended: its vCPU stops");

    cr_assert_eq(resume(1), 0);
    f = dominfo_flags(1);
    cr_assert_not(f & XEN_DOMINF_shutdown, "resumed: no longer shut down");
    cr_assert_eq(f >> XEN_DOMINF_shutdownshift, 0xffff, "the 'no shutdown' code again");
    cr_assert(vcpu_runnable(d->vcpu[0]), "and its vCPU runs");
    cr_assert_eq(d->pause_count, 0, "no pause left behind");

    /* It can suspend again after a resume (a second checkpoint). */
    cr_assert_eq(guest_suspend(d), 0);
    cr_assert(dominfo_flags(1) & XEN_DOMINF_shutdown);
}

Test(domctl_suspend, resume_keeps_a_toolstack_pause)
{
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    d = dom(1);
    h_online(1, 0);
    cr_assert_eq(domain_unpause_by_controller(d), 0, "created paused");
    cr_assert_eq(guest_suspend(d), 0);
    cr_assert_eq(domain_pause_by_controller(d), 0);
    cr_assert_eq(resume(1), 0);
    cr_assert_not(vcpu_runnable(d->vcpu[0]), "xl save -p: resumed but still paused");
    cr_assert_eq(domain_unpause_by_controller(d), 0);
    cr_assert(vcpu_runnable(d->vcpu[0]));
}

Test(domctl_suspend, resume_refuses_self_missing_and_unprivileged)
{
    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    cr_assert_eq(resume(0), -EINVAL, "dom0 cannot resume itself");
    cr_assert_eq(resume(7), -ESRCH);
    h_run_as(dom(1)->vcpu[0]);
    cr_assert_eq(resume(1), -EPERM, "only the control domain");
}

static long pfinfo(domid_t id, uint64_t *arr, uint64_t num)
{
    struct xen_domctl op;

    h_domctl_init(&op, XEN_DOMCTL_getpageframeinfo3, id);
    op.u.getpageframeinfo3.num = num;
    op.u.getpageframeinfo3.array.p = (uint64_t)(uintptr_t)arr;
    return h_domctl(&op);
}

Test(domctl_suspend, getpageframeinfo3_types_of_frames)
{
    struct page_info *plain, *l1, *l4pin, *other;
    struct domain *d;
    uint64_t arr[6];

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    cr_assert_eq(h_create(0, 1), 2);
    d = dom(1);
    d->max_pages = 16;
    dom(2)->max_pages = 16;
    plain = alloc_domheap_pages(d, 0, MEMF_zero);
    l1 = alloc_domheap_pages(d, 0, MEMF_zero);
    l4pin = alloc_domheap_pages(d, 0, MEMF_zero);
    other = alloc_domheap_pages(dom(2), 0, MEMF_zero);
    cr_assert(plain && l1 && l4pin && other);
    /* Types as the PV MMU leaves them: an L1 in use, a pinned L4. */
    l1->type_info = PGT_l1_page_table | PGT_validated | 1;
    l4pin->type_info = PGT_l4_page_table | PGT_validated | PGT_pinned | 1;

    arr[0] = page_to_mfn(plain);
    arr[1] = page_to_mfn(l1);
    arr[2] = page_to_mfn(l4pin);
    arr[3] = page_to_mfn(other);
    arr[4] = d->shared_info_mfn;
    arr[5] = H_FRAMES + 100;
    cr_assert_eq(pfinfo(1, arr, 6), 0);
    cr_assert_eq(arr[0], XEN_DOMCTL_PFINFO_NOTAB);
    cr_assert_eq(arr[1], XEN_DOMCTL_PFINFO_L1TAB);
    cr_assert_eq(arr[2], XEN_DOMCTL_PFINFO_L4TAB | XEN_DOMCTL_PFINFO_LPINTAB);
    cr_assert_eq(arr[3], XEN_DOMCTL_PFINFO_XTAB, "another domain's frame");
    cr_assert_eq(arr[4], XEN_DOMCTL_PFINFO_XTAB, "shared_info is the hypervisor's");
    cr_assert_eq(arr[5], XEN_DOMCTL_PFINFO_XTAB, "no such frame");
    cr_assert_eq(plain->count_info & PGC_count_mask, 1, "references given back");
    cr_assert_eq(l1->type_info & PGT_count_mask, 1, "types untouched");
    /* The made-up type references are not backed by entries: drop them
     * before teardown devalidates the tables. */
    l1->type_info = 0;
    l4pin->type_info = 0;
}

Test(domctl_suspend, getpageframeinfo3_argument_checks)
{
    static uint64_t big[XEN_DOMCTL_PFINFO_MAX_BATCH + 1];

    struct page_info *pg;
    unsigned int i;

    h_make_dom0();
    cr_assert_eq(h_create(0, 1), 1);
    dom(1)->max_pages = 4;
    pg = alloc_domheap_pages(dom(1), 0, MEMF_zero);
    cr_assert_not_null(pg);
    for (i = 0; i < XEN_DOMCTL_PFINFO_MAX_BATCH; i++)
        big[i] = i % 2 ? page_to_mfn(pg) : H_FRAMES + i;
    cr_assert_eq(pfinfo(1, big, XEN_DOMCTL_PFINFO_MAX_BATCH), 0, "a full batch");
    for (i = 0; i < XEN_DOMCTL_PFINFO_MAX_BATCH; i++)
        cr_assert_eq(big[i], i % 2 ? XEN_DOMCTL_PFINFO_NOTAB : XEN_DOMCTL_PFINFO_XTAB, "entry %u", i);
    cr_assert_eq(pfinfo(1, big, XEN_DOMCTL_PFINFO_MAX_BATCH + 1), -E2BIG);
    cr_assert_eq(pfinfo(1, H_BAD_PTR, 1), -EFAULT);
    cr_assert_eq(pfinfo(1, NULL, 0), 0, "an empty batch");
    cr_assert_eq(pfinfo(9, big, 1), -ESRCH);
    h_run_as(dom(1)->vcpu[0]);
    cr_assert_eq(pfinfo(1, big, 1), -EPERM);
}
