/*
 * fpu_taskswitch.c — the virtual CR0.TS: after fpu_taskswitch(1) the next
 * x87 instruction raises #NM in the guest; fpu_taskswitch(0) clears it.
 * Xen clears the virtual TS itself when it delivers that #NM (Linux's lazy
 * FPU relied on this), so the instruction after the fault does not fault.
 */
#include "guest.h"

const char test_title[] = "fpu_taskswitch";

static volatile int nm;

static bool on_nm(struct cpu_regs *r)
{
    nm++;
    return true;   /* #NM is a fault: the instruction re-runs */
}

static void fpu_op(void)
{
    __asm__ volatile("fnop" ::: "memory");
}

void test_main(void)
{
    long rc;

    set_trap_handler(X86_EXC_NM, on_nm);

    rc = hc_fpu_taskswitch(0);
    CHECK_RC("fpu_taskswitch(0)", rc, 0);
    fpu_op();
    if (nm)
        test_fail("#NM with TS clear");

    rc = hc_fpu_taskswitch(1);
    CHECK_RC("fpu_taskswitch(1)", rc, 0);
    fpu_op();
    if (nm != 1)
        test_fail("%d #NM with TS set, expected 1", nm);
    fpu_op();
    if (nm != 1)
        test_fail("#NM count %d after the retried instruction, expected 1 "
                  "(delivery clears the virtual TS)", nm);

    /* TS set, then cleared before any FPU use: no fault. */
    hc_fpu_taskswitch(1);
    hc_fpu_taskswitch(0);
    fpu_op();
    if (nm != 1)
        test_fail("#NM after set+clear");
    /* Any non-zero argument sets TS. */
    hc_fpu_taskswitch(7);
    fpu_op();
    if (nm != 2)
        test_fail("fpu_taskswitch(7) did not set TS (%d #NM)", nm);
}
