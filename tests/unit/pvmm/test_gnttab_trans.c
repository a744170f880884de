/*
 * test_gnttab_trans.c — host tests of transitive grants (grant table v2,
 * GTF_transitive; common/grant_copy.c) as Xen 4.17 has them: a copy through
 * a transitive entry reaches the grant it names, within that grant's bytes;
 * both entries show GTF_reading/GTF_writing while in use and nothing is
 * left pinned or referenced after; one level only (chains and loops are
 * refused), never the granter itself, never a domain that does not exist,
 * never a mapping.
 *
 * The three harness domains: D0 holds the frame, D1 hands D0's grant on to
 * D2 with a transitive entry, D2 copies.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include "harness.h"
#include "../../../hypervisor/common/grant_private.h"

#define D0 hdom[0]
#define D1 hdom[1]
#define D2 hdom[2]

TestSuite(gnttab_trans, .init = h_setup, .fini = h_teardown);

/* d's one-frame table switched to v2, and its first status frame. */
static grant_entry_v2_t *table_v2(struct domain *d, grant_status_t **status)
{
    gnttab_setup_table_t op = { .dom = DOMID_SELF, .nr_frames = 1 };
    gnttab_set_version_t sv = { .version = 2 };
    gnttab_get_status_frames_t gs = { .nr_frames = 1, .dom = DOMID_SELF };
    xen_pfn_t frame;
    uint64_t f;

    cr_assert_eq(gnttab_setup_table(d, &op, &frame), 0);
    cr_assert_eq(op.status, GNTST_okay);
    cr_assert_eq(gnttab_set_version(d, &sv), 0);
    gnttab_get_status_frames(d, &gs, &f);
    cr_assert_eq(gs.status, GNTST_okay);
    *status = (grant_status_t *)h_map(f);
    return (grant_entry_v2_t *)h_map(frame);
}

static void sub_page(grant_entry_v2_t *gt, grant_ref_t ref, domid_t to, mfn_t mfn,
                     uint16_t off, uint16_t len)
{
    gt[ref].sub_page.frame = mfn;
    gt[ref].sub_page.page_off = off;
    gt[ref].sub_page.length = len;
    gt[ref].hdr.domid = to;
    gt[ref].hdr.flags = GTF_permit_access | GTF_sub_page;
}

static void transitive(grant_entry_v2_t *gt, grant_ref_t ref, domid_t to, domid_t tdom,
                       grant_ref_t tref, uint16_t extra)
{
    gt[ref].transitive.trans_domid = tdom;
    gt[ref].transitive.gref = tref;
    gt[ref].hdr.domid = to;
    gt[ref].hdr.flags = GTF_transitive | extra;
}

/* D2 copies len bytes from (dom, ref, off) into its own frame 'mine'. */
static int16_t copy_from(domid_t dom, grant_ref_t ref, uint16_t off, uint16_t len, mfn_t mine)
{
    gnttab_copy_t op = {
        .source = { .u.ref = ref, .domid = dom, .offset = off },
        .dest = { .u.gmfn = mine, .domid = DOMID_SELF },
        .len = len, .flags = GNTCOPY_source_gref,
    };

    gnttab_copy_one(D2->vcpu[0], &op);
    return op.status;
}

static int16_t copy_to(domid_t dom, grant_ref_t ref, uint16_t off, uint16_t len, mfn_t mine)
{
    gnttab_copy_t op = {
        .source = { .u.gmfn = mine, .domid = DOMID_SELF },
        .dest = { .u.ref = ref, .domid = dom, .offset = off },
        .len = len, .flags = GNTCOPY_dest_gref,
    };

    gnttab_copy_one(D2->vcpu[0], &op);
    return op.status;
}

Test(gnttab_trans, copy_reaches_the_named_grant_within_its_bytes)
{
    grant_status_t *st0, *st1;
    grant_entry_v2_t *gt0 = table_v2(D0, &st0), *gt1 = table_v2(D1, &st1);
    mfn_t page = h_alloc(D0), mine = h_alloc(D2);
    uint64_t pc = h_count(page);
    unsigned int r0 = D0->refcnt, r1 = D1->refcnt;

    memset(h_map(page), 'p', 4096);
    sub_page(gt0, 20, 1, page, 256, 512);
    transitive(gt1, 21, 2, 0, 20, 0);
    cr_expect_eq(copy_from(1, 21, 300, 100, mine), GNTST_okay);
    cr_expect_eq(((char *)h_map(mine))[99], 'p');
    cr_expect_eq(((char *)h_map(mine))[100], 0);
    cr_expect_eq(copy_from(1, 21, 255, 10, mine), GNTST_general_error,
                 "before the named sub_page grant's bytes");
    cr_expect_eq(copy_from(1, 21, 700, 100, mine), GNTST_general_error, "past them");
    memset(h_map(mine), 'm', 4096);
    cr_expect_eq(copy_to(1, 21, 256, 512, mine), GNTST_okay);
    cr_expect_eq(((char *)h_map(page))[255], 'p');
    cr_expect_eq(((char *)h_map(page))[256], 'm');
    cr_expect_eq(((char *)h_map(page))[767], 'm');
    cr_expect_eq(((char *)h_map(page))[768], 'p');
    /* Nothing held afterwards. */
    cr_expect_eq(st0[20], 0);
    cr_expect_eq(st1[21], 0);
    cr_expect_eq(h_count(page), pc);
    cr_expect_eq(h_tcount(page), 0);
    cr_expect_eq(D0->refcnt, r0);
    cr_expect_eq(D1->refcnt, r1);
    cr_expect(!D1->grant_table->active[0][21].trans);
}

