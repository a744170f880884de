/*
 * pvclock.h — guest time (common/pvclock.c): the TSC-to-nanoseconds scale
 * published in every vcpu_info (the pvclock protocol Linux reads) and the
 * wall clock in shared_info.
 *
 * A guest computes system time as
 *     system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32
 * (shift negative meaning a right shift), re-reading while version is odd
 * or changed.  tsc_to_system_mul must never be zero: Linux divides by it.
 */
#ifndef XEN_PVCLOCK_H
#define XEN_PVCLOCK_H

#include <xen/types.h>
#include <public/xen.h>

struct vcpu;
struct domain;

struct time_scale {
    int      shift;
    uint32_t mul_frac;      /* 32.32 fixed point, < 2^32 */
};

/* Scale for a counter running at ticks_per_sec (> 0). */
void set_time_scale(struct time_scale *ts, uint64_t ticks_per_sec);
/* Nanoseconds for delta ticks. */
uint64_t scale_delta(uint64_t delta, const struct time_scale *ts);
/* Write one record with the version protocol (odd while writing). */
void pvclock_write(volatile struct vcpu_time_info *t, uint64_t tsc, uint64_t system_time,
                   const struct time_scale *ts, uint8_t flags);
/* What a guest reads back (used by tests and the self test). */
uint64_t pvclock_read(const volatile struct vcpu_time_info *t, uint64_t tsc);

/* Refresh v's record from the current TSC and NOW(); refresh d's wall clock. */
void update_vcpu_system_time(struct vcpu *v);
void update_domain_wallclock_time(struct domain *d);

/* Architecture hooks. */
uint64_t arch_rdtsc(void);
const struct time_scale *arch_tsc_scale(void);     /* TSC ticks -> ns */
s_time_t arch_system_time_at(uint64_t tsc);         /* NOW() when the TSC read tsc */
bool arch_tsc_stable(void);
/* Wall-clock time (seconds and ns since the epoch) at system time 0. */
void arch_boot_wallclock(uint64_t *sec, uint32_t *nsec);

#endif
