/*
 * xmalloc.c — the hypervisor heap: power-of-two size classes for small
 * objects, whole Xen heap pages for large ones (interface in xen/xmalloc.h).
 *
 * A pool page holds objects of one class.  Its metadata sits in the page's
 * struct page_info, so objects need no header and xfree() needs no size:
 *   flags     PGF_xmalloc_pool (PGF_heap stays set; the allocator owns it)
 *   order     size-class index
 *   type_info low 16 bits: objects in use (256 at most); high 16 bits:
 *             free-list head as (offset in page + 1), 0 = none.  A pool page is never
 *             guest-visible, so the PV MMU never interprets its type_info.
 *   next/prev the class's list of pages that have a free object
 * A page whose last object is freed goes straight back to the page
 * allocator.  Free objects carry a magic word so that a double free is
 * noticed cheaply; the page's free list is then searched to confirm it
 * (user data could hold the magic by chance).
 *
 * Large blocks (above PAGE_SIZE/2) are Xen heap pages whose head has
 * PGF_xmalloc_large and the block order in page_info.order.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>

#define MIN_CLASS_SHIFT 4                       /* 16 bytes */
#define NR_CLASSES      (PAGE_SHIFT - 1 - MIN_CLASS_SHIFT + 1)  /* 16 .. 2048 */
#define FREE_MAGIC      0x5eedfacedeadbeefULL

struct free_obj {
    struct free_obj *next;
    uint64_t magic;
};

static uint32_t partial_head[NR_CLASSES] = { [0 ... NR_CLASSES - 1] = PAGE_LIST_NULL };

static size_t class_size(unsigned int c)
{
    return (size_t)1 << (c + MIN_CLASS_SHIFT);
}

static uint32_t pool_inuse(const struct page_info *pg)
{
    return pg->type_info & 0xffffu;
}

static struct free_obj *pool_free_head(const struct page_info *pg)
{
    uint32_t off = pg->type_info >> 16;

    return off ? (struct free_obj *)((char *)page_to_virt(pg) + off - 1) : NULL;
}

static void pool_set(struct page_info *pg, uint32_t inuse, const struct free_obj *head)
{
    uint32_t off = head ? ((uintptr_t)head & (PAGE_SIZE - 1)) + 1 : 0;

    pg->type_info = (off << 16) | inuse;
}

static void partial_add(unsigned int c, struct page_info *pg)
{
    mfn_t mfn = page_to_mfn(pg);

    pg->prev = PAGE_LIST_NULL;
    pg->next = partial_head[c];
    if (partial_head[c] != PAGE_LIST_NULL)
        mfn_to_page(partial_head[c])->prev = mfn;
    partial_head[c] = mfn;
}

static void partial_del(unsigned int c, struct page_info *pg)
{
    if (pg->prev != PAGE_LIST_NULL)
        mfn_to_page(pg->prev)->next = pg->next;
    else
        partial_head[c] = pg->next;
    if (pg->next != PAGE_LIST_NULL)
        mfn_to_page(pg->next)->prev = pg->prev;
    pg->next = pg->prev = PAGE_LIST_NULL;
}

/* A fresh page carved into a free list of class c objects. */
static struct page_info *pool_new_page(unsigned int c)
{
    size_t sz = class_size(c);
    char *va = alloc_xenheap_pages(0);
    struct page_info *pg;
    struct free_obj *head = NULL;

    if (!va)
        return NULL;
    for (size_t off = PAGE_SIZE - sz; ; off -= sz) {
        struct free_obj *o = (struct free_obj *)(va + off);

        o->next = head;
        o->magic = FREE_MAGIC;
        head = o;
        if (!off)
            break;
    }
    pg = virt_to_page(va);
    pg->flags |= PGF_xmalloc_pool;
    pg->order = c;
    pool_set(pg, 0, head);
    partial_add(c, pg);
    return pg;
}

static void *pool_alloc(unsigned int c)
{
    struct page_info *pg;
    struct free_obj *o;

    if (partial_head[c] == PAGE_LIST_NULL && !pool_new_page(c))
        return NULL;
    pg = mfn_to_page(partial_head[c]);
    o = pool_free_head(pg);
    BUG_ON(!o || o->magic != FREE_MAGIC);
    pool_set(pg, pool_inuse(pg) + 1, o->next);
    if (!o->next)
        partial_del(c, pg);
    o->next = NULL;
    o->magic = 0;
    return o;
}

