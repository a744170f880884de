/*
 * trap_gp.c — #GP delivered to the guest with the hardware error code:
 * loading a selector beyond the GDT limit (error code = selector), a
 * non-canonical memory access (0), privileged instructions the hypervisor
 * does not emulate (hlt, lgdt: 0), and from user mode.
 */
#include "guest.h"

const char test_title[] = "#GP general protection";

extern char user_hlt[];
__asm__(".pushsection .text\nuser_hlt: hlt\n ud2\n.popsection\n");

void test_main(void)
{
    uint64_t dummy = 0;
    long v;

    ex_clear();
    __asm__ volatile("1: mov %0, %%ds\n2:\n" EXTABLE("1b", "2b") :: "r"(0xfff8) : "memory");
    printk("mov 0xfff8 -> ds: vector %ld ec %#lx\n", ex_vec, (unsigned long)ex_ec);
    if (ex_vec != X86_EXC_GP || ex_ec != 0xfff8)
        test_fail("bad DS selector: vector %ld ec %#lx, expected #GP(0xfff8)", ex_vec,
                  (unsigned long)ex_ec);

    ex_clear();
    __asm__ volatile("1: mov (%1), %0\n2:\n" EXTABLE("1b", "2b")
                     : "+r"(dummy) : "r"(0x8000000000000000UL) : "memory");
    if (ex_vec != X86_EXC_GP || ex_ec != 0)
        test_fail("non-canonical read: vector %ld ec %#lx", ex_vec, (unsigned long)ex_ec);

    ex_clear();
    __asm__ volatile("1: hlt\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    printk("hlt: vector %ld ec %#lx\n", ex_vec, (unsigned long)ex_ec);
    if (ex_vec != X86_EXC_GP || ex_ec != 0)
        test_fail("hlt: vector %ld ec %#lx", ex_vec, (unsigned long)ex_ec);

    {
        struct { uint16_t lim; uint64_t base; } __attribute__((packed)) d = { 0, 0 };
        ex_clear();
        __asm__ volatile("1: lgdt %0\n2:\n" EXTABLE("1b", "2b") :: "m"(d) : "memory");
        if (ex_vec != X86_EXC_GP || ex_ec != 0)
            test_fail("lgdt: vector %ld ec %#lx", ex_vec, (unsigned long)ex_ec);
    }

    v = exec_user((void (*)(void))user_hlt);
    if (v != X86_EXC_GP || user_exit.error_code != 0 || user_exit.rip != (unsigned long)user_hlt)
        test_fail("user hlt: vector %ld ec %#lx rip %#lx", v,
                  (unsigned long)user_exit.error_code, (unsigned long)user_exit.rip);
}
