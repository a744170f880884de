/*
 * test_gnttab.c — host tests of grant tables v1 (common/grant_table.c) with
 * the PV MMU's grant PTE hooks: setup and sizing, map/unmap with the shared
 * entry's flag transitions and the frame's reference counts, grant copy,
 * the attacks a hostile grantee or granter would try, and cleanup when
 * either side dies, and GNTTABOP_copy batches (what one op holds serving the
 * next, bad ops in the middle, everything released when the batch ends),
 * and version 2: the switch's rules, status frames, entry formats.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include "harness.h"

#define D0 hdom[0]
#define D1 hdom[1]
#define D2 hdom[2]
/* Xen's limit of pins of one kind on one grant entry. */
#define PIN_LIMIT_TESTED 128
#define RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

TestSuite(gnttab, .init = h_setup, .fini = h_teardown);

/* Give d a one-frame grant table; return its hypervisor mapping. */
static grant_entry_v1_t *table_of(struct domain *d)
{
    gnttab_setup_table_t op = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame;

    cr_assert_eq(gnttab_setup_table(d, &op, &frame), 0);
    cr_assert_eq(op.status, GNTST_okay);
    return (grant_entry_v1_t *)h_map(frame);
}

static void grant(grant_entry_v1_t *gt, grant_ref_t ref, domid_t to, mfn_t mfn, bool ro)
{
    gt[ref].domid = to;
    gt[ref].frame = mfn;
    gt[ref].flags = GTF_permit_access | (ro ? GTF_readonly : 0);
}

/* The mapper's tables: an L4 pinned and in CR3 with one free L1 slot range. */
struct mapper { mfn_t l4, l1; };
static struct mapper mapper_for(struct domain *d)
{
    struct mapper m;
    struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR };

    m.l4 = h_build_tables(d, 1, NULL, NULL, &m.l1, NULL);
    op.arg1.mfn = m.l4;
    cr_assert_eq(pv_mmuext_op_one(d->vcpu[0], &op, d), 0);
    return m;
}

#define MAP_VA  0x100000UL      /* L1 slot 256 */

static int mmu(struct domain *d, struct domain *pg_owner, mfn_t table, unsigned int idx,
               pte_t val, unsigned int cmd)
{
    mmu_update_t req = { .ptr = ((uint64_t)table << 12) + idx * 8 + cmd, .val = val };

    return pv_mmu_update_one(d->vcpu[0], pg_owner, &req);
}

static gnttab_map_grant_ref_t map(struct domain *ld, domid_t rd, grant_ref_t ref, uint32_t flags)
{
    gnttab_map_grant_ref_t op = { .host_addr = MAP_VA, .flags = GNTMAP_host_map | flags,
                                  .ref = ref, .dom = rd };

    gnttab_map_one(ld->vcpu[0], &op);
    return op;
}

static int16_t unmap(struct domain *ld, grant_handle_t h)
{
    gnttab_unmap_grant_ref_t op = { .host_addr = MAP_VA, .handle = h };

    gnttab_unmap_one(ld->vcpu[0], &op);
    return op.status;
}

Test(gnttab, setup_and_query)
{
    gnttab_setup_table_t op = { .dom = DOMID_SELF, .nr_frames = 4 };
    gnttab_query_size_t q = { .dom = DOMID_SELF };
    xen_pfn_t frames[4];

    gnttab_setup_table(D1, &op, frames);
    cr_assert_eq(op.status, GNTST_okay);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(page_get_owner(&frame_table[frames[i]]), D1, "frame %d shared with the guest", i);
        cr_expect_eq(h_type(frames[i]), PGT_writable_page, "the guest maps it writable");
    }
    gnttab_query_size(D1, &q);
    cr_expect_eq(q.status, GNTST_okay);
    cr_expect_eq(q.nr_frames, 4);
    cr_expect_eq(q.max_nr_frames, MAX_GRANT_FRAMES);

    op = (gnttab_setup_table_t){ .dom = DOMID_SELF, .nr_frames = MAX_GRANT_FRAMES + 1 };
    gnttab_setup_table(D1, &op, frames);
    cr_expect_eq(op.status, GNTST_general_error);
    op = (gnttab_setup_table_t){ .dom = 2, .nr_frames = 1 };
    gnttab_setup_table(D1, &op, frames);
    cr_expect_eq(op.status, GNTST_permission_denied);
    op = (gnttab_setup_table_t){ .dom = 9, .nr_frames = 1 };
    gnttab_setup_table(D0, &op, frames);
    cr_expect_eq(op.status, GNTST_bad_domain);
    op = (gnttab_setup_table_t){ .dom = 2, .nr_frames = 1 };
    gnttab_setup_table(D0, &op, frames);
    cr_expect_eq(op.status, GNTST_okay, "dom0 sets up a domU's table (toolstack)");
}

Test(gnttab, map_write_unmap)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    uint64_t c0 = h_count(page);
    gnttab_map_grant_ref_t op;
    pte_t pte;

    grant(gt, 10, 2, page, false);
    op = map(D2, 1, 10, 0);
    cr_assert_eq(op.status, GNTST_okay);
    pte = h_map(m.l1)[256];
    cr_expect_eq(pte_mfn(pte), page);
    cr_expect(pte & _PAGE_RW);
    cr_expect(pte & _PAGE_GNTTAB);
    /* Regression: host maps lacked _PAGE_USER, so the ring-3 guest kernel
     * faulted on its first access (guest test grant_xdom). */
    cr_expect(pte & _PAGE_USER, "every 64-bit PV mapping is user-accessible");
    cr_expect_eq(gt[10].flags, GTF_permit_access | GTF_reading | GTF_writing);
    cr_expect_eq(h_count(page), c0 + 1);
    cr_expect_eq(h_tcount(page), 1, "writable type held by the grant");

    /* "Write" through the mapping: the granter sees it. */
    memcpy(h_map(pte_mfn(pte)), "hello", 6);
    cr_expect_str_eq((char *)h_map(page), "hello");

    cr_assert_eq(unmap(D2, op.handle), GNTST_okay);
    cr_expect_eq(h_map(m.l1)[256], 0);
    cr_expect_eq(gt[10].flags, GTF_permit_access);
    cr_expect_eq(h_count(page), c0);
    cr_expect_eq(h_tcount(page), 0);
    cr_expect_eq(unmap(D2, op.handle), GNTST_bad_handle, "double unmap");
    cr_expect_eq(unmap(D2, 12345), GNTST_bad_handle);
}

