/*
 * user_int.c — software interrupts from user mode: int3 and `int $0x80`
 * reach the guest kernel when their trap-table DPL is 3 (frame RIP after the
 * instruction, CS RPL 3); `int $0x81` (DPL 0) raises #GP instead, with an
 * IDT-flagged error code.  The exact error code and the DPL-1 / DPL-3 cases
 * are in user_int_n (ours only): QEMU 7.2's TCG reports (n << 4) | 2 instead
 * of (n << 3) | 2 and Xen trusts it, so under this QEMU real Xen delivers
 * `int $0x82` as vector 4 and refuses `int $0x83` — an emulator artefact,
 * not Xen's behaviour on hardware.
 */
#include "guest.h"

#ifndef USER_INT_N
const char test_title[] = "int3 / int n from user mode";
#endif

extern char u_int3[], u_int3_end[], u_int80[], u_int80_end[], u_int81[], u_int82[],
    u_int83[], u_int83_end[];
__asm__(".pushsection .text\n"
        "u_int3: int3\nu_int3_end: ud2\n"
        "u_int80: int $0x80\nu_int80_end: ud2\n"
        "u_int81: int $0x81\n ud2\n"
        "u_int82: int $0x82\n ud2\n"
        "u_int83: int $0x83\nu_int83_end: ud2\n"
        ".popsection\n");

static void expect(const char *what, void *fn, long vec, uint64_t rip, long ec)
{
    long v = exec_user((void (*)(void))fn);

    printk("%s: vector %ld rip %#lx ec %#lx cs %#lx\n", what, v, (unsigned long)user_exit.rip,
           (unsigned long)user_exit.error_code, (unsigned long)user_exit.cs);
    if (v != vec)
        test_fail("%s: vector %ld, expected %ld", what, v, vec);
    else if (user_exit.rip != rip)
        test_fail("%s: rip %#lx, expected %#lx", what, (unsigned long)user_exit.rip,
                  (unsigned long)rip);
    else if (ec >= 0 && user_exit.error_code != (uint64_t)ec)
        test_fail("%s: error code %#lx, expected %#lx", what,
                  (unsigned long)user_exit.error_code, (unsigned long)ec);
    if ((user_exit.cs & 3) != 3)
        test_fail("%s: frame cs %#lx lacks RPL 3", what, (unsigned long)user_exit.cs);
}

#ifndef USER_INT_N
void test_main(void)
{
    expect("int3", u_int3, X86_EXC_BP, (uint64_t)u_int3_end, -1);
    expect("int $0x80", u_int80, 0x80, (uint64_t)u_int80_end, -1);
    expect("int $0x81 (DPL 0)", u_int81, X86_EXC_GP, (uint64_t)u_int81, -1);
    if ((user_exit.error_code & 7) != 2)
        test_fail("int $0x81: error code %#lx lacks the IDT flag",
                  (unsigned long)user_exit.error_code);
}
#endif
