/*
 * irq.c — the interrupt-controller side of PIRQ routing (xen/irq.h hooks)
 * over the IO-APICs (io_apic.c).
 *
 * Each routable GSI has a fixed vector, IRQ_VECTOR_BASE + gsi, delivered
 * to the boot processor's LAPIC (fixed delivery, physical destination):
 * every vCPU runs there.  The 8259s stay masked (apic.c); the LAPIC timer
 * and the spurious vector are above the GSI range.
 *
 * A GSI's vector handler calls pirq_do_irq(gsi), which sets the PIRQ's
 * event pending and masks a level line at the IO-APIC, and only then
 * acknowledges the LAPIC: the EOI broadcast clears the pin's Remote IRR,
 * and the pin, masked, cannot fire again until the guest's PHYSDEVOP_eoi
 * unmasks it (Xen's "needs EOI" flow for a PV guest's level line).
 *
 * The hypervisor keeps GSI 0 (the 8259's ExtINT pin) and GSI 2 (the
 * PIT's line behind ISA IRQ 0's override), as Xen keeps its timer IRQ out
 * of dom0's reach.
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include <asm/io_apic.h>

#ifdef __HOST_TEST__
uint32_t test_boot_apic_id(void);
void test_lapic_eoi(void);
#define boot_apic_id test_boot_apic_id
#define lapic_eoi    test_lapic_eoi
#else
#include <asm/apic.h>
static uint32_t boot_apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}
#define lapic_eoi apic_eoi
#endif

/* The low word last programmed per GSI: mask/unmask rewrite it without a
 * register read (each access is an MMIO exit under emulation). */
static uint32_t rte_low[NR_HW_GSIS];

unsigned int arch_nr_gsis(void)
{
    unsigned int n = io_apic_nr_gsis();

    if (n > NR_IRQ_VECTORS)
        n = NR_IRQ_VECTORS;
    return n < NR_HW_GSIS ? n : NR_HW_GSIS;
}

bool arch_gsi_is_reserved(int gsi)
{
    return gsi == 0 || gsi == 2;
}

void arch_gsi_default(int gsi, bool *level, bool *active_low)
{
    io_apic_gsi_default((unsigned int)gsi, level, active_low);
}

int arch_gsi_configure(int gsi, bool level, bool active_low)
{
    uint32_t low;

    if (gsi < 0 || (unsigned int)gsi >= arch_nr_gsis())
        return -ENODEV;
    low = (IRQ_VECTOR_BASE + (uint32_t)gsi) | IOAPIC_RTE_MASKED |
          (level ? IOAPIC_RTE_LEVEL : 0) | (active_low ? IOAPIC_RTE_ACTIVE_LOW : 0);
    if (!io_apic_write_rte((unsigned int)gsi, low | (uint64_t)boot_apic_id() << 56))
        return -ENODEV;
    rte_low[gsi] = low;
    return 0;
}

void arch_gsi_unmask(int gsi)
{
    if (gsi < 0 || (unsigned int)gsi >= arch_nr_gsis() || (rte_low[gsi] & IOAPIC_RTE_VECTOR) == 0)
        return;                         /* never configured: stays masked */
    rte_low[gsi] &= ~IOAPIC_RTE_MASKED;
    io_apic_write_rte_low((unsigned int)gsi, rte_low[gsi]);
}

void arch_gsi_mask(int gsi)
{
    if (gsi < 0 || (unsigned int)gsi >= arch_nr_gsis() || (rte_low[gsi] & IOAPIC_RTE_VECTOR) == 0)
        return;
    rte_low[gsi] |= IOAPIC_RTE_MASKED;
    io_apic_write_rte_low((unsigned int)gsi, rte_low[gsi]);
}

bool arch_irq_vector(unsigned int vector)
{
    unsigned int gsi;

    if (vector < IRQ_VECTOR_BASE || vector >= IRQ_VECTOR_BASE + arch_nr_gsis())
        return false;
    gsi = vector - IRQ_VECTOR_BASE;
    pirq_do_irq((int)gsi);
    lapic_eoi();
    return true;
}
