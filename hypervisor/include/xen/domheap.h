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
/* Frame references, implemented by the architecture's MMU code. */
bool get_page(struct page_info *pg, const struct domain *d);
void put_page(struct page_info *pg);
int  get_page_type(struct page_info *pg, uint64_t type);
void put_page_type(struct page_info *pg);

/* Drop the allocation reference of every frame d owns (domain death). */
void domain_relinquish_memory(struct domain *d);

#endif
