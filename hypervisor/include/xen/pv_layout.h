/*
 * xen/pv_layout.h — where everything goes in a new 64-bit PV domain's
 * initial virtual address space (docs: ../shared/docs/xen-pv-abi.md §3).
 * Pure arithmetic shared by the hypervisor's dom0 builder and the
 * toolstack's domU builder (hypervisor/arch/x86/pvboot/pv_layout.c).
 *
 * From VIRT_BASE upwards, virtually contiguous, PFN = (VA - v_start) >> 12:
 *   kernel image | initrd | p2m list | start_info [| xenstore | console] |
 *   bootstrap page tables (L4, L3s, L2s, L1s) | boot stack | padding
 * The initrd is left out of the mapping (placed after it, by PFN) when the
 * kernel has MOD_START_PFN and the builder chooses so; the p2m list is left
 * out when the kernel asks for it at INIT_P2M.  The padding rounds the end
 * up to 4 MiB, plus 4 MiB more when that leaves less than 512 KiB.  The page
 * tables map the whole area with 4 KiB pages, so their number depends on the
 * area's size, which depends on their number: iterated to a fixed point as
 * Xen's builder does.
 */
#ifndef XEN_PV_LAYOUT_H
#define XEN_PV_LAYOUT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define PV_LAYOUT_UNSET (~0ULL)

struct pv_layout_params {
    uint64_t nr_pages;          /* pages the domain owns */
    uint64_t virt_base;         /* the image's VIRT_BASE */
    uint64_t kern_start;        /* image extent [kern_start, kern_end) */
    uint64_t kern_end;
    uint64_t initrd_len;        /* bytes; 0 = no initrd */
    uint64_t p2m_base;          /* INIT_P2M address, or PV_LAYOUT_UNSET */
    bool initrd_unmapped;       /* MOD_START_PFN: initrd by PFN, not mapped */
    bool dom0;                  /* dom0 (console info in the start_info page)
                                   or domU (xenstore and console pages) */
    bool limit_1g;              /* Linux: whole area within 1 GiB of virt_base */
};

struct pv_layout {
    uint64_t v_start, v_end;            /* the bootstrap-mapped area */
    uint64_t kern_start, kern_end;
    uint64_t initrd_start, initrd_end;  /* VA; both 0 if no initrd or unmapped */
    uint64_t initrd_pfn;                /* first PFN of the initrd (either way) */
    uint64_t initrd_pages;
    uint64_t p2m_start, p2m_end;        /* VA of the p2m list: nr_pages * 8 bytes */
    uint64_t start_info;                /* VA of the start_info page */
    uint64_t xenstore, console;         /* domU only: VA of those pages, else 0 */
    uint64_t pt_start, pt_end;          /* page tables; the L4 is at pt_start,
                                           then the L3s, L2s and L1s */
    unsigned int nr_pt_frames;          /* nr_l4 + nr_l3 + nr_l2 + nr_l1 */
    unsigned int nr_l4, nr_l3, nr_l2, nr_l1;
    uint64_t stack_start, stack_end;    /* one page; initial RSP = stack_end */
    /*
     * INIT_P2M only: the p2m list's frames and the L3/L2/L1 tables that map
     * them at p2m_base (hung off the same L4) follow everything else.
     */
    uint64_t first_p2m_pfn, nr_p2m_frames;  /* nr_p2m_frames counts both */
    unsigned int p2m_nr_l3, p2m_nr_l2, p2m_nr_l1;
    uint64_t nr_pages_used;             /* PFNs [0, nr_pages_used) are used above */
};

#define pv_layout_pfn(l, va) (((va) - (l)->v_start) >> 12)

/*
 * Fill *l.  0 on success; -EINVAL for inconsistent parameters, -E2BIG when
 * the area does not fit (address space, hypervisor hole, Linux's 1 GiB),
 * -ENOMEM when nr_pages is too small.  reason (may be NULL) receives one
 * line prefixed with who.
 */
int pv_layout_compute(const struct pv_layout_params *p, struct pv_layout *l,
                      const char *who, char *reason, size_t reason_len);

/* ---- bootstrap page-table contents ------------------------------------- */

/* PTE bits used in the bootstrap tables (x86-64 4-level paging). */
#define PV_PTE_P        0x001ULL
#define PV_PTE_RW       0x002ULL
#define PV_PTE_US       0x004ULL
#define PV_PTE_A        0x020ULL
#define PV_PTE_D        0x040ULL
/* As Xen's dom0 builder: tables P|RW|US|A|D, leaf pages P|RW|US|A. */
#define PV_TABLE_FLAGS  (PV_PTE_P | PV_PTE_RW | PV_PTE_US | PV_PTE_A | PV_PTE_D)
#define PV_PAGE_FLAGS   (PV_PTE_P | PV_PTE_RW | PV_PTE_US | PV_PTE_A)

/* Machine frame backing guest PFN pfn, or ~0 if there is none. */
typedef uint64_t (*pv_pfn_to_mfn_fn)(void *ctx, uint64_t pfn);

/*
 * Contents of the bootstrap page tables for layout l (pure: the caller
 * copies them into the frames).
 *   main: nr_pt_frames * 512 entries, for the frames at PFNs
 *         pv_layout_pfn(l, l->pt_start) onwards, in the order L4, L3s, L2s,
 *         L1s (each level in address order).  Every page of [v_start, v_end)
 *         maps PFN (va - v_start) >> 12, read-only for the page-table frames
 *         themselves (the hypervisor refuses writable mappings of them).
 *   p2m:  with INIT_P2M only (else may be NULL): (p2m_nr_l3 + p2m_nr_l2 +
 *         p2m_nr_l1) * 512 entries for the frames at first_p2m_pfn onwards;
 *         the p2m list's own frames follow them and are mapped writable at
 *         p2m_start; the L4 gets the entries for them.
 * The hypervisor's L4 slots 256-271 are left empty: the hypervisor fills
 * them when the L4 is validated/pinned.
 * 0, or -EINVAL if pfn_to_mfn fails or the layout is inconsistent.
 */
int pv_layout_pagetables(const struct pv_layout *l, pv_pfn_to_mfn_fn pfn_to_mfn, void *ctx,
                         uint64_t *main, uint64_t *p2m);

/* ---- start_info ----------------------------------------------------------- */

struct pv_start_info_params {
    uint64_t shared_info_maddr;     /* machine address of the shared_info page */
    uint32_t flags;                 /* SIF_* (dom0: SIF_PRIVILEGED | SIF_INITDOMAIN) */
    uint64_t store_mfn;             /* xenstore ring frame (domU; 0 if none) */
    uint32_t store_evtchn;          /* 0: xenstore is local (Linux will not wait for it) */
    uint64_t console_mfn;           /* domU console ring frame */
    uint32_t console_evtchn;
    const char *cmdline;            /* may be NULL; at most 1023 bytes are kept */
};

/*
 * Fill the start_info page (4096 bytes, to be placed at l->start_info) for
 * layout l built from params p: magic "xen-3.0-x86_64", page counts, the
 * bootstrap table and p2m addresses, the initrd (VA, or PFN with
 * SIF_MOD_START_PFN added to flags when it is unmapped), the command line,
 * the INIT_P2M frame range.  The rest of the page is zeroed; dom0's console
 * info (console.dom0) is left empty for the caller to add if it has one.
 */
void pv_start_info_fill(void *page, const struct pv_layout *l, const struct pv_layout_params *p,
                        const struct pv_start_info_params *sp);

#endif /* XEN_PV_LAYOUT_H */
