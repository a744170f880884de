/*
 * trap_ud.c — #UD from ud2 in kernel and user mode (vector 6, RIP at the
 * instruction), and from the forced-emulation prefix followed by something
 * other than cpuid (the hypervisor must not emulate it).
 */
#include "guest.h"

const char test_title[] = "#UD invalid opcode";

extern char user_ud2[];
__asm__(".pushsection .text\nuser_ud2: ud2\n.popsection\n");

void test_main(void)
{
    long v;

    ex_clear();
    __asm__ volatile("1: ud2\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    if (ex_vec != X86_EXC_UD)
        test_fail("kernel ud2: vector %ld", ex_vec);

    /* ud2; "xen"; nop — prefix without cpuid */
    ex_clear();
    __asm__ volatile("1: ud2\n .ascii \"xen\"\n nop\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    if (ex_vec != X86_EXC_UD)
        test_fail("forced-emulation prefix + nop: vector %ld", ex_vec);
    printk("prefix + nop: vector %ld at %#lx\n", ex_vec, (unsigned long)ex_rip);

    v = exec_user((void (*)(void))user_ud2);
    if (v != X86_EXC_UD || user_exit.rip != (unsigned long)user_ud2)
        test_fail("user ud2: vector %ld rip %#lx", v, (unsigned long)user_exit.rip);
}
