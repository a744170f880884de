/*
 * grant_trans.c — transitive grants (grant table v2, GTF_transitive) as one
 * domain can try them, which is what runs on Xen 4.17 too (its oracle boots
 * dom0 only): a transitive entry must name another, existing domain, so
 * every pattern here is refused, and each refusal must leave the entry's
 * status word clear (GTF_reading/GTF_writing are set while the chain is
 * checked and must be taken back, the class of bug behind XSA-226's
 * transitive-grant fixes).  Patterns: naming this domain (by id and as
 * DOMID_SELF), a domain that does not exist, DOMID_IO and DOMID_XEN;
 * an entry made out to another domain; a read-only one as a copy
 * destination; sub_page set on a transitive entry; GTF_transitive in a v1
 * table; maps of transitive entries (host and device); and a batch where
 * refused transitive copies sit between good ones.  The copy that follows
 * a transitive grant to a second domain is grant_trans_xdom's (ours only).
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "transitive grants one domain can try: all refused, nothing left set";

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

static long set_version(uint32_t v)
{
    struct gnttab_set_version sv = { .version = v };

    return hc_grant_table_op(GNTTABOP_set_version, &sv, 1);
}

static int16_t map(grant_ref_t ref, uint32_t flags)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)host_va, .flags = flags,
                                      .ref = ref, .dom = self_id(), .status = 99 };

    if (hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) != 0)
        test_fail("map_grant_ref call failed");
    if (m.status == GNTST_okay)
        test_fail("ref %u mapped (flags %#x): handle %u", ref, flags, m.handle);
    return m.status;
}

static void fill_copy(struct gnttab_copy *c, grant_ref_t ref, bool from_gref, uint16_t off,
                      uint16_t len)
{
    struct gnttab_copy_ptr *g = from_gref ? &c->source : &c->dest;
    struct gnttab_copy_ptr *l = from_gref ? &c->dest : &c->source;

    memset(c, 0, sizeof(*c));
    g->u.ref = ref;
    g->domid = self_id();
    g->offset = off;
    l->u.gmfn = virt_to_mfn(buf);
    l->domid = DOMID_SELF;
    l->offset = off;
    c->len = len;
    c->flags = from_gref ? GNTCOPY_source_gref : GNTCOPY_dest_gref;
    c->status = 99;
}

static int16_t copy(grant_ref_t ref, bool from_gref, uint16_t off, uint16_t len)
{
    struct gnttab_copy c;

    fill_copy(&c, ref, from_gref, off, len);
    if (hc_grant_table_op(GNTTABOP_copy, &c, 1) != 0)
        test_fail("grant copy call failed");
    return c.status;
}

static void transitive(grant_ref_t ref, domid_t to, domid_t tdom, grant_ref_t tref,
                       uint16_t extra)
{
    gnttab.v2[ref].transitive.trans_domid = tdom;
    gnttab.v2[ref].transitive.gref = tref;
    gnttab.v2[ref].hdr.domid = to;
    __atomic_store_n(&gnttab.v2[ref].hdr.flags, GTF_transitive | extra, __ATOMIC_SEQ_CST);
}

static void revoke(grant_ref_t ref)
{
    __atomic_store_n(&gnttab.v2[ref].hdr.flags, 0, __ATOMIC_SEQ_CST);
}

/* Copy both ways and map ref; every answer GNTST_general_error, status clear. */
static void refused(const char *what, grant_ref_t ref)
{
    int16_t rd = copy(ref, true, 0, 8), wr = copy(ref, false, 0, 8);
    int16_t mh = map(ref, GNTMAP_host_map | GNTMAP_readonly), md = map(ref, GNTMAP_device_map);

    printk("%s: copy from %d, into %d, map %d, device map %d, status %#x\n", what, rd, wr, mh,
           md, status[ref]);
    if (rd != GNTST_general_error || wr != GNTST_general_error ||
        mh != GNTST_general_error || md != GNTST_general_error)
        test_fail("%s: expected %d for each", what, GNTST_general_error);
    if (status[ref] != 0)
        test_fail("%s: status word %#x left behind", what, status[ref]);
}

