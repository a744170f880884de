/*
 * test_io_apic.c — the IO-APIC driver (arch/x86/io_apic.c, irq.c) against
 * a register-level model: QEMU's MADT (one IO-APIC at 0xfec00000, GSIs
 * 0-23, ISA overrides 0->2 and 5/9/10/11 level/high), every pin masked at
 * boot, a configured line's entry (vector 0x30 + gsi, trigger, polarity,
 * destination = the boot LAPIC), mask/unmask touching only the low word,
 * the vector handler calling pirq_do_irq before the LAPIC EOI, and the
 * filtered apic_read/apic_write.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include <asm/io_apic.h>

/* ------------------------------------------------------ the model IO-APIC */
#define PINS 24
static uint32_t regsel_writes, rte_lo[PINS], rte_hi[PINS];
static unsigned int nr_lo_writes[PINS], order_log[8], nr_order;
static uint32_t version = ((PINS - 1) << 16) | 0x20;

uint32_t test_ioapic_reg_read(struct io_apic *a, unsigned int reg)
{
    cr_assert_eq(a->base, 0xfec00000UL);
    if (reg == IOAPIC_REG_ID)
        return (uint32_t)a->id << 24;
    if (reg == IOAPIC_REG_VERSION)
        return version;
    cr_assert(reg >= 0x10 && reg < 0x10 + 2 * PINS, "register %#x", reg);
    return (reg & 1) ? rte_hi[(reg - 0x10) / 2] : rte_lo[(reg - 0x10) / 2];
}

void test_ioapic_reg_write(struct io_apic *a, unsigned int reg, uint32_t val)
{
    cr_assert_eq(a->base, 0xfec00000UL);
    cr_assert(reg >= 0x10 && reg < 0x10 + 2 * PINS, "register %#x", reg);
    regsel_writes++;
    if (reg & 1) {
        /* The destination changes only while the entry is masked. */
        cr_assert(rte_lo[(reg - 0x10) / 2] & IOAPIC_RTE_MASKED, "destination written live");
        rte_hi[(reg - 0x10) / 2] = val;
    } else {
        rte_lo[(reg - 0x10) / 2] = val;
        nr_lo_writes[(reg - 0x10) / 2]++;
    }
}

static uint32_t apic_id = 3;
uint32_t test_boot_apic_id(void) { return apic_id; }
void test_lapic_eoi(void) { cr_assert_lt(nr_order, 8u); order_log[nr_order++] = 0xe01; }
void pirq_do_irq(int gsi) { cr_assert_lt(nr_order, 8u); order_log[nr_order++] = (unsigned int)gsi; }

static int retrig_gsi = -1;
static bool retrig_level, retrig_low;
int pirq_gsi_retrigger(int gsi, bool level, bool active_low)
{
    retrig_gsi = gsi; retrig_level = level; retrig_low = active_low;
    return 0;
}

void io_apic_setup_after_parse(void);

/* QEMU i440fx's MADT: header, LAPIC, IO-APIC, 5 overrides, LAPIC NMI. */
static uint8_t madt[256];
static uint32_t madt_len;

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static void add(const uint8_t *e, uint8_t len) { memcpy(madt + madt_len, e, len); madt_len += len; }

static void override(uint8_t src, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = { 2, 10, 0, src };

    put32(e + 4, gsi);
    e[8] = (uint8_t)flags; e[9] = (uint8_t)(flags >> 8);
    add(e, 10);
}

static void build_qemu_madt(void)
{
    uint8_t lapic[8] = { 0, 8, 0, 0, 1, 0, 0, 0 };
    uint8_t ioapic[12] = { 1, 12, 0, 0 };
    uint8_t nmi[6] = { 4, 6, 0xff, 0, 0, 1 };

    memset(madt, 0, sizeof(madt));
    memcpy(madt, "APIC", 4);
    madt_len = 44;
    add(lapic, 8);
    put32(ioapic + 4, 0xfec00000);
    put32(ioapic + 8, 0);
    add(ioapic, 12);
    override(0, 2, 0);
    override(5, 5, 0xd);        /* high (01), level (11) */
    override(9, 9, 0xd);
    override(10, 10, 0xd);
    override(11, 11, 0xd);
    add(nmi, 6);
    put32(madt + 4, madt_len);
}

static void setup(void)
{
    memset(rte_lo, 0, sizeof(rte_lo));
    memset(rte_hi, 0xff, sizeof(rte_hi));       /* firmware garbage */
    memset(nr_lo_writes, 0, sizeof(nr_lo_writes));
    regsel_writes = 0; nr_order = 0; retrig_gsi = -1;
    build_qemu_madt();
    cr_assert_eq(io_apic_parse_madt(madt, madt_len), 1u);
    io_apic_setup_after_parse();
}

TestSuite(ioapic, .init = setup);

