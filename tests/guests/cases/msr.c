/*
 * msr.c — rdmsr/wrmsr from the PV kernel trap and are emulated: FS_BASE,
 * GS_BASE and SHADOW_GS_BASE read back what was written (and what
 * set_segment_base set); a non-canonical base and unknown MSRs raise #GP(0)
 * in the guest instead of killing it (Linux's _safe accessors rely on that).
 */
#include "guest.h"

const char test_title[] = "MSR emulation";

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102

static long rd(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;

    ex_clear();
    __asm__ volatile("1: rdmsr\n2:\n" EXTABLE("1b", "2b")
                     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    *val = ((uint64_t)hi << 32) | lo;
    return ex_vec;
}

static long wr(uint32_t msr, uint64_t val)
{
    ex_clear();
    __asm__ volatile("1: wrmsr\n2:\n" EXTABLE("1b", "2b")
                     :: "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr) : "memory");
    return ex_vec;
}

void test_main(void)
{
    static const uint32_t msrs[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE };
    uint64_t v;
    long e;

    for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
        uint64_t want = 0x00007f0000001000ULL + i * 0x1000;

        if ((e = wr(msrs[i], want)) != -1)
            test_fail("wrmsr %#x: vector %ld", msrs[i], e);
        if ((e = rd(msrs[i], &v)) != -1 || v != want)
            test_fail("rdmsr %#x: vector %ld value %#lx, expected %#lx", msrs[i], e,
                      (unsigned long)v, (unsigned long)want);
    }
    hc_set_segment_base(SEGBASE_FS, 0x5000);
    rd(MSR_FS_BASE, &v);
    if (v != 0x5000)
        test_fail("FS_BASE after set_segment_base reads %#lx", (unsigned long)v);

    e = wr(MSR_FS_BASE, 0x8000000000000000ULL);
    if (e != X86_EXC_GP || ex_ec != 0)
        test_fail("non-canonical FS_BASE: vector %ld ec %#lx", e, (unsigned long)ex_ec);

    e = rd(0x12345678, &v);
    if (e != X86_EXC_GP || ex_ec != 0)
        test_fail("rdmsr unknown: vector %ld ec %#lx, expected #GP(0)", e, (unsigned long)ex_ec);
    e = wr(0x12345678, 1);
    if (e != X86_EXC_GP || ex_ec != 0)
        test_fail("wrmsr unknown: vector %ld ec %#lx, expected #GP(0)", e, (unsigned long)ex_ec);
    e = rd(0x40000000, &v);
    printk("rdmsr 0x40000000 (hypercall page MSR): vector %ld\n", e);

    wr(MSR_FS_BASE, 0);
    wr(MSR_GS_BASE, 0);
}
