/*
 * grant_trans_xdom.c — transitive grants between two boot-time domains of
 * this image (ours only: Xen boots just dom0 from its modules), and what
 * an unprivileged domain gets from XENMEM_acquire_resource.
 *
 * Domain 0 grants domain 1 (grant table v2): ref 8, bytes 256..767 of page
 * P (sub_page); ref 9, page Q read-only; ref 10, a transitive grant of its
 * own naming (1, 20).  Domain 1 hands them back to domain 0 with
 * transitive entries: 20 -> (0, 8), 21 -> (0, 9), and tries what must be
 * refused: 22 -> (1, 8) (itself), 23 -> (0, 10) (a second level), 24 ->
 * (0, 8) made out to domain 5; 25 is its report page, read-only to domain
 * 0.  Domain 0 copies through 20 (inside P's granted bytes, and outside),
 * into 20 and 21, maps 20, and tries 22-24; then both check that no
 * GTF_reading/GTF_writing is left in their status words.  Domain 1 also
 * asks acquire_resource for domain 0's grant table (-EPERM, XSM_DM_PRIV),
 * its own (-EPERM) and DOMID_SELF (-ESRCH).
 *
 * Convention (no xenstore here): domain 0 allocates port 1 for domain 1;
 * domain 1 binds to (0, 1) once its entries are written.
 */
#include "guest.h"
#include <public/grant_table.h>
#include <public/memory.h>

const char test_title[] = "transitive grants between two domains; acquire_resource from a domU";

static grant_entry_v2_t gnttab[256] __aligned(4096);
static volatile grant_status_t status[2048] __aligned(4096);
static char page_p[4096] __aligned(4096);
static char page_q[4096] __aligned(4096);
static char map_va[4096] __aligned(4096);
static char buf[4096] __aligned(4096);

static void notify(evtchn_port_t p)
{
    struct evtchn_send s = { .port = p };

    hc_event_channel_op(EVTCHNOP_send, &s);
}

/* A v2 table of one frame, its status frame mapped read-only. */
static bool v2_table(void)
{
    struct gnttab_setup_table su = { .dom = DOMID_SELF, .nr_frames = 1 };
    struct gnttab_set_version sv = { .version = 2 };
    struct gnttab_get_status_frames gs = { .nr_frames = 1, .dom = DOMID_SELF };
    xen_pfn_t frame;
    uint64_t sframe;

    su.frame_list.p = &frame;
    set_xen_guest_handle(gs.frame_list, &sframe);
    return hc_grant_table_op(GNTTABOP_setup_table, &su, 1) == 0 && su.status == GNTST_okay &&
           hc_update_va_mapping((unsigned long)gnttab, (frame << 12) | 0x67, UVMF_INVLPG) == 0 &&
           hc_grant_table_op(GNTTABOP_set_version, &sv, 1) == 0 &&
           hc_grant_table_op(GNTTABOP_get_status_frames, &gs, 1) == 0 && gs.status == GNTST_okay &&
           hc_update_va_mapping((unsigned long)status, (sframe << 12) | 0x65, UVMF_INVLPG) == 0;
}

static void transitive(grant_ref_t ref, domid_t to, domid_t tdom, grant_ref_t tref)
{
    gnttab[ref].transitive.trans_domid = tdom;
    gnttab[ref].transitive.gref = tref;
    gnttab[ref].hdr.domid = to;
    __atomic_store_n(&gnttab[ref].hdr.flags, GTF_transitive, __ATOMIC_RELEASE);
}

/* dom0: one copy between domain 1's gref and buf. */
static int16_t copy(grant_ref_t ref, bool from_gref, uint16_t off, uint16_t len)
{
    struct gnttab_copy c = { 0 };
    struct gnttab_copy_ptr *g = from_gref ? &c.source : &c.dest;
    struct gnttab_copy_ptr *l = from_gref ? &c.dest : &c.source;
    long rc;

    g->u.ref = ref;
    g->domid = 1;
    g->offset = off;
    l->u.gmfn = virt_to_mfn(buf);
    l->domid = DOMID_SELF;
    l->offset = off;
    c.len = len;
    c.flags = from_gref ? GNTCOPY_source_gref : GNTCOPY_dest_gref;
    rc = hc_grant_table_op(GNTTABOP_copy, &c, 1);
    return rc ? -100 + (int16_t)rc : c.status;
}

