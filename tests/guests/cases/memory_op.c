/*
 * memory_op.c — the XENMEM queries a PV kernel makes at boot:
 * machphys_mapping (where the read-only M2P lives), maximum_ram_page,
 * current/maximum_reservation for DOMID_SELF (current = start_info.nr_pages;
 * dom0 without a dom0_mem max has no limit: 0xffffffff), memory_map (the
 * domain's own E820: -ENOSYS for Xen 4.17's dom0, which has none) and, for
 * the initial domain, machine_memory_map (the host's E820); the M2P agrees with the P2M for our
 * own frames; -EFAULT/-ENOSYS paths; and a decrease_reservation /
 * populate_physmap round trip on one of our pages.
 */
#include "guest.h"
#include <public/memory.h>

const char test_title[] = "memory_op queries";

struct e820 { uint64_t addr, size; uint32_t type; } __attribute__((packed));
static struct e820 map[64];
static char victim[4096] __aligned(4096);

void test_main(void)
{
    struct xen_machphys_mapping mm;
    struct xen_memory_map mmap;
    struct xen_memory_reservation r;
    domid_t self = DOMID_SELF;
    const unsigned long *m2p = (const unsigned long *)0xffff800000000000UL;
    unsigned long pfn, mfn;
    xen_pfn_t list[1];
    long rc;

    rc = hc_memory_op(XENMEM_machphys_mapping, &mm);
    CHECK_RC("machphys_mapping", rc, 0);
    printk("M2P %#lx-%#lx max_mfn %#lx\n", (unsigned long)mm.v_start, (unsigned long)mm.v_end,
           (unsigned long)mm.max_mfn);
    if (mm.v_start != 0xffff800000000000UL)
        test_fail("M2P at %#lx", (unsigned long)mm.v_start);

    rc = hc_memory_op(XENMEM_maximum_ram_page, NULL);
    printk("maximum_ram_page %#lx\n", rc);
    if (rc <= 0)
        test_fail("maximum_ram_page: %ld", rc);

    rc = hc_memory_op(XENMEM_current_reservation, &self);
    CHECK_RC("current_reservation", rc, (long)start_info->nr_pages);
    rc = hc_memory_op(XENMEM_maximum_reservation, &self);
    printk("maximum_reservation %ld (nr_pages %lu)\n", rc, start_info->nr_pages);
    if (rc < (long)start_info->nr_pages)
        test_fail("maximum_reservation %ld below nr_pages", rc);
    CHECK_RC("current_reservation(unmapped)", hc_memory_op(XENMEM_current_reservation,
                                                           (void *)0x10), -XEN_EFAULT);

    for (pfn = 0x100; pfn < 0x110; pfn++) {
        mfn = ((const unsigned long *)start_info->mfn_list)[pfn];
        if (m2p[mfn] != pfn)
            test_fail("M2P[%#lx] = %#lx, P2M says pfn %#lx", mfn, m2p[mfn], pfn);
    }

    mmap.nr_entries = ARRAY_SIZE(map);
    mmap.buffer.p = map;
    rc = hc_memory_op(XENMEM_memory_map, &mmap);
    printk("memory_map: rc %ld, %u entries\n", rc, mmap.nr_entries);
    if (start_info->flags & SIF_INITDOMAIN) {
        CHECK_RC("memory_map of dom0", rc, -XEN_ENOSYS);
        CHECK_RC("maximum_reservation of dom0", hc_memory_op(XENMEM_maximum_reservation, &self),
                 0xffffffffL);
        mmap.nr_entries = ARRAY_SIZE(map);
        rc = hc_memory_op(XENMEM_machine_memory_map, &mmap);
        CHECK_RC("machine_memory_map", rc, 0);
        printk("machine_memory_map: %u entries\n", mmap.nr_entries);
        for (unsigned int i = 0; i < mmap.nr_entries && i < ARRAY_SIZE(map); i++)
            printk("  %#lx +%#lx type %u\n", (unsigned long)map[i].addr,
                   (unsigned long)map[i].size, map[i].type);
        if (mmap.nr_entries < 2)
            test_fail("host E820 has %u entries", mmap.nr_entries);
    } else if (rc != 0 || mmap.nr_entries < 1) {
        test_fail("memory_map of a domU: rc %ld, %u entries", rc, mmap.nr_entries);
    }
    if (start_info->flags & SIF_INITDOMAIN) {
        mmap.buffer.p = (void *)0x10;
        mmap.nr_entries = ARRAY_SIZE(map);
        CHECK_RC("machine_memory_map(unmapped buffer)",
                 hc_memory_op(XENMEM_machine_memory_map, &mmap), -XEN_EFAULT);
    }
    CHECK_RC("unknown XENMEM op", hc_memory_op(200, NULL), -XEN_ENOSYS);

    /* give one page back, then ask for it again */
    pfn = (unsigned long)victim >> 12;
    rc = hc_update_va_mapping((unsigned long)victim, 0, UVMF_INVLPG);
    CHECK_RC("unmap the victim page", rc, 0);
    list[0] = ((const unsigned long *)start_info->mfn_list)[pfn];
    memset(&r, 0, sizeof(r));
    r.extent_start.p = list;
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    rc = hc_memory_op(XENMEM_decrease_reservation, &r);
    CHECK_RC("decrease_reservation (1 extent)", rc, 1);
    rc = hc_memory_op(XENMEM_current_reservation, &self);
    CHECK_RC("current_reservation after decrease", rc, (long)start_info->nr_pages - 1);
    list[0] = pfn;
    rc = hc_memory_op(XENMEM_populate_physmap, &r);
    CHECK_RC("populate_physmap (1 extent)", rc, 1);
    printk("populate_physmap: pfn %#lx now backed by mfn %#lx\n", pfn, (unsigned long)list[0]);
    rc = hc_update_va_mapping((unsigned long)victim, ((uint64_t)list[0] << 12) | 0x67,
                              UVMF_INVLPG);
    CHECK_RC("map the new frame", rc, 0);
    victim[0] = 1;
    rc = hc_memory_op(XENMEM_current_reservation, &self);
    CHECK_RC("current_reservation after populate", rc, (long)start_info->nr_pages);
}