Test(gnttab, readonly_grant_gives_readonly_pte)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    gnttab_map_grant_ref_t op;

    grant(gt, 3, 2, page, true);
    op = map(D2, 1, 3, 0);
    cr_expect_eq(op.status, GNTST_general_error, "writable map of a read-only grant");
    cr_expect_eq(gt[3].flags, GTF_permit_access | GTF_readonly, "flags untouched");
    op = map(D2, 1, 3, GNTMAP_readonly | GNTMAP_application_map);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_not(h_map(m.l1)[256] & _PAGE_RW);
    cr_expect(h_map(m.l1)[256] & _PAGE_USER);
    cr_expect_eq(gt[3].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    cr_expect_eq(h_tcount(page), 0, "no writable type for a read-only map");
    cr_assert_eq(unmap(D2, op.handle), GNTST_okay);
}

Test(gnttab, attack_maps_not_granted)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    gnttab_map_grant_ref_t op;

    mapper_for(D2);
    mapper_for(D0);
    op = map(D2, 1, 5, 0);
    cr_expect_eq(op.status, GNTST_general_error, "empty entry");
    grant(gt, 5, 0, page, false);
    op = map(D2, 1, 5, 0);
    cr_expect_eq(op.status, GNTST_general_error, "granted to dom0, not us");
    op = map(D2, 1, 5000, 0);
    cr_expect_eq(op.status, GNTST_bad_gntref, "beyond the table");
    op = map(D2, 1, 0xffffffff, 0);
    cr_expect_eq(op.status, GNTST_bad_gntref);
    op = map(D2, 7, 5, 0);
    cr_expect_eq(op.status, GNTST_bad_domain);
    /* A grant of a frame the granter does not own (dom0's). */
    grant(gt, 6, 2, h_alloc(D0), false);
    op = map(D2, 1, 6, 0);
    cr_expect_eq(op.status, GNTST_general_error, "frame not owned by the granter");
    cr_expect_eq(gt[6].flags, GTF_permit_access, "no reading/writing left behind");
    /* A grant of the granter's own page table frame, writable. */
    mfn_t l1;
    mfn_t l4 = h_build_tables(D1, 1, NULL, NULL, &l1, NULL);
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = l4 };
    cr_assert_eq(pv_mmuext_op_one(D1->vcpu[0], &pin, D1), 0);
    grant(gt, 7, 2, l1, false);
    op = map(D2, 1, 7, 0);
    cr_expect_eq(op.status, GNTST_general_error, "page table granted writable");
    grant(gt, 7, 2, l1, true);
    op = map(D2, 1, 7, GNTMAP_readonly);
    cr_expect_eq(op.status, GNTST_okay, "read-only is fine");
}

Test(gnttab, revocation_stops_new_maps_but_keeps_existing)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    gnttab_map_grant_ref_t op;

    grant(gt, 9, 2, page, false);
    op = map(D2, 1, 9, 0);
    cr_assert_eq(op.status, GNTST_okay);
    /* The granter revokes (a hostile one even while mapped). */
    gt[9].flags = 0;
    gt[9].frame = 0;           /* and points it elsewhere: ignored while pinned */
    cr_expect_eq(pte_mfn(h_map(m.l1)[256]), page);
    cr_assert_eq(unmap(D2, op.handle), GNTST_okay);
    cr_expect_eq(h_tcount(page), 0);
    op = map(D2, 1, 9, 0);
    cr_expect_eq(op.status, GNTST_general_error, "revoked");
}

Test(gnttab, granter_death_keeps_mapped_frame_until_unmap)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    gnttab_map_grant_ref_t op;
    unsigned long free_before;

    mapper_for(D2);
    grant(gt, 2, 2, page, false);
    op = map(D2, 1, 2, 0);
    cr_assert_eq(op.status, GNTST_okay);

    D1->is_dying = DOMDYING_dying;
    gnttab_release_mappings(D1);
    pv_relinquish_pagetables(D1);
    domain_relinquish_memory(D1);
    cr_expect_eq(page_get_owner(&frame_table[page]), D1, "still allocated: it is mapped");
    cr_expect_eq(h_count(page), 1);
    free_before = heap_free_pages();
    cr_assert_eq(unmap(D2, op.handle), GNTST_okay);
    cr_expect_eq(heap_free_pages(), free_before + 1, "freed by the unmap");
    cr_expect_eq(D1->tot_pages, 0);
}

Test(gnttab, mapper_death_releases_its_mappings)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    uint64_t c0 = h_count(page);
    gnttab_map_grant_ref_t op;

    mapper_for(D2);
    grant(gt, 4, 2, page, false);
    op = map(D2, 1, 4, 0);
    cr_assert_eq(op.status, GNTST_okay);
    D2->is_dying = DOMDYING_dying;
    gnttab_release_mappings(D2);
    pv_relinquish_pagetables(D2);      /* meets the grant PTE: no double put */
    domain_relinquish_memory(D2);
    cr_expect_eq(crashes[2], 0);
    cr_expect_eq(h_count(page), c0);
    cr_expect_eq(h_tcount(page), 0);
    cr_expect_eq(gt[4].flags, GTF_permit_access, "reading/writing cleared");
    cr_expect_eq(D2->tot_pages, 0);
}

Test(gnttab, attack_implicit_unmap_crashes_the_guest_only)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    uint64_t c0;
    mmu_update_t req = { .ptr = ((uint64_t)m.l1 << 12) + 256 * 8, .val = 0 };

    grant(gt, 1, 2, page, false);
    cr_assert_eq(map(D2, 1, 1, 0).status, GNTST_okay);
    c0 = h_count(page);
    pv_mmu_update_one(D2->vcpu[0], D2, &req);
    cr_expect_eq(crashes[2], 1, "the guest that did it is crashed");
    cr_expect_eq(h_count(page), c0, "the grant's references are untouched");
}