static void domain0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)map_va,
                                      .flags = GNTMAP_host_map | GNTMAP_readonly,
                                      .ref = 20, .dom = 1 };
    evtchn_port_t port;

    if (!v2_table())
        test_abort("dom0: no v2 grant table");
    memset(page_p, 'p', sizeof(page_p));
    memcpy(page_q, "read-only Q", 12);
    gnttab[8].sub_page.frame = virt_to_mfn(page_p);
    gnttab[8].sub_page.page_off = 256;
    gnttab[8].sub_page.length = 512;
    gnttab[8].hdr.domid = 1;
    __atomic_store_n(&gnttab[8].hdr.flags, GTF_permit_access | GTF_sub_page, __ATOMIC_RELEASE);
    gnttab[9].full_page.frame = virt_to_mfn(page_q);
    gnttab[9].hdr.domid = 1;
    __atomic_store_n(&gnttab[9].hdr.flags, GTF_permit_access | GTF_readonly, __ATOMIC_RELEASE);
    transitive(10, 1, 1, 20);

    CHECK_RC("alloc_unbound", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    port = au.port;
    if (port != 1)
        test_abort("port %u instead of the convention's 1", port);
    CHECK_RC("block for an event", evtchn_wait(port, NULL), 0);    /* domain 1 is ready */

    memset(buf, 0, sizeof(buf));
    CHECK_RC("copy from (1, 20) -> our ref 8, inside", copy(20, true, 300, 100), GNTST_okay);
    if (buf[300] != 'p' || buf[399] != 'p' || buf[400] != 0)
        test_fail("the copy through (1, 20) brought %#x %#x %#x", buf[300], buf[399], buf[400]);
    CHECK_RC("copy from (1, 20), before the sub page", copy(20, true, 255, 2),
             GNTST_general_error);
    CHECK_RC("copy from (1, 20), past it", copy(20, true, 700, 100), GNTST_general_error);
    memcpy(buf + 512, "through d1", 11);
    CHECK_RC("copy into (1, 20)", copy(20, false, 512, 11), GNTST_okay);
    if (memcmp(page_p + 512, "through d1", 11) != 0)
        test_fail("the copy into (1, 20) did not land in P");
    CHECK_RC("copy from (1, 21) -> our read-only ref 9", copy(21, true, 0, 12), GNTST_okay);
    if (strcmp(buf, "read-only Q") != 0)
        test_fail("the copy through (1, 21) gave \"%.12s\"", buf);
    CHECK_RC("copy into (1, 21): the named grant is read-only", copy(21, false, 0, 8),
             GNTST_general_error);
    CHECK_RC("map_grant_ref call", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("map of (1, 20)", m.status, GNTST_general_error);
    CHECK_RC("copy from (1, 22): self-referential", copy(22, true, 0, 8), GNTST_general_error);
    CHECK_RC("copy from (1, 23): two levels", copy(23, true, 0, 8), GNTST_general_error);
    CHECK_RC("copy from (1, 24): made out to domain 5", copy(24, true, 0, 8),
             GNTST_general_error);
    CHECK_RC("our status[8]", status[8], 0);
    CHECK_RC("our status[9]", status[9], 0);
    CHECK_RC("our status[10]", status[10], 0);
    if (strcmp(page_q, "read-only Q") != 0)
        test_fail("Q changed");
    notify(port);

    CHECK_RC("block for an event", evtchn_wait(port, NULL), 0);    /* domain 1 has checked */
    memset(buf, 0, 128);
    CHECK_RC("copy domain 1's report", copy(25, true, 0, 127), GNTST_okay);
    printk("grant_trans_xdom: domain 1 reports: %s\n", buf);
    if (strcmp(buf, "d1: ok") != 0)
        test_fail("domain 1: %s", buf);
}

static long acquire(domid_t dom)
{
    xen_pfn_t frame = 0;
    struct xen_mem_acquire_resource r = { .domid = dom, .type = XENMEM_resource_grant_table,
                                          .nr_frames = 1 };

    set_xen_guest_handle(r.frame_list, &frame);
    return hc_memory_op(XENMEM_acquire_resource, &r);
}

static void domain1(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    char *rep = page_p;             /* domain 1's own P: its report page */
    long rc = -1, a0, a1, aself;

    if (!v2_table()) {
        printk("grant_trans_xdom: dom1 has no v2 grant table\n");
        guest_shutdown(SHUTDOWN_crash);
    }
    memset(rep, 0, 4096);
    memcpy(rep, "d1: no report", 14);
    transitive(20, 0, 0, 8);
    transitive(21, 0, 0, 9);
    transitive(22, 0, 1, 8);
    transitive(23, 0, 0, 10);
    transitive(24, 5, 0, 8);
    gnttab[25].full_page.frame = virt_to_mfn(rep);
    gnttab[25].hdr.domid = 0;
    __atomic_store_n(&gnttab[25].hdr.flags, GTF_permit_access | GTF_readonly, __ATOMIC_RELEASE);
    a0 = acquire(0);
    a1 = acquire(1);
    aself = acquire(DOMID_SELF);

    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc) {
        printk("grant_trans_xdom: dom1 could not bind: %ld\n", rc);
        guest_shutdown(SHUTDOWN_crash);
    }
    evtchn_test_and_clear(bi.local_port);     /* bind leaves the port pending */
    notify(bi.local_port);

    CHECK_RC("block for an event", evtchn_wait(bi.local_port, NULL), 0);
    if (a0 != -XEN_EPERM || a1 != -XEN_EPERM || aself != -XEN_ESRCH)
        snprintf(rep, 128, "d1: acquire_resource dom0 %ld, itself %ld, DOMID_SELF %ld", a0, a1,
                 aself);
    else if (status[20] || status[21] || status[22] || status[23] || status[24])
        snprintf(rep, 128, "d1: status words left %#x %#x %#x %#x %#x", status[20], status[21],
                 status[22], status[23], status[24]);
    else
        snprintf(rep, 128, "d1: ok");
    printk("grant_trans_xdom: dom1 report \"%s\"\n", rep);
    notify(bi.local_port);
    for (;;)
        hc_sched_op(SCHEDOP_block, NULL);   /* until domain 0 powers off */
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN)
        domain0();
    else
        domain1();
}
