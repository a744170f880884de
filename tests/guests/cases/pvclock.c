/*
 * pvclock.c — the time the hypervisor publishes in vcpu_info.time and
 * shared_info's wallclock: a non-zero tsc_to_system_mul (Linux divides by
 * it), an even version when stable, system time that advances consistently
 * with the TSC, and a wallclock that is set.
 */
#include "guest.h"

const char test_title[] = "pvclock time and wallclock";

void test_main(void)
{
    volatile struct vcpu_time_info *t = &vcpu0->time;
    uint64_t a, b;

    printk("time: version %u mul %u shift %d system_time %lu\n", t->version,
           t->tsc_to_system_mul, t->tsc_shift, (unsigned long)t->system_time);
    if (t->tsc_to_system_mul == 0)
        test_fail("tsc_to_system_mul is 0");
    if (t->version & 1)
        test_fail("time version odd (%u) while nothing updates it", t->version);
    if (t->system_time == 0)
        test_fail("system_time is 0");

    a = guest_time_ns();
    for (int i = 0; i < 20; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    b = guest_time_ns();
    printk("pvclock advanced %lu ns over 20 yields\n", (unsigned long)(b - a));
    if (b <= a)
        test_fail("pvclock went from %lu to %lu", (unsigned long)a, (unsigned long)b);
    if (b - a > 10000000000ULL)
        test_fail("pvclock jumped %lu ns over 20 yields", (unsigned long)(b - a));

    printk("wallclock: version %u sec %u nsec %u\n", shared_info->wc_version,
           shared_info->wc_sec, shared_info->wc_nsec);
    if (shared_info->wc_sec < 1000000000u)   /* before 2001: not set */
        test_fail("wallclock not set (%u s)", shared_info->wc_sec);
}
