/*
 * test_watch.c - watches: the immediate event, subtree matching, relative
 * watch paths, removal events for watched descendants, events fired only
 * at commit for transactions, ordering, permissions on events, special
 * @introduceDomain/@releaseDomain watches, unwatch and reset.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

TestSuite(watch, .init = h_setup, .fini = h_teardown);

Test(watch, immediate_event_and_subtree)
{
    struct conn *w = h_conn(0), *c = h_conn(0);
    cr_assert_str_eq(h_req(w, XS_WATCH, 0, "/a", "tok", NULL), "WATCH OK|");
    cr_assert_str_eq(h_event(w), "/a|tok|");
    h_req(c, XS_WRITE, 0, "/a/b/c", NULL);
    h_req(c, XS_WRITE, 0, "/ab", NULL);      /* not under /a */
    h_req(c, XS_WRITE, 0, "/a", NULL);
    cr_assert_str_eq(h_event(w), "/a/b/c|tok|");
    cr_assert_str_eq(h_event(w), "/a|tok|");
    cr_assert_null(h_event(w));
}

Test(watch, duplicate_and_unknown_unwatch)
{
    struct conn *w = h_conn(0);
    h_req(w, XS_WATCH, 0, "/x", "t", NULL);
    cr_assert_str_eq(h_req(w, XS_WATCH, 0, "/x", "t", NULL), "ERROR EEXIST|");
    cr_assert_str_eq(h_req(w, XS_WATCH, 0, "/x", "t2", NULL), "WATCH OK|");
    cr_assert_str_eq(h_req(w, XS_UNWATCH, 0, "/x", "t", NULL), "UNWATCH OK|");
    cr_assert_str_eq(h_req(w, XS_UNWATCH, 0, "/x", "t", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(w, XS_WATCH, 0, "/x//y", "t", NULL), "ERROR EINVAL|");
}

Test(watch, relative_watch_reports_relative_paths)
{
    struct conn *d0 = h_conn(0), *g;
    h_req(d0, XS_MKDIR, 0, "/local/domain/4", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/4", "n4", NULL);
    g = h_conn(4);
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "device", "dev", NULL), "WATCH OK|");
    cr_assert_str_eq(h_event(g), "device|dev|");
    h_req(d0, XS_WRITE, 0, "/local/domain/4/device/vif/0", NULL);
    cr_assert_str_eq(h_event(g), "device/vif/0|dev|");
}

Test(watch, rm_fires_for_watched_descendants)
{
    struct conn *w = h_conn(0), *c = h_conn(0);
    h_req(c, XS_WRITE, 0, "/r/a/b", NULL);
    h_req(w, XS_WATCH, 0, "/r/a/b", "deep", NULL);
    h_req(w, XS_WATCH, 0, "/r", "top", NULL);
    while (h_event(w))
        ;
    h_req(c, XS_RM, 0, "/r/a", NULL);
    cr_assert_str_eq(h_event(w), "/r/a/b|deep|");
    cr_assert_str_eq(h_event(w), "/r/a|top|");
    cr_assert_null(h_event(w));
}

Test(watch, transaction_events_fire_at_commit_only)
{
    struct conn *w = h_conn(0), *c = h_conn(0);
    uint32_t t;
    h_req(w, XS_WATCH, 0, "/tx", "t", NULL);
    h_event(w);
    t = h_tx(c);
    h_req(c, XS_WRITE, t, "/tx/1", NULL);
    h_req(c, XS_WRITE, t, "/tx/2", NULL);
    cr_assert_null(h_event(w));
    h_req(c, XS_TRANSACTION_END, t, "T", NULL);
    cr_assert_str_eq(h_event(w), "/tx/1|t|");
    cr_assert_str_eq(h_event(w), "/tx/2|t|");
    t = h_tx(c);
    h_req(c, XS_WRITE, t, "/tx/3", NULL);
    h_req(c, XS_TRANSACTION_END, t, "F", NULL);
    cr_assert_null(h_event(w));
}