Test(gnttab, attack_forged_grant_pte)
{
    struct mapper m = mapper_for(D2);
    mfn_t own = h_alloc(D2);
    mmu_update_t req = { .ptr = ((uint64_t)m.l1 << 12) + 300 * 8,
                         .val = h_pte(own, RW) | _PAGE_GNTTAB };

    cr_expect_eq(pv_mmu_update_one(D2->vcpu[0], D2, &req), -EINVAL);
}

Test(gnttab, copy_between_domains)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t target = h_alloc(D1), mine = h_alloc(D2), ro_page = h_alloc(D1);
    gnttab_copy_t op = {
        .source = { .u.gmfn = mine, .domid = DOMID_SELF, .offset = 100 },
        .dest = { .u.ref = 8, .domid = 1, .offset = 200 },
        .len = 50, .flags = GNTCOPY_dest_gref,
    };

    memset((char *)h_map(mine) + 100, 'x', 50);
    grant(gt, 8, 2, target, false);
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_eq(((char *)h_map(target))[200], 'x');
    cr_expect_eq(((char *)h_map(target))[249], 'x');
    cr_expect_eq(((char *)h_map(target))[250], 0);
    cr_expect_eq(gt[8].flags, GTF_permit_access, "flags released after the copy");
    cr_expect_eq(h_tcount(target), 0);

    /* From a read-only grant: fine as a source, refused as a destination. */
    grant(gt, 11, 2, ro_page, true);
    op = (gnttab_copy_t){ .source = { .u.ref = 11, .domid = 1 },
                          .dest = { .u.gmfn = mine, .domid = DOMID_SELF },
                          .len = 16, .flags = GNTCOPY_source_gref };
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_okay);
    op.flags = GNTCOPY_dest_gref;
    op.dest = (struct gnttab_copy_ptr){ .u.ref = 11, .domid = 1 };
    op.source = (struct gnttab_copy_ptr){ .u.gmfn = mine, .domid = DOMID_SELF };
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_general_error);
}

Test(gnttab, copy_attacks)
{
    mfn_t other = h_alloc(D1), mine = h_alloc(D2);
    mfn_t l1;
    mfn_t l4 = h_build_tables(D2, 1, NULL, NULL, &l1, NULL);
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = l4 };
    gnttab_copy_t op = {
        .source = { .u.gmfn = other, .domid = 1 },
        .dest = { .u.gmfn = mine, .domid = DOMID_SELF },
        .len = 8,
    };

    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_permission_denied, "another domain's frame by number");
    op.source = (struct gnttab_copy_ptr){ .u.gmfn = other, .domid = DOMID_SELF };
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_bad_page, "claiming it as our own");
    op.source = (struct gnttab_copy_ptr){ .u.gmfn = mine, .domid = DOMID_SELF, .offset = 4090 };
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_bad_copy_arg, "runs past the page");
    op.source.offset = 0;
    op.len = 4097;
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_bad_copy_arg);
    /* Into our own pinned page table: refused (it would bypass validation). */
    cr_assert_eq(pv_mmuext_op_one(D2->vcpu[0], &pin, D2), 0);
    op = (gnttab_copy_t){ .source = { .u.gmfn = mine, .domid = DOMID_SELF },
                          .dest = { .u.gmfn = l1, .domid = DOMID_SELF }, .len = 8 };
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_bad_page);
    /* The control domain may copy by frame number from anyone. */
    op = (gnttab_copy_t){ .source = { .u.gmfn = other, .domid = 1 },
                          .dest = { .u.gmfn = h_alloc(D0), .domid = DOMID_SELF }, .len = 8 };
    gnttab_copy_one(D0->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_okay);
}

Test(gnttab, second_writer_and_reader_share_a_grant)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    gnttab_map_grant_ref_t a, b;
    struct mapper m = mapper_for(D2);

    grant(gt, 20, 2, page, false);
    a = map(D2, 1, 20, GNTMAP_readonly);
    cr_assert_eq(a.status, GNTST_okay);
    cr_expect_eq(gt[20].flags, GTF_permit_access | GTF_reading);
    /* A second map at another address, writable. */
    b = (gnttab_map_grant_ref_t){ .host_addr = MAP_VA + 0x1000, .flags = GNTMAP_host_map,
                                  .ref = 20, .dom = 1 };
    gnttab_map_one(D2->vcpu[0], &b);
    cr_assert_eq(b.status, GNTST_okay);
    cr_expect_eq(gt[20].flags, GTF_permit_access | GTF_reading | GTF_writing);
    gnttab_unmap_grant_ref_t u = { .host_addr = MAP_VA + 0x1000, .handle = b.handle };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_assert_eq(u.status, GNTST_okay);
    cr_expect_eq(gt[20].flags, GTF_permit_access | GTF_reading, "writer gone, reader stays");
    cr_expect_eq(unmap(D2, a.handle), GNTST_okay);
    cr_expect_eq(gt[20].flags, GTF_permit_access);
    (void)m;
}

Test(gnttab, unmap_checks_the_pte)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    gnttab_map_grant_ref_t op;
    gnttab_unmap_grant_ref_t u;

    mapper_for(D2);
    grant(gt, 30, 2, page, false);
    op = map(D2, 1, 30, 0);
    cr_assert_eq(op.status, GNTST_okay);
    u = (gnttab_unmap_grant_ref_t){ .host_addr = MAP_VA + 0x2000, .handle = op.handle };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_expect_eq(u.status, GNTST_general_error, "wrong address: not this grant's PTE");
    cr_expect_eq(gt[30].flags & GTF_writing, GTF_writing, "still mapped");
    cr_expect_eq(unmap(D2, op.handle), GNTST_okay);
}

/* Regression (XSA-234 pattern, guest test xsa_pv): a read-only handle
 * named with the address of a writable grant PTE of the same frame took
 * that PTE down and dropped a writable reference it still used. */
