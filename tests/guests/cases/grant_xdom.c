/*
 * grant_xdom.c — grant tables between two boot-time domains of this image
 * (ours only: Xen boots just dom0 from its modules).  Domain 1 grants, domain
 * 0 maps, writes, unmaps and copies, and also attacks the grants; domain 1
 * (the victim) keeps running, checks its pages and the GTF flags, revokes,
 * and reports its own findings back through a read-only grant.
 *
 * Convention (no xenstore here): domain 0 allocates port 1 for remote domain
 * 1 before anything else; domain 1 binds to (0, 1).  Domain 1's grant refs:
 *   8  page G, read-write          9  page R, read-only
 *   10 never granted (flags 0)     R's second half carries domain 1's report
 * Steps: d1 fills G and R, grants, signals; d0 maps G (host_map at a VA of
 * its own), reads, writes, unmaps; copies its buffer into gref 8 and gref 9
 * into its buffer; then the attacks: map ref 10 (not granted), map ref 9
 * writable, write through a read-only mapping of ref 9 (#PF in the
 * attacker), copy into the read-only ref 9, ref beyond the table, an unknown
 * handle; signals.  d1 checks G got both writes, R is unchanged and no
 * GTF_reading/GTF_writing is left; revokes ref 8; writes its verdict into R;
 * signals.  d0 must then fail to map ref 8 (revoked) and reads d1's verdict
 * by a grant copy from ref 9.
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "grant map/write/unmap/copy between domains, and refused misuse";

#define REF_G 8
#define REF_R 9
#define REF_NONE 10
#define REPORT_OFF 2048

static grant_entry_v1_t gnttab[512] __aligned(4096);
static char page_g[4096] __aligned(4096);
static char page_r[4096] __aligned(4096);
static char map_va[4096] __aligned(4096);   /* dom0: where grants get mapped */
static char buf[4096] __aligned(4096);

static void notify(evtchn_port_t p)
{
    struct evtchn_send s = { .port = p };

    hc_event_channel_op(EVTCHNOP_send, &s);
}

static int16_t map_ref(grant_ref_t ref, uint32_t flags, grant_handle_t *h)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)map_va, .flags = flags,
                                      .ref = ref, .dom = 1 };
    long rc = hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

    if (rc)
        return -100 + (int16_t)rc;   /* the call itself failed: distinct value */
    *h = m.handle;
    return m.status;
}

static int16_t unmap_handle(grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = (unsigned long)map_va, .handle = h };
    long rc = hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

    return rc ? -100 + (int16_t)rc : u.status;
}

static int16_t copy(bool src_gref, unsigned long src, bool dst_gref, unsigned long dst,
                    uint16_t soff, uint16_t doff, uint16_t len)
{
    struct gnttab_copy c = { 0 };
    long rc;

    c.source.domid = src_gref ? 1 : DOMID_SELF;
    c.dest.domid = dst_gref ? 1 : DOMID_SELF;
    if (src_gref)
        c.source.u.ref = src;
    else
        c.source.u.gmfn = src;
    if (dst_gref)
        c.dest.u.ref = dst;
    else
        c.dest.u.gmfn = dst;
    c.source.offset = soff;
    c.dest.offset = doff;
    c.len = len;
    c.flags = (src_gref ? GNTCOPY_source_gref : 0) | (dst_gref ? GNTCOPY_dest_gref : 0);
    rc = hc_grant_table_op(GNTTABOP_copy, &c, 1);
    return rc ? -100 + (int16_t)rc : c.status;
}

static void restore_map_va(uint64_t mfn)
{
    CHECK_RC("restore map_va", hc_update_va_mapping((unsigned long)map_va, (mfn << 12) | 0x67,
                                                    UVMF_INVLPG), 0);
}

