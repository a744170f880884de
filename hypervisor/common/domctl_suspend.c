/*
 * domctl_suspend.c — the domctls a PV save/restore needs, Xen 4.17
 * semantics: XEN_DOMCTL_resumedomain (a suspended domain carries on, for a
 * checkpoint or a failed save) and XEN_DOMCTL_getpageframeinfo3 (the type
 * of each frame, so the save stream can mark page tables to canonicalise).
 *
 * A guest suspends itself with SCHEDOP_shutdown(SHUTDOWN_suspend): the
 * domain is then shut down with reason suspend like any other shutdown
 * (schedule.c, domain.c), its vCPU registers as they were at the hypercall
 * (Linux passes its start_info frame in the third argument, rdx, where the
 * toolstack reads it from the vCPU context).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <xen/control.h>

/*
 * Undo a shutdown (Xen's domain_resume): the vCPUs run again from where
 * they stopped.  Whatever the toolstack changed in their registers
 * meanwhile stands: for a cancelled suspend it sets rax = 1 first, which
 * SCHEDOP_shutdown then returns ("suspend cancelled", the guest resumes in
 * place without reconnecting its devices).
 */
int domctl_resumedomain(struct domain *caller, struct domain *d)
{
    if (d == caller)
        return -EINVAL;
    if (d->is_dying != DOMDYING_alive)
        return -EINVAL;
    domain_pause(d);
    d->is_shutting_down = false;
    d->is_shut_down = false;
    d->shutdown_code = 0;
    domain_unpause(d);                  /* wakes every runnable vCPU */
    return 0;
}

/* The XEN_DOMCTL_PFINFO_* type of one frame of d (a PV guest's gfn is its mfn). */
static uint64_t frame_type(struct domain *d, uint64_t mfn)
{
    struct page_info *pg;
    uint64_t type, ti;

    if (!mfn_valid(mfn))
        return XEN_DOMCTL_PFINFO_XTAB;
    pg = mfn_to_page(mfn);
    /* Only the domain's own frames; hypervisor pages it maps (shared_info)
     * are not part of its memory image. */
    if ((pg->count_info & PGC_xen_heap) || !get_page(pg, d))
        return XEN_DOMCTL_PFINFO_XTAB;
    ti = pg->type_info;
    switch (ti & PGT_type_mask) {
    case PGT_l1_page_table: type = XEN_DOMCTL_PFINFO_L1TAB; break;
    case PGT_l2_page_table: type = XEN_DOMCTL_PFINFO_L2TAB; break;
    case PGT_l3_page_table: type = XEN_DOMCTL_PFINFO_L3TAB; break;
    case PGT_l4_page_table: type = XEN_DOMCTL_PFINFO_L4TAB; break;
    default:                type = XEN_DOMCTL_PFINFO_NOTAB; break;
    }
    if (ti & PGT_pinned)
        type |= XEN_DOMCTL_PFINFO_LPINTAB;
    put_page(pg);
    return type;
}

/*
 * Replace each of num frames at array by its type, in place, as Xen: a
 * batch of at most 1024, every frame answered (XTAB for one that is not
 * the domain's), -EFAULT if the array cannot be read or written.
 */
int domctl_getpageframeinfo3(struct domain *d, struct xen_domctl *op)
{
    uint64_t num = op->u.getpageframeinfo3.num;
    uint64_t va = op->u.getpageframeinfo3.array.p;
    uint64_t i, frame, type;

    if (num > XEN_DOMCTL_PFINFO_MAX_BATCH)
        return -E2BIG;
    for (i = 0; i < num; i++) {
        if (copy_from_guest_va(&frame, va + i * sizeof(frame), sizeof(frame)) != 0)
            return -EFAULT;
        type = frame_type(d, frame);
        if (copy_to_guest_va(va + i * sizeof(type), &type, sizeof(type)) != 0)
            return -EFAULT;
    }
    return 0;
}