Test(gnttab, unmap_checks_the_pte_kind)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    gnttab_map_grant_ref_t rw, ro;
    gnttab_unmap_grant_ref_t u;

    grant(gt, 31, 2, page, false);
    rw = map(D2, 1, 31, 0);                          /* writable at MAP_VA */
    cr_assert_eq(rw.status, GNTST_okay);
    ro = (gnttab_map_grant_ref_t){ .host_addr = MAP_VA + 0x1000,
                                   .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = 31, .dom = 1 };
    gnttab_map_one(D2->vcpu[0], &ro);
    cr_assert_eq(ro.status, GNTST_okay);
    u = (gnttab_unmap_grant_ref_t){ .host_addr = MAP_VA, .handle = ro.handle };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_expect_eq(u.status, GNTST_general_error, "the read-only handle, the writable PTE");
    cr_expect(h_map(m.l1)[256] & _PAGE_RW, "the writable PTE stays");
    cr_expect_eq(h_tcount(page), 1, "its writable reference stays");
    cr_expect_eq(unmap(D2, rw.handle), GNTST_okay);
    u = (gnttab_unmap_grant_ref_t){ .host_addr = MAP_VA + 0x1000, .handle = ro.handle };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_expect_eq(u.status, GNTST_okay);
    cr_expect_eq(h_tcount(page), 0);
}

Test(gnttab, hypercall_errors)
{
    gnttab_setup_table_t st = { .dom = DOMID_SELF, .nr_frames = 1 };
    gnttab_set_version_t sv = { .version = 1 };
    gnttab_get_version_t gv = { .dom = DOMID_SELF };
    XEN_GUEST_HANDLE_PARAM(void) h = { &st };
    XEN_GUEST_HANDLE_PARAM(void) bad = { (void *)(H_BAD_GUEST_ADDR + 8) };

    h_set_current(D1);
    cr_expect_eq(do_grant_table_op(GNTTABOP_setup_table, h, 2), -EINVAL);
    st.frame_list.p = (void *)(H_BAD_GUEST_ADDR);
    cr_expect_eq(do_grant_table_op(GNTTABOP_setup_table, h, 1), 0);
    cr_expect_eq(st.status, GNTST_bad_virt_addr);
    cr_expect_eq(do_grant_table_op(GNTTABOP_map_grant_ref, bad, 1), -EFAULT);
    cr_expect_eq(do_grant_table_op(GNTTABOP_copy, bad, 3), -EFAULT);
    cr_expect_eq(do_grant_table_op(GNTTABOP_query_size, bad, 1), -EFAULT);
    h.p = &sv;
    cr_expect_eq(do_grant_table_op(GNTTABOP_set_version, h, 1), 0);
    sv.version = 3;
    cr_expect_eq(do_grant_table_op(GNTTABOP_set_version, h, 1), -EINVAL);
    cr_expect_eq(sv.version, 1, "reports the version in force");
    sv.version = 2;
    cr_expect_eq(do_grant_table_op(GNTTABOP_set_version, h, 1), 0);
    cr_expect_eq(sv.version, 2);
    h.p = &gv;
    cr_expect_eq(do_grant_table_op(GNTTABOP_get_version, h, 1), 0);
    cr_expect_eq(gv.version, 2);
    h.p = &sv;
    sv.version = 1;
    cr_expect_eq(do_grant_table_op(GNTTABOP_set_version, h, 1), 0);
    D1->grant_table->max_version = 1;       /* createdomain with grant version 1 */
    sv.version = 2;
    cr_expect_eq(do_grant_table_op(GNTTABOP_set_version, h, 1), -ENOSYS);
    cr_expect_eq(sv.version, 1);
    cr_expect_eq(do_grant_table_op(GNTTABOP_dump_table, h, 1), -ENOSYS);
    cr_expect_eq(do_grant_table_op(99, h, 1), -ENOSYS);
}

/* ---- GNTTABOP_copy batches: what one op holds may serve the next one ---- */

/* Issue ops as one GNTTABOP_copy hypercall of d. */
static long copy_batch(struct domain *d, gnttab_copy_t *ops, unsigned int n)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { ops };

    h_set_current(d);
    return do_grant_table_op(GNTTABOP_copy, h, n);
}

Test(gnttab, copy_batch_same_gref_many_times_released_at_the_end)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1), a = h_alloc(D2), b = h_alloc(D2);
    uint64_t pc = h_count(page), ac = h_count(a), bc = h_count(b);
    gnttab_copy_t ops[20];

    memset(h_map(page), 'g', 4096);
    grant(gt, 8, 2, page, false);
    for (int i = 0; i < 20; i++)        /* more than one chunk of 16 */
        ops[i] = (gnttab_copy_t){ .source = { .u.ref = 8, .domid = 1, .offset = i * 8 },
                                  .dest = { .u.gmfn = i < 10 ? a : b, .domid = DOMID_SELF,
                                            .offset = i * 8 },
                                  .len = 8, .flags = GNTCOPY_source_gref, .status = 99 };
    cr_assert_eq(copy_batch(D2, ops, 20), 0);
    for (int i = 0; i < 20; i++)
        cr_expect_eq(ops[i].status, GNTST_okay, "op %d", i);
    cr_expect_eq(((char *)h_map(a))[79], 'g');
    cr_expect_eq(((char *)h_map(a))[80], 0);
    cr_expect_eq(((char *)h_map(b))[80], 'g');
    cr_expect_eq(((char *)h_map(b))[159], 'g');
    /* Everything the batch held is given back once it ends. */
    cr_expect_eq(gt[8].flags, GTF_permit_access);
    cr_expect_eq(h_count(page), pc);
    cr_expect_eq(h_count(a), ac);
    cr_expect_eq(h_count(b), bc);
    cr_expect_eq(h_tcount(a), 0);
    cr_expect_eq(h_tcount(b), 0);
}

