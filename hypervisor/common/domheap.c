/*
 * domheap.c — frames owned by domains: allocation within a domain's limit,
 * the per-domain page list, sharing hypervisor pages (shared_info) with a
 * guest, the release of everything a dying domain owns, and claims
 * (XENMEM_claim_pages).
 *
 * Reference rules (see also arch/x86/pv/mm.c): an allocated frame has
 * count_info = PGC_allocated | 1, the 1 being the owner's allocation
 * reference.  Mappings and hypervisor users take further references.  The
 * frame goes back to the buddy allocator only when the count reaches zero,
 * so a frame a dying domain had granted to another stays valid (and owned,
 * for accounting) until that mapping is removed.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/sched.h>

/*
 * While a domain owns any frame, the frames hold one reference on the
 * domain between them, so that a frame still mapped by someone else after
 * its owner died never points at a freed struct domain.
 */
static void owned_pages_changed(struct domain *d, unsigned long before, unsigned long after)
{
    if (before == 0 && after != 0)
        get_domain(d);
    else if (before != 0 && after == 0)
        put_domain(d);
}

struct domain *domain_owners[DOMAIN_OWNER_SLOTS];
static unsigned int owner_next = 1;         /* where the search for a free slot starts */

int domain_owner_attach(struct domain *d)
{
    /* Round-robin from the last slot taken, so a slot just given back is
     * the last to be reused (easier to read in a dump). */
    for (unsigned int n = 0; n < DOMAIN_OWNER_SLOTS - 1; n++) {
        unsigned int s = owner_next;

        owner_next = owner_next + 1 < DOMAIN_OWNER_SLOTS ? owner_next + 1 : 1;
        if (domain_owners[s] == NULL) {
            domain_owners[s] = d;
            d->owner_slot = s;
            return 0;
        }
    }
    return -ENOSPC;
}

void domain_owner_detach(struct domain *d)
{
    if (d->owner_slot != 0) {
        BUG_ON(domain_owners[d->owner_slot] != d);
        domain_owners[d->owner_slot] = NULL;
        d->owner_slot = 0;
    }
}

void page_set_owner(struct page_info *pg, struct domain *d)
{
    if (d == NULL) {
        pg->owner = 0;
        return;
    }
    BUG_ON(d->owner_slot == 0 || domain_owners[d->owner_slot] != d);
    pg->owner = d->owner_slot;
}

static unsigned long outstanding_claims;

unsigned long domheap_outstanding_claims(void)
{
    return outstanding_claims;
}

int domain_set_outstanding_pages(struct domain *d, unsigned long pages)
{
    unsigned long avail, claim;
    int rc = 0;

    spin_lock(&d->page_alloc_lock);
    if (pages == 0) {
        outstanding_claims -= d->outstanding_pages;
        d->outstanding_pages = 0;
        goto out;
    }
    rc = -EINVAL;
    if (d->outstanding_pages != 0 || pages <= d->tot_pages || pages > d->max_pages)
        goto out;
    avail = heap_free_pages();
    avail = avail > outstanding_claims ? avail - outstanding_claims : 0;
    claim = pages - d->tot_pages;
    rc = -ENOMEM;
    if (claim > avail)
        goto out;
    d->outstanding_pages = claim;
    outstanding_claims += claim;
    rc = 0;
out:
    spin_unlock(&d->page_alloc_lock);
    return rc;
}

static void page_list_add(struct domain *d, struct page_info *pg)
{
    uint32_t idx = (uint32_t)page_to_mfn(pg);

    pg->prev = PAGE_LIST_NULL;
    pg->next = d->page_list_head;
    if (d->page_list_head != PAGE_LIST_NULL)
        frame_table[d->page_list_head].prev = idx;
    d->page_list_head = idx;
}

