/*
 * xen_version.c — XENVER_*: version, extraversion, capabilities (must list
 * xen-3.0-x86_64), get_features (bits 5 and 7 for every PV guest, 11 for
 * dom0; 4 with the pae_extended_cr3 assist; never 0 or 2), platform_parameters, pagesize, and the error paths (-EFAULT for a
 * bad buffer, -ENOSYS for an unknown sub-op).  Every sub-op that fills a
 * structure writes exactly its ABI size (a poisoned guard after it stays
 * intact) and zero-fills the tail of its strings (no hypervisor bytes).
 */
#include "guest.h"

const char test_title[] = "xen_version";

#define POISON 0xa5
#define GUARD  256

static unsigned char area[2048 + GUARD] __attribute__((aligned(64)));

/* Fill area with POISON, run sub-op cmd on it and check that exactly size
 * bytes were written: the guard after them is untouched.  Each string field
 * [off, off + len) in strs must be NUL-terminated with zeroes after it. */
static void check_exact(const char *what, int cmd, unsigned long size,
                        const unsigned short (*strs)[2], unsigned int nstrs)
{
    bool ok = true;
    long rc;

    memset(area, POISON, sizeof(area));
    rc = hc_xen_version(cmd, area);
    if (rc != 0) {
        test_fail("%s: got %ld, expected 0", what, rc);
        return;
    }
    for (unsigned long i = size; i < size + GUARD; i++)
        if (area[i] != POISON) {
            test_fail("%s: wrote byte %lu past its %lu-byte structure", what, i, size);
            ok = false;
            break;
        }
    for (unsigned int f = 0; f < nstrs; f++) {
        unsigned int off = strs[f][0], len = strs[f][1], j = 0;

        while (j < len && area[off + j] != 0)
            j++;
        if (j == len) {
            test_fail("%s: field at %u not NUL-terminated", what, off);
            ok = false;
            continue;
        }
        for (; j < len; j++)
            if (area[off + j] != 0) {
                test_fail("%s: byte %u of the field at %u is %#x, not 0 (a leak)",
                          what, j, off, area[off + j]);
                ok = false;
                break;
            }
    }
    if (ok)
        printk("%s: exactly %lu bytes, zero-filled\n", what, size);
}

static void check_exact_sizes(void)
{
    static const unsigned short extra[][2] = { { 0, 16 } };
    static const unsigned short info[][2] = { { 0, 64 }, { 64, 16 }, { 80, 32 }, { 112, 32 } };
    static const unsigned short caps[][2] = { { 0, 1024 } };
    static const unsigned short cs[][2] = { { 0, 64 } };
    static const unsigned short cmd[][2] = { { 0, 1024 } };
    struct { uint32_t len; unsigned char buf[4]; } bid = { 0, { 0 } };
    long rc;

    check_exact("extraversion", XENVER_extraversion, 16, extra, 1);
    check_exact("compile_info", XENVER_compile_info, 144, info, 4);
    check_exact("capabilities", XENVER_capabilities, 1024, caps, 1);
    check_exact("changeset", XENVER_changeset, 64, cs, 1);
    check_exact("platform_parameters", XENVER_platform_parameters, 8, NULL, 0);
    check_exact("guest_handle", XENVER_guest_handle, 16, NULL, 0);
    if (start_info->flags & SIF_INITDOMAIN)
        check_exact("commandline", XENVER_commandline, 1024, cmd, 1);
    /* get_features reads submap_idx first: 8 bytes in, 8 out. */
    memset(area, POISON, sizeof(area));
    area[0] = area[1] = area[2] = area[3] = 0;
    rc = hc_xen_version(XENVER_get_features, area);
    CHECK_RC("get_features into the poisoned area", rc, 0);
    for (unsigned int i = 8; i < 8 + GUARD; i++)
        if (area[i] != POISON) {
            test_fail("get_features wrote byte %u past its 8-byte structure", i);
            break;
        }
    /* build_id: a zero length is refused before anything is written. */
    if (start_info->flags & SIF_INITDOMAIN) {
        rc = hc_xen_version(XENVER_build_id, &bid);
        CHECK_RC("build_id with len 0", rc, -XEN_EINVAL);
    }
}

