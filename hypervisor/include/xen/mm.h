/*
 * mm.h — machine memory: the frame table (one struct page_info per machine
 * frame) and the page allocator over it.
 *
 * The arch side (boot) sizes and maps the frame table, sets frame_table and
 * max_page, zero-fills the entries, then hands every free RAM range to
 * heap_init_pages().  The allocator (hypervisor/common/page_alloc.c) is a
 * binary buddy system of orders 0..MAX_ORDER; free blocks are linked through
 * page_info.next/prev (frame numbers, so the frame table must stay below
 * 2^32 - 1 frames, 16 TiB).  Frames never given to the heap keep
 * count_info == 0 (PGC_state_inuse) and so are never merged into a block.
 *
 * Callers run with interrupts off or before SMP (single CPU for now): there
 * is no locking yet.
 */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <xen/types.h>

struct domain;

struct page_info {
    /* PGC_* flags in the top bits, general reference count below.  32 bits
     * each, as the frame table costs sizeof(this) for every frame of RAM
     * (24 bytes: 12 MiB of a 2 GiB host; Xen's 32 bytes make 16). */
    uint32_t count_info;
    /* PGT_* type in the top bits, PGT_ flags, type count below (PV MMU).
     * xmalloc pool pages: objects in use and the free-list head. */
    uint32_t type_info;
    /* The owning domain's slot in domain_owners[] (0 = none): 2 bytes where a
     * pointer takes 8.  Read it with page_get_owner(), set it with
     * page_set_owner(). */
    uint16_t owner;
    /* PGF_* software flags (allocator-private). */
    uint16_t flags;
    /* Free: buddy free-list links (frame numbers, PAGE_LIST_NULL = none).
     * xmalloc pool pages: partial-page list links. */
    uint32_t next, prev;
    union {
        /* Free block head: the block's order.  xmalloc: size class / order. */
        uint32_t order;
        /* A domain's page table (PV MMU, Xen's linear_pt_count): > 0 = how
         * many of its entries are linear (point at another table of its own
         * level), < 0 = how many such entries point at it; never both, so
         * linear references cannot chain or loop.  0 while allocated. */
        int32_t linear_pt_count;
    };
};
_Static_assert(sizeof(struct page_info) == 24, "the frame table's size is counted on");

/*
 * Page owners.  A domain takes a slot when it is created and gives it back
 * when its structure is freed, which happens only after its last frame (each
 * owned frame holds a domain reference), so a frame's slot always names a
 * live domain.  Slot 0 stays NULL: a frame with owner 0 has none.
 */
#define DOMAIN_OWNER_SLOTS  1024            /* domains existing at once, dying ones included */
extern struct domain *domain_owners[DOMAIN_OWNER_SLOTS];

static inline struct domain *page_get_owner(const struct page_info *pg)
{
    return domain_owners[pg->owner];
}

/* d NULL: no owner. */
void page_set_owner(struct page_info *pg, struct domain *d);
/* Take a slot for a new domain (-ENOSPC when all are taken); give it back. */
int  domain_owner_attach(struct domain *d);
void domain_owner_detach(struct domain *d);

#define PAGE_LIST_NULL      0xffffffffu

/* count_info */
#define PG_shift(n)         (32 - (n))
#define PG_mask(x, n)       ((uint32_t)(x) << PG_shift(n))
#define PGC_allocated       PG_mask(1, 1)   /* owner holds a reference (domain page) */
#define PGC_xen_heap        PG_mask(1, 2)   /* Xen heap page (alloc_xenheap_pages) */
#define _PGC_state          PG_shift(4)     /* bits 28..29 */
#define PGC_state           PG_mask(3, 4)
#define PGC_state_inuse     PG_mask(0, 4)   /* allocated, or never given to the heap */
#define PGC_state_free      PG_mask(1, 4)   /* in the buddy allocator */
#define PGC_state_offlined  PG_mask(2, 4)   /* withdrawn (bad RAM), never reused */
#define PGC_count_mask      ((1u << 28) - 1)
#define page_state_is(pg, st) (((pg)->count_info & PGC_state) == PGC_state_##st)