Test(watch, events_in_order)
{
    struct conn *w = h_conn(0), *c = h_conn(0);
    char p[32], e[64];
    int i;
    h_req(w, XS_WATCH, 0, "/", "all", NULL);
    cr_assert_str_eq(h_event(w), "/|all|");
    for (i = 0; i < 200; i++) {
        snprintf(p, sizeof(p), "/o/%d", i);
        h_req(c, XS_WRITE, 0, p, NULL);
    }
    for (i = 0; i < 200; i++) {
        snprintf(e, sizeof(e), "/o/%d|all|", i);
        cr_assert_str_eq(h_event(w), e);
    }
}

Test(watch, guests_only_see_events_for_readable_nodes)
{
    struct conn *d0 = h_conn(0), *g = h_conn(5);
    h_req(d0, XS_WRITE, 0, "/open", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/open", "r0", NULL);
    h_req(d0, XS_WRITE, 0, "/closed", NULL);
    h_req(g, XS_WATCH, 0, "/", "g", NULL);
    h_event(g);
    h_req(d0, XS_WRITE, 0, "/closed/x", NULL);
    h_req(d0, XS_WRITE, 0, "/open", NULL);
    cr_assert_str_eq(h_event(g), "/open|g|");
    cr_assert_null(h_event(g));
}

Test(watch, special_watches)
{
    struct conn *d0 = h_conn(0), *g = h_conn(5);
    cr_assert_str_eq(h_req(d0, XS_WATCH, 0, "@releaseDomain", "rel", NULL),
                     "WATCH OK|");
    cr_assert_str_eq(h_event(d0), "@releaseDomain|rel|");
    h_req(d0, XS_WATCH, 0, "@introduceDomain", "intro", NULL);
    h_event(d0);
    h_req(g, XS_WATCH, 0, "@releaseDomain", "grel", NULL);
    cr_assert_str_eq(h_event(g), "@releaseDomain|grel|");
    watch_fire_special("@introduceDomain");
    watch_fire_special("@releaseDomain");
    conn_flush_dirty();
    h_req(d0, XS_READ, 0, "/", NULL);
    h_req(g, XS_READ, 0, "/", NULL);
    cr_assert_str_eq(h_event(d0), "@introduceDomain|intro|");
    cr_assert_str_eq(h_event(d0), "@releaseDomain|rel|");
    /* the guest needs the special node's permission */
    cr_assert_null(h_event(g));
    cr_assert_str_eq(h_req(d0, XS_SET_PERMS, 0, "@releaseDomain", "n0", "r5",
                           NULL), "SET_PERMS OK|");
    cr_assert_str_eq(h_req(d0, XS_GET_PERMS, 0, "@releaseDomain", NULL),
                     "GET_PERMS n0|r5|");
    watch_fire_special("@releaseDomain");
    h_req(g, XS_READ, 0, "/", NULL);
    cr_assert_str_eq(h_event(g), "@releaseDomain|grel|");
    cr_assert_str_eq(h_event(d0), "@releaseDomain|rel|");
    /* a normal write never matches a special watch */
    h_req(d0, XS_WRITE, 0, "/x", NULL);
    cr_assert_null(h_event(d0));
}

Test(watch, reset_watches_removes_all)
{
    struct conn *w = h_conn(0), *c = h_conn(0);
    h_req(w, XS_WATCH, 0, "/a", "1", NULL);
    h_req(w, XS_WATCH, 0, "/b", "2", NULL);
    while (h_event(w))
        ;
    cr_assert_str_eq(h_req(w, XS_RESET_WATCHES, 0, "", NULL),
                     "RESET_WATCHES OK|");
    h_req(c, XS_WRITE, 0, "/a", NULL);
    h_req(c, XS_WRITE, 0, "/b", NULL);
    cr_assert_null(h_event(w));
}
