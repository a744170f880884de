/*
 * acquire_resource.c — XENMEM_acquire_resource's argument checks as the
 * initial domain meets them, in Xen 4.17's order: an unreadable argument
 * (-EFAULT), pad not zero or a first frame above 32 bits (-EINVAL), then
 * the domain: DOMID_SELF, a domain
 * that does not exist, DOMID_IO and DOMID_XEN are not found (-ESRCH: the
 * lookup is by id only), the caller's own id is refused (-EPERM: a domain
 * maps its own resources otherwise); the checks on the domain come before
 * the type, size query or frame list are looked at.  What an unprivileged
 * caller gets for another domain (-EPERM) is grant_trans_xdom's (two
 * domains, ours only).
 */
#include "guest.h"
#include <public/memory.h>

const char test_title[] = "XENMEM_acquire_resource: errors by domain and caller";

static xen_pfn_t frames[4];

static long acquire(domid_t dom, uint16_t type, uint32_t id, uint32_t nr, uint32_t pad,
                    uint64_t frame, xen_pfn_t *list)
{
    struct xen_mem_acquire_resource r = { .domid = dom, .type = type, .id = id,
                                          .nr_frames = nr, .pad = pad, .frame = frame };

    set_xen_guest_handle(r.frame_list, list);
    return hc_memory_op(XENMEM_acquire_resource, &r);
}

void test_main(void)
{
    domid_t me = start_info->flags & SIF_INITDOMAIN ? 0 : DOMID_SELF;
    const uint16_t gt = XENMEM_resource_grant_table;

    if (me != 0)
        test_abort("needs to be the initial domain (its own id known)");
    CHECK_RC("unmapped argument", hc_memory_op(XENMEM_acquire_resource, (void *)0x10),
             -XEN_EFAULT);
    CHECK_RC("pad 1, DOMID_SELF", acquire(DOMID_SELF, gt, 0, 1, 1, 0, frames), -XEN_EINVAL);
    CHECK_RC("pad 1, own id", acquire(me, gt, 0, 1, 1, 0, frames), -XEN_EINVAL);

    CHECK_RC("frame 1 << 32, DOMID_SELF", acquire(DOMID_SELF, gt, 0, 1, 0, 1ULL << 32, frames),
             -XEN_EINVAL);
    CHECK_RC("frame 1 << 32, own id", acquire(me, gt, 0, 1, 0, 1ULL << 32, frames), -XEN_EINVAL);
    CHECK_RC("DOMID_SELF, grant table", acquire(DOMID_SELF, gt, 0, 1, 0, 0, frames),
             -XEN_ESRCH);
    CHECK_RC("DOMID_SELF, size query", acquire(DOMID_SELF, gt, 0, 0, 0, 0, NULL), -XEN_ESRCH);
    CHECK_RC("DOMID_SELF, type 77", acquire(DOMID_SELF, 77, 0, 1, 0, 0, frames), -XEN_ESRCH);
    CHECK_RC("domain 100, grant table", acquire(100, gt, 0, 1, 0, 0, frames), -XEN_ESRCH);
    CHECK_RC("domain 100, ioreq server", acquire(100, XENMEM_resource_ioreq_server, 0, 1, 0,
                                                 0, frames), -XEN_ESRCH);
    CHECK_RC("DOMID_IO", acquire(DOMID_IO, gt, 0, 1, 0, 0, frames), -XEN_ESRCH);
    CHECK_RC("DOMID_XEN", acquire(DOMID_XEN, gt, 0, 1, 0, 0, frames), -XEN_ESRCH);

    CHECK_RC("own id, grant table", acquire(me, gt, 0, 1, 0, 0, frames), -XEN_EPERM);
    CHECK_RC("own id, status frames", acquire(me, gt, XENMEM_resource_grant_table_id_status, 1,
                                              0, 0, frames), -XEN_EPERM);
    CHECK_RC("own id, size query", acquire(me, gt, 0, 0, 0, 0, NULL), -XEN_EPERM);
    CHECK_RC("own id, type 77", acquire(me, 77, 0, 1, 0, 0, frames), -XEN_EPERM);
    CHECK_RC("own id, vmtrace buffer", acquire(me, XENMEM_resource_vmtrace_buf, 0, 1, 0, 0,
                                               frames), -XEN_EPERM);
    CHECK_RC("own id, unmapped frame list", acquire(me, gt, 0, 1, 0, 0, (xen_pfn_t *)0x10),
             -XEN_EPERM);
    CHECK_RC("own id, 1000 frames", acquire(me, gt, 0, 1000, 0, 0, frames), -XEN_EPERM);
    if (frames[0] != 0)
        test_fail("frame list written: %#lx", (unsigned long)frames[0]);
}
