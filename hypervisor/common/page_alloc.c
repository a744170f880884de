/*
 * page_alloc.c — the machine frame allocator: a binary buddy system over the
 * frame table, plus the Xen heap (frames used through the direct map).
 *
 * A free block of order n is 2^n frames aligned to 2^n.  Its first frame
 * (the head) sits on free_head[n]'s doubly linked list (page_info.next/prev
 * hold frame numbers) and records n in page_info.order; every frame of the
 * block has PGC_state_free, so freeing any of them again is caught.  On free
 * a block merges with its buddy (mfn ^ 2^n) while that buddy is a free head
 * of the same order, which restores the largest blocks however the pieces
 * came back.  Frames the arch side never handed over lack PGF_heap and can
 * therefore never be merged in or freed.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>

#define ORDER_TAIL  0xffffffffu     /* page_info.order of non-head free frames */

static uint32_t free_head[MAX_ORDER + 1] = { [0 ... MAX_ORDER] = PAGE_LIST_NULL };
static unsigned long free_blocks[MAX_ORDER + 1];
static unsigned long total_free, total_heap;

static void list_add(unsigned int order, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    pg->prev = PAGE_LIST_NULL;
    pg->next = free_head[order];
    if (free_head[order] != PAGE_LIST_NULL)
        mfn_to_page(free_head[order])->prev = mfn;
    free_head[order] = mfn;
    pg->order = order;
    free_blocks[order]++;
}

static void list_del(unsigned int order, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (pg->prev != PAGE_LIST_NULL)
        mfn_to_page(pg->prev)->next = pg->next;
    else
        free_head[order] = pg->next;
    if (pg->next != PAGE_LIST_NULL)
        mfn_to_page(pg->next)->prev = pg->prev;
    pg->next = pg->prev = PAGE_LIST_NULL;
    pg->order = ORDER_TAIL;
    free_blocks[order]--;
}

static bool is_free_head(mfn_t mfn, unsigned int order)
{
    const struct page_info *pg = mfn_to_page(mfn);

    return (pg->flags & PGF_heap) && page_state_is(pg, free) && pg->order == order;
}

/* Put a block of in-use heap frames back, merging with free buddies. */
static void free_block(mfn_t mfn, unsigned int order)
{
    unsigned long nr = 1UL << order;

    for (unsigned long i = 0; i < nr; i++) {
        struct page_info *pg = mfn_to_page(mfn + i);

        BUG_ON(!(pg->flags & PGF_heap));
        if (page_state_is(pg, free))
            panic("page_alloc: double free of mfn %#llx\n", (unsigned long long)(mfn + i));
        pg->count_info = PGC_state_free;
        pg->type_info = 0;
        pg->owner = 0;
        pg->order = ORDER_TAIL;
        pg->flags = PGF_heap;
        pg->next = pg->prev = PAGE_LIST_NULL;
    }
    total_free += nr;

    while (order < MAX_ORDER) {
        mfn_t buddy = mfn ^ (1UL << order);

        if (!mfn_valid(buddy) || !is_free_head(buddy, order))
            break;
        list_del(order, buddy);
        if (buddy < mfn)
            mfn = buddy;
        order++;
    }
    list_add(order, mfn);
}

void heap_init_pages(mfn_t first, unsigned long nr)
{
    mfn_t mfn = first, end = first + nr;

    if (end < first)
        end = ~(mfn_t)0;
    if (end > max_page || end > PAGE_LIST_NULL) {
        mfn_t lim = max_page < PAGE_LIST_NULL ? max_page : PAGE_LIST_NULL;

        printk(XENLOG_WARNING "page_alloc: frames %#llx-%#llx beyond the frame table ignored\n",
               (unsigned long long)(first > lim ? first : lim), (unsigned long long)end - 1);
        end = lim;
    }
    while (mfn < end) {
        unsigned int order = 0;

        /* The biggest aligned block that starts here and fits. */
        while (order < MAX_ORDER && !(mfn & (1UL << order)) &&
               mfn + (2UL << order) <= end)
            order++;
        for (unsigned long i = 0; i < (1UL << order); i++) {
            struct page_info *pg = mfn_to_page(mfn + i);

            if (pg->flags & PGF_heap)
                panic("page_alloc: mfn %#llx given to the heap twice\n",
                      (unsigned long long)(mfn + i));
            pg->flags = PGF_heap;
        }
        total_heap += 1UL << order;
        free_block(mfn, order);
        mfn += 1UL << order;
    }
}

struct page_info *alloc_heap_pages(unsigned int order, unsigned int memflags)
{
    unsigned int bits = MEMF_get_bits(memflags), o;
    mfn_t limit = ~(mfn_t)0, mfn = PAGE_LIST_NULL;
    unsigned long nr;

    if (order > MAX_ORDER)
        return NULL;
    if (bits && bits < 64)
        limit = bits > PAGE_SHIFT ? (mfn_t)1 << (bits - PAGE_SHIFT) : 0;

