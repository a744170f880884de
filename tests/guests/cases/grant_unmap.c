/*
 * grant_unmap.c — mappings of a grant the domain gives itself (dom0 maps
 * its own page through its grant table): GNTMAP_device_map alone and with
 * host_map (dev_bus_addr is the frame's machine address, reported for a
 * host-only mapping too), unmapping the
 * device part and the host part separately (a wrong dev_bus_addr is
 * GNTST_bad_dev_addr; naming neither part unmaps nothing), and
 * GNTTABOP_unmap_and_replace: the PTE of new_addr moves to host_addr and
 * new_addr is left unmapped.
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "grant device maps, partial unmap, unmap_and_replace";

static grant_entry_v1_t gnttab[512] __aligned(4096);
static char granted[4096] __aligned(4096);
static char host_va[4096] __aligned(4096);
static char spare[4096] __aligned(4096);

#define GREF 9

static long map(uint32_t flags, uint64_t host_addr, struct gnttab_map_grant_ref *m)
{
    memset(m, 0, sizeof(*m));
    m->host_addr = host_addr;
    m->flags = flags;
    m->ref = GREF;
    m->dom = start_info->flags & SIF_INITDOMAIN ? 0 : DOMID_SELF;
    return hc_grant_table_op(GNTTABOP_map_grant_ref, m, 1);
}

static int16_t unmap(grant_handle_t h, uint64_t host_addr, uint64_t dev_bus_addr)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = host_addr, .dev_bus_addr = dev_bus_addr,
                                        .handle = h, .status = 99 };
    long rc = hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

    if (rc != 0)
        test_fail("unmap_grant_ref returned %ld", rc);
    return u.status;
}

static uint16_t pins(void)
{
    return ACCESS_ONCE(gnttab[GREF].flags) & (GTF_reading | GTF_writing);
}

void test_main(void)
{
    struct gnttab_map_grant_ref m;
    uint64_t maddr = (uint64_t)virt_to_mfn(granted) << 12;
    uint64_t spare_pte = ((uint64_t)virt_to_mfn(spare) << 12) | 0x67;
    uint64_t host_pte = ((uint64_t)virt_to_mfn(host_va) << 12) | 0x67;
    long rc;

    gnttab_map_own(gnttab);
    memset(granted, 0, sizeof(granted));
    memcpy(granted, "the granted page", sizeof("the granted page"));
    memcpy(spare, "the spare page", sizeof("the spare page"));
    gnttab[GREF].domid = 0;
    gnttab[GREF].frame = (uint32_t)virt_to_mfn(granted);
    __atomic_store_n(&gnttab[GREF].flags, GTF_permit_access, __ATOMIC_SEQ_CST);

    /* Device mapping only. */
    CHECK_RC("map device_map", map(GNTMAP_device_map, 0, &m), 0);
    CHECK_RC("its status", m.status, GNTST_okay);
    if (m.status != GNTST_okay)
        return;
    if (m.dev_bus_addr != maddr)
        test_fail("dev_bus_addr %#lx, expected %#lx", (unsigned long)m.dev_bus_addr,
                  (unsigned long)maddr);
    CHECK_RC("pinned for writing", pins(), GTF_reading | GTF_writing);
    CHECK_RC("unmap naming nothing", unmap(m.handle, 0, 0), GNTST_okay);
    CHECK_RC("still pinned", pins(), GTF_reading | GTF_writing);
    CHECK_RC("unmap, wrong dev_bus_addr", unmap(m.handle, 0, maddr + 4096), GNTST_bad_dev_addr);
    CHECK_RC("unmap device part", unmap(m.handle, 0, maddr), GNTST_okay);
    CHECK_RC("released", pins(), 0);
    CHECK_RC("handle gone", unmap(m.handle, 0, maddr), GNTST_bad_handle);

    /* Host and device mapping, unmapped in two steps. */
    CHECK_RC("map host+device", map(GNTMAP_host_map | GNTMAP_device_map,
                                    (unsigned long)host_va, &m), 0);
    CHECK_RC("its status", m.status, GNTST_okay);
    if (strcmp(host_va, "the granted page") != 0)
        test_fail("host mapping reads \"%.20s\"", host_va);
    CHECK_RC("unmap device part first", unmap(m.handle, 0, maddr), GNTST_okay);
    CHECK_RC("pinned while the host part remains", pins(), GTF_reading | GTF_writing);
    if (strcmp(host_va, "the granted page") != 0)
        test_fail("host mapping lost with the device part");
    CHECK_RC("unmap host part", unmap(m.handle, (unsigned long)host_va, 0), GNTST_okay);
    CHECK_RC("released after both", pins(), 0);

    /* Host mapping alone: dev_bus_addr as Xen reports it. */
    CHECK_RC("map host only", map(GNTMAP_host_map, (unsigned long)host_va, &m), 0);
    if (m.dev_bus_addr != maddr)
        test_fail("host-only map: dev_bus_addr %#lx, expected %#lx (reported either way)",
                  (unsigned long)m.dev_bus_addr, (unsigned long)maddr);
    CHECK_RC("unmap_grant_ref with a device address only",
             unmap(m.handle, 0, maddr), GNTST_okay);
    CHECK_RC("host mapping untouched", pins(), GTF_reading | GTF_writing);

    /* unmap_and_replace: spare's PTE moves to host_va. */
    {
        struct gnttab_unmap_and_replace r = {
            .host_addr = (unsigned long)host_va, .new_addr = (unsigned long)spare,
            .handle = m.handle, .status = 99,
        };
        volatile char probe = 0;

        rc = hc_grant_table_op(GNTTABOP_unmap_and_replace, &r, 1);
        CHECK_RC("unmap_and_replace", rc, 0);
        CHECK_RC("its status", r.status, GNTST_okay);
        CHECK_RC("grant released", pins(), 0);
        if (strcmp(host_va, "the spare page") != 0)
            test_fail("host_va now reads \"%.20s\", expected the spare page", host_va);
        ex_clear();
        __asm__ volatile("1: movb (%1), %0\n2:\n" EXTABLE("1b", "2b")
                         : "=q"(probe) : "r"(spare) : "memory");
        if (ex_vec != X86_EXC_PF)
            test_fail("new_addr still mapped after unmap_and_replace (vector %ld)", ex_vec);
        r.status = 99;
        CHECK_RC("unmap_and_replace of the gone handle",
                 hc_grant_table_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
        CHECK_RC("its status", r.status, GNTST_bad_handle);
    }
    /* Put both pages back where they were. */
    CHECK_RC("remap spare", hc_update_va_mapping((unsigned long)spare, spare_pte, UVMF_INVLPG), 0);
    CHECK_RC("remap host_va", hc_update_va_mapping((unsigned long)host_va, host_pte, UVMF_INVLPG), 0);
    __atomic_store_n(&gnttab[GREF].flags, 0, __ATOMIC_SEQ_CST);
}
