/*
 * grant_table.c — the grant-table setup a PV kernel does at boot: get and
 * set version 1, query_size, setup_table (frames of the table, which the PV
 * guest maps itself) for DOMID_SELF, and the per-op status (the call itself
 * returns 0): GNTST_general_error for too many frames, GNTST_bad_domain for a
 * domain that does not exist; -EFAULT / -ENOSYS paths.
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "grant_table_op setup";

static inline long hc_grant_table_op(unsigned int cmd, void *arg, unsigned int count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static uint32_t gnttab[1024] __aligned(4096);

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
}