    for (o = order; o <= MAX_ORDER; o++) {
        /* Splitting keeps the lowest part, so a block qualifies when its
         * first 2^order frames lie below the limit. */
        for (uint32_t m = free_head[o]; m != PAGE_LIST_NULL; m = mfn_to_page(m)->next) {
            if (m + (1UL << order) <= limit) {
                mfn = m;
                break;
            }
            if (limit == ~(mfn_t)0)
                break;
        }
        if (mfn != PAGE_LIST_NULL)
            break;
    }
    if (mfn == PAGE_LIST_NULL)
        return NULL;

    list_del(o, mfn);
    /* Give back the upper halves until the block is the size asked for. */
    while (o > order) {
        o--;
        list_add(o, mfn + (1UL << o));
    }

    nr = 1UL << order;
    for (unsigned long i = 0; i < nr; i++) {
        struct page_info *pg = mfn_to_page(mfn + i);

        ASSERT(page_state_is(pg, free));
        pg->count_info = PGC_state_inuse;
        pg->type_info = 0;
        pg->owner = 0;
        pg->order = 0;
        pg->flags = PGF_heap;
        pg->next = pg->prev = PAGE_LIST_NULL;
    }
    total_free -= nr;
    if (memflags & MEMF_zero)
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE << order);
    return mfn_to_page(mfn);
}

void free_heap_pages(struct page_info *pg, unsigned int order)
{
    mfn_t mfn;

    BUG_ON(pg < frame_table || order > MAX_ORDER);
    mfn = page_to_mfn(pg);
    if (!mfn_valid(mfn) || (mfn & ((1UL << order) - 1)) || mfn + (1UL << order) > max_page)
        panic("page_alloc: bad free of mfn %#llx order %u\n", (unsigned long long)mfn, order);
    free_block(mfn, order);
}

unsigned long heap_free_pages(void)
{
    return total_free;
}

unsigned long heap_total_pages(void)
{
    return total_heap;
}

unsigned long heap_free_blocks(unsigned int order)
{
    return order <= MAX_ORDER ? free_blocks[order] : 0;
}

int heap_check(void)
{
    unsigned long sum = 0;

    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        unsigned long n = 0;
        uint32_t prev = PAGE_LIST_NULL;

        for (uint32_t m = free_head[o]; m != PAGE_LIST_NULL; m = mfn_to_page(m)->next) {
            const struct page_info *pg = mfn_to_page(m);

            if (!mfn_valid(m) || (m & ((1UL << o) - 1)) || m + (1UL << o) > max_page ||
                pg->prev != prev || pg->order != o || n > free_blocks[o]) {
                printk(XENLOG_ERR "heap_check: bad free head %#x order %u\n", m, o);
                return -EFAULT;
            }
            for (unsigned long i = 0; i < (1UL << o); i++) {
                const struct page_info *p = mfn_to_page(m + i);

                if (!page_state_is(p, free) || !(p->flags & PGF_heap) ||
                    (i && p->order != ORDER_TAIL)) {
                    printk(XENLOG_ERR "heap_check: frame %#lx of block %#x/%u not free\n",
                           (unsigned long)(m + i), m, o);
                    return -EFAULT;
                }
            }
            /* A free buddy of the same order should have been merged. */
            if (o < MAX_ORDER && mfn_valid(m ^ (1UL << o)) && is_free_head(m ^ (1UL << o), o)) {
                printk(XENLOG_ERR "heap_check: unmerged buddies %#x order %u\n", m, o);
                return -EFAULT;
            }
            prev = m;
            n++;
        }
        if (n != free_blocks[o]) {
            printk(XENLOG_ERR "heap_check: order %u has %lu blocks, counted %lu\n",
                   o, n, free_blocks[o]);
            return -EFAULT;
        }
        sum += n << o;
    }
    if (sum != total_free) {
        printk(XENLOG_ERR "heap_check: %lu free frames listed, %lu accounted\n", sum, total_free);
        return -EFAULT;
    }
    return 0;
}

void *alloc_xenheap_pages(unsigned int order)
{
    struct page_info *pg = alloc_heap_pages(order, 0);

    if (!pg)
        return NULL;
    for (unsigned long i = 0; i < (1UL << order); i++)
        pg[i].count_info |= PGC_xen_heap;
    return page_to_virt(pg);
}

void free_xenheap_pages(void *va, unsigned int order)
{
    struct page_info *pg;
    mfn_t mfn;

    if (!va)
        return;
    mfn = virt_to_mfn(va);
    if (((uintptr_t)va & (PAGE_SIZE - 1)) || order > MAX_ORDER ||
        !mfn_valid(mfn) || mfn + (1UL << order) > max_page)
        panic("free_xenheap_pages: bad pointer %p order %u\n", va, order);
    pg = mfn_to_page(mfn);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        if (!(pg[i].count_info & PGC_xen_heap) || !page_state_is(&pg[i], inuse))
            panic("free_xenheap_pages: %p+%lu is not an allocated Xen heap page\n", va, i);
        pg[i].count_info &= ~PGC_xen_heap;
    }
    free_heap_pages(pg, order);
}
