/*
 * debugreg.c — set_debugreg/get_debugreg and #DB delivery: DR0-DR3 take guest
 * addresses (hypervisor addresses are refused), DR7 enables them, an
 * instruction breakpoint raises #DB with DR6 saying which one; single-step
 * (RFLAGS.TF) raises #DB after one instruction with DR6.BS; an invalid
 * register number is -ENODEV (Xen 4.17), a hypervisor address -EPERM.
 */
#include "guest.h"

const char test_title[] = "debug registers and #DB";

extern char bp_target[];
static volatile int db_hits;
static volatile uint64_t db_rip, db_dr6;

static bool on_db(struct cpu_regs *r)
{
    db_hits++;
    db_rip = r->rip;
    db_dr6 = (uint64_t)hc_get_debugreg(6);
    r->rflags &= ~0x100UL;                 /* TF off */
    if (r->rip == (unsigned long)bp_target)
        r->rflags |= 0x10000UL;            /* RF: don't re-trigger */
    hc_set_debugreg(6, 0xffff0ff0);
    return true;
}

void test_main(void)
{
    long rc;

    set_trap_handler(X86_EXC_DB, on_db);

    CHECK_RC("DR0 = guest address", hc_set_debugreg(0, (unsigned long)bp_target), 0);
    CHECK_RC("get DR0", hc_get_debugreg(0), (long)(unsigned long)bp_target);
    rc = hc_set_debugreg(1, 0xffff82d080000000UL);
    CHECK_RC("DR1 = hypervisor address", rc, -XEN_EPERM);
    CHECK_RC("set DR8", hc_set_debugreg(8, 0), -XEN_ENODEV);
    CHECK_RC("get DR8", hc_get_debugreg(8), -XEN_ENODEV);

    /* execute breakpoint on bp_target: L0, R/W0 = 00 (execution), LEN0 = 00 */
    CHECK_RC("DR7 enable DR0", hc_set_debugreg(7, 0x1), 0);
    __asm__ volatile("call bp_target\n jmp 1f\n"
                     "bp_target: ret\n"
                     "1:" ::: "memory");
    printk("breakpoint: %d #DB, rip %#lx dr6 %#lx\n", db_hits, (unsigned long)db_rip,
           (unsigned long)db_dr6);
    if (db_hits != 1 || db_rip != (unsigned long)bp_target || !(db_dr6 & 1))
        test_fail("breakpoint: %d #DB at %#lx dr6 %#lx", db_hits, (unsigned long)db_rip,
                  (unsigned long)db_dr6);
    hc_set_debugreg(7, 0);

    /* single step */
    db_hits = 0;
    __asm__ volatile("pushf\n orq $0x100, (%%rsp)\n popf\n nop\n nop\n" ::: "memory", "cc");
    printk("single step: %d #DB, dr6 %#lx\n", db_hits, (unsigned long)db_dr6);
    if (db_hits != 1 || !(db_dr6 & 0x4000))
        test_fail("single step: %d #DB, dr6 %#lx (expected one with BS)", db_hits,
                  (unsigned long)db_dr6);
}
