/*
 * user_int_n.c — `int $n` from user mode against the trap-table DPL, with
 * exact error codes: DPL 0 and DPL 1 entries raise #GP((n << 3) | 2), a
 * DPL-3 entry is delivered as vector n with RIP after the instruction.
 * Ours only: QEMU 7.2's TCG reports a wrong #GP error code for `int $n` in
 * long mode and real Xen trusts it (see user_int.c and docs/guest-tests.md).
 */
#include "guest.h"

const char test_title[] = "int n with DPL below 3 from user mode";

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

void test_main(void)
{
    expect("int $0x81 (DPL 0)", u_int81, X86_EXC_GP, (uint64_t)u_int81, (0x81 << 3) | 2);
    expect("int $0x82 (DPL 1)", u_int82, X86_EXC_GP, (uint64_t)u_int82, (0x82 << 3) | 2);
    expect("int $0x83 (DPL 3)", u_int83, 0x83, (uint64_t)u_int83_end, -1);
}
