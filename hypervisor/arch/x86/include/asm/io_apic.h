/*
 * io_apic.h — the machine's IO-APICs as the hypervisor drives them
 * (arch/x86/io_apic.c): found in the ACPI MADT with its interrupt source
 * overrides, every pin masked at boot, a pin programmed only when the
 * hardware domain routes its GSI (arch/x86/irq.c, common/pirq.c).
 */
#ifndef ASM_X86_IO_APIC_H
#define ASM_X86_IO_APIC_H

#include <xen/types.h>

#define MAX_IO_APICS        8
#define MAX_ISA_OVERRIDES   16

/* Redirection table entry bits (low word; the destination APIC id is
 * bits 56-63 of the 64-bit entry). */
#define IOAPIC_RTE_VECTOR       0x000000ffu
#define IOAPIC_RTE_REMOTE_IRR   (1u << 14)
#define IOAPIC_RTE_ACTIVE_LOW   (1u << 13)
#define IOAPIC_RTE_LEVEL        (1u << 15)
#define IOAPIC_RTE_MASKED       (1u << 16)

/* Registers behind IOREGSEL/IOWIN. */
#define IOAPIC_REG_ID           0x00
#define IOAPIC_REG_VERSION      0x01
#define IOAPIC_REG_RTE(pin)     (0x10 + 2 * (pin))

struct io_apic {
    paddr_t base;               /* MMIO page (physical) */
    volatile uint32_t *mmio;    /* its uncached mapping */
    uint32_t gsi_base;          /* first GSI of pin 0 */
    unsigned int pins;          /* from the version register */
    uint8_t id;
};

struct isa_override {
    uint8_t  source;            /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags;             /* MPS INTI flags: polarity bits 0-1, trigger 2-3 */
};

/* Parse a whole MADT (header included): IO-APIC (type 1) and interrupt
 * source override (type 2) entries into the tables below, replacing what
 * was there.  Touches no hardware.  Returns the IO-APICs found. */
unsigned int io_apic_parse_madt(const uint8_t *madt, uint32_t len);
/* Boot: parse the MADT acpi_cpus.c found, map each IO-APIC, read its pin
 * count, mask every pin.  No MADT or no IO-APIC: nothing is routable. */
void io_apic_init(void);

/* GSIs covered by the IO-APICs found (the highest gsi_base + pins). */
unsigned int io_apic_nr_gsis(void);
/* The firmware's trigger/polarity for a GSI: an ISA override's flags, an
 * identity-mapped ISA IRQ edge/active high, a PCI line (GSI >= 16) level/
 * active low. */
void io_apic_gsi_default(unsigned int gsi, bool *level, bool *active_low);
/* Whole entries of the pin carrying gsi: false if no IO-APIC has it. */
bool io_apic_read_rte(unsigned int gsi, uint64_t *rte);
bool io_apic_write_rte(unsigned int gsi, uint64_t rte);
/* Only the low word (mask, trigger, polarity, vector). */
bool io_apic_write_rte_low(unsigned int gsi, uint32_t low);

/* PHYSDEVOP_apic_read / apic_write from the hardware domain: the IO-APIC
 * at physbase, register reg.  -EINVAL no IO-APIC there or no such
 * register.  Writes never reach the hardware as such: see io_apic.c. */
int io_apic_guest_read(paddr_t physbase, unsigned int reg, uint32_t *val);
int io_apic_guest_write(paddr_t physbase, unsigned int reg, uint32_t val);

/* What io_apic_parse_madt found (tests read them). */
extern struct io_apic io_apics[MAX_IO_APICS];
extern unsigned int nr_io_apics;
extern struct isa_override isa_overrides[MAX_ISA_OVERRIDES];
extern unsigned int nr_isa_overrides;

/* acpi_cpus.c: the MADT it found (checksummed), NULL if none. */
const uint8_t *acpi_madt(uint32_t *len);

/* irq.c: an interrupt vector taken; true if it was a GSI's (handled,
 * LAPIC EOI'd). */
bool arch_irq_vector(unsigned int vector);
/* Vectors carrying GSIs: IRQ_VECTOR_BASE + gsi, below the LAPIC timer's. */
#define IRQ_VECTOR_BASE     0x30
#define NR_IRQ_VECTORS      (0xe0 - IRQ_VECTOR_BASE)

#endif
