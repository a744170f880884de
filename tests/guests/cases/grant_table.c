/*
 * grant_table.c — the grant-table setup a PV kernel does at boot: get and
 * set version 1, query_size, setup_table (frames of the table, which the PV
 * guest maps itself) for DOMID_SELF, and the per-op status (the call itself
 * returns 0): GNTST_general_error for too many frames, GNTST_bad_domain for a
 * domain that does not exist; -EFAULT / -ENOSYS paths; a GNTTABOP_copy
 * whose op array is read-only: the copy is done, the status cannot be
 * written back, the call answers -EFAULT (the hypervisor's guest store
 * faults into its fixup).
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "grant_table_op setup";

static uint32_t gnttab[1024] __aligned(4096);
static char ro_ops[4096] __aligned(4096);
static char copy_src[4096] __aligned(4096), copy_dst[4096] __aligned(4096);

static void copy_with_readonly_ops(void)
{
    struct gnttab_copy *c = (struct gnttab_copy *)ro_ops;
    unsigned long mfn = virt_to_mfn(ro_ops);
    long rc;

    memset(copy_src, 0x5a, sizeof(copy_src));
    memset(copy_dst, 0, sizeof(copy_dst));
    memset(c, 0, sizeof(*c));
    c->source.domid = DOMID_SELF;
    c->source.u.gmfn = virt_to_mfn(copy_src);
    c->dest.domid = DOMID_SELF;
    c->dest.u.gmfn = virt_to_mfn(copy_dst);
    c->len = 64;
    c->status = 12345;
    rc = hc_update_va_mapping((unsigned long)ro_ops, ((uint64_t)mfn << 12) | 0x65, UVMF_INVLPG);
    CHECK_RC("op array read-only", rc, 0);
    if (rc != 0)
        return;
    CHECK_RC("copy with a read-only op array", hc_grant_table_op(GNTTABOP_copy, c, 1), -XEN_EFAULT);
    if (copy_dst[0] != 0x5a || copy_dst[63] != 0x5a || copy_dst[64] != 0)
        test_fail("the copy before the failed status write: %#x %#x %#x", copy_dst[0],
                  copy_dst[63], copy_dst[64]);
    if (c->status != 12345)
        test_fail("status changed in a read-only array: %d", c->status);
    CHECK_RC("op array writable again",
             hc_update_va_mapping((unsigned long)ro_ops, ((uint64_t)mfn << 12) | 0x67, UVMF_INVLPG), 0);
}

void test_main(void)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    struct gnttab_setup_table st;
    xen_pfn_t frames[4];
    long rc;

    CHECK_RC("get_version", hc_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK_RC("version", gv.version, 1);
    CHECK_RC("set_version 1", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK_RC("set_version result", sv.version, 1);

    CHECK_RC("query_size", hc_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    printk("grant table: %u frames of max %u, status %d\n", qs.nr_frames, qs.max_nr_frames,
           qs.status);
    CHECK_RC("query_size status", qs.status, GNTST_okay);
    if (qs.nr_frames < 1 || qs.max_nr_frames < qs.nr_frames)
        test_fail("query_size: %u of %u frames", qs.nr_frames, qs.max_nr_frames);

    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.nr_frames = 1;
    st.frame_list.p = frames;
    CHECK_RC("setup_table", hc_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_RC("setup_table status", st.status, GNTST_okay);
    if (st.status == GNTST_okay) {
        printk("grant frame 0 = mfn %#lx\n", (unsigned long)frames[0]);
        rc = hc_update_va_mapping((unsigned long)gnttab, ((uint64_t)frames[0] << 12) | 0x67,
                                  UVMF_INVLPG);
        CHECK_RC("map grant frame 0", rc, 0);
        if (rc == 0) {
            gnttab[2 * 8] = 0;   /* entry 8: flags/domid — writable by the guest */
            if (gnttab[2 * 8 + 1] != 0)
                test_fail("fresh grant entry 8 has frame %#x", gnttab[2 * 8 + 1]);
        }
    }

    st.nr_frames = 100000;
    rc = hc_grant_table_op(GNTTABOP_setup_table, &st, 1);
    CHECK_RC("setup_table 100000 frames", rc, 0);
    CHECK_RC("its status", st.status, GNTST_general_error);

    st.nr_frames = 1;
    st.dom = 12345;
    rc = hc_grant_table_op(GNTTABOP_setup_table, &st, 1);
    CHECK_RC("setup_table for domain 12345", rc, 0);
    CHECK_RC("its status", st.status, GNTST_bad_domain);

    CHECK_RC("query_size(unmapped)", hc_grant_table_op(GNTTABOP_query_size, (void *)0x10, 1),
             -XEN_EFAULT);
    CHECK_RC("unknown op", hc_grant_table_op(99, &qs, 1), -XEN_ENOSYS);
    copy_with_readonly_ops();
}
