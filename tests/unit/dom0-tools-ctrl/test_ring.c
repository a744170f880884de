/*
 * test_ring.c — the console daemon's ring transfer with honest and hostile
 * guest indices (a guest must never make us read or write out of bounds),
 * and the per-guest event rate limit.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "ring.h"

static struct xencons_interface intf;

static void guest_write(const char *s)
{
    for (size_t i = 0; s[i]; i++)
        intf.out[MASK_XENCONS_IDX(intf.out_prod++, intf.out)] = s[i];
}

Test(ctrl_ring, reads_what_the_guest_wrote)
{
    char buf[64];
    memset(&intf, 0, sizeof(intf));
    guest_write("hello");
    size_t n = cons_ring_read(&intf, buf, sizeof(buf));
    cr_assert_eq(n, 5);
    cr_assert_eq(memcmp(buf, "hello", 5), 0);
    cr_assert_eq(intf.out_cons, intf.out_prod);
    cr_assert_eq(cons_ring_read(&intf, buf, sizeof(buf)), 0);
}

Test(ctrl_ring, wraps_around_index_overflow)
{
    char buf[16];
    memset(&intf, 0, sizeof(intf));
    intf.out_cons = intf.out_prod = 0xfffffffe;     /* indices run freely */
    guest_write("abcd");
    cr_assert_eq(cons_ring_read(&intf, buf, 2), 2);
    cr_assert_eq(cons_ring_read(&intf, buf + 2, 10), 2);
    cr_assert_eq(memcmp(buf, "abcd", 4), 0);
}

Test(ctrl_ring, hostile_producer_reads_at_most_one_ring)
{
    static char buf[8192];
    memset(&intf, 0, sizeof(intf));
    intf.out_prod = 100000;                         /* claims 100000 unread bytes */
    size_t n = cons_ring_read(&intf, buf, sizeof(buf));
    cr_assert_eq(n, sizeof(intf.out));
    cr_assert_eq(intf.out_cons, 100000);
}

Test(ctrl_ring, input_respects_space_and_hostile_indices)
{
    static char big[4096];
    memset(big, 'x', sizeof(big));
    memset(&intf, 0, sizeof(intf));
    cr_assert_eq(cons_ring_write(&intf, big, sizeof(big)), sizeof(intf.in));
    cr_assert_eq(cons_ring_write(&intf, "y", 1), 0);           /* full */
    intf.in_cons += 10;
    cr_assert_eq(cons_ring_write(&intf, big, 100), 10);
    memset(&intf, 0, sizeof(intf));
    intf.in_prod = 5000;                                       /* over-full claim */
    cr_assert_eq(cons_ring_write(&intf, "z", 1), 0);
}

/* Xen's xenconsoled limit: 30 events handled per period, then the port
 * stays masked until the period ends. */
Test(ctrl_ring, rate_limit_masks_a_flooding_guest_until_the_period_ends)
{
    struct cons_rate r = { 0 };

    for (unsigned int i = 1; i < CONS_RATE_ALLOWANCE; i++)
        cr_assert(cons_rate_event(&r), "event %u is unmasked at once", i);
    cr_assert_not(cons_rate_event(&r), "the allowance's last event leaves the port masked");
    cr_assert_not(cons_rate_event(&r), "still masked (no count overflow)");
    cr_assert_eq(r.events, CONS_RATE_ALLOWANCE);
    cr_assert(cons_rate_period(&r), "the period's end unmasks it");
    cr_assert_eq(r.throttled, 1);
    cr_assert(cons_rate_event(&r), "a new allowance");
    cr_assert_not(cons_rate_period(&r), "a quiet guest was never masked");
    cr_assert_eq(r.throttled, 1);
}

Test(ctrl_ring, one_read_moves_at_most_one_ring)
{
    static char buf[3 * sizeof(intf.out)];
    memset(&intf, 0, sizeof(intf));
    intf.out_prod = 3 * sizeof(intf.out);          /* a guest refilling as we read */
    cr_assert_eq(cons_ring_read(&intf, buf, sizeof(buf)), sizeof(intf.out));
    cr_assert_eq(cons_ring_read(&intf, buf, sizeof(buf)), 0);
}