/* type_info (used by the PV MMU) */
#define PGT_type_mask       PG_mask(7, 3)   /* bits 29..31 */
#define PGT_none            PG_mask(0, 3)   /* no special uses of this page */
#define PGT_l1_page_table   PG_mask(1, 3)
#define PGT_l2_page_table   PG_mask(2, 3)
#define PGT_l3_page_table   PG_mask(3, 3)
#define PGT_l4_page_table   PG_mask(4, 3)
#define PGT_seg_desc_page   PG_mask(5, 3)   /* GDT/LDT frame */
#define PGT_shared_page     PG_mask(6, 3)
#define PGT_writable_page   PG_mask(7, 3)   /* has writable mappings */
#define PGT_pinned          PG_mask(1, 4)   /* bit 28: pinned by the guest */
#define PGT_validated       PG_mask(1, 5)   /* bit 27: current type validated */
#define PGT_partial         PG_mask(1, 6)   /* bit 26: validation partly done */
#define PGT_count_mask      ((1u << 26) - 1)

/* flags (software, allocator-private) */
#define PGF_xmalloc_pool    (1u << 0)       /* xmalloc size-class page */
#define PGF_xmalloc_large   (1u << 1)       /* head of an xmalloc large block */
#define PGF_heap            (1u << 15)      /* given to the allocator by heap_init_pages */

#define MAX_ORDER           20              /* largest block: 2^20 pages = 4 GiB */

extern struct page_info *frame_table;
extern unsigned long max_page;              /* frames [0, max_page) have entries */

#define page_to_mfn(pg)     ((mfn_t)((pg) - frame_table))
#define mfn_to_page(mfn)    (frame_table + (mfn))
#define mfn_valid(mfn)      ((mfn_t)(mfn) < max_page)
#define page_to_maddr(pg)   ((paddr_t)page_to_mfn(pg) << PAGE_SHIFT)
#define maddr_to_page(pa)   mfn_to_page((pa) >> PAGE_SHIFT)

/* Direct map of all RAM (DIRECTMAP_VIRT_START): implemented by the arch side
 * (and by the unit-test harness). */
paddr_t virt_to_maddr(const void *va);
void *maddr_to_virt(paddr_t pa);
#define page_to_virt(pg)    maddr_to_virt(page_to_maddr(pg))
#define virt_to_page(va)    maddr_to_page(virt_to_maddr(va))
#define virt_to_mfn(va)     ((mfn_t)(virt_to_maddr(va) >> PAGE_SHIFT))
#define mfn_to_virt(mfn)    maddr_to_virt((paddr_t)(mfn) << PAGE_SHIFT)

/* memflags for alloc_heap_pages */
#define MEMF_bits(n)        ((unsigned int)(n) & 0xffu) /* whole block below 2^n bytes (0 = any) */
#define MEMF_get_bits(f)    ((f) & 0xffu)
#define MEMF_zero           (1u << 8)       /* return the block zero-filled */

/* Give frames [first, first + nr) to the allocator.  Frames at or beyond
 * max_page are ignored (with a warning); a frame already free is a BUG. */
void heap_init_pages(mfn_t first, unsigned long nr);
/* A block of 2^order frames, naturally aligned, or NULL.  The frames come
 * back with count_info = PGC_state_inuse, type_info 0, owner NULL. */
struct page_info *alloc_heap_pages(unsigned int order, unsigned int memflags);
/* Return 2^order frames starting at pg (any order-aligned sub-range of an
 * earlier allocation may be freed separately).  Freeing a free frame: BUG. */
void free_heap_pages(struct page_info *pg, unsigned int order);
unsigned long heap_free_pages(void);
/* Frames ever given to the heap (free or allocated). */
unsigned long heap_total_pages(void);
/* Free blocks of exactly this order (diagnostics, tests). */
unsigned long heap_free_blocks(unsigned int order);
/* Walk the free lists checking every invariant; returns 0 or -EFAULT after
 * printing what is wrong (tests, debug keys). */
int heap_check(void);

/* Heap pages addressed through the direct map (PGC_xen_heap set while
 * allocated).  NULL when out of memory. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);
static inline void *alloc_xenheap_page(void) { return alloc_xenheap_pages(0); }
static inline void free_xenheap_page(void *va) { free_xenheap_pages(va, 0); }

/* Smallest order whose block holds size bytes. */
static inline unsigned int get_order_from_bytes(uint64_t size)
{
    unsigned int order = 0;

    while (size > ((uint64_t)PAGE_SIZE << order))
        order++;
    return order;
}
static inline unsigned int get_order_from_pages(uint64_t nr)
{
    unsigned int order = 0;

    while (nr > (1ULL << order))
        order++;
    return order;
}

#endif