Test(gnttab_trans, both_entries_in_use_while_pinned)
{
    grant_status_t *st0, *st1;
    grant_entry_v2_t *gt0 = table_v2(D0, &st0), *gt1 = table_v2(D1, &st1);
    mfn_t page = h_alloc(D0), mfn = 0;
    uint64_t pc = h_count(page);
    unsigned int r0 = D0->refcnt;
    gnttab_map_grant_ref_t map = { .flags = GNTMAP_device_map | GNTMAP_readonly, .ref = 21,
                                   .dom = 1 };

    gt0[20].full_page.frame = page;
    gt0[20].hdr.domid = 1;
    gt0[20].hdr.flags = GTF_permit_access;
    transitive(gt1, 21, 2, 0, 20, 0);

    cr_assert_eq(pin_grant_for_copy(D1, 21, D2, true, true, &mfn), GNTST_okay);
    cr_expect_eq(mfn, page);
    cr_expect_eq(st1[21], GTF_reading);
    cr_expect_eq(st0[20], GTF_reading);
    cr_expect_eq(D0->refcnt, r0 + 1, "the far domain is held while pinned");
    cr_assert_eq(pin_grant_for_copy(D1, 21, D2, false, true, &mfn), GNTST_okay);
    cr_expect_eq(st1[21], GTF_reading | GTF_writing);
    cr_expect_eq(st0[20], GTF_reading | GTF_writing);
    cr_expect_eq(h_tcount(page), 1, "the writer holds a writable type");
    cr_expect_eq(pin_grant_for_copy(D1, 21, D0, true, true, &mfn), GNTST_general_error,
                 "pinned for another domain");
    gnttab_map_one(D2->vcpu[0], &map);
    cr_expect_eq(map.status, GNTST_general_error, "a transitive grant in use is never mapped");
    cr_expect_eq(gnttab_set_version(D1, &(gnttab_set_version_t){ .version = 1 }), -EBUSY);

    unpin_grant_for_copy(D1, 21, false);
    cr_expect_eq(st1[21], GTF_reading);
    cr_expect_eq(st0[20], GTF_reading);
    cr_expect_eq(h_tcount(page), 0);
    unpin_grant_for_copy(D1, 21, true);
    cr_expect_eq(st1[21], 0);
    cr_expect_eq(st0[20], 0);
    cr_expect_eq(h_count(page), pc);
    cr_expect_eq(D0->refcnt, r0);
}

Test(gnttab_trans, handed_back_to_the_copier)
{
    grant_status_t *st1, *st2;
    grant_entry_v2_t *gt1 = table_v2(D1, &st1), *gt2 = table_v2(D2, &st2);
    mfn_t page = h_alloc(D2), mine = h_alloc(D2);

    memset(h_map(page), 'q', 4096);
    gt2[30].full_page.frame = page;
    gt2[30].hdr.domid = 1;
    gt2[30].hdr.flags = GTF_permit_access | GTF_readonly;
    transitive(gt1, 21, 2, 2, 30, 0);
    cr_expect_eq(copy_from(1, 21, 0, 64, mine), GNTST_okay, "Xen allows the far end to be us");
    cr_expect_eq(((char *)h_map(mine))[63], 'q');
    cr_expect_eq(copy_to(1, 21, 0, 64, mine), GNTST_general_error,
                 "the named grant is read-only");
    cr_expect_eq(st1[21], 0);
    cr_expect_eq(st2[30], 0);
}

