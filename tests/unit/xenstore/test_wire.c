/*
 * test_wire.c - the wire parser and dispatcher against malformed input:
 * oversized messages drop only that connection, split and concatenated
 * messages are framed correctly, every argument-count mistake gets Xen's
 * error name, unknown types get ENOSYS, and random bytes never crash.
 * Regressions found by the fuzz target live here too.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(wire, .init = h_setup, .fini = h_teardown);

Test(wire, oversized_message_drops_only_that_connection)
{
    struct conn *bad = h_conn(0), *good = h_conn(0);
    struct xsd_sockmsg h = { XS_READ, 1, 0, 4097 };
    cr_assert_eq(conn_feed(bad, &h, sizeof(h)), -EPROTO);
    bad->dead = true;
    conn_mark_dirty(bad);
    conn_flush_dirty();
    cr_assert(h_dead(bad));
    cr_assert_str_eq(h_req(good, XS_READ, 0, "/", NULL), "READ");
}

Test(wire, byte_by_byte_and_batched_framing)
{
    struct conn *c = h_conn(0);
    char buf[256];
    struct xsd_sockmsg h = { XS_WRITE, 7, 0, 8 };
    size_t i, n = 0;
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "/bb\0data", 8);
    n = sizeof(h) + 8;
    h.type = XS_READ;
    h.len = 4;
    memcpy(buf + n, &h, sizeof(h));
    memcpy(buf + n + sizeof(h), "/bb", 4);
    n += sizeof(h) + 4;
    for (i = 0; i < n; i++)
        cr_assert_eq(conn_feed(c, buf + i, 1), 0);
    conn_flush_dirty();
    char out[256];
    size_t got = h_take_output(c, out, sizeof(out));
    struct xsd_sockmsg r;
    cr_assert_geq(got, 2 * sizeof(r));
    memcpy(&r, out, sizeof(r));
    cr_assert_eq(r.type, XS_WRITE);
    cr_assert_eq(r.req_id, 7);
    memcpy(&r, out + sizeof(r) + r.len, sizeof(r));
    cr_assert_eq(r.type, XS_READ);
    cr_assert_eq(memcmp(out + got - 4, "data", 4), 0);
}

Test(wire, argument_errors)
{
    struct conn *c = h_conn(0);
    cr_assert_str_eq(h_raw(c, XS_READ, 0, "", 0), "ERROR ENOENT|");
    cr_assert_str_eq(h_raw(c, XS_READ, 0, "/a", 2), "ERROR ENOENT|");
    cr_assert_str_eq(h_raw(c, XS_MKDIR, 0, "", 0), "ERROR ENOMEM|");
    cr_assert_str_eq(h_raw(c, XS_WRITE, 0, "/nonul", 6), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_WATCH, 0, "/only-path", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_SET_PERMS, 0, "/", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_SET_PERMS, 0, "/", "q0", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_SET_PERMS, 0, "/", "r99999999", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_DIRECTORY_PART, 0, "/", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_INTRODUCE, 0, "1", "2", NULL), "ERROR EINVAL|");
    /* atoi(): "x" is dom0, whose introduction C answers OK */
    cr_assert_str_eq(h_req(c, XS_INTRODUCE, 0, "x", "2", "3", NULL),
                     "INTRODUCE OK|");
    cr_assert_str_eq(h_req(c, XS_INTRODUCE, 0, "7", "2", "x", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_RELEASE, 0, "abc", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_RELEASE, 0, "9", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_GET_DOMAIN_PATH, 0, "abc", NULL),
                     "GET_DOMAIN_PATH /local/domain/0|");
    cr_assert_str_eq(h_req(c, XS_IS_DOMAIN_INTRODUCED, 0, "9", NULL),
                     "IS_DOMAIN_INTRODUCED F|");
    cr_assert_str_eq(h_req(c, XS_CONTROL, 0, "nonsense", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_raw(c, XS_CONTROL, 0, "", 0), "ERROR EINVAL|");
}

Test(wire, unknown_types_get_enosys)
{
    struct conn *c = h_conn(0);
    cr_assert_str_eq(h_req(c, 20, 0, "/", NULL), "ERROR ENOSYS|");
    cr_assert_str_eq(h_req(c, XS_WATCH_EVENT, 0, "/", "t", NULL), "ERROR ENOSYS|");
    cr_assert_str_eq(h_req(c, XS_ERROR, 0, "EINVAL", NULL), "ERROR ENOSYS|");
    cr_assert_str_eq(h_req(c, 23, 0, "", NULL), "ERROR ENOSYS|");
    cr_assert_str_eq(h_req(c, 0xffffffffu, 0, "", NULL), "ERROR ENOSYS|");
    /* and the connection still works */
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/", NULL), "READ");
}

