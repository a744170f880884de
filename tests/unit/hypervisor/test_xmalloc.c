/*
 * test_xmalloc.c — the hypervisor heap (hypervisor/common/xmalloc.c) over
 * the harness's fake RAM and the real page allocator.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include "harness.h"

static unsigned long pages_at_start;

static void setup(void)
{
    harness_ram_init(0x100, 8192);          /* 32 MiB */
    harness_heap_all();
    pages_at_start = heap_free_pages();
}

TestSuite(xmalloc, .init = setup);

static bool in_ram(const void *p, size_t n)
{
    const unsigned char *c = p;

    return c >= harness_ram && c + n <= harness_ram + harness_ram_pages * PAGE_SIZE;
}

Test(xmalloc, sizes_1_to_64k)
{
    for (size_t size = 1; size <= 65536; size += (size < 300 ? 1 : size / 7)) {
        unsigned char *p = xmalloc_bytes(size);

        cr_assert_not_null(p, "size %zu", size);
        cr_assert(in_ram(p, size));
        cr_assert_eq((uintptr_t)p % 16, 0, "size %zu: at least 16-byte aligned", size);
        cr_assert_geq(xmalloc_usable_size(p), size);
        if (size > PAGE_SIZE / 2)
            cr_assert_eq((uintptr_t)p % PAGE_SIZE, 0, "large blocks are page aligned");
        memset(p, 0x3c, size);
        xfree(p);
    }
    cr_assert_eq(heap_free_pages(), pages_at_start, "every page went back");
    cr_assert_eq(heap_check(), 0);
}

Test(xmalloc, live_objects_do_not_overlap)
{
    enum { N = 600 };
    static unsigned char *p[N];
    static size_t sz[N];

    for (unsigned i = 0; i < N; i++) {
        sz[i] = 1 + (i * 37) % 3000;
        p[i] = xmalloc_bytes(sz[i]);
        cr_assert_not_null(p[i]);
        memset(p[i], (unsigned char)i, sz[i]);
    }
    for (unsigned i = 0; i < N; i++)
        for (size_t j = 0; j < sz[i]; j++)
            cr_assert_eq(p[i][j], (unsigned char)i, "object %u byte %zu overwritten", i, j);
    for (unsigned i = 0; i < N; i++)
        xfree(p[i]);
    cr_assert_eq(heap_free_pages(), pages_at_start);
}

Test(xmalloc, zero_size_gives_unique_pointers)
{
    void *a = xmalloc_bytes(0), *b = xmalloc_bytes(0);

    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_neq(a, b);
    xfree(a);
    xfree(b);
    xfree(NULL);
}

Test(xmalloc, typed_alignment)
{
    struct a64 { char c[64]; } __attribute__((aligned(64)));
    struct a4k { char c[4096]; } __attribute__((aligned(4096)));
    struct odd { char c[3]; };
    struct a64 *x = xmalloc(struct a64);
    struct a4k *y = xmalloc(struct a4k);
    struct odd *z = xmalloc(struct odd);

    cr_assert_eq((uintptr_t)x % 64, 0);
    cr_assert_eq((uintptr_t)y % 4096, 0);
    cr_assert_not_null(z);
    xfree(x);
    xfree(y);
    xfree(z);
}

Test(xmalloc, explicit_alignment)
{
    for (size_t align = 1; align <= 65536; align <<= 1)
        for (size_t size = 1; size < 5000; size = size * 3 + 1) {
            void *p = _xmalloc(size, align);

            cr_assert_not_null(p, "size %zu align %zu", size, align);
            cr_assert_eq((uintptr_t)p % align, 0, "size %zu align %zu", size, align);
            cr_assert_eq(virt_to_maddr(p) % align, 0);
            xfree(p);
        }
    cr_assert_null(_xmalloc(8, 3), "alignment must be a power of two");
    cr_assert_null(_xmalloc(8, 0));
    cr_assert_eq(heap_free_pages(), pages_at_start);
}

Test(xmalloc, xzalloc_zeroes_reused_memory)
{
    for (size_t size = 8; size <= 20000; size *= 3) {
        unsigned char *p = xmalloc_bytes(size);

        memset(p, 0xff, size);
        xfree(p);
        p = xzalloc_bytes(size);
        for (size_t i = 0; i < size; i++)
            cr_assert_eq(p[i], 0, "size %zu byte %zu", size, i);
        xfree(p);
    }
    struct { uint64_t a[5]; } *s = xzalloc(__typeof__(*s));
    cr_assert_eq(s->a[0] | s->a[4], 0);
    xfree(s);
    uint32_t *arr = xzalloc_array(uint32_t, 3000);
    for (unsigned i = 0; i < 3000; i++)
        cr_assert_eq(arr[i], 0);
    xfree(arr);
}