static void page_list_del(struct domain *d, struct page_info *pg)
{
    if (pg->prev != PAGE_LIST_NULL)
        frame_table[pg->prev].next = pg->next;
    else
        d->page_list_head = pg->next;
    if (pg->next != PAGE_LIST_NULL)
        frame_table[pg->next].prev = pg->prev;
    pg->next = pg->prev = PAGE_LIST_NULL;
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    unsigned long n = 1UL << order;
    struct page_info *pg;

    spin_lock(&d->page_alloc_lock);
    if (d->is_dying != DOMDYING_alive || d->tot_pages + n > d->max_pages ||
        d->tot_pages + n < d->tot_pages) {
        spin_unlock(&d->page_alloc_lock);
        return NULL;
    }
    /* Claimed memory is for its claimant: others get only what is left. */
    if (outstanding_claims != 0 && d->outstanding_pages < n &&
        outstanding_claims + n > heap_free_pages()) {
        spin_unlock(&d->page_alloc_lock);
        return NULL;
    }
    pg = alloc_heap_pages(order, memflags);
    if (pg == NULL) {
        spin_unlock(&d->page_alloc_lock);
        return NULL;
    }
    if (d->outstanding_pages != 0) {
        unsigned long used = d->outstanding_pages < n ? d->outstanding_pages : n;

        d->outstanding_pages -= used;
        outstanding_claims -= used;
    }
    for (unsigned long i = 0; i < n; i++) {
        page_set_owner(&pg[i], d);
        pg[i].count_info = PGC_state_inuse | PGC_allocated | 1;
        pg[i].type_info = 0;
        page_list_add(d, &pg[i]);
    }
    owned_pages_changed(d, d->tot_pages + d->xenheap_pages, d->tot_pages + d->xenheap_pages + n);
    d->tot_pages += n;
    spin_unlock(&d->page_alloc_lock);
    return pg;
}

void free_domheap_page(struct page_info *pg)
{
    struct domain *d = page_get_owner(pg);
    bool xenheap = (pg->count_info & PGC_xen_heap) != 0;

    BUG_ON(pg->count_info & PGC_count_mask);
    BUG_ON(pg->count_info & PGC_allocated);
    if (d != NULL) {
        unsigned long before;

        spin_lock(&d->page_alloc_lock);
        page_list_del(d, pg);
        before = d->tot_pages + d->xenheap_pages;
        if (xenheap)
            d->xenheap_pages--;
        else
            d->tot_pages--;
        spin_unlock(&d->page_alloc_lock);
        owned_pages_changed(d, before, before - 1);   /* may free d: last use */
    }
    page_set_owner(pg, NULL);
    pg->type_info = 0;
    if (xenheap) {
        /* It was this domain's alone (shared_info): nobody maps it now. */
        pg->count_info = PGC_state_inuse | PGC_xen_heap;
        free_xenheap_pages(page_to_virt(pg), 0);
        return;
    }
    pg->count_info = PGC_state_inuse;
    free_heap_pages(pg, 0);
}

void domheap_release_page(struct page_info *pg)
{
    if (pg->count_info & PGC_allocated) {
        pg->count_info &= ~PGC_allocated;
        put_page(pg);
    }
}

void share_xen_page_with_guest(struct page_info *pg, struct domain *d, bool readonly)
{
    spin_lock(&d->page_alloc_lock);
    page_set_owner(pg, d);
    /* One permanent writable (or plain) type reference: it can never become
     * a page table, and the guest can map it. */
    pg->type_info = (readonly ? PGT_none : PGT_writable_page) | PGT_validated | 1;
    pg->count_info = PGC_state_inuse | PGC_xen_heap | PGC_allocated | 1;
    page_list_add(d, pg);
    owned_pages_changed(d, d->tot_pages + d->xenheap_pages, d->tot_pages + d->xenheap_pages + 1);
    d->xenheap_pages++;
    spin_unlock(&d->page_alloc_lock);
}

void unshare_xen_page(struct page_info *pg)
{
    put_page_type(pg);          /* the permanent type reference */
    domheap_release_page(pg);   /* freed when the last mapping goes */
}

void domain_relinquish_memory(struct domain *d)
{
    uint32_t i, next;

    domain_set_outstanding_pages(d, 0);     /* a dead domain claims nothing */

    for (i = d->page_list_head; i != PAGE_LIST_NULL; i = next) {
        struct page_info *pg = &frame_table[i];

        next = pg->next;        /* pg may leave the list below */
        if (pg->count_info & PGC_xen_heap)
            unshare_xen_page(pg);
        else
            domheap_release_page(pg);
    }
}
