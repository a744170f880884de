/*
 * grant_ops.c — the grant table operations a single PV domain can check
 * against Xen 4.17's answers beyond map/unmap/copy: GNTTABOP_swap_grant_ref
 * (v1 and v2 entries, bounds, busy entries, batches, bad arrays), the
 * argument checks of GNTTABOP_transfer that come before any page changes
 * hands, and XENMEM_add_to_physmap_batch (for translated guests only: a PV
 * target is refused after the argument checks), and the limit on pins of
 * one grant: 128 device maps of one entry, the 129th refused.
 */
#include "guest.h"
#include <public/grant_table.h>
#include <public/memory.h>

const char test_title[] = "grant swap_grant_ref / transfer checks, add_to_physmap_batch";

static union {
    grant_entry_v1_t v1[512];
    grant_entry_v2_t v2[256];
} gt __aligned(4096);
static char frame1[4096] __aligned(4096);
static char va4[4096] __aligned(4096);
static char frame2[4096] __aligned(4096);

static domid_t self_id(void)
{
    return start_info->flags & SIF_INITDOMAIN ? 0 : DOMID_SELF;
}

static int16_t swap1(grant_ref_t a, grant_ref_t b, long *rc)
{
    struct gnttab_swap_grant_ref s = { .ref_a = a, .ref_b = b, .status = 99 };

    *rc = hc_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1);
    return s.status;
}

