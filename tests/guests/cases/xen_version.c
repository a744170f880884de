/*
 * xen_version.c — XENVER_*: version, extraversion, capabilities (must list
 * xen-3.0-x86_64), get_features (bits 5 and 7 for every PV guest, 11 for
 * dom0; 4 with the pae_extended_cr3 assist; never 0 or 2), platform_parameters, pagesize, and the error paths (-EFAULT for a
 * bad buffer, -ENOSYS for an unknown sub-op).
 */
#include "guest.h"

const char test_title[] = "xen_version";

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
}
