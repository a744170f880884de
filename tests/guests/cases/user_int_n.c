/*
 * user_int_n.c — `int $n` from user mode against the trap-table DPL, with
 * exact error codes: DPL 0 and DPL 1 entries raise #GP((n << 3) | 2), a
 * DPL-3 entry is delivered as vector n with RIP after the instruction.
 * Ours only: QEMU 7.2's TCG reports a wrong #GP error code for `int $n` in
 * long mode and real Xen trusts it (see user_int.c and docs/guest-tests.md).
 */
/* The stubs and the check are user_int.c's; only the cases differ. */
#define USER_INT_N
#include "user_int.c"

const char test_title[] = "int n with DPL below 3 from user mode";

void test_main(void)
{
    expect("int $0x81 (DPL 0)", u_int81, X86_EXC_GP, (uint64_t)u_int81, (0x81 << 3) | 2);
    expect("int $0x82 (DPL 1)", u_int82, X86_EXC_GP, (uint64_t)u_int82, (0x82 << 3) | 2);
    expect("int $0x83 (DPL 3)", u_int83, 0x83, (uint64_t)u_int83_end, -1);
}
