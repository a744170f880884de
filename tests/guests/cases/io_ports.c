/*
 * io_ports.c — port I/O under the virtual IOPL: with IOPL 0 `in`/`out` raise
 * #GP(0) in the guest; after set_iopl(1) the guest kernel (virtually ring 1)
 * may use them but user mode still faults; with IOPL 3 user mode may too.
 * Port 0x80 (POST diagnostics) is harmless to touch.
 */
#include "guest.h"

const char test_title[] = "set_iopl with in/out";

extern void user_out80(void);
__asm__(".pushsection .text\nuser_out80: mov $0x5a, %al\n out %al, $0x80\n"
        " mov $0x33, %eax\n syscall\n ud2\n.popsection\n");

static long try_in(void)
{
    uint8_t v = 0;

    ex_clear();
    __asm__ volatile("1: inb $0x80, %%al\n2:\n" EXTABLE("1b", "2b") : "+a"(v) :: "memory");
    return ex_vec;
}

void test_main(void)
{
    long v;

    set_iopl(0);
    v = try_out();
    if (v != X86_EXC_GP || ex_ec != 0)
        test_fail("out with IOPL 0: vector %ld ec %#lx, expected #GP(0)", v, (unsigned long)ex_ec);
    v = try_in();
    if (v != X86_EXC_GP || ex_ec != 0)
        test_fail("in with IOPL 0: vector %ld ec %#lx, expected #GP(0)", v, (unsigned long)ex_ec);

    set_iopl(1);
    if ((v = try_out()) != -1)
        test_fail("out with IOPL 1 in kernel: vector %ld", v);
    if ((v = try_in()) != -1)
        test_fail("in with IOPL 1 in kernel: vector %ld", v);
    v = exec_user(user_out80);
    if (v != X86_EXC_GP)
        test_fail("user out with IOPL 1: came back as %ld, expected #GP", v);

    set_iopl(3);
    v = exec_user(user_out80);
    if (v != VEC_SYSCALL || user_exit.rax != 0x33)
        test_fail("user out with IOPL 3: came back as %ld", v);

    set_iopl(0);
    if ((v = try_out()) != X86_EXC_GP)
        test_fail("out after dropping IOPL: vector %ld", v);
}