Test(wire, error_names_are_xens)
{
    cr_assert_str_eq(xsd_errname(EINVAL), "EINVAL");
    cr_assert_str_eq(xsd_errname(EACCES), "EACCES");
    cr_assert_str_eq(xsd_errname(E2BIG), "E2BIG");
    cr_assert_str_eq(xsd_errname(EAGAIN), "EAGAIN");
    cr_assert_str_eq(xsd_errname(EPERM), "EPERM");
    cr_assert_str_eq(xsd_errname(ENOTEMPTY), "ENOTEMPTY");
    cr_assert_str_eq(xsd_errname(12345), "EINVAL");
    cr_assert_str_eq(xsd_errname(EBADF), "EINVAL");
    cr_assert_eq(sizeof(xsd_errors) / sizeof(xsd_errors[0]), 16);
    cr_assert_eq(xsd_errors[0].errnum, EINVAL);
    cr_assert_eq(xsd_errors[15].errnum, EPERM);
}

Test(wire, random_garbage_never_crashes)
{
    struct conn *c;
    unsigned seed = 12345, i, round;
    char buf[600];
    for (round = 0; round < 300; round++) {
        c = h_conn(round % 3 == 0 ? 0 : 5);
        for (i = 0; i < sizeof(buf); i++) {
            seed = seed * 1103515245 + 12345;
            buf[i] = seed >> 16;
        }
        /* keep some headers plausible so handlers run */
        for (i = 0; i + 16 <= sizeof(buf); i += 64) {
            struct xsd_sockmsg h = { (seed >> (i % 7)) % 24, i, 0, 40 };
            memcpy(buf + i, &h, sizeof(h));
        }
        conn_feed(c, buf, sizeof(buf));
        conn_flush_dirty();
    }
    c = h_conn(0);
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/", NULL), "READ");
}

Test(wire, output_backpressure_stops_reading)
{
    /* A client that never reads its replies: once its queue passes the
     * high-water mark its further requests wait unprocessed (bounded
     * memory), and everyone else is unaffected. */
    struct conn *c = h_conn(0), *other = h_conn(0);
    char val[4000], req[16 + 5];
    struct xsd_sockmsg h = { XS_READ, 1, 0, 5 };
    int i, fed = 0;

    memcpy(val, "/big", 5);
    memset(val + 5, 'x', sizeof(val) - 5);
    cr_assert_str_eq(h_raw(c, XS_WRITE, 0, val, sizeof(val)), "WRITE OK|");
    h_block_output(c, true);
    memcpy(req, &h, 16);
    memcpy(req + 16, "/big", 5);
    for (i = 0; i < 1000; i++) {
        if (conn_feed(c, req, sizeof(req)) < 0)
            break;
        fed++;
        conn_flush_dirty();
    }
    cr_assert_lt(fed, 1000, "the daemon kept accepting requests");
    cr_assert_eq(conn_wants_input(c), false);
    cr_assert_lt(c->out.len, 512 * 1024);
    cr_assert_str_eq(h_req(other, XS_READ, 0, "/", NULL), "READ");
    /* the peer starts reading again: everything queued is answered */
    h_block_output(c, false);
    for (i = 0; i < 100 && (c->out.len || c->ilen); i++) {
        conn_kick(c);
        conn_flush_dirty();
        h_take_output(c, NULL, 0);
    }
    cr_assert_eq(c->out.len, 0);
}

/* fuzz crash-f4029b3e: DIRECTORY_PART of a node that never had children
 * (NULL child buffer) hit memcpy(NULL) under UBSan. */
Test(wire, fuzz_dirpart_on_childless_node)
{
    struct conn *c = h_conn(0);
    const char *r;
    h_req(c, XS_WRITE, 0, "/d/aaaa", NULL);
    r = h_req(c, XS_DIRECTORY_PART, 0, "/d/aaaa", "0", NULL);
    cr_assert_eq(strncmp(r, "DIRECTORY_PART ", 15), 0, "%s", r);
    cr_assert_str_eq(strchr(r, '|'), "||");
    r = h_req(c, XS_DIRECTORY_PART, 0, "/d/aaaa", "5", NULL);
    cr_assert_str_eq(strchr(r, '|'), "||");
    /* an offset inside a name is answered from there, as C does */
    r = h_req(c, XS_DIRECTORY_PART, 0, "/d", "2", NULL);
    cr_assert_str_eq(strchr(r, '|'), "|aa||");
}
