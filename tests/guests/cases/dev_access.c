/*
 * dev_access.c — what the hardware domain reaches of the machine's devices
 * and what stays the hypervisor's: PCI configuration space through the
 * 0xcf8 address latch and the 0xcfc data window (QEMU's i440FX host bridge
 * at 00:00.0, an absent device reading all ones, the latch read back,
 * 16-bit data access), device memory mapped by mmu_update (a PCI memory
 * BAR found by the scan, a frame of the first MiB) and the local APIC's
 * page refused (-EPERM).  As a domU everything reads all ones and every
 * device frame is refused.
 */
#include "guest.h"

const char test_title[] = "device access: PCI config space, MMIO mappings";

static char page_a[4096] __aligned(4096);

#define PTE_RW  (0x67ULL)   /* P RW US A D */
#define PTE_UC  (0x18ULL)   /* PCD PWT */

static void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %w1" :: "a"(v), "Nd"(port)); }
static uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port)); return v; }
static uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %w1, %0" : "=a"(v) : "Nd"(port)); return v; }

static uint32_t cfg_read(unsigned int dev, unsigned int fn, unsigned int reg)
{
    outl(0xcf8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc));
    return inl(0xcfc);
}

/* mmu_update of page_a's PTE to mfn (uncached); the answer. */
static long map_frame(uint64_t mfn)
{
    uint64_t *pte = l1_entry_of(page_a);
    uint64_t *l1 = (uint64_t *)((unsigned long)pte & ~0xfffUL);
    struct mmu_update mu = {
        .ptr = (((uint64_t)virt_to_mfn(l1) << 12) + ((unsigned long)pte & 0xfff)) | MMU_NORMAL_PT_UPDATE,
        .val = (mfn << 12) | PTE_RW | PTE_UC,
    };

    return hc_mmu_update(&mu, 1, NULL, DOMID_SELF);
}

static void restore(void)
{
    hc_update_va_mapping((unsigned long)page_a, ((uint64_t)virt_to_mfn(page_a) << 12) | PTE_RW,
                         UVMF_INVLPG);
}

void test_main(void)
{
    struct physdev_set_iopl io = { .iopl = 1 };
    bool dom0 = start_info->flags & SIF_PRIVILEGED;
    uint64_t bar_mfn = 0;
    uint32_t id;

    page_a[0] = 'A';
    if (l1_entry_of(page_a) == NULL) {
        test_error("cannot find the L1 entry of page_a");
        return;
    }
    if (hc_physdev_op(PHYSDEVOP_set_iopl, &io))
        test_fail("set_iopl(1) refused");

    id = cfg_read(0, 0, 0);
    if (!dom0) {
        CHECK_RC("domU: config read", id, 0xffffffffu);
        CHECK_RC("domU: a device frame", map_frame(0xb8), -XEN_EPERM);
        CHECK_RC("domU: the LAPIC", map_frame(0xfee00), -XEN_EPERM);
        return;
    }
    CHECK_RC("00:00.0 vendor/device (i440FX)", id, 0x12378086u);
    CHECK_RC("the latch reads back", inl(0xcf8), 0x80000000u);
    outl(0xcf8, 0x80000000u);
    CHECK_RC("16-bit read of the device id", inw(0xcfe), 0x1237);
    CHECK_RC("absent device 00:1f.7", cfg_read(31, 7, 0), 0xffffffffu);

    /* The first memory BAR on bus 0 (QEMU's VGA or NIC has one). */
    for (unsigned int dev = 1; dev < 32 && !bar_mfn; dev++) {
        if ((cfg_read(dev, 0, 0) & 0xffff) == 0xffff)
            continue;
        for (unsigned int b = 0; b < 6 && !bar_mfn; b++) {
            uint32_t bar = cfg_read(dev, 0, 0x10 + 4 * b);

            if (bar != 0 && !(bar & 1) && (bar & ~0xfu) != 0)
                bar_mfn = (bar & ~0xfu) >> 12;
        }
    }
    if (bar_mfn == 0) {
        test_skip("no PCI memory BAR on bus 0 to map");
    } else {
        CHECK_RC("map a PCI memory BAR", map_frame(bar_mfn), 0);
        restore();
    }
    CHECK_RC("map a frame of the first MiB (VGA text)", map_frame(0xb8), 0);
    restore();
    CHECK_RC("map the LAPIC page", map_frame(0xfee00), -XEN_EPERM);
    if (page_a[0] != 'A')
        test_fail("page_a not restored ('%c')", page_a[0]);
    io.iopl = 0;
    hc_physdev_op(PHYSDEVOP_set_iopl, &io);
}
