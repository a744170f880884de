/*
 * test_page_alloc.c — the buddy allocator and the Xen heap
 * (hypervisor/common/page_alloc.c) over the harness's fake RAM.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include "harness.h"

struct snapshot {
    unsigned long blocks[MAX_ORDER + 1];
    unsigned long free;
};

static void snap(struct snapshot *s)
{
    for (unsigned o = 0; o <= MAX_ORDER; o++)
        s->blocks[o] = heap_free_blocks(o);
    s->free = heap_free_pages();
}

static void assert_same(const struct snapshot *a)
{
    struct snapshot b;

    snap(&b);
    cr_assert_eq(b.free, a->free, "free pages %lu, expected %lu", b.free, a->free);
    for (unsigned o = 0; o <= MAX_ORDER; o++)
        cr_assert_eq(b.blocks[o], a->blocks[o], "order %u: %lu blocks, expected %lu",
                     o, b.blocks[o], a->blocks[o]);
    cr_assert_eq(heap_check(), 0);
}

static void assert_block(struct page_info *pg, unsigned order)
{
    mfn_t mfn;

    cr_assert_not_null(pg, "order %u", order);
    mfn = page_to_mfn(pg);
    cr_assert_eq(mfn & ((1UL << order) - 1), 0, "mfn %#lx not aligned to order %u",
                 (unsigned long)mfn, order);
    cr_assert_geq(mfn, harness_ram_base);
    cr_assert_leq(mfn + (1UL << order), harness_ram_base + harness_ram_pages);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        cr_assert(page_state_is(&pg[i], inuse));
        cr_assert_eq(pg[i].type_info, 0);
        cr_assert_eq(pg[i].owner, 0);
    }
}

Test(page_alloc, init_splits_into_aligned_blocks)
{
    harness_ram_init(0x100, 0x400);
    harness_heap_all();
    cr_assert_eq(heap_free_pages(), 0x400);
    cr_assert_eq(heap_total_pages(), 0x400);
    /* [0x100,0x200) order 8, [0x200,0x400) order 9, [0x400,0x500) order 8;
     * no merging with frames outside the heap. */
    cr_assert_eq(heap_free_blocks(8), 2);
    cr_assert_eq(heap_free_blocks(9), 1);
    cr_assert_eq(heap_free_blocks(10), 0);
    cr_assert_eq(heap_check(), 0);
}

Test(page_alloc, init_in_pieces_merges)
{
    harness_ram_init(0, 1024);
    /* Odd-sized, unaligned pieces given in a scrambled order. */
    heap_init_pages(700, 324);
    heap_init_pages(3, 97);
    heap_init_pages(0, 3);
    heap_init_pages(100, 600);
    cr_assert_eq(heap_free_pages(), 1024);
    cr_assert_eq(heap_free_blocks(10), 1, "everything merged into one block");
    cr_assert_eq(heap_check(), 0);
}

Test(page_alloc, frames_beyond_frame_table_ignored)
{
    harness_ram_init(0, 256);
    heap_init_pages(128, 1000);
    cr_assert_eq(heap_free_pages(), 128);
    cr_assert(harness_log_contains("beyond the frame table"));
    heap_init_pages(5000, 10);
    cr_assert_eq(heap_free_pages(), 128);
}

Test(page_alloc, alloc_free_every_order)
{
    struct snapshot s;

    harness_ram_init(0, 1UL << 12);
    harness_heap_all();
    snap(&s);
    for (unsigned o = 0; o <= 12; o++) {
        struct page_info *pg = alloc_heap_pages(o, 0);

        assert_block(pg, o);
        cr_assert_eq(heap_free_pages(), (1UL << 12) - (1UL << o));
        cr_assert_eq(heap_check(), 0);
        free_heap_pages(pg, o);
        assert_same(&s);
    }
    cr_assert_null(alloc_heap_pages(13, 0), "bigger than the heap");
    cr_assert_null(alloc_heap_pages(MAX_ORDER + 1, 0));
    assert_same(&s);
}

Test(page_alloc, all_orders_at_once_then_free_restores)
{
    struct page_info *pg[12];
    struct snapshot s;

    harness_ram_init(0, 1UL << 12);
    harness_heap_all();
    snap(&s);
    /* 2^0 + ... + 2^11 = 4095 pages: all fit together. */
    for (unsigned o = 0; o < 12; o++)
        assert_block(pg[o] = alloc_heap_pages(o, 0), o);
    cr_assert_eq(heap_free_pages(), 1);
    for (unsigned o = 0; o < 12; o += 2)
        free_heap_pages(pg[o], o);
    for (unsigned o = 1; o < 12; o += 2)
        free_heap_pages(pg[o], o);
    assert_same(&s);
}