Test(gnttab, copy_batch_gref_as_source_and_destination)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    gnttab_copy_t ops[2] = {
        { .source = { .u.ref = 8, .domid = 1 }, .dest = { .u.ref = 8, .domid = 1, .offset = 100 },
          .len = 50, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref },
        { .source = { .u.ref = 8, .domid = 1, .offset = 100 },
          .dest = { .u.ref = 8, .domid = 1, .offset = 120 },      /* overlapping, one frame */
          .len = 50, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref },
    };

    for (int i = 0; i < 50; i++)
        ((char *)h_map(page))[i] = (char)('A' + i % 26);
    grant(gt, 8, 2, page, false);
    cr_assert_eq(copy_batch(D2, ops, 2), 0);
    cr_expect_eq(ops[0].status, GNTST_okay);
    cr_expect_eq(ops[1].status, GNTST_okay);
    cr_expect_eq(((char *)h_map(page))[120], 'A', "memmove semantics within one frame");
    cr_expect_eq(((char *)h_map(page))[169], (char)('A' + 49 % 26));
    cr_expect_eq(gt[8].flags, GTF_permit_access);
    cr_expect_eq(h_tcount(page), 0);
}

Test(gnttab, copy_batch_bad_ops_in_the_middle)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1), ro = h_alloc(D1), mine = h_alloc(D2), other = h_alloc(D1);
    uint64_t pc = h_count(page), rc = h_count(ro), mc = h_count(mine);
    const gnttab_copy_t good = { .source = { .u.ref = 8, .domid = 1 },
                                 .dest = { .u.gmfn = mine, .domid = DOMID_SELF },
                                 .len = 16, .flags = GNTCOPY_source_gref };
    gnttab_copy_t ops[8];

    grant(gt, 8, 2, page, false);
    grant(gt, 9, 2, ro, true);
    ops[0] = good;
    ops[1] = good;
    ops[1].source.u.ref = 10;                               /* never granted */
    ops[2] = good;
    ops[3] = good;
    ops[3].len = 4097;
    ops[4] = good;
    ops[4].dest = (struct gnttab_copy_ptr){ .u.gmfn = other, .domid = 1 };  /* not ours */
    ops[5] = good;
    ops[5].source = (struct gnttab_copy_ptr){ .u.ref = 9, .domid = 1 };
    ops[5].dest = ops[5].source;                            /* read-only grant as destination */
    ops[5].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    ops[6] = good;
    ops[6].source.domid = 7;                                /* no such domain */
    ops[7] = good;
    cr_assert_eq(copy_batch(D2, ops, 8), 0);
    cr_expect_eq(ops[0].status, GNTST_okay);
    cr_expect_eq(ops[1].status, GNTST_general_error);
    cr_expect_eq(ops[2].status, GNTST_okay, "a failed op does not spoil the next");
    cr_expect_eq(ops[3].status, GNTST_bad_copy_arg);
    cr_expect_eq(ops[4].status, GNTST_permission_denied);
    cr_expect_eq(ops[5].status, GNTST_general_error);
    cr_expect_eq(ops[6].status, GNTST_bad_domain);
    cr_expect_eq(ops[7].status, GNTST_okay);
    cr_expect_eq(gt[8].flags, GTF_permit_access);
    cr_expect_eq(gt[9].flags, GTF_permit_access | GTF_readonly, "the refused writer left no flag");
    cr_expect_eq(h_count(page), pc);
    cr_expect_eq(h_count(ro), rc);
    cr_expect_eq(h_count(mine), mc);
    cr_expect_eq(h_tcount(mine), 0);
}

Test(gnttab, copy_batch_revocation_between_batches)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1), mine = h_alloc(D2);
    uint64_t pc = h_count(page);
    gnttab_copy_t op = { .source = { .u.ref = 8, .domid = 1 },
                         .dest = { .u.gmfn = mine, .domid = DOMID_SELF },
                         .len = 16, .flags = GNTCOPY_source_gref };

    grant(gt, 8, 2, page, false);
    cr_assert_eq(copy_batch(D2, &op, 1), 0);
    cr_expect_eq(op.status, GNTST_okay);
    gt[8].flags = 0;                    /* the granter ends access: nothing pins it now */
    cr_assert_eq(copy_batch(D2, &op, 1), 0);
    cr_expect_eq(op.status, GNTST_general_error, "revoked: the next batch is refused");
    grant(gt, 8, 0, page, false);       /* re-granted to someone else */
    cr_assert_eq(copy_batch(D2, &op, 1), 0);
    cr_expect_eq(op.status, GNTST_general_error);
    cr_expect_eq(h_count(page), pc);
}

Test(gnttab, copy_batch_writes_back_only_the_status)
{
    mfn_t a = h_alloc(D2), b = h_alloc(D2);
    gnttab_copy_t ops[3], before[3];

    for (int i = 0; i < 3; i++)
        ops[i] = (gnttab_copy_t){ .source = { .u.gmfn = a, .domid = DOMID_SELF, .offset = 8 },
                                  .dest = { .u.gmfn = b, .domid = 2 },
                                  .len = (uint16_t)(i == 1 ? 5000 : 8), .flags = 0x80,
                                  .status = 77 };
    memcpy(before, ops, sizeof(ops));
    cr_assert_eq(copy_batch(D2, ops, 3), 0);
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(ops[i].status, i == 1 ? GNTST_bad_copy_arg : GNTST_okay);
        before[i].status = ops[i].status;
    }
    cr_expect_eq(memcmp(ops, before, sizeof(ops)), 0, "nothing but the status changed");
    cr_expect_eq(h_tcount(b), 0);
}

Test(gnttab, copy_batch_bad_array_is_efault_after_the_good_ops)
{
    mfn_t a = h_alloc(D2), b = h_alloc(D2);
    gnttab_copy_t op = { .source = { .u.gmfn = a, .domid = DOMID_SELF },
                         .dest = { .u.gmfn = b, .domid = DOMID_SELF }, .len = 8 };
    XEN_GUEST_HANDLE_PARAM(void) bad = { (void *)(H_BAD_GUEST_ADDR + 40) };

    cr_expect_eq(copy_batch(D2, &op, 0), 0);
    h_set_current(D2);
    cr_expect_eq(do_grant_table_op(GNTTABOP_copy, bad, 20), -EFAULT);
    cr_expect_eq(h_tcount(b), 0);
    cr_expect_eq(copy_batch(D2, &op, 1), 0);
    cr_expect_eq(op.status, GNTST_okay);
}

