/*
 * unknown_hypercall.c — hypercall numbers with no handler return -ENOSYS,
 * through the page and through a direct syscall (including numbers past the
 * 128 page slots, which only the syscall path can name).
 */
#include "guest.h"

const char test_title[] = "unknown hypercall -> -ENOSYS";

void test_main(void)
{
    /* Unassigned in Xen 4.17's x86 PV table: 11 is a retired slot, 43-47
     * and the arch slots 48-55 are unused for PV.  (40, xenpmu_op, exists
     * and answers -EOPNOTSUPP when the PMU is off, so it is not here.) */
    static const unsigned int nrs[] = { 11, 43, 47, 50, 55, 63, 64, 100, 127 };
    static const unsigned long big[] = { 128, 200, 4096, 0x80000000UL,
                                         0x100000011UL /* high bits + 17 */ };

    for (unsigned int m = 0; m < 2; m++) {
        hc_use_syscall = (int)m;
        for (unsigned int i = 0; i < ARRAY_SIZE(nrs); i++) {
            long rc = hypercall5(nrs[i], 1, 2, 3, 4, 5);
            if (rc != -XEN_ENOSYS)
                test_fail("hypercall %u via %s: %ld, expected -ENOSYS", nrs[i],
                          m ? "syscall" : "page", rc);
        }
    }
    hc_use_syscall = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(big); i++) {
        long rc;
        register unsigned long a1 __asm__("rdi") = 0;
        __asm__ volatile("syscall" : "=a"(rc), "+r"(a1) : "0"(big[i])
                         : "rcx", "r11", "rsi", "rdx", "r10", "r8", "memory");
        printk("syscall rax=%#lx -> %ld\n", big[i], rc);
        /* Dispatch is on the full RAX: 0x100000011 is not xen_version. */
        if (rc != -XEN_ENOSYS)
            test_fail("rax=%#lx: %ld, expected -ENOSYS", big[i], rc);
    }
}