Test(page_alloc, exhaustion_returns_null)
{
    static struct page_info *pg[2048];
    struct snapshot s;
    unsigned n = 0;

    harness_ram_init(0x10, 1000);
    harness_heap_all();
    snap(&s);
    while ((pg[n] = alloc_heap_pages(0, 0)) != NULL)
        n++;
    cr_assert_eq(n, 1000);
    cr_assert_eq(heap_free_pages(), 0);
    cr_assert_null(alloc_heap_pages(0, 0));
    cr_assert_null(alloc_heap_pages(3, 0));
    cr_assert_eq(heap_check(), 0);
    /* Free in a scrambled order: merging must rebuild the same blocks. */
    for (unsigned i = 0; i < n; i++) {
        unsigned j = (i * 617) % n;

        free_heap_pages(pg[j], 0);
    }
    assert_same(&s);
}

Test(page_alloc, no_page_handed_out_twice)
{
    static bool used[4096];
    struct page_info *pg;

    harness_ram_init(0, 4096);
    harness_heap_all();
    while ((pg = alloc_heap_pages(2, 0)) != NULL) {
        mfn_t m = page_to_mfn(pg);

        for (unsigned i = 0; i < 4; i++) {
            cr_assert_not(used[m + i], "mfn %lu handed out twice", (unsigned long)(m + i));
            used[m + i] = true;
        }
    }
    for (unsigned i = 0; i < 4096; i++)
        cr_assert(used[i], "mfn %u never handed out", i);
}

Test(page_alloc, sub_ranges_of_an_allocation_freed_separately)
{
    struct snapshot s;
    struct page_info *pg;

    harness_ram_init(0, 64);
    harness_heap_all();
    snap(&s);
    pg = alloc_heap_pages(4, 0);
    assert_block(pg, 4);
    /* As a guest's decrease_reservation would: page by page, then halves. */
    free_heap_pages(pg + 3, 0);
    free_heap_pages(pg + 2, 0);
    free_heap_pages(pg, 1);
    free_heap_pages(pg + 4, 2);
    free_heap_pages(pg + 8, 3);
    assert_same(&s);
}

/* Random alloc/free with a shadow model of which frames are handed out. */
Test(page_alloc, random_churn_against_shadow_model)
{
    enum { PAGES = 8192, SLOTS = 512 };
    static unsigned char owner[PAGES];      /* slot + 1, or 0 when free */
    static struct { struct page_info *pg; unsigned order; } slot[SLOTS];
    struct snapshot s;
    unsigned int seed = 4242;
    unsigned long shadow_free = PAGES;

    harness_ram_init(0x300, PAGES);
    harness_heap_all();
    snap(&s);
    for (int iter = 0; iter < 30000; iter++) {
        unsigned k = rand_r(&seed) % SLOTS;

        if (slot[k].pg) {
            mfn_t m = page_to_mfn(slot[k].pg) - 0x300;

            for (unsigned long i = 0; i < (1UL << slot[k].order); i++) {
                cr_assert_eq(owner[m + i], (k % 255) + 1);
                owner[m + i] = 0;
            }
            free_heap_pages(slot[k].pg, slot[k].order);
            shadow_free += 1UL << slot[k].order;
            slot[k].pg = NULL;
        } else {
            unsigned o = rand_r(&seed) % 7;
            struct page_info *pg = alloc_heap_pages(o, 0);

            if (!pg) {
                /* Only legitimate when no free block of that size exists. */
                for (unsigned q = o; q <= MAX_ORDER; q++)
                    cr_assert_eq(heap_free_blocks(q), 0);
                continue;
            }
            assert_block(pg, o);
            mfn_t m = page_to_mfn(pg) - 0x300;
            for (unsigned long i = 0; i < (1UL << o); i++) {
                cr_assert_eq(owner[m + i], 0, "frame %lu handed out twice",
                             (unsigned long)(m + i));
                owner[m + i] = (k % 255) + 1;
            }
            slot[k].pg = pg;
            slot[k].order = o;
            shadow_free -= 1UL << o;
        }
        cr_assert_eq(heap_free_pages(), shadow_free);
        if (iter % 1000 == 0)
            cr_assert_eq(heap_check(), 0);
    }
    for (unsigned k = 0; k < SLOTS; k++)
        if (slot[k].pg)
            free_heap_pages(slot[k].pg, slot[k].order);
    assert_same(&s);
}

Test(page_alloc, memf_bits_limits_addresses)
{
    struct page_info *pg;
    unsigned long n = 0;

    harness_ram_init(0x100, 0x1000);         /* frames 0x100..0x10ff */
    harness_heap_all();
    /* MEMF_bits(22): the whole block below 4 MiB = frame 0x400. */
    while ((pg = alloc_heap_pages(0, MEMF_bits(22))) != NULL) {
        cr_assert_lt(page_to_mfn(pg), 0x400);
        n++;
    }
    cr_assert_eq(n, 0x300);
    cr_assert_eq(heap_free_pages(), 0x1000 - 0x300);
    pg = alloc_heap_pages(4, MEMF_bits(32));
    assert_block(pg, 4);
    cr_assert_null(alloc_heap_pages(0, MEMF_bits(12)), "nothing below 4 KiB");
    cr_assert_eq(heap_check(), 0);
}

