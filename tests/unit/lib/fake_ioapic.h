/*
 * fake_ioapic.h — a model interrupt controller behind xen/irq.h's arch
 * hooks for host tests: fio_nr_gsis lines (0 by default: no IO-APIC, as
 * the hypervisor today), each with its programmed trigger/polarity, mask
 * bit and counters, so tests can see a level line masked on delivery and
 * unmasked on EOI.
 */
#ifndef TEST_FAKE_IOAPIC_H
#define TEST_FAKE_IOAPIC_H

#include <stdbool.h>

#define FIO_PINS 48
struct fio_pin {
    bool configured, level, active_low;
    bool masked;            /* starts masked */
    unsigned int unmasks, masks;
};
#define FIO_BASE 0xfec00000UL
extern unsigned int fio_nr_gsis;
extern unsigned int fio_reads, fio_writes;   /* apic_read/apic_write reaching it */
extern struct fio_pin fio_pin[FIO_PINS];
/* Reset: n lines, all masked and unconfigured. */
void fio_reset(unsigned int n);

#endif
