/*
 * layout.h — the start-of-day virtual layout of a 64-bit PV domU (ABI doc
 * section 3): kernel, initrd, p2m list, start_info, xenstore page, console
 * page, bootstrap page tables, stack, padding.  Pure computation, so it is
 * unit-tested without a hypervisor.
 *
 * The hypervisor's shared pv_layout (xen/pv_layout.h) is meant to replace
 * this once it lands; the fields mirror what both builders need.
 */
#ifndef DOM0_TOOLS_LAYOUT_H
#define DOM0_TOOLS_LAYOUT_H

#include <stdint.h>

struct pv_layout {
    uint64_t virt_base;
    uint64_t kernel_start, kernel_end;
    uint64_t ramdisk_va, ramdisk_len;
    uint64_t p2m_va, p2m_len;
    uint64_t start_info_va, store_va, console_va;
    uint64_t pt_va;
    unsigned nr_pt, nr_l4, nr_l3, nr_l2, nr_l1;
    uint64_t stack_va;
    uint64_t virt_end;        /* end of the bootstrap mapping */
    uint64_t nr_pages;
    uint64_t need_pages;      /* pages the mapping needs (for messages) */
};

#define PV_LAYOUT_E_TOO_SMALL  (-12)   /* -ENOMEM: guest memory below the mapping */
#define PV_LAYOUT_E_TOO_BIG    (-27)   /* -EFBIG: mapping beyond 1 GiB */
#define PV_LAYOUT_E_BAD        (-22)   /* -EINVAL: nonsensical input */

int pv_layout_compute(struct pv_layout *L, uint64_t virt_base, uint64_t kstart,
                      uint64_t kend, uint64_t ramdisk_len, uint64_t nr_pages);
/* Human-readable reason for a pv_layout_compute() failure. */
const char *pv_layout_error(int rc, const struct pv_layout *L);

#endif
