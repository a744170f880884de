/*
 * layout.c — start-of-day layout computation for the PV builder.  The
 * number of page-table frames depends on how far the mapping reaches, and
 * the mapping must include those frames: iterate to a fixed point, as
 * Xen's builders do.
 */
#include <stdio.h>
#include <string.h>
#include "layout.h"

#define PAGE 4096ULL
#define MB (1ULL << 20)

static uint64_t round_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Tables needed at one level for [s, e): distinct slots of 2^shift bytes. */
static unsigned span(uint64_t s, uint64_t e, unsigned shift)
{
    return (unsigned)(((e - 1) >> shift) - (s >> shift) + 1);
}

int pv_layout_compute(struct pv_layout *L, uint64_t virt_base, uint64_t kstart,
                      uint64_t kend, uint64_t ramdisk_len, uint64_t nr_pages)
{
    memset(L, 0, sizeof(*L));
    L->virt_base = virt_base;
    L->nr_pages = nr_pages;
    if (kstart < virt_base || kend <= kstart || (kstart & (PAGE - 1)) || (virt_base & (PAGE - 1)))
        return PV_LAYOUT_E_BAD;
    if (nr_pages == 0 || nr_pages > (1ULL << 36))
        return PV_LAYOUT_E_BAD;
    L->kernel_start = kstart;
    L->kernel_end = round_up(kend, PAGE);

    uint64_t cur = L->kernel_end;
    if (ramdisk_len) {
        L->ramdisk_va = cur;
        L->ramdisk_len = ramdisk_len;
        cur += round_up(ramdisk_len, PAGE);
    }
    L->p2m_va = cur;
    L->p2m_len = nr_pages * 8;
    cur += round_up(L->p2m_len, PAGE);
    L->start_info_va = cur; cur += PAGE;
    L->store_va = cur;      cur += PAGE;
    L->console_va = cur;    cur += PAGE;
    L->pt_va = cur;

    unsigned nr_pt = 0;
    for (int iter = 0; iter < 64; iter++) {
        uint64_t stack = L->pt_va + nr_pt * PAGE;
        uint64_t stack_end = stack + PAGE;
        /* Pad to 4 MiB, and leave at least 512 KiB of slack the kernel may use. */
        uint64_t end = round_up(stack_end, 4 * MB);
        if (end - stack_end < 512 * 1024)
            end += 4 * MB;
        unsigned l4 = 1, l3 = span(virt_base, end, 39), l2 = span(virt_base, end, 30),
                 l1 = span(virt_base, end, 21);
        unsigned need = l4 + l3 + l2 + l1;
        if (need <= nr_pt) {
            L->nr_l4 = l4; L->nr_l3 = l3; L->nr_l2 = l2; L->nr_l1 = l1;
            L->nr_pt = nr_pt;
            L->stack_va = stack;
            L->virt_end = end;
            break;
        }
        nr_pt = need;
    }
    if (!L->virt_end)
        return PV_LAYOUT_E_BAD;
    /* The L4/L3/L2 counts above assume the tables can hold the range; more
     * than one L4 slot is never needed below 512 GiB. */
    L->need_pages = (L->virt_end - virt_base) / PAGE;
    if (L->virt_end - virt_base > (1ULL << 30))
        return PV_LAYOUT_E_TOO_BIG;
    if (L->need_pages > nr_pages)
        return PV_LAYOUT_E_TOO_SMALL;
    return 0;
}

const char *pv_layout_error(int rc, const struct pv_layout *L)
{
    static __thread char buf[160];

    switch (rc) {
    case PV_LAYOUT_E_TOO_SMALL:
        snprintf(buf, sizeof(buf), "memory too small for the kernel, initrd and boot structures: "
                 "need at least %llu MiB",
                 (unsigned long long)((L->need_pages + 255) / 256));
        return buf;
    case PV_LAYOUT_E_TOO_BIG:
        return "kernel, initrd and boot structures do not fit in the first 1 GiB Linux maps";
    default:
        return "invalid kernel placement";
    }
}
