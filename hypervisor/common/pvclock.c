/*
 * pvclock.c — the time records guests read: the per-vCPU pvclock (TSC
 * timestamp, system time, TSC-to-ns multiplier and shift) and the
 * shared_info wall clock, each written under a version counter that is odd
 * while an update is in progress.
 *
 * The scale follows Xen's set_time_scale(): normalise the frequency into
 * (1e9, 2e9] by shifting, then mul = 2^32 * 1e9 / normalised frequency, so
 * that mul < 2^32 and the product fits a 64x32 multiply.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/pvclock.h>

#define NSEC_PER_SEC 1000000000ULL

void set_time_scale(struct time_scale *ts, uint64_t ticks_per_sec)
{
    uint64_t tps = ticks_per_sec;
    int shift = 0;

    BUG_ON(tps == 0);
    while (tps > 2 * NSEC_PER_SEC) {
        tps >>= 1;
        shift--;
    }
    while (tps <= NSEC_PER_SEC) {
        tps <<= 1;
        shift++;
    }
    ts->shift = shift;
    ts->mul_frac = (uint32_t)((NSEC_PER_SEC << 32) / tps);
}

uint64_t scale_delta(uint64_t delta, const struct time_scale *ts)
{
    if (ts->shift < 0)
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}

void pvclock_write(volatile struct vcpu_time_info *t, uint64_t tsc, uint64_t system_time,
                   const struct time_scale *ts, uint8_t flags)
{
    /* Odd while in progress (if a previous writer died mid-way it already is). */
    t->version = t->version | 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = system_time;
    t->tsc_to_system_mul = ts->mul_frac;
    t->tsc_shift = (int8_t)ts->shift;
    t->flags = flags;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;                               /* even: consistent */
}

uint64_t pvclock_read(const volatile struct vcpu_time_info *t, uint64_t tsc)
{
    struct time_scale ts;
    uint32_t v;
    uint64_t ns;

    do {
        v = t->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ts.shift = t->tsc_shift;
        ts.mul_frac = t->tsc_to_system_mul;
        ns = t->system_time + scale_delta(tsc - t->tsc_timestamp, &ts);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((v & 1) || v != t->version);
    return ns;
}

void update_vcpu_system_time(struct vcpu *v)
{
    uint64_t tsc = arch_rdtsc();
    s_time_t now = arch_system_time_at(tsc);    /* the same instant, not a later one */

    pvclock_write(&v->vcpu_info->time, tsc, (uint64_t)now, arch_tsc_scale(),
                  arch_tsc_stable() ? XEN_PVCLOCK_TSC_STABLE_BIT : 0);
}

void update_domain_wallclock_time(struct domain *d)
{
    volatile shared_info_t *s = d->shared_info;
    uint64_t sec;
    uint32_t nsec;

    arch_boot_wallclock(&sec, &nsec);
    s->wc_version = s->wc_version | 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version++;
}
