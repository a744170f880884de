/*
 * ioport.c — the hardware domain's reach into the machine: its initial I/O
 * capabilities (Xen's dom0_setup_permissions()) and the port I/O a PV
 * kernel's in/out instructions are emulated into.
 *
 * Every guest in/out traps (the virtual IOPL, no TSS I/O bitmap) and lands
 * in pv_io_read()/pv_io_write(), which follow Xen 4.17's emul-priv-op.c:
 *   - a port the domain's ioport capability holds is accessed directly;
 *   - 0xcf8 as a dword is the PCI configuration address register: it is
 *     latched per domain and never reaches the machine, so the hypervisor's
 *     own configuration cycles cannot be disturbed between a guest's
 *     address write and its data access;
 *   - 0xcfc-0xcff with the latched address' enable bit set is a
 *     configuration access the hypervisor performs for the hardware domain
 *     (address, then data, back to back);
 *   - anything else reads all ones and writes are dropped, which is what
 *     domUs see for every port.
 * The hardware domain gets every port but the hypervisor's: the PIT and
 * port 0x61 (TSC/LAPIC calibration), port 0x92 (reset), the PCI data
 * window (above), COM1 while it is the hypervisor's console, and 0xf4
 * (QEMU's isa-debug-exit, the test verdict port).  The PICs stay dom0's
 * for now (arch_hwdom_setup_permissions() says why).
 * Its iomem capability is every frame but the LAPIC, the IO-APIC window,
 * the MSI address range and the hypervisor's own memory (its image, the
 * boot allocations, the boot modules); RAM the heap manages is checked by
 * ownership in the PV MMU instead (pv/mm.c).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/iocap.h>
#include <asm/pv_io.h>

#define PCI_CF8             0xcf8
#define PCI_CFC             0xcfc
#define CF8_ENABLED(cf8)    ((cf8) & 0x80000000u)

#ifndef __HOST_TEST__
uint32_t arch_port_in(unsigned int port, unsigned int size)
{
    uint32_t v;

    switch (size) {
    case 1: { uint8_t b; __asm__ volatile("inb %w1, %0" : "=a"(b) : "Nd"(port)); return b; }
    case 2: { uint16_t w; __asm__ volatile("inw %w1, %0" : "=a"(w) : "Nd"(port)); return w; }
    default: __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port)); return v;
    }
}

void arch_port_out(unsigned int port, unsigned int size, uint32_t v)
{
    switch (size) {
    case 1: __asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port)); break;
    case 2: __asm__ volatile("outw %w0, %w1" : : "a"(v), "Nd"(port)); break;
    default: __asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(port)); break;
    }
}
#endif

int arch_hwdom_setup_permissions(struct domain *d)
{
    /*
     * Xen also keeps the 8259 PICs (0x20-0x21, 0xa0-0xa1) and the ELCR
     * (0x4d0-0x4d1).  Here they stay dom0's while dom0 boots `acpi=off`:
     * without ACPI's PCAT_COMPAT flag Linux probes the PIC by writing its
     * mask register and reading it back, and a refused port (all ones)
     * makes it use the NULL legacy PIC: no legacy IRQs, so the VIRQ of
     * hvc0 lands on IRQ 8 and collides with the RTC's fixed IRQ 8 (no
     * console).  The hypervisor keeps both PICs masked, takes no interrupt
     * through them, and ignores their vectors, so dom0 programming them
     * costs nothing.  Deny them as Xen does once dom0 boots with ACPI.
     */
    static const struct { uint16_t s, e; } deny_ports[] = {
        { 0x40, 0x43 },     /* PIT */
        { 0x61, 0x61 },     /* PIT channel 2 gate / speaker */
        { 0x92, 0x92 },     /* system control port A (INIT#, reset) */
        { 0xcfc, 0xcff },   /* PCI config data: through pv_io_* only */
        { 0xf4, 0xf7 },     /* isa-debug-exit: the verdict port */
    };
    unsigned int i, n;
    int rc = 0;

    rangeset_empty(&d->ioport_caps);
    rangeset_empty(&d->iomem_caps);
    rc |= ioports_permit_access(d, 0, 0xffff);
    for (i = 0; i < ARRAY_SIZE(deny_ports); i++)
        rc |= ioports_deny_access(d, deny_ports[i].s, deny_ports[i].e);
    if (arch_console_uses_com1())
        rc |= ioports_deny_access(d, 0x3f8, 0x3ff);

    /* 52 address bits, as Xen's paddr bits for a PV hardware domain. */
    rc |= iomem_permit_access(d, 0, (1UL << (52 - PAGE_SHIFT)) - 1);
    rc |= iomem_deny_access(d, PFN_DOWN(arch_lapic_base()), PFN_DOWN(arch_lapic_base()));
    /* IO-APICs sit in this window; dom0 reaches them by apic_read/write. */
    rc |= iomem_deny_access(d, PFN_DOWN(IOAPIC_WINDOW_START), PFN_DOWN(IOAPIC_WINDOW_END));
    rc |= iomem_deny_access(d, PFN_DOWN(MSI_ADDR_START), PFN_DOWN(MSI_ADDR_END));
    n = arch_hypervisor_ranges_count();
    for (i = 0; i < n; i++) {
        paddr_t s, e;

        arch_hypervisor_range(i, &s, &e);
        if (e > s)
            rc |= iomem_deny_access(d, PFN_DOWN(s), PFN_UP(e) - 1);
    }
    return rc ? -ENOMEM : 0;
}

/* Xen's admin_io_okay(): direct access through the capability, 0xcf8 as a
 * dword never. */
static bool direct_ok(const struct domain *d, unsigned int port, unsigned int size)
{
    if (port == PCI_CF8 && size == 4)
        return false;
    return port + size - 1 <= 0xffff && ioports_access_permitted(d, port, port + size - 1);
}

/* A configuration-space data access under the latched address: the
 * hardware domain only, address enabled, within the dword window. */
static bool pci_cfg_ok(const struct domain *d, unsigned int port, unsigned int size)
{
    if (!d->is_privileged || !CF8_ENABLED(d->arch.pci_cf8))
        return false;
    return (port & ~3u) == PCI_CFC && (port & 3) + size <= 4;
}

uint32_t pv_io_read(struct domain *d, unsigned int port, unsigned int size)
{
    uint32_t ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

    if (direct_ok(d, port, size))
        return arch_port_in(port, size) & ones;
    if (port == PCI_CF8 && size == 4 && d->is_privileged)
        return d->arch.pci_cf8;
    if (pci_cfg_ok(d, port, size)) {
        arch_port_out(PCI_CF8, 4, d->arch.pci_cf8 & ~3u);
        return arch_port_in(port, size) & ones;
    }
    return ones;
}

void pv_io_write(struct domain *d, unsigned int port, unsigned int size, uint32_t val)
{
    if (direct_ok(d, port, size)) {
        arch_port_out(port, size, val);
        return;
    }
    if (port == PCI_CF8 && size == 4 && d->is_privileged) {
        d->arch.pci_cf8 = val;
        return;
    }
    if (pci_cfg_ok(d, port, size)) {
        arch_port_out(PCI_CF8, 4, d->arch.pci_cf8 & ~3u);
        arch_port_out(port, size, val);
    }
    /* Otherwise dropped. */
}