static void domain0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    uint64_t own_mfn = virt_to_mfn(map_va), buf_mfn = virt_to_mfn(buf);
    grant_handle_t h = ~0u;
    evtchn_port_t port;
    int16_t st;

    CHECK_RC("alloc_unbound", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    port = au.port;
    if (port != 1) {
        test_fail("port %u instead of the convention's 1", port);
        return;
    }
    CHECK_RC("block for an event", evtchn_wait(port, NULL), 0);    /* domain 1 has granted */

    /* map, read, write, unmap */
    st = map_ref(REF_G, GNTMAP_host_map, &h);
    CHECK_RC("map ref 8 read-write", st, GNTST_okay);
    if (st == GNTST_okay) {
        if (strcmp(map_va, "written by d1") != 0)
            test_fail("mapped grant reads \"%.20s\"", map_va);
        memcpy(map_va + 256, "written by d0", 14);
        CHECK_RC("unmap ref 8", unmap_handle(h), GNTST_okay);
        CHECK_RC("unmap the same handle again", unmap_handle(h), GNTST_bad_handle);
        if (l1_entry_of(map_va) && (*l1_entry_of(map_va) & 1))
            test_fail("the grant mapping is still present after unmap: %#lx",
                      (unsigned long)*l1_entry_of(map_va));
        restore_map_va(own_mfn);
    }

    /* copy both ways */
    memcpy(buf, "copied by d0", 13);
    CHECK_RC("copy local -> gref 8", copy(false, buf_mfn, true, REF_G, 0, 512, 13), GNTST_okay);
    memset(buf, 0, 64);
    CHECK_RC("copy gref 9 -> local", copy(true, REF_R, false, buf_mfn, 0, 0, 32), GNTST_okay);
    if (strcmp(buf, "read-only from d1") != 0)
        test_fail("copy from gref 9 gave \"%.20s\"", buf);

    /* attacks: each refused, nothing changes in domain 1 */
    CHECK_RC("map ref 10 (not granted)", map_ref(REF_NONE, GNTMAP_host_map, &h),
             GNTST_general_error);
    CHECK_RC("map ref 9 (read-only grant) writable", map_ref(REF_R, GNTMAP_host_map, &h),
             GNTST_general_error);
    CHECK_RC("map ref 100000", map_ref(100000, GNTMAP_host_map, &h), GNTST_bad_gntref);
    CHECK_RC("map with neither host nor device map", map_ref(REF_G, 0, &h), GNTST_bad_gntref);
    CHECK_RC("copy into read-only gref 9", copy(false, buf_mfn, true, REF_R, 0, 0, 8),
             GNTST_general_error);
    CHECK_RC("copy crossing the page end", copy(false, buf_mfn, true, REF_G, 0, 4000, 200),
             GNTST_bad_copy_arg);
    CHECK_RC("unmap an unknown handle", unmap_handle(4000), GNTST_bad_handle);
    st = map_ref(REF_R, GNTMAP_host_map | GNTMAP_readonly, &h);
    CHECK_RC("map ref 9 read-only", st, GNTST_okay);
    if (st == GNTST_okay) {
        ex_clear();
        __asm__ volatile("1: movb $'X', (%0)\n2:\n" EXTABLE("1b", "2b")
                         :: "r"(map_va) : "memory");
        if (ex_vec != X86_EXC_PF || !(ex_ec & 2))
            test_fail("write through a read-only grant mapping: vector %ld ec %#lx",
                      ex_vec, (unsigned long)ex_ec);
        CHECK_RC("unmap ref 9", unmap_handle(h), GNTST_okay);
        restore_map_va(own_mfn);
    }
    printk("grant_xdom: dom0 done, handing over to domain 1\n");
    notify(port);

    CHECK_RC("block for an event", evtchn_wait(port, NULL), 0);    /* domain 1 has checked and revoked ref 8 */
    st = map_ref(REF_G, GNTMAP_host_map, &h);
    CHECK_RC("map ref 8 after revocation", st, GNTST_general_error);
    if (st == GNTST_okay) {
        unmap_handle(h);
        restore_map_va(own_mfn);
    }
    memset(buf, 0, 128);
    CHECK_RC("copy domain 1's report", copy(true, REF_R, false, buf_mfn, REPORT_OFF, 0, 127),
             GNTST_okay);
    printk("grant_xdom: domain 1 reports: %s\n", buf);
    if (strcmp(buf, "d1: ok") != 0)
        test_fail("domain 1: %s", buf);
}

static void domain1(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    struct gnttab_setup_table su = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame;
    char *rep = page_r + REPORT_OFF;
    long rc = -1;

    su.frame_list.p = &frame;
    if (hc_grant_table_op(GNTTABOP_setup_table, &su, 1) || su.status ||
        hc_update_va_mapping((unsigned long)gnttab, (frame << 12) | 0x67, UVMF_INVLPG)) {
        printk("grant_xdom: dom1 cannot map its grant table\n");
        guest_shutdown(SHUTDOWN_crash);
    }
    memcpy(page_g, "written by d1", 14);
    memcpy(page_r, "read-only from d1", 18);
    memcpy(rep, "d1: no report", 14);
    gnttab[REF_NONE].flags = 0;
    gnttab[REF_G] = (grant_entry_v1_t){ .domid = 0, .frame = virt_to_mfn(page_g) };
    gnttab[REF_R] = (grant_entry_v1_t){ .domid = 0, .frame = virt_to_mfn(page_r) };
    __atomic_store_n(&gnttab[REF_G].flags, GTF_permit_access, __ATOMIC_RELEASE);
    __atomic_store_n(&gnttab[REF_R].flags, GTF_permit_access | GTF_readonly, __ATOMIC_RELEASE);

    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc) {
        printk("grant_xdom: dom1 could not bind: %ld\n", rc);
        guest_shutdown(SHUTDOWN_crash);
    }
    evtchn_test_and_clear(bi.local_port);     /* bind leaves the port pending */
    printk("grant_xdom: dom1 granted refs 8 (rw) and 9 (ro)\n");
    notify(bi.local_port);

    CHECK_RC("block for an event", evtchn_wait(bi.local_port, NULL), 0);
    printk("grant_xdom: dom1 still running, checking\n");
    if (memcmp(page_g + 256, "written by d0", 14) != 0)
        snprintf(rep, 128, "d1: the write through the mapping is missing");
    else if (memcmp(page_g + 512, "copied by d0", 13) != 0)
        snprintf(rep, 128, "d1: the grant copy did not land");
    else if (strcmp(page_r, "read-only from d1") != 0 || page_r[64] != 0)
        snprintf(rep, 128, "d1: the read-only page changed");
    else if (gnttab[REF_G].flags != GTF_permit_access)
        snprintf(rep, 128, "d1: ref 8 flags %#x after unmap", gnttab[REF_G].flags);
    else if (gnttab[REF_R].flags != (GTF_permit_access | GTF_readonly))
        snprintf(rep, 128, "d1: ref 9 flags %#x after unmap", gnttab[REF_R].flags);
    else if (gnttab[REF_NONE].flags != 0)
        snprintf(rep, 128, "d1: ref 10 flags %#x", gnttab[REF_NONE].flags);
    else
        snprintf(rep, 128, "d1: ok");
    /* revoke ref 8: no one has it mapped, so clearing the flags suffices */
    __atomic_store_n(&gnttab[REF_G].flags, 0, __ATOMIC_RELEASE);
    printk("grant_xdom: dom1 revoked ref 8, report \"%s\"\n", rep);
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
