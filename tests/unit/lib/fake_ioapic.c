/*
 * fake_ioapic.c — the model interrupt controller (fake_ioapic.h).
 */
#include <string.h>
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include "fake_ioapic.h"

unsigned int fio_nr_gsis;
struct fio_pin fio_pin[FIO_PINS];

void fio_reset(unsigned int n)
{
    fio_nr_gsis = n < FIO_PINS ? n : FIO_PINS;
    memset(fio_pin, 0, sizeof(fio_pin));
    for (unsigned int i = 0; i < FIO_PINS; i++)
        fio_pin[i].masked = true;
}

unsigned int arch_nr_gsis(void) { return fio_nr_gsis; }
bool arch_gsi_is_reserved(int gsi) { return gsi == 0 || gsi == 2; }

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
