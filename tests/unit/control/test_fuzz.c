/*
 * test_fuzz.c — bad input never crashes the control interface: tens of
 * thousands of random domctl/sysctl/platform_op/physdev_op requests from
 * dom0 (known commands mostly, random payloads, pointers aimed into the
 * guest arena or anywhere), then every domain destroyed and the heap
 * checked: every frame back, free lists consistent.  Deterministic seed.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/hypercall.h>
#include "harness.h"

TestSuite(fuzz, .init = h_setup, .fini = h_teardown);

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint32_t domctls[] = {
    XEN_DOMCTL_createdomain, XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain,
    XEN_DOMCTL_unpausedomain, XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_setvcpuaffinity,
    XEN_DOMCTL_max_mem, XEN_DOMCTL_setvcpucontext, XEN_DOMCTL_getvcpucontext,
    XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_max_vcpus, XEN_DOMCTL_scheduler_op,
    XEN_DOMCTL_setdomainhandle, XEN_DOMCTL_iomem_permission, XEN_DOMCTL_ioport_permission,
    XEN_DOMCTL_hypercall_init, XEN_DOMCTL_settimeoffset, XEN_DOMCTL_getvcpuaffinity,
    XEN_DOMCTL_set_address_size, XEN_DOMCTL_get_address_size, XEN_DOMCTL_gettscinfo,
    XEN_DOMCTL_settscinfo, XEN_DOMCTL_setnodeaffinity, XEN_DOMCTL_getnodeaffinity,
    XEN_DOMCTL_get_cpu_policy, XEN_DOMCTL_set_cpu_policy,
};
static const uint32_t sysctls[] = {
    XEN_SYSCTL_readconsole, XEN_SYSCTL_physinfo, XEN_SYSCTL_sched_id,
    XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_cputopoinfo, XEN_SYSCTL_numainfo,
    XEN_SYSCTL_cpupool_op, XEN_SYSCTL_get_cpu_featureset, XEN_SYSCTL_get_cpu_policy,
};
static const uint32_t pfops[] = {
    XENPF_settime32, XENPF_settime64, XENPF_firmware_info, XENPF_get_cpuinfo,
    XENPF_get_cpu_version,
};
static const int physops[] = {
    PHYSDEVOP_irq_status_query, PHYSDEVOP_eoi, PHYSDEVOP_alloc_irq_vector,
    PHYSDEVOP_apic_read, PHYSDEVOP_apic_write, PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq,
    PHYSDEVOP_pirq_eoi_gmfn_v2,
};
#define PICK(a) ((a)[next() % (sizeof(a) / sizeof((a)[0]))])

/* The request lives at the start of the arena; the rest is its buffers. */
#define REQ_ROOM 256

/* Random payload: bytes, with some 8-byte slots made arena pointers (or
 * pointers to just past it) and some small values (ids, counts, indices). */
static void fill_payload(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)next();
    for (size_t off = 0; off + 8 <= n; off += 8) {
        uint64_t v, r = next() % 8;

        if (r == 0)
            v = (uint64_t)(uintptr_t)(h_arena + REQ_ROOM + next() % (H_ARENA_SIZE - REQ_ROOM));
        else if (r == 1)
            v = (uint64_t)(uintptr_t)(h_arena + H_ARENA_SIZE - next() % 64);
        else if (r == 2)
            v = next() % 40;
        else
            continue;
        memcpy(p + off, &v, 8);
    }
}

static long one_request(void)
{
    uint8_t *req = h_arena;
    XEN_GUEST_HANDLE_PARAM(void) h = { req };
    uint64_t kind = next() % 10;
    uint64_t dice = next() % 10;

    memset(req, 0, REQ_ROOM);
    if (kind < 5) {
        struct xen_domctl *op = (struct xen_domctl *)req;

        fill_payload((uint8_t *)&op->u, sizeof(op->u));
        op->cmd = dice < 9 ? PICK(domctls) : (uint32_t)next() % 100;
        op->interface_version = dice > 0 ? XEN_DOMCTL_INTERFACE_VERSION : (uint32_t)next();
        op->domain = next() % 4 ? (domid_t)(next() % 6) : (domid_t)next();
        if (op->cmd == XEN_DOMCTL_destroydomain && next() % 4)
            op->cmd = XEN_DOMCTL_getdomaininfo;     /* let domains accumulate */
        if (op->cmd == XEN_DOMCTL_createdomain && next() % 2) {
            /* A valid configuration now and then, so domains exist. */
            struct xen_domctl_createdomain *c = &op->u.createdomain;

            c->flags &= XEN_DOMCTL_CDF_xs_domain;
            c->max_vcpus = 1 + next() % 4;
            c->max_grant_frames = -1;
            c->grant_opts = 1;
            c->iommu_opts = c->vmtrace_size = c->cpupool_id = 0;
            c->arch.emulation_flags = c->arch.misc_flags = 0;
            op->domain = 0;
        }
        if (op->cmd == XEN_DOMCTL_max_mem && next() % 2) {
            op->u.max_mem.max_memkb = next() % 256;   /* small limits bite */
        }
        return do_domctl(h);
    }
    if (kind < 8) {
        struct xen_sysctl *op = (struct xen_sysctl *)req;

        fill_payload((uint8_t *)&op->u, sizeof(op->u));
        op->cmd = dice < 9 ? PICK(sysctls) : (uint32_t)next() % 40;
        op->interface_version = dice > 0 ? XEN_SYSCTL_INTERFACE_VERSION : (uint32_t)next();
        return do_sysctl(h);
    }
    if (kind < 9) {
        struct xen_platform_op *op = (struct xen_platform_op *)req;

        fill_payload((uint8_t *)&op->u, sizeof(op->u));
        op->cmd = dice < 9 ? PICK(pfops) : (uint32_t)next() % 70;
        op->interface_version = dice > 0 ? XENPF_INTERFACE_VERSION : (uint32_t)next();
        return do_platform_op(h);
    }
    fill_payload(req, 64);
    if (dice == 0)
        h.p = (void *)(uintptr_t)next();
    return do_physdev_op(dice < 9 ? PICK(physops) : (int)(next() % 40), h);
}

Test(fuzz, random_requests_never_crash_or_leak, .timeout = 120)
{
    unsigned long free_before;
    unsigned int ok = 0, alive = 0;

    h_make_dom0();
    free_before = heap_free_pages();
    h_strict_guest = true;
    for (int i = 0; i < 30000; i++) {
        long rc = one_request();

        cr_assert(rc <= 0 && rc > -4096, "iteration %d: rc %ld", i, rc);
        ok += rc == 0;
        cr_assert_eq(h_cur->domain->domain_id, 0, "still running as dom0");
    }
    h_strict_guest = false;
    for (struct domain *x = domain_list; x != NULL; x = x->next_in_list)
        alive++;
    cr_log_info("%u requests succeeded, %u domains alive", ok, alive);
    cr_assert(alive > 10, "createdomain got through (%u domains)", alive);
    cr_assert(ok > 1000, "enough requests got through to exercise the ops (%u)", ok);
    cr_assert_eq(heap_check(), 0);
    /* Tear everything but dom0 down: every frame comes back. */
    for (struct domain *d = domain_list; d != NULL; ) {
        struct domain *nx = d->next_in_list;

        if (d != hardware_domain)
            domain_kill(d);
        d = nx;
    }
    cr_assert_eq(heap_free_pages(), free_before);
    cr_assert_eq(heap_check(), 0);
}