Test(gnttab_trans, refused_chains)
{
    grant_status_t *st0, *st1, *st2;
    grant_entry_v2_t *gt0 = table_v2(D0, &st0), *gt1 = table_v2(D1, &st1);
    grant_entry_v2_t *gt2 = table_v2(D2, &st2);
    mfn_t page = h_alloc(D0), mine = h_alloc(D2);
    unsigned int r0 = D0->refcnt, r1 = D1->refcnt, r2 = D2->refcnt;

    gt0[20].full_page.frame = page;
    gt0[20].hdr.domid = 1;
    gt0[20].hdr.flags = GTF_permit_access;

    transitive(gt1, 21, 2, 1, 20, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error, "self-referential");
    transitive(gt1, 21, 2, DOMID_SELF, 20, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error, "DOMID_SELF");
    transitive(gt1, 21, 2, 7, 20, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error, "no such domain");
    transitive(gt1, 21, 0, 0, 20, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error, "made out to another");
    transitive(gt1, 21, 2, 0, 20, GTF_readonly);
    cr_expect_eq(copy_to(1, 21, 0, 8, mine), GNTST_general_error, "read-only, written");
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_okay, "read-only, read");
    transitive(gt1, 21, 2, 0, 256, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_bad_gntref, "the far ref's own error");
    gt0[20].hdr.domid = 2;
    transitive(gt1, 21, 2, 0, 20, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error,
                 "the far grant is not made out to the middle domain");

    /* Two levels: D1 -> D0's transitive 22 -> D0's 20: refused. */
    gt0[20].hdr.domid = 1;
    transitive(gt0, 22, 1, 2, 40, 0);
    transitive(gt1, 21, 2, 0, 22, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error, "one level only");
    /* A loop: D1's 21 -> D2's 31 -> D1's 21. */
    transitive(gt2, 31, 1, 1, 21, 0);
    transitive(gt1, 21, 2, 2, 31, 0);
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error, "a loop");

    cr_expect_eq(st0[20], 0);
    cr_expect_eq(st0[22], 0);
    cr_expect_eq(st1[21], 0);
    cr_expect_eq(st2[31], 0);
    cr_expect_eq(D0->refcnt, r0);
    cr_expect_eq(D1->refcnt, r1);
    cr_expect_eq(D2->refcnt, r2);
    for (grant_ref_t r = 0; r < 64; r++)
        cr_expect(!D1->grant_table->active[0][r].pin_ro && !D1->grant_table->active[0][r].pin_rw);
}

Test(gnttab_trans, only_in_version_2)
{
    gnttab_setup_table_t op = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame;
    grant_entry_v1_t *gt1;
    grant_status_t *st0;
    grant_entry_v2_t *gt0 = table_v2(D0, &st0);
    mfn_t page = h_alloc(D0), mine = h_alloc(D2);

    cr_assert_eq(gnttab_setup_table(D1, &op, &frame), 0);
    gt1 = (grant_entry_v1_t *)h_map(frame);
    gt0[20].full_page.frame = page;
    gt0[20].hdr.domid = 1;
    gt0[20].hdr.flags = GTF_permit_access;
    gt1[21].domid = 2;
    gt1[21].frame = 20;                 /* no trans fields in v1: the type alone */
    gt1[21].flags = GTF_transitive;
    cr_expect_eq(copy_from(1, 21, 0, 8, mine), GNTST_general_error);
    cr_expect_eq(gt1[21].flags, GTF_transitive);
}

/* A batch through one transitive entry keeps one pin for all its ops. */
Test(gnttab_trans, batch_reuses_the_pin_and_releases_it)
{
    grant_status_t *st0, *st1;
    grant_entry_v2_t *gt0 = table_v2(D0, &st0), *gt1 = table_v2(D1, &st1);
    mfn_t page = h_alloc(D0), mine = h_alloc(D2);
    uint64_t pc = h_count(page);
    gnttab_copy_t ops[20];
    XEN_GUEST_HANDLE_PARAM(void) h = { ops };

    memset(h_map(page), 'b', 4096);
    gt0[20].full_page.frame = page;
    gt0[20].hdr.domid = 1;
    gt0[20].hdr.flags = GTF_permit_access;
    transitive(gt1, 21, 2, 0, 20, 0);
    for (int i = 0; i < 20; i++)
        ops[i] = (gnttab_copy_t){ .source = { .u.ref = 21, .domid = 1, .offset = i * 8 },
                                  .dest = { .u.gmfn = mine, .domid = DOMID_SELF,
                                            .offset = i * 8 },
                                  .len = 8, .flags = GNTCOPY_source_gref, .status = 99 };
    h_set_current(D2);
    cr_assert_eq(do_grant_table_op(GNTTABOP_copy, h, 20), 0);
    for (int i = 0; i < 20; i++)
        cr_expect_eq(ops[i].status, GNTST_okay, "op %d", i);
    cr_expect_eq(((char *)h_map(mine))[159], 'b');
    cr_expect_eq(((char *)h_map(mine))[160], 0);
    cr_expect_eq(st0[20], 0);
    cr_expect_eq(st1[21], 0);
    cr_expect_eq(h_count(page), pc);
}