static void pool_free(struct page_info *pg, void *p)
{
    unsigned int c = pg->order;
    size_t sz, off = (uintptr_t)p & (PAGE_SIZE - 1);
    struct free_obj *o = p, *head = pool_free_head(pg);
    bool was_full = head == NULL;

    if (c >= NR_CLASSES)
        panic("xfree: corrupt pool page %#llx\n", (unsigned long long)page_to_mfn(pg));
    sz = class_size(c);
    if (off % sz)
        panic("xfree: %p is not an object start (class %zu)\n", p, sz);
    if (o->magic == FREE_MAGIC) {
        for (struct free_obj *f = head; f; f = f->next)
            if (f == o)
                panic("xfree: double free of %p\n", p);
    }
    BUG_ON(!pool_inuse(pg));
    o->next = head;
    o->magic = FREE_MAGIC;
    pool_set(pg, pool_inuse(pg) - 1, o);
    if (was_full)
        partial_add(c, pg);
    if (!pool_inuse(pg)) {
        partial_del(c, pg);
        pg->flags &= ~PGF_xmalloc_pool;
        pg->type_info = 0;
        pg->order = 0;
        free_xenheap_pages(page_to_virt(pg), 0);
    }
}

void *_xmalloc(size_t size, size_t align)
{
    unsigned int c, order;
    char *va;
    struct page_info *pg;

    if (!align || (align & (align - 1)))
        return NULL;
    if (!size)
        size = 1;
    if (size <= PAGE_SIZE / 2 && align <= PAGE_SIZE / 2) {
        /* Objects are aligned to their class size: pick a class that is
         * big enough for both the size and the alignment. */
        size_t need = size > align ? size : align;

        for (c = 0; class_size(c) < need; c++)
            ;
        return pool_alloc(c);
    }
    /* A block of order n is aligned to 2^n pages. */
    if (size < align)
        size = align;
    if (size > (PAGE_SIZE << MAX_ORDER))
        return NULL;
    order = get_order_from_bytes(size);
    va = alloc_xenheap_pages(order);
    if (!va)
        return NULL;
    pg = virt_to_page(va);
    pg->flags |= PGF_xmalloc_large;
    pg->order = order;
    return va;
}

void *_xzalloc(size_t size, size_t align)
{
    void *p = _xmalloc(size, align);

    if (p)
        memset(p, 0, size);
    return p;
}

void *_xmalloc_array(size_t size, size_t align, size_t n)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    return _xmalloc(size * n, align);
}

void *_xzalloc_array(size_t size, size_t align, size_t n)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    return _xzalloc(size * n, align);
}

void *xmalloc_bytes(size_t size)
{
    return _xmalloc(size, 1);
}

void *xzalloc_bytes(size_t size)
{
    return _xzalloc(size, 1);
}

/* The page_info of a live xmalloc pointer, or a panic. */
static struct page_info *xmalloc_page(const void *p, const char *who)
{
    mfn_t mfn = virt_to_mfn(p);
    struct page_info *pg;

    if (!mfn_valid(mfn))
        panic("%s: bad pointer %p\n", who, p);
    pg = mfn_to_page(mfn);
    if (!page_state_is(pg, inuse) || !(pg->count_info & PGC_xen_heap) ||
        !(pg->flags & (PGF_xmalloc_pool | PGF_xmalloc_large)))
        panic("%s: %p was not allocated by xmalloc (or is already freed)\n", who, p);
    if ((pg->flags & PGF_xmalloc_large) && ((uintptr_t)p & (PAGE_SIZE - 1)))
        panic("%s: %p points inside a large block\n", who, p);
    return pg;
}

void xfree(void *p)
{
    struct page_info *pg;
    unsigned int order;

    if (!p)
        return;
    pg = xmalloc_page(p, "xfree");
    if (pg->flags & PGF_xmalloc_pool) {
        pool_free(pg, p);
        return;
    }
    order = pg->order;
    pg->flags &= ~PGF_xmalloc_large;
    pg->order = 0;
    free_xenheap_pages(p, order);
}

size_t xmalloc_usable_size(const void *p)
{
    const struct page_info *pg;

    if (!p)
        return 0;
    pg = xmalloc_page(p, "xmalloc_usable_size");
    if (pg->flags & PGF_xmalloc_pool)
        return class_size(pg->order);
    return PAGE_SIZE << pg->order;
}
