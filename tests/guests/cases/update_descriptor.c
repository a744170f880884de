/*
 * update_descriptor.c — writing one descriptor: the address must be 8-byte
 * aligned and in a frame we own (Xen 4.17 accepts an ordinary writable page
 * as well as a read-only descriptor page), the descriptor is validated either
 * way: system descriptors (other than call gates) are refused, and a
 * code/data descriptor with DPL 0 gets DPL 3 (guest kernels run at ring 3).
 */
#include "guest.h"

const char test_title[] = "update_descriptor";

static uint64_t page[512] __aligned(4096);

void test_main(void)
{
    uint64_t maddr = (uint64_t)virt_to_mfn(page) << 12;
    uint64_t pte = maddr | 0x25;
    long rc;

    rc = hc_update_descriptor(maddr + 40, 0x00cff3000000ffffULL);
    CHECK_RC("update_descriptor on a writable-mapped frame", rc, 0);
    if (page[5] != 0x00cff3000000ffffULL)
        test_fail("descriptor in writable page reads %#lx", (unsigned long)page[5]);
    rc = hc_update_descriptor(maddr + 48, 0x0000890000000067ULL);
    CHECK_RC("TSS descriptor into a writable page", rc, -XEN_EINVAL);

    rc = hc_update_va_mapping((unsigned long)page, pte, UVMF_INVLPG);
    CHECK_RC("remap read-only", rc, 0);

    rc = hc_update_descriptor(maddr + 8, 0x00cff3000000ffffULL);
    CHECK_RC("valid DPL3 data descriptor", rc, 0);
    if (page[1] != 0x00cff3000000ffffULL)
        test_fail("descriptor reads %#lx", (unsigned long)page[1]);

    rc = hc_update_descriptor(maddr + 12, 0x00cff3000000ffffULL);
    CHECK_RC("misaligned address", rc, -XEN_EINVAL);

    rc = hc_update_descriptor(maddr + 16, 0x00cf93000000ffffULL);  /* DPL 0 data */
    printk("DPL0 data: rc %ld, stored %#lx\n", rc, (unsigned long)page[2]);
    if (rc == 0 && ((page[2] >> 45) & 3) != 3)
        test_fail("DPL0 data descriptor stored with DPL %lu",
                  (unsigned long)((page[2] >> 45) & 3));
    if (rc != 0)
        test_fail("DPL0 data descriptor: %ld", rc);

    rc = hc_update_descriptor(maddr + 24, 0x0000890000000067ULL);  /* 64-bit TSS */
    CHECK_RC("system descriptor (TSS)", rc, -XEN_EINVAL);
    rc = hc_update_descriptor(maddr + 24, 0x0000e20000000000ULL);  /* LDT */
    CHECK_RC("system descriptor (LDT)", rc, -XEN_EINVAL);

    rc = hc_update_descriptor(maddr + 32, 0);  /* not present: always allowed */
    CHECK_RC("null descriptor", rc, 0);

    rc = hc_update_descriptor(0x1000, 0x00cff3000000ffffULL);  /* not our frame */
    CHECK_RC("frame we do not own", rc, -XEN_EINVAL);
    rc = hc_update_descriptor(0xfffffffff000ULL, 0x00cff3000000ffffULL);
    CHECK_RC("frame beyond memory", rc, -XEN_EINVAL);
}
