/*
 * test_txn.c - transactions: private view, repeatable reads, commit, abort,
 * conflict detection (EAGAIN), removal inside a transaction, nesting,
 * unknown ids and per-connection limits.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

TestSuite(txn, .init = h_setup, .fini = h_teardown);

Test(txn, changes_invisible_until_commit)
{
    struct conn *c = h_conn(0), *o = h_conn(0);
    uint32_t t = h_tx(c);
    cr_assert_neq(t, 0);
    cr_assert_str_eq(h_raw(c, XS_WRITE, t, "/t/a\0one", 8), "WRITE OK|");
    cr_assert_str_eq(h_req(c, XS_READ, t, "/t/a", NULL), "READ one");
    cr_assert_str_eq(h_req(o, XS_READ, 0, "/t/a", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "T", NULL),
                     "TRANSACTION_END OK|");
    cr_assert_str_eq(h_req(o, XS_READ, 0, "/t/a", NULL), "READ one");
    cr_assert_str_eq(h_req(o, XS_DIRECTORY, 0, "/t", NULL), "DIRECTORY a|");
}

Test(txn, abort_discards)
{
    struct conn *c = h_conn(0);
    uint32_t t = h_tx(c);
    h_req(c, XS_WRITE, t, "/gone", NULL);
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "F", NULL),
                     "TRANSACTION_END OK|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/gone", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "F", NULL),
                     "ERROR ENOENT|");
}

Test(txn, repeatable_read_then_conflict)
{
    /* Xen's test-xenstore "ta err" */
    struct conn *c = h_conn(0);
    uint32_t t;
    h_raw(c, XS_WRITE, 0, "/n\0a", 4);
    t = h_tx(c);
    cr_assert_str_eq(h_req(c, XS_READ, t, "/n", NULL), "READ a");
    h_raw(c, XS_WRITE, 0, "/n\0b", 4);
    cr_assert_str_eq(h_req(c, XS_READ, t, "/n", NULL), "READ a");
    cr_assert_str_eq(h_raw(c, XS_WRITE, t, "/n\0c", 4), "WRITE OK|");
    cr_assert_str_eq(h_req(c, XS_READ, t, "/n", NULL), "READ c");
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "T", NULL),
                     "ERROR EAGAIN|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/n", NULL), "READ b");
}

Test(txn, conflict_on_created_sibling_and_on_deleted_node)
{
    struct conn *c = h_conn(0);
    uint32_t t;
    h_req(c, XS_WRITE, 0, "/d/x", NULL);
    t = h_tx(c);
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, t, "/d", NULL), "DIRECTORY x|");
    h_req(c, XS_WRITE, 0, "/d/y", NULL);
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "T", NULL),
                     "ERROR EAGAIN|");
    t = h_tx(c);
    cr_assert_str_eq(h_req(c, XS_READ, t, "/d/x", NULL), "READ");
    h_req(c, XS_RM, 0, "/d/x", NULL);
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "T", NULL),
                     "ERROR EAGAIN|");
}

Test(txn, read_of_absent_node_conflicts_with_its_creation)
{
    struct conn *c = h_conn(0);
    uint32_t t = h_tx(c);
    cr_assert_str_eq(h_req(c, XS_READ, t, "/late", NULL), "ERROR ENOENT|");
    h_req(c, XS_WRITE, 0, "/late", NULL);
    cr_assert_str_eq(h_req(c, XS_READ, t, "/late", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "T", NULL),
                     "ERROR EAGAIN|");
}

Test(txn, independent_transactions_both_commit)
{
    struct conn *a = h_conn(0), *b = h_conn(0);
    h_req(a, XS_WRITE, 0, "/p/a", NULL);
    h_req(a, XS_WRITE, 0, "/p/b", NULL);
    uint32_t ta = h_tx(a), tb = h_tx(b);
    h_raw(a, XS_WRITE, ta, "/p/a\0A", 6);
    h_raw(b, XS_WRITE, tb, "/p/b\0B", 6);
    cr_assert_str_eq(h_req(a, XS_TRANSACTION_END, ta, "T", NULL),
                     "TRANSACTION_END OK|");
    cr_assert_str_eq(h_req(b, XS_TRANSACTION_END, tb, "T", NULL),
                     "TRANSACTION_END OK|");
    cr_assert_str_eq(h_req(a, XS_READ, 0, "/p/b", NULL), "READ B");
}

Test(txn, rm_inside_transaction)
{
    struct conn *c = h_conn(0);
    uint32_t t;
    h_req(c, XS_WRITE, 0, "/r/a/b", NULL);
    h_req(c, XS_WRITE, 0, "/r/keep", NULL);
    t = h_tx(c);
    cr_assert_str_eq(h_req(c, XS_RM, t, "/r/a", NULL), "RM OK|");
    cr_assert_str_eq(h_req(c, XS_READ, t, "/r/a/b", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/r/a/b", NULL), "READ");
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, t, "/r", NULL), "DIRECTORY keep|");
    /* re-create inside the same transaction */
    cr_assert_str_eq(h_raw(c, XS_WRITE, t, "/r/a\0new", 8), "WRITE OK|");
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "T", NULL),
                     "TRANSACTION_END OK|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/r/a", NULL), "READ new");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/r/a/b", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, 0, "/r", NULL),
                     "DIRECTORY keep|a|");
}

Test(txn, nesting_unknown_ids_and_bad_end)
{
    struct conn *c = h_conn(0);
    uint32_t t = h_tx(c);
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_START, t, "", NULL),
                     "ERROR EBUSY|");
    cr_assert_str_eq(h_req(c, XS_READ, 424242, "/", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_TRANSACTION_END, t, "maybe", NULL),
                     "ERROR EINVAL|");
    /* another connection cannot use our transaction */
    cr_assert_str_eq(h_req(h_conn(0), XS_READ, t, "/", NULL), "ERROR ENOENT|");
}

Test(txn, guest_transaction_limit)
{
    struct conn *g = h_conn(5);
    int i;
    for (i = 0; i < 10; i++)
        cr_assert_neq(h_tx(g), 0);
    cr_assert_str_eq(h_req(g, XS_TRANSACTION_START, 0, "", NULL),
                     "ERROR ENOSPC|");
    /* dom0 is not limited */
    struct conn *d = h_conn(0);
    for (i = 0; i < 20; i++)
        cr_assert_neq(h_tx(d), 0);
}

Test(txn, transaction_node_quota)
{
    struct conn *d0 = h_conn(0), *g = h_conn(5);
    char p[64];
    int i;
    uint32_t t;
    h_req(d0, XS_MKDIR, 0, "/local/domain/5", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/5", "n5", NULL);
    xsd_quota.tx_nodes = 20;
    t = h_tx(g);
    const char *r = NULL;
    for (i = 0; i < 40; i++) {
        snprintf(p, sizeof(p), "k%d", i);
        r = h_req(g, XS_WRITE, t, p, NULL);
        if (strcmp(r, "WRITE OK|"))
            break;
    }
    cr_assert_str_eq(r, "ERROR ENOSPC|");
    cr_assert_str_eq(h_req(g, XS_TRANSACTION_END, t, "T", NULL),
                     "ERROR ENOSPC|");
    cr_assert_str_eq(h_req(g, XS_READ, 0, "k0", NULL), "ERROR ENOENT|");
}