Test(page_alloc, memf_zero)
{
    struct page_info *pg;
    unsigned char *va;

    harness_ram_init(0, 64);
    harness_heap_all();
    pg = alloc_heap_pages(3, 0);
    va = page_to_virt(pg);
    cr_assert_eq(va[100], 0xa5, "harness RAM starts poisoned");
    memset(va, 0x77, 8 * PAGE_SIZE);
    free_heap_pages(pg, 3);
    pg = alloc_heap_pages(3, MEMF_zero);
    va = page_to_virt(pg);
    for (size_t i = 0; i < 8 * PAGE_SIZE; i++)
        cr_assert_eq(va[i], 0, "byte %zu", i);
}

Test(page_alloc, double_free_is_a_bug)
{
    struct page_info *pg;

    harness_ram_init(0, 64);
    harness_heap_all();
    pg = alloc_heap_pages(2, 0);
    free_heap_pages(pg, 2);
    EXPECT_PANIC(free_heap_pages(pg, 2));
    cr_assert(xen_strstr(harness_panic_msg, "double free"));
    EXPECT_PANIC(free_heap_pages(pg + 1, 0));
}

Test(page_alloc, freeing_what_the_heap_never_had_is_a_bug)
{
    harness_ram_init(0x10, 64);
    heap_init_pages(0x20, 16);
    EXPECT_PANIC(free_heap_pages(mfn_to_page(0x10), 0));
    EXPECT_PANIC(free_heap_pages(mfn_to_page(0x5), 0));
}

Test(page_alloc, misaligned_or_out_of_range_free_is_a_bug)
{
    struct page_info *pg;

    harness_ram_init(0, 64);
    harness_heap_all();
    pg = alloc_heap_pages(2, 0);
    EXPECT_PANIC(free_heap_pages(pg + 1, 2));
    EXPECT_PANIC(free_heap_pages(mfn_to_page(62), 2));
    EXPECT_PANIC(free_heap_pages(pg, MAX_ORDER + 1));
}

Test(page_alloc, heap_init_twice_is_a_bug)
{
    harness_ram_init(0, 64);
    harness_heap_all();
    EXPECT_PANIC(heap_init_pages(10, 1));
}

Test(page_alloc, heap_check_detects_corruption)
{
    harness_ram_init(0, 64);
    harness_heap_all();
    cr_assert_eq(heap_check(), 0);
    mfn_to_page(5)->count_info = PGC_state_inuse;   /* a frame of the free block */
    cr_assert_eq(heap_check(), -EFAULT);
    cr_assert(harness_log_contains("heap_check"));
}

Test(xenheap, alloc_and_free)
{
    void *p[8];
    unsigned long before;

    harness_ram_init(0x40, 256);
    harness_heap_all();
    before = heap_free_pages();
    for (unsigned o = 0; o < 8; o++) {
        p[o] = alloc_xenheap_pages(o);
        cr_assert_not_null(p[o]);
        cr_assert_eq((uintptr_t)p[o] & (PAGE_SIZE - 1), 0);
        cr_assert_eq(virt_to_maddr(p[o]) & ((PAGE_SIZE << o) - 1), 0, "naturally aligned");
        for (unsigned long i = 0; i < (1UL << o); i++)
            cr_assert(virt_to_page(p[o])[i].count_info & PGC_xen_heap);
        memset(p[o], o, PAGE_SIZE << o);
    }
    cr_assert_eq(heap_free_pages(), before - 255);
    cr_assert_null(alloc_xenheap_pages(1), "1 page left");
    for (unsigned o = 0; o < 8; o++) {
        free_xenheap_pages(p[o], o);
        cr_assert_not(virt_to_page(p[o])->count_info & PGC_xen_heap);
    }
    cr_assert_eq(heap_free_pages(), before);
    free_xenheap_pages(NULL, 0);
    cr_assert_eq(heap_check(), 0);
}

Test(xenheap, bad_frees_are_bugs)
{
    struct page_info *pg;
    void *p;
    int local;

    harness_ram_init(0, 64);
    harness_heap_all();
    pg = alloc_heap_pages(0, 0);                    /* a domheap-style page */
    EXPECT_PANIC(free_xenheap_pages(page_to_virt(pg), 0));
    p = alloc_xenheap_pages(0);
    EXPECT_PANIC(free_xenheap_pages((char *)p + 8, 0));
    EXPECT_PANIC(free_xenheap_pages(&local, 0));
    free_xenheap_pages(p, 0);
    EXPECT_PANIC(free_xenheap_pages(p, 0));
}