Test(gnttab, device_map_partial_unmap_and_unmap_and_replace)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1), other = h_alloc(D2);
    struct mapper m = mapper_for(D2);
    uint64_t c0 = h_count(page), co = h_count(other);
    gnttab_map_grant_ref_t op;
    gnttab_unmap_grant_ref_t u;
    gnttab_unmap_and_replace_t r;
    uint64_t maddr = (uint64_t)page << PAGE_SHIFT;

    grant(gt, 11, 2, page, false);
    op = map(D2, 1, 11, GNTMAP_device_map);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_eq(op.dev_bus_addr, maddr);
    /* Naming neither part does nothing; a wrong bus address is refused. */
    u = (gnttab_unmap_grant_ref_t){ .handle = op.handle };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_expect_eq(u.status, GNTST_okay);
    cr_expect_eq(gt[11].flags, GTF_permit_access | GTF_reading | GTF_writing);
    u = (gnttab_unmap_grant_ref_t){ .handle = op.handle, .dev_bus_addr = maddr + 4096 };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_expect_eq(u.status, GNTST_bad_dev_addr);
    /* Device part first: the host mapping and the pin stay. */
    u = (gnttab_unmap_grant_ref_t){ .handle = op.handle, .dev_bus_addr = maddr };
    gnttab_unmap_one(D2->vcpu[0], &u);
    cr_expect_eq(u.status, GNTST_okay);
    cr_expect_eq(pte_mfn(h_map(m.l1)[256]), page);
    cr_expect_eq(gt[11].flags, GTF_permit_access | GTF_reading | GTF_writing);

    /* unmap_and_replace: the PTE at slot 257 (other, RW) moves to slot 256. */
    h_map(m.l1)[257] = 0;
    cr_assert_eq(mmu(D2, D2, m.l1, 257, h_pte(other, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER),
                     MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(h_count(other), co + 1);
    r = (gnttab_unmap_and_replace_t){ .host_addr = MAP_VA, .new_addr = MAP_VA + 4096,
                                      .handle = op.handle };
    gnttab_unmap_and_replace_one(D2->vcpu[0], &r);
    cr_expect_eq(r.status, GNTST_okay);
    cr_expect_eq(pte_mfn(h_map(m.l1)[256]), other, "new_addr's PTE moved to host_addr");
    cr_expect_eq(h_map(m.l1)[257], 0, "new_addr unmapped");
    cr_expect_eq(h_count(other), co + 1, "its references moved with it");
    cr_expect_eq(h_count(page), c0, "the grant released");
    cr_expect_eq(gt[11].flags, GTF_permit_access);
    gnttab_unmap_and_replace_one(D2->vcpu[0], &r);
    cr_expect_eq(r.status, GNTST_bad_handle);
}

Test(gnttab, unmap_and_replace_refuses_to_move_a_grant_pte)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    gnttab_map_grant_ref_t op;
    gnttab_unmap_and_replace_t r;

    grant(gt, 12, 2, page, false);
    op = map(D2, 1, 12, 0);
    cr_assert_eq(op.status, GNTST_okay);
    r = (gnttab_unmap_and_replace_t){ .host_addr = MAP_VA, .new_addr = MAP_VA,
                                      .handle = op.handle };
    gnttab_unmap_and_replace_one(D2->vcpu[0], &r);
    cr_expect_eq(r.status, GNTST_general_error, "new_addr holds the grant PTE itself");
    cr_expect_eq(pte_mfn(h_map(m.l1)[256]), page, "nothing changed");
    cr_expect_eq(unmap(D2, op.handle), GNTST_okay);
}

/* ---- version 2 ---- */

static int set_version(struct domain *d, uint32_t v)
{
    gnttab_set_version_t sv = { .version = v };
    int rc = gnttab_set_version(d, &sv);

    cr_expect_eq(sv.version, d->grant_table->version, "op reports the version in force");
    return rc;
}

/* d's table as v2 entries (one frame) and its first status frame. */
static grant_entry_v2_t *table_v2(struct domain *d, grant_status_t **status, mfn_t *smfn)
{
    grant_entry_v2_t *gt = (grant_entry_v2_t *)table_of(d);
    gnttab_get_status_frames_t gs = { .nr_frames = 1, .dom = DOMID_SELF };
    uint64_t f;

    cr_assert_eq(set_version(d, 2), 0);
    gnttab_get_status_frames(d, &gs, &f);
    cr_assert_eq(gs.status, GNTST_okay);
    *status = (grant_status_t *)h_map(f);
    if (smfn)
        *smfn = f;
    return gt;
}

static void grant_v2(grant_entry_v2_t *gt, grant_ref_t ref, domid_t to, mfn_t mfn, uint16_t extra)
{
    gt[ref].full_page.frame = mfn;
    gt[ref].hdr.domid = to;
    gt[ref].hdr.flags = GTF_permit_access | extra;
}

Test(gnttab, v2_map_keeps_the_in_use_bits_in_the_status_frame)
{
    grant_status_t *st;
    grant_entry_v2_t *gt = table_v2(D1, &st, NULL);
    mfn_t page = h_alloc(D1);
    struct mapper m = mapper_for(D2);
    gnttab_map_grant_ref_t op;

    cr_expect_eq(D1->grant_table->nr_status_frames, 1);
    grant_v2(gt, 10, 2, page, 0);
    op = map(D2, 1, 10, 0);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_eq(pte_mfn(h_map(m.l1)[256]), page);
    cr_expect_eq(st[10], GTF_reading | GTF_writing);
    cr_expect_eq(gt[10].hdr.flags, GTF_permit_access, "v2 never writes the entry");
    cr_expect_eq(set_version(D1, 1), -EBUSY, "entry 10 in use");
    cr_expect_eq(unmap(D2, op.handle), GNTST_okay);
    cr_expect_eq(st[10], 0);
    op = map(D2, 1, 10, GNTMAP_readonly);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_eq(st[10], GTF_reading);
    cr_expect_eq(unmap(D2, op.handle), GNTST_okay);
    op = map(D2, 1, 256, 0);
    cr_expect_eq(op.status, GNTST_bad_gntref, "one frame holds 256 v2 entries");
}