void test_main(void)
{
    struct gnttab_get_status_frames gs = { .nr_frames = 1, .dom = DOMID_SELF };
    unsigned long gmfn = virt_to_mfn(granted);
    domid_t me = self_id();
    struct gnttab_copy batch[3];
    uint64_t sframe;

    gnttab_map_own(&gnttab);
    memcpy(granted, "granted bytes", 14);

    /* v1 first: the transitive type means nothing there. */
    gnttab.v1[20].domid = me;
    gnttab.v1[20].frame = 10;
    __atomic_store_n(&gnttab.v1[20].flags, GTF_transitive, __ATOMIC_SEQ_CST);
    CHECK_RC("v1: copy from a GTF_transitive entry", copy(20, true, 0, 8), GNTST_general_error);
    CHECK_RC("v1: map of it", map(20, GNTMAP_host_map), GNTST_general_error);
    CHECK_RC("v1: its flags untouched", gnttab.v1[20].flags, GTF_transitive);
    __atomic_store_n(&gnttab.v1[20].flags, 0, __ATOMIC_SEQ_CST);

    CHECK_RC("set_version 2", set_version(2), 0);
    set_xen_guest_handle(gs.frame_list, &sframe);
    if (hc_grant_table_op(GNTTABOP_get_status_frames, &gs, 1) || gs.status != GNTST_okay)
        test_abort("get_status_frames failed (%d)", gs.status);
    CHECK_RC("map the status frame read-only",
             hc_update_va_mapping((unsigned long)status, (sframe << 12) | 0x65, UVMF_INVLPG), 0);

    /* The grant the transitive entries name: an ordinary one, to us. */
    gnttab.v2[10].full_page.frame = gmfn;
    gnttab.v2[10].hdr.domid = me;
    __atomic_store_n(&gnttab.v2[10].hdr.flags, GTF_permit_access, __ATOMIC_SEQ_CST);

    transitive(11, me, me, 10, 0);
    refused("naming this domain", 11);
    transitive(11, me, DOMID_SELF, 10, 0);
    refused("naming DOMID_SELF", 11);
    transitive(11, me, 100, 10, 0);
    refused("naming domain 100 (none)", 11);
    transitive(11, me, DOMID_IO, 10, 0);
    refused("naming DOMID_IO", 11);
    transitive(11, me, DOMID_XEN, 10, 0);
    refused("naming DOMID_XEN", 11);
    transitive(11, 5, 100, 10, 0);
    refused("made out to domain 5", 11);
    transitive(11, me, 100, 10, GTF_readonly);
    refused("read-only", 11);
    transitive(11, me, 100, 10, GTF_sub_page);
    refused("with GTF_sub_page", 11);
    transitive(11, me, 100, 300, 0);
    refused("naming a ref past any table", 11);
    CHECK_RC("status[10] untouched", status[10], 0);

    /* Refused transitive copies between good ones: each its own status. */
    transitive(11, me, 100, 10, 0);
    fill_copy(&batch[0], 10, true, 0, 14);
    fill_copy(&batch[1], 11, true, 0, 14);
    fill_copy(&batch[2], 10, true, 100, 8);
    memset(buf, 0, sizeof(buf));
    CHECK_RC("batch of 3", hc_grant_table_op(GNTTABOP_copy, batch, 3), 0);
    CHECK_RC("batch op 0", batch[0].status, GNTST_okay);
    CHECK_RC("batch op 1 (transitive)", batch[1].status, GNTST_general_error);
    CHECK_RC("batch op 2", batch[2].status, GNTST_okay);
    if (strcmp(buf, "granted bytes") != 0)
        test_fail("batch op 0 copied \"%.14s\"", buf);
    CHECK_RC("status[10] after the batch", status[10], 0);
    CHECK_RC("status[11] after the batch", status[11], 0);

    revoke(11);
    revoke(10);
    CHECK_RC("unmap the status frame", hc_update_va_mapping((unsigned long)status, 0, UVMF_INVLPG), 0);
    CHECK_RC("set_version 1", set_version(1), 0);
}
