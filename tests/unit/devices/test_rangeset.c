/*
 * test_rangeset.c — the I/O capability sets: adding merges neighbours,
 * removing splits, queries see whole ranges only, a full set refuses a
 * change without corrupting itself.
 */
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/iocap.h>

static struct rangeset rs;

static void check_sorted(void)
{
    for (unsigned int i = 0; i < rs.nr; i++) {
        cr_assert_leq(rs.r[i].s, rs.r[i].e);
        if (i)
            cr_assert_gt(rs.r[i].s, rs.r[i - 1].e + 1, "ranges %u and %u touch", i - 1, i);
    }
}

Test(rangeset, add_merges_and_queries)
{
    rangeset_empty(&rs);
    cr_assert_eq(rangeset_add_range(&rs, 10, 19), 0);
    cr_assert_eq(rangeset_add_range(&rs, 30, 39), 0);
    cr_assert_eq(rs.nr, 2);
    cr_assert(rangeset_contains_range(&rs, 10, 19));
    cr_assert(!rangeset_contains_range(&rs, 10, 20));
    cr_assert(!rangeset_contains_range(&rs, 19, 30), "a gap inside");
    cr_assert(rangeset_overlaps_range(&rs, 0, 10));
    cr_assert(!rangeset_overlaps_range(&rs, 20, 29));
    cr_assert_eq(rangeset_add_range(&rs, 20, 29), 0, "fills the gap exactly");
    cr_assert_eq(rs.nr, 1, "adjacent ranges merge");
    cr_assert(rangeset_contains_range(&rs, 10, 39));
    cr_assert_eq(rangeset_add_range(&rs, 0, ~0UL), 0);
    cr_assert_eq(rs.nr, 1);
    cr_assert(rangeset_contains_range(&rs, ~0UL, ~0UL), "the top value");
    cr_assert_eq(rangeset_add_range(&rs, 5, 4), -EINVAL);
    cr_assert(!rangeset_contains_range(&rs, 5, 4));
    check_sorted();
}

Test(rangeset, remove_splits_trims_and_drops)
{
    rangeset_empty(&rs);
    cr_assert_eq(rangeset_add_range(&rs, 0, 0xffff), 0);
    cr_assert_eq(rangeset_remove_range(&rs, 0x20, 0x21), 0);
    cr_assert_eq(rs.nr, 2);
    cr_assert(!rangeset_contains_range(&rs, 0x20, 0x20));
    cr_assert(!rangeset_contains_range(&rs, 0x1f, 0x20), "straddles the hole");
    cr_assert(rangeset_contains_range(&rs, 0x22, 0x22));
    cr_assert(rangeset_contains_range(&rs, 0, 0x1f));
    cr_assert_eq(rangeset_remove_range(&rs, 0x10, 0x30), 0, "across the hole");
    cr_assert_eq(rs.nr, 2);
    cr_assert(rangeset_contains_range(&rs, 0, 0xf));
    cr_assert(!rangeset_overlaps_range(&rs, 0x10, 0x30));
    cr_assert_eq(rangeset_remove_range(&rs, 0x0, 0xf), 0, "a whole range");
    cr_assert_eq(rs.nr, 1);
    cr_assert_eq(rangeset_remove_range(&rs, 0xfff0, ~0UL), 0, "the tail, beyond the set");
    cr_assert(rangeset_contains_range(&rs, 0x31, 0xffef));
    cr_assert(!rangeset_contains_range(&rs, 0xffef, 0xfff0));
    cr_assert_eq(rangeset_remove_range(&rs, 0, ~0UL), 0);
    cr_assert_eq(rs.nr, 0);
    cr_assert(!rangeset_contains_range(&rs, 0, 0));
    check_sorted();
}

Test(rangeset, full_set_refuses_a_split_unchanged)
{
    rangeset_empty(&rs);
    cr_assert_eq(rangeset_add_range(&rs, 0, 10 * RANGESET_MAX), 0);
    for (unsigned long i = 1; i < RANGESET_MAX; i++)
        cr_assert_eq(rangeset_remove_range(&rs, i * 10, i * 10), 0);
    cr_assert_eq(rs.nr, RANGESET_MAX);
    cr_assert_eq(rangeset_remove_range(&rs, 5, 5), -ENOMEM);
    cr_assert_eq(rs.nr, RANGESET_MAX);
    cr_assert(rangeset_contains_range(&rs, 1, 9), "refused change left no trace");
    cr_assert_eq(rangeset_add_range(&rs, 100000, 100001), -ENOMEM);
    cr_assert_eq(rangeset_add_range(&rs, 10, 10), 0, "filling a hole needs no room");
    cr_assert_eq(rs.nr, RANGESET_MAX - 1);
    cr_assert(rangeset_contains_range(&rs, 1, 19));
    check_sorted();
}
