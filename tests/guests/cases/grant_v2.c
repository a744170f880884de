/*
 * grant_v2.c — grant tables version 2 on a table the domain grants itself
 * (dom0 maps its own pages): GNTTABOP_set_version both ways with its rules
 * (in-use entries, the reserved entries 0-7 carried over, entries that v1
 * cannot hold, status frames still mapped), GNTTABOP_get_status_frames,
 * GNTTABOP_get_version, and the v2 entry formats: full_page maps and copies
 * with GTF_reading/GTF_writing in the status frame (never in the entry),
 * sub_page copies inside and outside the granted bytes (maps refused), a
 * transitive grant pointing at its own domain (refused), and
 * XENMEM_add_to_physmap of the grant/status frames by a PV domain.
 */
#include "guest.h"
#include <public/grant_table.h>
#include <public/memory.h>

const char test_title[] = "grant tables v2: versions, status frames, entry formats";

/* The grant frame mapped once, seen as either version's entries. */
static union {
    grant_entry_v1_t v1[512];
    grant_entry_v2_t v2[256];
} gnttab __aligned(4096);
static volatile grant_status_t status[2048] __aligned(4096);
static char granted[4096] __aligned(4096);
static char host_va[4096] __aligned(4096);
static char buf[4096] __aligned(4096);

static domid_t self_id(void)
{
    return start_info->flags & SIF_INITDOMAIN ? 0 : DOMID_SELF;
}

static long set_version(uint32_t v, uint32_t *now)
{
    struct gnttab_set_version sv = { .version = v };
    long rc = hc_grant_table_op(GNTTABOP_set_version, &sv, 1);

    *now = sv.version;
    return rc;
}

static uint32_t get_version(void)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF, .version = 99 };

    if (hc_grant_table_op(GNTTABOP_get_version, &gv, 1) != 0)
        test_fail("get_version failed");
    return gv.version;
}

static int16_t status_frames(uint32_t nr, uint64_t *frames, domid_t dom)
{
    struct gnttab_get_status_frames gs = { .nr_frames = nr, .dom = dom, .status = 99 };
    long rc;

    set_xen_guest_handle(gs.frame_list, frames);
    rc = hc_grant_table_op(GNTTABOP_get_status_frames, &gs, 1);
    if (rc != 0)
        test_fail("get_status_frames(%u) returned %ld", nr, rc);
    return gs.status;
}

static int16_t map(grant_ref_t ref, uint32_t flags, grant_handle_t *h)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)host_va,
                                      .flags = GNTMAP_host_map | flags, .ref = ref,
                                      .dom = self_id() };

    if (hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) != 0)
        test_fail("map_grant_ref call failed");
    *h = m.handle;
    return m.status;
}

static int16_t unmap(grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = (unsigned long)host_va, .handle = h,
                                        .status = 99 };

    if (hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) != 0)
        test_fail("unmap_grant_ref call failed");
    return u.status;
}

/* One grant copy: gref (source or destination) <-> buf. */
static int16_t copy(grant_ref_t ref, bool from_gref, uint16_t off, uint16_t len)
{
    struct gnttab_copy c;
    struct gnttab_copy_ptr *g = from_gref ? &c.source : &c.dest;
    struct gnttab_copy_ptr *l = from_gref ? &c.dest : &c.source;

    memset(&c, 0, sizeof(c));
    g->u.ref = ref;
    g->domid = self_id();
    g->offset = off;
    l->u.gmfn = virt_to_mfn(buf);
    l->domid = DOMID_SELF;
    l->offset = off;
    c.len = len;
    c.flags = from_gref ? GNTCOPY_source_gref : GNTCOPY_dest_gref;
    c.status = 99;
    if (hc_grant_table_op(GNTTABOP_copy, &c, 1) != 0)
        test_fail("grant copy call failed");
    return c.status;
}

static void grant_v2_full(grant_ref_t ref, uint64_t frame, uint16_t extra)
{
    gnttab.v2[ref].full_page.frame = frame;
    gnttab.v2[ref].hdr.domid = 0;
    __atomic_store_n(&gnttab.v2[ref].hdr.flags, GTF_permit_access | extra, __ATOMIC_SEQ_CST);
}

