/*
 * domheap.h — memory owned by domains (common/domheap.c).
 *
 * A domain's frames come from the buddy allocator, carry the domain as owner
 * and an "allocation" reference (PGC_allocated), and sit on the domain's page
 * list.  A frame returns to the allocator only when its last reference is
 * dropped: the owner releasing it is not enough while another domain still
 * maps it (grant mappings, foreign mappings by the toolstack).
 */
#ifndef XEN_DOMHEAP_H
#define XEN_DOMHEAP_H

#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>

struct domain;

/* 2^order frames for d, within its max_pages; NULL if over the limit or
 * out of memory.  MEMF_zero zero-fills. */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags);
/* Called by put_page() when a frame's last reference goes. */
void free_domheap_page(struct page_info *pg);
/* Give the owner's allocation reference up (decrease_reservation). */
void domheap_release_page(struct page_info *pg);
/* Let d map a hypervisor page (shared_info); it stays the hypervisor's. */
void share_xen_page_with_guest(struct page_info *pg, struct domain *d, bool readonly);
/* Undo share_xen_page_with_guest when d dies. */
void unshare_xen_page(struct page_info *pg);
/*
 * Frame references.  The common cases are inline: grant copy takes and
 * drops them per op, and under emulation every call and branch ends a
 * translated block.  Type changes, validation and the last type reference
 * are the architecture's MMU code (arch/x86/pv/mm.c).  One CPU runs the
 * hypervisor with interrupts off: plain read-modify-write is enough.
 */
int  get_page_type_slow(struct page_info *pg, uint64_t type);
void put_last_page_type(struct page_info *pg, uint64_t x);

/* The owner's frame, in use with a live count, and no overflow (refuse
 * rather than wrap): one test of all conditions at once. */
static inline bool get_page(struct page_info *pg, const struct domain *d)
{
    uint64_t x = pg->count_info;

    if (unlikely((page_get_owner(pg) != d) | (d == NULL) | ((x & PGC_state) != PGC_state_inuse) |
                 ((x & PGC_count_mask) == 0) | (((x + 1) & PGC_count_mask) == 0)))
        return false;
    pg->count_info = x + 1;
    return true;
}

static inline void put_page(struct page_info *pg)
{
    uint64_t x = pg->count_info;

    BUG_ON((x & PGC_count_mask) == 0);
    pg->count_info = x - 1;
    if (((x - 1) & PGC_count_mask) == 0)
        free_domheap_page(pg);
}

/* The type it has, validated (writable, shared and none frames stay
 * validated at count 0), no overflow: only the count changes. */
static inline int get_page_type(struct page_info *pg, uint64_t type)
{
    uint64_t x = pg->type_info;

    ASSERT(!(type & ~PGT_type_mask));
    if (likely(((x & PGT_type_mask) == type) & ((x & PGT_validated) != 0) &
               (((x + 1) & PGT_count_mask) != 0))) {
        pg->type_info = x + 1;
        return 0;
    }
    return get_page_type_slow(pg, type);
}

static inline void put_page_type(struct page_info *pg)
{
    uint64_t x = pg->type_info;

    BUG_ON((x & PGT_count_mask) == 0);
    if ((x & PGT_count_mask) == 1)
        put_last_page_type(pg, x);
    else
        pg->type_info = x - 1;
}

/* Both references at once: d's frame, then the type (-EINVAL if the frame
 * is not d's; the type's own error otherwise, holding nothing). */
static inline int get_page_and_type(struct page_info *pg, const struct domain *d,
                                    uint64_t type)
{
    int rc;

    if (!get_page(pg, d))
        return -EINVAL;
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

static inline void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

/* Drop the allocation reference of every frame d owns (domain death). */
void domain_relinquish_memory(struct domain *d);

/*
 * XENMEM_claim_pages (Xen 4.17's domain_set_outstanding_pages): stake a
 * claim so that d's next allocations up to `pages` in total cannot fail for
 * lack of free memory; other domains' allocations may not eat into it.
 * pages 0 drops the claim.  -EINVAL: a claim already held, pages not above
 * tot_pages or above max_pages; -ENOMEM: not that much free.  A claim
 * shrinks as d allocates and goes when d dies.
 */
int domain_set_outstanding_pages(struct domain *d, unsigned long pages);
/* Sum of every domain's outstanding claim (physinfo's outstanding_pages). */
unsigned long domheap_outstanding_claims(void);

#endif
