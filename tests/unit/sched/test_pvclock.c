/*
 * test_pvclock.c — host tests of the guest time records (common/pvclock.c):
 * the TSC scale for a range of frequencies, the pvclock formula as Linux
 * evaluates it, the version protocol, and the wall clock fields.
 */
#include <criterion/criterion.h>
#include <xen/pvclock.h>
#include "harness.h"

TestSuite(pvclock, .init = h_setup, .fini = h_teardown);

static const uint64_t freqs[] = {
    1000000ULL, 100000000ULL, 999999999ULL, 1000000000ULL, 1000000001ULL,
    2100000000ULL, 2500000000ULL, 3700000000ULL, 4294967295ULL, 10000000000ULL,
    25000000000ULL,
};

Test(pvclock, scale_is_accurate_for_every_frequency)
{
    for (unsigned int i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        struct time_scale ts;
        uint64_t f = freqs[i];

        set_time_scale(&ts, f);
        cr_expect_neq(ts.mul_frac, 0, "mul must never be zero (%lu Hz)", f);
        /* One second and one hour of ticks, within 1 ppm. */
        uint64_t s1 = scale_delta(f, &ts), h1 = scale_delta(f * 3600, &ts);
        cr_expect(s1 > 999999000ULL && s1 < 1000001000ULL, "%lu Hz: 1 s -> %lu ns", f, s1);
        cr_expect(h1 > 3599996400000ULL && h1 < 3600003600000ULL, "%lu Hz: 1 h -> %lu ns", f, h1);
        cr_expect_eq(scale_delta(0, &ts), 0);
    }
}

Test(pvclock, linux_formula_matches_and_version_is_even)
{
    struct vcpu_time_info t = { 0 };
    struct time_scale ts;

    set_time_scale(&ts, 2500000000ULL);
    pvclock_write(&t, 1000, 5000000, &ts, XEN_PVCLOCK_TSC_STABLE_BIT);
    cr_expect_eq(t.version, 2);
    cr_expect_eq(t.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    /* 2.5e9 ticks later: one second later. */
    uint64_t ns = pvclock_read(&t, 1000 + 2500000000ULL);
    cr_expect(ns > 5000000 + 999999000ULL && ns < 5000000 + 1000001000ULL, "%lu", ns);
    /* Linux's own evaluation (arch/x86 pvclock_scale_delta). */
    uint64_t d = 2500000000ULL;
    d = t.tsc_shift < 0 ? d >> -t.tsc_shift : d << t.tsc_shift;
    uint64_t lin = t.system_time + (uint64_t)(((unsigned __int128)d * t.tsc_to_system_mul) >> 32);
    cr_expect_eq(lin, ns);
    pvclock_write(&t, 2000, 6000000, &ts, 0);
    cr_expect_eq(t.version, 4, "two per update");
    t.version = 7;      /* a writer interrupted earlier */
    pvclock_write(&t, 2000, 6000000, &ts, 0);
    cr_expect_eq(t.version & 1, 0);
}

Test(pvclock, vcpu_and_wallclock_updates)
{
    struct domain *d;

    cr_assert_eq(domain_create(1, 0, 1, &d), 0);
    h_set_tsc_hz(1000000000ULL);
    h_tsc = 777;
    update_vcpu_system_time(d->vcpu[0]);
    cr_expect_eq(d->vcpu[0]->vcpu_info->time.tsc_timestamp, 777);
    cr_expect_eq(d->vcpu[0]->vcpu_info->time.system_time, (uint64_t)h_now);
    cr_expect_neq(d->vcpu[0]->vcpu_info->time.tsc_to_system_mul, 0);
    update_domain_wallclock_time(d);
    cr_expect_eq(d->shared_info->wc_version, 2);
    cr_expect_eq(d->shared_info->wc_sec, 0x23456789);
    cr_expect_eq(d->shared_info->wc_sec_hi, 1);
    cr_expect_eq(d->shared_info->wc_nsec, 42);
    domain_kill(d);
}