Test(gnttab, v2_sub_page_and_transitive)
{
    grant_status_t *st;
    grant_entry_v2_t *gt = table_v2(D1, &st, NULL);
    mfn_t page = h_alloc(D1), mine = h_alloc(D2);
    gnttab_copy_t op = {
        .source = { .u.ref = 12, .domid = 1, .offset = 300 },
        .dest = { .u.gmfn = mine, .domid = DOMID_SELF, .offset = 0 },
        .len = 100, .flags = GNTCOPY_source_gref,
    };

    mapper_for(D2);
    gt[12].sub_page.frame = page;
    gt[12].sub_page.page_off = 256;
    gt[12].sub_page.length = 512;
    gt[12].hdr.domid = 2;
    gt[12].hdr.flags = GTF_permit_access | GTF_sub_page;
    cr_expect_eq(map(D2, 1, 12, GNTMAP_readonly).status, GNTST_general_error,
                 "a sub_page grant is never mapped");
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_okay);
    op.source.offset = 255;
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_general_error, "starts before the granted bytes");
    op.source.offset = 700;
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_general_error, "runs past them");
    cr_expect_eq(st[12], 0);

    gt[13].transitive.trans_domid = 1;
    gt[13].transitive.gref = 12;
    gt[13].hdr.domid = 2;
    gt[13].hdr.flags = GTF_transitive;
    op.source = (struct gnttab_copy_ptr){ .u.ref = 13, .domid = 1, .offset = 300 };
    gnttab_copy_one(D2->vcpu[0], &op);
    cr_expect_eq(op.status, GNTST_general_error);
    cr_expect_eq(map(D2, 1, 13, 0).status, GNTST_general_error);
    cr_expect_eq(st[13], 0);
}

/* Regression guard for XSA-255: a status frame still mapped is not freed. */
Test(gnttab, v2_to_v1_waits_for_the_status_frames_to_be_unmapped)
{
    grant_status_t *st;
    mfn_t smfn;
    grant_entry_v2_t *gt = table_v2(D1, &st, &smfn);
    struct mapper m = mapper_for(D1);
    uint64_t free_before;

    cr_assert_eq(mmu(D1, D1, m.l1, 256, h_pte(smfn, RW & ~_PAGE_RW), MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(set_version(D1, 1), -EBUSY);
    cr_expect_eq(D1->grant_table->version, 2);
    cr_assert_eq(mmu(D1, D1, m.l1, 256, 0, MMU_NORMAL_PT_UPDATE), 0);

    /* Reserved entry 5 with a frame v1 cannot hold: -ERANGE; 3 carried over. */
    grant_v2(gt, 5, 2, 1ULL << 32, 0);
    cr_expect_eq(set_version(D1, 1), -ERANGE);
    gt[5].hdr.flags = 0;
    grant_v2(gt, 3, 2, 77, GTF_readonly);
    st[3] = GTF_reading;
    grant_v2(gt, 40, 2, 78, 0);
    free_before = D1->xenheap_pages;
    cr_expect_eq(set_version(D1, 1), 0);
    cr_expect_eq(D1->grant_table->nr_status_frames, 0);
    cr_expect_eq(D1->xenheap_pages, free_before - 1, "the status frame went back to the heap");
    cr_expect_null(page_get_owner(&frame_table[smfn]));
    {
        grant_entry_v1_t *v1 = (grant_entry_v1_t *)gt;

        cr_expect_eq(v1[3].flags, GTF_permit_access | GTF_readonly | GTF_reading);
        cr_expect_eq(v1[3].domid, 2);
        cr_expect_eq(v1[3].frame, 77);
        cr_expect_eq(v1[80].flags | v1[81].flags | v1[80].frame, 0, "entry 40 cleared");
    }
}

/* One GNTTABOP_cache_flush op by d. */
static long cache_flush_one(struct domain *d, gnttab_cache_flush_t *c)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { c };

    h_set_current(d);
    return do_grant_table_op(GNTTABOP_cache_flush, h, 1);
}

/* GNTTABOP_cache_flush (was -ENOSYS; guest test xsa_pv, XSA-232). */
Test(gnttab, cache_flush_checks_the_owner_and_the_grant)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1), mine = h_alloc(D2);
    gnttab_cache_flush_t c = { .length = 64, .op = GNTTAB_CACHE_CLEAN };
    gnttab_map_grant_ref_t op;

    mapper_for(D2);
    table_of(D2);
    c.a.dev_bus_addr = (uint64_t)mine << PAGE_SHIFT;
    cr_expect_eq(cache_flush_one(D2, &c), 0, "its own frame");
    c.a.dev_bus_addr = (uint64_t)H_IO_FIRST << PAGE_SHIFT;
    cr_expect_eq(cache_flush_one(D2, &c), -EPERM, "a frame of no domain with a grant table");
    c.a.dev_bus_addr = (uint64_t)page << PAGE_SHIFT;
    cr_expect_eq(cache_flush_one(D2, &c), -EINVAL, "another domain's frame, not granted");
    grant(gt, 12, 2, page, false);
    op = map(D2, 1, 12, 0);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_eq(cache_flush_one(D2, &c), 0, "granted and mapped");
    c.op = GNTTAB_CACHE_INVAL;
    cr_expect_eq(cache_flush_one(D2, &c), -EOPNOTSUPP, "invalidate alone");
    c.op = GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_SOURCE_GREF;
    cr_expect_eq(cache_flush_one(D2, &c), -EINVAL);
    c.op = GNTTAB_CACHE_CLEAN;
    c.offset = 4090;
    cr_expect_eq(cache_flush_one(D2, &c), -EINVAL, "past the page");
    cr_expect_eq(unmap(D2, op.handle), GNTST_okay);
}

/* One GNTTABOP_swap_grant_ref / GNTTABOP_transfer batch by d. */
static long grant_batch(struct domain *d, unsigned int cmd, void *ops, unsigned int n)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { ops };

    h_set_current(d);
    return do_grant_table_op(cmd, h, n);
}

