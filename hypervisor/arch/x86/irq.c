/*
 * irq.c — the interrupt-controller side of PIRQ routing (xen/irq.h hooks).
 *
 * The hypervisor does not drive an IO-APIC yet: the 8259s are masked and
 * only the LAPIC timer and spurious vectors are used.  So the machine
 * exposes no routable GSI (arch_nr_gsis() = 0): PHYSDEVOP_map_pirq answers
 * -ENODEV for a legacy line and -EINVAL for the rest, exactly as before
 * PIRQs existed, and the PIRQ state machine (common/pirq.c, host-tested
 * against a model IO-APIC in tests/unit/control) has no line to route.
 * An IO-APIC driver fills these hooks: pin count from the version
 * register, redirection entries (vector 0x30 + gsi, trigger, polarity,
 * mask), and the vector's handler calling pirq_do_irq(gsi) before the
 * LAPIC EOI.
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/irq.h>

unsigned int arch_nr_gsis(void)
{
    return 0;
}

/* GSI 0 (the 8254 timer's line through the IO-APIC's pin 2 override on
 * most boards) and 2 (cascade / PIT) stay the hypervisor's, as Xen keeps
 * its timer IRQ out of dom0's irq capability. */
bool arch_gsi_is_reserved(int gsi)
{
    return gsi == 0 || gsi == 2;
}

int arch_gsi_configure(int gsi, bool level, bool active_low)
{
    (void)gsi; (void)level; (void)active_low;
    return -ENODEV;
}

void arch_gsi_unmask(int gsi)
{
    (void)gsi;
}

void arch_gsi_mask(int gsi)
{
    (void)gsi;
}
