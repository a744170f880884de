/*
 * fake_ioapic.c — the model interrupt controller (fake_ioapic.h).
 */
#include <string.h>
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include <asm/io_apic.h>
#include "fake_ioapic.h"

unsigned int fio_nr_gsis;
unsigned int fio_reads, fio_writes;
struct fio_pin fio_pin[FIO_PINS];

void fio_reset(unsigned int n)
{
    fio_nr_gsis = n < FIO_PINS ? n : FIO_PINS;
    memset(fio_pin, 0, sizeof(fio_pin));
    fio_reads = fio_writes = 0;
    for (unsigned int i = 0; i < FIO_PINS; i++)
        fio_pin[i].masked = true;
}

unsigned int arch_nr_gsis(void) { return fio_nr_gsis; }
bool arch_gsi_is_reserved(int gsi) { return gsi == 0 || gsi == 2; }

/* The firmware's view of the model: ISA lines edge/high but the PCI link
 * IRQs 10 and 11 level/high (QEMU's MADT overrides), PCI lines level/low. */
void arch_gsi_default(int gsi, bool *level, bool *active_low)
{
    *level = gsi == 10 || gsi == 11 || gsi >= 16;
    *active_low = gsi >= 16;
}

/* PHYSDEVOP_apic_read/write: one model IO-APIC at FIO_BASE (none while
 * it has no pins). */
int io_apic_guest_read(paddr_t physbase, unsigned int reg, uint32_t *val)
{
    if (fio_nr_gsis == 0 || physbase != FIO_BASE || (reg > 2 && (reg < 0x10 || reg >= 0x10 + 2 * fio_nr_gsis)))
        return -EINVAL;
    fio_reads++;
    *val = reg == 1 ? ((fio_nr_gsis - 1) << 16) | 0x20 : 0;
    return 0;
}

int io_apic_guest_write(paddr_t physbase, unsigned int reg, uint32_t val)
{
    (void)val;
    if (fio_nr_gsis == 0 || physbase != FIO_BASE || (reg > 2 && (reg < 0x10 || reg >= 0x10 + 2 * fio_nr_gsis)))
        return -EINVAL;
    fio_writes++;
    return 0;
}

int arch_gsi_configure(int gsi, bool level, bool active_low)
{
    if (gsi < 0 || (unsigned int)gsi >= fio_nr_gsis)
        return -EINVAL;
    fio_pin[gsi].configured = true;
    fio_pin[gsi].level = level;
    fio_pin[gsi].active_low = active_low;
    fio_pin[gsi].masked = true;
    return 0;
}

void arch_gsi_unmask(int gsi)
{
    if (gsi >= 0 && (unsigned int)gsi < fio_nr_gsis) {
        fio_pin[gsi].masked = false;
        fio_pin[gsi].unmasks++;
    }
}

void arch_gsi_mask(int gsi)
{
    if (gsi >= 0 && (unsigned int)gsi < fio_nr_gsis) {
        fio_pin[gsi].masked = true;
        fio_pin[gsi].masks++;
    }
}
