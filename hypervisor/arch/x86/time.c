/*
 * time.c — system time and the timer interrupt.
 *
 * The TSC is calibrated against PIT channel 2 (gate via port 0x61, mode 0,
 * latched counter reads at both ends of the window), and the LAPIC timer in
 * the same window.
 * NOW() = (rdtsc() - tsc_at_boot) scaled to ns with a 32.32 fixed-point
 * multiplier.  The generic timer queue (common/timer.c) drives a one-shot
 * LAPIC timer through arch_timer_reprogram(); the interrupt runs every
 * expired timer and re-arms for the next deadline.
 */
#include <xen/lib.h>
#include <xen/pvclock.h>
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

/*
 * System time at a TSC value, with the very scale guests get in their
 * vcpu_time_info (arch_tsc_scale): so every record written from it, on any
 * CPU at any moment, lies on the one line NOW() follows, and readings by
 * different vCPUs never disagree by more than a rounding nanosecond.  (With
 * the 32.32 multiplier above, records written at different moments would
 * differ by the two scales' error times the time between them.)
 */
s_time_t arch_system_time_at(uint64_t tsc)
{
    if (!time_ready)
        return 0;
    return (s_time_t)scale_delta(tsc - tsc_at_boot, arch_tsc_scale());
}

s_time_t NOW(void)
{
    return arch_system_time_at(rdtsc());
}

void udelay(unsigned long us)
{
    uint64_t start = rdtsc(), ticks = tsc_hz / 1000000 * us;

    while (rdtsc() - start < ticks)
        cpu_relax();
}

/*
 * Calibration has to survive a busy host: under TCG the vCPU thread can be
 * descheduled for milliseconds at any instruction, while the PIT (QEMU's
 * virtual clock) keeps counting.  So instead of polling for the end of a
 * countdown (a preemption there stretches the measured window), each end
 * of the window is one sample: TSC, latched PIT count, LAPIC count, TSC,
 * taken back to back; of several tries the one whose two TSC reads are
 * closest together is kept (a preempted try shows a huge gap).
 */
struct cal_sample { uint64_t tsc; uint32_t apic; uint16_t pit; };

static uint16_t pit_read_ch2(void)
{
    uint8_t lo, hi;

    outb(0x43, 0x80);                       /* latch channel 2 */
    lo = inb(0x42);
    hi = inb(0x42);
    return (uint16_t)(lo | (hi << 8));
}

static void cal_sample(struct cal_sample *s)
{
    uint64_t best = ~0ULL;
    unsigned int i;

    for (i = 0; i < 8; i++) {
        uint64_t t0 = rdtsc();
        uint16_t pit = pit_read_ch2();
        uint32_t apic = apic_timer_current();
        uint64_t t1 = rdtsc();

        if (t1 - t0 < best) {
            best = t1 - t0;
            s->tsc = t0 + (t1 - t0) / 2;
            s->pit = pit;
            s->apic = apic;
        }
    }
}

/*
 * PIT channel 2 in mode 0 counts down from 0xffff (55 ms); the window is
 * CALIBRATE_MS of PIT ticks.  Returns false if the PIT does not count or
 * the window overran the counter (OUT2 high = it reached zero).
 */
static bool calibrate(uint64_t *tsc_delta, uint32_t *apic_delta, uint32_t *pit_ticks)
{
    uint32_t want = (uint32_t)(PIT_HZ * CALIBRATE_MS / 1000);
    struct cal_sample a, b;
    uint64_t spins = 0;

    outb(0x61, (inb(0x61) & ~0x02) | 0x01);     /* gate on, speaker off */
    outb(0x43, 0xb0);                           /* ch2, lo/hi, mode 0, binary */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    apic_timer_start_free_running();
    /* Let the count load (one PIT clock) before the first sample. */
    while (pit_read_ch2() > 0xff00 && ++spins < 100000000ULL)
        ;
    cal_sample(&a);
    do {
        if (++spins > 500000000ULL)
            return false;
    } while ((uint16_t)(a.pit - pit_read_ch2()) < want);
    cal_sample(&b);
    apic_write(APIC_TMICT, 0);
    if (inb(0x61) & 0x20)
        return false;
    *tsc_delta = b.tsc - a.tsc;
    *apic_delta = a.apic - b.apic;
    *pit_ticks = (uint16_t)(a.pit - b.pit);
    return *pit_ticks != 0;
}

/*
 * Re-measure a CALIBRATE_MS window of PIT ticks with NOW() (self test: the
 * calibration must hold under a busy host).  Returns false if the PIT
 * window could not be measured.
 */
/* Three tries: under a loaded emulator the 10 ms window can overrun the
 * PIT's 55 ms count, which says nothing about the clock. */
static bool calibrate_retry(uint64_t *tsc_delta, uint32_t *apic_delta, uint32_t *pit_ticks)
{
    for (unsigned int tries = 0; tries < 3; tries++)
        if (calibrate(tsc_delta, apic_delta, pit_ticks))
            return true;
    return false;
}

bool time_check_against_pit(int64_t *now_ns, int64_t *pit_ns)
{
    uint64_t dt;
    uint32_t da, dp;

    if (!calibrate_retry(&dt, &da, &dp))
        return false;
    *now_ns = (int64_t)tsc_to_ns(dt);
    *pit_ns = (int64_t)((uint64_t)dp * 1000000000ULL / PIT_HZ);
    return true;
}

void time_init(void)
{
    uint64_t dt = 0;
    uint32_t da = 0, dp = 0;

    if (!calibrate_retry(&dt, &da, &dp))
        panic("TSC calibration failed: PIT channel 2 does not count\n");
    tsc_hz = dt * PIT_HZ / dp;
    apic_timer_hz = (uint64_t)da * PIT_HZ / dp;
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
    /* Runs the expired timers and re-arms for the next deadline (a long
     * one is reached in several 2^32-tick steps); re-arming once matters:
     * every LAPIC register write is an emulated MMIO access. */
    timer_run_expired(NOW());
}
