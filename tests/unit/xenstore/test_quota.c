/*
 * test_quota.c - C xenstored 4.17's quotas for unprivileged domains: nodes
 * per domain, node size, watches, permission entries, and that dom0 is not
 * limited; quotas are adjustable like -E/-S/-W/-A and CONTROL quota.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct conn *d0, *g;

static void setup(void)
{
    h_setup();
    d0 = h_conn(0);
    h_req(d0, XS_MKDIR, 0, "/local/domain/5", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/5", "n5", NULL);
    g = h_conn(5);
}

TestSuite(quota, .init = setup, .fini = h_teardown);

Test(quota, defaults_are_c_xenstoreds)
{
    cr_assert_eq(xsd_quota.entry_nb, 1000);
    cr_assert_eq(xsd_quota.entry_size, 2048);
    cr_assert_eq(xsd_quota.watch_nb, 128);
    cr_assert_eq(xsd_quota.transaction, 10);
    cr_assert_eq(xsd_quota.perm_nb, 5);
    cr_assert_eq(xsd_quota.path_max, 2048);
    cr_assert_eq(xsd_quota.tx_nodes, 1024);
    cr_assert_eq(xsd_quota.memory, 2560 * 1024);
}

Test(quota, node_count)
{
    char p[32];
    int i, ok = 0;
    const char *r = "";
    xsd_quota.entry_nb = 50;
    for (i = 0; i < 100; i++) {
        snprintf(p, sizeof(p), "n%d", i);
        r = h_req(g, XS_WRITE, 0, p, NULL);
        if (strcmp(r, "WRITE OK|"))
            break;
        ok++;
    }
    cr_assert_str_eq(r, "ERROR ENOSPC|");
    cr_assert_lt(ok, 50);
    cr_assert_gt(ok, 40);
    /* removing frees quota */
    h_req(g, XS_RM, 0, "n0", NULL);
    cr_assert_str_eq(h_req(g, XS_WRITE, 0, "again", NULL), "WRITE OK|");
    /* dom0 is not limited, even under the guest's home */
    for (i = 0; i < 100; i++) {
        snprintf(p, sizeof(p), "/d0/n%d", i);
        cr_assert_str_eq(h_req(d0, XS_WRITE, 0, p, NULL), "WRITE OK|");
    }
}

Test(quota, node_size)
{
    char buf[3000];
    memcpy(buf, "big", 4);
    memset(buf + 4, 'v', sizeof(buf) - 4);
    cr_assert_str_eq(h_raw(g, XS_WRITE, 0, buf, 4 + 2000), "WRITE OK|");
    cr_assert_str_eq(h_raw(g, XS_WRITE, 0, buf, 4 + 2100), "ERROR ENOSPC|");
    cr_assert_str_eq(h_raw(d0, XS_WRITE, 0, "/d0big\0", 7), "WRITE OK|");
    memcpy(buf, "/d0big", 7);
    cr_assert_str_eq(h_raw(d0, XS_WRITE, 0, buf, sizeof(buf)), "WRITE OK|");
}

Test(quota, watches)
{
    char t[16];
    int i;
    for (i = 0; i < 128; i++) {
        snprintf(t, sizeof(t), "%d", i);
        cr_assert_str_eq(h_req(g, XS_WATCH, 0, "w", t, NULL), "WATCH OK|");
    }
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "w", "x", NULL), "ERROR E2BIG|");
    h_req(g, XS_UNWATCH, 0, "w", "0", NULL);
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "w", "x", NULL), "WATCH OK|");
}

Test(quota, permission_entries)
{
    h_req(g, XS_WRITE, 0, "p", NULL);
    /* five entries in all, the owner's included */
    cr_assert_str_eq(h_req(g, XS_SET_PERMS, 0, "p", "n5", "r1", "r2", "r3",
                           "r4", NULL), "SET_PERMS OK|");
    cr_assert_str_eq(h_req(g, XS_SET_PERMS, 0, "p", "n5", "r1", "r2", "r3",
                           "r4", "r6", NULL), "ERROR ENOSPC|");
}

Test(quota, control_quota_changes_limits)
{
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "watches", "1",
                           NULL), "CONTROL OK|");
    cr_assert_eq(xsd_quota.watch_nb, 1);
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "a", "1", NULL), "WATCH OK|");
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "a", "2", NULL), "ERROR E2BIG|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "bogus", "1",
                           NULL), "ERROR EINVAL|");
    cr_assert(strstr(h_req(d0, XS_CONTROL, 0, "quota", NULL),
                     "\nwatches          :        1 Watches per domain\n"));
}

Test(quota, memory_hard_limit)
{
    char buf[2100];
    int i;
    const char *r = "";
    xsd_quota.memory = 64 * 1024;
    memset(buf, 'm', sizeof(buf));
    for (i = 0; i < 100; i++) {
        int n = snprintf(buf, 16, "m%d", i);
        buf[n] = 0;
        r = h_raw(g, XS_WRITE, 0, buf, n + 1 + 1900);
        if (strcmp(r, "WRITE OK|"))
            break;
    }
    cr_assert_str_eq(r, "ERROR ENOMEM|");
    cr_assert_lt(i, 40);
}

Test(quota, outstanding_answers_stop_a_guests_requests)
{
    /* the guest stops reading: after 20 undelivered answers we stop
     * taking its requests; once it reads, the rest are answered */
    char req[16 + 2];
    struct xsd_sockmsg h = { XS_READ, 1, 0, 2 };
    int i;
    h_req(g, XS_WRITE, 0, "x", NULL);
    h_block_output(g, true);
    memcpy(req, &h, 16);
    memcpy(req + 16, "x", 2);
    for (i = 0; i < 30; i++)
        conn_feed(g, req, sizeof(req));
    conn_flush_dirty();
    cr_assert_eq(g->out_msgs, 20);
    cr_assert_eq(conn_wants_input(g), false);
    /* dom0 is not limited */
    h_block_output(d0, true);
    for (i = 0; i < 30; i++)
        conn_feed(d0, req, sizeof(req));
    cr_assert_eq(d0->out_msgs, 30);
    h_block_output(d0, false);
    h_block_output(g, false);
    for (i = 0; i < 5; i++) {
        conn_kick(g);
        conn_flush_dirty();
    }
    cr_assert_eq(g->out_msgs, 0);
    cr_assert_eq(g->ilen, 0);
}

Test(quota, event_flood_drops_events_not_the_watcher)
{
    /* regression: a guest that did not read its events was disconnected
     * once others made enough changes under its watch; events past its
     * memory quota are dropped instead (XSA-326), the guest stays */
    int i;
    xsd_quota.memory = 16 * 1024;
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "busy", "w", NULL), "WATCH OK|");
    h_block_output(g, true);
    for (i = 0; i < 2000; i++)
        cr_assert_str_eq(h_req(d0, XS_WRITE, 0, "/local/domain/5/busy", "v", NULL),
                         "WRITE OK|");
    conn_flush_dirty();
    cr_assert(!h_dead(g));
    cr_assert_leq(g->out.len, 16 * 1024);
    cr_assert_gt(g->events_dropped, 1000);
    /* the guest reads again: what was queued arrives, requests work */
    h_block_output(g, false);
    h_take_output(g, NULL, 0);
    conn_kick(g);
    conn_flush_dirty();
    cr_assert_eq(g->out.len, 0);
    cr_assert_str_eq(h_req(g, XS_READ, 0, "busy", NULL), "READ v|");
}
