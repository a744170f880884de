/*
 * io_apic.c — the machine's IO-APICs, driven by the hypervisor as Xen does
 * (xen/arch/x86/io_apic.c): dom0 never programs them itself.
 *
 * Found in the ACPI MADT (acpi_cpus.c locates and checksums it): each
 * IO-APIC entry gives the MMIO page and the GSI of pin 0; the version
 * register gives the pin count.  Interrupt source overrides say which GSI
 * an ISA IRQ arrives on and with which trigger and polarity (QEMU: IRQ 0
 * on GSI 2; the PCI link IRQs 5, 9, 10, 11 level, active high).
 *
 * At boot every pin is masked: nothing reaches the CPU until the hardware
 * domain maps a GSI and binds an event channel to it (common/pirq.c, over
 * the hooks in irq.c).  Registers are reached through the index/data pair
 * (IOREGSEL at +0x00, IOWIN at +0x10); each 64-bit redirection entry is
 * two registers, and the low word (mask, trigger, polarity, vector) is
 * written last so that an entry is never live half-written.
 *
 * PHYSDEVOP_apic_read/apic_write (the hardware domain's view, Linux's
 * xen_io_apic_read): reads return the real registers; writes are filtered
 * as Xen's ioapic_guest_write filters them: the ID/version/arbitration
 * registers are left alone, and a redirection entry write only carries the
 * trigger and polarity dom0 asks for into the hypervisor's routing
 * (pirq_gsi_retrigger); vector, destination and mask stay the
 * hypervisor's.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include <asm/io_apic.h>

#ifndef __HOST_TEST__
#include <xen/mm.h>
#include <asm/page.h>
#endif

struct io_apic io_apics[MAX_IO_APICS];
unsigned int nr_io_apics;
struct isa_override isa_overrides[MAX_ISA_OVERRIDES];
unsigned int nr_isa_overrides;

#ifdef __HOST_TEST__
/* The host tests model the registers (tests/unit/ioapic). */
uint32_t test_ioapic_reg_read(struct io_apic *a, unsigned int reg);
void test_ioapic_reg_write(struct io_apic *a, unsigned int reg, uint32_t val);
#define reg_read  test_ioapic_reg_read
#define reg_write test_ioapic_reg_write
#else
static uint32_t reg_read(struct io_apic *a, unsigned int reg)
{
    a->mmio[0] = reg;
    return a->mmio[4];
}

static void reg_write(struct io_apic *a, unsigned int reg, uint32_t val)
{
    a->mmio[0] = reg;
    a->mmio[4] = val;
}
#endif

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

unsigned int io_apic_parse_madt(const uint8_t *madt, uint32_t len)
{
    nr_io_apics = 0;
    nr_isa_overrides = 0;
    /* Entries after the 44-byte header (signature .. flags): type, length, body. */
    for (uint32_t off = 44; madt != NULL && off + 2 <= len; ) {
        uint8_t type = madt[off], elen = madt[off + 1];
        const uint8_t *e = madt + off;

        if (elen < 2 || off + elen > len)
            break;                          /* a broken entry ends the walk */
        if (type == 1 && elen >= 12 && nr_io_apics < MAX_IO_APICS) {
            struct io_apic *a = &io_apics[nr_io_apics++];

            a->id = e[2];
            a->base = get32(e + 4);
            a->gsi_base = get32(e + 8);
            a->pins = 0;
            a->mmio = NULL;
        } else if (type == 2 && elen >= 10 && nr_isa_overrides < MAX_ISA_OVERRIDES && e[2] == 0) {
            struct isa_override *o = &isa_overrides[nr_isa_overrides++];

            o->source = e[3];
            o->gsi = get32(e + 4);
            o->flags = (uint16_t)(e[8] | e[9] << 8);
        }
        off += elen;
    }
    return nr_io_apics;
}

/* The IO-APIC and pin carrying gsi. */
static struct io_apic *find_pin(unsigned int gsi, unsigned int *pin)
{
    for (unsigned int i = 0; i < nr_io_apics; i++) {
        struct io_apic *a = &io_apics[i];

        if (a->pins != 0 && gsi >= a->gsi_base && gsi < a->gsi_base + a->pins) {
            *pin = gsi - a->gsi_base;
            return a;
        }
    }
    return NULL;
}

unsigned int io_apic_nr_gsis(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < nr_io_apics; i++)
        if (io_apics[i].pins != 0 && io_apics[i].gsi_base + io_apics[i].pins > n)
            n = io_apics[i].gsi_base + io_apics[i].pins;
    return n;
}

void io_apic_gsi_default(unsigned int gsi, bool *level, bool *active_low)
{
    for (unsigned int i = 0; i < nr_isa_overrides; i++) {
        const struct isa_override *o = &isa_overrides[i];

        if (o->gsi != gsi)
            continue;
        /* MPS INTI flags: 00 = conforms to the bus (ISA: edge, high),
         * 01 = high / edge, 11 = low / level. */
        *active_low = (o->flags & 3) == 3;
        *level = ((o->flags >> 2) & 3) == 3;
        return;
    }
    *level = gsi >= 16;
    *active_low = gsi >= 16;
}

