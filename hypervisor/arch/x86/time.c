/*
 * time.c — system time and the timer interrupt.
 *
 * The TSC is calibrated against PIT channel 2 (gate via port 0x61, mode 0
 * one-shot count, OUT2 polled), and the LAPIC timer in the same window.
 * NOW() = (rdtsc() - tsc_at_boot) scaled to ns with a 32.32 fixed-point
 * multiplier.  The generic timer queue (common/timer.c) drives a one-shot
 * LAPIC timer through arch_timer_reprogram(); the interrupt runs every
 * expired timer and re-arms for the next deadline.
 */
#include <xen/lib.h>
#include <xen/irqflags.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/time.h>

#define PIT_HZ          1193182ULL
#define CALIBRATE_MS    10

uint64_t tsc_hz;
uint64_t apic_timer_hz;
uint64_t tsc_at_boot;
static uint64_t tsc_to_ns_mul;       /* ns per tick, 32.32 fixed point */
static uint64_t ns_to_apic_mul;      /* APIC ticks per ns, 32.32 */
static bool time_ready;

uint64_t tsc_to_ns(uint64_t ticks)
{
    return (uint64_t)(((unsigned __int128)ticks * tsc_to_ns_mul) >> 32);
}

s_time_t NOW(void)
{
    if (!time_ready)
        return 0;
    return (s_time_t)tsc_to_ns(rdtsc() - tsc_at_boot);
}

void udelay(unsigned long us)
{
    uint64_t start = rdtsc(), ticks = tsc_hz / 1000000 * us;

    while (rdtsc() - start < ticks)
        cpu_relax();
}

/*
 * One PIT channel 2 countdown of CALIBRATE_MS, measuring the TSC and the
 * LAPIC timer across it.  Returns false if OUT2 never rose (no PIT).
 */
static bool calibrate(uint64_t *tsc_delta, uint32_t *apic_delta)
{
    uint32_t count = (uint32_t)(PIT_HZ * CALIBRATE_MS / 1000);
    uint64_t t0, t1, spins = 0;
    uint32_t a0, a1;

    /* Gate on, speaker off. */
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);                       /* channel 2, lo/hi, mode 0, binary */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    apic_timer_start_free_running();
    a0 = apic_timer_current();
    t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        if (++spins > 500000000ULL)
            return false;
    t1 = rdtsc();
    a1 = apic_timer_current();
    apic_write(APIC_TMICT, 0);
    *tsc_delta = t1 - t0;
    *apic_delta = a0 - a1;
    return true;
}

void time_init(void)
{
    uint64_t dt;
    uint32_t da;

    if (!calibrate(&dt, &da))
        panic("TSC calibration failed: PIT channel 2 never counted down\n");
    tsc_hz = dt * 1000 / CALIBRATE_MS;
    apic_timer_hz = (uint64_t)da * 1000 / CALIBRATE_MS;
    if (!tsc_hz || !apic_timer_hz)
        panic("timer calibration gave zero (TSC %lu Hz, APIC %lu Hz)\n",
              (unsigned long)tsc_hz, (unsigned long)apic_timer_hz);
    tsc_to_ns_mul = (1000000000ULL << 32) / tsc_hz;
    ns_to_apic_mul = (apic_timer_hz << 32) / 1000000000ULL;
    tsc_at_boot = rdtsc();
    time_ready = true;
    printk("TSC: %lu.%03lu MHz, LAPIC timer: %lu.%03lu MHz (PIT-calibrated over %u ms)\n",
           (unsigned long)(tsc_hz / 1000000), (unsigned long)(tsc_hz / 1000 % 1000),
           (unsigned long)(apic_timer_hz / 1000000), (unsigned long)(apic_timer_hz / 1000 % 1000),
           CALIBRATE_MS);
}

void arch_timer_reprogram(s_time_t deadline)
{
    s_time_t delta;
    unsigned __int128 ticks;

    if (deadline == STIME_MAX) {
        apic_timer_oneshot(0);
        return;
    }
    delta = deadline - NOW();
    if (delta <= 0) {
        apic_timer_oneshot(1);
        return;
    }
    ticks = ((unsigned __int128)(uint64_t)delta * ns_to_apic_mul) >> 32;
    apic_timer_oneshot(ticks == 0 ? 1 : ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
}

void timer_interrupt(void)
{
    apic_eoi();
    timer_run_expired(NOW());
    /* A long deadline is reached in several 2^32-tick steps: re-arm. */
    arch_timer_reprogram(timer_next_deadline());
}