static void revoke_v2(grant_ref_t ref)
{
    __atomic_store_n(&gnttab.v2[ref].hdr.flags, 0, __ATOMIC_SEQ_CST);
}

static void physmap(void)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = 0, .gpfn = 0x20000 };

    /* A PV domain has no physmap of its own to place frames in. */
    CHECK_RC("add_to_physmap grant frame 0", hc_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES);
    x.idx = 0 | XENMAPIDX_grant_table_status;
    CHECK_RC("add_to_physmap status frame 0", hc_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES);
}

void test_main(void)
{
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    unsigned long gmfn = virt_to_mfn(granted);
    uint64_t sframes[4] = { 0 };
    grant_handle_t h;
    uint32_t now;

    gnttab_map_own(&gnttab);
    memset(granted, 0, sizeof(granted));
    memcpy(granted, "the granted page", sizeof("the granted page"));

    CHECK_RC("version at start", get_version(), 1);
    CHECK_RC("v1: get_status_frames(0)", status_frames(0, sframes, DOMID_SELF), GNTST_okay);
    CHECK_RC("v1: get_status_frames(1)", status_frames(1, sframes, DOMID_SELF),
             GNTST_general_error);
    CHECK_RC("set_version 3", set_version(3, &now), -XEN_EINVAL);
    CHECK_RC("its version field", now, 1);
    CHECK_RC("set_version 0", set_version(0, &now), -XEN_EINVAL);

    /* A v1 grant in use (ref 9, past the reserved 8) blocks the switch. */
    gnttab.v1[9].domid = 0;
    gnttab.v1[9].frame = (uint32_t)gmfn;
    __atomic_store_n(&gnttab.v1[9].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
    CHECK_RC("v1 map ref 9", map(9, 0, &h), GNTST_okay);
    CHECK_RC("set_version 2 with ref 9 mapped", set_version(2, &now), -XEN_EBUSY);
    CHECK_RC("its version field", now, 1);
    CHECK_RC("v1 unmap ref 9", unmap(h), GNTST_okay);

    /* Reserved entry 3 survives the switch, converted; ref 9 is cleared. */
    gnttab.v1[3].domid = 0;
    gnttab.v1[3].frame = (uint32_t)gmfn;
    __atomic_store_n(&gnttab.v1[3].flags, GTF_permit_access | GTF_readonly, __ATOMIC_SEQ_CST);
    CHECK_RC("set_version 2", set_version(2, &now), 0);
    CHECK_RC("its version field", now, 2);
    CHECK_RC("get_version", get_version(), 2);
    CHECK_RC("set_version 2 again", set_version(2, &now), 0);
    CHECK_RC("v2 entry 3 flags", gnttab.v2[3].hdr.flags, GTF_permit_access | GTF_readonly);
    CHECK_RC("v2 entry 3 domid", gnttab.v2[3].hdr.domid, 0);
    if (gnttab.v2[3].full_page.frame != gmfn)
        test_fail("v2 entry 3 frame %#lx, expected %#lx",
                  (unsigned long)gnttab.v2[3].full_page.frame, gmfn);
    if (gnttab.v1[9].flags != 0 || gnttab.v1[9].frame != 0 || gnttab.v2[4].hdr.flags != 0)
        test_fail("v1 leftovers after the switch: %#x %#x", gnttab.v1[9].flags,
                  gnttab.v1[9].frame);
    CHECK_RC("query_size", hc_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    CHECK_RC("still 1 frame", qs.nr_frames, 1);

    /* Status frames: 1 grant frame of 256 entries needs one. */
    CHECK_RC("get_status_frames(1)", status_frames(1, sframes, DOMID_SELF), GNTST_okay);
    CHECK_RC("get_status_frames(2)", status_frames(2, sframes + 1, DOMID_SELF),
             GNTST_general_error);
    CHECK_RC("get_status_frames, domain 12345", status_frames(1, sframes + 1, 12345),
             GNTST_bad_domain);
    {
        struct gnttab_get_status_frames gs = { .nr_frames = 1, .dom = DOMID_SELF };

        set_xen_guest_handle(gs.frame_list, sframes);
        CHECK_RC("get_status_frames count 2",
                 hc_grant_table_op(GNTTABOP_get_status_frames, &gs, 2), -XEN_EINVAL);
        CHECK_RC("get_status_frames unmapped argument",
                 hc_grant_table_op(GNTTABOP_get_status_frames, (void *)0x10, 1), -XEN_EFAULT);
        set_xen_guest_handle(gs.frame_list, (uint64_t *)0x10);
        gs.status = 99;
        CHECK_RC("get_status_frames, unmapped frame list",
                 hc_grant_table_op(GNTTABOP_get_status_frames, &gs, 1), 0);
        CHECK_RC("its status", gs.status, GNTST_bad_virt_addr);
    }
    printk("status frame 0 = mfn %#lx\n", (unsigned long)sframes[0]);
    CHECK_RC("map status frame read-only",
             hc_update_va_mapping((unsigned long)status, (sframes[0] << 12) | 0x65, UVMF_INVLPG), 0);

    /* full_page: map, the in-use bits in the status word only. */
    grant_v2_full(10, gmfn, 0);
    CHECK_RC("v2 map ref 10", map(10, 0, &h), GNTST_okay);
    if (strcmp(host_va, "the granted page") != 0)
        test_fail("v2 mapping reads \"%.20s\"", host_va);
    CHECK_RC("status[10] while mapped", status[10], GTF_reading | GTF_writing);
    CHECK_RC("entry flags untouched", gnttab.v2[10].hdr.flags, GTF_permit_access);
    CHECK_RC("set_version 1 with ref 10 mapped", set_version(1, &now), -XEN_EBUSY);
    CHECK_RC("its version field", now, 2);
    CHECK_RC("v2 unmap ref 10", unmap(h), GNTST_okay);
    CHECK_RC("status[10] after unmap", status[10], 0);
    CHECK_RC("v2 map ref 10 read-only", map(10, GNTMAP_readonly, &h), GNTST_okay);
    CHECK_RC("status[10] read-only", status[10], GTF_reading);
    CHECK_RC("unmap", unmap(h), GNTST_okay);

    /* Read-only entry: writable map refused; reserved entry 3 read-only. */
    CHECK_RC("writable map of read-only ref 3", map(3, 0, &h), GNTST_general_error);
    CHECK_RC("status[3] untouched", status[3], 0);
    CHECK_RC("read-only map of ref 3", map(3, GNTMAP_readonly, &h), GNTST_okay);
    CHECK_RC("unmap ref 3", unmap(h), GNTST_okay);
    grant_v2_full(11, gmfn, 0);
    gnttab.v2[11].hdr.domid = 5;
    CHECK_RC("map of a grant to domain 5", map(11, 0, &h), GNTST_general_error);
    CHECK_RC("ref 256 (past 1 frame of v2)", map(256, 0, &h), GNTST_bad_gntref);

    /* Copies through full_page: bits set during, clear after. */
    memset(buf, 0, sizeof(buf));
    CHECK_RC("copy from ref 10", copy(10, true, 0, 17), GNTST_okay);
    if (strcmp(buf, "the granted page") != 0)
        test_fail("copy from ref 10 gave \"%.20s\"", buf);
    memcpy(buf + 100, "written by copy", 16);
    CHECK_RC("copy into ref 10", copy(10, false, 100, 16), GNTST_okay);
    if (strcmp(granted + 100, "written by copy") != 0)
        test_fail("copy into ref 10 left \"%.20s\"", granted + 100);
    CHECK_RC("status[10] after copies", status[10], 0);
    CHECK_RC("copy into read-only ref 3", copy(3, false, 0, 8), GNTST_general_error);

    /* sub_page: bytes 256..767 of the page. */
    gnttab.v2[12].sub_page.frame = gmfn;
    gnttab.v2[12].sub_page.page_off = 256;
    gnttab.v2[12].sub_page.length = 512;
    gnttab.v2[12].hdr.domid = 0;
    __atomic_store_n(&gnttab.v2[12].hdr.flags, GTF_permit_access | GTF_sub_page, __ATOMIC_SEQ_CST);
    CHECK_RC("map of a sub_page grant", map(12, 0, &h), GNTST_general_error);
    CHECK_RC("map of a sub_page grant read-only", map(12, GNTMAP_readonly, &h),
             GNTST_general_error);
    CHECK_RC("status[12] after refused maps", status[12], 0);
    memcpy(granted + 300, "sub page bytes", 15);
    CHECK_RC("copy inside the sub page", copy(12, true, 300, 15), GNTST_okay);
    if (strcmp(buf + 300, "sub page bytes") != 0)
        test_fail("sub_page copy gave \"%.20s\"", buf + 300);
    CHECK_RC("copy of the sub page's last byte", copy(12, true, 767, 1), GNTST_okay);
    CHECK_RC("copy starting before it", copy(12, true, 255, 2), GNTST_general_error);
    CHECK_RC("copy running past it", copy(12, true, 700, 100), GNTST_general_error);
    CHECK_RC("copy into it", copy(12, false, 256, 512), GNTST_okay);
    CHECK_RC("copy into it past the end", copy(12, false, 768, 1), GNTST_general_error);
    CHECK_RC("copy beyond the page", copy(12, true, 4000, 200), GNTST_bad_copy_arg);
    CHECK_RC("status[12] after copies", status[12], 0);

    /* transitive, pointing back at this domain: refused. */
    gnttab.v2[13].transitive.trans_domid = 0;
    gnttab.v2[13].transitive.gref = 10;
    gnttab.v2[13].hdr.domid = 0;
    __atomic_store_n(&gnttab.v2[13].hdr.flags, GTF_transitive, __ATOMIC_SEQ_CST);
    CHECK_RC("copy through a self-referential transitive grant", copy(13, true, 0, 8),
             GNTST_general_error);
    CHECK_RC("map of a transitive grant", map(13, 0, &h), GNTST_general_error);
    CHECK_RC("status[13]", status[13], 0);
    CHECK_RC("status[10]", status[10], 0);
    revoke_v2(13);
    revoke_v2(12);
    revoke_v2(11);

    physmap();

    /* Back to 1: not while the status frame is mapped (XSA-255). */
    CHECK_RC("set_version 1 with the status frame mapped", set_version(1, &now), -XEN_EBUSY);
    CHECK_RC("its version field", now, 2);
    CHECK_RC("still v2", get_version(), 2);
    CHECK_RC("unmap the status frame", hc_update_va_mapping((unsigned long)status, 0, UVMF_INVLPG), 0);

    /* A reserved entry v1 cannot represent blocks it too. */
    grant_v2_full(5, 1ULL << 32, 0);
    CHECK_RC("set_version 1 with a 33-bit frame in ref 5", set_version(1, &now), -XEN_ERANGE);
    CHECK_RC("its version field", now, 2);
    revoke_v2(5);
    gnttab.v2[6].transitive.trans_domid = 0;
    __atomic_store_n(&gnttab.v2[6].hdr.flags, GTF_transitive, __ATOMIC_SEQ_CST);
    CHECK_RC("set_version 1 with a transitive ref 6", set_version(1, &now), -XEN_ERANGE);
    revoke_v2(6);

    CHECK_RC("set_version 1", set_version(1, &now), 0);
    CHECK_RC("its version field", now, 1);
    CHECK_RC("v1 entry 3 flags", gnttab.v1[3].flags, GTF_permit_access | GTF_readonly);
    if (gnttab.v1[3].frame != (uint32_t)gmfn)
        test_fail("v1 entry 3 frame %#x", gnttab.v1[3].frame);
    if (gnttab.v1[20].flags != 0 || gnttab.v1[21].frame != 0)
        test_fail("v2 leftovers after the switch back (entry 10 = v1 20/21)");
    CHECK_RC("v1 again: get_status_frames(1)", status_frames(1, sframes + 1, DOMID_SELF),
             GNTST_general_error);
    if (hc_update_va_mapping((unsigned long)status, (sframes[0] << 12) | 0x65, UVMF_INVLPG) == 0)
        test_fail("the freed status frame %#lx can still be mapped", (unsigned long)sframes[0]);

    /* And again: 1 -> 2 -> 1 with nothing in use. */
    CHECK_RC("set_version 2 (second time)", set_version(2, &now), 0);
    CHECK_RC("get_status_frames(1)", status_frames(1, sframes + 1, DOMID_SELF), GNTST_okay);
    CHECK_RC("set_version 1 (second time)", set_version(1, &now), 0);
    __atomic_store_n(&gnttab.v1[3].flags, 0, __ATOMIC_SEQ_CST);
}
