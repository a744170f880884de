/*
 * set_gdt.c — installing a guest GDT: the frame must not be mapped writable
 * (-EINVAL while it is), a bad frame list is -EFAULT, more than 7168 entries
 * (the first one reserved for the hypervisor) is -EINVAL; a valid table
 * takes effect (a selector from it loads into DS).
 */
#include "guest.h"

const char test_title[] = "set_gdt";

static uint64_t gdt[512] __aligned(4096);

static long map_ro(void *va, bool ro)
{
    uint64_t pte = ((uint64_t)virt_to_mfn(va) << 12) | 0x25 | (ro ? 0 : 2);

    return hc_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

void test_main(void)
{
    unsigned long frames[16];
    uint16_t ds;
    long rc;

    gdt[1] = 0x00cff3000000ffffULL;   /* flat data, DPL 3 */
    gdt[2] = 0x00affb000000ffffULL;   /* 64-bit code, DPL 3 */
    frames[0] = virt_to_mfn(gdt);

    rc = hc_set_gdt(frames, 512);
    CHECK_RC("set_gdt on a writable-mapped frame", rc, -XEN_EINVAL);
    rc = hc_set_gdt((unsigned long *)0x10, 512);
    CHECK_RC("set_gdt with an unmapped frame list", rc, -XEN_EFAULT);
    rc = hc_set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1);
    CHECK_RC("set_gdt with 7169 entries", rc, -XEN_EINVAL);

    rc = map_ro(gdt, true);
    CHECK_RC("remap GDT page read-only", rc, 0);
    frames[1] = 0x7fffffffUL;   /* not our frame */
    rc = hc_set_gdt(frames, 1024);
    CHECK_RC("set_gdt with a foreign second frame", rc, -XEN_EINVAL);

    rc = hc_set_gdt(frames, 512);
    CHECK_RC("set_gdt valid", rc, 0);
    if (rc == 0) {
        __asm__ volatile("mov %1, %%ds\n\tmov %%ds, %0" : "=r"(ds) : "r"(0x0b) : "memory");
        if (ds != 0x0b)
            test_fail("DS reads %#x after loading 0x0b", ds);
        __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    }
    /* While the GDT is installed the frame cannot become writable again. */
    rc = map_ro(gdt, false);
    if (rc == 0)
        test_fail("an installed GDT frame was mapped writable");
    printk("writable remap of installed GDT frame: %ld\n", rc);
}