static void swap_v1(void)
{
    struct gnttab_swap_grant_ref s[3];
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)va4, .flags = GNTMAP_host_map,
                                      .ref = 12, .dom = self_id() };
    struct gnttab_unmap_grant_ref u = { .host_addr = (unsigned long)va4 };
    long rc;

    gt.v1[10] = (grant_entry_v1_t){ .flags = 0, .domid = 7, .frame = 0x1111 };
    gt.v1[11] = (grant_entry_v1_t){ .flags = 0, .domid = 9, .frame = 0x2222 };
    CHECK_RC("swap 10, 11: status", swap1(10, 11, &rc), GNTST_okay);
    CHECK_RC("swap 10, 11: rc", rc, 0);
    if (gt.v1[10].frame != 0x2222 || gt.v1[10].domid != 9 || gt.v1[11].frame != 0x1111 ||
        gt.v1[11].domid != 7)
        test_fail("swap 10, 11: entries %#x/%u and %#x/%u", gt.v1[10].frame, gt.v1[10].domid,
                  gt.v1[11].frame, gt.v1[11].domid);
    CHECK_RC("swap 10 with itself", swap1(10, 10, &rc), GNTST_okay);
    CHECK_RC("swap 10 with itself: entry kept", gt.v1[10].frame, 0x2222);
    CHECK_RC("swap ref_a 100000", swap1(100000, 11, &rc), GNTST_bad_gntref);
    CHECK_RC("swap ref_a 100000: rc", rc, 0);
    CHECK_RC("swap ref_b 512 (one frame)", swap1(10, 512, &rc), GNTST_bad_gntref);
    CHECK_RC("the entries stay", gt.v1[10].frame, 0x2222);

    /* A mapped (pinned) entry is busy, either side. */
    gt.v1[12].domid = 0;
    gt.v1[12].frame = (uint32_t)virt_to_mfn(frame1);
    __atomic_store_n(&gt.v1[12].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
    CHECK_RC("map 12", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("map 12: status", m.status, GNTST_okay);
    CHECK_RC("swap a mapped ref_a", swap1(12, 13, &rc), GNTST_eagain);
    CHECK_RC("swap a mapped ref_b", swap1(13, 12, &rc), GNTST_eagain);
    CHECK_RC("entry 12 kept", gt.v1[12].frame, (uint32_t)virt_to_mfn(frame1));
    u.handle = m.handle;
    CHECK_RC("unmap 12", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK_RC("unmap 12: status", u.status, GNTST_okay);
    CHECK_RC("swap 12, 13 once unmapped", swap1(12, 13, &rc), GNTST_okay);
    CHECK_RC("entry 13 now", gt.v1[13].frame, (uint32_t)virt_to_mfn(frame1));
    __atomic_store_n(&gt.v1[13].flags, 0, __ATOMIC_SEQ_CST);
    CHECK_RC("va4 back", remap(va4, 0x67), 0);

    /* A batch: each entry its own status. */
    s[0] = (struct gnttab_swap_grant_ref){ .ref_a = 10, .ref_b = 11, .status = 99 };
    s[1] = (struct gnttab_swap_grant_ref){ .ref_a = 10, .ref_b = 70000, .status = 99 };
    s[2] = (struct gnttab_swap_grant_ref){ .ref_a = 20, .ref_b = 21, .status = 99 };
    CHECK_RC("batch of 3", hc_grant_table_op(GNTTABOP_swap_grant_ref, s, 3), 0);
    CHECK_RC("batch entry 0", s[0].status, GNTST_okay);
    CHECK_RC("batch entry 1", s[1].status, GNTST_bad_gntref);
    CHECK_RC("batch entry 2", s[2].status, GNTST_okay);
    CHECK_RC("batch: 10 swapped back", gt.v1[10].frame, 0x1111);
    CHECK_RC("batch of 0", hc_grant_table_op(GNTTABOP_swap_grant_ref, s, 0), 0);
    CHECK_RC("unmapped array", hc_grant_table_op(GNTTABOP_swap_grant_ref, (void *)0x7ff00000UL, 1),
             -XEN_EFAULT);
    CHECK_RC("hypervisor array",
             hc_grant_table_op(GNTTABOP_swap_grant_ref, (void *)0xffff830000000000UL, 1),
             -XEN_EFAULT);
    gt.v1[10] = (grant_entry_v1_t){ 0 };
    gt.v1[11] = (grant_entry_v1_t){ 0 };
    printk("swap_grant_ref v1: done\n");
}

static void swap_v2(void)
{
    struct gnttab_set_version sv = { .version = 2 };
    long rc;

    CHECK_RC("set_version 2", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    gt.v2[30].hdr.domid = 5;
    gt.v2[30].full_page.frame = 0x3333;
    gt.v2[31].hdr.domid = 6;
    gt.v2[31].full_page.frame = 0x4444;
    CHECK_RC("v2 swap 30, 31", swap1(30, 31, &rc), GNTST_okay);
    if (gt.v2[30].full_page.frame != 0x4444 || gt.v2[30].hdr.domid != 6 ||
        gt.v2[31].full_page.frame != 0x3333 || gt.v2[31].hdr.domid != 5)
        test_fail("v2 swap 30, 31: entries %#lx/%u and %#lx/%u",
                  (unsigned long)gt.v2[30].full_page.frame, gt.v2[30].hdr.domid,
                  (unsigned long)gt.v2[31].full_page.frame, gt.v2[31].hdr.domid);
    CHECK_RC("v2 swap ref 256 (one frame of v2)", swap1(30, 256, &rc), GNTST_bad_gntref);
    memset(&gt.v2[30], 0, 2 * sizeof(gt.v2[0]));
    sv.version = 1;
    CHECK_RC("set_version 1", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    printk("swap_grant_ref v2: done\n");
}

/* The checks GNTTABOP_transfer makes before a page changes hands: a frame
 * that does not exist, one of the I/O range, and one still mapped (it
 * cannot be stolen) are each GNTST_bad_page, and nothing moves. */
static void transfer_checks(void)
{
    struct gnttab_transfer t[3];

    memset(t, 0, sizeof(t));
    t[0] = (struct gnttab_transfer){ .mfn = 0xfffffffUL, .domid = self_id(), .ref = 5 };
    t[1] = (struct gnttab_transfer){ .mfn = 1, .domid = self_id(), .ref = 5 };
    t[2] = (struct gnttab_transfer){ .mfn = virt_to_mfn(frame1), .domid = self_id(), .ref = 5 };
    frame1[0] = 0x42;
    CHECK_RC("transfer batch", hc_grant_table_op(GNTTABOP_transfer, t, 3), 0);
    printk("transfer statuses %d %d %d\n", t[0].status, t[1].status, t[2].status);
    CHECK_RC("transfer of frame 0xfffffff", t[0].status, GNTST_bad_page);
    CHECK_RC("transfer of MFN 1", t[1].status, GNTST_bad_page);
    CHECK_RC("transfer of a mapped frame", t[2].status, GNTST_bad_page);
    CHECK_RC("the mapped frame stays ours", frame1[0], 0x42);
    CHECK_RC("transfer with an unmapped array",
             hc_grant_table_op(GNTTABOP_transfer, (void *)0x7ff00000UL, 1), -XEN_EFAULT);
    printk("transfer checks: done\n");
}

static void physmap_batch(void)
{
    struct xen_add_to_physmap_batch b;
    xen_ulong_t idx = 0;
    xen_pfn_t gpfn = 0x80000;
    int err = 99;

    memset(&b, 0, sizeof(b));
    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn;
    b.size = 1;
    b.idxs.p = &idx;
    b.gpfns.p = &gpfn;
    b.errs.p = &err;
    CHECK_RC("add_to_physmap_batch, PV self", hc_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EACCES);
    CHECK_RC("its errs untouched", err, 99);
    b.space = XENMAPSPACE_gmfn_range;
    CHECK_RC("add_to_physmap_batch, gmfn_range", hc_memory_op(XENMEM_add_to_physmap_batch, &b),
             -XEN_EOPNOTSUPP);
    b.space = XENMAPSPACE_grant_table;
    b.domid = 1000;
    CHECK_RC("add_to_physmap_batch, no such domain", hc_memory_op(XENMEM_add_to_physmap_batch, &b),
             -XEN_ESRCH);
    b.domid = self_id();
    b.space = XENMAPSPACE_gmfn_foreign;
    b.u.foreign_domid = 0;
    CHECK_RC("add_to_physmap_batch, foreign", hc_memory_op(XENMEM_add_to_physmap_batch, &b),
             -XEN_EACCES);
    b.space = XENMAPSPACE_gmfn;
    b.errs.p = (void *)0xffff830000000000UL;
    /* The arrays are not looked at before the refusal (Xen 4.17). */
    CHECK_RC("add_to_physmap_batch, errs in the hypervisor",
             hc_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EACCES);
    b.errs.p = &err;
    CHECK_RC("add_to_physmap_batch, unmapped argument",
             hc_memory_op(XENMEM_add_to_physmap_batch, (void *)0x7ff00000UL), -XEN_EFAULT);
    printk("add_to_physmap_batch: done\n");
}

/* One read-only grant of our own mapped for a device again and again: Xen
 * keeps 8-bit pin counters and refuses the 129th pin of a kind; all maps
 * undone, the entry is idle again. */
static void pin_limit(void)
{
    static grant_handle_t h[128];
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    uint64_t maddr = (uint64_t)virt_to_mfn(frame2) << 12;
    unsigned int n = 0;

    gt.v1[40] = (grant_entry_v1_t){ .domid = self_id(),
                                    .frame = virt_to_mfn(frame2) };
    __atomic_store_n(&gt.v1[40].flags, GTF_permit_access | GTF_readonly, __ATOMIC_RELEASE);
    for (unsigned int i = 0; i < 128; i++) {
        m = (struct gnttab_map_grant_ref){ .flags = GNTMAP_device_map | GNTMAP_readonly,
                                           .ref = 40, .dom = self_id() };
        CHECK_RC("map_grant_ref rc", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
        if (m.status != GNTST_okay) {
            printk("pin %u: status %d\n", i + 1, m.status);
            break;
        }
        h[n++] = m.handle;
    }
    CHECK_RC("device maps of one entry granted", n, 128);
    m = (struct gnttab_map_grant_ref){ .flags = GNTMAP_device_map | GNTMAP_readonly, .ref = 40,
                                       .dom = self_id() };
    CHECK_RC("map 129 rc", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("map 129 refused", m.status, GNTST_general_error);
    for (unsigned int i = 0; i < n; i++) {
        u = (struct gnttab_unmap_grant_ref){ .dev_bus_addr = maddr, .handle = h[i] };
        CHECK_RC("unmap rc", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
        if (u.status != GNTST_okay) {
            test_fail("unmap %u: status %d", i, u.status);
            break;
        }
    }
    CHECK_RC("entry idle after the unmaps", gt.v1[40].flags, GTF_permit_access | GTF_readonly);
    gt.v1[40].flags = 0;
    printk("pin limit: done\n");
}

void test_main(void)
{

    gnttab_map_own(&gt);
    swap_v1();
    swap_v2();
    transfer_checks();
    physmap_batch();
    pin_limit();
}