Test(ioapic, madt_parsed_and_every_pin_masked)
{
    bool level, low;

    cr_assert_eq(nr_io_apics, 1u);
    cr_assert_eq(io_apics[0].pins, 24u, "from the version register");
    cr_assert_eq(io_apic_nr_gsis(), 24u);
    cr_assert_eq(arch_nr_gsis(), 24u);
    cr_assert_eq(nr_isa_overrides, 5u);
    for (unsigned int p = 0; p < PINS; p++) {
        cr_assert(rte_lo[p] & IOAPIC_RTE_MASKED, "pin %u masked at boot", p);
        cr_assert_eq(rte_hi[p], 0u);
    }
    io_apic_gsi_default(2, &level, &low);
    cr_assert(!level && !low, "IRQ 0 -> GSI 2: conforms to ISA, edge/high");
    io_apic_gsi_default(10, &level, &low);
    cr_assert(level && !low, "PCI link IRQ 10: level/high by override");
    io_apic_gsi_default(4, &level, &low);
    cr_assert(!level && !low, "no override: ISA edge/high");
    io_apic_gsi_default(20, &level, &low);
    cr_assert(level && low, "GSI >= 16: PCI level/low");
}

Test(ioapic, broken_madt_routes_nothing)
{
    cr_assert_eq(io_apic_parse_madt(madt, 44), 0u, "no entries");
    cr_assert_eq(arch_nr_gsis(), 0u);
    madt[44 + 8 + 1] = 0;       /* the IO-APIC entry's length: 0 ends the walk */
    cr_assert_eq(io_apic_parse_madt(madt, madt_len), 0u);
    madt[44 + 8 + 1] = 12;
    cr_assert_eq(io_apic_parse_madt(madt, 44 + 8 + 11), 0u, "entry cut by the table's end");
    cr_assert_eq(io_apic_parse_madt(NULL, 100), 0u);
    cr_assert_eq(arch_gsi_configure(10, true, false), -ENODEV);
}

Test(ioapic, configure_mask_unmask)
{
    cr_assert_eq(arch_gsi_configure(11, true, false), 0);
    cr_assert_eq(rte_lo[11], (0x30u + 11) | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED);
    cr_assert_eq(rte_hi[11], 3u << 24, "to the boot LAPIC, physical mode");
    cr_assert_eq(arch_gsi_configure(20, true, true), 0);
    cr_assert_eq(rte_lo[20], (0x30u + 20) | IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_MASKED);
    arch_gsi_unmask(11);
    cr_assert_eq(rte_lo[11], (0x30u + 11) | IOAPIC_RTE_LEVEL);
    arch_gsi_mask(11);
    cr_assert(rte_lo[11] & IOAPIC_RTE_MASKED);
    cr_assert_eq(rte_hi[11], 3u << 24, "mask/unmask leave the destination");
    arch_gsi_unmask(7);
    cr_assert(rte_lo[7] & IOAPIC_RTE_MASKED, "never configured: stays masked");
    cr_assert_eq(arch_gsi_configure(24, false, false), -ENODEV);
    cr_assert_eq(arch_gsi_configure(-1, false, false), -ENODEV);
    arch_gsi_mask(-1);
    arch_gsi_unmask(1000);
}

Test(ioapic, vector_handler_delivers_then_eois)
{
    cr_assert_eq(arch_gsi_configure(10, true, false), 0);
    cr_assert(arch_irq_vector(0x30 + 10));
    cr_assert_eq(nr_order, 2u);
    cr_assert_eq(order_log[0], 10u, "the PIRQ first (a level line gets masked)");
    cr_assert_eq(order_log[1], 0xe01u, "then the LAPIC EOI");
    cr_assert(!arch_irq_vector(0x30 + 24), "beyond the GSIs: not ours");
    cr_assert(!arch_irq_vector(0x2f));
    cr_assert(!arch_irq_vector(0xe0), "the LAPIC timer");
    cr_assert_eq(nr_order, 2u);
}

Test(ioapic, guest_read_write_filtered)
{
    uint32_t v = 0;

    cr_assert_eq(arch_gsi_configure(9, true, false), 0);
    cr_assert_eq(io_apic_guest_read(0xfec00000, 1, &v), 0);
    cr_assert_eq(v, version);
    cr_assert_eq(io_apic_guest_read(0xfec00000, 0x10 + 18, &v), 0);
    cr_assert_eq(v, rte_lo[9]);
    cr_assert_eq(io_apic_guest_read(0xfec01000, 1, &v), -EINVAL, "no IO-APIC there");
    cr_assert_eq(io_apic_guest_read(0xfec00000, 3, &v), -EINVAL);
    cr_assert_eq(io_apic_guest_read(0xfec00000, 0x10 + 48, &v), -EINVAL);
    regsel_writes = 0;
    cr_assert_eq(io_apic_guest_write(0xfec00000, 0, 0x0f000000), 0, "the ID: ignored");
    cr_assert_eq(io_apic_guest_write(0xfec00000, 0x10 + 19, 0xff000000), 0, "a destination: ignored");
    cr_assert_eq(regsel_writes, 0u, "neither reached the IO-APIC");
    cr_assert_eq(io_apic_guest_write(0xfec00000, 0x10 + 18, 0x21 | IOAPIC_RTE_ACTIVE_LOW), 0);
    cr_assert_eq(retrig_gsi, 9, "an entry write: only trigger/polarity, to the routing");
    cr_assert(!retrig_level && retrig_low);
    cr_assert_eq(regsel_writes, 0u, "vector 0x21 never written");
    cr_assert_eq(io_apic_guest_write(0xfec00000, 0x10 + 48, 0), -EINVAL);
}
