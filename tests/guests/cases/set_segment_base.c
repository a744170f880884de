/*
 * set_segment_base.c — FS base, user and kernel GS bases and the user GS
 * selector: values are visible through the (emulated) base MSRs and through
 * memory accesses; non-canonical bases and unknown selectors of the call are
 * refused with -EINVAL.
 */
#include "guest.h"

const char test_title[] = "set_segment_base";

static uint64_t area[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

void test_main(void)
{
    uint64_t v;
    long rc;

    rc = hc_set_segment_base(SEGBASE_FS, (unsigned long)area);
    CHECK_RC("SEGBASE_FS", rc, 0);
    __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    if (v != 0x2222)
        test_fail("%%fs:8 reads %#lx", (unsigned long)v);
    if (rdmsr(0xc0000100) != (unsigned long)area)
        test_fail("FS_BASE MSR %#lx", (unsigned long)rdmsr(0xc0000100));

    rc = hc_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&area[2]);
    CHECK_RC("SEGBASE_GS_KERNEL", rc, 0);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    if (v != 0x3333)
        test_fail("%%gs:0 reads %#lx", (unsigned long)v);
    if (rdmsr(0xc0000101) != (unsigned long)&area[2])
        test_fail("GS_BASE MSR %#lx", (unsigned long)rdmsr(0xc0000101));

    rc = hc_set_segment_base(SEGBASE_GS_USER, 0x123000);
    CHECK_RC("SEGBASE_GS_USER", rc, 0);
    if (rdmsr(0xc0000102) != 0x123000)
        test_fail("SHADOW_GS_BASE MSR %#lx", (unsigned long)rdmsr(0xc0000102));

    rc = hc_set_segment_base(SEGBASE_GS_USER_SEL, 0);
    CHECK_RC("SEGBASE_GS_USER_SEL 0", rc, 0);
    rc = hc_set_segment_base(SEGBASE_GS_USER_SEL, FLAT_USER_SS);
    CHECK_RC("SEGBASE_GS_USER_SEL flat", rc, 0);
    rc = hc_set_segment_base(SEGBASE_GS_USER_SEL, 0xfff8);
    printk("SEGBASE_GS_USER_SEL bad selector: %ld\n", rc);

    rc = hc_set_segment_base(SEGBASE_FS, 0x0000800000000000UL);
    CHECK_RC("non-canonical FS base", rc, -XEN_EINVAL);
    rc = hc_set_segment_base(SEGBASE_GS_KERNEL, 0x8000000000000000UL);
    CHECK_RC("non-canonical GS base", rc, -XEN_EINVAL);
    rc = hc_set_segment_base(4, 0);
    CHECK_RC("unknown segment", rc, -XEN_EINVAL);

    hc_set_segment_base(SEGBASE_FS, 0);
    hc_set_segment_base(SEGBASE_GS_KERNEL, 0);
}