Test(xmalloc, array_overflow_returns_null)
{
    cr_assert_null(xmalloc_array(uint64_t, SIZE_MAX / 4));
    cr_assert_null(xzalloc_array(uint64_t, SIZE_MAX / 8 + 1));
    cr_assert_null(_xmalloc_array(SIZE_MAX / 2 + 1, 1, 2));
    cr_assert_null(xmalloc_array(char, SIZE_MAX), "fits size_t but not memory");
    void *p = xmalloc_array(uint64_t, 0);
    cr_assert_not_null(p, "zero elements: a valid minimal allocation");
    xfree(p);
    p = xmalloc_array(uint16_t, 100);
    cr_assert_geq(xmalloc_usable_size(p), 200);
    xfree(p);
    cr_assert_eq(heap_free_pages(), pages_at_start);
}

Test(xmalloc, out_of_memory_returns_null)
{
    void *big = xmalloc_bytes(64UL << 20);

    cr_assert_null(big, "bigger than all RAM");
    big = xmalloc_bytes(16UL << 20);
    cr_assert_not_null(big, "half of RAM");
    cr_assert_null(xmalloc_bytes(16UL << 20), "the other half is not one block");
    xfree(big);
    cr_assert_eq(heap_free_pages(), pages_at_start);
}

Test(xmalloc, small_objects_exhaust_then_recover)
{
    static void *p[200000];
    unsigned n = 0;

    while (n < 200000 && (p[n] = xmalloc_bytes(200)) != NULL)
        n++;
    cr_assert_lt(n, 200000, "RAM should run out first");
    cr_assert_gt(n, 8192 * 15, "about 16 objects of 256 bytes per page");
    cr_assert_eq(heap_free_pages(), 0);
    while (n)
        xfree(p[--n]);
    cr_assert_eq(heap_free_pages(), pages_at_start);
    cr_assert_eq(heap_check(), 0);
}

Test(xmalloc, double_free_small_is_a_bug)
{
    void *keep = xmalloc_bytes(40);         /* keeps the pool page alive */
    void *p = xmalloc_bytes(40);

    xfree(p);
    EXPECT_PANIC(xfree(p));
    cr_assert(xen_strstr(harness_panic_msg, "double free"), "%s", harness_panic_msg);
    xfree(keep);
}

Test(xmalloc, double_free_of_last_object_is_a_bug)
{
    void *p = xmalloc_bytes(40);

    xfree(p);                               /* page goes back to the heap */
    EXPECT_PANIC(xfree(p));
}

Test(xmalloc, double_free_large_is_a_bug)
{
    void *p = xmalloc_bytes(10000);

    xfree(p);
    EXPECT_PANIC(xfree(p));
}

Test(xmalloc, freed_object_with_magic_lookalike_data_is_fine)
{
    uint64_t *a = xmalloc_bytes(16), *b = xmalloc_bytes(16);

    /* User data that happens to look like a free object's magic must not
     * be mistaken for a double free. */
    a[1] = 0x5eedfacedeadbeefULL;
    xfree(a);
    b[1] = 0x5eedfacedeadbeefULL;
    xfree(b);
    cr_assert_eq(heap_free_pages(), pages_at_start);
}

Test(xmalloc, bad_pointers_are_bugs)
{
    int local;
    char *p = xmalloc_bytes(64), *big = xmalloc_bytes(3 * PAGE_SIZE);
    struct page_info *pg = alloc_heap_pages(0, 0);

    EXPECT_PANIC(xfree(&local));
    EXPECT_PANIC(xfree(p + 16));
    EXPECT_PANIC(xfree(p + 1));
    EXPECT_PANIC(xfree(big + PAGE_SIZE));
    EXPECT_PANIC(xfree(big + 8));
    EXPECT_PANIC(xfree(page_to_virt(pg)));
    xfree(p);
    xfree(big);
}

/* Random sizes, random frees, every live block verified before it goes. */
Test(xmalloc, random_churn)
{
    enum { SLOTS = 1000 };
    static unsigned char *p[SLOTS];
    static size_t sz[SLOTS];
    unsigned int seed = 99;

    for (int iter = 0; iter < 40000; iter++) {
        unsigned k = rand_r(&seed) % SLOTS;

        if (p[k]) {
            for (size_t j = 0; j < sz[k]; j += 1 + sz[k] / 64)
                cr_assert_eq(p[k][j], (unsigned char)k, "slot %u corrupted", k);
            xfree(p[k]);
            p[k] = NULL;
        } else {
            unsigned r = rand_r(&seed);

            sz[k] = (r & 3) == 0 ? 1 + r % 9000 : 1 + r % 300;
            p[k] = (rand_r(&seed) & 1) ? xmalloc_bytes(sz[k]) : xzalloc_bytes(sz[k]);
            cr_assert_not_null(p[k]);
            memset(p[k], (unsigned char)k, sz[k]);
        }
    }
    for (unsigned k = 0; k < SLOTS; k++)
        xfree(p[k]);
    cr_assert_eq(heap_free_pages(), pages_at_start);
    cr_assert_eq(heap_check(), 0);
}
