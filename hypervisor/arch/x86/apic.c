/*
 * apic.c — the local APIC (xAPIC mode, through an uncached ioremap of its
 * MMIO page) and the legacy 8259 PICs, which are remapped away from the
 * exception vectors and fully masked: every interrupt we take comes from
 * the LAPIC (its timer for now; event channels and physical IRQs later).
 */
#include <xen/lib.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <xen/smp.h>

static volatile uint32_t *apic_mmio;

uint32_t apic_read(unsigned int reg)
{
    return apic_mmio[reg / 4];
}

void apic_write(unsigned int reg, uint32_t val)
{
    apic_mmio[reg / 4] = val;
}

/* Each CPU's timer LVT as last written (see apic_timer_oneshot). */
static uint32_t lvt_timer[NR_CPUS];

static void set_lvt_timer(uint32_t v)
{
    apic_write(APIC_LVT_TIMER, v);
    lvt_timer[smp_processor_id()] = v;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void pic_disable(void)
{
    /* ICW1-4: remap master to 0x20-0x27, slave to 0x28-0x2f, then mask all.
     * Remapping matters even when masked: a spurious IRQ7 would otherwise
     * arrive as vector 0x0f and look like an exception. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static paddr_t lapic_base = 0xfee00000UL;     /* architectural default */

/* The LAPIC's physical page: the hardware domain never maps it. */
paddr_t arch_lapic_base(void)
{
    return lapic_base;
}

/* This CPU's LAPIC: globally enabled, timer masked, LINT0/1 and errors
 * masked, software-enabled with the spurious vector, timer divider 1.  Every
 * CPU's LAPIC sits at the same physical address, so one mapping serves all. */
static void apic_setup_local(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    wrmsr(MSR_APIC_BASE, base | (1UL << 11));   /* global enable, xAPIC mode */
    apic_write(APIC_TPR, 0);
    set_lvt_timer(APIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
    apic_write(APIC_TDCR, 0xb);                  /* divide by 1 */
    apic_write(APIC_TMICT, 0);
    apic_eoi();
}

void apic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if (!boot_cpu.apic)
        panic("This CPU has no local APIC\n");
    lapic_base = base & PADDR_MASK & ~0xfffUL;
    apic_mmio = ioremap(lapic_base, PAGE_SIZE);
    if (!apic_mmio)
        panic("cannot map the local APIC\n");
    apic_setup_local();
    printk("Local APIC id %u, version %#x, at %#lx\n", apic_read(APIC_ID) >> 24,
           apic_read(APIC_VERSION) & 0xff, (unsigned long)(base & PADDR_MASK & ~0xfffUL));
}

void apic_timer_start_free_running(void)
{
    set_lvt_timer(APIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
    apic_write(APIC_TMICT, 0xffffffffu);
}

uint32_t apic_timer_current(void)
{
    return apic_read(APIC_TMCCT);
}

void apic_timer_oneshot(uint32_t ticks)
{
    /* One-shot mode (LVT bits 17-18 = 0), unmasked; a zero count stops it.
     * The LVT keeps its value between shots, so it is written only when it
     * changes (calibration runs the timer periodic): under emulation each
     * register write is an MMIO exit, and this runs at every timer event. */
    if (lvt_timer[smp_processor_id()] != LAPIC_TIMER_VECTOR)
        set_lvt_timer(LAPIC_TIMER_VECTOR);
    apic_write(APIC_TMICT, ticks);
}

void apic_init_secondary(void)
{
    apic_setup_local();
}

/* The initial APIC id from CPUID: no MMIO, so usable on any path. */
uint32_t apic_id_self(void)
{
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    return b >> 24;
}

bool apic_icr_idle(void)
{
    return !(apic_read(APIC_ICR_LOW) & APIC_ICR_BUSY);
}

/* One IPI to a physical APIC id (xAPIC: 8-bit destination). */
void apic_send_ipi_phys(uint32_t apic_id, uint32_t icr_low)
{
    apic_write(APIC_ICR_HIGH, apic_id << 24);
    apic_write(APIC_ICR_LOW, icr_low);
}