/* GNTTABOP_swap_grant_ref (was -ENOSYS; guest test grant_ops has Xen's answers). */
Test(gnttab, swap_grant_ref_v1_bounds_and_busy_entries)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    gnttab_swap_grant_ref_t s[3] = {
        { .ref_a = 10, .ref_b = 11, .status = 99 },
        { .ref_a = 10, .ref_b = 512, .status = 99 },    /* one frame: 512 entries */
        { .ref_a = 12, .ref_b = 13, .status = 99 },
    };
    gnttab_map_grant_ref_t op;

    mapper_for(D2);
    grant(gt, 10, 2, 0x1111, false);
    grant(gt, 11, 3, 0x2222, true);
    grant(gt, 12, 2, page, false);
    op = map(D2, 1, 12, 0);
    cr_assert_eq(op.status, GNTST_okay);
    cr_expect_eq(grant_batch(D1, GNTTABOP_swap_grant_ref, s, 3), 0);
    cr_expect_eq(s[0].status, GNTST_okay);
    cr_expect_eq(gt[10].frame, 0x2222);
    cr_expect_eq(gt[10].domid, 3);
    cr_expect_eq(gt[10].flags, GTF_permit_access | GTF_readonly);
    cr_expect_eq(gt[11].frame, 0x1111);
    cr_expect_eq(s[1].status, GNTST_bad_gntref);
    cr_expect_eq(s[2].status, GNTST_eagain, "entry 12 is mapped by D2");
    cr_expect_eq(gt[12].frame, page);
    cr_expect_eq(unmap(D2, op.handle), GNTST_okay);
    s[2].status = 99;
    cr_expect_eq(grant_batch(D1, GNTTABOP_swap_grant_ref, &s[2], 1), 0);
    cr_expect_eq(s[2].status, GNTST_okay, "idle once unmapped");
    cr_expect_eq(gt[13].frame, page);
    s[0] = (gnttab_swap_grant_ref_t){ .ref_a = 10, .ref_b = 10, .status = 99 };
    cr_expect_eq(grant_batch(D1, GNTTABOP_swap_grant_ref, s, 1), 0);
    cr_expect_eq(s[0].status, GNTST_okay);
    cr_expect_eq(gt[10].frame, 0x2222, "a ref swapped with itself stays");
}

/* GNTTABOP_transfer: Xen's checks before a page changes hands. */
Test(gnttab, transfer_refuses_what_cannot_be_taken)
{
    mfn_t idle = h_alloc(D1), other = h_alloc(D2);
    struct mapper m = mapper_for(D1);
    mfn_t mapped = h_alloc(D1);
    gnttab_transfer_t t[4] = {
        { .mfn = 0xfffffff, .domid = 2 },
        { .mfn = other, .domid = 2 },
        { .mfn = mapped, .domid = 2 },
        { .mfn = idle, .domid = 2 },
    };

    cr_assert_eq(mmu(D1, D1, m.l1, 256, ((pte_t)mapped << PAGE_SHIFT) | RW, MMU_NORMAL_PT_UPDATE), 0);
    cr_expect_eq(grant_batch(D1, GNTTABOP_transfer, t, 4), 0);
    cr_expect_eq(t[0].status, GNTST_bad_page, "no such frame");
    cr_expect_eq(t[1].status, GNTST_bad_page, "another domain's frame");
    cr_expect_eq(t[2].status, GNTST_bad_page, "a mapped frame cannot be taken");
    cr_expect_eq(t[3].status, GNTST_general_error, "moving a page is not offered");
    cr_expect_eq(page_get_owner(mfn_to_page(idle)), D1, "the page stays the caller's");
}

/* A device-only, read-only map: no PTE is needed, so it can be repeated. */
static gnttab_map_grant_ref_t dev_map_ro(struct domain *ld, domid_t rd, grant_ref_t ref)
{
    gnttab_map_grant_ref_t op = { .flags = GNTMAP_device_map | GNTMAP_readonly, .ref = ref,
                                  .dom = rd };

    gnttab_map_one(ld->vcpu[0], &op);
    return op;
}

/*
 * One grant mapped over and over by the same domain: as Xen, the 129th pin
 * of a kind is refused (a 16-bit count would otherwise wrap to zero after
 * 65,536 maps, the entry would read as unpinned and the next unmap would hit
 * the count's BUG_ON).  Once the maps are gone the entry is free again.
 */
Test(gnttab, pin_count_cannot_overflow)
{
    grant_entry_v1_t *gt = table_of(D1);
    mfn_t page = h_alloc(D1);
    uint64_t c0 = h_count(page);
    uint64_t maddr = (uint64_t)page << PAGE_SHIFT;
    grant_handle_t h[PIN_LIMIT_TESTED + 1];
    gnttab_map_grant_ref_t op;
    gnttab_unmap_grant_ref_t u;

    grant(gt, 13, 2, page, true);
    for (unsigned int i = 0; i < PIN_LIMIT_TESTED; i++) {
        op = dev_map_ro(D2, 1, 13);
        cr_assert_eq(op.status, GNTST_okay, "map %u", i);
        h[i] = op.handle;
    }
    op = dev_map_ro(D2, 1, 13);
    cr_expect_eq(op.status, GNTST_general_error, "pin %d refused", PIN_LIMIT_TESTED + 1);
    cr_expect_eq(h_count(page), c0 + PIN_LIMIT_TESTED, "the refused map took no reference");
    for (unsigned int i = 0; i < PIN_LIMIT_TESTED; i++) {
        u = (gnttab_unmap_grant_ref_t){ .handle = h[i], .dev_bus_addr = maddr };
        gnttab_unmap_one(D2->vcpu[0], &u);
        cr_assert_eq(u.status, GNTST_okay, "unmap %u", i);
    }
    cr_expect_eq(gt[13].flags, GTF_permit_access | GTF_readonly);
    cr_expect_eq(h_count(page), c0);
    op = dev_map_ro(D2, 1, 13);
    cr_expect_eq(op.status, GNTST_okay, "mappable again");
}