bool io_apic_read_rte(unsigned int gsi, uint64_t *rte)
{
    unsigned int pin;
    struct io_apic *a = find_pin(gsi, &pin);

    if (a == NULL)
        return false;
    *rte = reg_read(a, IOAPIC_REG_RTE(pin)) | (uint64_t)reg_read(a, IOAPIC_REG_RTE(pin) + 1) << 32;
    return true;
}

bool io_apic_write_rte(unsigned int gsi, uint64_t rte)
{
    unsigned int pin;
    struct io_apic *a = find_pin(gsi, &pin);

    if (a == NULL)
        return false;
    /* Mask first, then the destination, then the live low word. */
    reg_write(a, IOAPIC_REG_RTE(pin), IOAPIC_RTE_MASKED);
    reg_write(a, IOAPIC_REG_RTE(pin) + 1, (uint32_t)(rte >> 32));
    reg_write(a, IOAPIC_REG_RTE(pin), (uint32_t)rte);
    return true;
}

bool io_apic_write_rte_low(unsigned int gsi, uint32_t low)
{
    unsigned int pin;
    struct io_apic *a = find_pin(gsi, &pin);

    if (a == NULL)
        return false;
    reg_write(a, IOAPIC_REG_RTE(pin), low);
    return true;
}

/* Pin count from the version register (bits 16-23: highest entry). */
static void probe_and_mask(struct io_apic *a)
{
    uint32_t ver = reg_read(a, IOAPIC_REG_VERSION);

    a->pins = ((ver >> 16) & 0xff) + 1;
    for (unsigned int pin = 0; pin < a->pins; pin++) {
        reg_write(a, IOAPIC_REG_RTE(pin), IOAPIC_RTE_MASKED);
        reg_write(a, IOAPIC_REG_RTE(pin) + 1, 0);
    }
}

#ifdef __HOST_TEST__
/* The test maps the model itself; this is the rest of the boot path. */
void io_apic_setup_after_parse(void);
void io_apic_setup_after_parse(void)
{
    for (unsigned int i = 0; i < nr_io_apics; i++)
        probe_and_mask(&io_apics[i]);
}
#else
void io_apic_init(void)
{
    uint32_t len;
    const uint8_t *madt = acpi_madt(&len);

    if (madt == NULL || io_apic_parse_madt(madt, len) == 0) {
        printk(XENLOG_WARNING "IO-APIC: none in the MADT: no device interrupt is routable\n");
        return;
    }
    for (unsigned int i = 0; i < nr_io_apics; i++) {
        struct io_apic *a = &io_apics[i];

        a->mmio = ioremap(a->base, 0x20);
        if (a->mmio == NULL) {
            printk(XENLOG_WARNING "IO-APIC %u at %#lx: cannot map it, left out\n",
                   a->id, (unsigned long)a->base);
            continue;
        }
        probe_and_mask(a);
        printk("IO-APIC %u at %#lx: version %#x, GSI %u-%u, all pins masked\n", a->id,
               (unsigned long)a->base, reg_read(a, IOAPIC_REG_VERSION) & 0xff,
               a->gsi_base, a->gsi_base + a->pins - 1);
    }
    for (unsigned int i = 0; i < nr_isa_overrides; i++) {
        const struct isa_override *o = &isa_overrides[i];
        bool level, low;

        io_apic_gsi_default(o->gsi, &level, &low);
        printk("IO-APIC: ISA IRQ %u -> GSI %u, %s, active %s\n", o->source, o->gsi,
               level ? "level" : "edge", low ? "low" : "high");
    }
}
#endif

static struct io_apic *by_base(paddr_t physbase)
{
    for (unsigned int i = 0; i < nr_io_apics; i++)
        if (io_apics[i].pins != 0 && io_apics[i].base == physbase)
            return &io_apics[i];
    return NULL;
}

int io_apic_guest_read(paddr_t physbase, unsigned int reg, uint32_t *val)
{
    struct io_apic *a = by_base(physbase);

    if (a == NULL || (reg > 2 && (reg < 0x10 || reg >= IOAPIC_REG_RTE(a->pins))))
        return -EINVAL;
    *val = reg_read(a, reg);
    return 0;
}

int io_apic_guest_write(paddr_t physbase, unsigned int reg, uint32_t val)
{
    struct io_apic *a = by_base(physbase);
    unsigned int pin;

    if (a == NULL || (reg > 2 && (reg < 0x10 || reg >= IOAPIC_REG_RTE(a->pins))))
        return -EINVAL;
    if (reg < 0x10 || (reg & 1))
        return 0;                   /* ID, arbitration, destinations: the hypervisor's */
    pin = (reg - 0x10) / 2;
    return pirq_gsi_retrigger((int)(a->gsi_base + pin), (val & IOAPIC_RTE_LEVEL) != 0,
                              (val & IOAPIC_RTE_ACTIVE_LOW) != 0);
}