void test_main(void)
{
    static xen_capabilities_info_t caps;
    static xen_extraversion_t extra;
    struct xen_feature_info fi = { 0, 0 };
    struct xen_platform_parameters pp = { 0 };
    long v, rc;

    v = hc_xen_version(XENVER_version, NULL);
    printk("version %ld.%ld\n", v >> 16, v & 0xffff);
    if (v >> 16 < 3)
        test_fail("XENVER_version %#lx: major < 3", v);

    rc = hc_xen_version(XENVER_extraversion, extra);
    CHECK_RC("XENVER_extraversion", rc, 0);
    extra[sizeof(extra) - 1] = 0;
    printk("extraversion \"%s\"\n", extra);

    rc = hc_xen_version(XENVER_capabilities, caps);
    CHECK_RC("XENVER_capabilities", rc, 0);
    caps[sizeof(caps) - 1] = 0;
    printk("capabilities \"%s\"\n", caps);
    if (!strstr(caps, "xen-3.0-x86_64"))
        test_fail("capabilities lack xen-3.0-x86_64");

    rc = hc_xen_version(XENVER_get_features, &fi);
    CHECK_RC("XENVER_get_features", rc, 0);
    printk("features[0] %#x\n", fi.submap);
    if (!(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad)))
        test_fail("feature 5 (mmu_pt_update_preserve_ad) missing");
    if (!(fi.submap & (1u << XENFEAT_gnttab_map_avail_bits)))
        test_fail("feature 7 (gnttab_map_avail_bits) missing");
    /* Xen 4.17 never reports writable_page_tables (bit 0) to PV guests,
     * even with the assist on; bit 4 follows the pae_extended_cr3 assist. */
    if (fi.submap & (1u << XENFEAT_writable_page_tables))
        test_fail("feature 0 (writable_page_tables) reported");
    if (fi.submap & (1u << XENFEAT_pae_pgdir_above_4gb))
        test_fail("feature 4 reported before the pae_extended_cr3 assist");
    hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3);
    {
        struct xen_feature_info f2 = { 0, 0 };

        rc = hc_xen_version(XENVER_get_features, &f2);
        printk("features[0] with the assists on %#x\n", f2.submap);
        if (f2.submap & (1u << XENFEAT_writable_page_tables))
            test_fail("feature 0 (writable_page_tables) reported after vm_assist");
        if (!(f2.submap & (1u << XENFEAT_pae_pgdir_above_4gb)))
            test_fail("feature 4 missing with the pae_extended_cr3 assist");
    }
    if ((start_info->flags & SIF_INITDOMAIN) && !(fi.submap & (1u << XENFEAT_dom0)))
        test_fail("feature 11 (dom0) missing for the initial domain");
    if (fi.submap & (1u << XENFEAT_auto_translated_physmap))
        test_fail("PV guest told it is auto-translated");

    fi.submap_idx = 1000;
    fi.submap = 0xdead;
    rc = hc_xen_version(XENVER_get_features, &fi);
    CHECK_RC("get_features submap 1000", rc, -XEN_EINVAL);

    rc = hc_xen_version(XENVER_platform_parameters, &pp);
    CHECK_RC("XENVER_platform_parameters", rc, 0);
    printk("virt_start %#lx\n", pp.virt_start);
    if (pp.virt_start != 0xffff800000000000UL)
        test_fail("virt_start %#lx, expected 0xffff800000000000", pp.virt_start);

    rc = hc_xen_version(XENVER_pagesize, NULL);
    CHECK_RC("XENVER_pagesize", rc, 4096);

    rc = hc_xen_version(XENVER_capabilities, (void *)0x10);
    CHECK_RC("XENVER_capabilities to an unmapped buffer", rc, -XEN_EFAULT);
    rc = hc_xen_version(XENVER_get_features, (void *)0xffff830000000000UL);
    CHECK_RC("XENVER_get_features to a hypervisor address", rc, -XEN_EFAULT);
    rc = hc_xen_version(1000, NULL);
    CHECK_RC("unknown XENVER op", rc, -XEN_ENOSYS);

    check_exact_sizes();
}
